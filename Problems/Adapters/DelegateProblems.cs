using Optima.LinearAlgebra;
using Optima.Problems.Derivatives;

namespace Optima.Problems;

/// <summary>Factories that turn plain delegates into problem interfaces.</summary>
public static class Objective
{
    /// <summary>
    /// An objective from a value delegate; its gradient comes from finite differences (<paramref name="scheme"/>),
    /// so it can be handed to gradient methods. Prefer an analytic or autodiff gradient when you have one.
    /// </summary>
    public static IGradientObjective FromValue(int dimension, ValueFunction value, DifferenceScheme scheme = DifferenceScheme.Central)
    {
        ArgumentNullException.ThrowIfNull(value);
        RequirePositive(dimension);
        return new FiniteDifferenceObjective(new ValueObjective(dimension, value), scheme);
    }

    /// <summary>An objective from a delegate that returns f and writes the gradient.</summary>
    public static IGradientObjective FromValueAndGradient(int dimension, ValueAndGradientFunction valueAndGradient)
    {
        ArgumentNullException.ThrowIfNull(valueAndGradient);
        RequirePositive(dimension);
        return new GradientDelegateObjective(dimension, valueAndGradient);
    }

    /// <summary>
    /// A least-squares problem from a residual delegate; the Jacobian comes from finite differences unless
    /// <paramref name="jacobian"/> is given (it receives p and must fill every entry of the m×n matrix).
    /// </summary>
    public static ILeastSquaresProblem LeastSquares(int parameters, int residuals, ResidualFunction residualFunction,
        Action<double[], DenseMatrix>? jacobian = null, DifferenceScheme scheme = DifferenceScheme.Central)
    {
        ArgumentNullException.ThrowIfNull(residualFunction);
        RequirePositive(parameters);
        if (residuals < 1)
            throw new ArgumentOutOfRangeException(nameof(residuals), residuals, "A least-squares problem needs at least one residual.");
        return new DelegateLeastSquares(parameters, residuals, residualFunction, jacobian, scheme);
    }

    private static void RequirePositive(int dimension)
    {
        if (dimension < 1)
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "The dimension must be at least 1.");
    }

    private sealed class ValueObjective(int dimension, ValueFunction value) : IObjective
    {
        public int Dimension => dimension;
        public double Value(ReadOnlySpan<double> x)
        {
            Guard.Length(x.Length, dimension, nameof(x));
            return value(x);
        }
    }

    private sealed class GradientDelegateObjective(int dimension, ValueAndGradientFunction function) : IGradientObjective
    {
        private readonly double[] _scratch = new double[dimension];
        public int Dimension => dimension;
        public double Value(ReadOnlySpan<double> x)
        {
            Guard.Length(x.Length, dimension, nameof(x));
            return function(x, _scratch);
        }
        public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
        {
            Guard.Length(x.Length, dimension, nameof(x));
            Guard.Length(gradient.Length, dimension, nameof(gradient));
            return function(x, gradient);
        }
    }

    private sealed class DelegateLeastSquares(int parameters, int residuals, ResidualFunction function,
        Action<double[], DenseMatrix>? jacobian, DifferenceScheme scheme) : ILeastSquaresProblem
    {
        public int Parameters => parameters;
        public int Residuals => residuals;
        public void Evaluate(ReadOnlySpan<double> p, Span<double> r, DenseMatrix? j)
        {
            Guard.Length(p.Length, parameters, "parameters");
            Guard.Length(r.Length, residuals, nameof(residuals));
            if (j is null)
            {
                function(p, r);
                return;
            }
            if (j.Rows != residuals || j.Columns != parameters)
                throw new ArgumentException($"The Jacobian must be {residuals}×{parameters} but is {j.Rows}×{j.Columns}.", "jacobian");
            if (jacobian is null)
            {
                FiniteDifferences.Jacobian(function, p, r, j, scheme);
            }
            else
            {
                function(p, r);
                jacobian(p.ToArray(), j);
            }
        }
    }
}

/// <summary>
/// Gives any <see cref="IObjective"/> a gradient by finite differences (n or 2n extra evaluations per gradient).
/// </summary>
public sealed class FiniteDifferenceObjective : IGradientObjective
{
    private readonly IObjective _inner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public FiniteDifferenceObjective(IObjective inner, DifferenceScheme scheme = DifferenceScheme.Central)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        Scheme = scheme;
    }

    /// <summary>The difference formula used.</summary>
    public DifferenceScheme Scheme { get; }

    /// <inheritdoc/>
    public int Dimension => _inner.Dimension;

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x) => _inner.Value(x);

    /// <inheritdoc/>
    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient) =>
        FiniteDifferences.Gradient(_inner, x, gradient, Scheme);
}
