using System.Numerics.Tensors;
using Optima.Problems;
using Optima.Solvers.Internal;

namespace Optima.Solvers.LineSearches;

/// <summary>
/// The state of a line-search method, for methods inside and outside this assembly: x, ∇f, the direction d, the
/// previous gradient and the line function, all sized once. A subclass fills <see cref="D"/> in
/// <see cref="ComputeDirection"/>; <see cref="Iterate"/> searches along it, accepts the step, and calls
/// <see cref="AfterStep"/> with s = αd and y = g₊ − g. Register the method as an <see cref="IMinimizer{TProblem}"/>
/// whose <c>Minimize</c> calls <see cref="IterativeDriver.Run{TProblem}"/> with a factory of the state: the driver
/// counts evaluations, enforces limits and applies the convergence tests.
/// </summary>
public abstract class LineSearchState : MethodState
{
    /// <summary>The problem (already counted by the driver).</summary>
    protected IGradientObjective Problem { get; }

    /// <summary>The line search.</summary>
    protected ILineSearch LineSearch { get; }

    /// <summary>∇f at <see cref="MethodState.X"/>.</summary>
    protected double[] G { get; }

    /// <summary>The search direction, filled by <see cref="ComputeDirection"/> (kept between iterations).</summary>
    protected double[] D { get; }

    /// <summary>∇f at the previous iterate (valid in <see cref="AfterStep"/> and in the next <see cref="ComputeDirection"/>).</summary>
    protected double[] GPrevious { get; }

    /// <summary>The last step s = αd (valid from the first accepted step on).</summary>
    protected double[] S { get; }

    /// <summary>The last gradient change y = g₊ − g (valid from the first accepted step on).</summary>
    protected double[] Y { get; }

    /// <summary>The last accepted step length α (NaN before the first).</summary>
    protected double LastStep { get; private set; } = double.NaN;

    /// <summary>The slope ∇fᵀd at the start of the last accepted search (NaN before the first).</summary>
    protected double LastSlope { get; private set; } = double.NaN;

    /// <summary>Accepted steps so far.</summary>
    protected int Accepted { get; private set; }

    private readonly ObjectiveLine _line;

    /// <summary>Creates the state over a copy of <paramref name="start"/>.</summary>
    /// <param name="problem">The problem the driver passed to the state factory (counted).</param>
    /// <param name="start">The starting point.</param>
    /// <param name="lineSearch">The line search.</param>
    protected LineSearchState(IGradientObjective problem, ReadOnlySpan<double> start, ILineSearch lineSearch)
        : base(start)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(lineSearch);
        Problem = problem;
        LineSearch = lineSearch;
        int n = start.Length;
        G = new double[n];
        D = new double[n];
        GPrevious = new double[n];
        S = new double[n];
        Y = new double[n];
        _line = new ObjectiveLine(problem);
    }

    /// <inheritdoc/>
    public override ReadOnlySpan<double> Gradient => G;

    /// <inheritdoc/>
    public override bool Initialize()
    {
        Value = Problem.ValueAndGradient(X, G);
        GradientNorm = MaxNorm(G);
        return double.IsFinite(Value) && Vec.AllFinite(G);
    }

    /// <summary>Fills <see cref="D"/>; returns the first trial step.</summary>
    protected abstract double ComputeDirection();

    /// <summary>Called after an accepted step with <see cref="S"/> and <see cref="Y"/> filled.</summary>
    protected virtual void AfterStep() { }

    /// <summary>Called when the direction is not a descent direction or the search failed; returns true when the method reset itself and wants to retry with steepest descent.</summary>
    protected virtual bool ResetAfterFailure() => false;

    /// <summary>A first step for a steepest-descent direction: unit length in x, at most 1.</summary>
    protected double SteepestDescentStep() => Math.Min(1.0, 1.0 / Math.Max(Vec.Norm2(G), double.Epsilon));

    /// <summary>One iteration: direction, line search, acceptance (with one retry after <see cref="ResetAfterFailure"/>).</summary>
    public override StepStatus Iterate()
    {
        for (int attempt = 0; attempt < 2; attempt++)
        {
            double initial = ComputeDirection();
            double slope0 = Vec.Dot(G, D);
            if (!(slope0 < 0) && attempt == 0 && ResetAfterFailure()) continue;
            _line.Reset(X, D);
            // A first trial step that over- or underflowed (a direction of norm ∞ or 1e-320) is a failed search at the
            // limit of double precision, not misuse of the line search.
            var result = slope0 < 0 && !(initial > 0 && double.IsFinite(initial) && double.IsFinite(slope0))
                ? new LineSearchResult(0, Value, slope0, 0, LineSearchStatus.StepAtMinimum, double.IsFinite(slope0)
                    ? $"The first trial step {initial:G3} is not a positive finite number: the direction's scale is beyond double precision."
                    : $"The slope ∇fᵀd overflows to {slope0:G3} (‖∇f‖∞ = {GradientNorm:G3}): the problem's scale is beyond what a line search in double precision can handle; rescale the variables.")
                : slope0 < 0
                ? LineSearch.Search(_line, Value, slope0, initial)
                : new LineSearchResult(0, Value, slope0, 0, LineSearchStatus.NotDescentDirection,
                    $"The search direction is not a descent direction (∇fᵀd = {slope0:G6}).");
            if (result.Succeeded)
            {
                G.CopyTo(GPrevious, 0);
                TensorPrimitives.Multiply(D, result.Step, S);
                Value = _line.Accept(result.Step, X, G);
                Vec.Subtract(G, GPrevious, Y);
                GradientNorm = MaxNorm(G);
                LastStep = result.Step;
                LastSlope = slope0;
                StepSize = result.Step;
                Accepted++;
                AfterStep();
                return StepStatus.Accepted;
            }
            if (result.Status == LineSearchStatus.NonFinite)
            {
                FailureReason = TerminationReason.NonFiniteValue;
                Message = $"Line search ({LineSearch.Name}): {result.Message} The last finite iterate is returned.";
                return StepStatus.Failed;
            }
            if (attempt == 0 && ResetAfterFailure()) continue;
            FailureReason = TerminationReason.LineSearchFailed;
            Message = $"Line search ({LineSearch.Name}) failed: {result.Status}. {result.Message}";
            return StepStatus.Failed;
        }
        return StepStatus.Failed;
    }
}
