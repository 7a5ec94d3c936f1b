using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 7, the helical valley of Fletcher and Powell: r₁ = 10(x₃ − 10θ(x₁, x₂)), r₂ = 10(√(x₁² + x₂²) − 1),
/// r₃ = x₃, where θ = arctan(x₂/x₁)/(2π) for x₁ &gt; 0 and arctan(x₂/x₁)/(2π) + 0.5 for x₁ &lt; 0.
/// Minimum 0 at (1, 0, 0); standard start (−1, 0, 0).
/// </summary>
/// <remarks>
/// θ is undefined at x₁ = 0 (the code takes the x₁ &gt; 0 branch there, which is its limit for x₂ &gt; 0) and jumps by 1
/// across the half-plane {x₁ = 0, x₂ &lt; 0}; the function is singular on the x₃-axis. <see cref="SamplingBox"/>
/// keeps x₂ ≥ 0.05, away from both.
/// </remarks>
public sealed class HelicalValley : LeastSquaresTestProblem
{
    /// <inheritdoc/>
    public override string Name => "mgh-helical-valley";
    /// <inheritdoc/>
    public override string Description => "MGH 7: helical valley";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 7; Fletcher & Powell, Comput. J. 6 (1963)";
    /// <inheritdoc/>
    public override int Dimension => 3;
    /// <inheritdoc/>
    public override int Residuals => 3;
    /// <inheritdoc/>
    public override double[] StandardStart() => [-1.0, 0.0, 0.0];
    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [[1.0, 0.0, 0.0]];
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;
    /// <summary>[−2, 2] × [0.05, 1.5] × [−1, 1]: smooth there (no branch cut, away from the axis).</summary>
    public override (double[] Lower, double[] Upper) SamplingBox() => ([-2.0, 0.05, -1.0], [2.0, 1.5, 1.0]);

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        T theta = T.Atan(x[1] / x[0]) / (C<T>(2) * T.Pi);
        if (x[0] < T.Zero) theta += C<T>(0.5);
        r[0] = C<T>(10) * (x[2] - C<T>(10) * theta);
        r[1] = C<T>(10) * (T.Sqrt(x[0] * x[0] + x[1] * x[1]) - T.One);
        r[2] = x[2];
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        double rho2 = x[0] * x[0] + x[1] * x[1], rho = Math.Sqrt(rho2);
        // ∂θ/∂x₁ = −x₂/(2πρ²), ∂θ/∂x₂ = x₁/(2πρ²), and r₁ = 10x₃ − 100θ.
        j[0, 0] = 50 * x[1] / (Math.PI * rho2);
        j[0, 1] = -50 * x[0] / (Math.PI * rho2);
        j[0, 2] = 10;
        j[1, 0] = 10 * x[0] / rho;
        j[1, 1] = 10 * x[1] / rho;
        j[1, 2] = 0;
        j[2, 0] = 0;
        j[2, 1] = 0;
        j[2, 2] = 1;
    }
}
