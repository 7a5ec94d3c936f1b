using System.Numerics;
using System.Runtime.CompilerServices;

namespace Optima.Solvers.Stochastic;

// One optimizer unit: its settings (registered by name in Optimizers.cs), its transform and its per-entry rule.

/// <summary>AdaMax (torch.optim.Adamax).</summary>
public sealed record AdamaxSettings : OptimizerSettings
{
    /// <summary>γ (default 2e-3).</summary>
    public override double LearningRate { get; init; } = 2e-3;

    /// <summary>β₁ (default 0.9).</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>β₂ (default 0.999).</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>ε (default 1e-8).</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <inheritdoc/>
    protected internal override IEnumerable<GradientTransform> Core() => [new ScaleByAdamax(Beta1, Beta2, Epsilon)];

    /// <inheritdoc/>
    public override OptimizerSettings? With(string option, double value) => option switch
    {
        "beta1" => this with { Beta1 = value },
        "beta2" => this with { Beta2 = value },
        "eps" => this with { Epsilon = value },
        _ => base.With(option, value),
    };
}

/// <summary>
/// AdaMax (torch.optim.Adamax): m_t = β₁m + (1−β₁)g, u_t = max(β₂u_{t−1}, |g| + ε), update m_t / ((1−β₁ᵗ) u_t).
/// </summary>
public sealed class ScaleByAdamax : GradientTransform
{
    private readonly double _b1, _b2, _eps;

    /// <summary>Creates the transform. PyTorch defaults: β₁ = 0.9, β₂ = 0.999, ε = 1e-8.</summary>
    public ScaleByAdamax(double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        RequireBeta(beta1, nameof(beta1));
        RequireBeta(beta2, nameof(beta2));
        RequireNonNegative(epsilon, nameof(epsilon));
        (_b1, _b2, _eps) = (beta1, beta2, epsilon);
    }

    /// <inheritdoc/>
    public override string Name => "scale_by_adamax";

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => ["m", "u"];

    /// <inheritdoc/>
    public override int ConstantCount => 1;

    /// <inheritdoc/>
    public override void Prepare<T>(long step, double learningRate, ReadOnlySpan<T> gradient, Span<double> scalars, Span<double> constants) =>
        constants[0] = 1.0 / (1.0 - Math.Pow(_b1, step));

    private AdamaxRule<T> Rule<T>(ReadOnlySpan<double> c) where T : IFloatingPointIeee754<T> => new(_b1, _b2, _eps, c[0]);

    /// <inheritdoc/>
    public override void Apply<T>(Span<T> update, ReadOnlySpan<T> parameters, TransformBlock<T> block) => block.Run(Rule<T>(block.Constants), update);

    internal override FusedKernel CreateKernel(KernelParts parts) => FusedKernel.Create(parts, "adamax", Rule<double>, Rule<float>);
}

/// <summary>AdaMax (<see cref="ScaleByAdamax"/>): S0 = m, S1 = the infinity norm u.</summary>
internal readonly struct AdamaxRule<T>(double b1, double b2, double eps, double c1) : IRule<T> where T : IFloatingPointIeee754<T>
{
    private readonly Vector<T> _b1 = Simd.V<T>(b1), _a1 = Simd.V<T>(1 - b1), _b2 = Simd.V<T>(b2), _c1 = Simd.V<T>(c1), _eps = Simd.V<T>(eps);

    public static int States => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s)
    {
        var m = s.S0 = Simd.Fma(_b1, s.S0, _a1 * g);
        var u = s.S1 = Vector.Max(_b2 * s.S1, Vector.Abs(g) + _eps);
        return m * _c1 / u;
    }
}
