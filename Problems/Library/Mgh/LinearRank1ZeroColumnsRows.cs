using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 34, linear function — rank 1 with zero columns and rows: for m ≥ n ≥ 3, r₁ = rₘ = −1 and
/// rᵢ = (i − 1)·Σ_{j=2}^{n−1} j·xⱼ − 1 (i = 2 … m − 1); x₁ and xₙ do not appear. The minimisers form the set
/// Σ_{j=2}^{n−1} j·xⱼ = 3/(2m − 3), where f = (m² + 3m − 6)/(2(2m − 3)) (MGH). Standard start (1, …, 1).
/// Default n = 10, m = 20 (f* = 227/37).
/// </summary>
public sealed class LinearRank1ZeroColumnsRows : LeastSquaresTestProblem
{
    /// <summary>The default dimension, 10.</summary>
    public const int DefaultDimension = 10;

    /// <summary>Creates the problem with <paramref name="n"/> variables and <paramref name="m"/> residuals.</summary>
    /// <param name="n">Number of variables, at least 3 (default 10).</param>
    /// <param name="m">Number of residuals, at least n (default max(20, n)).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 3, or <paramref name="m"/> less than n.</exception>
    public LinearRank1ZeroColumnsRows(int n = DefaultDimension, int? m = null)
    {
        (Dimension, Residuals) = LinearFullRank.CheckSizes(n, m, 3, "The linear function (rank 1, zero columns and rows)");
    }

    /// <inheritdoc/>
    public override string Name => "mgh-linear-rank1-zero";
    /// <inheritdoc/>
    public override string Description => $"MGH 34: linear function, rank 1 with zero columns and rows (n = {Dimension}, m = {Residuals})";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 34";
    /// <inheritdoc/>
    public override int Dimension { get; }
    /// <inheritdoc/>
    public override int Residuals { get; }
    /// <summary>(m² + 3m − 6)/(2(2m − 3)).</summary>
    public override double? KnownMinimum => (Residuals * (double)Residuals + 3.0 * Residuals - 6) / (2.0 * (2 * Residuals - 3));

    /// <inheritdoc/>
    public override double[] StandardStart()
    {
        var x = new double[Dimension];
        Array.Fill(x, 1.0);
        return x;
    }

    /// <summary>
    /// One point of the minimising set: x = s·w/‖w‖² with w = (0, 2, 3, …, n − 1, 0) and s = 3/(2m − 3), the point of
    /// the set nearest the origin. (x₁ and xₙ are free, as is every direction orthogonal to w.)
    /// </summary>
    public override IReadOnlyList<double[]> KnownMinimizers()
    {
        var x = new double[Dimension];
        double norm2 = 0;
        for (int j = 2; j < Dimension; j++) norm2 += (double)j * j;
        double s = 3.0 / (2 * Residuals - 3);
        for (int j = 2; j < Dimension; j++) x[j - 1] = s * j / norm2;
        return [x];
    }

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        int n = x.Length, m = r.Length;
        T s = T.Zero;
        for (int j = 2; j < n; j++) s += C<T>(j) * x[j - 1];
        r[0] = -T.One;
        for (int i = 2; i < m; i++) r[i - 1] = C<T>(i - 1) * s - T.One;
        r[m - 1] = -T.One;
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        j.Clear();
        for (int i = 2; i < Residuals; i++)
            for (int k = 2; k < Dimension; k++)
                j[i - 1, k - 1] = (i - 1.0) * k;
    }
}
