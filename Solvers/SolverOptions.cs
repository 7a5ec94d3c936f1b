using System.Globalization;

namespace Optima.Solvers;

/// <summary>
/// Options shared by every method: tolerances, limits, cancellation, progress and history. Methods carry their own
/// configuration separately; a derived record adds options that only one family understands.
/// Create variants with <c>with { }</c>; <see cref="Validate"/> checks everything before a run starts.
/// </summary>
/// <remarks>
/// Convergence tests (each is off when its tolerance is 0):
/// gradient ‖∇f(x)‖∞ ≤ max(<see cref="GradientTolerance"/>, <see cref="RelativeGradientTolerance"/>·‖∇f(x₀)‖∞);
/// function |f_k − f_{k+1}| ≤ <see cref="FunctionTolerance"/>·max(|f_k|, |f_{k+1}|, tiny);
/// step ‖x_{k+1} − x_k‖∞ ≤ <see cref="StepTolerance"/>·(‖x_{k+1}‖∞ + <see cref="StepTolerance"/>).
/// </remarks>
public record SolverOptions
{
    /// <summary>Absolute tolerance on ‖∇f‖∞. Default 1e-8.</summary>
    public double GradientTolerance { get; init; } = 1e-8;

    /// <summary>Tolerance on ‖∇f‖∞ relative to its value at the start. Default 0 (off).</summary>
    public double RelativeGradientTolerance { get; init; }

    /// <summary>Relative change in f between accepted iterates. Default 0 (off).</summary>
    public double FunctionTolerance { get; init; }

    /// <summary>Step length relative to ‖x‖∞. Default 0 (off).</summary>
    public double StepTolerance { get; init; }

    /// <summary>Maximum number of iterations. Default 1000.</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>Maximum number of objective evaluations (value, value+gradient, or residuals each count 1). Default unlimited.</summary>
    public int MaxEvaluations { get; init; } = int.MaxValue;

    /// <summary>Wall-clock limit, or null for none.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Stops the run (with <see cref="TerminationReason.Cancelled"/>) when signalled.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Receives one record per iteration (on the solving thread).</summary>
    public IProgress<IterationRecord>? Progress { get; init; }

    /// <summary>Keep the per-iteration history in the result. Default false.</summary>
    public bool RecordHistory { get; init; }

    /// <summary>Also keep a copy of every iterate in the history (for path plots; costs n doubles per iteration). Default false.</summary>
    public bool RecordPath { get; init; }

    /// <summary>
    /// Seed of every random choice a run makes (population methods, annealing): the same seed and inputs give the same
    /// bits. Default 1. Deterministic methods ignore it.
    /// </summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>
    /// Threads a population method may evaluate its members on: null (default) = the calling thread (an objective is
    /// not assumed thread-safe), 1 = the calling thread, k &gt; 1 = at most k threads, which asserts that the objective's
    /// <c>Value</c> may be called concurrently. Results do not depend on it, to the bit.
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option and its value.</summary>
    public virtual void Validate()
    {
        if (Threads is < 1)
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Threads must be null (the calling thread) or a positive thread limit.");
        RequireTolerance(GradientTolerance, nameof(GradientTolerance));
        RequireTolerance(RelativeGradientTolerance, nameof(RelativeGradientTolerance));
        RequireTolerance(FunctionTolerance, nameof(FunctionTolerance));
        RequireTolerance(StepTolerance, nameof(StepTolerance));
        if (MaxIterations < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "MaxIterations must be zero or positive.");
        if (MaxEvaluations < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxEvaluations), MaxEvaluations, "MaxEvaluations must be at least 1.");
        if (TimeLimit is { } t && t < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(TimeLimit), t, "TimeLimit must not be negative.");
    }

    /// <summary>Throws when <paramref name="value"/> is negative or not finite.</summary>
    protected static void RequireTolerance(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value,
                $"{name} must be a finite number ≥ 0, but is {value.ToString(CultureInfo.InvariantCulture)}.");
    }
}
