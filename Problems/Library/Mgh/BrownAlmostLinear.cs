using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 27, Brown almost-linear: for n ≥ 1 and m = n, rᵢ = xᵢ + Σⱼ xⱼ − (n + 1) (i = 1 … n − 1) and
/// rₙ = Πⱼ xⱼ − 1. Standard start (½, …, ½); default n = 10.
/// Minimum 0 at (α, …, α, α¹⁻ⁿ) for every real root α of nαⁿ − (n + 1)αⁿ⁻¹ + 1 = 0 (MGH): α = 1, one root in (0, 1)
/// for n ≥ 2, and for odd n ≥ 3 one negative root as well; all are listed by <see cref="KnownMinimizers"/>.
/// MGH also list f = 1 at (0, …, 0, n + 1). That point is stationary (for n ≥ 3) but not a minimiser: moving along
/// (1, …, 1, −n) keeps the linear residuals at 0 and changes the product by (n + 1)tⁿ⁻¹ + O(tⁿ), so f falls on one
/// side (both sides for odd n); the decrease is of order tⁿ⁻¹, so a solver can stall there with a tiny gradient.
/// </summary>
public sealed class BrownAlmostLinear : LeastSquaresTestProblem
{
    /// <summary>The default dimension, 10.</summary>
    public const int DefaultDimension = 10;

    /// <summary>Creates the problem in dimension <paramref name="n"/>.</summary>
    /// <param name="n">Number of variables, at least 1 (default 10).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    public BrownAlmostLinear(int n = DefaultDimension)
    {
        if (n < 1)
            throw new ArgumentOutOfRangeException(nameof(n), n, "Brown's almost-linear function needs n ≥ 1.");
        Dimension = n;
    }

    /// <inheritdoc/>
    public override string Name => "mgh-brown-almost-linear";
    /// <inheritdoc/>
    public override string Description => $"MGH 27: Brown almost-linear (n = {Dimension})";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 27; K. M. Brown, SIAM J. Numer. Anal. 6 (1969) 560–569";
    /// <inheritdoc/>
    public override int Dimension { get; }
    /// <inheritdoc/>
    public override int Residuals => Dimension;
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;

    /// <inheritdoc/>
    public override double[] StandardStart()
    {
        var x = new double[Dimension];
        Array.Fill(x, 0.5);
        return x;
    }

    /// <summary>
    /// (α, …, α, n + 1 − nα) for each real root α of p(α) = nαⁿ − (n + 1)αⁿ⁻¹ + 1 (at a root n + 1 − nα = α¹⁻ⁿ):
    /// α = 1 first, then the root in (0, (n² − 1)/n²) where p has its positive minimum, then (odd n) the negative root,
    /// each found by bisection to full precision.
    /// </summary>
    public override IReadOnlyList<double[]> KnownMinimizers()
    {
        int n = Dimension;
        var roots = new List<double> { 1.0 };
        if (n >= 2)
            roots.Add(Bisect(0.0, (n * (double)n - 1) / (n * (double)n)));   // p(0) = 1 > 0, p < 0 at the critical point
        if (n >= 3 && n % 2 == 1)
        {
            double lo = -1;                       // p(0) = 1 > 0 and p → −∞ as α → −∞ for odd n
            while (P(lo) > 0) lo *= 2;
            roots.Add(Bisect(lo, 0.0));
        }
        return roots.Select(a =>
        {
            var x = new double[n];
            Array.Fill(x, a);
            x[n - 1] = n + 1 - n * a;
            return x;
        }).ToArray();

        double P(double a) => n * Math.Pow(a, n) - (n + 1) * Math.Pow(a, n - 1) + 1;

        double Bisect(double a, double b)   // P changes sign on [a, b]
        {
            double pa = P(a);
            for (int k = 0; k < 200; k++)
            {
                double mid = 0.5 * (a + b);
                if (mid <= a || mid >= b) break;
                double pm = P(mid);
                if (pm == 0) return mid;
                if (Math.Sign(pm) == Math.Sign(pa)) { a = mid; pa = pm; }
                else b = mid;
            }
            return 0.5 * (a + b);
        }
    }

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        int n = x.Length;
        T sum = T.Zero, product = T.One;
        for (int j = 0; j < n; j++)
        {
            sum += x[j];
            product *= x[j];
        }
        T shift = sum - C<T>(n + 1);
        for (int i = 0; i < n - 1; i++) r[i] = x[i] + shift;
        r[n - 1] = product - T.One;
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        int n = x.Length;
        for (int i = 0; i < n - 1; i++)
            for (int k = 0; k < n; k++)
                j[i, k] = i == k ? 2.0 : 1.0;
        // ∂(Πⱼ xⱼ)/∂x_k = Π_{j≠k} xⱼ, from prefix and suffix products (exact when some xⱼ are 0).
        double prefix = 1;
        for (int k = 0; k < n; k++)
        {
            j[n - 1, k] = prefix;
            prefix *= x[k];
        }
        double suffix = 1;
        for (int k = n - 1; k >= 0; k--)
        {
            j[n - 1, k] *= suffix;
            suffix *= x[k];
        }
    }
}
