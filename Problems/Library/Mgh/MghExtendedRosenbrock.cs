using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 21, extended Rosenbrock, in residual form: for even n, r₂ᵢ₋₁ = 10(x₂ᵢ − x₂ᵢ₋₁²), r₂ᵢ = 1 − x₂ᵢ₋₁.
/// Minimum 0 at (1, …, 1); standard start (−1.2, 1, −1.2, 1, …). Default n = 10. The objective form is
/// <see cref="Library.ExtendedRosenbrock"/>; for n = 2 it is MGH problem 1, <see cref="MghRosenbrock"/>.
/// </summary>
public sealed class MghExtendedRosenbrock : LeastSquaresTestProblem
{
    /// <summary>The default dimension, 10.</summary>
    public const int DefaultDimension = 10;

    /// <summary>Creates the problem in dimension <paramref name="n"/>.</summary>
    /// <param name="n">Number of variables: even and at least 2 (default 10).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is odd or less than 2.</exception>
    public MghExtendedRosenbrock(int n = DefaultDimension) => Dimension = ExtendedRosenbrock.RequireEvenDimension(n);

    /// <inheritdoc/>
    public override string Name => "mgh-extended-rosenbrock";
    /// <inheritdoc/>
    public override string Description => $"MGH 21: extended Rosenbrock (n = {Dimension})";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 21";
    /// <inheritdoc/>
    public override int Dimension { get; }
    /// <inheritdoc/>
    public override int Residuals => Dimension;
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;

    /// <inheritdoc/>
    public override double[] StandardStart() => ExtendedRosenbrock.Start(Dimension);

    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [ExtendedRosenbrock.Minimizer(Dimension)];

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r) => PairResiduals(x, r);

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j) => PairJacobian(x, j);

    /// <summary>The residuals of the separable form, for any even n (shared with <see cref="MghRosenbrock"/>, n = 2).</summary>
    internal static void PairResiduals<T>(ReadOnlySpan<T> x, Span<T> r) where T : IFloatingPointIeee754<T>
    {
        T ten = C<T>(10);
        for (int i = 0; i < x.Length; i += 2)
        {
            r[i] = ten * (x[i + 1] - x[i] * x[i]);
            r[i + 1] = T.One - x[i];
        }
    }

    /// <summary>The Jacobian of <see cref="PairResiduals{T}"/>: 2×2 blocks on the diagonal, zero elsewhere.</summary>
    internal static void PairJacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        j.Clear();
        for (int i = 0; i < x.Length; i += 2)
        {
            j[i, i] = -20 * x[i];
            j[i, i + 1] = 10;
            j[i + 1, i] = -1;
        }
    }
}
