using FsCheck;
using FsCheck.Fluent;
using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Iterative;
using Optima.Problems;
using Optima.Problems.Library;
using Optima.Solvers;
using Optima.Solvers.LineSearches;
using Optima.Solvers.SecondOrder;
using Optima.Solvers.TrustRegions;
using Xunit;

namespace Optima.Tests.Solvers;

/// <summary>A collection that runs alone: its tests add entries to the process-wide registries for a while.</summary>
[CollectionDefinition(nameof(GlobalRegistries), DisableParallelization = true)]
public sealed class GlobalRegistries;

/// <summary>
/// A method written outside the library: gradient descent with the Barzilai–Borwein first trial step sᵀs/sᵀy and an
/// Armijo search, built on the public <see cref="LineSearchState"/>. It never counts its evaluations.
/// </summary>
public sealed record BarzilaiBorwein : IMinimizer<IGradientObjective>
{
    public string Name => "test-bb";

    public OptimizationResult Minimize(IGradientObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null) =>
        IterativeDriver.Run(Name, problem, start, (p, x) => new State(p, x), options);

    private sealed class State(IGradientObjective problem, ReadOnlySpan<double> start)
        : LineSearchState(problem, start, new BacktrackingArmijo())
    {
        private double _next;

        protected override double ComputeDirection()
        {
            for (int i = 0; i < D.Length; i++) D[i] = -G[i];
            return Accepted == 0 || !(_next > 0) || !double.IsFinite(_next) ? SteepestDescentStep() : _next;
        }

        protected override void AfterStep()
        {
            double ss = 0, sy = 0;
            for (int i = 0; i < S.Length; i++) { ss += S[i] * S[i]; sy += S[i] * Y[i]; }
            _next = ss / sy;
        }
    }
}

/// <summary>A method whose own <see cref="MethodState"/> gives up after a fixed number of steps, with its own reason.</summary>
public sealed record GivesUp(int After) : IMinimizer<IGradientObjective>
{
    public string Name => "test-gives-up";

    public OptimizationResult Minimize(IGradientObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null) =>
        IterativeDriver.Run(Name, problem, start, (p, x) => new State(p, x, After), options);

    private sealed class State(IGradientObjective problem, ReadOnlySpan<double> start, int after) : MethodState(start)
    {
        private readonly double[] _g = new double[start.Length];
        private int _steps;

        public override bool Initialize()
        {
            Value = problem.ValueAndGradient(X, _g);
            GradientNorm = MaxNorm(_g);
            return true;
        }

        public override StepStatus Iterate()
        {
            if (_steps++ == after)
            {
                FailureReason = TerminationReason.NumericalFailure;
                Message = "gave up on purpose";
                return StepStatus.Failed;
            }
            for (int i = 0; i < X.Length; i++) X[i] -= 1e-4 * _g[i];
            Value = problem.ValueAndGradient(X, _g);
            GradientNorm = MaxNorm(_g);
            return StepStatus.Accepted;
        }
    }
}

/// <summary>Counts calls itself, to check the driver's counting decorator against.</summary>
internal sealed class CallCounting(IHessianObjective inner) : IHessianObjective
{
    public int Values, Gradients, Hessians, Products;

    public int Dimension => inner.Dimension;

    public double Value(ReadOnlySpan<double> x) { Values++; return inner.Value(x); }

    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient) { Gradients++; return inner.ValueAndGradient(x, gradient); }

    public void Hessian(ReadOnlySpan<double> x, DenseMatrix hessian) { Hessians++; inner.Hessian(x, hessian); }

    public void HessianVector(ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> result) { Products++; inner.HessianVector(x, v, result); }
}

/// <summary>f(x) = ½xᵀAx − bᵀx with a dense SPD A: a badly scaled convex quadratic for the preconditioned methods.</summary>
internal sealed class DenseQuadratic(DenseMatrix a, double[] b) : IHessianObjective
{
    public int Dimension => b.Length;

    public double Value(ReadOnlySpan<double> x) => ValueAndGradient(x, new double[b.Length]);

    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        a.Multiply(x, gradient);
        double f = 0;
        for (int i = 0; i < b.Length; i++)
        {
            f += x[i] * (0.5 * gradient[i] - b[i]);
            gradient[i] -= b[i];
        }
        return f;
    }

    public void Hessian(ReadOnlySpan<double> x, DenseMatrix hessian) => a.CopyTo(hessian);

    public void HessianVector(ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> result) => a.Multiply(v, result);

    /// <summary>A = S·(I + ¼·tridiag(1, 0, 1))·S with S = diag(10^(4i/(n−1))): condition ~10⁸, Jacobi undoes the scaling.</summary>
    public static DenseQuadratic BadlyScaled(int n)
    {
        var a = new DenseMatrix(n, n);
        var s = Enumerable.Range(0, n).Select(i => Math.Pow(10, 4.0 * i / (n - 1))).ToArray();
        for (int i = 0; i < n; i++)
        {
            a[i, i] = s[i] * s[i];
            if (i > 0) a[i, i - 1] = a[i - 1, i] = 0.25 * s[i] * s[i - 1];
        }
        return new DenseQuadratic(a, Enumerable.Range(0, n).Select(i => 1.0 + i % 3).ToArray());
    }

    public DenseMatrix Matrix => a;
}

[Collection(nameof(GlobalRegistries))]
public class ExtensionPointTests
{
    [Fact]
    public void A_method_written_outside_the_library_is_registered_and_runs_under_the_driver_with_decorator_counts()
    {
        var descriptor = MethodDescriptor.For<IGradientObjective>("test-bb", MethodFamily.FirstOrder, ProblemCapability.Gradient,
            "Barzilai–Borwein steps (a test method)", () => new BarzilaiBorwein());
        using (Methods.Register(descriptor))
        {
            Assert.Contains("test-bb", Methods.Names);
            Assert.Same(descriptor, Methods.Get("TEST-BB"));
            var problem = new CallCounting(new Optima.Problems.Library.Rosenbrock());
            var r = Methods.Minimize("test-bb", problem, [-1.2, 1.0], new SolverOptions { GradientTolerance = 1e-8, MaxIterations = 20_000 });
            Assert.True(r.IsConverged, r.Brief());
            Assert.Equal("test-bb", r.Method);
            Assert.True(Math.Abs(r.Solution[0] - 1) < 1e-6 && Math.Abs(r.Solution[1] - 1) < 1e-6, r.Brief());
            // The method never counts: the driver's decorator saw exactly the calls the problem saw.
            Assert.Equal(problem.Values, r.Evaluations.Values);
            Assert.Equal(problem.Gradients, r.Evaluations.Gradients);
            Assert.True(problem.Values > 0 && problem.Gradients > 0);
            Assert.Throws<ArgumentException>(() => Methods.Register(descriptor));
        }
        Assert.DoesNotContain("test-bb", Methods.Names);
        Assert.Throws<ArgumentException>(() => Methods.Get("test-bb"));
        Assert.Throws<ArgumentException>(() => Methods.Register(
            MethodDescriptor.For<IGradientObjective>("LBFGS", MethodFamily.QuasiNewton, ProblemCapability.Gradient, "a clash", () => new BarzilaiBorwein())));
    }

    [Fact]
    public void An_outside_state_reports_its_own_failure_and_the_driver_keeps_counting_and_limits()
    {
        var r = new GivesUp(3).Minimize(new Optima.Problems.Library.Rosenbrock(), [-1.2, 1.0], new SolverOptions { GradientTolerance = 0 });
        Assert.Equal(TerminationReason.NumericalFailure, r.Reason);
        Assert.Equal("gave up on purpose", r.Message);
        Assert.Equal(4, r.Iterations);
        Assert.Equal(4, r.Evaluations.Gradients); // the start and three steps
        var limited = new GivesUp(100).Minimize(new Optima.Problems.Library.Rosenbrock(), [-1.2, 1.0], new SolverOptions { GradientTolerance = 0, MaxEvaluations = 10 });
        Assert.Equal(TerminationReason.MaxEvaluations, limited.Reason);
        Assert.Equal(10, limited.Evaluations.Objective);
    }

    [Fact]
    public void Every_registered_method_reports_exactly_the_calls_its_problem_saw()
    {
        foreach (var m in Methods.All.Where(m => m.Requires != ProblemCapability.LeastSquares))
        {
            var problem = new CallCounting(new Optima.Problems.Library.Rosenbrock());
            // The global methods that search a box get one around the same counting problem.
            object statement = m.RequiresBounds ? new Optima.Problems.BoundedObjective(problem, Optima.Problems.BoxBounds.Uniform(2, -5, 5))
                : m.Requires == ProblemCapability.Constraints ? new Optima.Problems.ConstrainedProblem(problem, null, Optima.Problems.BoxBounds.Uniform(2, -5, 5))
                : problem;
            var r = m.Minimize(statement, [-1.2, 1.0], new SolverOptions { MaxIterations = 50 });
            var e = r.Evaluations;
            Assert.True((problem.Values, problem.Gradients, problem.Hessians, problem.Products)
                == ((int)e.Values, (int)e.Gradients, (int)e.Hessians, (int)e.HessianVectorProducts), $"{m.Name}: {e}");
        }
    }

    [Fact]
    public void Newton_CG_with_a_Jacobi_preconditioner_needs_fewer_Hessian_products_on_a_badly_scaled_quadratic()
    {
        var q = DenseQuadratic.BadlyScaled(60);
        var options = new SolverOptions { GradientTolerance = 1e-6, MaxIterations = 500 };
        var plain = new NewtonCg().Minimize(q, new double[60], options);
        var jacobi = new NewtonCg(Preconditioner: new JacobiPreconditioner(CsrMatrix.FromDense(q.Matrix))).Minimize(q, new double[60], options);
        Assert.True(jacobi.IsConverged, jacobi.Brief());
        Assert.True(jacobi.Evaluations.HessianVectorProducts * 2 < plain.Evaluations.HessianVectorProducts,
            $"preconditioned {jacobi.Evaluations}, plain {plain.Evaluations} ({plain.Reason})");
        Assert.Throws<ArgumentException>(() => new NewtonCg(Preconditioner: new JacobiPreconditioner(CsrMatrix.Identity(3))).Minimize(q, new double[60]));
    }

    [Fact]
    public void A_registered_preconditioned_Steihaug_strategy_runs_in_Newton_trust_region()
    {
        var q = DenseQuadratic.BadlyScaled(40);
        var m = new CountingPreconditioner(new JacobiPreconditioner(CsrMatrix.FromDense(q.Matrix)));
        using (TrustRegionStrategies.Register(new("test-steihaug-jacobi", "Steihaug–Toint with a fixed Jacobi preconditioner",
            (r, n) => new SteihaugCg(r, n) { Preconditioner = m })))
        {
            var options = new SolverOptions { GradientTolerance = 1e-6, MaxIterations = 2000 };
            var result = new NewtonTrustRegion("test-steihaug-jacobi", InitialRadius: 1e6, ScaleVariables: false).Minimize(q, new double[40], options);
            Assert.True(result.IsConverged, result.Brief());
            Assert.True(m.Applications > 0);
        }
        Assert.Throws<ArgumentException>(() => new NewtonTrustRegion("test-steihaug-jacobi").Minimize(q, new double[40]));
        Assert.Contains("steihaug-cg, dogleg, levenberg", Assert.Throws<ArgumentException>(() => TrustRegionStrategies.Get("nope")).Message);
    }

    private sealed class CountingPreconditioner(IPreconditioner inner) : IPreconditioner
    {
        public int Applications;

        public int Size => inner.Size;

        public string Name => inner.Name;

        public void Apply(ReadOnlySpan<double> r, Span<double> z)
        {
            Applications++;
            inner.Apply(r, z);
        }
    }
}

/// <summary><see cref="ConjugateGradient.SolveTruncated"/>: the hooks Newton-CG and Steihaug–Toint rely on.</summary>
public class TruncatedConjugateGradientTests
{
    private static Gen<(DenseMatrix A, double[] B, double Radius)> Systems(bool definite) =>
        from n in Gen.Choose(2, 12)
        from entries in Gen.ArrayOf(TestSupport.Uniform(-1, 1), n * n)
        from eig in Gen.ArrayOf(TestSupport.Uniform(definite ? 0.1 : -1, 10), n)
        from b in Gen.ArrayOf(TestSupport.Uniform(-1, 1), n)
        from radius in TestSupport.Uniform(0.01, 100)
        select (Build(n, entries, eig), b, radius);

    // Q·diag(eig)·Qᵀ with Q from the QR of a random matrix: symmetric with known eigenvalues.
    private static DenseMatrix Build(int n, double[] entries, double[] eig)
    {
        var m = new DenseMatrix(n, n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) m[i, j] = entries[i * n + j] + (i == j ? 3 : 0);
        var q = Optima.LinearAlgebra.Factorizations.QrFactorization.Factorize(m).ThinQ();
        var a = new DenseMatrix(n, n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += q[i, k] * eig[k] * q[j, k];
                a[i, j] = s;
            }
        return a;
    }

    [Fact]
    public void Without_a_radius_it_solves_an_SPD_system_like_CG()
    {
        Prop.ForAll(Systems(definite: true).ToArbitrary(), t =>
        {
            int n = t.B.Length;
            var x = new double[n];
            var s = new ConjugateGradient(n).SolveTruncated(t.A, t.B, x, 1e-12, 10 * n);
            var reference = new double[n];
            ConjugateGradient.Solve(t.A, t.B, reference, new IterativeOptions { Tolerance = 1e-13, MaxIterations = 10 * n });
            double err = x.Select((v, i) => Math.Abs(v - reference[i])).Max();
            return (s.Converged && !s.NegativeCurvature && !s.OnBoundary && err < 1e-8).Label($"{s}, err {err:G3}");
        }).Check(TestSupport.Quick(60));
    }

    [Fact]
    public void With_a_radius_the_step_stays_in_the_ball_and_reaches_its_boundary_when_it_stops_early()
    {
        Prop.ForAll(Systems(definite: false).ToArbitrary(), t =>
        {
            int n = t.B.Length;
            var x = new double[n];
            var s = new ConjugateGradient(n).SolveTruncated(t.A, t.B, x, 1e-12, 10 * n, t.Radius, fusedUpdates: false);
            double norm = Reproducible.Norm(x);
            bool inside = norm <= t.Radius * (1 + 1e-12);
            bool boundaryWhenStopped = !(s.OnBoundary || s.NegativeCurvature) || Math.Abs(norm - t.Radius) <= 1e-10 * t.Radius;
            // The model value gᵀx + ½xᵀAx (g = −b) never rises above 0, the value at x = 0.
            var ax = new double[n];
            t.A.Multiply(x, ax);
            double model = 0;
            for (int i = 0; i < n; i++) model += -t.B[i] * x[i] + 0.5 * x[i] * ax[i];
            return (inside && boundaryWhenStopped && model <= 1e-12 && (s.Converged || s.OnBoundary || s.NegativeCurvature || s.Iterations == 10 * n))
                .Label($"{s}: ‖x‖ {norm:G6} vs Δ {t.Radius:G6}, model {model:G3}");
        }).Check(TestSupport.Quick(100));
    }

    [Fact]
    public void Negative_curvature_on_the_first_direction_leaves_x_at_zero_without_a_radius()
    {
        var a = DenseMatrix.FromRows(new double[,] { { -1, 0 }, { 0, 2 } });
        var x = new double[] { 5, 5 };
        var s = new ConjugateGradient(2).SolveTruncated(a, [1.0, 0.0], x, 1e-10, 10);
        Assert.True(s.NegativeCurvature && !s.OnBoundary && s.Iterations == 0, s.ToString());
        Assert.Equal([0.0, 0.0], x);
        var onBall = new ConjugateGradient(2).SolveTruncated(a, [1.0, 0.0], x, 1e-10, 10, radius: 3);
        Assert.True(onBall.NegativeCurvature && onBall.OnBoundary, onBall.ToString());
        Assert.Equal(3.0, x[0], 12);
        Assert.Throws<ArgumentException>(() => new ConjugateGradient(3).SolveTruncated(a, [1.0, 0.0], x, 1e-10, 10));
        Assert.Throws<ArgumentException>(() => new ConjugateGradient(2).SolveTruncated(a, [1.0, 0.0], x, 1e-10, 10, radius: 0));
    }
}
