using System.Numerics.Tensors;
using Optima.Problems;
using Optima.Solvers.Internal;
using Optima.Solvers.LineSearches;

namespace Optima.Solvers.Internal;

/// <summary>
/// Shared state of line-search methods: x, ∇f, the direction d, the previous gradient, and the line function, all
/// sized once. A subclass fills <see cref="D"/> in <see cref="ComputeDirection"/>; <see cref="Iterate"/> searches,
/// accepts, and calls <see cref="AfterStep"/> with s = αd and y = g₊ − g.
/// </summary>
internal abstract class LineSearchState : MethodState
{
    protected readonly IGradientObjective Problem;
    protected readonly ILineSearch LineSearch;
    protected readonly double[] G, D, GPrevious, S, Y;
    protected readonly ObjectiveLine Line;
    protected readonly EvaluationCounter Counter;
    protected double LastStep = double.NaN;
    protected double LastSlope = double.NaN;
    protected int Accepted;

    protected LineSearchState(IGradientObjective problem, ReadOnlySpan<double> start, ILineSearch lineSearch, EvaluationCounter counter)
        : base(start)
    {
        Problem = problem;
        LineSearch = lineSearch;
        int n = start.Length;
        G = new double[n];
        D = new double[n];
        GPrevious = new double[n];
        S = new double[n];
        Y = new double[n];
        Line = new ObjectiveLine(problem, counter);
        Counter = counter;
    }

    public override ReadOnlySpan<double> Gradient => G;

    public override bool Initialize(EvaluationCounter counter)
    {
        counter.Gradients++;
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

    public override StepStatus Iterate(EvaluationCounter counter)
    {
        for (int attempt = 0; attempt < 2; attempt++)
        {
            double initial = ComputeDirection();
            double slope0 = Vec.Dot(G, D);
            if (!(slope0 < 0) && attempt == 0 && ResetAfterFailure()) continue;
            Line.Reset(X, D);
            // A first trial step that over- or underflowed (a direction of norm ∞ or 1e-320) is a failed search at the
            // limit of double precision, not misuse of the line search.
            var result = slope0 < 0 && !(initial > 0 && double.IsFinite(initial) && double.IsFinite(slope0))
                ? new LineSearchResult(0, Value, slope0, 0, LineSearchStatus.StepAtMinimum, double.IsFinite(slope0)
                    ? $"The first trial step {initial:G3} is not a positive finite number: the direction's scale is beyond double precision."
                    : $"The slope ∇fᵀd overflows to {slope0:G3} (‖∇f‖∞ = {GradientNorm:G3}): the problem's scale is beyond what a line search in double precision can handle; rescale the variables.")
                : slope0 < 0
                ? LineSearch.Search(Line, Value, slope0, initial)
                : new LineSearchResult(0, Value, slope0, 0, LineSearchStatus.NotDescentDirection,
                    $"The search direction is not a descent direction (∇fᵀd = {slope0:G6}).");
            if (result.Succeeded)
            {
                G.CopyTo(GPrevious, 0);
                TensorPrimitives.Multiply(D, result.Step, S);
                Value = Line.Accept(result.Step, X, G);
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
