using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 35, Chebyquad (Fletcher): for n ≥ 1 and m = n, rᵢ = (1/n) Σⱼ Tᵢ(xⱼ) − ∫₀¹ Tᵢ(t) dt, where Tᵢ is the
/// i-th Chebyshev polynomial shifted to [0, 1] (Tᵢ(t) = cos(i·arccos(2t − 1))) and the integral is 0 for odd i and
/// −1/(i² − 1) for even i: the nodes of an equal-weight quadrature rule. Standard start xⱼ = j/(n + 1).
/// Known minima (MGH): f = 0 for 1 ≤ n ≤ 7 and n = 9 (such rules exist), f = 3.51687…·10⁻³ for n = 8 and
/// 6.50395…·10⁻³ for n = 10. Default n = 8.
/// </summary>
public sealed class Chebyquad : LeastSquaresTestProblem
{
    /// <summary>The default dimension, 8.</summary>
    public const int DefaultDimension = 8;

    /// <summary>Creates the problem in dimension <paramref name="n"/>.</summary>
    /// <param name="n">Number of variables (and residuals), at least 1 (default 8).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    public Chebyquad(int n = DefaultDimension)
    {
        if (n < 1)
            throw new ArgumentOutOfRangeException(nameof(n), n, "The Chebyquad function needs n ≥ 1.");
        Dimension = n;
    }

    /// <inheritdoc/>
    public override string Name => "mgh-chebyquad";
    /// <inheritdoc/>
    public override string Description => $"MGH 35: Chebyquad (n = m = {Dimension})";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 35; R. Fletcher, Comput. J. 8 (1965)";
    /// <inheritdoc/>
    public override int Dimension { get; }
    /// <inheritdoc/>
    public override int Residuals => Dimension;

    /// <summary>0 for n ≤ 7 and n = 9; 3.51687·10⁻³ for n = 8 and 6.50395·10⁻³ for n = 10 (MGH's digits); null otherwise.</summary>
    public override double? KnownMinimum => Dimension switch
    {
        <= 7 or 9 => 0.0,
        8 => 3.51687e-3,
        10 => 6.50395e-3,
        _ => null,
    };

    /// <inheritdoc/>
    public override double[] StandardStart()
    {
        var x = new double[Dimension];
        for (int j = 1; j <= x.Length; j++) x[j - 1] = (double)j / (x.Length + 1);
        return x;
    }

    /// <summary>The unit cube [0, 1]ⁿ, the interval the quadrature nodes live in.</summary>
    public override (double[] Lower, double[] Upper) SamplingBox()
    {
        double[] lo = new double[Dimension], hi = new double[Dimension];
        Array.Fill(hi, 1.0);
        return (lo, hi);
    }

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        int n = x.Length;
        r.Clear();
        T two = C<T>(2);
        for (int j = 0; j < n; j++)
        {
            T y = two * x[j] - T.One, tPrev = T.One, t = y; // T₀, T₁
            for (int i = 0; i < n; i++)
            {
                r[i] += t;
                T tNext = two * y * t - tPrev;
                tPrev = t;
                t = tNext;
            }
        }
        T invN = T.One / C<T>(n);
        for (int i = 0; i < n; i++)
        {
            r[i] *= invN;
            int k = i + 1;
            if (k % 2 == 0) r[i] += C<T>(1.0 / (k * k - 1));
        }
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        int n = x.Length;
        for (int col = 0; col < n; col++)
        {
            // T₀ = 1, T₁ = y, Tₖ₊₁ = 2yTₖ − Tₖ₋₁ with y = 2x − 1; d/dx: T₀′ = 0, T₁′ = 2, Tₖ₊₁′ = 4Tₖ + 2yTₖ′ − Tₖ₋₁′.
            double y = 2 * x[col] - 1, tPrev = 1, t = y, dPrev = 0, d = 2;
            for (int i = 0; i < n; i++)
            {
                j[i, col] = d / n;
                double tNext = 2 * y * t - tPrev, dNext = 4 * t + 2 * y * d - dPrev;
                tPrev = t;
                t = tNext;
                dPrev = d;
                d = dNext;
            }
        }
    }
}
