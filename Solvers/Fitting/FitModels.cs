using System.Numerics;

namespace Optima.Solvers.Fitting;

/// <summary>
/// A model y = f(x; p) with a vector of variables per point, written once with .NET generic math so the fit can
/// evaluate it on <see cref="Optima.Problems.Derivatives.Dual{T}"/> numbers for an exact Jacobian (forward-mode
/// autodiff: one dual evaluation per parameter and point). Implement it on a struct for the fastest code.
/// </summary>
/// <example>
/// <code>
/// readonly struct Plane : IFitModel
/// {
///     public T Evaluate&lt;T&gt;(ReadOnlySpan&lt;T&gt; x, ReadOnlySpan&lt;T&gt; p) where T : IFloatingPointIeee754&lt;T&gt; =&gt; p[0] + p[1] * x[0] + p[2] * x[1];
/// }
/// </code>
/// </example>
public interface IFitModel
{
    /// <summary>f(x; p) for the variables <paramref name="x"/> of one point and the parameters <paramref name="p"/>.</summary>
    T Evaluate<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> p) where T : IFloatingPointIeee754<T>;
}

/// <summary>A model y = f(x; p) of one scalar variable, written with generic math (see <see cref="IFitModel"/>).</summary>
/// <example>
/// <code>
/// readonly struct Exponential : IScalarFitModel
/// {
///     public T Evaluate&lt;T&gt;(T x, ReadOnlySpan&lt;T&gt; p) where T : IFloatingPointIeee754&lt;T&gt; =&gt; p[0] * T.Exp(-p[1] * x);
/// }
/// </code>
/// </example>
public interface IScalarFitModel
{
    /// <summary>f(x; p) at the variable <paramref name="x"/> for the parameters <paramref name="p"/>.</summary>
    T Evaluate<T>(T x, ReadOnlySpan<T> p) where T : IFloatingPointIeee754<T>;
}

/// <summary>A plain model f(x; p): the variables <paramref name="x"/> of one point (one entry for a scalar x) and the parameters.</summary>
public delegate double FitFunction(ReadOnlySpan<double> x, ReadOnlySpan<double> p);

/// <summary>
/// A plain model that also writes its gradient ∂f/∂pₖ at one point into <paramref name="gradient"/> (length p) and
/// returns f(x; p): the "user Jacobian" form (row i of the Jacobian is the gradient at point i).
/// </summary>
public delegate double FitFunctionWithGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> p, Span<double> gradient);
