namespace Optima;

/// <summary>
/// What every result reports, whatever ran (an optimizer, a fit, a linear solve, a training run): why it stopped,
/// whether that is convergence and whether the answer is usable, how many iterations and how long, and a detail.
/// </summary>
public interface IRunResult
{
    /// <summary>Why the run stopped.</summary>
    TerminationReason Reason { get; }

    /// <summary>True when the run met one of its convergence tests (<see cref="TerminationReasonExtensions.IsConverged"/>).</summary>
    bool IsConverged { get; }

    /// <summary>True when the returned answer can be used (<see cref="TerminationReasonExtensions.IsUsable"/>).</summary>
    bool IsUsable { get; }

    /// <summary>Iterations performed (optimizer iterations, linear-solver iterations, training steps).</summary>
    long Iterations { get; }

    /// <summary>Wall time of the run.</summary>
    TimeSpan Elapsed { get; }

    /// <summary>Details about the stop when there are any, else null.</summary>
    string? Message { get; }
}
