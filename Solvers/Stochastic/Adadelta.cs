using System.Numerics;
using System.Runtime.CompilerServices;

namespace Optima.Solvers.Stochastic;

// One optimizer unit: its settings (registered by name in Optimizers.cs), its transform and its per-entry rule.

/// <summary>Adadelta (torch.optim.Adadelta).</summary>
public sealed record AdadeltaSettings : OptimizerSettings
{
    /// <summary>γ (default 1.0).</summary>
    public override double LearningRate { get; init; } = 1.0;

    /// <summary>ρ (default 0.9).</summary>
    public double Rho { get; init; } = 0.9;

    /// <summary>ε (default 1e-6).</summary>
    public double Epsilon { get; init; } = 1e-6;

    /// <inheritdoc/>
    protected internal override IEnumerable<GradientTransform> Core() => [new ScaleByAdadelta(Rho, Epsilon)];

    /// <inheritdoc/>
    public override OptimizerSettings? With(string option, double value) => option switch
    {
        "rho" => this with { Rho = value },
        "eps" => this with { Epsilon = value },
        _ => base.With(option, value),
    };
}

/// <summary>
/// Adadelta (torch.optim.Adadelta, Zeiler 2012): v ← ρv + (1−ρ)g², Δ = √(a + ε)/√(v + ε)·g, a ← ρa + (1−ρ)Δ², u = Δ
/// (then scaled by the learning rate, default 1). The ratio is computed as √((a + ε)/(v + ε)) — one square root instead
/// of PyTorch's two, equal to within an ulp or two — because two square roots made the step compute-bound.
/// </summary>
public sealed class ScaleByAdadelta : GradientTransform
{
    private readonly double _rho, _eps;

    /// <summary>Creates the transform. PyTorch defaults: ρ = 0.9, ε = 1e-6.</summary>
    public ScaleByAdadelta(double rho = 0.9, double epsilon = 1e-6)
    {
        RequireBeta(rho, nameof(rho));
        RequireNonNegative(epsilon, nameof(epsilon));
        (_rho, _eps) = (rho, epsilon);
    }

    /// <inheritdoc/>
    public override string Name => "scale_by_adadelta";

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => ["square_avg", "acc_delta"];

    private AdadeltaRule<T> Rule<T>(ReadOnlySpan<double> c) where T : IFloatingPointIeee754<T> => new(_rho, _eps);

    /// <inheritdoc/>
    public override void Apply<T>(Span<T> update, ReadOnlySpan<T> parameters, TransformBlock<T> block) => block.Run(Rule<T>(block.Constants), update);

    internal override FusedKernel CreateKernel(KernelParts parts) => FusedKernel.Create(parts, "adadelta", Rule<double>, Rule<float>);
}

/// <summary>Adadelta (<see cref="ScaleByAdadelta"/>): S0 = mean square gradient, S1 = mean square step.</summary>
internal readonly struct AdadeltaRule<T>(double rho, double eps) : IRule<T> where T : IFloatingPointIeee754<T>
{
    private readonly Vector<T> _rho = Simd.V<T>(rho), _r1 = Simd.V<T>(1 - rho), _eps = Simd.V<T>(eps);

    public static int States => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s)
    {
        var v = s.S0 = Simd.Fma(_rho, s.S0, _r1 * g * g);
        var delta = Vector.SquareRoot((s.S1 + _eps) / (v + _eps)) * g; // one square root, not two: sqrt-throughput-bound otherwise
        s.S1 = Simd.Fma(_rho, s.S1, _r1 * delta * delta);
        return delta;
    }
}
