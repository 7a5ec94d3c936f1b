using Optima.Solvers.Stochastic;

namespace Optima.Tests.Stochastic;

/// <summary>
/// The tests' shorthand for optimizer settings of any optimizer in one record (null: the registered default), turned
/// into the optimizer's own settings record by <see cref="For"/> through the library's by-name options
/// (<see cref="OptimizerSettings.With"/>), so the table-driven tests can list several optimizers side by side.
/// </summary>
internal sealed record Flat
{
    public double? LearningRate { get; init; }
    public double? Momentum { get; init; }
    public double? Dampening { get; init; }
    public double? WeightDecay { get; init; }
    public bool? DecoupledWeightDecay { get; init; }
    public double? Beta1 { get; init; }
    public double? Beta2 { get; init; }
    public double? Epsilon { get; init; }
    public double? Alpha { get; init; }
    public double? Rho { get; init; }
    public bool AmsGrad { get; init; }
    public double? LearningRateDecay { get; init; }
    public double? InitialAccumulator { get; init; }
    public double? MomentumDecay { get; init; }
    public double? FinalLearningRate { get; init; }
    public double? BoundGamma { get; init; }
    public double? ClipNorm { get; init; }
    public double? ClipValue { get; init; }
    public int? LookaheadSteps { get; init; }
    public OptimizerPrecision Precision { get; init; }

    /// <summary>The settings record of <paramref name="name"/> with these values.</summary>
    public OptimizerSettings For(string name)
    {
        var options = new (string, double?)[]
        {
            ("lr", LearningRate), ("momentum", Momentum), ("dampening", Dampening), ("weight-decay", WeightDecay), ("beta1", Beta1),
            ("beta2", Beta2), ("eps", Epsilon), ("alpha", Alpha), ("rho", Rho), ("lr-decay", LearningRateDecay),
            ("initial-accumulator", InitialAccumulator), ("momentum-decay", MomentumDecay), ("final-lr", FinalLearningRate),
            ("bound-gamma", BoundGamma),
        };
        var s = Optimizers.Settings(name, options.Where(o => o.Item2 is not null).Select(o => (o.Item1, o.Item2!.Value)), Precision);
        s = s with { ClipNorm = ClipNorm, ClipValue = ClipValue, LookaheadSteps = LookaheadSteps ?? s.LookaheadSteps };
        if (DecoupledWeightDecay is { } d) s = s with { DecoupledWeightDecay = d };
        if (AmsGrad) s = ((AdamSettings)s) with { AmsGrad = true };
        return s;
    }

    /// <summary><see cref="Optimizers.Create"/> with these settings.</summary>
    public static IOptimizer Create(string name, int n, Flat? settings = null) => Optimizers.Create(name, n, (settings ?? new Flat()).For(name));
}
