using Optima.Problems;
using Optima.Solvers.Fitting;
using Xunit;

namespace Optima.Tests.Problems;

/// <summary>One bounds syntax everywhere: fits (<see cref="FitModel.ParseBounds"/>), search boxes (<see cref="BoxBounds.Parse"/>).</summary>
public sealed class BoundsParsingTests
{
    [Theory]
    [InlineData("0:1", 0, 1)]
    [InlineData("-inf:10", double.NegativeInfinity, 10)]
    [InlineData("0:", 0, double.PositiveInfinity)]
    [InlineData(":5", double.NegativeInfinity, 5)]
    [InlineData("-Infinity:+INF", double.NegativeInfinity, double.PositiveInfinity)]
    [InlineData(" 1e-3 : 2.5 ", 1e-3, 2.5)]
    [InlineData("3:3", 3, 3)]
    public void An_interval_parses_with_open_and_infinite_ends(string text, double lower, double upper) =>
        Assert.Equal(new ParameterBounds(lower, upper), ParameterBounds.Parse(text, "x"));

    [Theory]
    [InlineData("1:0", "empty")]
    [InlineData("0", "lo:hi")]
    [InlineData("0:1:2", "lo:hi")]
    [InlineData("a:1", "lo:hi")]
    [InlineData("nan:1", "lo:hi")]
    public void A_bad_interval_names_the_variable_and_the_cause(string text, string cause)
    {
        var e = Assert.Throws<ArgumentException>(() => ParameterBounds.Parse(text, "b2"));
        Assert.Contains("b2", e.Message);
        Assert.Contains(cause, e.Message);
    }

    [Fact]
    public void Fits_and_search_boxes_read_the_same_text_the_same_way()
    {
        const string text = "y=0:,x=-inf:2";
        var byName = FitModel.ParseBounds(text);
        var box = BoxBounds.Parse(text, ["x", "y", "z"]);
        Assert.Equal(byName["x"], box[0]);
        Assert.Equal(byName["y"], box[1]);
        Assert.Equal(ParameterBounds.None, box[2]);
        Assert.Equal(["y", "x"], ParameterBounds.ParseNamed(text).Select(kv => kv.Key));
    }

    [Theory]
    [InlineData("x=0:1,x=0:2", "given twice")]
    [InlineData("x0:1", "lo:hi")]
    [InlineData("=0:1", "name=lo:hi")]
    [InlineData("x=2:1", "empty")]
    public void Bad_named_bounds_fail_the_same_way_in_both(string text, string cause)
    {
        Assert.Contains(cause, Assert.Throws<ArgumentException>(() => FitModel.ParseBounds(text, "--bounds")).Message);
        Assert.StartsWith("--bounds: ", Assert.Throws<ArgumentException>(() => FitModel.ParseBounds(text, "--bounds")).Message);
        Assert.Contains(cause, Assert.Throws<ArgumentException>(() => BoxBounds.Parse(text, ["x"])).Message);
    }
}
