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
