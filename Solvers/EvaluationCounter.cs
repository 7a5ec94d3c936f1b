using Optima.LinearAlgebra;
using Optima.Problems;

namespace Optima.Solvers;

/// <summary>
/// Counts a run's evaluations by decorating its problem, as NLSolversBase's <c>OnceDifferentiable</c> does:
/// <see cref="IterativeDriver"/> gives a method its problem through <see cref="Count{TProblem}"/>, so every call
/// into the problem is counted exactly once and methods never count.
/// </summary>
public sealed class EvaluationCounter
{
    private long _values, _gradients, _hessians, _hessianVectorProducts, _residuals, _jacobians;

    /// <summary>Evaluations that count against <see cref="RunOptions.MaxEvaluations"/>: f, f+∇f, r and r+J calls.</summary>
    public long Objective => _values + _gradients + _residuals + _jacobians;

    /// <summary>The counts so far.</summary>
    public EvaluationCounts Snapshot() => new(_values, _gradients, _hessians, _hessianVectorProducts, _residuals, _jacobians);

    /// <summary>
    /// <paramref name="problem"/> seen through exactly the capability <typeparamref name="TProblem"/> names
    /// (<see cref="IObjective"/>, <see cref="IGradientObjective"/>, <see cref="IHessianObjective"/> or
    /// <see cref="ILeastSquaresProblem"/>), with every call counted here.
    /// </summary>
    /// <exception cref="ArgumentException"><typeparamref name="TProblem"/> is none of those four.</exception>
    public TProblem Count<TProblem>(TProblem problem) where TProblem : class
    {
        ArgumentNullException.ThrowIfNull(problem);
        object counted = problem switch
        {
            ILeastSquaresProblem ls when typeof(TProblem) == typeof(ILeastSquaresProblem) => new LeastSquaresView(ls, this),
            IHessianObjective h when typeof(TProblem) == typeof(IHessianObjective) => new HessianView(h, this),
            IGradientObjective g when typeof(TProblem) == typeof(IGradientObjective) => new GradientView(g, this),
            IObjective f when typeof(TProblem) == typeof(IObjective) => new ValueView(f, this),
            _ => throw new ArgumentException($"Evaluations through {typeof(TProblem).Name} cannot be counted: a method's problem type must be " +
                "IObjective, IGradientObjective, IHessianObjective or ILeastSquaresProblem.", nameof(problem)),
        };
        return (TProblem)counted;
    }

    private class ValueView(IObjective inner, EvaluationCounter counter) : IObjective
    {
        protected EvaluationCounter Counter { get; } = counter;

        public int Dimension => inner.Dimension;

        public double Value(ReadOnlySpan<double> x)
        {
            Interlocked.Increment(ref Counter._values); // a population method may evaluate its members on several threads
            return inner.Value(x);
        }
    }

    private class GradientView(IGradientObjective g, EvaluationCounter counter) : ValueView(g, counter), IGradientObjective
    {
        public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
        {
            Counter._gradients++;
            return g.ValueAndGradient(x, gradient);
        }
    }

    private sealed class HessianView(IHessianObjective h, EvaluationCounter counter) : GradientView(h, counter), IHessianObjective
    {
        public void Hessian(ReadOnlySpan<double> x, DenseMatrix hessian)
        {
            Counter._hessians++;
            h.Hessian(x, hessian);
        }

        public void HessianVector(ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> result)
        {
            Counter._hessianVectorProducts++;
            h.HessianVector(x, v, result);
        }
    }

    private sealed class LeastSquaresView(ILeastSquaresProblem inner, EvaluationCounter c) : ILeastSquaresProblem
    {
        public int Parameters => inner.Parameters;

        public int Residuals => inner.Residuals;

        public void Evaluate(ReadOnlySpan<double> parameters, Span<double> residuals, DenseMatrix? jacobian)
        {
            if (jacobian is null) c._residuals++;
            else c._jacobians++;
            inner.Evaluate(parameters, residuals, jacobian);
        }
    }
}

/// <summary>Evaluation counts reported in a result.</summary>
/// <param name="Values">f(x) alone.</param>
/// <param name="Gradients">f(x) with ∇f(x).</param>
/// <param name="Hessians">∇²f(x).</param>
/// <param name="HessianVectorProducts">∇²f(x)·v.</param>
/// <param name="Residuals">r(x) alone.</param>
/// <param name="Jacobians">r(x) with J(x).</param>
public readonly record struct EvaluationCounts(
    long Values, long Gradients, long Hessians, long HessianVectorProducts, long Residuals, long Jacobians)
{
    /// <summary>Objective evaluations of any kind (f, f+∇f, r, r+J).</summary>
    public long Objective => Values + Gradients + Residuals + Jacobians;

    /// <summary>Only the nonzero counts, e.g. "f 12, ∇f 10, ∇²f 3".</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Values > 0) parts.Add($"f {Values}");
        if (Gradients > 0) parts.Add($"∇f {Gradients}");
        if (Hessians > 0) parts.Add($"∇²f {Hessians}");
        if (HessianVectorProducts > 0) parts.Add($"Hv {HessianVectorProducts}");
        if (Residuals > 0) parts.Add($"r {Residuals}");
        if (Jacobians > 0) parts.Add($"J {Jacobians}");
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }
}
