using System.Globalization;
using System.Text.Json;
using Optima.Cli;
using Xunit;

namespace Optima.Tests.Convex;

public sealed class LassoCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("optima-lasso-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = OptimaCli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>The closed-form data of Benchmarks/Convex/lasso_reference.py as a CSV (columns x0..x11, y).</summary>
    private string WriteData()
    {
        var lines = new List<string> { string.Join(",", Enumerable.Range(0, 12).Select(j => $"x{j}").Append("y")) };
        for (int i = 0; i < 40; i++)
        {
            var row = Enumerable.Range(0, 12).Select(j => Math.Sin(1.3 * i + 0.7 * j * j + 0.1) + 0.5 * Math.Cos(0.37 * i * j)).ToArray();
            double y = 3 * row[0] - 2 * row[1] + 1.5 * row[4] + 0.1 * Math.Sin(5 * i);
            lines.Add(string.Join(",", row.Append(y).Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
        string path = Path.Combine(_dir, "data.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void Lasso_Json_MatchesScikitLearn_AndExitsZero()
    {
        string csv = WriteData();
        var (code, output, _) = Run("lasso", "--data", csv, "--target", "y", "--lambda", "2", "--no-intercept", "--tol", "1e-10", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var w = doc.RootElement.GetProperty("coefficients").EnumerateArray().Select(c => c.GetProperty("value").GetDouble()).ToArray();
        // scikit-learn Lasso(alpha=0.05, fit_intercept=False) on the same data (see AdmmTests).
        Assert.Equal(2.7788057114306763, w[0], 6);
        Assert.Equal(-1.8216567576688398, w[1], 6);
        Assert.Equal(1.4700684780525322, w[4], 6);
        Assert.Equal(3, doc.RootElement.GetProperty("nonzero").GetInt32());
        Assert.Equal("methodTolerance", doc.RootElement.GetProperty("reason").GetString());
        var text = Run("lasso", "--data", csv, "--target", "y", "--lambda", "2", "--l2", "1");
        Assert.Equal(0, text.Code);
        Assert.Contains("intercept", text.Out);
    }

    [Fact]
    public void BadInput_ExitsTwo_NotConverged_ExitsOne()
    {
        string csv = WriteData();
        Assert.Equal(2, Run("lasso", "--data", csv, "--target", "nope", "--lambda", "1").Code);
        Assert.Equal(2, Run("lasso", "--data", csv, "--target", "y", "--lambda", "-1").Code);
        Assert.Equal(2, Run("lasso", "--data", csv, "--target", "y", "--features", "y", "--lambda", "1").Code);
        Assert.Equal(2, Run("lasso", "--data", Path.Combine(_dir, "missing.csv"), "--target", "y", "--lambda", "1").Code);
        var (code, output, _) = Run("lasso", "--data", csv, "--target", "y", "--lambda", "1", "--max-iter", "2", "--json");
        Assert.Equal(1, code);
        Assert.Equal("maxIterations", JsonDocument.Parse(output).RootElement.GetProperty("reason").GetString());
    }
}
