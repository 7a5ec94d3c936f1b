using System.Diagnostics;
using System.Text.Json;
using Optima.Cli;
using Optima.Problems.Data;
using Optima.Solvers.Comparison;
using Optima.Solvers.Stochastic;
using Xunit;
using Xunit.Abstractions;

namespace Optima.Tests.Cli;

/// <summary>The inputs of issue 13 that the CLI mishandled, as regression tests (one region per row of the issue).</summary>
public sealed class RobustnessCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("optima-robust-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private static (int Code, string Out, string Err) Run(CancellationToken token, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = OptimaCli.Run(args, stdout, stderr, token);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static JsonElement Json(string text)
    {
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    // Row 2: PCG with IC(0) on a matrix for which IC(0) breaks down whatever the shift.
    [Fact]
    public void Row2_pcg_whose_ic0_breaks_down_is_a_breakdown_result_exit_1()
    {
        string a = File("bad.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 4\n1 1 1\n1 2 1e12\n2 1 1e12\n2 2 1\n");
        var (code, stdout, stderr) = CliTests.Run("solve", "--matrix", a, "--method", "pcg", "--json");
        Assert.Equal(1, code);
        var root = Json(stdout);
        Assert.Equal("numericalFailure", root.GetProperty("reason").GetString());
        Assert.Contains("IC(0) broke down", root.GetProperty("note").GetString());
        Assert.Equal("", stderr);
        var (plainCode, plain, _) = CliTests.Run("solve", "--matrix", a, "--method", "pcg");
        Assert.Equal(1, plainCode);
        Assert.Contains("NumericalFailure", plain);
    }

    // Row 5: a start where ∇f is NaN (sqrt at 0) or f is infinite (1/x at 0).
    [Theory]
    [InlineData("sqrt(x^2+y^2)", "x=0,y=0")]
    [InlineData("1/x", "x=0")]
    public void Row5_a_non_finite_start_keeps_the_table_and_reports_NonFiniteValue(string objective, string start)
    {
        var (code, stdout, stderr) = CliTests.Run("compare", "--objective", objective, "--start", start, "--json");
        Assert.Equal(1, code);
        Assert.DoesNotContain("learning rate", stderr);
        var methods = Json(stdout).GetProperty("methods").EnumerateArray().Where(m => m.GetProperty("applicable").GetBoolean()).ToArray();
        Assert.Equal(10, methods.Length); // every default method but lm, which needs residuals
        Assert.All(methods, m => Assert.Equal("nonFiniteValue", m.GetProperty("reason").GetString()));
        Assert.All(methods, m =>
        {
            if (m.GetProperty("learningRate").ValueKind == JsonValueKind.Number) Assert.True(double.IsFinite(m.GetProperty("learningRate").GetDouble()));
        });
        var (tableCode, table, _) = CliTests.Run("compare", "--objective", objective, "--start", start);
        Assert.Equal(1, tableCode);
        Assert.Contains("NonFiniteValue", table);
    }

    [Fact]
    public void Row5_the_learning_rate_rule_stays_finite_when_the_start_gradient_is_not()
    {
        foreach (string name in new[] { "adam", "rmsprop", "sgd", "lookahead:adam" })
        {
            var (lr, rule) = MethodComparer.LearningRateFor(name, [0.0, 0.0], [double.NaN, double.PositiveInfinity], 1.0);
            Assert.True(lr is null || (double.IsFinite(lr.Value) && lr > 0), $"{name}: {lr}");
            Assert.NotNull(rule);
        }
    }

    // Row 6: a gradient so large that ‖∇f‖² and the slope ∇fᵀd overflow.
    [Theory]
    [InlineData("lbfgs")]
    [InlineData("bfgs")]
    [InlineData("gd")]
    [InlineData("cg-pr")]
    [InlineData("newton-cg")]
    public void Row6_an_overflowing_slope_is_LineSearchFailed_exit_1(string method)
    {
        var (code, stdout, stderr) = CliTests.Run("minimize", "--objective", "x^2 + 1e155*y^2", "--start", "x=1,y=1", "--method", method, "--json");
        Assert.Equal(1, code);
        Assert.Equal("", stderr);
        Assert.Equal("lineSearchFailed", Json(stdout).GetProperty("reason").GetString());
    }

    [Fact]
    public void Row6_compare_on_the_overflowing_objective_prints_its_table()
    {
        var (code, stdout, stderr) = CliTests.Run("compare", "--objective", "x^2 + 1e155*y^2", "--start", "x=1,y=1", "--json");
        Assert.Equal(1, code);
        Assert.DoesNotContain("initial step", stderr);
        Assert.Equal(11, Json(stdout).GetProperty("methods").GetArrayLength());
    }

    // Row 8: error documents under --json, plain messages on stderr without.
    [Fact]
    public void Row8_errors_under_json_name_the_option_file_and_line()
    {
        var (code, stdout, _) = CliTests.Run("minimize", "--objective", "x^2", "--start", "x=1,q=2", "--json");
        Assert.Equal(2, code);
        var error = Json(stdout);
        Assert.Equal("badInput", error.GetProperty("kind").GetString());
        Assert.Equal("--start", error.GetProperty("option").GetString());
        Assert.Contains("unknown variable 'q'", error.GetProperty("error").GetString());
        Assert.Equal(2, error.GetProperty("exitCode").GetInt32());

        string bad = File("bad-line.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n2 x 1\n");
        (code, stdout, _) = CliTests.Run("solve", "--matrix", bad, "--json");
        Assert.Equal(2, code);
        error = Json(stdout);
        Assert.EndsWith("bad-line.mtx", error.GetProperty("file").GetString());
        Assert.Equal(4, error.GetProperty("line").GetInt32());

        (code, stdout, _) = CliTests.Run("minimize", "--objective", "x^2", "--start", "x=1", "--max-iter", "abc", "--json");
        Assert.Equal(2, code);
        error = Json(stdout);
        Assert.Equal("usage", error.GetProperty("kind").GetString());
        Assert.Equal("--max-iter", error.GetProperty("option").GetString());

        (code, stdout, _) = CliTests.Run("minimize", "--objective", "(x", "--start", "x=1", "--json");
        Assert.Equal(2, code);
        Assert.Equal(3, Json(stdout).GetProperty("column").GetInt32());
    }

    [Fact]
    public void Row8_without_json_the_message_is_on_stderr_and_stdout_is_empty()
    {
        var (code, stdout, stderr) = CliTests.Run("minimize", "--objective", "x^2", "--start", "x=1,q=2");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("optima: --start: unknown variable 'q'", stderr);
    }

    [Fact]
    public void Row8_an_unexpected_exception_is_one_line_saying_it_is_a_bug()
    {
        var (document, line) = OptimaCli.Describe(new NullReferenceException("Object reference not set to an instance of an object."));
        Assert.Equal("internal", document.Kind);
        Assert.Equal(2, document.ExitCode);
        Assert.StartsWith("optima: internal error (NullReferenceException", line);
        Assert.DoesNotContain("\n", line);
        var (cancelled, _) = OptimaCli.Describe(new OperationCanceledException());
        Assert.Equal(1, cancelled.ExitCode);
    }

    // Row 10: the method vocabulary of taxonomy is accepted by compare and minimize.
    [Fact]
    public void Row10_every_method_taxonomy_lists_is_accepted_by_compare_and_minimize()
    {
        var (_, taxonomy, _) = CliTests.Run("taxonomy", "--json");
        var names = Json(taxonomy).GetProperty("families").EnumerateArray()
            .Where(f => !f.GetProperty("family").GetString()!.StartsWith("linear", StringComparison.Ordinal))
            .SelectMany(f => f.GetProperty("groups").EnumerateArray())
            .SelectMany(g => g.GetProperty("methods").EnumerateArray())
            .Select(m => m.GetProperty("name").GetString()!.Replace("NAME", "adam", StringComparison.Ordinal))
            .ToArray();
        Assert.Contains("lookahead:adam", names);
        foreach (string name in names)
        {
            Assert.True(MethodComparer.IsKnown(name), name);
            // The global methods that search a box get one (--bounds), the others run as they are.
            string[] box = Optima.Solvers.Methods.Names.Contains(name) && Optima.Solvers.Methods.Get(name).RequiresBounds ? ["--bounds", "-5:5"] : [];
            var (code, stdout, stderr) = CliTests.Run(["minimize", "--problem", "mgh-rosenbrock", "--method", name, "--max-iter", "3", "--json", .. box]);
            Assert.True(code is 0 or 1, $"minimize --method {name}: {code} {stderr}");
            Assert.True(Json(stdout).TryGetProperty("reason", out _));
        }
        var (compareCode, compare, compareErr) = CliTests.Run("compare", "--problem", "rosenbrock", "--methods", "lookahead:adam,lookahead:sgd,bfgs", "--max-iter", "5", "--json");
        Assert.True(compareCode is 0 or 1, compareErr);
        var rows = Json(compare).GetProperty("methods").EnumerateArray().ToArray();
        Assert.Equal("lookahead:adam", rows[0].GetProperty("method").GetString());
        Assert.Equal(5, rows[0].GetProperty("iterations").GetInt32());
        Assert.StartsWith("Lookahead", rows[0].GetProperty("description").GetString());
    }

    // Row 12: options validated against the optimizer; divergence is a stop reason.
    [Theory]
    [InlineData("--momentum", "nan", "momentum must lie in [0, 1)")]
    [InlineData("--momentum", "1", "momentum must lie in [0, 1)")]
    [InlineData("--lr", "nan", "learning rate")]
    public void Row12_train_refuses_invalid_settings_before_reading_data(string option, string value, string expected)
    {
        var (code, stdout, stderr) = CliTests.Run("train", "--data-dir", Path.Combine(_dir, "none"), option, value);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(expected, stderr);
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("adagrad")]
    [InlineData("lookahead:adamw")]
    public void Row12_a_momentum_for_an_optimizer_without_one_is_refused(string optimizer)
    {
        var (code, _, stderr) = CliTests.Run("train", "--data-dir", Path.Combine(_dir, "none"), "--optimizer", optimizer, "--momentum", "0.9");
        Assert.Equal(2, code);
        Assert.Contains("does not apply", stderr);
        Assert.Throws<ArgumentException>(() => Optimizers.Settings(optimizer, [("momentum", 0.9)]));
        Assert.NotNull(Optimizers.Create("rmsprop", 3, Optimizers.Settings("rmsprop", [("momentum", 0.9)])));
    }

    [SkippableFact]
    public void Row12_a_learning_rate_of_1e30_diverges_and_exits_1()
    {
        TestSupport.RequireFashionMnist();
        var (code, stdout, stderr) = CliTests.Run("train", "--model", "mlp:32", "--lr", "1e30", "--epochs", "2", "--train-limit", "1500", "--test-limit", "500", "--batch", "50", "--threads", "1", "--json");
        Assert.Equal(1, code);
        Assert.Equal("diverged", Json(stdout).GetProperty("reason").GetString());
        Assert.Contains("diverged", stderr);
    }

    // Row 13: cancellation (the path SIGINT takes), in-process; the signal itself is in SignalCliTests.
    [Fact]
    public void Row13_a_cancelled_minimize_and_fit_print_their_point_with_reason_cancelled_exit_1()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var (code, stdout, _) = Run(cancelled.Token, "minimize", "--problem", "rosenbrock", "--json");
        Assert.Equal(1, code);
        var root = Json(stdout);
        Assert.Equal("cancelled", root.GetProperty("reason").GetString());
        Assert.Equal(2, root.GetProperty("x").GetArrayLength());

        string csv = File("fit.csv", "x,y\n0,1\n1,3\n2,5.1\n3,6.9\n");
        (code, stdout, _) = Run(cancelled.Token, "fit", csv, "--model", "a*x+b", "--start", "a=1,b=0", "--json");
        Assert.Equal(1, code);
        Assert.Equal("cancelled", Json(stdout).GetProperty("reason").GetString());

        (code, stdout, _) = Run(cancelled.Token, "compare", "--problem", "rosenbrock", "--methods", "bfgs,adam", "--json");
        Assert.Equal(1, code);
        Assert.All(Json(stdout).GetProperty("methods").EnumerateArray(), m => Assert.Equal("cancelled", m.GetProperty("reason").GetString()));
    }

    // Row 14: no .NET details in messages.
    [Theory]
    [InlineData("--max-iter", "1.5", "as an integer")]
    [InlineData("--gtol", "-1", "--gtol must be a finite number ≥ 0")]
    [InlineData("--lr", "-1", "--lr must be a finite number > 0")]
    public void Row14_messages_are_plain(string option, string value, string expected)
    {
        var (code, _, stderr) = CliTests.Run("minimize", "--objective", "x^2", "--start", "x=1", "--method", "adam", option, value);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
        Assert.DoesNotContain("System.", stderr);
        Assert.DoesNotContain("Actual value", stderr);
        Assert.DoesNotContain("(Parameter", stderr);
    }

    [Fact]
    public void Row14_a_model_without_parameters_and_a_directory_as_data_are_named_plainly()
    {
        string csv = File("line.csv", "x,y\n0,1\n1,3\n2,5\n");
        var (code, _, stderr) = CliTests.Run("fit", csv, "--model", "2*x", "--start", "a=1");
        Assert.Equal(2, code);
        Assert.Contains("has no parameters to fit", stderr);
        Assert.DoesNotContain("parameters .", stderr);

        (code, _, stderr) = CliTests.Run("fit", _dir, "--model", "a*x", "--start", "a=1");
        Assert.Equal(2, code);
        Assert.Contains("is a directory", stderr);
        (code, _, stderr) = CliTests.Run("solve", "--matrix", _dir);
        Assert.Equal(2, code);
        Assert.Contains("is a directory", stderr);
    }
}

/// <summary>SIGINT (a user's Ctrl-C) and SIGTERM to the built CLI: the run stops at its next iteration and prints its result (Unix only).</summary>
public sealed class SignalCliTests(ITestOutputHelper output)
{
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "optima.dll");

    /// <summary>
    /// True when this process ignores SIGINT, as a job started in the background by a non-interactive shell does; its
    /// children inherit that (POSIX keeps SIG_IGN across exec) and a SIGINT cannot reach them, so SIGTERM stands in.
    /// </summary>
    private static bool SigintIgnored()
    {
        string? line = File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) : null;
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0x2) != 0;
    }

    /// <summary>Starts the CLI, waits for <paramref name="ready"/> on stderr, sends <paramref name="signal"/> and returns the exit code and stdout.</summary>
    private (int Code, string Out, string Err) Interrupt(string signal, string ready, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Cli);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var err = new System.Text.StringBuilder();
        var seen = new TaskCompletionSource();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (err) err.AppendLine(e.Data);
            if (e.Data.Contains(ready, StringComparison.Ordinal)) seen.TrySetResult();
        };
        process.BeginErrorReadLine();
        try
        {
            // Generous limits: a slow 2-core machine under a parallel build still starts iterating within them.
            Assert.True(seen.Task.Wait(TimeSpan.FromSeconds(120)), $"no '{ready}' on stderr: {err}");
            using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(120)), $"the run did not stop after SIG{signal}");
            process.WaitForExit();
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        lock (err) return (process.ExitCode, stdout.Result, err.ToString());
    }

    [Fact]
    public void Sigint_stops_a_long_minimize_at_the_next_iteration_and_prints_the_point()
    {
        if (OperatingSystem.IsWindows()) return;
        // Adam with a tiny step never meets the tolerance: only the signal ends it.
        string signal = SigintIgnored() ? "TERM" : "INT";
        if (signal == "TERM") output.WriteLine("SIGINT is ignored by this (background) process and so by its children: sending SIGTERM instead.");
        var (code, stdout, stderr) = Interrupt(signal, "minimize: iteration", "minimize", "--problem", "rosenbrock-ext", "--dim", "100",
            "--method", "adam", "--lr", "1e-9", "--max-iter", "2000000000", "--gtol", "0", "--json", "--progress");
        output.WriteLine(stderr);
        Assert.Equal(1, code);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("cancelled", doc.RootElement.GetProperty("reason").GetString());
        Assert.Equal(100, doc.RootElement.GetProperty("x").GetArrayLength());
        Assert.True(doc.RootElement.GetProperty("iterations").GetInt32() > 0);
        Assert.Contains($"SIG{signal} received", stderr);
    }

    [SkippableFact]
    public void Sigterm_stops_training_with_a_checkpoint()
    {
        if (OperatingSystem.IsWindows()) return;
        TestSupport.RequireFashionMnist();
        string dir = Path.Combine(Path.GetTempPath(), "optima-sigint-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, stdout, stderr) = Interrupt("TERM", "steps/epoch", "train", "--model", "mlp:64", "--epochs", "1000", "--threads", "1",
                "--checkpoint", dir, "--json", "--progress");
            output.WriteLine(stderr);
            Assert.Equal(1, code);
            using var doc = JsonDocument.Parse(stdout);
            Assert.Equal("cancelled", doc.RootElement.GetProperty("reason").GetString());
            Assert.True(File.Exists(Path.Combine(dir, "checkpoint.bin")));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
