using FsCheck;
using FsCheck.Fluent;
using Optima.Problems.Expressions;
using Optima.Solvers.Fitting;
using Xunit;
using E = Optima.Problems.Expressions.Expression;

namespace Optima.Tests.Expressions;

public class SpecialFunctionTests
{
    private static double Ulps(double expected, double actual) =>
        Math.Abs(actual - expected) / (Math.BitIncrement(Math.Abs(expected)) - Math.Abs(expected));

    private static void Relative(double expected, double actual, double tolerance) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    // References: mpmath 1.2.1 at 40 digits (/usr/bin/python3: mpmath.erf, erfc, gamma, loggamma, digamma, psi(1, x)),
    // rounded to double by float().
    [Theory]
    [InlineData(0.3, 0.3286267594591274, 0.6713732405408726)]
    [InlineData(1.7, 0.9837904585907745, 0.01620954140922544)]
    [InlineData(3.2, 0.9999939742388483, 6.025761151762088e-06)]
    [InlineData(-0.7, -0.6778011938374184, 1.6778011938374184)]
    [InlineData(0.55, 0.563323366325109, 0.436676633674891)]
    [InlineData(1.049058388941483, 0.8620829666134967, 0.13791703338650327)] // forward Lentz evaluation was 66 ulps off here
    [InlineData(5.5, 0.9999999999999927, 7.357847917974398e-15)]
    public void Erf_and_erfc_match_mpmath_within_a_few_ulps(double x, double erf, double erfc)
    {
        Assert.True(Ulps(erf, SpecialFunctions.Erf(x)) <= 4, $"erf({x}) = {SpecialFunctions.Erf(x):R}");
        Assert.True(Ulps(erfc, SpecialFunctions.Erfc(x)) <= 6, $"erfc({x}) = {SpecialFunctions.Erfc(x):R}");
    }

    [Theory]
    [InlineData(4.5, 1.9661604415428876e-10)]
    [InlineData(12.3, 9.029925149482068e-68)]
    public void Erfc_keeps_its_relative_accuracy_in_the_tail(double x, double erfc) =>
        Assert.True(Ulps(erfc, SpecialFunctions.Erfc(x)) <= 6, $"erfc({x}) = {SpecialFunctions.Erfc(x):R}");

    [Theory]
    [InlineData(0.3, 2.991568987687591, 1.0957979948180756, -3.502524222200133, 12.245364546107732)]
    [InlineData(4.25, 8.28508514183522, 2.1144569274503713, 1.3246832187604867, 0.26512373409656215)]
    [InlineData(-2.5, -0.9453087204829419, -0.056243716497674054, 1.103156640645243, 9.539246644989124)]
    [InlineData(120.5, 6.100294974024006e+197, 455.41760044623453, 4.787494636265402, 0.00833328510919677)]
    public void Gamma_family_matches_mpmath(double x, double gamma, double lgamma, double digamma, double trigamma)
    {
        Relative(gamma, SpecialFunctions.Gamma(x), x > 100 ? 1e-13 : 2e-15);
        Assert.True(Math.Abs(SpecialFunctions.Lgamma(x) - lgamma) <= 2e-15 * Math.Max(1, Math.Abs(lgamma)), $"lgamma({x})");
        Relative(digamma, SpecialFunctions.Digamma(x), 1e-14);
        Relative(trigamma, SpecialFunctions.Trigamma(x), 1e-14);
    }

    [Fact]
    public void Edge_values()
    {
        Assert.Equal(0.0, SpecialFunctions.Erf(0.0));
        Assert.Equal(1.0, SpecialFunctions.Erf(double.PositiveInfinity));
        Assert.Equal(-1.0, SpecialFunctions.Erf(double.NegativeInfinity));
        Assert.Equal(2.0, SpecialFunctions.Erfc(double.NegativeInfinity));
        Assert.Equal(0.0, SpecialFunctions.Erfc(30));
        Assert.True(double.IsNaN(SpecialFunctions.Erf(double.NaN)));
        Assert.Equal(120.0, SpecialFunctions.Gamma(6));
        Assert.True(double.IsNaN(SpecialFunctions.Gamma(-3)));
        Assert.Equal(double.PositiveInfinity, SpecialFunctions.Gamma(0.0));
        Assert.Equal(double.NegativeInfinity, SpecialFunctions.Gamma(-0.0));
        Assert.Equal(double.PositiveInfinity, SpecialFunctions.Gamma(172));
        Assert.Equal(double.PositiveInfinity, SpecialFunctions.Lgamma(-2));
        Assert.Equal(0.0, SpecialFunctions.Lgamma(1));
        Assert.Equal(0.0, SpecialFunctions.Step(-1e-300));
        Assert.Equal(1.0, SpecialFunctions.Step(0.0));
        Assert.Equal(1.0, SpecialFunctions.Step(-0.0));
        Assert.True(double.IsNaN(SpecialFunctions.Step(double.NaN)));
    }

    [Fact]
    public void Identities_hold_over_random_arguments()
    {
        var x = TestSupport.Uniform(-5, 5);
        Prop.ForAll(x.ToArbitrary(), v =>
        {
            Assert.Equal(-SpecialFunctions.Erf(v), SpecialFunctions.Erf(-v));
            Assert.True(Math.Abs(SpecialFunctions.Erf(v) + SpecialFunctions.Erfc(v) - 1) <= 2e-15, $"erf + erfc at {v:R}");
            double a = Math.Abs(v) + 0.05; // Γ(a+1) = aΓ(a), ψ(a+1) = ψ(a) + 1/a, ψ′(a+1) = ψ′(a) − 1/a²
            Relative(a * SpecialFunctions.Gamma(a), SpecialFunctions.Gamma(a + 1), 1e-14);
            Assert.True(Math.Abs(SpecialFunctions.Lgamma(a) - Math.Log(SpecialFunctions.Gamma(a))) <= 1e-14 * Math.Max(1, Math.Abs(SpecialFunctions.Lgamma(a))));
            Assert.True(Math.Abs(SpecialFunctions.Digamma(a + 1) - SpecialFunctions.Digamma(a) - 1 / a) <= 1e-13 * Math.Max(1, 1 / a));
            Relative(SpecialFunctions.Trigamma(a) - 1 / (a * a), SpecialFunctions.Trigamma(a + 1), 1e-12);
            return true;
        }).Check(TestSupport.Quick());
    }

    private static readonly string[] X = ["x"];
    private static readonly string[] P = ["a", "b"];

    [Theory]
    [InlineData("erf(a*x + b)", 0.7, 0.3)]
    [InlineData("erfc(a*x - b)", 1.1, -0.2)]
    [InlineData("gamma(a*x + b)", 0.4, 1.2)]
    [InlineData("lgamma(a*x + b)", 0.9, 0.8)]
    [InlineData("gamma(a)*x + erf(b*x)", 2.6, 0.5)]
    [InlineData("b*step(x - a) + a*x", 0.3, 2.0)]
    [InlineData("min(a*x, b) + max(b*x, a^2)", 0.8, 1.3)]
    public void First_and_second_derivatives_match_differences_in_every_path(string text, double a, double b)
    {
        var e = E.Parse(text);
        var compiled = e.Compile(X, P);
        double[] xs = [0.25, 1.5, 2.2];
        double[] p = [a, b];
        var g = new double[2];
        var h = new double[4];
        var values = new double[xs.Length];
        var jacobian = new double[xs.Length * 2];
        compiled.EvaluateBatch(xs, p, values, jacobian);
        for (int i = 0; i < xs.Length; i++)
        {
            double x = xs[i];
            double f = compiled.Evaluate([x], p, g, h);
            double interpreted = e.Evaluate(new Dictionary<string, double> { ["x"] = x, ["a"] = a, ["b"] = b });
            Assert.Equal(interpreted, f);            // interpreter and delegate agree to the bit
            Assert.Equal(f, values[i]);              // and the batched evaluator
            for (int k = 0; k < 2; k++)
            {
                Assert.Equal(g[k], jacobian[k * xs.Length + i]);
                double step = 1e-6;
                double[] up = [a, b], down = [a, b];
                up[k] += step;
                down[k] -= step;
                var gu = new double[2];
                var gd = new double[2];
                double fu = compiled.Evaluate([x], up, gu), fd = compiled.Evaluate([x], down, gd);
                Assert.True(Math.Abs((fu - fd) / (2 * step) - g[k]) <= 1e-7 * Math.Max(1, Math.Abs(g[k])), $"{text}: ∂/∂{P[k]} at x = {x}");
                for (int j = 0; j < 2; j++)
                    Assert.True(Math.Abs((gu[j] - gd[j]) / (2 * step) - h[k * 2 + j]) <= 1e-6 * Math.Max(1, Math.Abs(h[k * 2 + j])),
                        $"{text}: ∂²/∂{P[k]}∂{P[j]} at x = {x}");
            }
        }
    }

    [Fact]
    public void Min_and_max_are_exact_and_choose_the_first_operand_on_ties()
    {
        var min = E.Parse("min(a, b)");
        var max = E.Parse("max(a, b)");
        double V(E e, double a, double b) => e.Evaluate(new Dictionary<string, double> { ["a"] = a, ["b"] = b });
        Assert.Equal(1.0, V(min, 1e20, 1));
        Assert.Equal(1e20, V(max, 1e20, 1));
        Assert.Equal(-3.5, V(min, 2, -3.5));
        Assert.Equal(0.1, V(min, 0.1, 0.1));
        var dmin = min.Differentiate("a");
        Assert.Equal(1.0, V(dmin, 0.1, 0.1));   // tie: the first operand's derivative
        Assert.Equal(0.0, V(dmin, 0.2, 0.1));
        Assert.Equal(1.0, V(min.Differentiate("b"), 0.2, 0.1));
        Assert.Throws<ExpressionParseException>(() => E.Parse("min(a)"));
        Assert.False(E.TryParse("min + 1", out _, out _));
    }

    [Fact]
    public void Step_differentiates_to_zero_and_trigamma_refuses()
    {
        Assert.Equal(E.Number(0), E.Parse("step(a*x)").Differentiate("a"));
        Assert.Throws<NotSupportedException>(() => E.Parse("trigamma(a)").Differentiate("a"));
        // digamma has an exact first derivative only (its second would be trigamma′):
        Assert.Equal(E.Parse("trigamma(a)"), E.Parse("digamma(a)").Differentiate("a"));
        Assert.Equal(E.Parse("trigamma(a)"), E.Parse("lgamma(a)").Differentiate("a").Differentiate("a"));
        Assert.Equal(E.Parse("digamma(x)"), E.Parse("psi(x)"));
    }

    [Fact]
    public void An_erf_edge_fits_back_its_parameters()
    {
        // y = h/2·(1 + erf((x − c)/w)) + base, sampled without noise: the fit must return the generating values.
        double h = 3, c = 1.25, w = 0.4, b0 = 0.5;
        var x = Enumerable.Range(0, 41).Select(i => -2 + 0.1 * i).ToArray();
        var y = x.Select(t => h / 2 * (1 + SpecialFunctions.Erf((t - c) / w)) + b0).ToArray();
        var fit = CurveFit.Fit("h/2*(1 + erf((x - c)/w)) + b0", x, y,
            new Dictionary<string, double> { ["h"] = 2, ["c"] = 0.5, ["w"] = 1, ["b0"] = 0 });
        Assert.True(fit.IsConverged);
        Relative(h, fit["h"], 1e-9);
        Relative(c, fit["c"], 1e-9);
        Relative(w, fit["w"], 1e-9);
        Relative(b0, fit["b0"], 1e-9);
    }

    [Theory]
    [InlineData("a*erfc(x/b)", 2.0, 0.7)]
    [InlineData("a*exp(-x/b)*x^2/gamma(3)", 1.5, 0.9)]
    [InlineData("a + lgamma(x + b)", 0.3, 1.2)]
    public void Fits_through_each_special_function_recover_their_parameters(string model, double a, double b)
    {
        var x = Enumerable.Range(1, 30).Select(i => 0.1 * i).ToArray();
        var e = E.Parse(model);
        var y = x.Select(t => e.Evaluate(new Dictionary<string, double> { ["x"] = t, ["a"] = a, ["b"] = b })).ToArray();
        var fit = CurveFit.Fit(model, x, y, new Dictionary<string, double> { ["a"] = a * 1.3, ["b"] = b * 0.8 });
        Assert.True(fit.IsConverged);
        Relative(a, fit["a"], 1e-8);
        Relative(b, fit["b"], 1e-8);
    }
}
