using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using Optima.Problems.Library;
using Optima.Solvers;
using Xunit;

namespace Optima.Tests.Cli;

public class CompareCliTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static string Temp(string name) => Path.Combine(Path.GetTempPath(), $"optima-compare-{Environment.ProcessId}-{Guid.NewGuid():N}-{name}");

    [Fact]
    public void Progress_goes_to_stderr_unless_quiet_and_under_json_only_when_asked()
    {
        string[] run = ["compare", "--problem", "rosenbrock", "--methods", "bfgs,lm", "--max-iter", "50"];
        var (code, _, stderr) = CliTests.Run(run);
        Assert.Equal(0, code);
        Assert.Contains("2/2", stderr);
        (code, var stdout, stderr) = CliTests.Run([.. run, "--quiet"]);
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Contains("bfgs", stdout);
        (_, _, stderr) = CliTests.Run([.. run, "--json"]);
        Assert.Equal("", stderr);
        (_, stdout, stderr) = CliTests.Run([.. run, "--json", "--progress"]);
        Assert.Contains("2/2", stderr);
        using var doc = System.Text.Json.JsonDocument.Parse(stdout);
        // The options are accepted by every command (fit, minimize, train …), not only compare.
        (code, _, stderr) = CliTests.Run("minimize", "--problem", "rosenbrock", "--quiet");
        Assert.True(code == 0, stderr);
    }

    [Fact]
    public void Json_is_one_document_whose_numbers_equal_the_solvers_run_directly()
    {
        var (code, stdout, stderr) = CliTests.Run("compare", "--problem", "rosenbrock", "--methods", "bfgs,newton,adam,lm", "--max-iter", "200", "--json");
        Assert.Equal(0, code);
        Assert.DoesNotContain("4/4", stderr);   // no progress display under --json unless --progress asks
        using var doc = JsonDocument.Parse(stdout);
        var methods = doc.RootElement.GetProperty("methods").EnumerateArray().ToList();
        Assert.Equal(["bfgs", "newton", "adam", "lm"], methods.Select(m => m.GetProperty("method").GetString()));
        var p = new Rosenbrock();
        foreach (var name in new[] { "bfgs", "newton" })
        {
            var direct = Methods.Minimize(name, p, p.StandardStart(), new SolverOptions { MaxIterations = 200 });
            var m = methods.Single(e => e.GetProperty("method").GetString() == name);
            Assert.Equal(direct.Iterations, m.GetProperty("iterations").GetInt32());
            Assert.Equal(direct.Evaluations.Objective, m.GetProperty("evaluations").GetProperty("function").GetInt64());
            Assert.Equal(direct.Evaluations.Hessians, m.GetProperty("evaluations").GetProperty("hessian").GetInt64());
            Assert.Equal(direct.Value, m.GetProperty("finalValue").GetDouble());
        }
        Assert.Equal("quadratic", methods[1].GetProperty("order").GetProperty("kind").GetString());
        Assert.False(methods[3].GetProperty("applicable").GetBoolean());
        Assert.Contains("not applicable", methods[3].GetProperty("note").GetString());
        Assert.Contains("1/L̂", doc.RootElement.GetProperty("methods")[2].GetProperty("stepRule").GetString() + "D̂/10 1/L̂");
    }

    [Fact]
    public void Table_lists_every_method_and_the_step_rules()
    {
        var (code, stdout, _) = CliTests.Run("compare", "--objective", "(1-x)^2 + 100*(y-x^2)^2", "--start", "x=-1.2,y=1", "--methods", "gd-fixed,momentum,bfgs", "--max-iter", "100");
        Assert.Equal(0, code);
        foreach (var m in new[] { "gd-fixed", "momentum", "bfgs", "measured order", "f − f_best", "γ = 1/L̂" }) Assert.Contains(m, stdout);
    }

    [Fact]
    public void Plots_are_well_formed_svg_with_one_series_per_method()
    {
        string plot = Temp("conv.svg"), paths = Temp("paths.svg");
        try
        {
            var (code, _, err) = CliTests.Run("compare", "--problem", "rosenbrock", "--methods", "gd,adam,bfgs,newton,lm", "--max-iter", "300",
                "--plot", plot, "--paths", paths);
            Assert.True(code == 0, err);
            var conv = XDocument.Load(plot);
            var labels = conv.Descendants(Svg + "path").Where(p => (string?)p.Attribute("class") == "series").Select(p => (string)p.Attribute("data-label")!).ToList();
            // Two panels (vs iteration, vs time), each with one line per method that ran.
            Assert.Equal(["gd", "adam", "bfgs", "newton", "gd", "adam", "bfgs", "newton"], labels);
            Assert.Equal(2, conv.Descendants(Svg + "g").Count(g => (string?)g.Attribute("class") == "legend"));
            Assert.Contains(conv.Descendants(Svg + "text"), t => t.Value.StartsWith("wall time", StringComparison.Ordinal));
            var pathDoc = XDocument.Load(paths);
            var pathLabels = pathDoc.Descendants(Svg + "path").Where(p => (string?)p.Attribute("class") == "series").Select(p => (string)p.Attribute("data-label")!).ToList();
            Assert.Equal(["gd", "adam", "bfgs", "newton"], pathLabels);
            Assert.Contains(pathDoc.Descendants(Svg + "path"), p => (string?)p.Attribute("class") == "contour");
            var legendText = pathDoc.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "legend").Descendants(Svg + "text").Select(t => t.Value).ToList();
            Assert.Contains("start", legendText);
            Assert.Contains("minimum", legendText);
        }
        finally
        {
            File.Delete(plot);
            File.Delete(paths);
        }
    }

    [Theory]
    [InlineData("Unknown method 'sgd2'", "compare", "--problem", "rosenbrock", "--methods", "bfgs,sgd2")]
    [InlineData("Unknown problem", "compare", "--problem", "rosenbrok")]
    [InlineData("2-D", "compare", "--problem", "quadratic", "--paths", "/tmp/optima-never-written.svg")]
    [InlineData("does not exist", "compare", "--problem", "rosenbrock", "--plot", "/no/such/dir/x.svg")]
    [InlineData("column", "compare", "--objective", "(1-x^2", "--start", "x=1")]
    [InlineData("--start is required", "compare", "--objective", "x^2+y^2")]
    [InlineData("none of them", "compare", "--problem", "rosenbrock", "--methods", "bfgs", "--bounds", "-5:5")]
    [InlineData("lower", "compare", "--problem", "rosenbrock", "--methods", "de", "--bounds", "x=1:-1,y=-5:5")]
    [InlineData("outside the bounds", "compare", "--problem", "rosenbrock", "--methods", "de", "--bounds", "x=0:1,y=0:1")]
    [InlineData("--max-evals", "compare", "--problem", "rosenbrock", "--methods", "de", "--max-evals", "0")]
    public void Bad_input_exits_2_with_a_clear_message(string expected, params string[] args)
    {
        var (code, stdout, stderr) = CliTests.Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("optima: ", stderr);
        Assert.Contains(expected, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void Bounds_let_derivative_free_and_global_methods_join_and_each_row_says_what_it_accepts_and_spent()
    {
        string[] run = ["compare", "--objective", "(x-1)^2 + 3*(y+0.5)^2", "--start", "x=2,y=2", "--methods", "bfgs,nelder-mead,de,anneal,lm",
            "--max-evals", "3000", "--seed", "7", "--quiet"];
        // Without a box, de and anneal cannot run: their rows say so and what they need.
        var (code, stdout, stderr) = CliTests.Run([.. run, "--json"]);
        Assert.True(code == 0, stderr);
        using (var doc = JsonDocument.Parse(stdout))
        {
            var rows = doc.RootElement.GetProperty("methods").EnumerateArray().ToDictionary(m => m.GetProperty("method").GetString()!);
            Assert.False(rows["de"].GetProperty("applicable").GetBoolean());
            Assert.Contains("search box", rows["de"].GetProperty("accepts").GetString());
            Assert.Contains("search box", rows["de"].GetProperty("note").GetString());
            Assert.True(rows["nelder-mead"].GetProperty("applicable").GetBoolean());
            Assert.Equal("a gradient", rows["bfgs"].GetProperty("accepts").GetString());
        }

        // With --bounds every value-only method runs in the box; the evaluations equal a direct run of the method.
        (code, stdout, stderr) = CliTests.Run([.. run, "--bounds", "x=-4:4,y=-3:3", "--json"]);
        Assert.True(code == 0, stderr);
        using (var doc = JsonDocument.Parse(stdout))
        {
            var rows = doc.RootElement.GetProperty("methods").EnumerateArray().ToDictionary(m => m.GetProperty("method").GetString()!);
            Assert.Equal(2, doc.RootElement.GetProperty("bounds").GetArrayLength());
            Assert.Equal(["bfgs", "nelder-mead", "de", "anneal", "lm"], rows.Keys);
            Assert.False(rows["lm"].GetProperty("applicable").GetBoolean());
            Assert.Contains("residuals", rows["lm"].GetProperty("accepts").GetString());
            foreach (var name in new[] { "nelder-mead", "de", "anneal" })
            {
                Assert.True(rows[name].GetProperty("applicable").GetBoolean(), name);
                Assert.Equal(0, rows[name].GetProperty("evaluations").GetProperty("gradient").GetInt64());
                Assert.True(rows[name].GetProperty("finalError").GetDouble() < 1e-3, name);
            }
            var f = Optima.Problems.Expressions.ExpressionObjective.Create("(x-1)^2 + 3*(y+0.5)^2", ["x", "y"]);
            var box = Optima.Problems.BoxBounds.Parse("x=-4:4,y=-3:3", ["x", "y"]);
            var direct = Methods.Minimize("de", new Optima.Problems.BoundedObjective(f, box), [2.0, 2.0],
                new SolverOptions { MaxIterations = 1000, MaxEvaluations = 3000, Seed = 7 });
            Assert.Equal(direct.Evaluations.Objective, rows["de"].GetProperty("evaluations").GetProperty("function").GetInt64());
            Assert.Equal(direct.Value, rows["de"].GetProperty("finalValue").GetDouble());
            Assert.True(direct.Evaluations.Objective <= 3000);
        }

        // The table has the column too.
        (code, stdout, _) = CliTests.Run([.. run, "--bounds", "-4:4"]);
        Assert.Equal(0, code);
        Assert.Contains("needs", stdout);
        Assert.Contains("f + box", stdout);
    }

    [Fact]
    public void No_converged_method_exits_1_with_the_table_and_a_report_without_paths_for_n_above_2()
    {
        string report = Temp("report-n10.html");
        try
        {
            var (code, stdout, _) = CliTests.Run("compare", "--problem", "quadratic", "--methods", "gd,adam", "--max-iter", "3", "--report", report);
            Assert.Equal(1, code);
            Assert.Contains("MaxIterations", stdout);
            string html = File.ReadAllText(report);
            Assert.Equal(1, CountOf(html, "<svg"));                 // the convergence figure only: no paths for n = 10
            Assert.Equal(2, CountOf(html, "<tr class=\"method"));
            Assert.Contains("first-order", html);
        }
        finally
        {
            File.Delete(report);
        }
    }

    [Fact]
    public void Taxonomy_has_one_line_per_registered_method()
    {
        var (code, stdout, _) = CliTests.Run("taxonomy");
        Assert.Equal(0, code);
        var lines = stdout.Split('\n');
        foreach (var name in Methods.Names.Concat(Optima.LinearAlgebra.LinearSolvers.MethodNamesList))
            Assert.True(lines.Count(l => l.Contains($"── {name} ", StringComparison.Ordinal)) >= 1, name);
        var (jcode, json, _) = CliTests.Run("taxonomy", "--json");
        Assert.Equal(0, jcode);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(8, doc.RootElement.GetProperty("families").GetArrayLength());
    }

    [SkippableFact]
    public async Task The_html_report_renders_in_headless_chromium()
    {
        string report = Temp("report.html");
        try
        {
            var (code, _, err) = CliTests.Run("compare", "--problem", "rosenbrock", "--methods", "gd,momentum,adam,bfgs,newton,lm", "--max-iter", "200", "--report", report);
            Assert.True(code == 0, err);
            string html = File.ReadAllText(report);
            Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", ""));   // self-contained: no network
            Assert.DoesNotContain("https://", html);
            const string chromium = "/usr/bin/chromium";
            Skip.IfNot(File.Exists(chromium), "/usr/bin/chromium not found (scripts/setup.sh installs it); the HTML was checked only as text.");
            string profile = Directory.CreateTempSubdirectory("optima-chromium-").FullName;
            try
            {
                var psi = new ProcessStartInfo(chromium)
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
                    "--virtual-time-budget=2000", "--dump-dom", new Uri(report).AbsoluteUri })
                    psi.ArgumentList.Add(a);
                using var process = Process.Start(psi)!;
                var stdoutTask = process.StandardOutput.ReadToEndAsync();
                var stderrTask = process.StandardError.ReadToEndAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    Assert.Fail("chromium did not finish within 120 s");
                }
                string dom = await stdoutTask, log = await stderrTask;
                Assert.Contains("data-rendered=\"yes\"", dom);          // the last script ran
                Assert.DoesNotContain("id=\"page-error\"", dom);        // window.onerror saw nothing
                Assert.Equal(6, CountOf(dom, "<tr class=\"method"));    // one row per method, lm included (not applicable)
                Assert.Equal(2, CountOf(dom, "<svg"));                  // convergence figure and paths
                Assert.Contains("class=\"contour\"", dom);
                Assert.DoesNotContain("Uncaught", log);
                Assert.False(log.Split('\n').Any(l => l.Contains("CONSOLE", StringComparison.Ordinal) && l.Contains("rror", StringComparison.Ordinal)), log);
            }
            finally
            {
                try { Directory.Delete(profile, true); } catch (IOException) { }
            }
        }
        finally
        {
            File.Delete(report);
        }
    }

    private static int CountOf(string text, string what)
    {
        int count = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
