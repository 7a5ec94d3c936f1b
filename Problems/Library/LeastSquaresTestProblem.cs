using System.Numerics;
using Optima.LinearAlgebra;
using Optima.Problems.Derivatives;

namespace Optima.Problems.Library;

/// <summary>
/// A test problem given as residuals r(x) ∈ ℝᵐ with an analytic Jacobian — the Moré–Garbow–Hillstrom form.
/// It is both an <see cref="ILeastSquaresProblem"/> (residual form, for Gauss-Newton and Levenberg-Marquardt) and,
/// through <see cref="TestProblem"/>, the objective f(x) = Σ rᵢ(x)² (objective form, as MGH state their minima).
/// </summary>
public abstract class LeastSquaresTestProblem : TestProblem, ILeastSquaresProblem, IVectorFunction
{
    private double[] _r = [];
    private DenseMatrix? _j;

    /// <summary>Number of residuals m.</summary>
    public abstract int Residuals { get; }

    /// <inheritdoc/>
    public int Parameters => Dimension;

    int IVectorFunction.Inputs => Dimension;
    int IVectorFunction.Outputs => Residuals;

    /// <summary>The residuals r(x) in generic math (the definition autodiff differentiates).</summary>
    public abstract void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> residuals) where T : IFloatingPointIeee754<T>;

    /// <summary>The analytic m×n Jacobian ∂r/∂x (every entry must be written).</summary>
    public abstract void Jacobian(ReadOnlySpan<double> x, DenseMatrix jacobian);

    void IVectorFunction.Evaluate<T>(ReadOnlySpan<T> x, Span<T> y) => EvaluateResiduals(x, y);

    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> parameters, Span<double> residuals, DenseMatrix? jacobian)
    {
        CheckLength(parameters.Length, nameof(parameters));
        if (residuals.Length != Residuals)
            throw new ArgumentException($"{Name}: residuals has length {residuals.Length}; the problem has {Residuals} residuals.", nameof(residuals));
        EvaluateResiduals(parameters, residuals);
        if (jacobian is null) return;
        if (jacobian.Rows != Residuals || jacobian.Columns != Dimension)
            throw new ArgumentException(
                $"{Name}: the Jacobian must be {Residuals}×{Dimension} but is {jacobian.Rows}×{jacobian.Columns}.", nameof(jacobian));
        Jacobian(parameters, jacobian);
    }

    /// <summary>f(x) = Σ rᵢ(x)² in generic math.</summary>
    public override T Evaluate<T>(ReadOnlySpan<T> x)
    {
        var r = new T[Residuals];
        EvaluateResiduals(x, r);
        T sum = T.Zero;
        foreach (T ri in r) sum += ri * ri;
        return sum;
    }

    /// <summary>f(x) = Σ rᵢ(x)², without allocation.</summary>
    public override double Value(ReadOnlySpan<double> x)
    {
        CheckLength(x.Length, nameof(x));
        var r = Buffers().R;
        EvaluateResiduals(x, r);
        return SumOfSquares(r);
    }

    /// <summary>f(x) = Σ rᵢ² and ∇f = 2Jᵀr from the analytic Jacobian.</summary>
    public override double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        CheckLength(x.Length, nameof(x));
        CheckLength(gradient.Length, nameof(gradient));
        var (r, j) = Buffers();
        EvaluateResiduals(x, r);
        Jacobian(x, j);
        j.TransposeMultiply(r, gradient);
        for (int i = 0; i < gradient.Length; i++) gradient[i] *= 2.0;
        return SumOfSquares(r);
    }

    private (double[] R, DenseMatrix J) Buffers()
    {
        if (_r.Length != Residuals) _r = new double[Residuals];
        _j ??= new DenseMatrix(Residuals, Dimension);
        return (_r, _j);
    }

    private static double SumOfSquares(ReadOnlySpan<double> r)
    {
        double s = 0;
        foreach (double v in r) s += v * v;
        return s;
    }
}
