using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 12, Box three-dimensional, with m = 10: rᵢ = exp(−tᵢx₁) − exp(−tᵢx₂) − x₃(exp(−tᵢ) − exp(−10tᵢ)),
/// tᵢ = 0.1i. Minimum 0 at (1, 10, 1), at (10, 1, −1), and on the whole line x₁ = x₂, x₃ = 0;
/// standard start (0, 10, 20).
/// </summary>
/// <remarks><see cref="KnownMinimizers"/> lists the two isolated minimisers and the point (1, 1, 0) of the line.</remarks>
public sealed class Box3D : LeastSquaresTestProblem
{
    private const int M = 10;

    /// <inheritdoc/>
    public override string Name => "mgh-box3d";
    /// <inheritdoc/>
    public override string Description => "MGH 12: Box three-dimensional (m = 10)";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 12; M. J. Box, Comput. J. 9 (1966)";
    /// <inheritdoc/>
    public override int Dimension => 3;
    /// <inheritdoc/>
    public override int Residuals => M;
    /// <inheritdoc/>
    public override double[] StandardStart() => [0.0, 10.0, 20.0];
    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [[1.0, 10.0, 1.0], [10.0, 1.0, -1.0], [1.0, 1.0, 0.0]];
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        for (int i = 1; i <= M; i++)
        {
            double t = 0.1 * i;
            T ti = C<T>(t);
            r[i - 1] = T.Exp(-ti * x[0]) - T.Exp(-ti * x[1]) - x[2] * C<T>(Math.Exp(-t) - Math.Exp(-10 * t));
        }
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        for (int i = 1; i <= M; i++)
        {
            double t = 0.1 * i;
            j[i - 1, 0] = -t * Math.Exp(-t * x[0]);
            j[i - 1, 1] = t * Math.Exp(-t * x[1]);
            j[i - 1, 2] = -(Math.Exp(-t) - Math.Exp(-10 * t));
        }
    }
}
