using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 23, penalty function I: for n ≥ 1 and m = n + 1, rᵢ = √a (xᵢ − 1) (i = 1 … n) and
/// rₙ₊₁ = Σⱼ xⱼ² − ¼, with a = 10⁻⁵. Standard start xⱼ = j. Known minima (MGH): f = 2.24997…·10⁻⁵ for n = 4 and
/// 7.08765…·10⁻⁵ for n = 10, at a point with all coordinates equal (not in closed form). Default n = 10.
/// </summary>
public sealed class PenaltyI : LeastSquaresTestProblem
{
    /// <summary>The default dimension, 10.</summary>
    public const int DefaultDimension = 10;
    private static readonly double SqrtA = Math.Sqrt(1e-5);

    /// <summary>Creates the problem in dimension <paramref name="n"/>.</summary>
    /// <param name="n">Number of variables, at least 1 (default 10).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    public PenaltyI(int n = DefaultDimension)
    {
        if (n < 1)
            throw new ArgumentOutOfRangeException(nameof(n), n, "Penalty function I needs n ≥ 1.");
        Dimension = n;
    }

    /// <inheritdoc/>
    public override string Name => "mgh-penalty1";
    /// <inheritdoc/>
    public override string Description => $"MGH 23: penalty function I (n = {Dimension})";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 23; Gill, Murray & Pitfield, NPL report NAC 11 (1972)";
    /// <inheritdoc/>
    public override int Dimension { get; }
    /// <inheritdoc/>
    public override int Residuals => Dimension + 1;

    /// <summary>2.24997·10⁻⁵ for n = 4 and 7.08765·10⁻⁵ for n = 10 (MGH's published digits); null for other n.</summary>
    public override double? KnownMinimum => Dimension switch
    {
        4 => 2.24997e-5,
        10 => 7.08765e-5,
        _ => null,
    };

    /// <inheritdoc/>
    public override double[] StandardStart()
    {
        var x = new double[Dimension];
        for (int j = 0; j < x.Length; j++) x[j] = j + 1;
        return x;
    }

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        int n = x.Length;
        T sa = C<T>(SqrtA), s = T.Zero;
        for (int i = 0; i < n; i++)
        {
            r[i] = sa * (x[i] - T.One);
            s += x[i] * x[i];
        }
        r[n] = s - C<T>(0.25);
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        int n = x.Length;
        j.Clear();
        for (int k = 0; k < n; k++)
        {
            j[k, k] = SqrtA;
            j[n, k] = 2 * x[k];
        }
    }
}
