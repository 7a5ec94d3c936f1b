using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library;

/// <summary>
/// Booth's function f(x, y) = (x + 2y − 7)² + (2x + y − 5)²: a convex quadratic with constant Hessian
/// [[10, 8], [8, 10]] (condition number 9). Minimum 0 at (1, 3); start (0, 0) (no standard start in the literature).
/// </summary>
public sealed class Booth : TestProblem
{
    /// <inheritdoc/>
    public override string Name => "booth";
    /// <inheritdoc/>
    public override string Description => "Booth's function (2-D convex quadratic)";
    /// <inheritdoc/>
    public override string Reference => "M. Jamil, X.-S. Yang, A literature survey of benchmark functions for global optimisation problems, Int. J. Math. Model. Numer. Optim. 4(2) (2013) 150–194";
    /// <inheritdoc/>
    public override int Dimension => 2;
    /// <inheritdoc/>
    public override double[] StandardStart() => [0.0, 0.0];
    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [[1.0, 3.0]];
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;
    /// <inheritdoc/>
    public override bool HasAnalyticHessian => true;
    /// <summary>The square [−10, 10]² in which the function is usually studied.</summary>
    public override (double[] Lower, double[] Upper) SamplingBox() => ([-10.0, -10.0], [10.0, 10.0]);

    /// <inheritdoc/>
    public override T Evaluate<T>(ReadOnlySpan<T> x)
    {
        T a = x[0] + C<T>(2) * x[1] - C<T>(7), b = C<T>(2) * x[0] + x[1] - C<T>(5);
        return a * a + b * b;
    }

    /// <inheritdoc/>
    public override double ValueAndGradient(ReadOnlySpan<double> x, Span<double> g)
    {
        CheckLength(x.Length, nameof(x));
        CheckLength(g.Length, "gradient");
        double a = x[0] + 2 * x[1] - 7, b = 2 * x[0] + x[1] - 5;
        g[0] = 2 * a + 4 * b;
        g[1] = 4 * a + 2 * b;
        return a * a + b * b;
    }

    /// <inheritdoc/>
    public override void Hessian(ReadOnlySpan<double> x, DenseMatrix h)
    {
        CheckLength(x.Length, nameof(x));
        h[0, 0] = 10;
        h[0, 1] = h[1, 0] = 8;
        h[1, 1] = 10;
    }
}
