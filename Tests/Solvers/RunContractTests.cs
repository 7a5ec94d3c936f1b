using FsCheck;
using FsCheck.Fluent;
using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Iterative;
using Optima.Problems;
using Optima.Problems.Models;
using Optima.Problems.Nist;
using Optima.Solvers;
using Optima.Solvers.Comparison;
using Optima.Solvers.Fitting;
using Optima.Solvers.Stochastic;
using Optima.Tests.Stochastic;
using Xunit;
using Xunit.Abstractions;

namespace Optima.Tests.Solvers;

/// <summary>The shared run contract (Optima.Core): options, the one termination vocabulary, results, a method's own tests.</summary>
public class RunContractTests(ITestOutputHelper output)
{
    /// <summary>Every layer's options, each a <see cref="RunOptions"/>.</summary>
    private static readonly Func<RunOptions>[] Layers =
    [
        () => new SolverOptions(), () => new FitOptions(), () => new ComparisonOptions(), () => new TrainingOptions(),
        () => new IterativeOptions(), () => new LinearSolveOptions(),
    ];

    [Fact]
    public void Every_layer_validates_the_shared_options_naming_the_bad_one()
    {
        foreach (var make in Layers)
        {
            var o = make();
            o.Validate();
            string name = o.GetType().Name;
            Assert.Equal("MaxIterations", Assert.ThrowsAny<ArgumentException>(() => (o with { MaxIterations = -1 }).Validate()).ParamName);
            Assert.Equal("MaxEvaluations", Assert.ThrowsAny<ArgumentException>(() => (o with { MaxEvaluations = 0 }).Validate()).ParamName);
            Assert.Equal("TimeLimit", Assert.ThrowsAny<ArgumentException>(() => (o with { TimeLimit = TimeSpan.FromSeconds(-1) }).Validate()).ParamName);
            Assert.Equal("Threads", Assert.ThrowsAny<ArgumentException>(() => (o with { Compute = new() { Threads = 0 } }).Validate()).ParamName);
            Assert.Equal("Compute", Assert.ThrowsAny<ArgumentException>(() => (o with { Compute = null! }).Validate()).ParamName);
            output.WriteLine($"{name}: MaxIterations {o.MaxIterations}, RecordHistory {o.RecordHistory}, Seed {o.Seed}");
        }
        // The layers' own defaults where they differ from the core's.
        Assert.Equal(2000, new FitOptions().MaxIterations);
        Assert.Equal(0, new FitOptions().GradientTolerance);
        Assert.Equal(1e-15, new FitOptions().StepTolerance);
        Assert.Equal(0, new IterativeOptions().MaxIterations);
        Assert.Equal(int.MaxValue, new TrainingOptions().MaxIterations);
        Assert.True(new TrainingOptions().RecordHistory);
    }

    [Fact]
    public void Any_positive_thread_limit_or_automatic_is_valid_and_nothing_else()
    {
        Prop.ForAll(Gen.Choose(-1000, 1000).ToArbitrary(), k =>
        {
            var compute = new ComputeOptions { Threads = k };
            bool valid = k >= 1;
            try { compute.Validate(); }
            catch (ArgumentOutOfRangeException e) when (e.ParamName == "Threads") { return !valid; }
            return valid && compute.MaxDegreeOfParallelism == k;
        }).Check(TestSupport.Quick(200));
        Assert.Equal(-1, ComputeOptions.Default.MaxDegreeOfParallelism);
        Assert.Equal(1, ComputeOptions.Sequential.Threads);
    }

    [Fact]
    public void Every_reason_is_classified_and_described_and_converged_implies_usable()
    {
        foreach (var reason in Enum.GetValues<TerminationReason>())
        {
            Assert.False(string.IsNullOrWhiteSpace(reason.Describe()));
            Assert.NotEqual(reason.ToString(), reason.Describe());
            if (reason.IsConverged()) Assert.True(reason.IsUsable(), reason.ToString());
        }
        Assert.True(TerminationReason.ResidualTolerance.IsConverged());
        Assert.True(TerminationReason.Completed.IsConverged());
        Assert.True(TerminationReason.MethodTolerance.IsConverged());
        Assert.False(TerminationReason.Diverged.IsUsable());
        Assert.False(TerminationReason.TrustRegionTooSmall.IsUsable());
    }

    /// <summary>f = x².</summary>
    private static readonly IGradientObjective Square = Objective.FromValueAndGradient(1, (x, g) =>
    {
        g[0] = 2 * x[0];
        return x[0] * x[0];
    });

    /// <summary>x ← x/2 on f = x²: a method (written outside the assembly) whose own test is the size of x.</summary>
    private sealed class Halving(IGradientObjective problem, ReadOnlySpan<double> start, double tolerance, bool stall) : MethodState(start)
    {
        private readonly ConvergenceTest[] _tests = [new("half-width", tolerance, double.NaN, false)];
        private readonly double[] _g = new double[1];

        public override ReadOnlySpan<ConvergenceTest> ConvergenceTests => _tests;

        public override bool Initialize()
        {
            Value = problem.ValueAndGradient(X, _g);
            GradientNorm = Math.Abs(_g[0]);
            return true;
        }

        public override StepStatus Iterate()
        {
            bool met = Math.Abs(X[0]) <= tolerance;
            _tests[0] = new("half-width", tolerance, Math.Abs(X[0]), met);
            if (stall && met)
            {
                FailureReason = TerminationReason.TrustRegionTooSmall;
                return StepStatus.Failed;
            }
            X[0] /= 2;
            Initialize();
            _tests[0] = _tests[0] with { Reached = Math.Abs(X[0]), Met = !stall && Math.Abs(X[0]) <= tolerance };
            return StepStatus.Accepted;
        }
    }

    [Fact]
    public void A_methods_own_test_ends_the_run_and_is_listed_after_the_drivers()
    {
        var options = new SolverOptions { GradientTolerance = 0 };
        var r = IterativeDriver.Run("halving", Square, [1.0], (p, x0) => new Halving(p, x0, 1e-3, stall: false), options);
        Assert.Equal(TerminationReason.MethodTolerance, r.Reason);
        Assert.True(r.IsConverged);
        Assert.Equal(10, r.Iterations); // 2⁻¹⁰ ≤ 1e-3 < 2⁻⁹
        Assert.Equal(["gradient", "function", "step", "half-width"], r.ConvergenceTests.Select(t => t.Name));
        var own = r.ConvergenceTests[3];
        Assert.True(own.Met);
        Assert.Equal(Math.ScaleB(1.0, -10), own.Reached);
        Assert.Contains("half-width", r.Message);
        Assert.Equal(11, r.Evaluations.Gradients); // counted by the driver's decorator: the start and 10 steps

        // At a stall, a met test of the method's own makes it a minimiser to working precision.
        var stalled = IterativeDriver.Run("halving", Square, [1.0], (p, x0) => new Halving(p, x0, 1e-3, stall: true), options);
        Assert.Equal(TerminationReason.PrecisionLimit, stalled.Reason);
        Assert.Contains("half-width", stalled.Message);
    }

    [SkippableFact]
    public void A_fit_that_stalls_at_a_stationary_point_is_PrecisionLimit_by_the_polish_tests_and_holds_its_run()
    {
        string dir = TestSupport.RequireSharedData("nist");
        // MGH10 (Meyer) from start 2: the trust region collapses before the cosine reaches √ε; the polish gets it to ~1e-12.
        var d = NistDataset.LoadAll(dir).Single(p => p.Name == "MGH10");
        var fit = NistRunner.Run(d, 2).Fit;
        output.WriteLine(fit.Optimization.FullReport());
        Assert.Equal(TerminationReason.PrecisionLimit, fit.Reason);
        Assert.Equal(fit.Optimization.Reason, fit.Reason);
        Assert.True(fit.IsConverged);
        Assert.Contains(fit.Optimization.ConvergenceTests, t => t.Name is "gradient cosine" or "gauss-newton step" && t.Met);
        Assert.True(fit.Optimization.Iterations > fit.Iterations, "the polish's steps count in the run");
        Assert.Equal(fit.Evaluations, fit.Optimization.Evaluations);
    }

    [Fact]
    public void A_fits_history_and_progress_cover_the_method_and_the_polish()
    {
        double[] x = [.. Enumerable.Range(0, 40).Select(i => i * 0.25)];
        double[] y = [.. x.Select(t => 3.0 * Math.Exp(-0.7 * t) + 0.5 + 1e-3 * Math.Sin(7 * t))];
        int reports = 0;
        var fit = CurveFit.Fit("a*exp(-b*x) + c", x, y, [1.0, 1.0, 0.0],
            new FitOptions { RecordHistory = true, Progress = new Inline(_ => reports++) });
        var run = fit.Optimization;
        Assert.True(fit.IsConverged, fit.FullReport());
        Assert.NotNull(run.History);
        // Row 0 of each phase: the method's start and the polish's start.
        Assert.Equal(2, run.History!.Count(h => h.Iteration == 0));
        // One row per iteration and one per start, except an iteration that ends its phase by failing (a stall, the
        // polish's last attempt), which has no new iterate.
        Assert.InRange(run.History!.Count, run.Iterations, run.Iterations + 2);
        Assert.Equal(run.History!.Count, reports);
        Assert.InRange(run.History!.TakeWhile((h, i) => i == 0 || h.Iteration != 0).Count(), fit.Iterations, fit.Iterations + 1);
        Assert.True(double.IsFinite(run.GradientNorm));
    }

    private sealed class Inline(Action<IterationRecord> report) : IProgress<IterationRecord>
    {
        public void Report(IterationRecord value) => report(value);
    }

    [Fact]
    public void Linear_solves_honour_cancellation_and_the_time_limit_and_report_the_shared_reasons()
    {
        var a = CsrMatrix.Identity(50);
        for (int i = 0; i < 50; i++) a.Values[i] = 1 + i;
        var b = Enumerable.Repeat(1.0, 50).ToArray();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var c = ConjugateGradient.Solve(a, b, new double[50], new IterativeOptions { CancellationToken = cancelled.Token });
        Assert.Equal(TerminationReason.Cancelled, c.Reason);
        Assert.True(c.IsUsable);
        Assert.Equal(0, c.Iterations);
        var t = StationaryMethods.Jacobi(a, b, new double[50], new IterativeOptions { TimeLimit = TimeSpan.Zero, Tolerance = 0 });
        Assert.Equal(TerminationReason.TimeLimit, t.Reason);
        var e = ConjugateGradient.Solve(a, b, new double[50], new IterativeOptions { MaxEvaluations = 3, Tolerance = 0 });
        Assert.Equal(TerminationReason.MaxIterations, e.Reason);
        Assert.Equal(3, e.Iterations);
        var ok = LinearSolvers.Solve(a, b, new LinearSolveOptions { Method = LinearSolverKind.ConjugateGradient });
        Assert.Equal(TerminationReason.ResidualTolerance, ok.Reason);
        IRunResult direct = LinearSolvers.Solve(a, b, new LinearSolveOptions { Method = LinearSolverKind.Cholesky });
        Assert.Equal(TerminationReason.Completed, direct.Reason);
        Assert.True(direct.IsConverged);
    }

    [Fact]
    public void Training_takes_its_seed_and_limits_from_the_shared_options()
    {
        var data = TrainingTests.Clusters(120, 4, 3, 3);
        var model = new Mlp(data, [5], maxDegreeOfParallelism: 1);
        var x0 = model.InitialParameters(2);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 10, Seed = 9, MaxEvaluations = 7, RecordHistory = false };
        var r = new MinibatchTrainer(model, Optimizers.Create("sgd", model.Dimension, new SgdSettings { LearningRate = 0.05 }), x0, options).Run();
        Assert.Equal(TerminationReason.MaxEvaluations, r.Reason);
        Assert.Equal(7, r.Evaluations);
        Assert.Equal(7, ((IRunResult)r).Iterations);
        Assert.True(r.IsUsable);
        Assert.Empty(r.History);
        var full = Training.Run(model, x0, "sgd", options with { MaxEvaluations = int.MaxValue, RecordHistory = true }, new SgdSettings { LearningRate = 0.05 });
        Assert.Equal(TerminationReason.Completed, full.Reason);
        Assert.True(full.IsConverged);
        Assert.Equal(2, full.History.Count);
        var other = Training.Run(model, x0, "sgd", options with { MaxEvaluations = int.MaxValue, Seed = 10 }, new SgdSettings { LearningRate = 0.05 });
        Assert.NotEqual(full.Parameters, other.Parameters);
    }
}
