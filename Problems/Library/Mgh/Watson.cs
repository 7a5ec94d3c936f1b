using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 20, Watson: for 2 ≤ n ≤ 31 and m = 31, rᵢ = Σⱼ₌₂ⁿ (j − 1)xⱼtᵢ^(j−2) − (Σⱼ₌₁ⁿ xⱼtᵢ^(j−1))² − 1 with
/// tᵢ = i/29 for i = 1 … 29, r₃₀ = x₁, r₃₁ = x₂ − x₁² − 1 — fitting a polynomial to the solution of an ODE. Standard
/// start: the origin. Known minima (MGH): f = 2.28767…·10⁻³ for n = 6, 1.39976…·10⁻⁶ for n = 9, 4.72238…·10⁻¹⁰ for
/// n = 12; ill-conditioned for larger n. Default n = 6.
/// </summary>
public sealed class Watson : LeastSquaresTestProblem
{
    /// <summary>The default dimension, 6.</summary>
    public const int DefaultDimension = 6;
    private const int M = 31;

    /// <summary>Creates the problem in dimension <paramref name="n"/>.</summary>
    /// <param name="n">Number of variables, 2 … 31 (default 6).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is outside 2 … 31.</exception>
    public Watson(int n = DefaultDimension)
    {
        if (n < 2 || n > 31)
            throw new ArgumentOutOfRangeException(nameof(n), n, "The Watson function is defined for 2 ≤ n ≤ 31.");
        Dimension = n;
    }

    /// <inheritdoc/>
    public override string Name => "mgh-watson";
    /// <inheritdoc/>
    public override string Description => $"MGH 20: Watson (n = {Dimension})";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 20; Kowalik & Osborne (1968)";
    /// <inheritdoc/>
    public override int Dimension { get; }
    /// <inheritdoc/>
    public override int Residuals => M;
    /// <inheritdoc/>
    public override double[] StandardStart() => new double[Dimension];

    /// <summary>
    /// 2.28767005355·10⁻³ for n = 6 (MGH publish 2.28767; the further digits agree with other references and with our
    /// own minimisation), 1.39976·10⁻⁶ for n = 9 and 4.72238·10⁻¹⁰ for n = 12 (MGH's digits); null for other n.
    /// </summary>
    public override double? KnownMinimum => Dimension switch
    {
        6 => 2.28767005355e-3,
        9 => 1.39976e-6,
        12 => 4.72238e-10,
        _ => null,
    };

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        int n = x.Length;
        for (int i = 1; i <= 29; i++)
        {
            T t = C<T>(i / 29.0);
            T s1 = T.Zero, s2 = x[0], p = T.One; // p = t^(j−2) for j = 2 …
            for (int j = 2; j <= n; j++)
            {
                s1 += C<T>(j - 1) * x[j - 1] * p;
                p *= t;
                s2 += x[j - 1] * p;
            }
            r[i - 1] = s1 - s2 * s2 - T.One;
        }
        r[29] = x[0];
        r[30] = x[1] - x[0] * x[0] - T.One;
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        int n = x.Length;
        for (int i = 1; i <= 29; i++)
        {
            double t = i / 29.0, s2 = 0, p = 1;
            for (int k = 0; k < n; k++)
            {
                s2 += x[k] * p;
                p *= t;
            }
            // ∂rᵢ/∂xⱼ = (j − 1)t^(j−2) − 2 s₂ t^(j−1)
            j[i - 1, 0] = -2 * s2;
            double pm = 1; // t^(j−2)
            for (int k = 1; k < n; k++)
            {
                j[i - 1, k] = k * pm - 2 * s2 * pm * t;
                pm *= t;
            }
        }
        for (int k = 0; k < n; k++)
        {
            j[29, k] = 0;
            j[30, k] = 0;
        }
        j[29, 0] = 1;
        j[30, 0] = -2 * x[0];
        j[30, 1] = 1;
    }
}
