using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 30, Broyden tridiagonal: for n ≥ 1 and m = n, with x₀ = xₙ₊₁ = 0,
/// rᵢ = (3 − 2xᵢ)xᵢ − xᵢ₋₁ − 2xᵢ₊₁ + 1. Minimum 0 (MGH; the minimiser is not known in closed form); standard start
/// (−1, …, −1). Default n = 10.
/// </summary>
public sealed class BroydenTridiagonal : LeastSquaresTestProblem
{
    /// <summary>The default dimension, 10.</summary>
    public const int DefaultDimension = 10;

    /// <summary>Creates the problem in dimension <paramref name="n"/>.</summary>
    /// <param name="n">Number of variables, at least 1 (default 10).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    public BroydenTridiagonal(int n = DefaultDimension)
    {
        if (n < 1)
            throw new ArgumentOutOfRangeException(nameof(n), n, "The Broyden tridiagonal function needs n ≥ 1.");
        Dimension = n;
    }

    /// <inheritdoc/>
    public override string Name => "mgh-broyden-tridiagonal";
    /// <inheritdoc/>
    public override string Description => $"MGH 30: Broyden tridiagonal (n = {Dimension})";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 30; C. G. Broyden, Math. Comp. 19 (1965) 577–593";
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
        T two = C<T>(2), three = C<T>(3);
        for (int i = 0; i < n; i++)
        {
            T left = i > 0 ? x[i - 1] : T.Zero, right = i < n - 1 ? x[i + 1] : T.Zero;
            r[i] = (three - two * x[i]) * x[i] - left - two * right + T.One;
        }
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        int n = x.Length;
        j.Clear();
        for (int i = 0; i < n; i++)
        {
            j[i, i] = 3 - 4 * x[i];
            if (i > 0) j[i, i - 1] = -1;
            if (i < n - 1) j[i, i + 1] = -2;
        }
    }
}
