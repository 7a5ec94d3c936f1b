namespace Optima.Solvers;

/// <summary>Why a solver run stopped. Failure is data: every way a run can end is one of these, never an exception.</summary>
public enum TerminationReason
{
    /// <summary>‖∇f‖∞ fell to the gradient tolerance: converged.</summary>
    GradientTolerance,

    /// <summary>The relative decrease of f in one iteration fell to the function tolerance: converged.</summary>
    FunctionTolerance,

    /// <summary>The step fell to the step tolerance relative to ‖x‖: converged.</summary>
    StepTolerance,

    /// <summary>
    /// No step decreases f any more in floating point (the trust region collapsed or the line search found no
    /// decrease) at a point that passes the scale-invariant gradient test max|gᵢ|·max(|xᵢ|,1)/max(|f|,1) ≤ ε^(1/3)
    /// (Dennis &amp; Schnabel): a minimiser to working precision whose absolute gradient cannot reach the tolerance
    /// because of rounding. Converged.
    /// </summary>
    PrecisionLimit,

    /// <summary>The iteration limit was reached; the best iterate so far is returned.</summary>
    MaxIterations,

    /// <summary>The function-evaluation limit was reached; the best iterate so far is returned.</summary>
    MaxEvaluations,

    /// <summary>The time limit was reached; the best iterate so far is returned.</summary>
    TimeLimit,

    /// <summary>The caller's cancellation token was signalled; the best iterate so far is returned.</summary>
    Cancelled,

    /// <summary>The objective (or gradient, residuals, Jacobian) returned NaN or ±∞; the last finite iterate is returned.</summary>
    NonFiniteValue,

    /// <summary>The line search could not find a step satisfying its conditions; the iterate so far is returned.</summary>
    LineSearchFailed,

    /// <summary>The trust region shrank below what floating point can resolve without an acceptable step.</summary>
    TrustRegionTooSmall,

    /// <summary>A linear system in the step computation was singular or the method broke down numerically.</summary>
    NumericalFailure,
}

/// <summary>Helpers that classify a <see cref="TerminationReason"/>.</summary>
public static class TerminationReasonExtensions
{
    /// <summary>True when the run met one of its convergence tests.</summary>
    public static bool IsConverged(this TerminationReason reason) =>
        reason is TerminationReason.GradientTolerance or TerminationReason.FunctionTolerance or TerminationReason.StepTolerance
            or TerminationReason.PrecisionLimit;

    /// <summary>
    /// True when the returned point can be used as an approximate solution: the run converged, or stopped at a
    /// limit the caller set (iterations, evaluations, time, cancellation) while still making progress (as Ceres'
    /// <c>IsSolutionUsable</c>).
    /// </summary>
    public static bool IsUsable(this TerminationReason reason) =>
        reason.IsConverged() || reason is TerminationReason.MaxIterations or TerminationReason.MaxEvaluations
            or TerminationReason.TimeLimit or TerminationReason.Cancelled;

    /// <summary>A sentence a person can read.</summary>
    public static string Describe(this TerminationReason reason) => reason switch
    {
        TerminationReason.GradientTolerance => "converged: gradient norm below tolerance",
        TerminationReason.FunctionTolerance => "converged: relative change in f below tolerance",
        TerminationReason.StepTolerance => "converged: step size below tolerance",
        TerminationReason.PrecisionLimit => "converged: no further decrease possible in floating point, scaled gradient negligible",
        TerminationReason.MaxIterations => "stopped: iteration limit reached",
        TerminationReason.MaxEvaluations => "stopped: evaluation limit reached",
        TerminationReason.TimeLimit => "stopped: time limit reached",
        TerminationReason.Cancelled => "stopped: cancelled by the caller",
        TerminationReason.NonFiniteValue => "failed: the function returned NaN or infinity",
        TerminationReason.LineSearchFailed => "failed: the line search found no acceptable step",
        TerminationReason.TrustRegionTooSmall => "failed: the trust region collapsed",
        TerminationReason.NumericalFailure => "failed: numerical breakdown (singular system)",
        _ => reason.ToString(),
    };
}
