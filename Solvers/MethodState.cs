using System.Numerics.Tensors;

namespace Optima.Solvers;

/// <summary>What one iteration of a method did.</summary>
public enum StepStatus
{
    /// <summary>A new iterate was accepted.</summary>
    Accepted,

    /// <summary>No new iterate (a trust-region step was rejected and the radius shrunk); the iteration still counts.</summary>
    Rejected,

    /// <summary>The method cannot continue; <see cref="MethodState.FailureReason"/> says why and the iterate is the last good one.</summary>
    Failed,
}

/// <summary>
/// The per-run state of a method. The driver (<see cref="IterativeDriver"/>) owns the loop — counting, limits,
/// cancellation, progress, history and convergence tests — and a method only proposes a step, evaluates and
/// accepts or rejects it in <see cref="Iterate"/>. A state is created per run and sized once, so iterations do
/// not allocate.
/// </summary>
public abstract class MethodState
{
    /// <summary>Creates a state over a copy of the starting point.</summary>
    protected MethodState(ReadOnlySpan<double> start)
    {
        X = start.ToArray();
    }

    /// <summary>The current (last accepted) iterate. Methods update it in place.</summary>
    public double[] X { get; }

    /// <summary>f at <see cref="X"/>.</summary>
    public double Value { get; protected set; }

    /// <summary>‖∇f‖∞ at <see cref="X"/>, or NaN when the method computes no gradient.</summary>
    public double GradientNorm { get; protected set; } = double.NaN;

    /// <summary>
    /// ∇f at <see cref="X"/> when the method keeps it (empty otherwise); the driver uses it to recognise a minimiser
    /// reached to working precision when the method can make no further progress.
    /// </summary>
    public virtual ReadOnlySpan<double> Gradient => ReadOnlySpan<double>.Empty;

    /// <summary>
    /// True when the method can tell that its gradient at <see cref="X"/> is at the level of its own rounding error by
    /// a scale-invariant test of its own (least squares: the cosine between r and every column of J is below √ε);
    /// the driver then reports <see cref="TerminationReason.PrecisionLimit"/> when no step can make progress. Default false.
    /// </summary>
    internal virtual bool GradientWithinRounding() => false;

    /// <summary>
    /// The method's own convergence tests, next to the driver's gradient, function and step tests (a simplex size, a
    /// population spread, a polish's rounding-level step …). The driver reads them after every iteration: the first
    /// entry that is <see cref="ConvergenceTest.Met"/> ends the run with <see cref="TerminationReason.MethodTolerance"/>
    /// (or, when the method reports a stall — <see cref="TerminationReason.TrustRegionTooSmall"/> or
    /// <see cref="TerminationReason.LineSearchFailed"/> — with <see cref="TerminationReason.PrecisionLimit"/>), and
    /// every entry is listed in the result's <see cref="OptimizationResult.ConvergenceTests"/> after the driver's.
    /// Keep the entries in an array sized once and update them in <see cref="Iterate"/>, so reading them does not
    /// allocate. Default: none.
    /// </summary>
    public virtual ReadOnlySpan<ConvergenceTest> ConvergenceTests => ReadOnlySpan<ConvergenceTest>.Empty;

    /// <summary>False for derivative-free methods, whose <see cref="GradientNorm"/> stays NaN. Default true.</summary>
    public virtual bool UsesGradient => true;

    /// <summary>The method's step parameter for the history (α, trust radius, λ …).</summary>
    public double StepSize { get; protected set; } = double.NaN;

    /// <summary>Set with <see cref="StepStatus.Failed"/>: why the method stopped.</summary>
    public TerminationReason FailureReason { get; protected set; } = TerminationReason.NumericalFailure;

    /// <summary>An optional detail for the result's message.</summary>
    public string? Message { get; protected set; }

    /// <summary>Evaluates the starting point (value, and gradient when the method uses one). Returns false when not finite.</summary>
    public abstract bool Initialize();

    /// <summary>
    /// One iteration: propose, evaluate, accept or reject. On <see cref="StepStatus.Failed"/> the state must leave
    /// <see cref="X"/>, <see cref="Value"/> and <see cref="GradientNorm"/> at the last good iterate.
    /// If the accepted point's value is not finite, the driver restores the previous iterate itself.
    /// </summary>
    public abstract StepStatus Iterate();

    /// <summary>Restores the iterate the driver saved before a step whose value was not finite.</summary>
    public virtual void Restore(ReadOnlySpan<double> x, double value, double gradientNorm)
    {
        x.CopyTo(X);
        Value = value;
        GradientNorm = gradientNorm;
    }

    /// <summary>Helper: ‖v‖∞.</summary>
    protected static double MaxNorm(ReadOnlySpan<double> v) =>
        v.IsEmpty ? 0.0 : Math.Abs(TensorPrimitives.MaxMagnitude(v)); // NaN when any entry is NaN
}
