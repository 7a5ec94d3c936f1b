using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 11, Gulf research and development, with m = 99: rᵢ = exp(−|yᵢ − x₂|^x₃ / x₁) − tᵢ, i = 1 … 99, with
/// tᵢ = i/100 and yᵢ = 25 + (−50 ln tᵢ)^(2/3). Minimum 0 at (50, 25, 1.5); standard start (5, 2.5, 0.15).
/// </summary>
/// <remarks>
/// The printed MGH formula reads "|yᵢ mi x₂|": the "mi" is a typesetting slip for a minus sign (the original Fortran,
/// TOMS 566, computes |yᵢ − x₂|). MGH allow 3 ≤ m ≤ 100; TOMS 566 uses m = 99, which this class follows: with m = 100
/// the last point has y₁₀₀ = 25 = x₂* and the derivative of |y − x₂|^x₃ with respect to x₃ (a factor ln|y − x₂|) is
/// undefined at the minimiser. The function is undefined at x₁ = 0, and for x₃ &lt; 1 its derivative in x₂ is singular
/// wherever x₂ = yᵢ (all yᵢ lie in [25.63, 62.6]); <see cref="SamplingBox"/> keeps x₁ ≥ 1 and x₂ ≤ 25.
/// </remarks>
public sealed class GulfResearch : LeastSquaresTestProblem
{
    private const int M = 99;
    private static readonly double[] Y = MakeY();

    /// <inheritdoc/>
    public override string Name => "mgh-gulf";
    /// <inheritdoc/>
    public override string Description => "MGH 11: Gulf research and development (m = 99)";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 11; R. A. Cox (1969)";
    /// <inheritdoc/>
    public override int Dimension => 3;
    /// <inheritdoc/>
    public override int Residuals => M;
    /// <inheritdoc/>
    public override double[] StandardStart() => [5.0, 2.5, 0.15];
    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [[50.0, 25.0, 1.5]];
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;
    /// <summary>[1, 60] × [0, 25] × [0.1, 3]: x₁ away from 0 and x₂ below every yᵢ.</summary>
    public override (double[] Lower, double[] Upper) SamplingBox() => ([1.0, 0.0, 0.1], [60.0, 25.0, 3.0]);

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        for (int i = 1; i <= M; i++)
        {
            T p = T.Pow(T.Abs(C<T>(Y[i - 1]) - x[1]), x[2]);
            r[i - 1] = T.Exp(-p / x[0]) - C<T>(i / 100.0);
        }
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        for (int i = 1; i <= M; i++)
        {
            double d = Y[i - 1] - x[1], a = Math.Abs(d), p = Math.Pow(a, x[2]), e = Math.Exp(-p / x[0]);
            j[i - 1, 0] = e * p / (x[0] * x[0]);
            j[i - 1, 1] = e * x[2] * p / (x[0] * d);   // ∂|d|^x₃/∂x₂ = −x₃|d|^x₃/d
            j[i - 1, 2] = -e * p * Math.Log(a) / x[0];
        }
    }

    private static double[] MakeY()
    {
        var y = new double[M];
        for (int i = 1; i <= M; i++) y[i - 1] = 25 + Math.Pow(-50 * Math.Log(i / 100.0), 2.0 / 3.0);
        return y;
    }
}
