using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 14, Wood (Colville's fourth function): r₁ = 10(x₂ − x₁²), r₂ = 1 − x₁, r₃ = √90(x₄ − x₃²), r₄ = 1 − x₃,
/// r₅ = √10(x₂ + x₄ − 2), r₆ = (x₂ − x₄)/√10. Minimum 0 at (1, 1, 1, 1); standard start (−3, −1, −3, −1).
/// </summary>
public sealed class Wood : LeastSquaresTestProblem
{
    private static readonly double Sqrt90 = Math.Sqrt(90), Sqrt10 = Math.Sqrt(10);

    /// <inheritdoc/>
    public override string Name => "mgh-wood";
    /// <inheritdoc/>
    public override string Description => "MGH 14: Wood";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 14; A. R. Colville, IBM report 320-2949 (1968)";
    /// <inheritdoc/>
    public override int Dimension => 4;
    /// <inheritdoc/>
    public override int Residuals => 6;
    /// <inheritdoc/>
    public override double[] StandardStart() => [-3.0, -1.0, -3.0, -1.0];
    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [[1.0, 1.0, 1.0, 1.0]];
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        T s10 = C<T>(Sqrt10);
        r[0] = C<T>(10) * (x[1] - x[0] * x[0]);
        r[1] = T.One - x[0];
        r[2] = C<T>(Sqrt90) * (x[3] - x[2] * x[2]);
        r[3] = T.One - x[2];
        r[4] = s10 * (x[1] + x[3] - C<T>(2));
        r[5] = (x[1] - x[3]) / s10;
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        j.Clear();
        j[0, 0] = -20 * x[0];
        j[0, 1] = 10;
        j[1, 0] = -1;
        j[2, 2] = -2 * Sqrt90 * x[2];
        j[2, 3] = Sqrt90;
        j[3, 2] = -1;
        j[4, 1] = Sqrt10;
        j[4, 3] = Sqrt10;
        j[5, 1] = 1 / Sqrt10;
        j[5, 3] = -1 / Sqrt10;
    }
}
