using System.Globalization;
using System.Text.Json;
using Xunit;

namespace Optima.Tests.Cli;

public sealed class SampleCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("optima-sample-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    // N(0, 1) × N(1, 0.5²).
    private static readonly string[] Gaussian = ["sample", "--objective", "x^2/2 + (y-1)^2/(2*0.25)", "--start", "x=0,y=0"];

    [Theory]
    [InlineData("hmc")]
    [InlineData("mh")]
    public void Sample_json_reports_the_moments_diagnostics_and_exit_0(string method)
    {
        var (code, output, error) = CliTests.Run([.. Gaussian, "--method", method, "--samples", method == "mh" ? "5000" : "2000", "--chains", "4", "--seed", "3", "--json"]);
        Assert.True(code == 0, error + output);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(method, root.GetProperty("method").GetString());
        Assert.Equal(4, root.GetProperty("chains").GetInt32());
        Assert.Equal(method == "mh" ? 5000 : 2000, root.GetProperty("samples").GetInt32());
        Assert.True(root.GetProperty("converged").GetBoolean());
        double[] mean = [0, 1], sd = [1, 0.5];
        var variables = root.GetProperty("variables").EnumerateArray().ToArray();
        Assert.Equal(["x", "y"], variables.Select(v => v.GetProperty("name").GetString()));
        for (int i = 0; i < 2; i++)
        {
            var v = variables[i];
            Assert.True(Math.Abs(v.GetProperty("mean").GetDouble() - mean[i]) <= 5 * v.GetProperty("mcse").GetDouble());
            Assert.InRange(v.GetProperty("sd").GetDouble() / sd[i], 0.9, 1.1);
            Assert.InRange(v.GetProperty("q2_5").GetDouble(), mean[i] - 2.3 * sd[i], mean[i] - 1.6 * sd[i]);
            Assert.InRange(v.GetProperty("q97_5").GetDouble(), mean[i] + 1.6 * sd[i], mean[i] + 2.3 * sd[i]);
            Assert.True(v.GetProperty("rhat").GetDouble() < 1.01);
            Assert.True(v.GetProperty("ess").GetDouble() > 400);
        }
        Assert.InRange(root.GetProperty("acceptanceRate").GetDouble(), method == "mh" ? 0.15 : 0.6, method == "mh" ? 0.45 : 1.0);
    }

    [Fact]
    public void Sample_text_draws_csv_and_corner_plot()
    {
        string csv = Path.Combine(_dir, "draws.csv"), svg = Path.Combine(_dir, "corner.svg");
        var (code, output, error) = CliTests.Run([.. Gaussian, "--method", "mh", "--samples", "300", "--chains", "2", "--draws", csv, "--corner", svg, "--threads", "2"]);
        Assert.True(code is 0 or 1, error);
        Assert.Contains("R̂", output);
        Assert.Contains("acceptance", output);
        Assert.Contains("97.5%", output);
        var lines = File.ReadAllLines(csv);
        Assert.Equal("chain,draw,x,y,f", lines[0]);
        Assert.Equal(2 * 300 + 1, lines.Length);
        Assert.StartsWith("<svg", File.ReadAllText(svg));
    }

    [Fact]
    public void Same_seed_same_draws_on_any_thread_count()
    {
        string a = Path.Combine(_dir, "a.csv"), b = Path.Combine(_dir, "b.csv");
        CliTests.Run([.. Gaussian, "--samples", "200", "--seed", "9", "--draws", a, "--threads", "1"]);
        CliTests.Run([.. Gaussian, "--samples", "200", "--seed", "9", "--draws", b, "--threads", "2"]);
        Assert.Equal(File.ReadAllText(a), File.ReadAllText(b));
    }

    [Theory]
    [InlineData("--method", "nope")]
    [InlineData("--samples", "0")]
    [InlineData("--chains", "0")]
    [InlineData("--warmup", "-1")]
    [InlineData("--spread", "nan")]
    [InlineData("--samples", "100000000")]
    public void Bad_sample_options_exit_2_with_one_json_document(string option, string value)
    {
        var (code, output, error) = CliTests.Run([.. Gaussian, option, value, "--json"]);
        Assert.Equal(2, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Contains(option, doc.RootElement.GetProperty("error").GetString());
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void A_start_where_the_density_is_not_positive_is_a_usage_error()
    {
        var (code, _, error) = CliTests.Run("sample", "--objective", "-log(x)", "--start", "x=-1");
        Assert.Equal(2, code);
        Assert.Contains("start", error);
        var (missing, _, error2) = CliTests.Run("sample", "--objective", "x^2");
        Assert.Equal(2, missing);
        Assert.Contains("--start", error2);
    }

    [Fact]
    public void Fit_posterior_adds_posterior_means_sds_and_credible_intervals()
    {
        var ci = CultureInfo.InvariantCulture;
        string csv = Path.Combine(_dir, "line.csv"), svg = Path.Combine(_dir, "corner.svg");
        var rng = new Optima.Problems.Data.Xoshiro256StarStar(4);
        File.WriteAllLines(csv, ["x,y", .. Enumerable.Range(0, 20).Select(i => string.Create(ci, $"{i * 0.5},{2 + 0.8 * i * 0.5 + 0.3 * rng.NextGaussian():R}"))]);
        var (code, output, error) = CliTests.Run("fit", csv, "--model", "a + b*x", "--start", "a=0,b=1", "--posterior", "--samples", "1500", "--corner", svg, "--json");
        Assert.True(code == 0, error + output);
        using var doc = JsonDocument.Parse(output);
        var post = doc.RootElement.GetProperty("posterior");
        Assert.True(post.GetProperty("sigmaSampled").GetBoolean());
        var fitted = doc.RootElement.GetProperty("parameters").EnumerateArray().ToArray();
        var sampled = post.GetProperty("parameters").EnumerateArray().ToArray();
        for (int k = 0; k < 2; k++)
        {
            double se = fitted[k].GetProperty("standardError").GetDouble(), value = fitted[k].GetProperty("value").GetDouble();
            // Student t with ν = 18: sd = SE·√(18/16).
            Assert.InRange(sampled[k].GetProperty("sd").GetDouble() / (se * Math.Sqrt(18.0 / 16)), 0.85, 1.15);
            Assert.True(Math.Abs(sampled[k].GetProperty("mean").GetDouble() - value) < 0.15 * se);
            Assert.True(sampled[k].GetProperty("lower").GetDouble() < value && value < sampled[k].GetProperty("upper").GetDouble());
        }
        Assert.StartsWith("<svg", File.ReadAllText(svg));

        var (textCode, text, _) = CliTests.Run("fit", csv, "--model", "a + b*x", "--start", "a=0,b=1", "--posterior", "--samples", "300", "--posterior-method", "mh");
        Assert.Equal(0, textCode);
        Assert.Contains("posterior (mh", text);
        Assert.Contains("credible interval", text);

        Assert.Equal(2, CliTests.Run("fit", csv, "--model", "a + b*x", "--start", "a=0,b=1", "--corner", svg).Code);
        Assert.Equal(2, CliTests.Run("fit", csv, "--model", "a + b*x", "--start", "a=0,b=1", "--posterior", "--posterior-method", "nuts").Code);
    }
}
