using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library;

/// <summary>
/// Himmelblau's function f(x, y) = (x² + y − 11)² + (x + y² − 7)², with four global minima of value 0:
/// (3, 2), (−2.805118…, 3.131312…), (−3.779310…, −3.283185…) and (3.584428…, −1.848126…), a local maximum at
/// (−0.270844…, −0.923038…) and four saddle points. Standard start (0, 0) (the literature has no single one).
/// </summary>
/// <remarks>
/// The three irrational minimisers are the double-precision roundings of roots of ∇f = 0 computed to 40 digits by
/// Newton's method; they agree with the usual published six-digit values.
/// </remarks>
public sealed class Himmelblau : TestProblem
{
    /// <inheritdoc/>
    public override string Name => "himmelblau";
    /// <inheritdoc/>
    public override string Description => "Himmelblau's function (2-D, four global minima)";
    /// <inheritdoc/>
    public override string Reference => "D. M. Himmelblau, Applied Nonlinear Programming, McGraw-Hill (1972)";
    /// <inheritdoc/>
    public override int Dimension => 2;
    /// <inheritdoc/>
    public override double[] StandardStart() => [0.0, 0.0];
    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() =>
    [
        [3.0, 2.0],
        [-2.805118086952745, 3.131312518250573],
        [-3.779310253377747, -3.2831859912861696],
        [3.5844283403304917, -1.8481265269644036],
    ];
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;
    /// <inheritdoc/>
    public override bool HasAnalyticHessian => true;
    /// <summary>The square [−5, 5]², which holds all four minima and the maximum.</summary>
    public override (double[] Lower, double[] Upper) SamplingBox() => ([-5.0, -5.0], [5.0, 5.0]);

    /// <inheritdoc/>
    public override T Evaluate<T>(ReadOnlySpan<T> x)
    {
        T a = x[0] * x[0] + x[1] - C<T>(11), b = x[0] + x[1] * x[1] - C<T>(7);
        return a * a + b * b;
    }

    /// <inheritdoc/>
    public override double ValueAndGradient(ReadOnlySpan<double> x, Span<double> g)
    {
        CheckLength(x.Length, nameof(x));
        CheckLength(g.Length, "gradient");
        double a = x[0] * x[0] + x[1] - 11, b = x[0] + x[1] * x[1] - 7;
        g[0] = 4 * x[0] * a + 2 * b;
        g[1] = 2 * a + 4 * x[1] * b;
        return a * a + b * b;
    }

    /// <inheritdoc/>
    public override void Hessian(ReadOnlySpan<double> x, DenseMatrix h)
    {
        CheckLength(x.Length, nameof(x));
        double a = x[0] * x[0] + x[1] - 11, b = x[0] + x[1] * x[1] - 7;
        h[0, 0] = 4 * a + 8 * x[0] * x[0] + 2;
        h[0, 1] = h[1, 0] = 4 * (x[0] + x[1]);
        h[1, 1] = 2 + 4 * b + 8 * x[1] * x[1];
    }
}
