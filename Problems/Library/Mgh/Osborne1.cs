using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 17, Osborne 1: rᵢ = yᵢ − (x₁ + x₂ exp(−tᵢx₄) + x₃ exp(−tᵢx₅)), i = 1 … 33, with tᵢ = 10(i − 1) and
/// Osborne's 33 observations y (a sum of two exponentials). Minimum f = 5.46489·10⁻⁵ (MGH's published digits);
/// standard start (0.5, 1.5, −1, 0.01, 0.02).
/// </summary>
public sealed class Osborne1 : LeastSquaresTestProblem
{
    private static readonly double[] Y =
    [
        0.844, 0.908, 0.932, 0.936, 0.925, 0.908, 0.881, 0.850, 0.818, 0.784, 0.751,
        0.718, 0.685, 0.658, 0.628, 0.603, 0.580, 0.558, 0.538, 0.522, 0.506, 0.490,
        0.478, 0.467, 0.457, 0.448, 0.438, 0.431, 0.424, 0.420, 0.414, 0.411, 0.406,
    ];

    /// <inheritdoc/>
    public override string Name => "mgh-osborne1";
    /// <inheritdoc/>
    public override string Description => "MGH 17: Osborne 1";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 17; M. R. Osborne (1972)";
    /// <inheritdoc/>
    public override int Dimension => 5;
    /// <inheritdoc/>
    public override int Residuals => 33;
    /// <inheritdoc/>
    public override double[] StandardStart() => [0.5, 1.5, -1.0, 0.01, 0.02];
    /// <summary>5.46489·10⁻⁵, as published by MGH (six digits).</summary>
    public override double? KnownMinimum => 5.46489e-5;
    /// <summary>[−0.5, 1.5] × [0.5, 2.5] × [−2.5, 0] × [0, 0.05]²: the decay rates stay small (tᵢ reaches 320).</summary>
    public override (double[] Lower, double[] Upper) SamplingBox() => ([-0.5, 0.5, -2.5, 0.0, 0.0], [1.5, 2.5, 0.0, 0.05, 0.05]);

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        for (int i = 0; i < 33; i++)
        {
            T t = C<T>(10.0 * i);
            r[i] = C<T>(Y[i]) - (x[0] + x[1] * T.Exp(-t * x[3]) + x[2] * T.Exp(-t * x[4]));
        }
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        for (int i = 0; i < 33; i++)
        {
            double t = 10.0 * i, e4 = Math.Exp(-t * x[3]), e5 = Math.Exp(-t * x[4]);
            j[i, 0] = -1;
            j[i, 1] = -e4;
            j[i, 2] = -e5;
            j[i, 3] = t * x[1] * e4;
            j[i, 4] = t * x[2] * e5;
        }
    }
}
