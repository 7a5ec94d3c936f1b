using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library;

/// <summary>
/// The saddle f(x, y) = x² − y²: unbounded below (there is no minimum, so <see cref="TestProblem.KnownMinimum"/> is null). Its only
/// critical point is the origin, a non-degenerate saddle (Hessian diag(2, −2)). From the start (1, 0.1) a descent method
/// should run away along y; one started on the x-axis converges to the saddle, which critical-point analysis must
/// then classify correctly.
/// </summary>
public sealed class Saddle : TestProblem
{
    /// <inheritdoc/>
    public override string Name => "saddle";
    /// <inheritdoc/>
    public override string Description => "Saddle x² − y² (unbounded, critical point at 0 is a saddle)";
    /// <inheritdoc/>
    public override string Reference => "Textbook example: a non-degenerate saddle point (indefinite Hessian)";
    /// <inheritdoc/>
    public override int Dimension => 2;
    /// <inheritdoc/>
    public override double[] StandardStart() => [1.0, 0.1];
    /// <inheritdoc/>
    public override bool HasAnalyticHessian => true;
    /// <summary>The square [−2, 2]² around the saddle point.</summary>
    public override (double[] Lower, double[] Upper) SamplingBox() => ([-2.0, -2.0], [2.0, 2.0]);

    /// <inheritdoc/>
    public override T Evaluate<T>(ReadOnlySpan<T> x) => x[0] * x[0] - x[1] * x[1];

    /// <inheritdoc/>
    public override double ValueAndGradient(ReadOnlySpan<double> x, Span<double> g)
    {
        CheckLength(x.Length, nameof(x));
        CheckLength(g.Length, "gradient");
        g[0] = 2 * x[0];
        g[1] = -2 * x[1];
        return x[0] * x[0] - x[1] * x[1];
    }

    /// <inheritdoc/>
    public override void Hessian(ReadOnlySpan<double> x, DenseMatrix h)
    {
        CheckLength(x.Length, nameof(x));
        h[0, 0] = 2;
        h[0, 1] = h[1, 0] = 0;
        h[1, 1] = -2;
    }
}
