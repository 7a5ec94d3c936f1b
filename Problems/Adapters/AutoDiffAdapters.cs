using Optima.LinearAlgebra;
using Optima.Problems.Derivatives;

namespace Optima.Problems;

/// <summary>
/// Turns a generic-math scalar function into an <see cref="IHessianObjective"/> with exact gradient, Hessian and
/// Hessian-vector products by forward-mode autodiff. Create with <see cref="AutoDiffObjective.Create{TF}"/>.
/// </summary>
/// <typeparam name="TF">The function type; a struct gives the JIT a specialised, inlined evaluation.</typeparam>
public sealed class AutoDiffObjective<TF> : IHessianObjective where TF : IScalarFunction
{
    private readonly TF _function;

    /// <summary>Wraps <paramref name="function"/>.</summary>
    public AutoDiffObjective(TF function)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (function.Dimension < 1)
            throw new ArgumentOutOfRangeException(nameof(function), function.Dimension, "The function's dimension must be at least 1.");
        _function = function;
    }

    /// <summary>The wrapped function.</summary>
    public TF Function => _function;

    /// <inheritdoc/>
    public int Dimension => _function.Dimension;

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x)
    {
        Guard.Length(x.Length, Dimension, nameof(x));
        return _function.Evaluate(x);
    }

    /// <inheritdoc/>
    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient) => AutoDiff.Gradient(_function, x, gradient);

    /// <inheritdoc/>
    public void Hessian(ReadOnlySpan<double> x, DenseMatrix hessian) => AutoDiff.Hessian(_function, x, hessian);

    /// <inheritdoc/>
    public void HessianVector(ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> result) =>
        AutoDiff.HessianVector(_function, x, v, result);
}

/// <summary>Factory for <see cref="AutoDiffObjective{TF}"/> with type inference.</summary>
public static class AutoDiffObjective
{
    /// <summary>An objective with exact derivatives of <paramref name="function"/>.</summary>
    public static AutoDiffObjective<TF> Create<TF>(TF function) where TF : IScalarFunction => new(function);
}

/// <summary>
/// Turns generic-math residuals into an <see cref="ILeastSquaresProblem"/> whose Jacobian is exact by forward-mode
/// autodiff. Create with <see cref="AutoDiffLeastSquares.Create{TF}"/>.
/// </summary>
public sealed class AutoDiffLeastSquares<TF> : ILeastSquaresProblem where TF : IVectorFunction
{
    private readonly TF _function;

    /// <summary>Wraps <paramref name="function"/>.</summary>
    public AutoDiffLeastSquares(TF function)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (function.Inputs < 1 || function.Outputs < 1)
            throw new ArgumentOutOfRangeException(nameof(function), $"The residual function must have at least one input and one output (it has {function.Inputs} and {function.Outputs}).");
        _function = function;
    }

    /// <inheritdoc/>
    public int Parameters => _function.Inputs;

    /// <inheritdoc/>
    public int Residuals => _function.Outputs;

    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> parameters, Span<double> residuals, DenseMatrix? jacobian)
    {
        Guard.Length(parameters.Length, Parameters, nameof(parameters));
        Guard.Length(residuals.Length, Residuals, nameof(residuals));
        if (jacobian is null) _function.Evaluate(parameters, residuals);
        else AutoDiff.Jacobian(_function, parameters, residuals, jacobian);
    }
}

/// <summary>Factory for <see cref="AutoDiffLeastSquares{TF}"/> with type inference.</summary>
public static class AutoDiffLeastSquares
{
    /// <summary>A least-squares problem with the exact Jacobian of <paramref name="function"/>.</summary>
    public static AutoDiffLeastSquares<TF> Create<TF>(TF function) where TF : IVectorFunction => new(function);
}
