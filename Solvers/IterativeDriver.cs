using System.Diagnostics;
using System.Numerics;
using System.Numerics.Tensors;
using Optima.Solvers.Internal;

namespace Optima.Solvers;

/// <summary>
/// The one driver loop every method runs under (propose → evaluate → accept, as in Optim.jl and Ceres). It never
/// asks what kind of method it runs: it validates options, counts, enforces limits and cancellation, records
/// history, reports progress, applies the convergence tests (its own three and the method's, <see cref="MethodState.ConvergenceTests"/>), and turns non-finite values into
/// <see cref="TerminationReason.NonFiniteValue"/> with the last finite iterate.
/// </summary>
public static class IterativeDriver
{
    /// <summary>
    /// Runs a method to termination: <paramref name="createState"/> builds the per-run state over the problem seen
    /// through an <see cref="EvaluationCounter"/> (so the state never counts) and the start.
    /// </summary>
    /// <param name="method">Method name for the result.</param>
    /// <param name="problem">The problem, typed by the capability the method needs (see <see cref="EvaluationCounter.Count{TProblem}"/>).</param>
    /// <param name="start">The starting point, passed on to <paramref name="createState"/>.</param>
    /// <param name="createState">Creates a fresh state from the counted problem and the start (its <see cref="MethodState.X"/> is the start).</param>
    /// <param name="options">Options (validated here); null for the defaults.</param>
    public static OptimizationResult Run<TProblem>(string method, TProblem problem, ReadOnlySpan<double> start,
        Func<TProblem, ReadOnlySpan<double>, MethodState> createState, SolverOptions? options) where TProblem : class
    {
        ArgumentNullException.ThrowIfNull(createState);
        var counter = new EvaluationCounter();
        return Run(method, createState(counter.Count(problem), start), options ?? new SolverOptions(), counter);
    }

    private static OptimizationResult Run(string method, MethodState state, SolverOptions options, EvaluationCounter counter)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(counter);
        options.Validate();
        RequireFiniteStart(state.X);

        var clock = Stopwatch.StartNew();
        int n = state.X.Length;
        var history = options.RecordHistory || options.RecordPath ? new List<IterationRecord>() : null;
        double[] previous = new double[n];
        int iterations = 0;
        double lastRelativeChange = double.NaN, lastRelativeStep = double.NaN;
        double gradientThreshold = options.GradientTolerance;

        bool initialized = state.Initialize();
        double initialValue = state.Value;
        if (!initialized || !IsFinite(state))
            return Finish(TerminationReason.NonFiniteValue, "The objective is not finite at the starting point.");
        if (options.RelativeGradientTolerance > 0 && double.IsFinite(state.GradientNorm))
            gradientThreshold = Math.Max(gradientThreshold, options.RelativeGradientTolerance * state.GradientNorm);
        Record(0, 0.0);

        if (GradientConverged()) return Finish(TerminationReason.GradientTolerance, null);

        while (true)
        {
            if (options.CancellationToken.IsCancellationRequested) return Finish(TerminationReason.Cancelled, null);
            if (options.TimeLimit is { } limit && clock.Elapsed >= limit) return Finish(TerminationReason.TimeLimit, null);
            if (iterations >= options.MaxIterations) return Finish(TerminationReason.MaxIterations, null);
            if (counter.Objective >= options.MaxEvaluations) return Finish(TerminationReason.MaxEvaluations, null);

            state.X.CopyTo(previous, 0);
            double previousValue = state.Value, previousGradientNorm = state.GradientNorm;
            StepStatus status = state.Iterate();
            iterations++;

            if (status == StepStatus.Failed)
            {
                if (state.FailureReason is TerminationReason.TrustRegionTooSmall or TerminationReason.LineSearchFailed)
                {
                    if (IsMinimizerToWorkingPrecision(state) || state.GradientWithinRounding())
                        return Finish(TerminationReason.PrecisionLimit,
                            $"No step decreases f in floating point and the scaled gradient is negligible ({state.FailureReason}: {state.Message})");
                    if (MetOwnTest() is { } test)
                        return Finish(TerminationReason.PrecisionLimit,
                            $"No step decreases f in floating point and the method's test '{test}' is met ({state.FailureReason}: {state.Message})");
                }
                return Finish(state.FailureReason, state.Message);
            }
            if (!IsFinite(state) || !Vec.AllFinite(state.X))
            {
                state.Restore(previous, previousValue, previousGradientNorm);
                return Finish(TerminationReason.NonFiniteValue,
                    $"The objective was not finite at the point proposed in iteration {iterations}; the previous iterate is returned.");
            }

            double stepNorm = 0, xNorm = 0;
            if (status == StepStatus.Accepted)
            {
                // previous is not needed any more: reuse it for x₊ − x (SIMD; the iterate is finite here).
                TensorPrimitives.Subtract(state.X, previous, previous);
                stepNorm = Math.Abs(TensorPrimitives.MaxMagnitude<double>(previous));
                xNorm = Math.Abs(TensorPrimitives.MaxMagnitude<double>(state.X));
            }
            Record(iterations, stepNorm);
            if (MetOwnTest() is { } own) return Finish(TerminationReason.MethodTolerance, $"The method's test '{own}' is met.");
            if (status != StepStatus.Accepted) continue;

            if (GradientConverged()) return Finish(TerminationReason.GradientTolerance, null);
            lastRelativeChange = Math.Abs(previousValue - state.Value)
                / Math.Max(Math.Max(Math.Abs(previousValue), Math.Abs(state.Value)), double.Epsilon);
            if (options.FunctionTolerance > 0 && lastRelativeChange <= options.FunctionTolerance)
                return Finish(TerminationReason.FunctionTolerance, null);
            lastRelativeStep = stepNorm / (xNorm + options.StepTolerance);
            if (options.StepTolerance > 0 && stepNorm <= options.StepTolerance * (xNorm + options.StepTolerance))
                return Finish(TerminationReason.StepTolerance, null);
        }

        bool GradientConverged() => gradientThreshold > 0 && state.GradientNorm <= gradientThreshold;

        string? MetOwnTest()
        {
            foreach (var test in state.ConvergenceTests)
                if (test.Met) return test.Name;
            return null;
        }

        void Record(int iteration, double stepNorm)
        {
            if (history is null && options.Progress is null) return;
            var row = new IterationRecord(iteration, state.Value, state.GradientNorm, stepNorm, state.StepSize,
                counter.Objective, clock.Elapsed.TotalSeconds, options.RecordPath ? (double[])state.X.Clone() : null);
            history?.Add(row);
            options.Progress?.Report(row);
        }

        OptimizationResult Finish(TerminationReason reason, string? detail)
        {
            clock.Stop();
            return new OptimizationResult
            {
                Method = method,
                Solution = (double[])state.X.Clone(),
                Value = state.Value,
                InitialValue = initialValue,
                GradientNorm = state.GradientNorm,
                Iterations = iterations,
                Evaluations = counter.Snapshot(),
                Reason = reason,
                Message = detail,
                Elapsed = clock.Elapsed,
                History = history,
                ConvergenceTests =
                [
                    new("gradient", gradientThreshold, state.GradientNorm, reason == TerminationReason.GradientTolerance),
                    new("function", options.FunctionTolerance, lastRelativeChange, reason == TerminationReason.FunctionTolerance),
                    new("step", options.StepTolerance, lastRelativeStep, reason == TerminationReason.StepTolerance),
                    .. state.ConvergenceTests,
                ],
            };
        }
    }

    /// <summary>Throws an <see cref="ArgumentException"/> when the start is empty or has a non-finite entry.</summary>
    public static void RequireFiniteStart<T>(ReadOnlySpan<T> start, string name = "start") where T : IFloatingPointIeee754<T>
    {
        if (start.Length == 0)
            throw new ArgumentException($"The point {name} is empty.", name);
        for (int i = 0; i < start.Length; i++)
            if (!T.IsFinite(start[i]))
                throw new ArgumentException($"The point {name} has a non-finite entry: {name}[{i}] = {start[i]}.", name);
    }

    /// <summary>ε^(1/3): the relative accuracy at which a gradient computed in floating point is meaningful.</summary>
    private static readonly double RelativeGradientThreshold = Math.Cbrt(Math.ScaleB(1.0, -52));

    /// <summary>
    /// Dennis &amp; Schnabel's scale-invariant stopping test (Numerical Methods for Unconstrained Optimization, §7.2):
    /// max over i of |gᵢ|·max(|xᵢ|, 1) / max(|f|, 1) ≤ ε^(1/3).
    /// </summary>
    private static bool IsMinimizerToWorkingPrecision(MethodState state)
    {
        var g = state.Gradient;
        if (g.IsEmpty || g.Length != state.X.Length || !double.IsFinite(state.Value)) return false;
        double worst = 0;
        for (int i = 0; i < g.Length; i++) worst = Math.Max(worst, Math.Abs(g[i]) * Math.Max(Math.Abs(state.X[i]), 1.0));
        return worst / Math.Max(Math.Abs(state.Value), 1.0) <= RelativeGradientThreshold;
    }

    private static bool IsFinite(MethodState state) =>
        double.IsFinite(state.Value) && (!state.UsesGradient || double.IsFinite(state.GradientNorm));
}
