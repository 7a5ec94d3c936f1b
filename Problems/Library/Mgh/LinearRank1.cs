using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 33, linear function — rank 1: for m ≥ n ≥ 1, rᵢ = i·Σⱼ j·xⱼ − 1 (i = 1 … m). The Jacobian has rank 1,
/// so the minimisers form the hyperplane Σⱼ j·xⱼ = 3/(2m + 1), where f = m(m − 1)/(2(2m + 1)) (MGH).
/// Standard start (1, …, 1). Default n = 10, m = 20 (f* = 190/41).
/// </summary>
public sealed class LinearRank1 : LeastSquaresTestProblem
{
    /// <summary>The default dimension, 10.</summary>
    public const int DefaultDimension = 10;

    /// <summary>Creates the problem with <paramref name="n"/> variables and <paramref name="m"/> residuals.</summary>
    /// <param name="n">Number of variables, at least 1 (default 10).</param>
    /// <param name="m">Number of residuals, at least n (default max(20, n)).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1, or <paramref name="m"/> less than n.</exception>
    public LinearRank1(int n = DefaultDimension, int? m = null)
    {
        (Dimension, Residuals) = LinearFullRank.CheckSizes(n, m, 1, "The linear function (rank 1)");
    }

    /// <inheritdoc/>
    public override string Name => "mgh-linear-rank1";
    /// <inheritdoc/>
    public override string Description => $"MGH 33: linear function, rank 1 (n = {Dimension}, m = {Residuals})";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 33";
    /// <inheritdoc/>
    public override int Dimension { get; }
    /// <inheritdoc/>
    public override int Residuals { get; }
    /// <summary>m(m − 1)/(2(2m + 1)).</summary>
    public override double? KnownMinimum => Residuals * (Residuals - 1.0) / (2.0 * (2 * Residuals + 1));

    /// <inheritdoc/>
    public override double[] StandardStart()
    {
        var x = new double[Dimension];
        Array.Fill(x, 1.0);
        return x;
    }

    /// <summary>
    /// One point of the minimising hyperplane: the one nearest the origin, x = s·w/‖w‖² with wⱼ = j and s = 3/(2m + 1).
    /// (Every x with Σⱼ j·xⱼ = s is a minimiser; which one a solver returns depends on its start.)
    /// </summary>
    public override IReadOnlyList<double[]> KnownMinimizers()
    {
        var x = new double[Dimension];
        double norm2 = 0;
        for (int j = 1; j <= Dimension; j++) norm2 += (double)j * j;
        double s = 3.0 / (2 * Residuals + 1);
        for (int j = 1; j <= Dimension; j++) x[j - 1] = s * j / norm2;
        return [x];
    }

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        T s = T.Zero;
        for (int j = 0; j < x.Length; j++) s += C<T>(j + 1) * x[j];
        for (int i = 0; i < r.Length; i++) r[i] = C<T>(i + 1) * s - T.One;
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        for (int i = 0; i < Residuals; i++)
            for (int k = 0; k < Dimension; k++)
                j[i, k] = (i + 1.0) * (k + 1.0);
    }
}
