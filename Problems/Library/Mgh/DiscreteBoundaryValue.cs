using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 28, discrete boundary value: for n ≥ 1 and m = n, with h = 1/(n + 1), tᵢ = ih and x₀ = xₙ₊₁ = 0,
/// rᵢ = 2xᵢ − xᵢ₋₁ − xᵢ₊₁ + h²(xᵢ + tᵢ + 1)³/2 — the central-difference discretisation of u″ = ½(u + t + 1)³,
/// u(0) = u(1) = 0. Minimum 0 at the discrete solution (not in closed form); standard start xⱼ = tⱼ(tⱼ − 1).
/// Default n = 10.
/// </summary>
public sealed class DiscreteBoundaryValue : LeastSquaresTestProblem
{
    /// <summary>The default dimension, 10.</summary>
    public const int DefaultDimension = 10;

    /// <summary>Creates the problem in dimension <paramref name="n"/>.</summary>
    /// <param name="n">Number of variables (interior grid points), at least 1 (default 10).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    public DiscreteBoundaryValue(int n = DefaultDimension)
    {
        if (n < 1)
            throw new ArgumentOutOfRangeException(nameof(n), n, "The discrete boundary value function needs n ≥ 1.");
        Dimension = n;
    }

    /// <inheritdoc/>
    public override string Name => "mgh-discrete-boundary-value";
    /// <inheritdoc/>
    public override string Description => $"MGH 28: discrete boundary value (n = {Dimension})";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 28; Moré & Cosnard, ACM TOMS 5 (1979) 64–85";
    /// <inheritdoc/>
    public override int Dimension { get; }
    /// <inheritdoc/>
    public override int Residuals => Dimension;
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;

    /// <inheritdoc/>
    public override double[] StandardStart() => GridStart(Dimension);

    /// <summary>xⱼ = tⱼ(tⱼ − 1) with tⱼ = j/(n + 1): the standard start of MGH 28 and 29.</summary>
    internal static double[] GridStart(int n)
    {
        var x = new double[n];
        double h = 1.0 / (n + 1);
        for (int j = 1; j <= n; j++)
        {
            double t = j * h;
            x[j - 1] = t * (t - 1);
        }
        return x;
    }

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        int n = x.Length;
        double h = 1.0 / (n + 1);
        T halfH2 = C<T>(0.5 * h * h);
        for (int i = 0; i < n; i++)
        {
            T u = x[i] + C<T>((i + 1) * h + 1);
            T left = i > 0 ? x[i - 1] : T.Zero, right = i < n - 1 ? x[i + 1] : T.Zero;
            r[i] = C<T>(2) * x[i] - left - right + halfH2 * u * u * u;
        }
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        int n = x.Length;
        double h = 1.0 / (n + 1);
        j.Clear();
        for (int i = 0; i < n; i++)
        {
            double u = x[i] + (i + 1) * h + 1;
            j[i, i] = 2 + 1.5 * h * h * u * u;
            if (i > 0) j[i, i - 1] = -1;
            if (i < n - 1) j[i, i + 1] = -1;
        }
    }
}
