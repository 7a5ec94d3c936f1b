using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library;

/// <summary>
/// The monkey saddle f(x, y) = x³ − 3xy²: unbounded below (no minimum, so <see cref="TestProblem.KnownMinimum"/> is null). Its only
/// critical point is the origin, a degenerate saddle where the Hessian vanishes: second-order tests cannot classify it,
/// which makes it the standard example for critical-point analysis beyond the Hessian. Start (1, 0.1).
/// </summary>
public sealed class MonkeySaddle : TestProblem
{
    /// <inheritdoc/>
    public override string Name => "monkey-saddle";
    /// <inheritdoc/>
    public override string Description => "Monkey saddle x³ − 3xy² (unbounded, degenerate saddle at 0)";
    /// <inheritdoc/>
    public override string Reference => "Textbook example: a degenerate saddle point (zero Hessian), e.g. Hilbert & Cohn-Vossen";
    /// <inheritdoc/>
    public override int Dimension => 2;
    /// <inheritdoc/>
    public override double[] StandardStart() => [1.0, 0.1];
    /// <inheritdoc/>
    public override bool HasAnalyticHessian => true;
    /// <summary>The square [−2, 2]² around the saddle point.</summary>
    public override (double[] Lower, double[] Upper) SamplingBox() => ([-2.0, -2.0], [2.0, 2.0]);

    /// <inheritdoc/>
    public override T Evaluate<T>(ReadOnlySpan<T> x) => x[0] * x[0] * x[0] - C<T>(3) * x[0] * x[1] * x[1];

    /// <inheritdoc/>
    public override double ValueAndGradient(ReadOnlySpan<double> x, Span<double> g)
    {
        CheckLength(x.Length, nameof(x));
        CheckLength(g.Length, "gradient");
        g[0] = 3 * x[0] * x[0] - 3 * x[1] * x[1];
        g[1] = -6 * x[0] * x[1];
        return x[0] * x[0] * x[0] - 3 * x[0] * x[1] * x[1];
    }

    /// <inheritdoc/>
    public override void Hessian(ReadOnlySpan<double> x, DenseMatrix h)
    {
        CheckLength(x.Length, nameof(x));
        h[0, 0] = 6 * x[0];
        h[0, 1] = h[1, 0] = -6 * x[1];
        h[1, 1] = -6 * x[0];
    }
}
