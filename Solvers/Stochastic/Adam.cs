using System.Numerics;
using System.Runtime.CompilerServices;

namespace Optima.Solvers.Stochastic;

// One optimizer unit: its settings (registered by name in Optimizers.cs), its transform and its per-entry rule.

/// <summary>Adam, AMSGrad and AdamW (torch.optim.Adam / AdamW); the registry's presets differ only in these values.</summary>
public sealed record AdamSettings : OptimizerSettings
{
    /// <summary>γ (default 1e-3).</summary>
    public override double LearningRate { get; init; } = 1e-3;

    /// <summary>β₁ (default 0.9).</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>β₂ (default 0.999).</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>ε (default 1e-8).</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>AMSGrad's running maximum of v (default false; true for "amsgrad").</summary>
    public bool AmsGrad { get; init; }

    /// <inheritdoc/>
    protected internal override IEnumerable<GradientTransform> Core() => [new ScaleByAdam(Beta1, Beta2, Epsilon, AmsGrad)];

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
/// Adam's direction (torch.optim.Adam): m_t = β₁m + (1−β₁)g, v_t = β₂v + (1−β₂)g², u = m̂/(√v̂ + ε) with
/// m̂ = m_t/(1−β₁ᵗ), v̂ = v_t/(1−β₂ᵗ); with AMSGrad v̂ = max(v_max, v_t)/(1−β₂ᵗ), the running maximum kept as a
/// third state vector.
/// </summary>
public sealed class ScaleByAdam : GradientTransform
{
    private readonly double _b1, _b2, _eps;
    private readonly bool _amsgrad;

    /// <summary>Creates the transform. PyTorch defaults: β₁ = 0.9, β₂ = 0.999, ε = 1e-8.</summary>
    public ScaleByAdam(double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, bool amsgrad = false)
    {
        RequireBeta(beta1, nameof(beta1));
        RequireBeta(beta2, nameof(beta2));
        RequireNonNegative(epsilon, nameof(epsilon));
        (_b1, _b2, _eps, _amsgrad) = (beta1, beta2, epsilon, amsgrad);
    }

    /// <inheritdoc/>
    public override string Name => _amsgrad ? "scale_by_amsgrad" : "scale_by_adam";

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => _amsgrad ? ["m", "v", "v_max"] : ["m", "v"];

    /// <inheritdoc/>
    public override int ConstantCount => 2;

    /// <inheritdoc/>
    public override void Prepare<T>(long step, double learningRate, ReadOnlySpan<T> gradient, Span<double> scalars, Span<double> constants)
    {
        constants[0] = 1.0 / (1.0 - Math.Pow(_b1, step));
        constants[1] = 1.0 / Math.Sqrt(1.0 - Math.Pow(_b2, step));
    }

    private AdamRule<T, TAms> Rule<T, TAms>(ReadOnlySpan<double> c) where T : IFloatingPointIeee754<T> where TAms : IFlag => new(_b1, _b2, _eps, c[0], c[1]);

    /// <inheritdoc/>
    public override void Apply<T>(Span<T> update, ReadOnlySpan<T> parameters, TransformBlock<T> block)
    {
        if (_amsgrad) block.Run(Rule<T, Yes>(block.Constants), update);
        else block.Run(Rule<T, No>(block.Constants), update);
    }

    internal override FusedKernel CreateKernel(KernelParts parts) => _amsgrad
        ? FusedKernel.Create(parts, "amsgrad", Rule<double, Yes>, Rule<float, Yes>)
        : FusedKernel.Create(parts, "adam", Rule<double, No>, Rule<float, No>);
}

/// <summary>Adam / AMSGrad (<see cref="ScaleByAdam"/>): S0 = m, S1 = v, S2 = running max of v.</summary>
internal readonly struct AdamRule<T, TAms>(double b1, double b2, double eps, double c1, double c2) : IRule<T> where T : IFloatingPointIeee754<T> where TAms : IFlag
{
    private readonly Vector<T> _b1 = Simd.V<T>(b1), _b2 = Simd.V<T>(b2), _a1 = Simd.V<T>(1 - b1), _a2 = Simd.V<T>(1 - b2), _c1 = Simd.V<T>(c1), _c2 = Simd.V<T>(c2), _eps = Simd.V<T>(eps);

    public static int States => TAms.On ? 3 : 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s)
    {
        var m = s.S0 = Simd.Fma(_b1, s.S0, _a1 * g);
        var v = s.S1 = Simd.Fma(_b2, s.S1, _a2 * g * g);
        if (TAms.On) v = s.S2 = Vector.Max(s.S2, v);
        return m * _c1 / Simd.Fma(Vector.SquareRoot(v), _c2, _eps);
    }
}
