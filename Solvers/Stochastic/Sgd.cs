using System.Numerics;
using System.Runtime.CompilerServices;

namespace Optima.Solvers.Stochastic;

// One optimizer unit: its settings (registered by name in Optimizers.cs), its transform and its per-entry rule.

/// <summary>
/// SGD in PyTorch's form (torch.optim.SGD): plain (sgd), with momentum (momentum, sgdw) or Nesterov momentum (nesterov);
/// the registry's presets differ only in these values.
/// </summary>
public sealed record SgdSettings : OptimizerSettings
{
    /// <summary>γ (default 1e-3).</summary>
    public override double LearningRate { get; init; } = 1e-3;

    /// <summary>Momentum μ ∈ [0, 1) (default 0; 0.9 for momentum, nesterov and sgdw).</summary>
    public double Momentum { get; init; }

    /// <summary>Dampening τ ∈ [0, 1] of the momentum buffer (default 0).</summary>
    public double Dampening { get; init; }

    /// <summary>Nesterov momentum (needs μ &gt; 0 and τ = 0; default false).</summary>
    public bool Nesterov { get; init; }

    /// <inheritdoc/>
    protected internal override IEnumerable<GradientTransform> Core()
    {
        RequireMomentum(Momentum);
        return Momentum > 0 || Nesterov ? [new Trace(Momentum, Dampening, Nesterov)] : [];
    }

    /// <inheritdoc/>
    public override OptimizerSettings? With(string option, double value) => option switch
    {
        "momentum" => this with { Momentum = value },
        "dampening" => this with { Dampening = value },
        _ => base.With(option, value),
    };
}

/// <summary>The textbook heavy ball (registry name "heavy-ball"): v ← μv − γg, θ ← θ + v.</summary>
public sealed record HeavyBallSettings : OptimizerSettings
{
    /// <summary>γ (default 1e-3).</summary>
    public override double LearningRate { get; init; } = 1e-3;

    /// <summary>Momentum μ ∈ [0, 1) (default 0.9).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <inheritdoc/>
    protected internal override IEnumerable<GradientTransform> Core()
    {
        RequireMomentum(Momentum);
        return [new HeavyBall(Momentum)];
    }

    /// <inheritdoc/>
    protected internal override bool IncludesLearningRate => true;

    /// <inheritdoc/>
    public override OptimizerSettings? With(string option, double value) => option == "momentum" ? this with { Momentum = value } : base.With(option, value);
}

/// <summary>
/// PyTorch's momentum buffer (torch.optim.SGD): b₁ = g, b_t = μ b_{t−1} + (1 − τ) g; then u = g + μ b_t with
/// Nesterov, else u = b_t. With τ = 0 and a constant rate this is the heavy ball v ← βv − α∇L, θ ← θ + v with
/// v = −γ b; the Nesterov variant is Sutskever's look-ahead form reparameterised so that no second copy of the
/// parameters is kept (the stored θ is the look-ahead point).
/// </summary>
public sealed class Trace : GradientTransform
{
    private readonly double _mu, _dampening;

    /// <summary>Creates the buffer with momentum μ ∈ [0, 1), dampening τ ∈ [0, 1] and the Nesterov flag.</summary>
    /// <exception cref="ArgumentException">Nesterov with μ = 0 or τ ≠ 0 (as in PyTorch).</exception>
    public Trace(double momentum, double dampening = 0.0, bool nesterov = false)
    {
        RequireBeta(momentum, nameof(momentum));
        if (!(dampening >= 0 && dampening <= 1)) throw new ArgumentOutOfRangeException(nameof(dampening), dampening, "dampening must lie in [0, 1].");
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("Nesterov momentum requires a momentum > 0 and zero dampening.", nameof(nesterov));
        (_mu, _dampening, Nesterov) = (momentum, dampening, nesterov);
    }

    /// <inheritdoc/>
    public override string Name => "trace";

    internal bool Nesterov { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => ["b"];

    /// <inheritdoc/>
    public override int ConstantCount => 1;

    /// <inheritdoc/>
    public override void Prepare<T>(long step, double learningRate, ReadOnlySpan<T> gradient, Span<double> scalars, Span<double> constants) =>
        constants[0] = step == 1 ? 1 : 0;

    /// <summary>Whether the step is the first (the buffer then starts as g), from the trace's constants.</summary>
    internal static bool IsFirst(ReadOnlySpan<double> constants) => constants[0] != 0;

    internal TraceRule<T, TFirst, TNesterov> Rule<T, TFirst, TNesterov>() where T : IFloatingPointIeee754<T> where TFirst : IFlag where TNesterov : IFlag =>
        new(_mu, 1.0 - _dampening);

    /// <inheritdoc/>
    public override void Apply<T>(Span<T> update, ReadOnlySpan<T> parameters, TransformBlock<T> block)
    {
        switch (IsFirst(block.Constants), Nesterov)
        {
            case (true, true): block.Run(Rule<T, Yes, Yes>(), update); break;
            case (true, false): block.Run(Rule<T, Yes, No>(), update); break;
            case (false, true): block.Run(Rule<T, No, Yes>(), update); break;
            case (false, false): block.Run(Rule<T, No, No>(), update); break;
        }
    }
}

/// <summary>
/// The textbook heavy ball (Polyak 1964) exactly as written: v ← βv − γg, u = v (so θ ← θ + v). Ends its chain
/// itself — it already includes the learning rate. Equal to <see cref="Trace"/> + <see cref="ScaleByLearningRate"/>
/// while γ is constant; differs once γ changes, since here the old velocity keeps the old rate.
/// </summary>
public sealed class HeavyBall : GradientTransform
{
    private readonly double _beta;

    /// <summary>Creates the transform with momentum β ∈ [0, 1).</summary>
    public HeavyBall(double momentum)
    {
        RequireBeta(momentum, nameof(momentum));
        _beta = momentum;
    }

    /// <inheritdoc/>
    public override string Name => "heavy_ball";

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => ["v"];

    /// <inheritdoc/>
    public override int ConstantCount => 1;

    /// <inheritdoc/>
    public override void Prepare<T>(long step, double learningRate, ReadOnlySpan<T> gradient, Span<double> scalars, Span<double> constants) =>
        constants[0] = learningRate;

    private HeavyBallRule<T> Rule<T>(ReadOnlySpan<double> c) where T : IFloatingPointIeee754<T> => new(_beta, c[0]);

    /// <inheritdoc/>
    public override void Apply<T>(Span<T> update, ReadOnlySpan<T> parameters, TransformBlock<T> block) => block.Run(Rule<T>(block.Constants), update);

    internal override FusedKernel CreateKernel(KernelParts parts) => FusedKernel.Create(parts, "heavy ball", Rule<double>, Rule<float>);
}

/// <summary>PyTorch's momentum buffer (<see cref="Trace"/>): S0 = b; the first step stores b = g.</summary>
internal readonly struct TraceRule<T, TFirst, TNesterov>(double mu, double keep) : IRule<T> where T : IFloatingPointIeee754<T> where TFirst : IFlag where TNesterov : IFlag
{
    private readonly Vector<T> _mu = Simd.V<T>(mu), _keep = Simd.V<T>(keep);

    public static int States => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s)
    {
        var b = s.S0 = TFirst.On ? g : Simd.Fma(_mu, s.S0, _keep * g);
        return TNesterov.On ? Simd.Fma(_mu, b, g) : b;
    }
}

/// <summary>The textbook heavy ball (<see cref="HeavyBall"/>): S0 = the velocity v ← βv − γg, which is the update.</summary>
internal readonly struct HeavyBallRule<T>(double beta, double learningRate) : IRule<T> where T : IFloatingPointIeee754<T>
{
    private readonly Vector<T> _beta = Simd.V<T>(beta), _minusLr = Simd.V<T>(-learningRate);

    public static int States => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s) => s.S0 = Simd.Fma(_beta, s.S0, _minusLr * g);
}
