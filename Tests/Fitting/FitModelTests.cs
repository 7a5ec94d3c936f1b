using Optima.Problems;
using Optima.Solvers.Fitting;
using Xunit;

namespace Optima.Tests.Fitting;

/// <summary>A fit's model parsed once: variables, parameters and start values, and the fit it gives.</summary>
public class FitModelTests
{
    [Fact]
    public void A_single_column_is_x_unless_the_model_names_it()
    {
        var m = FitModel.Parse("a*exp(-k*x)");
        Assert.Equal(["x"], m.Variables(["time"]));
        Assert.Equal(["time"], FitModel.Parse("a*exp(-k*time)").Variables(["time"]));
        Assert.Equal(["a", "k"], m.Parameters(["x"]));
        Assert.Contains("not a valid name", Assert.Throws<ArgumentException>(() => m.Variables(["t (s)", "u"])).Message);
        Assert.Contains("has no parameters to fit", Assert.Throws<ArgumentException>(() => FitModel.Parse("2*x").Parameters(["x"], "--model")).Message);
        var parse = Assert.Throws<ArgumentException>(() => FitModel.Parse("a*(x", "--model"));
        Assert.StartsWith("--model: ", parse.Message);
    }

    [Fact]
    public void Start_values_are_checked_and_built_in_models_guess_the_rest()
    {
        double[] x = [.. Enumerable.Range(0, 41).Select(i => -4 + 0.2 * i)];
        double[] y = [.. x.Select(v => 3 * Math.Exp(-v * v / 2) / Math.Sqrt(2 * Math.PI) + 0.5)];
        var m = FitModel.Parse("gaussian+constant");
        Assert.NotNull(m.BuiltIn);
        var start = m.Start(["x"], [x], y, new Dictionary<string, double> { ["gaussian_center"] = 0.25 });
        Assert.Equal(0.25, start["gaussian_center"]);   // given values win over guesses
        Assert.Equal(m.Parameters(["x"]).Order(), start.Keys.Order());
        var fit = CurveFit.Fit(m, ["x"], [x], y, start);
        Assert.True(fit.IsConverged, fit.Reason.ToString());
        Assert.Equal(0.0, fit.Parameters[fit.IndexOf("gaussian_center")], 8);

        var expression = FitModel.Parse("b1*(1-exp(-b2*x))");
        Assert.Contains("unknown parameter 'b3'", Assert.Throws<ArgumentException>(() =>
            expression.Start(["x"], [x], y, new Dictionary<string, double> { ["b1"] = 1, ["b2"] = 1, ["b3"] = 1 }, "--start")).Message);
        Assert.Contains("'x' is a data column", Assert.Throws<ArgumentException>(() =>
            expression.Start(["x"], [x], y, new Dictionary<string, double> { ["x"] = 1 })).Message);
        Assert.Contains("no start value for b2", Assert.Throws<ArgumentException>(() =>
            expression.Start(["x"], [x], y, new Dictionary<string, double> { ["b1"] = 1 })).Message);
    }

    [Fact]
    public void The_parsed_model_fits_to_the_same_bits_as_the_text()
    {
        double[] x = [1, 2, 3, 5, 8, 13];
        double[] y = [0.9, 1.6, 2.2, 2.9, 3.5, 3.8];
        var start = new Dictionary<string, double> { ["b1"] = 4, ["b2"] = 0.3 };
        var byText = CurveFit.Fit("b1*(1-exp(-b2*x))", ["x"], [x], y, start);
        var byModel = CurveFit.Fit(FitModel.Parse("b1*(1-exp(-b2*x))"), ["x"], [x], y, start);
        Assert.Equal(byText.Parameters, byModel.Parameters);
        Assert.Equal(byText.StandardErrors, byModel.StandardErrors);
        Assert.Equal(byText.Model, byModel.Model);
    }

    [Theory]
    [InlineData("b1=500,b2=1e-4", 2)]
    [InlineData(" a = 1 ", 1)]
    public void Assignments_parse(string text, int count) => Assert.Equal(count, FitModel.ParseAssignments(text).Count);

    [Theory]
    [InlineData("a=1,a=2", "given twice")]
    [InlineData("a", "not name=value")]
    [InlineData("a=NaN", "not a finite number")]
    [InlineData("", "is empty")]
    public void Bad_assignments_are_named(string text, string expected) =>
        Assert.Contains(expected, Assert.Throws<ArgumentException>(() => FitModel.ParseAssignments(text)).Message);

    [Fact]
    public void Bounds_parse_with_open_ends()
    {
        var b = FitModel.ParseBounds("b2=0:1,b1=-inf:10,b3=0:");
        Assert.Equal(new ParameterBounds(0, 1), b["b2"]);
        Assert.Equal(double.NegativeInfinity, b["b1"].Lower);
        Assert.Equal(double.PositiveInfinity, b["b3"].Upper);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => FitModel.ParseBounds("b=1:0")).Message);
    }
}
