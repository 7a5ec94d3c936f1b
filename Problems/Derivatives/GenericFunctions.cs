using System.Numerics;

namespace Optima.Problems.Derivatives;

/// <summary>
/// A scalar function written once with .NET generic math, so it can be evaluated on <c>double</c> and on dual
/// numbers (<see cref="Dual{T}"/>) for exact derivatives. Implement it on a struct for the fastest code: the
/// adapters are generic over the implementing type, so the JIT specialises and inlines the call.
/// </summary>
/// <example>
/// <code>
/// readonly struct Rosenbrock : IScalarFunction
/// {
///     public int Dimension => 2;
///     public T Evaluate&lt;T&gt;(ReadOnlySpan&lt;T&gt; x) where T : IFloatingPointIeee754&lt;T&gt;
///     {
///         T a = T.One - x[0], b = x[1] - x[0] * x[0];
///         return a * a + T.CreateChecked(100) * b * b;
///     }
/// }
/// </code>
/// </example>
public interface IScalarFunction
{
    /// <summary>Number of inputs n.</summary>
    int Dimension { get; }

    /// <summary>f(x) for any IEEE floating-point type T (double, or a dual number carrying derivatives).</summary>
    T Evaluate<T>(ReadOnlySpan<T> x) where T : IFloatingPointIeee754<T>;
}

/// <summary>
/// A vector function F: ℝⁿ → ℝᵐ (residuals of a least-squares problem, a system of equations) written once with
/// generic math; see <see cref="IScalarFunction"/>.
/// </summary>
public interface IVectorFunction
{
    /// <summary>Number of inputs n.</summary>
    int Inputs { get; }

    /// <summary>Number of outputs m.</summary>
    int Outputs { get; }

    /// <summary>Writes F(x) into <paramref name="y"/> (length <see cref="Outputs"/>).</summary>
    void Evaluate<T>(ReadOnlySpan<T> x, Span<T> y) where T : IFloatingPointIeee754<T>;
}
