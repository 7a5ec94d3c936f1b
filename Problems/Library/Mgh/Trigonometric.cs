using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 26, trigonometric: for any n ≥ 1 and m = n, rᵢ = n − Σⱼ cos xⱼ + i(1 − cos xᵢ) − sin xᵢ.
/// Minimum 0 (MGH; the minimiser is not known in closed form); standard start (1/n, …, 1/n). Default n = 10, for which
/// a local minimum f ≈ 2.79506·10⁻⁵ is often found instead.
/// </summary>
public sealed class Trigonometric : LeastSquaresTestProblem
{
    /// <summary>The default dimension, 10.</summary>
    public const int DefaultDimension = 10;

    /// <summary>Creates the problem in dimension <paramref name="n"/>.</summary>
    /// <param name="n">Number of variables, at least 1 (default 10).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    public Trigonometric(int n = DefaultDimension)
    {
        if (n < 1)
            throw new ArgumentOutOfRangeException(nameof(n), n, "The trigonometric function needs n ≥ 1.");
        Dimension = n;
    }

    /// <inheritdoc/>
    public override string Name => "mgh-trigonometric";
    /// <inheritdoc/>
    public override string Description => $"MGH 26: trigonometric (n = {Dimension})";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 26; E. Spedicato (1975)";
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
        Array.Fill(x, 1.0 / Dimension);
        return x;
    }

    /// <summary>[−1, 1]ⁿ around the standard start and the minima near it.</summary>
    public override (double[] Lower, double[] Upper) SamplingBox()
    {
        double[] lo = new double[Dimension], hi = new double[Dimension];
        Array.Fill(lo, -1.0);
        Array.Fill(hi, 1.0);
        return (lo, hi);
    }

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        int n = x.Length;
        T sumCos = T.Zero;
        for (int j = 0; j < n; j++) sumCos += T.Cos(x[j]);
        T nMinus = C<T>(n) - sumCos;
        for (int i = 0; i < n; i++)
            r[i] = nMinus + C<T>(i + 1) * (T.One - T.Cos(x[i])) - T.Sin(x[i]);
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        int n = x.Length;
        for (int k = 0; k < n; k++)
        {
            double s = Math.Sin(x[k]);
            var col = j.Column(k);
            col.Fill(s);                                   // ∂(−Σ cos xⱼ)/∂x_k = sin x_k
            col[k] = (k + 2) * s - Math.Cos(x[k]);         // + (k+1) sin x_k − cos x_k on the diagonal
        }
    }
}
