using System.Globalization;
using System.Text.Json;
using Xunit;

namespace Optima.Tests.Cli;

public sealed class FitCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("optima-fit-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Misra1a-like data: y = 240·(1 − exp(−5.5e-4·x)) with a small deterministic wiggle.</summary>
    private static string Data(bool header, bool sigma = false)
    {
        var ci = CultureInfo.InvariantCulture;
        var lines = new List<string>();
        if (header) lines.Add(sigma ? "x,y,sigma" : "x,y");
        for (int i = 0; i < 20; i++)
        {
            double x = 20 + 40 * i, y = 240 * (1 - Math.Exp(-5.5e-4 * x)) + 0.05 * Math.Sin(3 * i);
            lines.Add(sigma ? string.Create(ci, $"{x},{y:R},{0.05 + 0.01 * (i % 3)}") : string.Create(ci, $"{x},{y:R}"));
        }
        return string.Join("\n", lines) + "\n";
    }

    [Fact]
    public void Fit_json_has_every_result_field_and_exit_0()
    {
        string csv = Write("data.csv", Data(header: true));
        string svg = Path.Combine(_dir, "fit.svg");
        var (code, output, error) = CliTests.Run("fit", csv, "--model", "b1*(1-exp(-b2*x))", "--start", "b1=500,b2=1e-4", "--json", "--plot", svg);
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("converged").GetBoolean());
        var p = root.GetProperty("parameters");
        Assert.Equal("b1", p[0].GetProperty("name").GetString());
        Assert.Equal(240, p[0].GetProperty("value").GetDouble(), 0.5);
        Assert.Equal(5.5e-4, p[1].GetProperty("value").GetDouble(), 1e-5);
        foreach (var key in new[] { "standardError", "lower", "upper" }) Assert.True(p[1].GetProperty(key).GetDouble() > 0);
        foreach (var key in new[] { "residualSumOfSquares", "reducedChiSquare", "rSquared", "degreesOfFreedom", "iterations", "covariance", "correlation", "residuals" })
            Assert.True(root.TryGetProperty(key, out _), key);
        Assert.Equal(18, root.GetProperty("degreesOfFreedom").GetInt32());
        Assert.Contains("<svg", File.ReadAllText(svg));
    }

    [Fact]
    public void Fit_table_without_header_uses_the_sigma_column_and_honours_fix_bounds_loss_method()
    {
        string csv = Write("plain.csv", Data(header: false, sigma: true));
        var (code, output, error) = CliTests.Run("fit", csv, "--model", "b1*(1-exp(-b2*x))", "--start", "b1=240,b2=5e-4",
            "--fix", "b1", "--bounds", "b2=0:1", "--loss", "huber:2", "--method", "dogleg", "--confidence", "0.99");
        Assert.True(code == 0, error);
        Assert.Contains("σ = sigma", output);
        Assert.Contains("fixed", output);
        Assert.Contains("99% interval", output);
        Assert.Contains("huber", output);
        Assert.Contains("dogleg", output);
    }

    [Theory]
    [InlineData("x,y\n1,2\n3\n", "line 3: expected 2 fields")]
    [InlineData("x,y\n1,2\n3,NaN\n4,5\n", "line 3: y is NaN")]
    [InlineData("x,y\n1,2\n3,abc\n", "line 3: 'abc'")]
    [InlineData("1,2,0.1\n2,3,0\n3,4,0.1\n", "line 2: σ = 0")]
    [InlineData("1,2,3,4\n", "2 or 3 fields")]
    public void Bad_csv_exits_2_naming_file_and_line(string text, string expected)
    {
        string csv = Write("bad.csv", text);
        var (code, output, error) = CliTests.Run("fit", csv, "--model", "a*x+b", "--start", "a=1,b=0");
        Assert.Equal(2, code);
        Assert.Contains("bad.csv", error);
        Assert.Contains(expected, error);
        Assert.DoesNotContain("   at ", error);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("--start", "b1=500,b3=1", "unknown parameter 'b3'")]
    [InlineData("--start", "b1=500", "no start value for b2")]
    [InlineData("--bounds", "b2=1:0", "empty")]
    [InlineData("--bounds", "b2=1:2", "outside its bounds")]
    [InlineData("--fix", "zz", "Unknown parameter 'zz'")]
    [InlineData("--loss", "tukey", "Unknown loss")]
    [InlineData("--method", "newton", "Unknown --method")]
    [InlineData("--y", "nope", "no column 'nope'")]
    [InlineData("--model", "b1*(1-exp(-b2*x)", "--model")]
    [InlineData("--threads", "-1", "--threads")]
    public void Bad_arguments_exit_2_with_a_message(string option, string value, string expected)
    {
        string csv = Write("data.csv", Data(header: true));
        var args = new List<string> { "fit", csv, "--model", "b1*(1-exp(-b2*x))", "--start", "b1=500,b2=1e-4" };
        int at = args.IndexOf(option);
        if (at >= 0) args[at + 1] = value;
        else args.AddRange([option, value]);
        var (code, output, error) = CliTests.Run([.. args]);
        Assert.Equal(2, code);
        Assert.StartsWith("optima: ", error);
        Assert.Contains(expected, error);
        Assert.DoesNotContain("   at ", error);
        Assert.Equal("", output);
    }

    [Fact]
    public void Fit_profile_prints_profile_likelihood_intervals_beside_the_covariance_ones()
    {
        string csv = Write("profile.csv", Data(header: true));
        var (code, output, error) = CliTests.Run("fit", csv, "--model", "b1*(1-exp(-b2*x))", "--start", "b1=500,b2=1e-4", "--profile", "b2", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var b2 = Assert.Single(doc.RootElement.GetProperty("profile").EnumerateArray());
        Assert.Equal("b2", b2.GetProperty("name").GetString());
        double value = doc.RootElement.GetProperty("parameters")[1].GetProperty("value").GetDouble();
        double lower = b2.GetProperty("lower").GetDouble(), upper = b2.GetProperty("upper").GetDouble();
        Assert.True(lower < value && value < upper, output);
        // Both intervals measure the same uncertainty: within a factor 2 of each other on this well-determined fit.
        double covariance = b2.GetProperty("covarianceUpper").GetDouble() - b2.GetProperty("covarianceLower").GetDouble();
        Assert.InRange((upper - lower) / covariance, 0.5, 2);

        (code, output, error) = CliTests.Run("fit", csv, "--model", "b1*(1-exp(-b2*x))", "--start", "b1=500,b2=1e-4", "--profile", "all");
        Assert.True(code == 0, error);
        Assert.Contains("profile-likelihood intervals at 95%", output);
        (code, _, error) = CliTests.Run("fit", csv, "--model", "b1*(1-exp(-b2*x))", "--start", "b1=500,b2=1e-4", "--profile", "b9");
        Assert.Equal(2, code);
        Assert.Contains("b9", error);
    }

    [Fact]
    public void Fit_group_fits_the_groups_together_with_shared_and_per_group_parameters()
    {
        // Two noise-free decays with one rate k = 0.8 and their own amplitude and offset, rows interleaved in the file.
        var lines = new List<string> { "run,t,signal" };
        for (int i = 0; i < 12; i++)
        {
            double t = i * 0.4;
            lines.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"7,{t},{2 * Math.Exp(-0.8 * t) + 0.1:R}"));
            lines.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"9,{t},{5 * Math.Exp(-0.8 * t) - 0.2:R}"));
        }
        string csv = Write("groups.csv", string.Join("\n", lines) + "\n");
        string fitted = Path.Combine(_dir, "groups-fitted.csv");
        var (code, output, error) = CliTests.Run("fit", csv, "--group", "run", "--x", "t", "--y", "signal", "--model", "a{g}*exp(-k*t) + c{g}",
            "--start", "a=1,k=0.5,c=0,a9=4", "--fitted", fitted, "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var values = doc.RootElement.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("value").GetDouble());
        Assert.Equal(["a7", "k", "c7", "a9", "c9"], values.Keys);
        Assert.Equal(0.8, values["k"], 1e-9);
        Assert.Equal(2, values["a7"], 1e-9);
        Assert.Equal(-0.2, values["c9"], 1e-9);
        var rows = File.ReadAllLines(fitted);
        Assert.Equal("run,t,signal,fit,residual", rows[0]);
        Assert.StartsWith("7,0,", rows[1]);
        Assert.StartsWith("9,0,", rows[13]);

        (code, _, error) = CliTests.Run("fit", csv, "--group", "run", "--x", "t", "--y", "signal", "--model", "a*exp(-k*t)", "--start", "a=1,k=1");
        Assert.Equal(2, code);
        Assert.Contains("{g}", error);
        (code, _, error) = CliTests.Run("fit", csv, "--group", "run", "--x", "t", "--y", "signal", "--model", "a{g}*exp(-k*t)", "--start", "a=1");
        Assert.Equal(2, code);
        Assert.Contains("shared parameter k", error);
    }

    [Fact]
    public void Missing_file_exits_2()
    {
        var (code, _, error) = CliTests.Run("fit", Path.Combine(_dir, "none.csv"), "--model", "a*x", "--start", "a=1");
        Assert.Equal(2, code);
        Assert.Contains("none.csv", error);
    }

    [SkippableFact]
    public void Nist_json_reports_every_problem_beside_mathnet()
    {
        string dir = TestSupport.RequireSharedData("nist");
        var (code, output, error) = CliTests.Run("nist", "--data", dir, "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var problems = doc.RootElement.GetProperty("problems");
        Assert.Equal(54, problems.GetArrayLength());
        var summary = doc.RootElement.GetProperty("summary");
        Assert.Equal(54, summary.GetProperty("optima").GetProperty("parametersAtLeast6").GetInt32());
        Assert.True(summary.GetProperty("mathNet").GetProperty("seconds").GetDouble() > 0);
    }

    [Fact]
    public void Nist_with_a_missing_folder_exits_2()
    {
        var (code, _, error) = CliTests.Run("nist", "--data", Path.Combine(_dir, "nowhere"));
        Assert.Equal(2, code);
        Assert.Contains("nowhere", error);
    }

    [Fact]
    public void Fit_absolute_sigma_limits_tolerances_bands_and_fitted_csv()
    {
        string csv = Write("sigma.csv", Data(header: true, sigma: true));
        string[] common = ["fit", csv, "--model", "b1*(1-exp(-b2*x))", "--start", "b1=500,b2=1e-4", "--json"];
        double Se(string json) { using var d = JsonDocument.Parse(json); return d.RootElement.GetProperty("parameters")[1].GetProperty("standardError").GetDouble(); }

        var (code, relative, error) = CliTests.Run(common);
        Assert.True(code == 0, error);
        string bands = Path.Combine(_dir, "bands.csv"), fitted = Path.Combine(_dir, "fitted.csv"), svg = Path.Combine(_dir, "b.svg");
        (code, var absolute, error) = CliTests.Run([.. common, "--absolute-sigma", "--bands", bands, "--fitted", fitted, "--plot", svg]);
        Assert.True(code == 0, error);
        using (var doc = JsonDocument.Parse(absolute))
        {
            var root = doc.RootElement;
            // Without --absolute-sigma the covariance is scaled by the reduced χ²: SE ratio = √χ²ᵣ.
            Assert.Equal(Math.Sqrt(root.GetProperty("reducedChiSquare").GetDouble()), Se(relative) / Se(absolute), 1e-6);
            Assert.True(root.TryGetProperty("aic", out _) && root.TryGetProperty("bic", out _));
        }
        var bandRows = File.ReadAllLines(bands).Where(l => !l.StartsWith('#')).ToArray();
        Assert.Equal("x,fit,confidence_lower,confidence_upper,prediction_lower,prediction_upper", bandRows[0]);
        Assert.Equal(201, bandRows.Length);
        foreach (var row in bandRows.Skip(1))
        {
            var v = row.Split(',').Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            Assert.True(v[2] <= v[1] && v[1] <= v[3] && v[4] <= v[2] && v[3] <= v[5], row);
        }
        var fittedRows = File.ReadAllLines(fitted);
        Assert.Equal("x,y,fit,residual,sigma", fittedRows[0]);
        Assert.Equal(21, fittedRows.Length);
        var first = fittedRows[1].Split(',').Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(first[1] - first[2], first[3], 1e-12);
        Assert.Contains("confidence band", File.ReadAllText(svg));

        // An iteration limit the fit cannot meet: exit 1 with the best parameters so far.
        (code, var limited, _) = CliTests.Run([.. common, "--max-iterations", "1"]);
        Assert.Equal(1, code);
        using (var doc = JsonDocument.Parse(limited)) Assert.Equal(1, doc.RootElement.GetProperty("iterations").GetInt32());
        // Loose tolerances stop earlier than the defaults.
        (code, var loose, error) = CliTests.Run([.. common, "--xtol", "1e-3", "--ftol", "1e-3"]);
        Assert.True(code is 0 or 1, error);
        using (var a = JsonDocument.Parse(loose)) using (var b = JsonDocument.Parse(relative))
            Assert.True(a.RootElement.GetProperty("iterations").GetInt32() < b.RootElement.GetProperty("iterations").GetInt32());
        // Bad values are bad input.
        Assert.Equal(2, CliTests.Run([.. common, "--time-limit", "-1"]).Code);
        Assert.Equal(2, CliTests.Run([.. common, "--max-iterations", "0"]).Code);
        Assert.Equal(2, CliTests.Run([.. common, "--gtol", "-1"]).Code);
        Assert.Equal(0, CliTests.Run([.. common, "--time-limit", "30"]).Code);
    }

    [Fact]
    public void Eval_takes_the_model_and_parameters_from_fit_json_and_agrees_with_the_fitted_values()
    {
        string csv = Write("d.csv", Data(header: true));
        var (code, fitJson, error) = CliTests.Run("fit", csv, "--model", "b1*(1-exp(-b2*x))", "--start", "b1=500,b2=1e-4", "--json");
        Assert.True(code == 0, error);
        string saved = Write("fit.json", fitJson);
        (code, var evalCsv, error) = CliTests.Run("eval", "--from", saved, "--data", csv);
        Assert.True(code == 0, error);
        var rows = evalCsv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("x,f", rows[0]);
        using var doc = JsonDocument.Parse(fitJson);
        var fitted = doc.RootElement.GetProperty("fitted").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(fitted.Length, rows.Length - 1);
        for (int i = 0; i < fitted.Length; i++)
            Assert.Equal(fitted[i], double.Parse(rows[i + 1].Split(',')[1], CultureInfo.InvariantCulture), 1e-12 * Math.Abs(fitted[i]));

        // Given parameters and a grid; --params overrides --from.
        (code, var grid, error) = CliTests.Run("eval", "--model", "a*exp(-k*x)", "--params", "a=2,k=1", "--x", "0:1:3", "--json");
        Assert.True(code == 0, error);
        using (var g = JsonDocument.Parse(grid))
        {
            var points = g.RootElement.GetProperty("points");
            Assert.Equal(3, points.GetArrayLength());
            Assert.Equal(2 * Math.Exp(-0.5), points[1].GetProperty("f").GetDouble(), 1e-15);
        }
        (code, var overridden, _) = CliTests.Run("eval", "--from", saved, "--params", "b1=0", "--x", "100");
        Assert.Equal(0, code);
        Assert.Equal(0, double.Parse(overridden.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Split(',')[1], CultureInfo.InvariantCulture));
        Assert.Equal(2, CliTests.Run("eval", "--model", "a*x+b*y", "--params", "a=1,b=2", "--x", "1").Code);
        Assert.Equal(2, CliTests.Run("eval", "--model", "a*x", "--params", "a=1", "--x", "0:1:1").Code);
        Assert.Equal(2, CliTests.Run("eval", "--model", "a*x", "--params", "a=1").Code);
    }

    [Fact]
    public void A_built_in_model_sum_fits_without_start_values_and_start_overrides_a_guess()
    {
        var ci = CultureInfo.InvariantCulture;
        var lines = new List<string> { "x,y" };
        for (int i = 0; i < 101; i++)
        {
            double t = i * 0.08, y = 12 / (0.7 * Math.Sqrt(2 * Math.PI)) * Math.Exp(-(t - 3.2) * (t - 3.2) / (2 * 0.49)) + 0.3 * t + 1.0 + 0.05 * Math.Sin(17.3 * i);
            lines.Add(string.Create(ci, $"{t:R},{y:R}"));
        }
        string csv = Write("peak.csv", string.Join("\n", lines) + "\n");
        var (code, output, error) = CliTests.Run("fit", csv, "--model", "gaussian+linear", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var p = doc.RootElement.GetProperty("parameters").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        Assert.Equal(5, p.Count);
        Assert.Equal(12.00295962, p["gaussian_amplitude"].GetProperty("value").GetDouble(), 1e-6); // lmfit 1.1.0, BuiltInModelTests
        Assert.Equal(0.3003176696, p["linear_slope"].GetProperty("value").GetDouble(), 1e-8);

        (code, output, error) = CliTests.Run("fit", csv, "--model", "gaussian+linear", "--start", "gaussian_center=3", "--json");
        Assert.True(code == 0, error);
        using var again = JsonDocument.Parse(output);
        var start = again.RootElement.GetProperty("parameters").EnumerateArray().First(e => e.GetProperty("name").GetString() == "gaussian_center");
        Assert.Equal(3.0, start.GetProperty("start").GetDouble());

        (code, _, error) = CliTests.Run("fit", csv, "--model", "a*x + b");
        Assert.NotEqual(0, code);
        Assert.Contains("--start is required", error);
    }
}
