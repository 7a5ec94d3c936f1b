using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 25, variably dimensioned: for n ≥ 1 and m = n + 2, rᵢ = xᵢ − 1 (i = 1 … n),
/// rₙ₊₁ = Σⱼ j(xⱼ − 1), rₙ₊₂ = (Σⱼ j(xⱼ − 1))². Minimum 0 at (1, …, 1); standard start xⱼ = 1 − j/n. Default n = 10.
/// </summary>
public sealed class VariablyDimensioned : LeastSquaresTestProblem
{
    /// <summary>The default dimension, 10.</summary>
    public const int DefaultDimension = 10;

    /// <summary>Creates the problem in dimension <paramref name="n"/>.</summary>
    /// <param name="n">Number of variables, at least 1 (default 10).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    public VariablyDimensioned(int n = DefaultDimension)
    {
        if (n < 1)
            throw new ArgumentOutOfRangeException(nameof(n), n, "The variably dimensioned function needs n ≥ 1.");
        Dimension = n;
    }

    /// <inheritdoc/>
    public override string Name => "mgh-variably-dimensioned";
    /// <inheritdoc/>
    public override string Description => $"MGH 25: variably dimensioned (n = {Dimension})";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 25";
    /// <inheritdoc/>
    public override int Dimension { get; }
    /// <inheritdoc/>
    public override int Residuals => Dimension + 2;
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;

    /// <inheritdoc/>
    public override double[] StandardStart()
    {
        var x = new double[Dimension];
        for (int j = 1; j <= x.Length; j++) x[j - 1] = 1.0 - (double)j / x.Length;
        return x;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers()
    {
        var x = new double[Dimension];
        Array.Fill(x, 1.0);
        return [x];
    }

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        int n = x.Length;
        T s = T.Zero;
        for (int j = 0; j < n; j++)
        {
            r[j] = x[j] - T.One;
            s += C<T>(j + 1) * r[j];
        }
        r[n] = s;
        r[n + 1] = s * s;
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        int n = x.Length;
        double s = 0;
        for (int k = 0; k < n; k++) s += (k + 1) * (x[k] - 1);
        j.Clear();
        for (int k = 0; k < n; k++)
        {
            j[k, k] = 1;
            j[n, k] = k + 1;
            j[n + 1, k] = 2 * s * (k + 1);
        }
    }
}
