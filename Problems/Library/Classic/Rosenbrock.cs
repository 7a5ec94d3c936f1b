using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library;

/// <summary>
/// Rosenbrock's banana valley f(x, y) = (1 − x)² + 100(y − x²)², the classic curved-valley test.
/// Minimum 0 at (1, 1); standard start (−1.2, 1).
/// </summary>
public sealed class Rosenbrock : TestProblem
{
    /// <inheritdoc/>
    public override string Name => "rosenbrock";
    /// <inheritdoc/>
    public override string Description => "Rosenbrock's banana valley (2-D)";
    /// <inheritdoc/>
    public override string Reference => "H. H. Rosenbrock, Comput. J. 3 (1960) 175–184";
    /// <inheritdoc/>
    public override int Dimension => 2;
    /// <inheritdoc/>
    public override double[] StandardStart() => [-1.2, 1.0];
    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [[1.0, 1.0]];
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;
    /// <inheritdoc/>
    public override bool HasAnalyticHessian => true;

    /// <inheritdoc/>
    public override T Evaluate<T>(ReadOnlySpan<T> x)
    {
        T a = T.One - x[0], b = x[1] - x[0] * x[0];
        return a * a + C<T>(100) * b * b;
    }

    /// <inheritdoc/>
    public override double ValueAndGradient(ReadOnlySpan<double> x, Span<double> g)
    {
        CheckLength(x.Length, nameof(x));
        CheckLength(g.Length, "gradient");
        double a = 1 - x[0], b = x[1] - x[0] * x[0];
        g[0] = -2 * a - 400 * x[0] * b;
        g[1] = 200 * b;
        return a * a + 100 * b * b;
    }

    /// <inheritdoc/>
    public override void Hessian(ReadOnlySpan<double> x, DenseMatrix h)
    {
        CheckLength(x.Length, nameof(x));
        h[0, 0] = 2 - 400 * (x[1] - 3 * x[0] * x[0]);
        h[0, 1] = h[1, 0] = -400 * x[0];
        h[1, 1] = 200;
    }
}
