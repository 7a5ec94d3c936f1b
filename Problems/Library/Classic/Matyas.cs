using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library;

/// <summary>
/// The Matyas function f(x, y) = 0.26(x² + y²) − 0.48xy: a convex quadratic whose Hessian [[0.52, −0.48], [−0.48, 0.52]]
/// has eigenvalues 0.04 (along (1, 1)) and 1 (along (1, −1)), condition number 25 — a shallow, tilted valley.
/// Minimum 0 at the origin; start (3, 1) (no standard start in the literature; it excites both eigendirections).
/// </summary>
public sealed class Matyas : TestProblem
{
    /// <inheritdoc/>
    public override string Name => "matyas";
    /// <inheritdoc/>
    public override string Description => "Matyas function (2-D convex quadratic, κ = 25)";
    /// <inheritdoc/>
    public override string Reference => "M. Jamil, X.-S. Yang, A literature survey of benchmark functions for global optimisation problems, Int. J. Math. Model. Numer. Optim. 4(2) (2013) 150–194";
    /// <inheritdoc/>
    public override int Dimension => 2;
    /// <inheritdoc/>
    public override double[] StandardStart() => [3.0, 1.0];
    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [[0.0, 0.0]];
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;
    /// <inheritdoc/>
    public override bool HasAnalyticHessian => true;
    /// <summary>The square [−10, 10]² in which the function is usually studied.</summary>
    public override (double[] Lower, double[] Upper) SamplingBox() => ([-10.0, -10.0], [10.0, 10.0]);

    /// <inheritdoc/>
    public override T Evaluate<T>(ReadOnlySpan<T> x) =>
        C<T>(0.26) * (x[0] * x[0] + x[1] * x[1]) - C<T>(0.48) * x[0] * x[1];

    /// <inheritdoc/>
    public override double ValueAndGradient(ReadOnlySpan<double> x, Span<double> g)
    {
        CheckLength(x.Length, nameof(x));
        CheckLength(g.Length, "gradient");
        g[0] = 0.52 * x[0] - 0.48 * x[1];
        g[1] = 0.52 * x[1] - 0.48 * x[0];
        return 0.26 * (x[0] * x[0] + x[1] * x[1]) - 0.48 * x[0] * x[1];
    }

    /// <inheritdoc/>
    public override void Hessian(ReadOnlySpan<double> x, DenseMatrix h)
    {
        CheckLength(x.Length, nameof(x));
        h[0, 0] = 0.52;
        h[0, 1] = h[1, 0] = -0.48;
        h[1, 1] = 0.52;
    }
}
