using FsCheck;
using FsCheck.Fluent;
using Optima.LinearAlgebra;
using Optima.Problems;
using Optima.Problems.Derivatives;
using Optima.Problems.Library;
using Xunit;

namespace Optima.Tests.Problems;

public class DerivativeToolsTests
{
    /// <summary>f(x) = Σ sin(xᵢ)·exp(xᵢ₊₁/3) + xᵢ⁴/10: smooth, nonconvex, with a gradient we can state exactly.</summary>
    private static double F(ReadOnlySpan<double> x, Span<double> g)
    {
        double f = 0;
        g.Clear();
        for (int i = 0; i < x.Length; i++)
        {
            double next = i + 1 < x.Length ? x[i + 1] : 0;
            double e = Math.Exp(next / 3);
            f += Math.Sin(x[i]) * e + Math.Pow(x[i], 4) / 10;
            g[i] += Math.Cos(x[i]) * e + 0.4 * Math.Pow(x[i], 3);
            if (i + 1 < x.Length) g[i + 1] += Math.Sin(x[i]) * e / 3;
        }
        return f;
    }

    private static Gen<double[]> Points => from n in Gen.Choose(1, 6) from x in Gen.ArrayOf(TestSupport.Uniform(-3, 3), n) select x;

    [Fact]
    public void Central_differences_match_the_exact_gradient_to_1e_7()
    {
        Prop.ForAll(Points.ToArbitrary(), x =>
        {
            var f = Objective.FromValueAndGradient(x.Length, F);
            var exact = new double[x.Length];
            var fd = new double[x.Length];
            f.ValueAndGradient(x, exact);
            FiniteDifferences.Gradient(f, x, fd, DifferenceScheme.Central);
            return exact.Zip(fd).All(p => Math.Abs(p.First - p.Second) <= 1e-7 * Math.Max(1, Math.Abs(p.First)));
        }).Check(TestSupport.Quick());
    }

    [Fact]
    public void Forward_differences_are_accurate_to_about_sqrt_epsilon()
    {
        Prop.ForAll(Points.ToArbitrary(), x =>
        {
            var f = Objective.FromValueAndGradient(x.Length, F);
            var exact = new double[x.Length];
            var fd = new double[x.Length];
            f.ValueAndGradient(x, exact);
            FiniteDifferences.Gradient(f, x, fd, DifferenceScheme.Forward);
            return exact.Zip(fd).All(p => Math.Abs(p.First - p.Second) <= 1e-5 * Math.Max(1, Math.Abs(p.First)));
        }).Check(TestSupport.Quick());
    }

    [Fact]
    public void Steps_scale_with_x_and_are_exactly_representable()
    {
        foreach (double x in new[] { 0.0, 1e-8, 1.0, -3.7, 1e6, -1e12 })
            foreach (var scheme in new[] { DifferenceScheme.Forward, DifferenceScheme.Central })
            {
                double h = FiniteDifferences.Step(x, scheme);
                Assert.Equal(h, (x + h) - x);
                double expected = (scheme == DifferenceScheme.Forward ? 1.49e-8 : 6.06e-6) * Math.Max(1, Math.Abs(x));
                Assert.InRange(h / expected, 0.9, 1.1);
            }
    }

    [Fact]
    public void GradientCheck_passes_a_right_gradient_and_flags_a_perturbed_component()
    {
        var gen = from x in Points from k in Gen.Choose(0, 5) from delta in TestSupport.Uniform(1e-4, 1) select (x, k % x.Length, delta);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (x, k, delta) = t;
            var right = GradientCheck.Run(Objective.FromValueAndGradient(x.Length, F), x);
            var wrong = GradientCheck.Run(Objective.FromValueAndGradient(x.Length, (p, g) =>
            {
                double f = F(p, g);
                g[k] += delta * Math.Max(1, Math.Abs(g[k]));
                return f;
            }), x);
            return right.Passed && !wrong.Passed && wrong.WorstRow == k && wrong.Error >= delta / 2;
        }).Check(TestSupport.Quick());
    }

    [Fact]
    public void JacobianCheck_flags_a_wrong_entry()
    {
        ResidualFunction r = (p, res) => { res[0] = p[0] * p[1]; res[1] = Math.Exp(p[0]) - p[1]; res[2] = p[1] * p[1]; };
        var good = Objective.LeastSquares(2, 3, r, (p, j) =>
        {
            j[0, 0] = p[1]; j[0, 1] = p[0]; j[1, 0] = Math.Exp(p[0]); j[1, 1] = -1; j[2, 0] = 0; j[2, 1] = 2 * p[1];
        });
        var bad = Objective.LeastSquares(2, 3, r, (p, j) =>
        {
            j[0, 0] = p[1]; j[0, 1] = p[0]; j[1, 0] = Math.Exp(p[0]); j[1, 1] = -1; j[2, 0] = 0; j[2, 1] = p[1];
        });
        Assert.True(JacobianCheck.Run(good, [0.3, -1.1]).Passed);
        var result = JacobianCheck.Run(bad, [0.3, -1.1]);
        Assert.False(result.Passed);
        Assert.Equal((2, 1), (result.WorstRow, result.WorstColumn));
        Assert.Contains("FAILED", result.ToString());
    }

    [Fact]
    public void HessianCheck_and_Hessian_from_values_on_Rosenbrock()
    {
        var p = new Rosenbrock();
        double[] x = [0.4, -0.7];
        Assert.True(HessianCheck.Run(p, x).Passed);
        Assert.True(HessianCheck.RunProduct(p, x, [1.5, -2.0]).Passed);
        var exact = new DenseMatrix(2, 2);
        var byValues = new DenseMatrix(2, 2);
        p.Hessian(x, exact);
        FiniteDifferences.HessianFromValues(p, x, byValues);
        for (int k = 0; k < 4; k++)
            Assert.True(Math.Abs(exact.Data[k] - byValues.Data[k]) <= 1e-4 * Math.Max(1, Math.Abs(exact.Data[k])), $"entry {k}");
    }

    [Fact]
    public void LeastSquaresObjective_is_the_sum_of_squares_with_gradient_2JTr()
    {
        var problem = Objective.LeastSquares(2, 2, (p, r) => { r[0] = p[0] - 1; r[1] = 10 * (p[1] - p[0] * p[0]); });
        var f = new LeastSquaresObjective(problem);
        double[] x = [-1.2, 1];
        var g = new double[2];
        double v = f.ValueAndGradient(x, g);
        var rosenbrock = new Rosenbrock();
        var gr = new double[2];
        Assert.Equal(rosenbrock.ValueAndGradient(x, gr), v, 1e-12);
        Assert.Equal(gr[0], g[0], 1e-6);
        Assert.Equal(gr[1], g[1], 1e-6);
        Assert.True(GradientCheck.Run(f, x).Passed);
    }

    [Fact]
    public void Checks_reject_bad_arguments_with_clear_messages()
    {
        var p = new Rosenbrock();
        var e = Assert.Throws<ArgumentException>(() => GradientCheck.Run(p, [1.0]));
        Assert.Contains("dimension 2", e.Message);
        var n = Assert.Throws<ArgumentException>(() => GradientCheck.Run(p, [1.0, double.NaN]));
        Assert.Contains("x[1]", n.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientCheck.Run(p, [1.0, 1.0], tolerance: -1));
        Assert.Throws<ArgumentException>(() => FiniteDifferences.Gradient(p, [1.0, 2.0], new double[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Objective.FromValue(0, x => 0));
    }
}
