using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 9, Gaussian: rᵢ = x₁ exp(−x₂(tᵢ − x₃)²/2) − yᵢ, i = 1 … 15, with tᵢ = (8 − i)/2 and the tabulated,
/// symmetric y (a standard normal density rounded to four decimals). Minimum f = 1.12793·10⁻⁸ (MGH's published
/// digits); standard start (0.4, 1, 0).
/// </summary>
public sealed class Gaussian : LeastSquaresTestProblem
{
    private static readonly double[] Y =
    [
        0.0009, 0.0044, 0.0175, 0.0540, 0.1295, 0.2420, 0.3521, 0.3989,
        0.3521, 0.2420, 0.1295, 0.0540, 0.0175, 0.0044, 0.0009,
    ];

    /// <inheritdoc/>
    public override string Name => "mgh-gaussian";
    /// <inheritdoc/>
    public override string Description => "MGH 9: Gaussian";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 9";
    /// <inheritdoc/>
    public override int Dimension => 3;
    /// <inheritdoc/>
    public override int Residuals => 15;
    /// <inheritdoc/>
    public override double[] StandardStart() => [0.4, 1.0, 0.0];
    /// <summary>1.12793·10⁻⁸, as published by MGH (six digits).</summary>
    public override double? KnownMinimum => 1.12793e-8;

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        T half = C<T>(0.5);
        for (int i = 1; i <= 15; i++)
        {
            T d = C<T>((8 - i) / 2.0) - x[2];
            r[i - 1] = x[0] * T.Exp(-half * x[1] * d * d) - C<T>(Y[i - 1]);
        }
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        for (int i = 1; i <= 15; i++)
        {
            double d = (8 - i) / 2.0 - x[2], e = Math.Exp(-0.5 * x[1] * d * d);
            j[i - 1, 0] = e;
            j[i - 1, 1] = -0.5 * x[0] * e * d * d;
            j[i - 1, 2] = x[0] * e * x[1] * d;
        }
    }
}
