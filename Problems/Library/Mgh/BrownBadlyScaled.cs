using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 4, Brown badly scaled: r₁ = x₁ − 10⁶, r₂ = x₂ − 2·10⁻⁶, r₃ = x₁x₂ − 2.
/// Minimum 0 at (10⁶, 2·10⁻⁶); standard start (1, 1).
/// </summary>
public sealed class BrownBadlyScaled : LeastSquaresTestProblem
{
    /// <inheritdoc/>
    public override string Name => "mgh-brown-badly-scaled";
    /// <inheritdoc/>
    public override string Description => "MGH 4: Brown badly scaled";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 4";
    /// <inheritdoc/>
    public override int Dimension => 2;
    /// <inheritdoc/>
    public override int Residuals => 3;
    /// <inheritdoc/>
    public override double[] StandardStart() => [1.0, 1.0];
    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [[1e6, 2e-6]];
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        r[0] = x[0] - C<T>(1e6);
        r[1] = x[1] - C<T>(2e-6);
        r[2] = x[0] * x[1] - C<T>(2);
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        j[0, 0] = 1;
        j[0, 1] = 0;
        j[1, 0] = 0;
        j[1, 1] = 1;
        j[2, 0] = x[1];
        j[2, 1] = x[0];
    }
}
