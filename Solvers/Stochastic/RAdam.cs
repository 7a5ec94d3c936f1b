using System.Numerics;
using System.Runtime.CompilerServices;

namespace Optima.Solvers.Stochastic;

// One optimizer unit: its settings (registered by name in Optimizers.cs), its transform and its per-entry rule.

/// <summary>
/// RAdam (torch.optim.RAdam, Liu et al. 2020). <see cref="OptimizerSettings.WeightDecay"/> is torch's
/// <c>weight_decay</c> (an L2 term g + λθ), and <see cref="OptimizerSettings.DecoupledWeightDecay"/> its
/// <c>decoupled_weight_decay</c> (θ ← θ − γλθ, as AdamW).
/// </summary>
public sealed record RAdamSettings : OptimizerSettings
{
    /// <summary>γ (default 1e-3).</summary>
    public override double LearningRate { get; init; } = 1e-3;

    /// <summary>β₁ (default 0.9).</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>β₂ (default 0.999).</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>ε (default 1e-8).</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <inheritdoc/>
    protected internal override IEnumerable<GradientTransform> Core() => [new ScaleByRAdam(Beta1, Beta2, Epsilon)];

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
/// RAdam's direction (torch.optim.RAdam): m_t = β₁m + (1−β₁)g, v_t = β₂v + (1−β₂)g², m̂ = m_t/(1−β₁ᵗ);
/// ρ_∞ = 2/(1−β₂) − 1, ρ_t = ρ_∞ − 2tβ₂ᵗ/(1−β₂ᵗ). When ρ_t &gt; 5 the update is
/// m̂ · r_t · √(1−β₂ᵗ)/(√v_t + ε) with the rectification r_t = √((ρ_t−4)(ρ_t−2)ρ_∞ / ((ρ_∞−4)(ρ_∞−2)ρ_t));
/// otherwise the variance estimate is too unreliable and the update is the un-adapted momentum m̂ (v is still kept).
/// </summary>
public sealed class ScaleByRAdam : GradientTransform
{
    private readonly double _b1, _b2, _eps;

    /// <summary>Creates the transform. PyTorch defaults: β₁ = 0.9, β₂ = 0.999, ε = 1e-8.</summary>
    public ScaleByRAdam(double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        RequireBeta(beta1, nameof(beta1));
        RequireBeta(beta2, nameof(beta2));
        RequireNonNegative(epsilon, nameof(epsilon));
        (_b1, _b2, _eps) = (beta1, beta2, epsilon);
    }

    /// <inheritdoc/>
    public override string Name => "scale_by_radam";

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => ["m", "v"];

    /// <inheritdoc/>
    public override int ConstantCount => 2;

    /// <summary>ρ_t, the length of the approximated simple moving average at step t (torch's rho_t).</summary>
    internal static double Rho(double beta2, long step)
    {
        double rhoInf = 2.0 / (1.0 - beta2) - 1.0, b2t = Math.Pow(beta2, step);
        return rhoInf - 2.0 * step * b2t / (1.0 - b2t);
    }

    /// <summary>Constants: 1/(1−β₁ᵗ), and r_t·√(1−β₂ᵗ) when rectified, or 0 for the un-adapted step.</summary>
    public override void Prepare<T>(long step, double learningRate, ReadOnlySpan<T> gradient, Span<double> scalars, Span<double> constants)
    {
        constants[0] = 1.0 / (1.0 - Math.Pow(_b1, step));
        double rhoInf = 2.0 / (1.0 - _b2) - 1.0, rho = Rho(_b2, step);
        constants[1] = rho > 5.0
            ? Math.Sqrt((rho - 4) * (rho - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rho)) * Math.Sqrt(1.0 - Math.Pow(_b2, step))
            : 0.0;
    }

    private RAdamRule<T> Rule<T>(ReadOnlySpan<double> c) where T : IFloatingPointIeee754<T> => new(_b1, _b2, _eps, c[0], c[1]);

    /// <inheritdoc/>
    public override void Apply<T>(Span<T> update, ReadOnlySpan<T> parameters, TransformBlock<T> block) => block.Run(Rule<T>(block.Constants), update);

    internal override FusedKernel CreateKernel(KernelParts parts) => FusedKernel.Create(parts, "radam", Rule<double>, Rule<float>);
}

/// <summary>RAdam (<see cref="ScaleByRAdam"/>): S0 = m, S1 = v. A zero rectification constant selects the un-adapted step.</summary>
internal readonly struct RAdamRule<T>(double b1, double b2, double eps, double c1, double rect) : IRule<T> where T : IFloatingPointIeee754<T>
{
    private readonly Vector<T> _b1 = Simd.V<T>(b1), _b2 = Simd.V<T>(b2), _a1 = Simd.V<T>(1 - b1), _a2 = Simd.V<T>(1 - b2), _c1 = Simd.V<T>(c1), _rect = Simd.V<T>(rect), _eps = Simd.V<T>(eps);
    private readonly bool _rectified = rect != 0; // the same for every entry of a step, so the branch is uniform

    public static int States => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s)
    {
        var m = s.S0 = Simd.Fma(_b1, s.S0, _a1 * g);
        var v = s.S1 = Simd.Fma(_b2, s.S1, _a2 * g * g);
        var mhat = m * _c1;
        return _rectified ? mhat * (_rect / (Vector.SquareRoot(v) + _eps)) : mhat;
    }
}
