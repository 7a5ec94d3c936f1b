using System.Text.Json;
using Optima.Cli;
using Xunit;

namespace Optima.Tests.Cli;

public class CliTests
{
    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = OptimaCli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Problems_json_is_one_document_with_every_problem()
    {
        var (code, output, _) = Run("problems", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var names = doc.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToArray();
        Assert.Contains("rosenbrock", names);
        Assert.Equal(Optima.Problems.Library.TestProblems.Names.Count, names.Length);
    }

    [Fact]
    public void Check_passes_on_a_library_problem()
    {
        var (code, output, _) = Run("check", "--problem", "rosenbrock", "--at", "0.5,-0.3", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.True(doc.RootElement.GetProperty("passed").GetBoolean());
    }

    [Theory]
    [InlineData("check", "--problem", "no-such-problem")]
    [InlineData("check")]
    [InlineData("check", "--problem", "rosenbrock", "--at", "1,abc")]
    [InlineData("check", "--problem", "rosenbrock", "--at", "1,2,3")]
    [InlineData("no-such-command")]
    public void Bad_input_exits_2_with_a_message_and_no_stack_trace(params string[] args)
    {
        var (code, output, error) = Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith("optima: ", error);
        Assert.DoesNotContain("   at ", error);
        Assert.Equal("", output);
    }
}

public class AnalyzeCliTests
{
    [Fact]
    public void Analyze_finds_the_saddle_and_its_escape_direction()
    {
        var (code, output, _) = CliTests.Run("analyze", "--problem", "saddle", "--at", "x=0,y=0", "--json");
        Assert.Equal(0, code);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("saddle", root.GetProperty("classification").GetString());
        Assert.Equal(1.0, Math.Abs(root.GetProperty("escape").GetProperty("direction")[1].GetDouble()), 12);
        Assert.True(root.GetProperty("escape").GetProperty("decrease").GetDouble() > 0);
        Assert.Equal([-2.0, 2.0], root.GetProperty("eigenvalues").EnumerateArray().Select(e => e.GetDouble()));
    }

    [Theory]
    [InlineData("analyze", "--problem", "saddle", "--at", "x=0,q=0")]
    [InlineData("analyze", "--problem", "saddle", "--at", "x=0")]
    [InlineData("analyze", "--problem", "saddle", "--at", "x=0,x=1")]
    [InlineData("analyze", "--at", "0,0")]
    public void Analyze_rejects_bad_points_and_missing_objectives(params string[] args)
    {
        var (code, _, error) = CliTests.Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith("optima: ", error);
    }
}

public class SolveCliTests
{
    private static string WriteSystem()
    {
        // A 4×4 SPD tridiagonal matrix in coordinate format, symmetric storage.
        string path = Path.Combine(Path.GetTempPath(), $"optima-solve-{Guid.NewGuid():N}.mtx");
        File.WriteAllText(path, "%%MatrixMarket matrix coordinate real symmetric\n4 4 7\n1 1 4\n2 1 -1\n2 2 4\n3 2 -1\n3 3 4\n4 3 -1\n4 4 4\n");
        return path;
    }

    [Theory]
    [InlineData("lu")]
    [InlineData("cholesky")]
    [InlineData("qr")]
    [InlineData("cg")]
    [InlineData("pcg")]
    [InlineData("jacobi")]
    [InlineData("gauss-seidel")]
    public void Solve_recovers_x_equal_ones_when_b_defaults_to_A_times_1(string method)
    {
        string a = WriteSystem(), x = a + ".x.mtx";
        var (code, output, error) = CliTests.Run("solve", "--matrix", a, "--method", method, "--tol", "1e-12", "--out", x, "--json");
        Assert.True(code == 0, error);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        Assert.True(doc.RootElement.GetProperty("relativeResidual").GetDouble() <= 1e-12);
        Assert.All(Optima.LinearAlgebra.IO.MatrixMarket.ReadVector(x), v => Assert.Equal(1.0, v, 10));
    }

    [SkippableFact]
    public void Solve_on_a_shared_real_matrix_with_pcg()
    {
        var (code, output, _) = CliTests.Run("solve", "--matrix", TestSupport.RequireSharedFile("matrices", "bcsstk03.mtx"), "--method", "pcg", "--tol", "1e-8", "--json");
        Assert.Equal(0, code);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal("ic0", doc.RootElement.GetProperty("preconditioner").GetString());
        Assert.True(doc.RootElement.GetProperty("iterations").GetInt32() < 200);
    }

    [Fact]
    public void Solve_reports_bad_input_with_exit_code_2()
    {
        string a = WriteSystem();
        Assert.Equal(2, CliTests.Run("solve", "--matrix", a, "--method", "magic").Code);
        Assert.Equal(2, CliTests.Run("solve", "--matrix", a, "--method", "cg", "--precond", "ic0").Code);
        Assert.Equal(2, CliTests.Run("solve", "--matrix", "/no/such.mtx").Code);
        string bad = Path.Combine(Path.GetTempPath(), $"optima-bad-{Guid.NewGuid():N}.mtx");
        File.WriteAllText(bad, "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n2 x 3\n");
        var (code, _, error) = CliTests.Run("solve", "--matrix", bad);
        Assert.Equal(2, code);
        Assert.Contains("line 4", error);
    }
}

public class MinimizeCliTests
{
    [Theory]
    [InlineData("bfgs")]
    [InlineData("lbfgs")]
    [InlineData("newton")]
    [InlineData("newton-tr")]
    public void Minimize_an_expression_reaches_the_Rosenbrock_minimum(string method)
    {
        var (code, output, error) = CliTests.Run("minimize", "--objective", "(1-x)^2 + 100*(y-x^2)^2", "--start", "x=-1.2,y=1", "--method", method, "--json");
        Assert.True(code == 0, error);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var x = doc.RootElement.GetProperty("x").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(1.0, x[0], 6);
        Assert.Equal(1.0, x[1], 6);
        Assert.True(doc.RootElement.GetProperty("converged").GetBoolean());
    }

    [Fact]
    public void The_table_equals_the_solver_run_directly_and_the_trace_has_every_iteration()
    {
        string trace = Path.Combine(Path.GetTempPath(), $"optima-trace-{Guid.NewGuid():N}.csv");
        var (code, output, _) = CliTests.Run("minimize", "--problem", "mgh-box3d", "--method", "lm", "--trace", trace, "--json");
        Assert.Equal(0, code);
        var direct = Optima.Solvers.Methods.Minimize("lm", Optima.Problems.Library.TestProblems.Get("mgh-box3d"),
            Optima.Problems.Library.TestProblems.Get("mgh-box3d").StandardStart());
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal(direct.Value, doc.RootElement.GetProperty("f").GetDouble());
        Assert.Equal(direct.Iterations, doc.RootElement.GetProperty("iterations").GetInt32());
        var lines = File.ReadAllLines(trace);
        Assert.Equal("iteration,f,gradient_norm,step_norm,step_size,evaluations,seconds,x,y,z", lines[0]);
        Assert.Equal(direct.Iterations + 2, lines.Length);   // header + iteration 0 … n
    }

    [Fact]
    public void A_run_that_stops_at_the_iteration_limit_exits_1_and_still_prints()
    {
        var (code, output, _) = CliTests.Run("minimize", "--problem", "rosenbrock", "--method", "adam", "--lr", "0.01", "--max-iter", "10", "--json");
        Assert.Equal(1, code);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal("maxIterations", doc.RootElement.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("minimize", "--objective", "x^2+y^2", "--start", "x=1,y=1", "--method", "nope")]
    [InlineData("minimize", "--objective", "x^2+y^2", "--start", "x=1,y=1", "--method", "lm")]
    [InlineData("minimize", "--objective", "x^2+y^2", "--method", "bfgs")]
    [InlineData("minimize", "--objective", "x^2+y^2", "--start", "x=1,y=1", "--method", "bfgs", "--lr", "0.1")]
    [InlineData("minimize", "--objective", "x^2+*y", "--start", "x=1,y=1")]
    [InlineData("minimize", "--problem", "rosenbrock", "--objective", "x^2")]
    public void Minimize_rejects_bad_input_with_exit_code_2(params string[] args)
    {
        var (code, _, error) = CliTests.Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith("optima: ", error);
        Assert.DoesNotContain("   at ", error);
    }
}
