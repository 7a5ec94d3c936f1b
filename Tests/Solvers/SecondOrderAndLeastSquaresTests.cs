using FsCheck;
using FsCheck.Fluent;
using Optima.LinearAlgebra;
using Optima.Problems;
using Optima.Problems.Derivatives;
using Optima.Problems.Library;
using Optima.Solvers;
using Optima.Solvers.LeastSquares;
using Optima.Solvers.SecondOrder;
using Optima.Solvers.TrustRegions;
using Xunit;

namespace Optima.Tests.Solvers;

/// <summary>Newton-type methods, trust regions, least-squares methods and the registry.</summary>
public class SecondOrderAndLeastSquaresTests
{
    [Fact]
    public void Newton_solves_a_random_SPD_quadratic_in_one_iteration()
    {
        foreach (IMinimizer<IHessianObjective> m in new IMinimizer<IHessianObjective>[] { new Newton(), new NewtonTrustRegion("dogleg", 1e6) })
            Prop.ForAll(QuasiNewtonTests.RandomQuadratics(10, 1e4).ToArbitrary(), t =>
            {
                var (q, x0) = t;
                var r = m.Minimize(q, x0, new SolverOptions { GradientTolerance = 1e-7, MaxIterations = 1 });
                var xs = q.KnownMinimizers()[0];
                return (r.Iterations == 1 && r.Reason == TerminationReason.GradientTolerance
                        && r.Solution.Select((v, i) => Math.Abs(v - xs[i])).Max() <= 1e-8 * Math.Max(1, xs.Max(Math.Abs)))
                    .Label($"{m.Name}: {r.Brief()}");
            }).Check(TestSupport.Quick(100));
    }

    /// <summary>f(S·z) for a fixed positive diagonal S: the same problem in rescaled variables.</summary>
    private sealed class DiagonallyScaled(TestProblem inner, double[] s) : IHessianObjective
    {
        private readonly double[] _x = new double[s.Length], _v = new double[s.Length];
        private readonly DenseMatrix _h = new(s.Length, s.Length);
        public int Dimension => s.Length;
        private void ToX(ReadOnlySpan<double> z) { for (int i = 0; i < s.Length; i++) _x[i] = s[i] * z[i]; }
        public double Value(ReadOnlySpan<double> z) { ToX(z); return inner.Value(_x); }
        public double ValueAndGradient(ReadOnlySpan<double> z, Span<double> g)
        {
            ToX(z);
            double f = inner.ValueAndGradient(_x, g);
            for (int i = 0; i < s.Length; i++) g[i] *= s[i];
            return f;
        }
        public void Hessian(ReadOnlySpan<double> z, DenseMatrix h)
        {
            ToX(z);
            inner.Hessian(_x, _h);
            for (int j = 0; j < s.Length; j++)
                for (int i = 0; i < s.Length; i++) h[i, j] = s[i] * _h[i, j] * s[j];
        }
        public void HessianVector(ReadOnlySpan<double> z, ReadOnlySpan<double> v, Span<double> hv)
        {
            ToX(z);
            for (int i = 0; i < s.Length; i++) _v[i] = s[i] * v[i];
            inner.HessianVector(_x, _v, hv);
            for (int i = 0; i < s.Length; i++) hv[i] *= s[i];
        }
    }

    [Fact]
    public void Scaled_Newton_trust_region_is_invariant_under_a_diagonal_rescaling_of_the_variables()
    {
        // With D from the Hessian diagonal the scaled model D⁻¹g, D⁻¹HD⁻¹ is the same for f(x) and f(S·z), so the
        // iterates satisfy x_k = S·z_k. Powers of two keep the rescaling exact in floating point. (Random starts: where
        // a diagonal entry of H is exactly 0 at the start — Beale at its standard start — dᵢ = 1 breaks the invariance.)
        var gen = from name in Gen.Elements("rosenbrock", "beale", "mgh-box3d", "mgh-helical-valley", "mgh-wood", "mgh-bard")
                  let p = TestProblems.Get(name)
                  let box = p.SamplingBox()
                  from x0 in TestSupport.PointIn(box.Lower, box.Upper)
                  from exponents in Gen.ArrayOf(Gen.Choose(-12, 12), p.Dimension)
                  from strategy in Gen.Elements("steihaug-cg", "dogleg")
                  select (name, x0, exponents, strategy);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var p = TestProblems.Get(t.name);
            var s = t.exponents.Select(e => Math.ScaleB(1.0, e)).ToArray();
            var x0 = t.x0;
            var options = new SolverOptions { MaxIterations = 8, GradientTolerance = 0 };
            var method = new NewtonTrustRegion(t.strategy);
            var rx = method.Minimize(p, x0, options);
            var rz = method.Minimize(new DiagonallyScaled(TestProblems.Get(t.name), s), x0.Select((v, i) => v / s[i]).ToArray(), options);
            double err = rx.Solution.Select((v, i) => Math.Abs(v - s[i] * rz.Solution[i]) / Math.Max(1, Math.Abs(v))).Max();
            return (err <= 1e-9 && rx.Iterations == rz.Iterations)
                .Label($"{t.name} {t.strategy} S = 2^[{string.Join(",", t.exponents)}]: {rx.Brief()} / {rz.Brief()}, err {err:G3}");
        }).Check(TestSupport.Quick(60));
    }

    [Fact]
    public void Newton_trust_region_scaling_is_what_solves_Meyer()
    {
        // Meyer's variables differ by six orders of magnitude (x ≈ (0.0056, 6181, 345)): the ball region crawls and
        // collapses; the ellipsoid ‖D·p‖ ≤ Δ reaches f*.
        var p = TestProblems.Get("mgh-meyer");
        var options = new SolverOptions { GradientTolerance = 1e-10, MaxIterations = 5000 };
        var scaled = new NewtonTrustRegion().Minimize(p, p.StandardStart(), options);
        Assert.True(Math.Abs(scaled.Value - p.KnownMinimum!.Value) <= 1e-8 * p.KnownMinimum.Value, scaled.Brief());
        var ball = new NewtonTrustRegion(ScaleVariables: false).Minimize(p, p.StandardStart(), options);
        Assert.True(ball.Value > 88, ball.Brief());
    }

    /// <summary>A random linear least-squares problem r(x) = A·x − b, m ≥ n, full column rank with probability 1.</summary>
    private static Gen<(ILeastSquaresProblem Problem, double[] Start, DenseMatrix A, double[] B)> LinearLeastSquares() =>
        from n in Gen.Choose(1, 6)
        from extra in Gen.Choose(0, 8)
        let m = n + extra
        from a in Gen.ArrayOf(TestSupport.Uniform(-3, 3), m * n)
        from b in Gen.ArrayOf(TestSupport.Uniform(-5, 5), m)
        from x0 in Gen.ArrayOf(TestSupport.Uniform(-10, 10), n)
        let mat = new DenseMatrix(m, n, a)
        select (Objective.LeastSquares(n, m, (p, r) =>
        {
            mat.Multiply(p, r);
            for (int i = 0; i < m; i++) r[i] -= b[i];
        }, (p, j) => mat.CopyTo(j)), x0, mat, b);

    [Fact]
    public void Gauss_Newton_solves_a_random_linear_least_squares_problem_in_one_iteration()
    {
        Prop.ForAll(LinearLeastSquares().ToArbitrary(), t =>
        {
            var r = new GaussNewton().Minimize(t.Problem, t.Start, new SolverOptions { GradientTolerance = 1e-7, MaxIterations = 1 });
            var expected = Optima.LinearAlgebra.Factorizations.PivotedQrFactorization.Factorize(t.A).Solve(t.B);
            double err = r.Solution.Select((v, i) => Math.Abs(v - expected[i])).Max();
            return (r.Iterations == 1 && err <= 1e-7 * Math.Max(1, expected.Max(Math.Abs))).Label(r.Brief());
        }).Check(TestSupport.Quick(100));
    }

    [Fact]
    public void Least_squares_methods_never_accept_a_step_that_increases_the_cost()
    {
        var gen = from name in Gen.Elements("mgh-helical-valley", "mgh-bard", "mgh-box3d", "mgh-meyer", "mgh-osborne1", "mgh-brown-dennis", "mgh-jennrich-sampson")
                  let p = (LeastSquaresTestProblem)TestProblems.Get(name)
                  let box = p.SamplingBox()
                  from x0 in TestSupport.PointIn(box.Lower, box.Upper)
                  from method in Gen.Elements("lm", "levenberg", "dogleg-ls")
                  select (p, x0, method);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var r = Methods.Minimize(t.method, t.p, t.x0, new SolverOptions { RecordHistory = true, MaxIterations = 200 });
            var h = r.History!;
            bool monotone = h.Zip(h.Skip(1)).All(s => s.Second.Value <= s.First.Value);
            return (monotone && r.Value <= r.InitialValue && double.IsFinite(r.Value)).Label($"{t.method} on {t.p.Name}: {r.Brief()}");
        }).Check(TestSupport.Quick(60));
    }

    [Theory]
    [InlineData("gauss-newton")]
    [InlineData("levenberg")]
    [InlineData("lm")]
    [InlineData("dogleg-ls")]
    public void Least_squares_methods_solve_Rosenbrock_in_residual_form_and_report_the_sum_of_squares(string name)
    {
        var p = (LeastSquaresTestProblem)TestProblems.Get("mgh-extended-rosenbrock", 4);
        var r = Methods.Minimize(name, p, p.StandardStart());
        Assert.True(r.IsConverged, r.Brief() + " " + r.Message);
        Assert.True(r.Value < 1e-16, r.Brief());
        var res = new double[p.Residuals];
        p.Evaluate(r.Solution, res, null);
        Assert.True(Math.Abs(res.Sum(v => v * v) - r.Value) <= 1e-30, r.Brief());
        Assert.Equal(name, r.Method);
    }

    [Fact]
    public void LM_matches_MINPACK_on_the_MGH_reference_values()
    {
        // Moré, Garbow and Hillstrom (1981) / MINPACK lmder test results for the standard starts.
        var p = (LeastSquaresTestProblem)TestProblems.Get("mgh-kowalik-osborne");
        var r = new LevenbergMarquardt().Minimize(p, p.StandardStart(), new SolverOptions { GradientTolerance = 1e-12 });
        Assert.True(Math.Abs(r.Value - 3.0750560385e-4) < 1e-13, r.Brief());
        var box = (LeastSquaresTestProblem)TestProblems.Get("mgh-box3d");
        var rb = new LevenbergMarquardt().Minimize(box, box.StandardStart());
        Assert.Equal(1.0, rb.Solution[0], 6);
        Assert.Equal(10.0, rb.Solution[1], 5);
        Assert.Equal(1.0, rb.Solution[2], 6);
    }

    [Fact]
    public void LM_stops_by_MINPACKs_no_further_reduction_test_on_a_rank_deficient_linear_problem()
    {
        // MGH 33 (rank-1 linear, m = 20): the first step lands on the minimising hyperplane, where rounding floors
        // ‖∇f‖∞ near 2e-8. Rejected steps whose actual and predicted relative reductions are both below ε end the run
        // (MINPACK info = 6) instead of halving the radius down to ε·‖x‖ (55 iterations before); the scale-invariant
        // gradient test then calls it converged.
        foreach (var name in new[] { "mgh-linear-rank1", "mgh-linear-rank1-zero" })
        {
            var p = TestProblems.Get(name);
            var r = Methods.Minimize("lm", p, p.StandardStart(), new SolverOptions { GradientTolerance = 1e-10 });
            Assert.Equal(TerminationReason.PrecisionLimit, r.Reason);
            Assert.Contains("No step can reduce S", r.Message);
            Assert.True(Math.Abs(r.Value - p.KnownMinimum!.Value) <= 1e-12 * p.KnownMinimum.Value, r.Brief());
            Assert.True(r.Iterations <= 25, $"{name}: {r.Brief()}");
        }
    }

    [Fact]
    public void Indefinite_and_singular_Hessians_are_handled_by_the_safeguard_not_by_an_exception()
    {
        // f = x⁴ + y² − 2y... : Hessian singular at x = 0; and the saddle x² − y² + y⁴/4 (indefinite at the start).
        var singular = AutoDiffObjective.Create(new Quartic());
        foreach (var name in new[] { "newton", "newton-tr", "newton-tr-dogleg", "newton-cg" })
        {
            var r = Methods.Minimize(name, singular, [0.0, 3.0], new SolverOptions { GradientTolerance = 1e-9, MaxIterations = 500 });
            Assert.True(r.IsUsable, $"{name}: {r.Brief()} {r.Message}");
            Assert.True(r.Value < 1 + 1e-6, $"{name}: {r.Brief()}");      // minimum −1 + 0 … f(0, 1) = −1
        }
    }

    [Fact]
    public void Newton_methods_leave_a_saddle_point_along_negative_curvature()
    {
        // f = x² − y² + y⁴/4 has a saddle at the origin and minima at (0, ±√2) with f = −1. Start next to the saddle.
        var saddle = AutoDiffObjective.Create(new SaddleQuartic());
        foreach (var name in new[] { "newton", "newton-tr" })
        {
            var r = Methods.Minimize(name, saddle, [1e-3, 1e-9], new SolverOptions { GradientTolerance = 1e-10 });
            Assert.True(r.IsConverged, $"{name}: {r.Brief()} {r.Message}");
            Assert.Equal(-1.0, r.Value, 8);
            Assert.Equal(Math.Sqrt(2), Math.Abs(r.Solution[1]), 6);
        }
    }

    [Fact]
    public void A_NaN_mid_run_ends_with_NonFiniteValue_for_second_order_and_least_squares_methods()
    {
        int calls = 0;
        var rosen = new Rosenbrock();
        var lsq = Objective.LeastSquares(2, 2, (p, r) =>
        {
            bool bad = ++calls > 5;
            r[0] = bad ? double.NaN : 10 * (p[1] - p[0] * p[0]);
            r[1] = 1 - p[0];
        }, (p, j) => { j[0, 0] = -20 * p[0]; j[0, 1] = 10; j[1, 0] = -1; j[1, 1] = 0; });
        foreach (var name in new[] { "gauss-newton", "levenberg", "lm", "dogleg-ls" })
        {
            calls = 0;
            var r = Methods.Minimize(name, lsq, [-1.2, 1]);
            Assert.True(r.Reason == TerminationReason.NonFiniteValue, $"{name}: {r.Brief()}");
            Assert.True(double.IsFinite(r.Value) && r.Solution.All(double.IsFinite), name);
        }
        _ = rosen;
    }

    [Fact]
    public void The_registry_creates_methods_by_name_and_lists_the_known_ones_for_an_unknown_name()
    {
        foreach (var name in new[] { "gd", "gd-fixed", "cg-pr", "cg-fr", "bfgs", "lbfgs", "newton", "newton-tr", "newton-cg", "gauss-newton", "levenberg", "lm", "dogleg-ls" })
        {
            var d = Methods.Get(name.ToUpperInvariant());
            Assert.Equal(name, d.Name);
            var m = d.Create();
            Assert.Equal(name, (string)m.GetType().GetProperty("Name")!.GetValue(m)!);
        }
        Assert.Equal(MethodFamily.LeastSquares, Methods.Get("lm").Family);
        Assert.Equal(MethodFamily.QuasiNewton, Methods.Get("lbfgs").Family);
        Assert.Equal(MethodFamily.SecondOrder, Methods.Get("newton-cg").Family);
        Assert.Equal(MethodFamily.FirstOrder, Methods.Get("cg-fr").Family);
        var e = Assert.Throws<ArgumentException>(() => Methods.Get("nelder-mead-3000"));
        Assert.Contains("nelder-mead-3000", e.Message);
        Assert.Contains("lbfgs", e.Message);
        Assert.Contains("dogleg-ls", e.Message);
        // A capability mismatch names what is missing.
        var gradientOnly = Objective.FromValueAndGradient(1, (x, g) => { g[0] = 2 * x[0]; return x[0] * x[0]; });
        Assert.Contains("second derivatives", Assert.Throws<ArgumentException>(() => Methods.Minimize("newton", gradientOnly, [1.0])).Message);
        Assert.Contains("least-squares", Assert.Throws<ArgumentException>(() => Methods.Minimize("lm", gradientOnly, [1.0])).Message);
        // Least-squares problems also serve gradient methods.
        var p = TestProblems.Get("mgh-helical-valley");
        Assert.True(Methods.Minimize("lbfgs", (ILeastSquaresProblem)p, p.StandardStart()).IsConverged);
    }

    private sealed class Quartic : IScalarFunction
    {
        public int Dimension => 2;
        public T Evaluate<T>(ReadOnlySpan<T> x) where T : System.Numerics.IFloatingPointIeee754<T>
        {
            T two = T.CreateChecked(2);
            return x[0] * x[0] * x[0] * x[0] + x[1] * x[1] - two * x[1];
        }
    }

    private sealed class SaddleQuartic : IScalarFunction
    {
        public int Dimension => 2;
        public T Evaluate<T>(ReadOnlySpan<T> x) where T : System.Numerics.IFloatingPointIeee754<T>
        {
            T quarter = T.CreateChecked(0.25);
            return x[0] * x[0] - x[1] * x[1] + quarter * x[1] * x[1] * x[1] * x[1];
        }
    }
}
