using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 31, Broyden banded: for n ≥ 1 and m = n, rᵢ = xᵢ(2 + 5xᵢ²) + 1 − Σ_{j ∈ Jᵢ} xⱼ(1 + xⱼ) with
/// Jᵢ = {j ≠ i : max(1, i − 5) ≤ j ≤ min(n, i + 1)} (lower bandwidth 5, upper 1). Minimum 0 (MGH; the minimiser is not
/// known in closed form); standard start (−1, …, −1). Default n = 10.
/// </summary>
public sealed class BroydenBanded : LeastSquaresTestProblem
{
    /// <summary>The default dimension, 10.</summary>
    public const int DefaultDimension = 10;
    private const int Lower = 5, Upper = 1;

    /// <summary>Creates the problem in dimension <paramref name="n"/>.</summary>
    /// <param name="n">Number of variables, at least 1 (default 10).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    public BroydenBanded(int n = DefaultDimension)
    {
        if (n < 1)
            throw new ArgumentOutOfRangeException(nameof(n), n, "The Broyden banded function needs n ≥ 1.");
        Dimension = n;
    }

    /// <inheritdoc/>
    public override string Name => "mgh-broyden-banded";
    /// <inheritdoc/>
    public override string Description => $"MGH 31: Broyden banded (n = {Dimension})";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 31; C. G. Broyden, Math. Comp. 25 (1971) 285–294";
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
        Array.Fill(x, -1.0);
        return x;
    }

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        int n = x.Length;
        T two = C<T>(2), five = C<T>(5);
        for (int i = 0; i < n; i++)
        {
            T band = T.Zero;
            for (int k = Math.Max(0, i - Lower); k <= Math.Min(n - 1, i + Upper); k++)
                if (k != i) band += x[k] * (T.One + x[k]);
            r[i] = x[i] * (two + five * x[i] * x[i]) + T.One - band;
        }
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        int n = x.Length;
        j.Clear();
        for (int i = 0; i < n; i++)
            for (int k = Math.Max(0, i - Lower); k <= Math.Min(n - 1, i + Upper); k++)
                j[i, k] = k == i ? 2 + 15 * x[i] * x[i] : -(1 + 2 * x[k]);
    }
}
