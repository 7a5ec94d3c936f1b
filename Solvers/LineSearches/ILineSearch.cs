namespace Optima.Solvers.LineSearches;

/// <summary>
/// The one-dimensional function a line search sees: φ(α) = f(x + α·d) and its slope φ′(α) = ∇f(x + α·d)ᵀd.
/// A method implements it over its own buffers (so searching does not allocate); tests implement it directly.
/// </summary>
public interface ILineFunction
{
    /// <summary>φ(α) alone (a method may still compute the gradient if that is all it can do).</summary>
    double Value(double alpha);

    /// <summary>φ(α), with φ′(α) written to <paramref name="slope"/>.</summary>
    double ValueAndSlope(double alpha, out double slope);
}

/// <summary>Why a line search stopped.</summary>
public enum LineSearchStatus
{
    /// <summary>The step satisfies the search's conditions.</summary>
    Success,

    /// <summary>φ′(0) ≥ 0: d is not a descent direction.</summary>
    NotDescentDirection,

    /// <summary>The evaluation budget of the search ran out before its conditions were met.</summary>
    MaxEvaluations,

    /// <summary>The bracketing interval became smaller than rounding errors (or the relative tolerance) allow.</summary>
    IntervalTooSmall,

    /// <summary>The step reached the largest step allowed while still decreasing.</summary>
    StepAtMaximum,

    /// <summary>The step fell to the smallest step allowed without satisfying the conditions.</summary>
    StepAtMinimum,

    /// <summary>φ or φ′ was NaN or ±∞ even after shrinking the step.</summary>
    NonFinite,

    /// <summary>The model the search relies on does not apply (e.g. negative curvature for the exact quadratic search).</summary>
    InvalidModel,
}

/// <summary>The outcome of one line search.</summary>
/// <param name="Step">The step α returned (the accepted one on success, the best one found otherwise, 0 when none).</param>
/// <param name="Value">φ(Step).</param>
/// <param name="Slope">φ′(Step), or NaN when the search did not evaluate it at that step.</param>
/// <param name="Evaluations">Calls made to the line function.</param>
/// <param name="Status">Why the search stopped.</param>
/// <param name="Message">A sentence naming the failed condition, or null on success.</param>
public readonly record struct LineSearchResult(double Step, double Value, double Slope, int Evaluations, LineSearchStatus Status, string? Message)
{
    /// <summary>True when <see cref="Status"/> is <see cref="LineSearchStatus.Success"/>.</summary>
    public bool Succeeded => Status == LineSearchStatus.Success;
}

/// <summary>
/// A line search: given φ, φ(0), φ′(0) &lt; 0 and a first trial step, finds a step α &gt; 0 (LineSearches.jl's
/// interface). Implementations are immutable configurations, so one object can be shared by runs and threads.
/// </summary>
public interface ILineSearch
{
    /// <summary>A short name for reports ("armijo", "more-thuente" …).</summary>
    string Name { get; }

    /// <summary>Searches along the line.</summary>
    /// <param name="phi">The line function.</param>
    /// <param name="value0">φ(0).</param>
    /// <param name="slope0">φ′(0); must be negative.</param>
    /// <param name="initialStep">The first trial step (&gt; 0).</param>
    LineSearchResult Search(ILineFunction phi, double value0, double slope0, double initialStep);
}

/// <summary>A fixed step: returns <see cref="Step"/> (scaled by nothing) after one evaluation, whatever φ does there.</summary>
/// <param name="Step">The step α &gt; 0. Default 1.</param>
/// <param name="UseInitialStep">When true the step offered by the method is used instead of <see cref="Step"/>. Default false.</param>
public sealed record FixedStep(double Step = 1.0, bool UseInitialStep = false) : ILineSearch
{
    /// <inheritdoc/>
    public string Name => "fixed";


    /// <inheritdoc/>
    public LineSearchResult Search(ILineFunction phi, double value0, double slope0, double initialStep)
    {
        ArgumentNullException.ThrowIfNull(phi);
        double alpha = UseInitialStep ? initialStep : Step;
        if (!(alpha > 0) || double.IsInfinity(alpha))
            throw new ArgumentOutOfRangeException(nameof(Step), alpha, "The fixed step must be a finite number > 0.");
        double f = phi.ValueAndSlope(alpha, out double s);
        if (!double.IsFinite(f) || !double.IsFinite(s))
            return new(alpha, f, s, 1, LineSearchStatus.NonFinite, $"φ({alpha:G6}) is not finite.");
        return new(alpha, f, s, 1, LineSearchStatus.Success, null);
    }
}
