using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 24, penalty function II: for n ≥ 1 and m = 2n, with a = 10⁻⁵ and yᵢ = exp(i/10) + exp((i − 1)/10):
/// r₁ = x₁ − 0.2; rᵢ = √a (exp(xᵢ/10) + exp(xᵢ₋₁/10) − yᵢ) for 2 ≤ i ≤ n; rᵢ = √a (exp(xᵢ₋ₙ₊₁/10) − exp(−1/10)) for
/// n &lt; i &lt; 2n; r₂ₙ = Σⱼ (n − j + 1)xⱼ² − 1. Standard start (½, …, ½). Known minima (MGH): f = 9.37629…·10⁻⁶
/// for n = 4 and 2.93660…·10⁻⁴ for n = 10. Default n = 10.
/// </summary>
public sealed class PenaltyII : LeastSquaresTestProblem
{
    /// <summary>The default dimension, 10.</summary>
    public const int DefaultDimension = 10;
    private static readonly double SqrtA = Math.Sqrt(1e-5), ExpMinusTenth = Math.Exp(-0.1);

    /// <summary>Creates the problem in dimension <paramref name="n"/>.</summary>
    /// <param name="n">Number of variables, at least 1 (default 10).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    public PenaltyII(int n = DefaultDimension)
    {
        if (n < 1)
            throw new ArgumentOutOfRangeException(nameof(n), n, "Penalty function II needs n ≥ 1.");
        Dimension = n;
    }

    /// <inheritdoc/>
    public override string Name => "mgh-penalty2";
    /// <inheritdoc/>
    public override string Description => $"MGH 24: penalty function II (n = {Dimension})";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 24; Gill, Murray & Pitfield, NPL report NAC 11 (1972)";
    /// <inheritdoc/>
    public override int Dimension { get; }
    /// <inheritdoc/>
    public override int Residuals => 2 * Dimension;

    /// <summary>9.37629·10⁻⁶ for n = 4 and 2.93660·10⁻⁴ for n = 10 (MGH's published digits); null for other n.</summary>
    public override double? KnownMinimum => Dimension switch
    {
        4 => 9.37629e-6,
        10 => 2.93660e-4,
        _ => null,
    };

    /// <inheritdoc/>
    public override double[] StandardStart()
    {
        var x = new double[Dimension];
        Array.Fill(x, 0.5);
        return x;
    }

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        int n = x.Length;
        T sa = C<T>(SqrtA), tenth = C<T>(0.1);
        r[0] = x[0] - C<T>(0.2);
        for (int i = 1; i < n; i++) // 1-based row i + 1 = 2 … n
            r[i] = sa * (T.Exp(x[i] * tenth) + T.Exp(x[i - 1] * tenth) - C<T>(Y(i + 1)));
        for (int i = n; i < 2 * n - 1; i++) // 1-based rows n + 1 … 2n − 1 use x_{i−n+1}
            r[i] = sa * (T.Exp(x[i - n + 1] * tenth) - C<T>(ExpMinusTenth));
        T s = T.Zero;
        for (int j = 0; j < n; j++) s += C<T>(n - j) * x[j] * x[j];
        r[2 * n - 1] = s - T.One;
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        int n = x.Length;
        j.Clear();
        j[0, 0] = 1;
        for (int i = 1; i < n; i++)
        {
            j[i, i] = SqrtA * Math.Exp(x[i] * 0.1) * 0.1;
            j[i, i - 1] = SqrtA * Math.Exp(x[i - 1] * 0.1) * 0.1;
        }
        for (int i = n; i < 2 * n - 1; i++)
            j[i, i - n + 1] = SqrtA * Math.Exp(x[i - n + 1] * 0.1) * 0.1;
        for (int k = 0; k < n; k++) j[2 * n - 1, k] = 2.0 * (n - k) * x[k];
    }

    private static double Y(int i) => Math.Exp(i / 10.0) + Math.Exp((i - 1) / 10.0);
}
