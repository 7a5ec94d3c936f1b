using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Optima.Solvers.Stochastic;

// One optimizer unit: its settings (registered by name in Optimizers.cs), its transform and its per-entry rule.

/// <summary>
/// Rprop (torch.optim.Rprop, Riedmiller and Braun 1993, the variant without weight backtracking). The learning rate is
/// the initial per-entry step size, taken at the first step (a later schedule does not change the step sizes, as in
/// torch); torch's Rprop has no weight decay, and here <see cref="OptimizerSettings.WeightDecay"/> is an L2 term
/// g + λθ before the sign test (decoupled decay is refused: the step sizes do not scale with γ).
/// </summary>
public sealed record RpropSettings : OptimizerSettings
{
    /// <summary>γ, the initial step size of every entry (default 1e-2).</summary>
    public override double LearningRate { get; init; } = 1e-2;

    /// <summary>η₋, the step-size factor after a sign change (default 0.5).</summary>
    public double EtaMinus { get; init; } = 0.5;

    /// <summary>η₊, the step-size factor while the sign holds (default 1.2).</summary>
    public double EtaPlus { get; init; } = 1.2;

    /// <summary>The smallest step size (default 1e-6).</summary>
    public double MinStepSize { get; init; } = 1e-6;

    /// <summary>The largest step size (default 50).</summary>
    public double MaxStepSize { get; init; } = 50;

    /// <inheritdoc/>
    protected internal override IEnumerable<GradientTransform> Core() => [new ScaleByRprop(EtaMinus, EtaPlus, MinStepSize, MaxStepSize)];

    /// <inheritdoc/>
    protected internal override bool IncludesLearningRate => true;

    /// <inheritdoc/>
    public override OptimizerSettings? With(string option, double value) => option switch
    {
        "eta-minus" => this with { EtaMinus = value },
        "eta-plus" => this with { EtaPlus = value },
        "min-step" => this with { MinStepSize = value },
        "max-step" => this with { MaxStepSize = value },
        _ => base.With(option, value),
    };
}

/// <summary>
/// Rprop's step (torch.optim.Rprop): per entry, with p = g·g_prev, the step size s becomes clamp(s·η, s_min, s_max)
/// with η = η₊ if p &gt; 0, η₋ if p &lt; 0 and 1 if p = 0 (s starts at γ, so the first step is γ·sign(g)); after a sign
/// change (p &lt; 0) the gradient is taken as 0: no move, and the next step counts as a fresh start. The update is
/// −sign(g)·s, and g (zeroed after a sign change) is kept as g_prev. It ends its chain: the learning rate is only
/// the initial step size. Every operation is exact or a single rounding (s·η, the same in torch), so with no other
/// links the result equals torch's bit for bit.
/// </summary>
public sealed class ScaleByRprop : GradientTransform
{
    private readonly double _etaMinus, _etaPlus, _min, _max;

    /// <summary>Creates the transform. PyTorch defaults: η = (0.5, 1.2), step sizes (1e-6, 50).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Unless 0 &lt; η₋ &lt; 1 &lt; η₊ (finite) and 0 ≤ s_min ≤ s_max (finite).</exception>
    public ScaleByRprop(double etaMinus = 0.5, double etaPlus = 1.2, double minStepSize = 1e-6, double maxStepSize = 50)
    {
        if (!(etaMinus > 0 && etaMinus < 1))
            throw new ArgumentOutOfRangeException(nameof(etaMinus), etaMinus, $"Rprop's η₋ must lie in (0, 1), but is {etaMinus.ToString(CultureInfo.InvariantCulture)}.");
        if (!(etaPlus > 1) || double.IsInfinity(etaPlus))
            throw new ArgumentOutOfRangeException(nameof(etaPlus), etaPlus, $"Rprop's η₊ must be a finite number > 1, but is {etaPlus.ToString(CultureInfo.InvariantCulture)}.");
        RequireNonNegative(minStepSize, nameof(minStepSize));
        RequireNonNegative(maxStepSize, nameof(maxStepSize));
        if (minStepSize > maxStepSize)
            throw new ArgumentOutOfRangeException(nameof(minStepSize), minStepSize,
                $"Rprop's smallest step size ({minStepSize.ToString(CultureInfo.InvariantCulture)}) exceeds its largest ({maxStepSize.ToString(CultureInfo.InvariantCulture)}).");
        (_etaMinus, _etaPlus, _min, _max) = (etaMinus, etaPlus, minStepSize, maxStepSize);
    }

    /// <inheritdoc/>
    public override string Name => "scale_by_rprop";

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => ["prev", "step_size"];

    /// <inheritdoc/>
    public override int ConstantCount => 2;

    /// <summary>Constants: 1 on the first step (the step sizes start there, at γ), else 0; and γ.</summary>
    public override void Prepare<T>(long step, double learningRate, ReadOnlySpan<T> gradient, Span<double> scalars, Span<double> constants)
    {
        constants[0] = step == 1 ? 1.0 : 0.0;
        constants[1] = learningRate;
    }

    private RpropRule<T> Rule<T>(ReadOnlySpan<double> c) where T : IFloatingPointIeee754<T> => new(_etaMinus, _etaPlus, _min, _max, c[0] != 0, c[1]);

    /// <inheritdoc/>
    public override void Apply<T>(Span<T> update, ReadOnlySpan<T> parameters, TransformBlock<T> block) => block.Run(Rule<T>(block.Constants), update);

    internal override FusedKernel CreateKernel(KernelParts parts) => FusedKernel.Create(parts, "rprop", Rule<double>, Rule<float>);
}

/// <summary>Rprop (<see cref="ScaleByRprop"/>): S0 = the previous (possibly zeroed) gradient, S1 = the step sizes.</summary>
internal readonly struct RpropRule<T>(double etaMinus, double etaPlus, double min, double max, bool first, double initial) : IRule<T> where T : IFloatingPointIeee754<T>
{
    private readonly Vector<T> _etaMinus = Simd.V<T>(etaMinus), _etaPlus = Simd.V<T>(etaPlus), _min = Simd.V<T>(min), _max = Simd.V<T>(max), _initial = Simd.V<T>(initial);
    private readonly bool _first = first;

    public static int States => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s)
    {
        // torch takes the sign of the product g·g_prev (not the product of signs: an underflowing product counts as 0).
        var product = g * s.S0;
        var grew = Vector.GreaterThan(product, Vector<T>.Zero);
        var flipped = Vector.LessThan(product, Vector<T>.Zero);
        var factor = Vector.ConditionalSelect(grew, _etaPlus, Vector.ConditionalSelect(flipped, _etaMinus, Vector<T>.One));
        var size = s.S1 = Vector.Min(Vector.Max((_first ? _initial : s.S1) * factor, _min), _max);
        var kept = s.S0 = Vector.ConditionalSelect(flipped, Vector<T>.Zero, g);
        var sign = Vector.ConditionalSelect(Vector.GreaterThan(kept, Vector<T>.Zero), Vector<T>.One,
            Vector.ConditionalSelect(Vector.LessThan(kept, Vector<T>.Zero), -Vector<T>.One, Vector<T>.Zero));
        return -(sign * size);
    }
}
