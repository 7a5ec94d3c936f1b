using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using Optima.LinearAlgebra;
using Optima.Problems;
using Optima.Problems.Derivatives;
using Optima.Problems.Library;
using Xunit;

namespace Optima.Tests.Derivatives;

public class AutoDiffTests
{
    /// <summary>|a − b| ≤ tol·max(1, |a|, |b|) entry by entry.</summary>
    private static bool Close(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double tol)
    {
        for (int i = 0; i < a.Length; i++)
            if (!(Math.Abs(a[i] - b[i]) <= tol * Math.Max(1, Math.Max(Math.Abs(a[i]), Math.Abs(b[i]))))) return false;
        return true;
    }

    public static TheoryData<string> ProblemNames() => new(TestProblems.Names);

    /// <summary>The problems given in residual form (the others have no Jacobian to compare).</summary>
    public static TheoryData<string> LeastSquaresNames() => new(TestProblems.Names.Where(n => TestProblems.Get(n) is LeastSquaresTestProblem));

    /// <summary>The problems small enough for autodiff's n(n+1)/2 nested Hessian evaluations in the suite.</summary>
    public static TheoryData<string> SmallProblemNames() => new(TestProblems.Names.Where(n => TestProblems.Get(n).Dimension <= 40));

    [Theory]
    [MemberData(nameof(ProblemNames))]
    public void Autodiff_gradient_agrees_with_the_analytic_gradient_to_1e_12(string name)
    {
        var p = TestProblems.Get(name);
        var (lo, hi) = p.SamplingBox();
        Prop.ForAll(TestSupport.PointIn(lo, hi).ToArbitrary(), x =>
        {
            var analytic = new double[p.Dimension];
            var exact = new double[p.Dimension];
            double fa = p.ValueAndGradient(x, analytic);
            double fe = AutoDiff.Gradient(p, x, exact);
            return (Close([fa], [fe], 1e-12) && Close(analytic, exact, 1e-12))
                .Label($"{name} at [{string.Join(", ", x)}]: f {fa} vs {fe}, ∇f [{string.Join(", ", analytic)}] vs [{string.Join(", ", exact)}]");
        }).Check(TestSupport.Quick(30));
    }

    [Theory]
    [MemberData(nameof(LeastSquaresNames))]
    public void Autodiff_Jacobian_agrees_with_the_analytic_Jacobian_to_1e_12(string name)
    {
        var p = (LeastSquaresTestProblem)TestProblems.Get(name);
        var (lo, hi) = p.SamplingBox();
        Prop.ForAll(TestSupport.PointIn(lo, hi).ToArbitrary(), x =>
        {
            var ja = new DenseMatrix(p.Residuals, p.Dimension);
            var je = new DenseMatrix(p.Residuals, p.Dimension);
            var ra = new double[p.Residuals];
            var re = new double[p.Residuals];
            p.Evaluate(x, ra, ja);
            AutoDiff.Jacobian(p, x, re, je);
            return Close(ra, re, 1e-14) && Close(ja.Data, je.Data, 1e-12);
        }).Check(TestSupport.Quick(20));
    }

    [Theory]
    [MemberData(nameof(SmallProblemNames))]
    public void Hessians_agree_analytic_autodiff_and_Hessian_vector_products(string name)
    {
        var p = TestProblems.Get(name);
        var (lo, hi) = p.SamplingBox();
        var gen = from x in TestSupport.PointIn(lo, hi) from v in Gen.ArrayOf(TestSupport.Uniform(-1, 1), p.Dimension) select (x, v);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            int n = p.Dimension;
            var h = new DenseMatrix(n, n);
            var exact = new DenseMatrix(n, n);
            p.Hessian(t.x, h);
            AutoDiff.Hessian(p, t.x, exact);
            var hv = new double[n];
            var hvExact = new double[n];
            p.HessianVector(t.x, t.v, hv);
            exact.Multiply(t.v, hvExact);
            // Hessian entries can be large sums of cancelling terms: compare relative to the largest entry.
            double scale = Math.Max(1, exact.MaxAbs());
            bool hessianOk = h.Data.Zip(exact.Data).All(e => Math.Abs(e.First - e.Second) <= 1e-11 * scale);
            bool productOk = hv.Zip(hvExact).All(e => Math.Abs(e.First - e.Second) <= 1e-11 * scale * n);
            // Independent check: central differences of the analytic gradient.
            // A sanity net only: wrong formulas are off by O(1), while differencing steep exponentials (Jennrich–Sampson's
            // e^{10x}) at random points leaves errors near 1e-3.
            bool finiteDifferenceOk = HessianCheck.Run(p, t.x, 1e-2).Passed;
            return (hessianOk && productOk && finiteDifferenceOk)
                .Label($"{name}: hessian {hessianOk}, product {productOk}, vs differences {HessianCheck.Run(p, t.x, 1e-2)}");
        }).Check(TestSupport.Quick(10));
    }

    private readonly struct Mixed : IScalarFunction
    {
        public int Dimension => 3;
        public T Evaluate<T>(ReadOnlySpan<T> x) where T : IFloatingPointIeee754<T> =>
            T.Sin(x[0] * x[1]) + T.Exp(x[2] / T.CreateChecked(3)) * T.Atan(x[0]) + T.Sqrt(x[1] * x[1] + T.One) * T.Log(x[2] * x[2] + T.CreateChecked(2));
    }

    [Fact]
    public void AutoDiffObjective_derivatives_pass_the_finite_difference_checks()
    {
        var f = AutoDiffObjective.Create(new Mixed());
        Prop.ForAll(Gen.ArrayOf(TestSupport.Uniform(-2, 2), 3).ToArbitrary(), x =>
            GradientCheck.Run(f, x, 1e-8).Passed && HessianCheck.Run(f, x, 1e-6).Passed
            && HessianCheck.RunProduct(f, x, [0.3, -1, 2], 1e-6).Passed).Check(TestSupport.Quick());
    }

    private readonly struct Exponential : IVectorFunction
    {
        public int Inputs => 2;
        public int Outputs => 4;
        public void Evaluate<T>(ReadOnlySpan<T> p, Span<T> r) where T : IFloatingPointIeee754<T>
        {
            for (int i = 0; i < 4; i++)
            {
                T t = T.CreateChecked(i);
                r[i] = p[0] * T.Exp(-p[1] * t) - T.CreateChecked(3 * Math.Exp(-0.5 * i));
            }
        }
    }

    [Fact]
    public void AutoDiffLeastSquares_Jacobian_is_exact()
    {
        var problem = AutoDiffLeastSquares.Create(new Exponential());
        double[] p = [2.0, 0.3];
        var j = new DenseMatrix(4, 2);
        var r = new double[4];
        problem.Evaluate(p, r, j);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(Math.Exp(-0.3 * i), j[i, 0], 1e-15);
            Assert.Equal(-2.0 * i * Math.Exp(-0.3 * i), j[i, 1], 1e-14);
            Assert.Equal(2 * Math.Exp(-0.3 * i) - 3 * Math.Exp(-0.5 * i), r[i], 1e-15);
        }
        Assert.True(JacobianCheck.Run(problem, p).Passed);
    }

    private readonly struct Norm : IScalarFunction
    {
        public int Dimension => 2;
        public T Evaluate<T>(ReadOnlySpan<T> x) where T : IFloatingPointIeee754<T> =>
            T.Sqrt(x[0] * x[0] + T.Zero * x[1]) + T.Sqrt(T.Zero) + T.Hypot(T.Zero, T.Zero) + T.Cbrt(T.Zero) + x[1];
    }

    [Fact]
    public void Zero_tangents_through_singular_derivatives_stay_zero_not_NaN()
    {
        var g = new double[2];
        double f = AutoDiff.Gradient(new Norm(), [3.0, 1.0], g);
        Assert.Equal(4.0, f);
        Assert.Equal([1.0, 1.0], g);
        var h = new DenseMatrix(2, 2);
        AutoDiff.Hessian(new Norm(), [3.0, 1.0], h);
        Assert.True(h.IsFinite());
    }

    [Fact]
    public void Size_mismatches_name_the_argument()
    {
        var e = Assert.Throws<ArgumentException>(() => AutoDiff.Gradient(new Mixed(), [1.0, 2.0], new double[3]));
        Assert.Equal("x", e.ParamName);
        Assert.Throws<ArgumentException>(() => AutoDiff.Hessian(new Mixed(), [1.0, 2.0, 3.0], new DenseMatrix(2, 3)));
        Assert.Throws<ArgumentException>(() => AutoDiff.Jacobian(new Exponential(), [1.0, 2.0], new double[4], new DenseMatrix(4, 3)));
    }
}
