using System.Numerics;
using System.Runtime.CompilerServices;

namespace Optima.Solvers.Stochastic;

// One optimizer unit: its settings (registered by name in Optimizers.cs), its transform and its per-entry rule.

/// <summary>AdaBound (Luo et al. 2019).</summary>
public sealed record AdaBoundSettings : OptimizerSettings
{
    /// <summary>γ (default 1e-3); also γ₀, the rate the bounds' final rate is relative to.</summary>
    public override double LearningRate { get; init; } = 1e-3;

    /// <summary>β₁ (default 0.9).</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>β₂ (default 0.999).</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>ε (default 1e-8).</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>The final (SGD) learning rate the bounds converge to (default 0.1).</summary>
    public double FinalLearningRate { get; init; } = 0.1;

    /// <summary>The bounds' convergence speed γ (default 1e-3).</summary>
    public double BoundGamma { get; init; } = 1e-3;

    /// <inheritdoc/>
    protected internal override IEnumerable<GradientTransform> Core() =>
        [new ScaleByAdaBound(LearningRate > 0 ? LearningRate : 1e-3, FinalLearningRate, BoundGamma, Beta1, Beta2, Epsilon)];

    /// <inheritdoc/>
    public override OptimizerSettings? With(string option, double value) => option switch
    {
        "beta1" => this with { Beta1 = value },
        "beta2" => this with { Beta2 = value },
        "eps" => this with { Epsilon = value },
        "final-lr" => this with { FinalLearningRate = value },
        "bound-gamma" => this with { BoundGamma = value },
        _ => base.With(option, value),
    };
}

/// <summary>
/// AdaBound (Luo, Xiong, Liu and Sun, ICLR 2019, following the authors' reference code): Adam whose per-entry step
/// γ√(1−β₂ᵗ)/(1−β₁ᵗ)/(√v + ε) is clipped to [η_l(t), η_u(t)], η_l = η*(1 − 1/(βt + 1)), η_u = η*(1 + 1/(βt)),
/// with the final rate η* = final_lr·γ/γ₀ (γ₀ the initial rate), so the bounds follow a schedule. Expressed here
/// before <see cref="ScaleByLearningRate"/>: the bounds are divided by γ.
/// </summary>
public sealed class ScaleByAdaBound : GradientTransform
{
    private readonly double _b1, _b2, _eps, _ratio, _gamma;

    /// <summary>Creates the transform. Reference defaults: β₁ = 0.9, β₂ = 0.999, ε = 1e-8, final_lr = 0.1, γ (bound convergence speed) = 1e-3.</summary>
    /// <param name="initialLearningRate">γ₀, the optimizer's base rate (default 1e-3).</param>
    /// <param name="finalLearningRate">final_lr, the SGD rate the bounds converge to.</param>
    /// <param name="gamma">Speed of convergence of the bounds.</param>
    /// <param name="beta1">β₁.</param>
    /// <param name="beta2">β₂.</param>
    /// <param name="epsilon">ε.</param>
    public ScaleByAdaBound(double initialLearningRate = 1e-3, double finalLearningRate = 0.1, double gamma = 1e-3,
        double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        RequirePositive(initialLearningRate, nameof(initialLearningRate));
        RequirePositive(finalLearningRate, nameof(finalLearningRate));
        RequirePositive(gamma, nameof(gamma));
        RequireBeta(beta1, nameof(beta1));
        RequireBeta(beta2, nameof(beta2));
        RequireNonNegative(epsilon, nameof(epsilon));
        (_b1, _b2, _eps, _ratio, _gamma) = (beta1, beta2, epsilon, finalLearningRate / initialLearningRate, gamma);
    }

    /// <inheritdoc/>
    public override string Name => "scale_by_adabound";

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => ["m", "v"];

    /// <inheritdoc/>
    public override int ConstantCount => 3;

    /// <inheritdoc/>
    public override void Prepare<T>(long step, double learningRate, ReadOnlySpan<T> gradient, Span<double> scalars, Span<double> constants)
    {
        constants[0] = Math.Sqrt(1.0 - Math.Pow(_b2, step)) / (1.0 - Math.Pow(_b1, step));
        constants[1] = _ratio * (1.0 - 1.0 / (_gamma * step + 1.0));
        constants[2] = _ratio * (1.0 + 1.0 / (_gamma * step));
    }

    private AdaBoundRule<T> Rule<T>(ReadOnlySpan<double> c) where T : IFloatingPointIeee754<T> => new(_b1, _b2, _eps, c[0], c[1], c[2]);

    /// <inheritdoc/>
    public override void Apply<T>(Span<T> update, ReadOnlySpan<T> parameters, TransformBlock<T> block) => block.Run(Rule<T>(block.Constants), update);

    internal override FusedKernel CreateKernel(KernelParts parts) => FusedKernel.Create(parts, "adabound", Rule<double>, Rule<float>);
}

/// <summary>AdaBound (<see cref="ScaleByAdaBound"/>): S0 = m, S1 = v.</summary>
internal readonly struct AdaBoundRule<T>(double b1, double b2, double eps, double c, double lo, double hi) : IRule<T> where T : IFloatingPointIeee754<T>
{
    private readonly Vector<T> _b1 = Simd.V<T>(b1), _b2 = Simd.V<T>(b2), _a1 = Simd.V<T>(1 - b1), _a2 = Simd.V<T>(1 - b2), _c = Simd.V<T>(c), _lo = Simd.V<T>(lo), _hi = Simd.V<T>(hi), _eps = Simd.V<T>(eps);

    public static int States => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s)
    {
        var m = s.S0 = Simd.Fma(_b1, s.S0, _a1 * g);
        var v = s.S1 = Simd.Fma(_b2, s.S1, _a2 * g * g);
        return Vector.Min(Vector.Max(_c / (Vector.SquareRoot(v) + _eps), _lo), _hi) * m;
    }
}
