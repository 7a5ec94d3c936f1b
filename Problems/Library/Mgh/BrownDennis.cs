using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 16, Brown and Dennis, with m = 20: rᵢ = (x₁ + tᵢx₂ − exp(tᵢ))² + (x₃ + x₄ sin tᵢ − cos tᵢ)², tᵢ = i/5.
/// Minimum f = 85822.2 (MGH's published digits) near (−11.59, 13.20, −0.403, 0.237); standard start (25, 5, −5, −1).
/// </summary>
public sealed class BrownDennis : LeastSquaresTestProblem
{
    private const int M = 20;

    /// <inheritdoc/>
    public override string Name => "mgh-brown-dennis";
    /// <inheritdoc/>
    public override string Description => "MGH 16: Brown and Dennis (m = 20)";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 16; Brown & Dennis, Yale report 71-6 (1971)";
    /// <inheritdoc/>
    public override int Dimension => 4;
    /// <inheritdoc/>
    public override int Residuals => M;
    /// <inheritdoc/>
    public override double[] StandardStart() => [25.0, 5.0, -5.0, -1.0];
    /// <summary>
    /// 85822.201626356, to 14 significant digits (rounded). MGH print 85822.2, truncated to six digits, which is too coarse for
    /// the 1e-8 relative test of the solver harness. These digits are the value BFGS, L-BFGS, Newton trust region and
    /// Levenberg–Marquardt all converge to from the standard start here, and scipy's <c>least_squares</c> (MINPACK lm)
    /// reproduces them from the reference minimiser of the library tests.
    /// </summary>
    public override double? KnownMinimum => 85822.201626356;
    /// <summary>[−15, 30] × [0, 15] × [−6, 1] × [−2, 1]: the start and the minimiser.</summary>
    public override (double[] Lower, double[] Upper) SamplingBox() => ([-15.0, 0.0, -6.0, -2.0], [30.0, 15.0, 1.0, 1.0]);

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        for (int i = 1; i <= M; i++)
        {
            double t = i / 5.0;
            T a = x[0] + C<T>(t) * x[1] - C<T>(Math.Exp(t));
            T b = x[2] + x[3] * C<T>(Math.Sin(t)) - C<T>(Math.Cos(t));
            r[i - 1] = a * a + b * b;
        }
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        for (int i = 1; i <= M; i++)
        {
            double t = i / 5.0, s = Math.Sin(t);
            double a = x[0] + t * x[1] - Math.Exp(t), b = x[2] + x[3] * s - Math.Cos(t);
            j[i - 1, 0] = 2 * a;
            j[i - 1, 1] = 2 * t * a;
            j[i - 1, 2] = 2 * b;
            j[i - 1, 3] = 2 * s * b;
        }
    }
}
