using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Optima.Cli;
using Xunit;
using Xunit.Abstractions;

namespace Optima.Tests.Distributed;

/// <summary>
/// Real MPI jobs: <c>mpirun -np N dotnet optima.dll …</c> (skipped when mpirun is absent; scripts/setup.sh installs
/// Open MPI). Every job runs under a timeout and is killed with its ranks when it overruns, so a hang fails the test
/// instead of stalling the suite.
/// </summary>
public partial class MpiLaunchTests(ITestOutputHelper output)
{
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "optima.dll");
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);
    private static readonly string[] Small = ["--model", "mlp:16", "--optimizer", "adam", "--lr", "2e-3", "--train-limit", "600", "--test-limit", "100", "--batch", "50", "--threads", "1", "--seed", "3", "--json", "--progress"];

    /// <summary>The launcher's version text, or null when there is no mpirun on the PATH.</summary>
    private static readonly Lazy<string?> Launcher = new(() =>
    {
        try
        {
            var (code, stdout, _) = Start(["mpirun", "--version"], TimeSpan.FromSeconds(20));
            return code == 0 ? stdout : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // not installed
        }
    });

    private static void RequireMpirun() =>
        Skip.If(Launcher.Value is null, "mpirun not found (scripts/setup.sh installs openmpi-bin and libopenmpi-dev)");

    /// <summary>Runs <paramref name="command"/> on <paramref name="ranks"/> ranks.</summary>
    private (int Code, string Out, string Err) MpiRun(int ranks, params string[] command)
    {
        // Open MPI refuses more ranks than cores, and root, unless told; MPICH's Hydra needs neither.
        string[] launcher = Launcher.Value!.Contains("Open MPI", StringComparison.Ordinal) ? ["mpirun", "--oversubscribe", "-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture)] : ["mpirun", "-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        var result = Start([.. launcher, .. command], Limit);
        output.WriteLine($"mpirun -np {ranks} {string.Join(' ', command)} → {result.Code}\n{result.Err}");
        return result;
    }

    private static (int Code, string Out, string Err) Start(string[] command, TimeSpan limit)
    {
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string a in command[1..]) info.ArgumentList.Add(a);
        info.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        info.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{string.Join(' ', command)}' did not end within {limit.TotalSeconds} s (a hang); killed. stderr so far: {(stderr.IsCompleted ? stderr.Result : "")}");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The hashes each rank printed ("optima: rank r of N: parameters H"), by rank.</summary>
    private static SortedDictionary<int, string> RankHashes(string stderr) =>
        new(RankLine().Matches(stderr).ToDictionary(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), m => m.Groups[2].Value));

    [GeneratedRegex(@"optima: rank (\d+) of \d+: parameters ([0-9a-f]{16})")]
    private static partial Regex RankLine();

    [SkippableTheory]
    [InlineData(2)]
    [InlineData(4)]
    public void Every_collective_checks_out_on_every_rank(int ranks)
    {
        RequireMpirun();
        var (code, stdout, stderr) = MpiRun(ranks, "dotnet", Cli, "mpi", "--json");
        Assert.True(code == 0, stderr + stdout);
        using var doc = JsonDocument.Parse(stdout); // rank 0 alone prints, one document
        Assert.Equal(ranks, doc.RootElement.GetProperty("ranks").GetInt32());
        Assert.True(doc.RootElement.GetProperty("passed").GetBoolean());
        Assert.StartsWith("MPI (", doc.RootElement.GetProperty("communicator").GetString());
        // Fits split over the MPI ranks and gathered: the same bits as each rank's own single-process FitMany.
        Assert.Contains(doc.RootElement.GetProperty("checks").EnumerateArray(), c => c.GetProperty("collective").GetString()!.StartsWith("FitMany over ranks", StringComparison.Ordinal) && c.GetProperty("passed").GetBoolean());
    }

    /// <summary>optima train in this process on a group of thread ranks (rank 0's stdout, every rank's stderr).</summary>
    private static (int Code, string Out, string Err)[] TrainOnThreads(int ranks, params string[] args) =>
        new LocalGroup(ranks).Run(member =>
        {
            var (o, e) = (new StringWriter(), new StringWriter());
            int c = OptimaCli.Run(["train", .. Small, .. args], member.Rank == 0 ? o : TextWriter.Null, e, CancellationToken.None, member);
            return (c, o.ToString(), e.ToString());
        });

    [SkippableFact]
    public void Training_on_ranks_agrees_everywhere_resumes_on_another_rank_count_and_repeats_bit_for_bit()
    {
        RequireMpirun();
        TestSupport.RequireFashionMnist();
        string dir = Path.Combine(Path.GetTempPath(), "optima-mpi-" + Guid.NewGuid().ToString("N"));
        string first = Path.Combine(dir, "a"), copy = Path.Combine(dir, "b");
        try
        {
            // Epoch 1 on three ranks (threads of this process), checkpointed by rank 0.
            var three = TrainOnThreads(3, "--epochs", "1", "--checkpoint", first);
            Assert.True(three[0].Code == 0, three[0].Err);
            Directory.CreateDirectory(copy);
            foreach (string f in Directory.GetFiles(first)) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));

            // Epoch 2 from that checkpoint as an MPI job of two ranks: both hold the same bits.
            var (code, stdout, stderr) = MpiRun(2, ["dotnet", Cli, "train", .. Small, "--epochs", "2", "--resume", first]);
            Assert.True(code == 0, stderr);
            using var resumed = JsonDocument.Parse(stdout); // rank 0 alone prints, one document
            Assert.Equal(2, resumed.RootElement.GetProperty("ranks").GetInt32());
            Assert.Equal(1, resumed.RootElement.GetProperty("resumedAfterEpoch").GetInt32());
            Assert.Equal("completed", resumed.RootElement.GetProperty("reason").GetString());
            string hash = resumed.RootElement.GetProperty("parameterHash").GetString()!;
            Assert.Equal([hash, hash], RankHashes(stderr).Values);

            // The same resume on two thread ranks: the same rank-order sums as MPI's, so the same bits.
            var again = TrainOnThreads(2, "--epochs", "2", "--resume", copy);
            Assert.True(again[0].Code == 0, again[0].Err);
            using var doc = JsonDocument.Parse(again[0].Out);
            Assert.Equal(hash, doc.RootElement.GetProperty("parameterHash").GetString());
            Assert.Equal(2, doc.RootElement.GetProperty("ranks").GetInt32());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [SkippableFact]
    public void A_rank_that_fails_ends_the_job_with_its_error_instead_of_a_hang()
    {
        RequireMpirun();
        TestSupport.RequireFashionMnist();
        // Rank 1 cannot read its data (the other waits for it in its first allreduce); the job must end, non-zero.
        string script = $"if [ \"${{OMPI_COMM_WORLD_RANK:-$PMI_RANK}}\" = 1 ]; then exec dotnet '{Cli}' train --data-dir /nonexistent/fashion-mnist --epochs 1; else exec dotnet '{Cli}' train {string.Join(' ', Small)} --epochs 5; fi";
        var clock = Stopwatch.StartNew();
        var (code, stdout, stderr) = MpiRun(2, "sh", "-c", script);
        Assert.NotEqual(0, code);
        Assert.Contains("Fashion-MNIST file", stderr); // the failing rank's own message
        Assert.Equal("", stdout.Trim());                // and no result from the rank that was waiting
        // (Open MPI's own "MPI_ABORT was invoked" notice is not asserted: 4.1.4 sometimes garbles it, "ORTE_ERROR_LOG:
        // Data unpack would read past end of buffer … show_help.c".)
        output.WriteLine($"ended after {clock.Elapsed.TotalSeconds:F1} s");
    }
}
