using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library.Mgh;

/// <summary>
/// MGH problem 15, Kowalik and Osborne: rᵢ = yᵢ − x₁(uᵢ² + uᵢx₂)/(uᵢ² + uᵢx₃ + x₄), i = 1 … 11, an enzyme-kinetics
/// rational model. Minimum f = 3.07505·10⁻⁴ (MGH's published digits); MGH also report f = 1.02734·10⁻³ as
/// x → (+∞, −14.07…, −∞, −∞). Standard start (0.25, 0.39, 0.415, 0.39).
/// </summary>
/// <remarks>
/// The abscissae u are MGH's rounded values (0.167, 0.0833, 0.0714 rather than 1/6, 1/12, 1/14); the published
/// minimum belongs to them (with the exact reciprocals the minimum is 3.07486·10⁻⁴).
/// </remarks>
public sealed class KowalikOsborne : LeastSquaresTestProblem
{
    private static readonly double[] Y =
        [0.1957, 0.1947, 0.1735, 0.1600, 0.0844, 0.0627, 0.0456, 0.0342, 0.0323, 0.0235, 0.0246];
    private static readonly double[] U =
        [4.0, 2.0, 1.0, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625];

    /// <inheritdoc/>
    public override string Name => "mgh-kowalik-osborne";
    /// <inheritdoc/>
    public override string Description => "MGH 15: Kowalik and Osborne";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 15; Kowalik & Osborne (1968)";
    /// <inheritdoc/>
    public override int Dimension => 4;
    /// <inheritdoc/>
    public override int Residuals => 11;
    /// <inheritdoc/>
    public override double[] StandardStart() => [0.25, 0.39, 0.415, 0.39];
    /// <summary>3.07505·10⁻⁴, as published by MGH (six digits).</summary>
    public override double? KnownMinimum => 3.07505e-4;
    /// <summary>[−0.5, 1]² × [0.05, 1]²: the denominators uᵢ² + uᵢx₃ + x₄ stay above 0.05.</summary>
    public override (double[] Lower, double[] Upper) SamplingBox() => ([-0.5, -0.5, 0.05, 0.05], [1.0, 1.0, 1.0, 1.0]);

    /// <inheritdoc/>
    public override void EvaluateResiduals<T>(ReadOnlySpan<T> x, Span<T> r)
    {
        for (int i = 0; i < 11; i++)
        {
            T u = C<T>(U[i]);
            r[i] = C<T>(Y[i]) - x[0] * (u * u + u * x[1]) / (u * u + u * x[2] + x[3]);
        }
    }

    /// <inheritdoc/>
    public override void Jacobian(ReadOnlySpan<double> x, DenseMatrix j)
    {
        for (int i = 0; i < 11; i++)
        {
            double u = U[i], num = u * u + u * x[1], den = u * u + u * x[2] + x[3], den2 = den * den;
            j[i, 0] = -num / den;
            j[i, 1] = -x[0] * u / den;
            j[i, 2] = x[0] * num * u / den2;
            j[i, 3] = x[0] * num / den2;
        }
    }
}
