using FsCheck;
using FsCheck.Fluent;
using Optima.Problems;
using Optima.Problems.Derivatives;
using Optima.Problems.Expressions;
using Xunit;
using E = Optima.Problems.Expressions.Expression;

namespace Optima.Tests.Expressions;

public class DerivativeAndCompileTests
{
    private static readonly string[] XY = ["x", "y"];

    private static Dictionary<string, double> At(double x, double y) => new() { ["x"] = x, ["y"] = y };

    [Fact]
    public void Symbolic_derivatives_match_central_differences_for_random_smooth_expressions()
    {
        var gen = from e in ExpressionGenerators.Smooth(4)
                  from x in TestSupport.Uniform(-1.5, 1.5)
                  from y in TestSupport.Uniform(-1.5, 1.5)
                  select (e, x, y);
        int compared = 0;
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (e, x, y) = t;
            var dx = e.Differentiate("x");
            var dy = e.Differentiate("y");
            var f = Objective.FromValueAndGradient(2, (p, g) =>
            {
                g[0] = dx.Evaluate(At(p[0], p[1]));
                g[1] = dy.Evaluate(At(p[0], p[1]));
                return e.Evaluate(At(p[0], p[1]));
            });
            var exact = new double[2];
            double value = f.ValueAndGradient([x, y], exact);
            if (!double.IsFinite(value) || !double.IsFinite(exact[0]) || !double.IsFinite(exact[1])) return true.ToProperty();
            // GradientCheck's reference is Richardson-extrapolated central differences (O(h⁴)).
            var check = GradientCheck.Run(f, [x, y], 1e-6);
            if (!double.IsFinite(check.Numeric)) return true.ToProperty();   // the expression left its domain near the point
            // Finite differences resolve the derivative only where the plain central estimate (step h) and the
            // extrapolated one (h, h/2) agree; huge intermediates (sin of 10⁸, cancellation against 10⁶) defeat them.
            var plain = new double[2];
            FiniteDifferences.Gradient(f, [x, y], plain);
            if (Math.Abs(plain[check.WorstRow] - check.Numeric) > 1e-6 * Math.Max(1, Math.Abs(check.Numeric))) return true.ToProperty();
            compared += 2;
            if (!check.Passed) return false.Label($"{e} at ({x}, {y}): {check}");
            return true.ToProperty();
        }).Check(TestSupport.Quick(300));
        Assert.True(compared > 500, $"only {compared} finite comparisons");
    }

    [Fact]
    public void The_derivative_of_an_expression_without_the_name_is_zero()
    {
        Assert.Equal(E.Number(0), E.Parse("exp(b1*x) + sin(y)^2").Differentiate("z"));
        Assert.Equal(E.Number(0), E.Parse("sign(x)").Differentiate("x"));
    }

    [Theory]
    [InlineData("x^3", "x", "3*x^2")]
    [InlineData("exp(2*x)", "x", "2*exp(2*x)")]
    [InlineData("log(x)", "x", "1/x")]
    [InlineData("b1*(1-exp(-b2*x))", "b1", "1 - exp(-b2*x)")]
    [InlineData("sin(x)", "x", "cos(x)")]
    [InlineData("cos(x)", "x", "-sin(x)")]
    [InlineData("x^y", "y", "x^y*log(x)")]
    [InlineData("2^x", "x", "0.6931471805599453*2^x")]
    [InlineData("a*x + b", "x", "a")]
    [InlineData("b1*(1-exp(-b2*x))", "b2", "b1*(exp(-b2*x)*x)")]
    [InlineData("b1/(1+exp(b2-b3*x))", "b3", "b1*(exp(b2 - b3*x)*x)/(1 + exp(b2 - b3*x))^2")]
    [InlineData("(1-x)^2 + 100*(y-x^2)^2", "x", "-2*(1 - x) - 100*(2*(y - x^2)*(2*x))")]
    [InlineData("(1-x)^2 + 100*(y-x^2)^2", "y", "200*(y - x^2)")]
    public void Derivatives_come_out_simplified(string text, string name, string expected) =>
        Assert.Equal(expected, E.Parse(text).Differentiate(name).ToString());

    // ---- NIST StRD models against hand-written derivatives ----

    private static void CheckModel(string model, string[] parameters, Func<double, double[], double[]> gradient, double[] p, double[] xs)
    {
        var compiled = E.Parse(model).Compile(["x"], parameters);
        var g = new double[parameters.Length];
        foreach (double x in xs)
        {
            compiled.Evaluate([x], p, g);
            double[] expected = gradient(x, p);
            for (int k = 0; k < g.Length; k++)
                Assert.True(Math.Abs(g[k] - expected[k]) <= 1e-12 * Math.Max(1, Math.Abs(expected[k])),
                    $"{model}: ∂/∂{parameters[k]} at x = {x}: {g[k]} vs {expected[k]}");
            // and each symbolic partial interpreted
            var values = parameters.Zip(p).ToDictionary(t => t.First, t => t.Second);
            values["x"] = x;
            for (int k = 0; k < g.Length; k++)
                Assert.Equal(g[k], compiled.Gradient[k].Evaluate(values));
        }
    }

    [Fact]
    public void Misra1a_and_BoxBOD_model_gradient_is_exact()
    {
        CheckModel("b1*(1-exp(-b2*x))", ["b1", "b2"],
            (x, b) => [1 - Math.Exp(-b[1] * x), b[0] * x * Math.Exp(-b[1] * x)],
            [238.94212918, 5.5015643181e-4], [77.6, 114.9, 141.1, 190.8, 239.9, 289.0, 332.8, 378.4, 434.8, 477.3, 536.8, 593.1, 689.1, 760.0]);
    }

    [Fact]
    public void Rat42_model_gradient_is_exact()
    {
        CheckModel("b1/(1+exp(b2-b3*x))", ["b1", "b2", "b3"], (x, b) =>
        {
            double e = Math.Exp(b[1] - b[2] * x), d = 1 + e;
            return [1 / d, -b[0] * e / (d * d), b[0] * x * e / (d * d)];
        }, [72.462237576, 2.6180768402, 0.067359200066], [9, 14, 21, 28, 42, 57, 63, 70, 79]);
    }

    [Fact]
    public void MGH09_model_gradient_is_exact()
    {
        CheckModel("b1*(x^2+x*b2) / (x^2+x*b3+b4)", ["b1", "b2", "b3", "b4"], (x, b) =>
        {
            double n = x * x + x * b[1], d = x * x + x * b[2] + b[3];
            return [n / d, b[0] * x / d, -b[0] * n * x / (d * d), -b[0] * n / (d * d)];
        }, [0.19280693458, 0.19128232873, 0.12305650693, 0.13606233068], [4, 2, 1, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625]);
    }

    [Fact]
    public void Rat43_with_a_general_power_has_the_exact_gradient()
    {
        CheckModel("b1 / ((1+exp[b2-b3*x])**(1/b4))", ["b1", "b2", "b3", "b4"], (x, b) =>
        {
            double e = Math.Exp(b[1] - b[2] * x), u = 1 + e, v = 1 / b[3], d = Math.Pow(u, v);
            double dDdb2 = v * Math.Pow(u, v - 1) * e;
            return [1 / d, -b[0] * dDdb2 / (d * d), b[0] * v * Math.Pow(u, v - 1) * e * x / (d * d), b[0] * Math.Log(u) / (b[3] * b[3] * d)];
        }, [699.6415127, 5.2771253025, 0.75962938329, 1.2792483859], [1, 2, 3, 5, 7, 9, 11, 13, 15]);
    }

    // ---- compilation ----

    [Fact]
    public void Compiled_values_and_gradients_equal_the_interpreted_ones_to_the_bit()
    {
        var gen = from e in ExpressionGenerators.Any(5) from v in ExpressionGenerators.Values(-3, 3) select (e, v);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (e, values) = t;
            string[] variables = ["x", "y"], parameters = ["b1", "_c2"];
            var compiled = e.Compile(variables, parameters);
            double[] vx = [values["x"], values["y"]], pp = [values["b1"], values["_c2"]];
            double interpreted = e.Evaluate(values);
            var g = new double[2];
            bool same = Same(compiled.Evaluate(vx, pp), interpreted) && Same(compiled.Evaluate(vx, pp, g), interpreted);
            for (int k = 0; k < 2; k++) same &= Same(g[k], e.Differentiate(parameters[k]).Evaluate(values));
            return same;
        }).Check(TestSupport.Quick(200));
    }

    private static bool Same(double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b) || (double.IsNaN(a) && double.IsNaN(b));

    [Fact]
    public void Compiled_Hessian_matches_second_symbolic_derivatives_and_is_symmetric()
    {
        var e = E.Parse("b1*exp(-b2*x) + b3*exp(-(x-b4)^2 / b5^2)");
        string[] ps = ["b1", "b2", "b3", "b4", "b5"];
        var compiled = e.Compile(["x"], ps);
        double[] p = [98.94, 0.0109, 100.7, 111.6, 23.3];
        var g = new double[5];
        var h = new double[25];
        double x = 97.5;
        double value = compiled.Evaluate([x], p, g, h);
        var values = ps.Zip(p).ToDictionary(t => t.First, t => t.Second);
        values["x"] = x;
        Assert.Equal(e.Evaluate(values), value);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(e.Differentiate(ps[i]).Evaluate(values), g[i]);
            for (int j = 0; j < 5; j++)
            {
                Assert.Equal(h[i * 5 + j], h[j * 5 + i]);
                Assert.Equal(e.Differentiate(ps[Math.Min(i, j)]).Differentiate(ps[Math.Max(i, j)]).Evaluate(values), h[i * 5 + j]);
            }
        }
    }

    [Fact]
    public void Compile_names_unknown_identifiers_and_rejects_repeated_names()
    {
        var e = E.Parse("b1*x + c + d");
        var ex = Assert.Throws<ArgumentException>(() => e.Compile(["x"], ["b1"]));
        Assert.Contains("'c', 'd'", ex.Message);
        Assert.Contains("neither a variable (x) nor a parameter (b1)", ex.Message);
        Assert.Throws<ArgumentException>(() => e.Compile(["x", "c"], ["b1", "d", "x"]));
        Assert.Throws<ArgumentException>(() => e.Compile(["x", "c", "c"], ["b1", "d"]));
        var ok = e.Compile(["x", "c", "d"], ["b1", "unused"]);
        var g = new double[2];
        Assert.Equal(2 * 3 + 4 + 5, ok.Evaluate([3, 4, 5], [2, 7], g));
        Assert.Equal([3.0, 0.0], g);
        Assert.Throws<ArgumentException>(() => ok.Evaluate([3, 4], [2, 7]));
        Assert.Throws<ArgumentException>(() => ok.Evaluate([3, 4, 5], [2, 7], new double[1]));
    }

    [Fact]
    public void Compiled_delegates_are_safe_to_share_between_threads()
    {
        var compiled = E.Parse("b1*(1-exp(-b2*x))").Compile(["x"], ["b1", "b2"]);
        var fg = compiled.GradientFunction;
        var results = new double[64];
        Parallel.For(0, results.Length, i =>
        {
            Span<double> g = stackalloc double[2];
            double s = 0;
            for (int k = 0; k < 1000; k++) s += fg([k * 0.5], [i + 1.0, 1e-3], g) + g[0] + g[1];
            results[i] = s;
        });
        for (int i = 0; i < results.Length; i++)
        {
            double s = 0;
            var g = new double[2];
            for (int k = 0; k < 1000; k++) s += compiled.Evaluate([k * 0.5], [i + 1.0, 1e-3], g) + g[0] + g[1];
            Assert.Equal(s, results[i]);
        }
    }

    [Fact]
    public void The_gradient_of_a_long_sum_of_squares_is_built_in_one_pass_per_variable()
    {
        // Issue 13 row 11: asking every node for its identifier list made this O(n³) (43 s at n = 800); the variable
        // index makes it one binary search per visited node. Checked for the values, not timed.
        const int n = 1000;
        string text = string.Join(" + ", Enumerable.Range(1, n).Select(i => $"(x{i}-{i % 7})^2"));
        var objective = ExpressionObjective.Create(text);
        var x = Enumerable.Range(1, n).Select(i => 0.5 * i).ToArray();
        var g = new double[n];
        objective.ValueAndGradient(x, g);
        for (int i = 0; i < n; i++) Assert.Equal(2 * (x[i] - (i + 1) % 7), g[i]);
        Assert.Equal("2*x7", Expression.Parse(text).Differentiate("x7").ToString());
        Assert.Equal("0", Expression.Parse(text).Differentiate("y").ToString());
    }

    [Fact]
    public void A_syntax_error_in_a_long_expression_quotes_a_window_around_the_column()
    {
        string text = string.Join(" + ", Enumerable.Range(1, 500).Select(i => $"x{i}")) + " + )";
        var e = Assert.Throws<ExpressionParseException>(() => Expression.Parse(text));
        var lines = e.Message.Split(Environment.NewLine);
        Assert.Equal(3, lines.Length);
        Assert.True(lines[1].Length < 80, lines[1]);
        Assert.Equal(')', lines[1][lines[2].IndexOf('^', StringComparison.Ordinal)]);
    }
}
