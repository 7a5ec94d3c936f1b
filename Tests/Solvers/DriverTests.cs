using FsCheck;
using FsCheck.Fluent;
using Optima.Problems;
using Optima.Problems.Library;
using Optima.Solvers;
using Optima.Solvers.FirstOrder;
using Xunit;

namespace Optima.Tests.Solvers;

/// <summary>The shared driver loop, exercised through fixed-step gradient descent.</summary>
public class DriverTests
{
    /// <summary>f = ½ Σ dᵢ xᵢ², the simplest quadratic with a known answer.</summary>
    private static IGradientObjective Diagonal(double[] d) => Objective.FromValueAndGradient(d.Length, (x, g) =>
    {
        double f = 0;
        for (int i = 0; i < x.Length; i++) { g[i] = d[i] * x[i]; f += 0.5 * d[i] * x[i] * x[i]; }
        return f;
    });

    [Fact]
    public void Gradient_descent_with_step_below_2_over_L_converges_on_random_quadratics()
    {
        var gen = from n in Gen.Choose(1, 8)
                  from d in Gen.ArrayOf(TestSupport.Uniform(0.5, 4.0), n)
                  from x0 in Gen.ArrayOf(TestSupport.Uniform(-5, 5), n)
                  select (d, x0);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (d, x0) = t;
            double step = 1.0 / d.Max();
            var r = new FixedStepGradientDescent(step).Minimize(Diagonal(d), x0, new SolverOptions { GradientTolerance = 1e-10, MaxIterations = 10_000 });
            return r.Reason == TerminationReason.GradientTolerance && r.Solution.All(v => Math.Abs(v) <= 1e-9 * 4) && r.IsConverged;
        }).Check(TestSupport.Quick(50));
    }

    [Fact]
    public void Iteration_limit_returns_the_last_iterate_and_is_usable_but_not_converged()
    {
        var r = new FixedStepGradientDescent(1e-4).Minimize(new Rosenbrock(), [-1.2, 1], new SolverOptions { MaxIterations = 7, RecordHistory = true });
        Assert.Equal(TerminationReason.MaxIterations, r.Reason);
        Assert.Equal(7, r.Iterations);
        Assert.False(r.IsConverged);
        Assert.True(r.IsUsable);
        Assert.Equal(8, r.History!.Count);                      // row 0 is the start
        Assert.Equal(r.Value, r.History[^1].Value);
        Assert.Equal(r.InitialValue, r.History[0].Value);
        Assert.Equal(8, r.Evaluations.Gradients);
        Assert.Contains("MaxIterations", r.FullReport());
    }

    [Fact]
    public void A_NaN_mid_run_ends_with_NonFiniteValue_and_the_last_finite_iterate()
    {
        // f = x² for x < 3, NaN beyond: gradient descent with a huge step jumps into the NaN region.
        var f = Objective.FromValueAndGradient(1, (x, g) =>
        {
            g[0] = 2 * x[0];
            return Math.Abs(x[0]) < 3 ? x[0] * x[0] : double.NaN;
        });
        var r = new FixedStepGradientDescent(1.4).Minimize(f, [1.0]);
        Assert.Equal(TerminationReason.NonFiniteValue, r.Reason);
        Assert.False(r.IsUsable);
        Assert.True(double.IsFinite(r.Value));
        Assert.True(Math.Abs(r.Solution[0]) < 3);
        Assert.Equal(r.Value, r.Solution[0] * r.Solution[0]);
    }

    [Fact]
    public void A_nonfinite_start_value_is_reported_not_thrown()
    {
        var f = Objective.FromValueAndGradient(1, (x, g) => { g[0] = 0; return double.PositiveInfinity; });
        var r = new FixedStepGradientDescent().Minimize(f, [1.0]);
        Assert.Equal(TerminationReason.NonFiniteValue, r.Reason);
        Assert.Equal(0, r.Iterations);
        Assert.Equal([1.0], r.Solution);
    }

    [Fact]
    public void Cancellation_and_time_limit_stop_the_run()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var r = new FixedStepGradientDescent().Minimize(new Rosenbrock(), [-1.2, 1], new SolverOptions { CancellationToken = cts.Token });
        Assert.Equal(TerminationReason.Cancelled, r.Reason);
        var t = new FixedStepGradientDescent(1e-6).Minimize(new Rosenbrock(), [-1.2, 1],
            new SolverOptions { TimeLimit = TimeSpan.Zero, MaxIterations = int.MaxValue });
        Assert.Equal(TerminationReason.TimeLimit, t.Reason);
    }

    [Fact]
    public void Evaluation_limit_and_function_and_step_tolerances()
    {
        var e = new FixedStepGradientDescent(1e-4).Minimize(new Rosenbrock(), [-1.2, 1], new SolverOptions { MaxEvaluations = 5 });
        Assert.Equal(TerminationReason.MaxEvaluations, e.Reason);
        Assert.Equal(5, e.Evaluations.Objective);
        var f = new FixedStepGradientDescent(1e-4).Minimize(new Rosenbrock(), [-1.2, 1], new SolverOptions { FunctionTolerance = 1e-3, GradientTolerance = 0 });
        Assert.Equal(TerminationReason.FunctionTolerance, f.Reason);
        Assert.Contains(f.ConvergenceTests, c => c.Name == "function" && c.Met && c.Reached <= 1e-3);
        var s = new FixedStepGradientDescent(1e-4).Minimize(new Rosenbrock(), [-1.2, 1], new SolverOptions { StepTolerance = 1e-3, GradientTolerance = 0 });
        Assert.Equal(TerminationReason.StepTolerance, s.Reason);
    }

    [Fact]
    public void Progress_sees_every_iteration_and_path_is_recorded()
    {
        var seen = new List<IterationRecord>();
        var progress = new SynchronousProgress(seen.Add);
        var r = new FixedStepGradientDescent(1e-3).Minimize(new Rosenbrock(), [-1.2, 1],
            new SolverOptions { MaxIterations = 4, Progress = progress, RecordPath = true });
        Assert.Equal(5, seen.Count);
        Assert.Equal([0, 1, 2, 3, 4], seen.Select(s => s.Iteration));
        Assert.Equal(new double[] { -1.2, 1 }, r.History![0].Point);
        Assert.Equal(r.Solution, r.History[^1].Point);
    }

    [Theory]
    [InlineData(-1e-8, 1000, 1, "GradientTolerance")]
    [InlineData(1e-8, -1, 1, "MaxIterations")]
    [InlineData(1e-8, 10, 0, "MaxEvaluations")]
    [InlineData(double.NaN, 10, 1, "GradientTolerance")]
    public void Invalid_options_throw_naming_the_option(double gtol, int maxIterations, int maxEvaluations, string name)
    {
        var options = new SolverOptions { GradientTolerance = gtol, MaxIterations = maxIterations, MaxEvaluations = maxEvaluations };
        var e = Assert.ThrowsAny<ArgumentException>(() => new FixedStepGradientDescent().Minimize(new Rosenbrock(), [0, 0], options));
        Assert.Equal(name, e.ParamName);
    }

    [Fact]
    public void Bad_starting_points_throw_naming_the_problem()
    {
        var gd = new FixedStepGradientDescent();
        var e1 = Assert.Throws<ArgumentException>(() => gd.Minimize(new Rosenbrock(), [1.0, 2.0, 3.0]));
        Assert.Contains("length 3", e1.Message);
        Assert.Contains("dimension 2", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => gd.Minimize(new Rosenbrock(), [1.0, double.NaN]));
        Assert.Contains("start[1]", e2.Message);
        Assert.Throws<ArgumentException>(() => gd.Minimize(Objective.FromValue(1, x => 0), []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedStepGradientDescent(-1).Minimize(new Rosenbrock(), [0, 0]));
    }

    [Fact]
    public void A_minimum_limited_by_rounding_is_reported_as_PrecisionLimit_and_converged()
    {
        // Meyer's minimum: rounding floors ‖∇f‖∞ near 5e-4, far above the default absolute tolerance, so LM's trust
        // region collapses there; the scale-invariant gradient test recognises the minimiser.
        var meyer = TestProblems.Get("mgh-meyer");
        var r = Methods.Minimize("lm", meyer, meyer.StandardStart());
        Assert.Equal(TerminationReason.PrecisionLimit, r.Reason);
        Assert.True(r.IsConverged);
        Assert.Equal(meyer.KnownMinimum!.Value, r.Value, 1e-8 * meyer.KnownMinimum.Value);
        Assert.Contains("TrustRegionTooSmall", r.Message);
    }

    [Fact]
    public void A_wrong_gradient_that_stalls_the_line_search_is_not_called_converged()
    {
        // The gradient of x² + y² reported with its first component off by 3: no descent along −g eventually.
        var wrong = Objective.FromValueAndGradient(2, (x, g) =>
        {
            g[0] = 2 * x[0] + 3;
            g[1] = 2 * x[1];
            return x[0] * x[0] + x[1] * x[1];
        });
        var r = Methods.Minimize("bfgs", wrong, [1.0, 1.0]);
        Assert.False(r.IsConverged);
        Assert.Equal(TerminationReason.LineSearchFailed, r.Reason);
    }

    private sealed class SynchronousProgress(Action<IterationRecord> action) : IProgress<IterationRecord>
    {
        public void Report(IterationRecord value) => action(value);
    }
}
