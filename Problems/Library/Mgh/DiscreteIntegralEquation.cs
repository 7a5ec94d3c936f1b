using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 29, discrete integral equation: for n ≥ 1 and m = n, with h = 1/(n + 1) and tᵢ = ih,
/// rᵢ = xᵢ + h[(1 − tᵢ) Σⱼ≤ᵢ tⱼ(xⱼ + tⱼ + 1)³ + tᵢ Σⱼ&gt;ᵢ (1 − tⱼ)(xⱼ + tⱼ + 1)³]/2 — the trapezoidal discretisation of
/// u(t) + ∫₀¹ H(s, t)(u(s) + s + 1)³ ds / 2 = 0 (the integral form of MGH 28). Minimum 0 at the discrete solution (not in
/// closed form); standard start xⱼ = tⱼ(tⱼ − 1). Default n = 10. The Jacobian is dense.
/// </summary>
public sealed class DiscreteIntegralEquation : LeastSquaresTestProblem
{
    /// <summary>The default dimension, 10.</summary>
    public const int DefaultDimension = 10;

    /// <summary>Creates the problem in dimension <paramref name="n"/>.</summary>
    /// <param name="n">Number of variables (interior grid points), at least 1 (default 10).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    public DiscreteIntegralEquation(int n = DefaultDimension)
    {
        if (n < 1)
            throw new ArgumentOutOfRangeException(nameof(n), n, "The discrete integral equation function needs n ≥ 1.");
        Dimension = n;
    }

    /// <inheritdoc/>
    public override string Name => "mgh-discrete-integral-equation";
    /// <inheritdoc/>
    public override string Description => $"MGH 29: discrete integral equation (n = {Dimension})";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 29; Moré & Cosnard, ACM TOMS 5 (1979) 64–85";
    /// <inheritdoc/>
    public override int Dimension { get; }
    /// <inheritdoc/>
    public override int Residuals => Dimension;
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;

    /// <inheritdoc/>
    public override double[] StandardStart() => DiscreteBoundaryValue.GridStart(Dimension);

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        int n = x.Length;
        double h = 1.0 / (n + 1);
        // r holds cⱼ = (xⱼ + tⱼ + 1)³ first; the two sums then run as a prefix (Σⱼ≤ᵢ tⱼcⱼ) and a suffix (Σⱼ>ᵢ (1 − tⱼ)cⱼ).
        T upper = T.Zero;
        for (int j = 0; j < n; j++)
        {
            double t = (j + 1) * h;
            T u = x[j] + C<T>(t + 1);
            r[j] = u * u * u;
            upper += C<T>(1 - t) * r[j];
        }
        T lower = T.Zero;
        for (int i = 0; i < n; i++)
        {
            double t = (i + 1) * h;
            T c = r[i];
            lower += C<T>(t) * c;
            upper -= C<T>(1 - t) * c;
            r[i] = x[i] + C<T>(0.5 * h) * (C<T>(1 - t) * lower + C<T>(t) * upper);
        }
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        int n = x.Length;
        double h = 1.0 / (n + 1);
        for (int k = 0; k < n; k++)
        {
            double tk = (k + 1) * h, u = x[k] + tk + 1, dc = 3 * u * u;   // ∂c_k/∂x_k
            for (int i = 0; i < n; i++)
            {
                double ti = (i + 1) * h;
                double weight = k <= i ? (1 - ti) * tk : ti * (1 - tk);
                j[i, k] = 0.5 * h * weight * dc + (i == k ? 1.0 : 0.0);
            }
        }
    }
}
