using System.Diagnostics;
using System.Globalization;

namespace Optima.Solvers.Convex;

/// <summary>
/// Options shared by the convex splitting methods (<see cref="Admm"/>, the OSQP-style QP,
/// the primal–dual method): the absolute and relative tolerances of the primal and dual residual tests on top of
/// the shared run options (limits, time, cancellation, history, seed, compute). The default iteration limit is
/// 10 000 (splitting methods take many cheap iterations). There are no objective evaluations to count, so
/// <see cref="RunOptions.MaxEvaluations"/> is not used.
/// </summary>
public abstract record ConvexOptions : RunOptions
{
    /// <summary>Sets the splitting methods' default iteration limit.</summary>
    protected ConvexOptions() => MaxIterations = 10_000;

    /// <summary>Absolute tolerance ε_abs of the residual tests (each method documents how it scales with the size). Default 1e-6.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-6;

    /// <summary>Relative tolerance ε_rel of the residual tests. Default 1e-6.</summary>
    public double RelativeTolerance { get; init; } = 1e-6;

    /// <inheritdoc/>
    public override void Validate()
    {
        RequireTolerance(AbsoluteTolerance, nameof(AbsoluteTolerance));
        RequireTolerance(RelativeTolerance, nameof(RelativeTolerance));
        if (AbsoluteTolerance == 0 && RelativeTolerance == 0)
            throw new ArgumentException("AbsoluteTolerance and RelativeTolerance cannot both be 0: the residual test could never pass.", nameof(AbsoluteTolerance));
        base.Validate();
    }

    /// <summary>Throws when <paramref name="value"/> is not a finite number &gt; 0.</summary>
    protected static void RequirePositive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value,
                $"{name} must be a finite number > 0, but is {value.ToString(CultureInfo.InvariantCulture)}.");
    }
}

/// <summary>One iteration of a splitting method, as kept in <see cref="ConvexResult.History"/>.</summary>
/// <param name="Iteration">Iteration number (1-based).</param>
/// <param name="PrimalResidual">The primal residual (‖x − z‖₂ for ADMM, ‖Ax − z‖∞ for the QP, the primal–dual method's primal residual).</param>
/// <param name="DualResidual">The dual residual, in the same norm.</param>
/// <param name="Objective">The objective at the iterate (NaN where it is not computed for the history).</param>
/// <param name="Rho">The penalty ρ (the primal–dual method: its primal step τ).</param>
public readonly record struct ConvexIterationRecord(int Iteration, double PrimalResidual, double DualResidual, double Objective, double Rho);

/// <summary>
/// The result of a convex splitting run: the solution, its dual, the residuals reached beside the tolerances they
/// were held to, and why the run stopped. An infeasible or unbounded problem ends with
/// <see cref="TerminationReason.Infeasible"/> / <see cref="TerminationReason.Unbounded"/> and its certificate.
/// </summary>
public sealed record ConvexResult : IRunResult
{
    /// <summary>Method name ("ADMM lasso", "OSQP-style QP", "Chambolle–Pock", …).</summary>
    public required string Method { get; init; }

    /// <inheritdoc/>
    public required TerminationReason Reason { get; init; }

    /// <summary>The solution x (ADMM: the split variable z, which carries the regularizer's structure, exact zeros for the lasso).</summary>
    public required double[] X { get; init; }

    /// <summary>
    /// The dual: ADMM's unscaled multiplier y = ρu of x = z; the QP's y for l ≤ Ax ≤ u (yᵢ &gt; 0: upper bound active,
    /// &lt; 0: lower); the primal–dual method's y. Null where the method has none.
    /// </summary>
    public double[]? Dual { get; init; }

    /// <summary>The objective at <see cref="X"/> (NaN for a primal–dual run without a gap function: it has no objective to evaluate).</summary>
    public required double Objective { get; init; }

    /// <summary>Iterations performed.</summary>
    public required int Iterations { get; init; }

    long IRunResult.Iterations => Iterations;

    /// <inheritdoc/>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The primal residual at the end.</summary>
    public required double PrimalResidual { get; init; }

    /// <summary>The dual residual at the end.</summary>
    public required double DualResidual { get; init; }

    /// <summary>The primal tolerance the last test used (absolute and relative parts combined).</summary>
    public double PrimalTolerance { get; init; }

    /// <summary>The dual tolerance the last test used.</summary>
    public double DualTolerance { get; init; }

    /// <summary>The duality gap at the end, where the method computes one (the primal–dual method's problems), else NaN.</summary>
    public double DualityGap { get; init; } = double.NaN;

    /// <summary>The final penalty ρ (the primal–dual method: τ).</summary>
    public double Rho { get; init; }

    /// <summary>How many times the cached factorization was computed (once, plus once per ρ change).</summary>
    public int Factorizations { get; init; }

    /// <summary>
    /// The certificate when <see cref="Reason"/> is <see cref="TerminationReason.Infeasible"/> (δy: Aᵀδy ≈ 0,
    /// uᵀmax(δy,0) + lᵀmin(δy,0) &lt; 0) or <see cref="TerminationReason.Unbounded"/> (δx: Pδx ≈ 0, qᵀδx &lt; 0, Aδx in the
    /// recession cone of [l, u]), normalized to ‖·‖∞ = 1; else null.
    /// </summary>
    public double[]? Certificate { get; init; }

    /// <summary>True when the QP solution was polished (an equality-constrained solve on the guessed active set improved it).</summary>
    public bool Polished { get; init; }

    /// <summary>Per-iteration residuals when <see cref="RunOptions.RecordHistory"/> was set.</summary>
    public IReadOnlyList<ConvexIterationRecord>? History { get; init; }

    /// <inheritdoc/>
    public string? Message { get; init; }

    /// <inheritdoc/>
    public bool IsConverged => Reason.IsConverged();

    /// <inheritdoc/>
    public bool IsUsable => Reason.IsUsable();

    /// <summary>A one-line summary.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Method}: {Reason} after {Iterations} iterations, objective {Objective:G10}, residuals primal {PrimalResidual:G3} dual {DualResidual:G3}{(double.IsNaN(DualityGap) ? "" : $", gap {DualityGap:G3}")}{(Message is null ? "" : "; " + Message)}");
}

/// <summary>
/// The stop contract of <see cref="Optima.Solvers.IterativeDriver"/> for the splitting loops: iteration limit, time
/// limit, cancellation, history. The splitting methods do not run under the driver because it is built around an
/// objective it evaluates and counts (value, gradient) and its f/∇f/step tests; a splitting iteration evaluates no
/// objective (it solves a cached linear system and applies a prox) and stops on primal/dual residuals or a
/// certificate. This keeps the same contract: options validated up front, limits and cancellation checked once per
/// iteration, NaN turned into <see cref="TerminationReason.NonFiniteValue"/> with the last finite iterate.
/// </summary>
internal sealed class SplittingMonitor
{
    private readonly RunOptions _options;
    private readonly long _start = Stopwatch.GetTimestamp();

    public SplittingMonitor(RunOptions options)
    {
        _options = options;
        History = options.RecordHistory ? new List<ConvexIterationRecord>() : null;
    }

    public List<ConvexIterationRecord>? History { get; }

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

    /// <summary>The limit that stops the run before iteration <paramref name="completed"/> + 1, or null to go on.</summary>
    public TerminationReason? LimitReached(int completed)
    {
        if (completed >= _options.MaxIterations) return TerminationReason.MaxIterations;
        if (_options.CancellationToken.IsCancellationRequested) return TerminationReason.Cancelled;
        if (_options.TimeLimit is { } limit && Elapsed >= limit) return TerminationReason.TimeLimit;
        return null;
    }

    public void Record(int iteration, double primal, double dual, double objective, double rho) =>
        History?.Add(new ConvexIterationRecord(iteration, primal, dual, objective, rho));
}
