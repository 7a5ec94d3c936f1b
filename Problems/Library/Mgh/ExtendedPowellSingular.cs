using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 22, extended Powell singular: n/4 independent copies of <see cref="PowellSingular"/>, for n a
/// multiple of 4: r₄ᵢ₋₃ = x₄ᵢ₋₃ + 10x₄ᵢ₋₂, r₄ᵢ₋₂ = √5(x₄ᵢ₋₁ − x₄ᵢ), r₄ᵢ₋₁ = (x₄ᵢ₋₂ − 2x₄ᵢ₋₁)², r₄ᵢ = √10(x₄ᵢ₋₃ − x₄ᵢ)².
/// Minimum 0 at the origin (singular Hessian); standard start (3, −1, 0, 1, 3, −1, 0, 1, …). Default n = 12.
/// </summary>
public sealed class ExtendedPowellSingular : LeastSquaresTestProblem
{
    /// <summary>The default dimension, 12.</summary>
    public const int DefaultDimension = 12;
    private static readonly double Sqrt5 = Math.Sqrt(5), Sqrt10 = Math.Sqrt(10);

    /// <summary>Creates the problem in dimension <paramref name="n"/>.</summary>
    /// <param name="n">Number of variables: a positive multiple of 4 (default 12).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is not a positive multiple of 4.</exception>
    public ExtendedPowellSingular(int n = DefaultDimension)
    {
        if (n < 4 || n % 4 != 0)
            throw new ArgumentOutOfRangeException(nameof(n), n, "The extended Powell singular function needs n a positive multiple of 4 (4, 8, 12, …).");
        Dimension = n;
    }

    /// <inheritdoc/>
    public override string Name => "mgh-extended-powell";
    /// <inheritdoc/>
    public override string Description => $"MGH 22: extended Powell singular (n = {Dimension})";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 22";
    /// <inheritdoc/>
    public override int Dimension { get; }
    /// <inheritdoc/>
    public override int Residuals => Dimension;
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;

    /// <inheritdoc/>
    public override double[] StandardStart()
    {
        var x = new double[Dimension];
        for (int i = 0; i < x.Length; i += 4)
        {
            x[i] = 3;
            x[i + 1] = -1;
            x[i + 2] = 0;
            x[i + 3] = 1;
        }
        return x;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [new double[Dimension]];

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        for (int i = 0; i < x.Length; i += 4) Block(x.Slice(i, 4), r.Slice(i, 4));
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        j.Clear();
        for (int i = 0; i < x.Length; i += 4) BlockJacobian(x.Slice(i, 4), j, i);
    }

    /// <summary>The four Powell singular residuals of one block of four variables.</summary>
    internal static void Block<T>(ReadOnlySpan<T> x, Span<T> r) where T : IFloatingPointIeee754<T>
    {
        T a = x[1] - C<T>(2) * x[2], b = x[0] - x[3];
        r[0] = x[0] + C<T>(10) * x[1];
        r[1] = C<T>(Sqrt5) * (x[2] - x[3]);
        r[2] = a * a;
        r[3] = C<T>(Sqrt10) * b * b;
    }

    /// <summary>Writes the 4×4 Jacobian of one block at rows and columns <paramref name="o"/> … o+3 (other entries untouched).</summary>
    internal static void BlockJacobian(ReadOnlySpan<double> x, DenseMatrix j, int o)
    {
        double a = x[1] - 2 * x[2], b = x[0] - x[3];
        j[o, o] = 1;
        j[o, o + 1] = 10;
        j[o + 1, o + 2] = Sqrt5;
        j[o + 1, o + 3] = -Sqrt5;
        j[o + 2, o + 1] = 2 * a;
        j[o + 2, o + 2] = -4 * a;
        j[o + 3, o] = 2 * Sqrt10 * b;
        j[o + 3, o + 3] = -2 * Sqrt10 * b;
    }
}
