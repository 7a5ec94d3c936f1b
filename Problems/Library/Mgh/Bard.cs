using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 8, Bard: rᵢ = yᵢ − (x₁ + uᵢ/(vᵢx₂ + wᵢx₃)), i = 1 … 15, with uᵢ = i, vᵢ = 16 − i, wᵢ = min(uᵢ, vᵢ) and
/// Bard's 15 observations y. Minimum f = 8.21487·10⁻³ (MGH's published digits); MGH also report f = 17.4286 as
/// x → (0.8406, −∞, −∞). Standard start (1, 1, 1).
/// </summary>
public sealed class Bard : LeastSquaresTestProblem
{
    // Y. Bard (1970), as tabulated by MGH.
    private static readonly double[] Y =
        [0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39];

    /// <inheritdoc/>
    public override string Name => "mgh-bard";
    /// <inheritdoc/>
    public override string Description => "MGH 8: Bard";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 8; Y. Bard, SIAM J. Numer. Anal. 7 (1970)";
    /// <inheritdoc/>
    public override int Dimension => 3;
    /// <inheritdoc/>
    public override int Residuals => 15;
    /// <inheritdoc/>
    public override double[] StandardStart() => [1.0, 1.0, 1.0];
    /// <summary>8.21487·10⁻³, as published by MGH (six digits).</summary>
    public override double? KnownMinimum => 8.21487e-3;
    /// <summary>[−1, 2] × [0.2, 3]²: the denominators vᵢx₂ + wᵢx₃ stay ≥ 0.4.</summary>
    public override (double[] Lower, double[] Upper) SamplingBox() => ([-1.0, 0.2, 0.2], [2.0, 3.0, 3.0]);

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        for (int i = 1; i <= 15; i++)
        {
            int v = 16 - i, w = Math.Min(i, v);
            r[i - 1] = C<T>(Y[i - 1]) - (x[0] + C<T>(i) / (C<T>(v) * x[1] + C<T>(w) * x[2]));
        }
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        for (int i = 1; i <= 15; i++)
        {
            int v = 16 - i, w = Math.Min(i, v);
            double d = v * x[1] + w * x[2], d2 = d * d;
            j[i - 1, 0] = -1;
            j[i - 1, 1] = i * v / d2;
            j[i - 1, 2] = i * w / d2;
        }
    }
}
