using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 32, linear function — full rank: for m ≥ n ≥ 1, rᵢ = xᵢ − (2/m)Σⱼ xⱼ − 1 (i ≤ n) and
/// rᵢ = −(2/m)Σⱼ xⱼ − 1 (i &gt; n). The Jacobian [I; 0] − (2/m)𝟙𝟙ᵀ has full column rank, so the minimiser
/// is unique: f = m − n at (−1, …, −1). Standard start (1, …, 1). Default n = 10, m = 20.
/// </summary>
public sealed class LinearFullRank : LeastSquaresTestProblem
{
    /// <summary>The default dimension, 10.</summary>
    public const int DefaultDimension = 10;
    /// <summary>The default number of residuals, 20 (used whenever n ≤ 20; m = n above that).</summary>
    public const int DefaultResiduals = 20;

    /// <summary>Creates the problem with <paramref name="n"/> variables and <paramref name="m"/> residuals.</summary>
    /// <param name="n">Number of variables, at least 1 (default 10).</param>
    /// <param name="m">Number of residuals, at least n (default max(20, n)).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1, or <paramref name="m"/> less than n.</exception>
    public LinearFullRank(int n = DefaultDimension, int? m = null)
    {
        (Dimension, Residuals) = CheckSizes(n, m, 1, "The linear function (full rank)");
    }

    /// <summary>Validates n ≥ <paramref name="minimumN"/> and m ≥ n (m defaulting to max(20, n)); shared by MGH 32–34.</summary>
    internal static (int N, int M) CheckSizes(int n, int? m, int minimumN, string what)
    {
        if (n < minimumN)
            throw new ArgumentOutOfRangeException(nameof(n), n, $"{what} needs n ≥ {minimumN}.");
        int rows = m ?? Math.Max(DefaultResiduals, n);
        if (rows < n)
            throw new ArgumentOutOfRangeException(nameof(m), rows, $"{what} needs m ≥ n = {n}.");
        return (n, rows);
    }

    /// <inheritdoc/>
    public override string Name => "mgh-linear-full-rank";
    /// <inheritdoc/>
    public override string Description => $"MGH 32: linear function, full rank (n = {Dimension}, m = {Residuals})";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 32";
    /// <inheritdoc/>
    public override int Dimension { get; }
    /// <inheritdoc/>
    public override int Residuals { get; }
    /// <summary>m − n.</summary>
    public override double? KnownMinimum => Residuals - Dimension;

    /// <inheritdoc/>
    public override double[] StandardStart()
    {
        var x = new double[Dimension];
        Array.Fill(x, 1.0);
        return x;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers()
    {
        var x = new double[Dimension];
        Array.Fill(x, -1.0);
        return [x];
    }

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        T sum = T.Zero;
        for (int j = 0; j < x.Length; j++) sum += x[j];
        T common = C<T>(-2.0 / Residuals) * sum - T.One;
        for (int i = 0; i < r.Length; i++) r[i] = i < x.Length ? x[i] + common : common;
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        double c = -2.0 / Residuals;
        for (int i = 0; i < Residuals; i++)
            for (int k = 0; k < Dimension; k++)
                j[i, k] = i == k ? 1 + c : c;
    }
}
