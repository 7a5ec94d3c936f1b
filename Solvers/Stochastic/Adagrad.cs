using System.Numerics;
using System.Runtime.CompilerServices;

namespace Optima.Solvers.Stochastic;

// One optimizer unit: its settings (registered by name in Optimizers.cs), its transform and its per-entry rule.

/// <summary>Adagrad (torch.optim.Adagrad).</summary>
public sealed record AdagradSettings : OptimizerSettings
{
    /// <summary>γ (default 1e-2).</summary>
    public override double LearningRate { get; init; } = 1e-2;

    /// <summary>The learning-rate decay η (default 0).</summary>
    public double LearningRateDecay { get; init; }

    /// <summary>The initial accumulator value (default 0).</summary>
    public double InitialAccumulator { get; init; }

    /// <summary>ε (default 1e-10).</summary>
    public double Epsilon { get; init; } = 1e-10;

    /// <inheritdoc/>
    protected internal override IEnumerable<GradientTransform> Core() => [new ScaleByAdagrad(LearningRateDecay, InitialAccumulator, Epsilon)];

    /// <inheritdoc/>
    public override OptimizerSettings? With(string option, double value) => option switch
    {
        "lr-decay" => this with { LearningRateDecay = value },
        "initial-accumulator" => this with { InitialAccumulator = value },
        "eps" => this with { Epsilon = value },
        _ => base.With(option, value),
    };
}

/// <summary>
/// Adagrad (torch.optim.Adagrad): s ← s + g², u = g / (√s + ε) / (1 + (t − 1)η) with η the learning-rate decay;
/// s starts at the initial accumulator value.
/// </summary>
public sealed class ScaleByAdagrad : GradientTransform
{
    private readonly double _decay, _initial, _eps;

    /// <summary>Creates the transform. PyTorch defaults: lr_decay η = 0, initial_accumulator_value = 0, ε = 1e-10.</summary>
    public ScaleByAdagrad(double learningRateDecay = 0.0, double initialAccumulator = 0.0, double epsilon = 1e-10)
    {
        RequireNonNegative(learningRateDecay, nameof(learningRateDecay));
        RequireNonNegative(initialAccumulator, nameof(initialAccumulator));
        RequireNonNegative(epsilon, nameof(epsilon));
        (_decay, _initial, _eps) = (learningRateDecay, initialAccumulator, epsilon);
    }

    /// <inheritdoc/>
    public override string Name => "scale_by_adagrad";

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => ["sum"];

    /// <inheritdoc/>
    public override double InitialValue(int k) => _initial;

    /// <inheritdoc/>
    public override int ConstantCount => 1;

    /// <inheritdoc/>
    public override void Prepare<T>(long step, double learningRate, ReadOnlySpan<T> gradient, Span<double> scalars, Span<double> constants) =>
        constants[0] = 1.0 / (1.0 + (step - 1) * _decay);

    private AdagradRule<T> Rule<T>(ReadOnlySpan<double> c) where T : IFloatingPointIeee754<T> => new(c[0], _eps);

    /// <inheritdoc/>
    public override void Apply<T>(Span<T> update, ReadOnlySpan<T> parameters, TransformBlock<T> block) => block.Run(Rule<T>(block.Constants), update);

    internal override FusedKernel CreateKernel(KernelParts parts) => FusedKernel.Create(parts, "adagrad", Rule<double>, Rule<float>);
}

/// <summary>Adagrad (<see cref="ScaleByAdagrad"/>): S0 = the sum of squares.</summary>
internal readonly struct AdagradRule<T>(double scale, double eps) : IRule<T> where T : IFloatingPointIeee754<T>
{
    private readonly Vector<T> _scale = Simd.V<T>(scale), _eps = Simd.V<T>(eps);

    public static int States => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s)
    {
        var sum = s.S0 = Simd.Fma(g, g, s.S0);
        return g * _scale / (Vector.SquareRoot(sum) + _eps);
    }
}
