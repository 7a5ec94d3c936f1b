using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library;

/// <summary>
/// Beale's function f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²: a narrow curved valley
/// with steep walls. Minimum 0 at (3, 0.5); standard start (1, 1).
/// </summary>
/// <remarks>The residual form of the same function is <see cref="Mgh.MghBeale"/> (MGH problem 5).</remarks>
public sealed class Beale : TestProblem
{
    private static readonly double[] Y = [1.5, 2.25, 2.625];

    /// <inheritdoc/>
    public override string Name => "beale";
    /// <inheritdoc/>
    public override string Description => "Beale's function (2-D)";
    /// <inheritdoc/>
    public override string Reference => "E. M. L. Beale, Tech. Rep. 25, Statistical Techniques Research Group, Princeton (1958); MGH problem 5";
    /// <inheritdoc/>
    public override int Dimension => 2;
    /// <inheritdoc/>
    public override double[] StandardStart() => [1.0, 1.0];
    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [[3.0, 0.5]];
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;
    /// <inheritdoc/>
    public override bool HasAnalyticHessian => true;

    /// <inheritdoc/>
    public override T Evaluate<T>(ReadOnlySpan<T> x)
    {
        T sum = T.Zero, yk = T.One;
        for (int k = 0; k < 3; k++)
        {
            yk *= x[1];
            T r = C<T>(Y[k]) - x[0] * (T.One - yk);
            sum += r * r;
        }
        return sum;
    }

    /// <inheritdoc/>
    public override double ValueAndGradient(ReadOnlySpan<double> x, Span<double> g)
    {
        CheckLength(x.Length, nameof(x));
        CheckLength(g.Length, "gradient");
        double sum = 0, g0 = 0, g1 = 0, ykm1 = 1;
        for (int k = 1; k <= 3; k++)
        {
            double yk = ykm1 * x[1];
            double r = Y[k - 1] - x[0] * (1 - yk);
            sum += r * r;
            g0 += 2 * r * (yk - 1);          // ∂r/∂x = yᵏ − 1
            g1 += 2 * r * k * x[0] * ykm1;   // ∂r/∂y = k x yᵏ⁻¹
            ykm1 = yk;
        }
        g[0] = g0;
        g[1] = g1;
        return sum;
    }

    /// <summary>The analytic Hessian 2 Σₖ (∇rₖ∇rₖᵀ + rₖ∇²rₖ) of the three residuals.</summary>
    public override void Hessian(ReadOnlySpan<double> x, DenseMatrix h)
    {
        CheckLength(x.Length, nameof(x));
        double hxx = 0, hxy = 0, hyy = 0;
        for (int k = 1; k <= 3; k++)
        {
            double ykm2 = k >= 2 ? Math.Pow(x[1], k - 2) : 0, ykm1 = Math.Pow(x[1], k - 1), yk = Math.Pow(x[1], k);
            double r = Y[k - 1] - x[0] * (1 - yk);
            double rx = yk - 1, ry = k * x[0] * ykm1;
            double rxy = k * ykm1, ryy = k * (k - 1) * x[0] * ykm2;
            hxx += 2 * rx * rx;
            hxy += 2 * (rx * ry + r * rxy);
            hyy += 2 * (ry * ry + r * ryy);
        }
        h[0, 0] = hxx;
        h[0, 1] = h[1, 0] = hxy;
        h[1, 1] = hyy;
    }
}
