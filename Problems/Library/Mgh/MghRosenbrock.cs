using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 1, Rosenbrock, in residual form: r₁ = 10(x₂ − x₁²), r₂ = 1 − x₁ (n = m = 2).
/// Minimum 0 at (1, 1); standard start (−1.2, 1). The objective form is <see cref="Library.Rosenbrock"/>; the residuals
/// are those of <see cref="MghExtendedRosenbrock"/> at n = 2 (MGH 21 is this problem repeated n/2 times).
/// </summary>
public sealed class MghRosenbrock : LeastSquaresTestProblem
{
    /// <inheritdoc/>
    public override string Name => "mgh-rosenbrock";
    /// <inheritdoc/>
    public override string Description => "MGH 1: Rosenbrock";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 1; H. H. Rosenbrock, Comput. J. 3 (1960) 175–184";
    /// <inheritdoc/>
    public override int Dimension => 2;
    /// <inheritdoc/>
    public override int Residuals => 2;
    /// <inheritdoc/>
    public override double[] StandardStart() => ExtendedRosenbrock.Start(2);
    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [ExtendedRosenbrock.Minimizer(2)];
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r) => MghExtendedRosenbrock.PairResiduals(x, r);

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j) => MghExtendedRosenbrock.PairJacobian(x, j);
}
