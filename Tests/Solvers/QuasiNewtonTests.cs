using FsCheck;
using FsCheck.Fluent;
using Optima.Problems;
using Optima.Problems.Library;
using Optima.Solvers;
using Optima.Solvers.FirstOrder;
using Optima.Solvers.LineSearches;
using Optima.Solvers.QuasiNewton;
using Xunit;

namespace Optima.Tests.Solvers;

/// <summary>Line-search methods: gradient descent, nonlinear CG, BFGS and L-BFGS.</summary>
public class QuasiNewtonTests
{
    /// <summary>Random SPD quadratics ½xᵀAx − bᵀx from the library (n, condition number, seed) and a random start.</summary>
    internal static Gen<(Quadratic Problem, double[] Start)> RandomQuadratics(int maxN = 8, double maxCondition = 1e3) =>
        from n in Gen.Choose(2, maxN)
        from logK in TestSupport.Uniform(0, Math.Log10(maxCondition))
        from seed in Gen.Choose(0, 1_000_000)
        from x0 in Gen.ArrayOf(TestSupport.Uniform(-10, 10), n)
        select (new Quadratic(n, Math.Pow(10, logK), seed), x0);

    private static bool AtMinimiser(OptimizationResult r, Quadratic q, double tol)
    {
        var xs = q.KnownMinimizers()[0];
        double scale = Math.Max(1, xs.Max(Math.Abs));
        return r.Solution.Select((v, i) => Math.Abs(v - xs[i])).Max() <= tol * scale;
    }

    [Fact]
    public void BFGS_with_exact_line_search_solves_a_random_SPD_quadratic_in_at_most_n_iterations()
    {
        // κ ≤ 100: finite-precision conjugacy is lost on n ≤ 8 only beyond that (Greenbaum), and the claim is the
        // exact-arithmetic one.
        Prop.ForAll(RandomQuadratics(8, 100).ToArbitrary(), t =>
        {
            var (q, x0) = t;
            // H₀ = I throughout: the textbook quadratic-termination setting (Dixon's theorem).
            var r = new Bfgs(new ExactQuadraticLineSearch(), InitialScaling: false).Minimize(q, x0,
                new SolverOptions { RelativeGradientTolerance = 1e-7, GradientTolerance = 1e-12, MaxIterations = q.Dimension });
            // H₀ rescaled by sᵀy/yᵀy after the first step: the same iterates in exact arithmetic.
            var scaled = new Bfgs(new ExactQuadraticLineSearch()).Minimize(q, x0,
                new SolverOptions { RelativeGradientTolerance = 1e-7, GradientTolerance = 1e-12, MaxIterations = q.Dimension });
            // The relative stop (1e-7·‖g₀‖∞, up to ~1e-4 here) may end the run an iteration early with ‖g‖ well above
            // 1e-6: x is then within ‖A⁻¹g‖₂ ≤ √n·‖g‖∞/λmin (λmin = 1 for these quadratics) of x*, and no closer.
            double Tol(OptimizationResult o) => Math.Max(1e-6, 1.01 * Math.Sqrt(q.Dimension) * o.GradientNorm / q.Eigenvalues().Min());
            return (r.Reason == TerminationReason.GradientTolerance && AtMinimiser(r, q, Tol(r))
                    && scaled.Reason == TerminationReason.GradientTolerance && AtMinimiser(scaled, q, Tol(scaled)))
                .Label($"n={q.Dimension} κ={q.ConditionNumber:G3}: {r.Brief()} / {scaled.Brief()}");
        }).Check(TestSupport.Quick(100));
    }

    [Fact]
    public void Linear_CG_with_exact_line_search_solves_a_random_SPD_quadratic_in_at_most_n_iterations()
    {
        foreach (var update in new[] { ConjugateGradientUpdate.FletcherReeves, ConjugateGradientUpdate.PolakRibierePlus })
            Prop.ForAll(RandomQuadratics(8, 100).ToArbitrary(), t =>
            {
                var (q, x0) = t;
                var r = new NonlinearConjugateGradient(update, new ExactQuadraticLineSearch()).Minimize(q, x0,
                    new SolverOptions { RelativeGradientTolerance = 1e-7, GradientTolerance = 1e-12, MaxIterations = q.Dimension });
                return (r.Reason == TerminationReason.GradientTolerance && AtMinimiser(r, q, 1e-6))
                    .Label($"{update} n={q.Dimension} κ={q.ConditionNumber:G3}: {r.Brief()}");
            }).Check(TestSupport.Quick(100));
    }

    private static Gen<(TestProblem Problem, double[] Start)> RandomStarts() =>
        from name in Gen.Elements("rosenbrock", "beale", "mgh-helical-valley", "mgh-wood", "mgh-extended-rosenbrock", "mgh-box3d")
        let p = TestProblems.Get(name)
        let box = p.SamplingBox()
        from x0 in TestSupport.PointIn(box.Lower, box.Upper)
        select (p, x0);

    [Fact]
    public void BFGS_and_LBFGS_decrease_f_monotonically()
    {
        foreach (IMinimizer<IGradientObjective> method in new IMinimizer<IGradientObjective>[] { new Bfgs(), new Lbfgs(), new Lbfgs(3) })
            Prop.ForAll(RandomStarts().ToArbitrary(), t =>
            {
                var r = method.Minimize(t.Problem, t.Start, new SolverOptions { RecordHistory = true, MaxIterations = 300 });
                var h = r.History!;
                bool monotone = h.Zip(h.Skip(1)).All(p => p.Second.Value <= p.First.Value);
                return (monotone && r.Value <= r.InitialValue).Label($"{method.Name} on {t.Problem.Name}: {r.Brief()}");
            }).Check(TestSupport.Quick(40));
    }

    [Theory]
    [InlineData("gd")]
    [InlineData("cg-pr")]
    [InlineData("cg-fr")]
    [InlineData("bfgs")]
    [InlineData("lbfgs")]
    public void Line_search_methods_minimise_Rosenbrock(string name)
    {
        IMinimizer<IGradientObjective> m = name switch
        {
            "gd" => new GradientDescent(),
            "cg-pr" => new NonlinearConjugateGradient(),
            "cg-fr" => new NonlinearConjugateGradient(ConjugateGradientUpdate.FletcherReeves),
            "bfgs" => new Bfgs(),
            _ => new Lbfgs(),
        };
        Assert.Equal(name, m.Name);
        var tol = name == "gd" ? 1e-4 : 1e-6;
        var r = m.Minimize(new Rosenbrock(), [-1.2, 1], new SolverOptions { GradientTolerance = 1e-8, MaxIterations = name == "gd" ? 20_000 : 2000 });
        Assert.True(Math.Abs(r.Solution[0] - 1) < tol && Math.Abs(r.Solution[1] - 1) < 2 * tol, r.Brief() + " " + r.Message);
    }

    [Fact]
    public void LBFGS_on_extended_Rosenbrock_converges_with_few_evaluations()
    {
        var p = TestProblems.Get("rosenbrock-ext", 1000);
        var r = new Lbfgs().Minimize(p, p.StandardStart(), new SolverOptions { GradientTolerance = 1e-6 });
        Assert.Equal(TerminationReason.GradientTolerance, r.Reason);
        Assert.True(r.Value < 1e-10, r.Brief());
        Assert.True(r.Evaluations.Objective < 2 * r.Iterations + 10, r.Brief());
    }

    [Fact]
    public void LBFGS_and_BFGS_iterations_do_not_allocate()
    {
        // Buffers are sized once per run, so a longer run allocates no more than a short one. Minimum over a few
        // trials: the runtime occasionally allocates on the calling thread for its own reasons (tiering, type loads).
        foreach (var (method, n) in new (IMinimizer<IGradientObjective>, int)[] { (new Lbfgs(), 2000), (new Bfgs(), 40) })
        {
            var p = new ExtendedRosenbrock(n);
            var x0 = p.StandardStart();
            var shortRun = new SolverOptions { GradientTolerance = 0, MaxIterations = 3 };
            var longRun = shortRun with { MaxIterations = 30 };
            method.Minimize(p, x0, longRun);
            long best = long.MaxValue;
            for (int trial = 0; trial < 3; trial++)
            {
                long a0 = GC.GetAllocatedBytesForCurrentThread();
                var r3 = method.Minimize(p, x0, shortRun);
                long a1 = GC.GetAllocatedBytesForCurrentThread();
                var r30 = method.Minimize(p, x0, longRun);
                long a2 = GC.GetAllocatedBytesForCurrentThread();
                Assert.True(r30.Iterations > r3.Iterations + 20, r30.Brief());
                best = Math.Min(best, (a2 - a1) - (a1 - a0));
            }
            Assert.True(best <= 64, $"{method.Name}: {best} more bytes for 27 more iterations");
        }
    }

    [Fact]
    public void A_gradient_that_turns_NaN_mid_run_ends_with_NonFiniteValue_and_the_last_finite_iterate()
    {
        foreach (IMinimizer<IGradientObjective> method in new IMinimizer<IGradientObjective>[]
                     { new GradientDescent(), new NonlinearConjugateGradient(), new Bfgs(), new Lbfgs() })
        {
            int calls = 0;
            var rosen = new Rosenbrock();
            var f = Objective.FromValueAndGradient(2, (x, g) => ++calls > 6 ? double.NaN : rosen.ValueAndGradient(x, g));
            var r = method.Minimize(f, [-1.2, 1]);
            Assert.Equal(TerminationReason.NonFiniteValue, r.Reason);
            Assert.True(double.IsFinite(r.Value) && r.Solution.All(double.IsFinite));
            Assert.Equal(rosen.Value(r.Solution), r.Value, 12);
            Assert.Contains("finite", r.Message);
        }
    }

    [Fact]
    public void A_line_search_that_cannot_succeed_ends_with_LineSearchFailed_and_the_iterate_so_far()
    {
        // The gradient has the wrong sign: every "descent" direction goes uphill.
        var f = Objective.FromValueAndGradient(2, (x, g) =>
        {
            g[0] = -2 * x[0]; g[1] = -2 * x[1];
            return x[0] * x[0] + x[1] * x[1];
        });
        foreach (IMinimizer<IGradientObjective> method in new IMinimizer<IGradientObjective>[]
                     { new GradientDescent(new BacktrackingArmijo()), new GradientDescent(), new Bfgs(), new Lbfgs(), new NonlinearConjugateGradient() })
        {
            var r = method.Minimize(f, [1.0, 2.0]);
            Assert.True(TerminationReason.LineSearchFailed == r.Reason, method.Name + ": " + r.Brief());
            Assert.Equal([1.0, 2.0], r.Solution);
            Assert.Equal(5.0, r.Value);
            Assert.Contains("Line search", r.Message);
            Assert.False(r.IsUsable);
        }
    }

    [Fact]
    public void Bad_arguments_throw()
    {
        Assert.Throws<ArgumentException>(() => new Bfgs().Minimize(new Rosenbrock(), [1.0]));
        Assert.Throws<ArgumentException>(() => new Lbfgs().Minimize(new Rosenbrock(), [double.NaN, 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Lbfgs(0).Minimize(new Rosenbrock(), [1.0, 1]));
        Assert.Throws<ArgumentNullException>(() => new Bfgs().Minimize(null!, [1.0]));
    }
}
