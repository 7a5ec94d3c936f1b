namespace Optima;

/// <summary>
/// Why a run stopped: the one vocabulary of optimizers, fits, linear solves and training runs. Failure is data: every
/// way a run can end is one of these, never an exception. <see cref="TerminationReasonExtensions.IsConverged"/> and
/// <see cref="TerminationReasonExtensions.IsUsable"/> classify it.
/// </summary>
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

    /// <summary>
    /// A convergence test of the method's own (a simplex size, a population spread …; listed by name in the result's
    /// convergence tests next to the driver's) was met. Converged.
    /// </summary>
    MethodTolerance,

    /// <summary>A linear solve's relative residual ‖b − A·x‖/‖b‖ reached its tolerance. Converged.</summary>
    ResidualTolerance,

    /// <summary>
    /// The run did all the work it was asked for: a direct linear solve factorized and solved, a training run finished
    /// all its epochs. Counted as converged (the run reached its goal).
    /// </summary>
    Completed,

    /// <summary>The iteration limit was reached (optimizer iterations, linear-solver iterations, training steps); the best iterate so far is returned.</summary>
    MaxIterations,

    /// <summary>The function-evaluation limit was reached; the best iterate so far is returned.</summary>
    MaxEvaluations,

    /// <summary>The time limit was reached; the best iterate so far is returned.</summary>
    TimeLimit,

    /// <summary>The caller's cancellation token was signalled; the best iterate so far is returned.</summary>
    Cancelled,

    /// <summary>The objective (or gradient, residuals, Jacobian, a minibatch loss, a linear iteration) gave NaN or ±∞; the last finite iterate is returned.</summary>
    NonFiniteValue,

    /// <summary>The line search could not find a step satisfying its conditions; the iterate so far is returned.</summary>
    LineSearchFailed,

    /// <summary>The trust region shrank below what floating point can resolve without an acceptable step.</summary>
    TrustRegionTooSmall,

    /// <summary>
    /// A linear system was singular (or not positive definite where it must be), or the method broke down numerically
    /// (CG's pᵀA·p ≤ 0 on an indefinite operator). The message says which.
    /// </summary>
    NumericalFailure,

    /// <summary>The run diverged: a linear solve's residual or a training run's loss grew beyond its divergence limit.</summary>
    Diverged,

    /// <summary>
    /// The constraints cannot all be met (a certificate or a stalled constraint violation says so); the least
    /// infeasible point found is returned. A constrained or convex solver's failure, never reported as converged.
    /// </summary>
    Infeasible,

    /// <summary>
    /// The objective is unbounded below on the feasible set (a dual-infeasibility certificate, or iterates whose value
    /// falls without limit); the last iterate is returned.
    /// </summary>
    Unbounded,
}

/// <summary>Helpers that classify a <see cref="TerminationReason"/>.</summary>
public static class TerminationReasonExtensions
{
    /// <summary>True when the run met one of its convergence tests.</summary>
    public static bool IsConverged(this TerminationReason reason) =>
        reason is TerminationReason.GradientTolerance or TerminationReason.FunctionTolerance or TerminationReason.StepTolerance
            or TerminationReason.PrecisionLimit or TerminationReason.MethodTolerance or TerminationReason.ResidualTolerance
            or TerminationReason.Completed;

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
        TerminationReason.MethodTolerance => "converged: a convergence test of the method's own was met",
        TerminationReason.ResidualTolerance => "converged: relative residual below tolerance",
        TerminationReason.Completed => "completed: all the work asked for was done",
        TerminationReason.MaxIterations => "stopped: iteration limit reached",
        TerminationReason.MaxEvaluations => "stopped: evaluation limit reached",
        TerminationReason.TimeLimit => "stopped: time limit reached",
        TerminationReason.Cancelled => "stopped: cancelled by the caller",
        TerminationReason.NonFiniteValue => "failed: a NaN or infinity appeared (function, gradient, residual or iterate)",
        TerminationReason.LineSearchFailed => "failed: the line search found no acceptable step",
        TerminationReason.TrustRegionTooSmall => "failed: the trust region collapsed",
        TerminationReason.NumericalFailure => "failed: numerical breakdown (singular system)",
        TerminationReason.Diverged => "failed: the run diverged",
        TerminationReason.Infeasible => "failed: the constraints cannot be met (least infeasible point returned)",
        TerminationReason.Unbounded => "failed: the objective is unbounded below on the feasible set",
        _ => reason.ToString(),
    };
}
