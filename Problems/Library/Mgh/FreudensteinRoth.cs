using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 2, Freudenstein and Roth: r₁ = −13 + x₁ + ((5 − x₂)x₂ − 2)x₂, r₂ = −29 + x₁ + ((x₂ + 1)x₂ − 14)x₂.
/// Global minimum 0 at (5, 4); a local minimum f = 48.9842… at (11.41…, −0.8968…) traps many methods from the
/// standard start (0.5, −2).
/// </summary>
public sealed class FreudensteinRoth : LeastSquaresTestProblem
{
    /// <inheritdoc/>
    public override string Name => "mgh-freudenstein-roth";
    /// <inheritdoc/>
    public override string Description => "MGH 2: Freudenstein and Roth";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 2";
    /// <inheritdoc/>
    public override int Dimension => 2;
    /// <inheritdoc/>
    public override int Residuals => 2;
    /// <inheritdoc/>
    public override double[] StandardStart() => [0.5, -2.0];
    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [[5.0, 4.0]];
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        T x1 = x[0], x2 = x[1];
        r[0] = C<T>(-13) + x1 + ((C<T>(5) - x2) * x2 - C<T>(2)) * x2;
        r[1] = C<T>(-29) + x1 + ((x2 + T.One) * x2 - C<T>(14)) * x2;
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        double x2 = x[1];
        j[0, 0] = 1;
        j[0, 1] = 10 * x2 - 3 * x2 * x2 - 2;
        j[1, 0] = 1;
        j[1, 1] = 3 * x2 * x2 + 2 * x2 - 14;
    }
}
