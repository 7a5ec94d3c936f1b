using System.Diagnostics;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace Optima.Tests.Cli;

/// <summary>
/// The <c>optima</c> tool package as a user gets it: packed from the already-built CLI into a folder feed, installed with
/// <c>dotnet tool install --tool-path</c> from that feed alone, and run as a process. Packaging (PackAsTool, the command
/// name, the files the tool needs at run time) cannot break without this failing.
/// </summary>
public sealed class ToolPackageTests(ITestOutputHelper output)
{
    [Fact]
    public void The_tool_package_installs_from_a_folder_feed_and_runs()
    {
        string root = TestSupport.RepositoryRoot;
        // The configuration the suite was built in: the tool is packed from that build (no second build).
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        string temp = Directory.CreateTempSubdirectory("optima-tool-").FullName;
        try
        {
            string feed = Path.Combine(temp, "feed"), tools = Path.Combine(temp, "tools"), config = Path.Combine(temp, "nuget.config");
            var clock = Stopwatch.StartNew();
            Run("dotnet", ["pack", Path.Combine(root, "Cli", "Optima.Cli.csproj"), "-c", configuration, "--no-build", "--no-restore", "-o", feed, "--nologo"], root);
            output.WriteLine($"pack: {clock.Elapsed.TotalSeconds:F1} s");
            Assert.Contains(Directory.GetFiles(feed), f => Path.GetFileName(f).StartsWith("optima.", StringComparison.Ordinal) && f.EndsWith(".nupkg", StringComparison.Ordinal));

            // Only the folder feed: the install must not need anything from a remote source.
            File.WriteAllText(config, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="optima-local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            clock.Restart();
            Run("dotnet", ["tool", "install", "optima", "--tool-path", tools, "--configfile", config], temp);
            output.WriteLine($"install: {clock.Elapsed.TotalSeconds:F1} s");
            string optima = Path.Combine(tools, OperatingSystem.IsWindows() ? "optima.exe" : "optima");
            Assert.True(File.Exists(optima), $"no {optima} after install");

            // Run from a folder outside the repository, as an installed tool is.
            var (code, stdout, _) = Run(optima, ["--help"], temp);
            Assert.Equal(0, code);
            Assert.Contains("fit", stdout);

            (code, stdout, _) = Run(optima, ["problems", "--json"], temp);
            Assert.Equal(0, code);
            using (var doc = JsonDocument.Parse(stdout))
                Assert.Contains(doc.RootElement.GetProperty("problems").EnumerateArray(), p => p.GetProperty("name").GetString() == "rosenbrock");

            // A fit of the README's example data through the installed tool (expression compilation, statistics, MathNet).
            string data = Path.Combine(root, "examples", "data", "decay.csv");
            (code, stdout, _) = Run(optima, ["fit", data, "--model", "a*exp(-k*x) + c", "--start", "a=5,k=0.5,c=0", "--json"], temp);
            Assert.Equal(0, code);
            using (var doc = JsonDocument.Parse(stdout))
                Assert.True(doc.RootElement.GetProperty("converged").GetBoolean());
        }
        finally
        {
            try { Directory.Delete(temp, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Runs a process to completion (at most two minutes); a non-zero exit of dotnet itself fails the test with its output.</summary>
    private (int Code, string Stdout, string Stderr) Run(string file, string[] args, string workingDirectory)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(psi)!;
        var stderrTask = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish in two minutes");
        }
        string stderr = stderrTask.Result;
        if (file == "dotnet" && process.ExitCode != 0)
            Assert.Fail($"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{stdout}\n{stderr}");
        if (process.ExitCode != 0) output.WriteLine($"{Path.GetFileName(file)} {string.Join(' ', args)} → {process.ExitCode}\n{stderr}");
        return (process.ExitCode, stdout, stderr);
    }
}
