using System.Numerics;
using System.Runtime.CompilerServices;

namespace Optima.Solvers.Stochastic;

// One optimizer unit: its settings (registered by name in Optimizers.cs), its transform and its per-entry rule.

/// <summary>NAdam (torch.optim.NAdam).</summary>
public sealed record NadamSettings : OptimizerSettings
{
    /// <summary>γ (default 2e-3).</summary>
    public override double LearningRate { get; init; } = 2e-3;

    /// <summary>β₁ (default 0.9).</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>β₂ (default 0.999).</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>ε (default 1e-8).</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>The momentum decay ψ (default 4e-3).</summary>
    public double MomentumDecay { get; init; } = 4e-3;

    /// <inheritdoc/>
    protected internal override IEnumerable<GradientTransform> Core() => [new ScaleByNadam(Beta1, Beta2, Epsilon, MomentumDecay)];

    /// <inheritdoc/>
    public override OptimizerSettings? With(string option, double value) => option switch
    {
        "beta1" => this with { Beta1 = value },
        "beta2" => this with { Beta2 = value },
        "eps" => this with { Epsilon = value },
        "momentum-decay" => this with { MomentumDecay = value },
        _ => base.With(option, value),
    };
}

/// <summary>
/// NAdam (torch.optim.NAdam, Dozat 2016): μ_t = β₁(1 − ½·0.96^{tψ}); m, v as in Adam; the update is
/// [μ_{t+1} m_t/(1 − Π_{i≤t+1} μ_i) + (1 − μ_t) g/(1 − Π_{i≤t} μ_i)] / (√(v_t/(1−β₂ᵗ)) + ε).
/// The running product Π μ_i is scalar state.
/// </summary>
public sealed class ScaleByNadam : GradientTransform
{
    private readonly double _b1, _b2, _eps, _psi;

    /// <summary>Creates the transform. PyTorch defaults: β₁ = 0.9, β₂ = 0.999, ε = 1e-8, ψ (momentum decay) = 4e-3.</summary>
    public ScaleByNadam(double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double momentumDecay = 4e-3)
    {
        RequireBeta(beta1, nameof(beta1));
        RequireBeta(beta2, nameof(beta2));
        RequireNonNegative(epsilon, nameof(epsilon));
        RequireNonNegative(momentumDecay, nameof(momentumDecay));
        (_b1, _b2, _eps, _psi) = (beta1, beta2, epsilon, momentumDecay);
    }

    /// <inheritdoc/>
    public override string Name => "scale_by_nadam";

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => ["m", "v"];

    /// <inheritdoc/>
    public override IReadOnlyList<string> ScalarNames => ["mu_product"];

    /// <inheritdoc/>
    public override double InitialScalar(int k) => 1.0;

    /// <inheritdoc/>
    public override int ConstantCount => 3;

    /// <inheritdoc/>
    public override void Prepare<T>(long step, double learningRate, ReadOnlySpan<T> gradient, Span<double> scalars, Span<double> constants)
    {
        double mu = _b1 * (1.0 - 0.5 * Math.Pow(0.96, step * _psi));
        double muNext = _b1 * (1.0 - 0.5 * Math.Pow(0.96, (step + 1) * _psi));
        ref double product = ref scalars[0];
        product *= mu;
        constants[0] = muNext / (1.0 - product * muNext);
        constants[1] = (1.0 - mu) / (1.0 - product);
        constants[2] = 1.0 / Math.Sqrt(1.0 - Math.Pow(_b2, step));
    }

    private NadamRule<T> Rule<T>(ReadOnlySpan<double> c) where T : IFloatingPointIeee754<T> => new(_b1, _b2, _eps, c[0], c[1], c[2]);

    /// <inheritdoc/>
    public override void Apply<T>(Span<T> update, ReadOnlySpan<T> parameters, TransformBlock<T> block) => block.Run(Rule<T>(block.Constants), update);

    internal override FusedKernel CreateKernel(KernelParts parts) => FusedKernel.Create(parts, "nadam", Rule<double>, Rule<float>);
}

/// <summary>NAdam (<see cref="ScaleByNadam"/>): S0 = m, S1 = v.</summary>
internal readonly struct NadamRule<T>(double b1, double b2, double eps, double cm, double cg, double c2) : IRule<T> where T : IFloatingPointIeee754<T>
{
    private readonly Vector<T> _b1 = Simd.V<T>(b1), _b2 = Simd.V<T>(b2), _a1 = Simd.V<T>(1 - b1), _a2 = Simd.V<T>(1 - b2), _cm = Simd.V<T>(cm), _cg = Simd.V<T>(cg), _c2 = Simd.V<T>(c2), _eps = Simd.V<T>(eps);

    public static int States => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s)
    {
        var m = s.S0 = Simd.Fma(_b1, s.S0, _a1 * g);
        var v = s.S1 = Simd.Fma(_b2, s.S1, _a2 * g * g);
        return Simd.Fma(_cm, m, _cg * g) / Simd.Fma(Vector.SquareRoot(v), _c2, _eps);
    }
}
