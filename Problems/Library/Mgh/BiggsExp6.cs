using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 18, Biggs EXP6, with m = 13: rᵢ = x₃ exp(−tᵢx₁) − x₄ exp(−tᵢx₂) + x₆ exp(−tᵢx₅) − yᵢ, tᵢ = 0.1i,
/// yᵢ = exp(−tᵢ) − 5 exp(−10tᵢ) + 3 exp(−4tᵢ). Minimum 0 at (1, 10, 1, 5, 4, 3); MGH also report a local minimum
/// f = 5.65565·10⁻³ for m = 13, which many methods reach from the standard start (1, 2, 1, 1, 1, 1).
/// </summary>
/// <remarks>
/// The data are exp(−t) − 5 exp(−10t) + 3 exp(−4t) exactly, so f = 0 wherever the three model terms reproduce those
/// three exponentials in some order: <see cref="KnownMinimizers"/> lists all 3! = 6 such points, MGH's first.
/// </remarks>
public sealed class BiggsExp6 : LeastSquaresTestProblem
{
    private const int M = 13;

    /// <inheritdoc/>
    public override string Name => "mgh-biggs-exp6";
    /// <inheritdoc/>
    public override string Description => "MGH 18: Biggs EXP6 (m = 13)";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 18; M. C. Biggs, IMA J. Appl. Math. 8 (1971)";
    /// <inheritdoc/>
    public override int Dimension => 6;
    /// <inheritdoc/>
    public override int Residuals => M;
    /// <inheritdoc/>
    public override double[] StandardStart() => [1.0, 2.0, 1.0, 1.0, 1.0, 1.0];
    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() =>
    [
        [1.0, 10.0, 1.0, 5.0, 4.0, 3.0],
        [4.0, 10.0, 3.0, 5.0, 1.0, 1.0],
        [10.0, 1.0, -5.0, -1.0, 4.0, 3.0],
        [4.0, 1.0, 3.0, -1.0, 10.0, -5.0],
        [1.0, 4.0, 1.0, -3.0, 10.0, -5.0],
        [10.0, 4.0, -5.0, -3.0, 1.0, 1.0],
    ];
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        for (int i = 1; i <= M; i++)
        {
            double t = 0.1 * i;
            T ti = C<T>(t);
            r[i - 1] = x[2] * T.Exp(-ti * x[0]) - x[3] * T.Exp(-ti * x[1]) + x[5] * T.Exp(-ti * x[4]) - C<T>(Data(t));
        }
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        for (int i = 1; i <= M; i++)
        {
            double t = 0.1 * i, e1 = Math.Exp(-t * x[0]), e2 = Math.Exp(-t * x[1]), e5 = Math.Exp(-t * x[4]);
            j[i - 1, 0] = -t * x[2] * e1;
            j[i - 1, 1] = t * x[3] * e2;
            j[i - 1, 2] = e1;
            j[i - 1, 3] = -e2;
            j[i - 1, 4] = -t * x[5] * e5;
            j[i - 1, 5] = e5;
        }
    }

    private static double Data(double t) => Math.Exp(-t) - 5 * Math.Exp(-10 * t) + 3 * Math.Exp(-4 * t);
}
