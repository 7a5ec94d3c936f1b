namespace Optima.Solvers;

/// <summary>
/// Options shared by every optimization method: the convergence tolerances and progress on top of the shared run
/// options (<see cref="RunOptions"/>: limits, cancellation, history, seed, compute). Methods carry their own
/// configuration separately (the method record); <see cref="Fitting.FitOptions"/> and <see cref="Comparison.ComparisonOptions"/> derive from it.
/// Create variants with <c>with { }</c>; <see cref="Validate"/> checks everything before a run starts.
/// </summary>
/// <remarks>
/// Convergence tests (each is off when its tolerance is 0):
/// gradient ‖∇f(x)‖∞ ≤ max(<see cref="GradientTolerance"/>, <see cref="RelativeGradientTolerance"/>·‖∇f(x₀)‖∞);
/// function |f_k − f_{k+1}| ≤ <see cref="FunctionTolerance"/>·max(|f_k|, |f_{k+1}|, tiny);
/// step ‖x_{k+1} − x_k‖∞ ≤ <see cref="StepTolerance"/>·(‖x_{k+1}‖∞ + <see cref="StepTolerance"/>).
/// </remarks>
public record SolverOptions : RunOptions
{
    /// <summary>Absolute tolerance on ‖∇f‖∞. Default 1e-8.</summary>
    public double GradientTolerance { get; init; } = 1e-8;

    /// <summary>Tolerance on ‖∇f‖∞ relative to its value at the start. Default 0 (off).</summary>
    public double RelativeGradientTolerance { get; init; }

    /// <summary>Relative change in f between accepted iterates. Default 0 (off).</summary>
    public double FunctionTolerance { get; init; }

    /// <summary>Step length relative to ‖x‖∞. Default 0 (off).</summary>
    public double StepTolerance { get; init; }

    /// <summary>Receives one record per iteration (on the solving thread).</summary>
    public IProgress<IterationRecord>? Progress { get; init; }

    /// <summary>Also keep a copy of every iterate in the history (for path plots; costs n doubles per iteration). Default false.</summary>
    public bool RecordPath { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        RequireTolerance(GradientTolerance, nameof(GradientTolerance));
        RequireTolerance(RelativeGradientTolerance, nameof(RelativeGradientTolerance));
        RequireTolerance(FunctionTolerance, nameof(FunctionTolerance));
        RequireTolerance(StepTolerance, nameof(StepTolerance));
        base.Validate();
    }
}
