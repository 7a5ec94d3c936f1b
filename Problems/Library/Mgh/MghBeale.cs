using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 5, Beale, in residual form: rᵢ = yᵢ − x₁(1 − x₂ⁱ), i = 1, 2, 3, with y = (1.5, 2.25, 2.625).
/// Minimum 0 at (3, 0.5); standard start (1, 1). The objective form is <see cref="Library.Beale"/>.
/// </summary>
public sealed class MghBeale : LeastSquaresTestProblem
{
    private static readonly double[] Y = [1.5, 2.25, 2.625];

    /// <inheritdoc/>
    public override string Name => "mgh-beale";
    /// <inheritdoc/>
    public override string Description => "MGH 5: Beale";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 5";
    /// <inheritdoc/>
    public override int Dimension => 2;
    /// <inheritdoc/>
    public override int Residuals => 3;
    /// <inheritdoc/>
    public override double[] StandardStart() => [1.0, 1.0];
    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [[3.0, 0.5]];
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        T p = T.One;
        for (int i = 0; i < 3; i++)
        {
            p *= x[1];
            r[i] = C<T>(Y[i]) - x[0] * (T.One - p);
        }
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        double pPrev = 1; // x₂^(i−1)
        for (int i = 1; i <= 3; i++)
        {
            double p = pPrev * x[1];
            j[i - 1, 0] = p - 1;
            j[i - 1, 1] = i * x[0] * pPrev;
            pPrev = p;
        }
    }
}
