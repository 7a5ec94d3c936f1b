using System.Globalization;

namespace Optima;

/// <summary>
/// The options every run shares, whatever the layer: limits, cancellation, history, seed and the compute setting.
/// Each layer's options derive from it (<c>SolverOptions</c>, <c>FitOptions</c>, <c>ComparisonOptions</c>,
/// <c>TrainingOptions</c>, <c>IterativeOptions</c>) and add their own tolerances; a new shared option is added here
/// once. Records: vary with <c>with { }</c>; <see cref="Validate"/> checks everything before a run starts.
/// </summary>
/// <remarks>
/// What an iteration and an evaluation are depends on the layer: an optimizer iteration and an objective evaluation;
/// a linear solve's iteration (one operator product each); a training run's optimizer step and micro-batch gradient.
/// A derived record may give a different default (a fit allows 2000 iterations, a linear solve picks its limit from
/// the order); each documents it.
/// </remarks>
public abstract record RunOptions
{
    /// <summary>Maximum number of iterations. Default 1000 (layers may differ; see the derived record).</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>Maximum number of evaluations (what one is depends on the layer). Default unlimited.</summary>
    public int MaxEvaluations { get; init; } = int.MaxValue;

    /// <summary>Wall-clock limit, or null for none.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Stops the run (with <see cref="TerminationReason.Cancelled"/>) when signalled; the best point so far is returned.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Keep the per-iteration history in the result. Default false (layers may differ).</summary>
    public bool RecordHistory { get; init; }

    /// <summary>
    /// Seed of every random choice the run makes (shuffles, random starts, stochastic methods): the same seed and inputs
    /// give the same bits. Default 1. Deterministic methods ignore it.
    /// </summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>
    /// The compute setting (threads). Default automatic. Honoured by curve fits (row-parallel model evaluation, LM's
    /// streamed QR; FitMany's data sets), linear solves (dense kernels, the sparse product); training parallelism is
    /// the problem's own (e.g. an MLP's). Optimization methods with a thread setting of their own (L-BFGS,
    /// Levenberg–Marquardt) still take it from the method record. Results do not depend on it, to the bit.
    /// </summary>
    public ComputeOptions Compute { get; init; } = ComputeOptions.Default;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option and its value.</summary>
    public virtual void Validate()
    {
        if (MaxIterations < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "MaxIterations must be zero or positive.");
        if (MaxEvaluations < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxEvaluations), MaxEvaluations, "MaxEvaluations must be at least 1.");
        if (TimeLimit is { } t && t < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(TimeLimit), t, "TimeLimit must not be negative.");
        if (Compute is null) throw new ArgumentNullException(nameof(Compute), "Compute must not be null (use ComputeOptions.Default).");
        Compute.Validate();
    }

    /// <summary>Throws when <paramref name="value"/> is negative or not finite (a tolerance: 0 turns its test off).</summary>
    protected static void RequireTolerance(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value,
                $"{name} must be a finite number ≥ 0, but is {value.ToString(CultureInfo.InvariantCulture)}.");
    }
}
