using System.Numerics;
using System.Runtime.CompilerServices;

namespace Optima.Solvers.Stochastic;

// One optimizer unit: its settings (registered by name in Optimizers.cs), its transform and its per-entry rule.

/// <summary>RMSProp, plain or centred, with optional momentum (torch.optim.RMSprop).</summary>
public sealed record RmsPropSettings : OptimizerSettings
{
    /// <summary>γ (default 1e-2).</summary>
    public override double LearningRate { get; init; } = 1e-2;

    /// <summary>The smoothing constant α (default 0.99).</summary>
    public double Alpha { get; init; } = 0.99;

    /// <summary>ε (default 1e-8).</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Centred RMSProp (default false; true for "rmsprop-centred").</summary>
    public bool Centred { get; init; }

    /// <summary>Momentum μ ∈ [0, 1) of a buffer b ← μb + g/(√ṽ + ε) (default 0: none).</summary>
    public double Momentum { get; init; }

    /// <inheritdoc/>
    protected internal override IEnumerable<GradientTransform> Core()
    {
        RequireMomentum(Momentum);
        var rms = new ScaleByRms(Alpha, Epsilon, Centred);
        return Momentum > 0 ? [rms, new Trace(Momentum)] : [rms];
    }

    /// <inheritdoc/>
    public override OptimizerSettings? With(string option, double value) => option switch
    {
        "momentum" => this with { Momentum = value },
        "alpha" => this with { Alpha = value },
        "eps" => this with { Epsilon = value },
        _ => base.With(option, value),
    };
}

/// <summary>
/// RMSProp (torch.optim.RMSprop, Hinton's lecture 6e): v ← αv + (1−α)g²; centred: ḡ ← αḡ + (1−α)g and the
/// denominator uses v − ḡ² (Graves 2013); u = g / (√ṽ + ε). Momentum, when wanted, is a following
/// <see cref="Trace"/> (PyTorch's b ← μb + g/(√ṽ + ε)).
/// </summary>
public sealed class ScaleByRms : GradientTransform
{
    private readonly double _alpha, _eps;
    private readonly bool _centred;

    /// <summary>Creates the transform. PyTorch defaults: α = 0.99, ε = 1e-8, not centred.</summary>
    public ScaleByRms(double alpha = 0.99, double epsilon = 1e-8, bool centred = false)
    {
        RequireBeta(alpha, nameof(alpha));
        RequireNonNegative(epsilon, nameof(epsilon));
        (_alpha, _eps, _centred) = (alpha, epsilon, centred);
    }

    /// <inheritdoc/>
    public override string Name => _centred ? "scale_by_centred_rms" : "scale_by_rms";

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => _centred ? ["square_avg", "grad_avg"] : ["square_avg"];

    private RmsRule<T, TCentred> Rule<T, TCentred>(ReadOnlySpan<double> c) where T : IFloatingPointIeee754<T> where TCentred : IFlag => new(_alpha, _eps);

    /// <inheritdoc/>
    public override void Apply<T>(Span<T> update, ReadOnlySpan<T> parameters, TransformBlock<T> block)
    {
        if (_centred) block.Run(Rule<T, Yes>(block.Constants), update);
        else block.Run(Rule<T, No>(block.Constants), update);
    }

    internal override FusedKernel CreateKernel(KernelParts parts) => _centred
        ? FusedKernel.Create(parts, "centred rmsprop", Rule<double, Yes>, Rule<float, Yes>)
        : FusedKernel.Create(parts, "rmsprop", Rule<double, No>, Rule<float, No>);
}

/// <summary>RMSProp, plain or centred (<see cref="ScaleByRms"/>): S0 = mean square, S1 = mean gradient (centred only).</summary>
internal readonly struct RmsRule<T, TCentred>(double alpha, double eps) : IRule<T> where T : IFloatingPointIeee754<T> where TCentred : IFlag
{
    private readonly Vector<T> _al = Simd.V<T>(alpha), _a1 = Simd.V<T>(1 - alpha), _eps = Simd.V<T>(eps);

    public static int States => TCentred.On ? 2 : 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s)
    {
        var v = s.S0 = Simd.Fma(_al, s.S0, _a1 * g * g);
        if (!TCentred.On) return g / (Vector.SquareRoot(v) + _eps);
        var mean = s.S1 = Simd.Fma(_al, s.S1, _a1 * g);
        return g / (Vector.SquareRoot(Simd.Fma(-mean, mean, v)) + _eps);
    }
}
