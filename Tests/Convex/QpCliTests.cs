using System.Text.Json;
using Optima.Cli;
using Optima.Solvers.Convex;
using Xunit;

namespace Optima.Tests.Convex;

public sealed class QpCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("optima-qp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Code, string Out) Run(params string[] args)
    {
        var o = new StringWriter();
        int code = OptimaCli.Run(args, o, new StringWriter());
        return (code, o.ToString());
    }

    [Fact]
    public void SolvesAKnownQp_AndReportsInfeasibility()
    {
        // min ½(x² + y²) − x − y s.t. x + y = 1, 0 ≤ x ≤ 0.3 → (0.3, 0.7).
        string ok = Write("ok.json", """{"P": [[1, 0], [0, 1]], "q": [-1, -1], "A": [[1, 1], [1, 0]], "l": [1, 0], "u": [1, 0.3]}""");
        var (code, output) = Run("qp", "--problem", ok, "--json");
        Assert.Equal(0, code);
        var x = JsonDocument.Parse(output).RootElement.GetProperty("x").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(0.3, x[0], 9);
        Assert.Equal(0.7, x[1], 9);
        // x ≥ 1 and x ≤ 0 (a null bound is none): infeasible, exit 1 with the certificate.
        string bad = Write("infeasible.json", """{"P": [[1]], "q": [0], "A": [[1], [1]], "l": [1, null], "u": ["Infinity", 0]}""");
        (code, output) = Run("qp", "--problem", bad, "--json");
        Assert.Equal(1, code);
        var root = JsonDocument.Parse(output).RootElement;
        Assert.Equal("infeasible", root.GetProperty("reason").GetString());
        Assert.Equal(2, root.GetProperty("certificate").GetArrayLength());
        // No constraints and a linear objective along a flat direction: unbounded.
        string unbounded = Write("unbounded.json", """{"P": [[0, 0], [0, 1]], "q": [-1, 0]}""");
        (code, output) = Run("qp", "--problem", unbounded, "--json");
        Assert.Equal(1, code);
        Assert.Equal("unbounded", JsonDocument.Parse(output).RootElement.GetProperty("reason").GetString());
        (code, output) = Run("qp", "--problem", ok);
        Assert.Equal(0, code);
        Assert.Contains("polished", output);
    }

    [Fact]
    public void BadInput_ExitsTwo_WithTheCause()
    {
        Assert.Equal(2, Run("qp", "--problem", Write("a.json", "{not json")).Code);
        Assert.Equal(2, Run("qp", "--problem", Write("b.json", """{"P": [[1]], "q": [0], "A": [[1]], "l": [2], "u": [1]}""")).Code);
        Assert.Equal(2, Run("qp", "--problem", Write("c.json", """{"P": [[1, 2]], "q": [0]}""")).Code);
        Assert.Equal(2, Run("qp", "--problem", Write("d.json", """{"q": [0]}""")).Code);
        Assert.Equal(2, Run("qp", "--problem", Path.Combine(_dir, "missing.json")).Code);
        var (code, output) = Run("qp", "--problem", Write("e.json", """{"P": [[1]], "q": ["x"]}"""), "--json");
        Assert.Equal(2, code);
        Assert.Contains("q[0]", JsonDocument.Parse(output).RootElement.GetProperty("error").GetString());
        Assert.Contains("l = 2 > u = 1", Assert.Throws<ArgumentException>(() => QuadraticProgram.Parse("""{"P": [[1]], "q": [0], "A": [[1]], "l": [2], "u": [1]}""")).Message);
    }
}
