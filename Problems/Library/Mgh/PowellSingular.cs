using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 13, Powell singular: r₁ = x₁ + 10x₂, r₂ = √5(x₃ − x₄), r₃ = (x₂ − 2x₃)², r₄ = √10(x₁ − x₄)².
/// Minimum 0 at the origin, where the Hessian is singular (so Newton-type methods converge only linearly);
/// standard start (3, −1, 0, 1).
/// </summary>
public sealed class PowellSingular : LeastSquaresTestProblem
{

    /// <inheritdoc/>
    public override string Name => "mgh-powell-singular";
    /// <inheritdoc/>
    public override string Description => "MGH 13: Powell singular";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 13; M. J. D. Powell, Comput. J. 5 (1962)";
    /// <inheritdoc/>
    public override int Dimension => 4;
    /// <inheritdoc/>
    public override int Residuals => 4;
    /// <inheritdoc/>
    public override double[] StandardStart() => [3.0, -1.0, 0.0, 1.0];
    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [[0.0, 0.0, 0.0, 0.0]];
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r) => ExtendedPowellSingular.Block(x, r);

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        j.Clear();
        ExtendedPowellSingular.BlockJacobian(x, j, 0);
    }
}
