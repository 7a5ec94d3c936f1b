using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 3, Powell badly scaled: r₁ = 10⁴x₁x₂ − 1, r₂ = exp(−x₁) + exp(−x₂) − 1.0001.
/// Minimum 0 at (1.098…·10⁻⁵, 9.106…) — not known in closed form, so no minimiser is listed; the variables differ in
/// scale by six orders of magnitude. Standard start (0, 1).
/// </summary>
public sealed class PowellBadlyScaled : LeastSquaresTestProblem
{
    /// <inheritdoc/>
    public override string Name => "mgh-powell-badly-scaled";
    /// <inheritdoc/>
    public override string Description => "MGH 3: Powell badly scaled";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 3";
    /// <inheritdoc/>
    public override int Dimension => 2;
    /// <inheritdoc/>
    public override int Residuals => 2;
    /// <inheritdoc/>
    public override double[] StandardStart() => [0.0, 1.0];
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;
    /// <summary>[−1, 1] × [0, 10]: the start and the minimiser.</summary>
    public override (double[] Lower, double[] Upper) SamplingBox() => ([-1.0, 0.0], [1.0, 10.0]);

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        r[0] = C<T>(1e4) * x[0] * x[1] - T.One;
        r[1] = T.Exp(-x[0]) + T.Exp(-x[1]) - C<T>(1.0001);
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        j[0, 0] = 1e4 * x[1];
        j[0, 1] = 1e4 * x[0];
        j[1, 0] = -Math.Exp(-x[0]);
        j[1, 1] = -Math.Exp(-x[1]);
    }
}
