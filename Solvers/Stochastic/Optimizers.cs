using System.Globalization;

namespace Optima.Solvers.Stochastic;

/// <summary>
/// Settings for <see cref="Optimizers.Create"/>. A null entry takes the default of the named optimizer, which is
/// PyTorch's (torch.optim) wherever PyTorch has the optimizer; every default is listed in <see cref="Optimizers.Describe"/>.
/// </summary>
public sealed record OptimizerSettings
{
    /// <summary>γ. Defaults: sgd family 1e-3, adagrad/rmsprop 1e-2, adadelta 1.0, adam family 1e-3, adamax/nadam 2e-3.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Momentum μ (sgd: 0; momentum/nesterov/heavy-ball/sgdw: 0.9; rmsprop: 0).</summary>
    public double? Momentum { get; init; }

    /// <summary>Dampening τ of PyTorch's SGD momentum buffer. Default 0.</summary>
    public double Dampening { get; init; }

    /// <summary>Weight decay λ (adamw and sgdw: 1e-2; others 0).</summary>
    public double? WeightDecay { get; init; }

    /// <summary>
    /// Apply λ decoupled from the gradient (θ ← θ − γλθ, Loshchilov and Hutter) instead of as an L2 term
    /// g ← g + λθ. Defaults to true for adamw and sgdw and false otherwise.
    /// </summary>
    public bool? DecoupledWeightDecay { get; init; }

    /// <summary>β₁ (default 0.9).</summary>
    public double? Beta1 { get; init; }

    /// <summary>β₂ (default 0.999).</summary>
    public double? Beta2 { get; init; }

    /// <summary>ε (adam family 1e-8, adagrad 1e-10, adadelta 1e-6, rmsprop 1e-8).</summary>
    public double? Epsilon { get; init; }

    /// <summary>RMSProp's smoothing constant α (default 0.99).</summary>
    public double? Alpha { get; init; }

    /// <summary>Adadelta's ρ (default 0.9).</summary>
    public double? Rho { get; init; }

    /// <summary>Centred RMSProp (default false; true for "rmsprop-centred").</summary>
    public bool Centred { get; init; }

    /// <summary>AMSGrad variant of adam/adamw (default false; true for "amsgrad").</summary>
    public bool AmsGrad { get; init; }

    /// <summary>Adagrad's learning-rate decay η (default 0).</summary>
    public double LearningRateDecay { get; init; }

    /// <summary>Adagrad's initial accumulator value (default 0).</summary>
    public double InitialAccumulator { get; init; }

    /// <summary>NAdam's momentum decay ψ (default 4e-3).</summary>
    public double MomentumDecay { get; init; } = 4e-3;

    /// <summary>AdaBound's final (SGD) learning rate (default 0.1).</summary>
    public double FinalLearningRate { get; init; } = 0.1;

    /// <summary>AdaBound's bound convergence speed γ (default 1e-3).</summary>
    public double BoundGamma { get; init; } = 1e-3;

    /// <summary>Clip the gradient to this Euclidean norm before the optimizer sees it (off when null).</summary>
    public double? ClipNorm { get; init; }

    /// <summary>Clip each gradient entry to [−c, c] before the optimizer sees it (off when null).</summary>
    public double? ClipValue { get; init; }

    /// <summary>Wrap the optimizer in <see cref="Lookahead"/> with this many fast steps (off when null).</summary>
    public int? LookaheadSteps { get; init; }

    /// <summary>Lookahead's slow step α (default 0.5).</summary>
    public double LookaheadAlpha { get; init; } = 0.5;

    /// <summary>
    /// Float64 (default: double parameters, gradients and state) or Float32 (float parameters and gradients, float state
    /// vectors, stepped with <see cref="IOptimizer.Step(Span{float}, ReadOnlySpan{float})"/>; updates are computed in
    /// double and rounded to float once).
    /// </summary>
    public OptimizerPrecision Precision { get; init; }
}

/// <summary>
/// The optimizer registry: builds any optimizer by name with PyTorch's defaults, for the CLI and the training
/// facade. Names are case-insensitive; "lookahead:NAME" wraps NAME in <see cref="Lookahead"/>.
/// </summary>
public static class Optimizers
{
    private static readonly (string Name, string Description)[] Catalogue =
    [
        ("sgd", "SGD, γ = 1e-3; momentum μ, dampening, L2 weight decay optional (torch.optim.SGD)"),
        ("momentum", "SGD with heavy-ball momentum in PyTorch's form b ← μb + g, θ ← θ − γb; μ = 0.9"),
        ("heavy-ball", "textbook heavy ball v ← μv − γg, θ ← θ + v; μ = 0.9 (equal to 'momentum' at constant γ)"),
        ("nesterov", "SGD with Nesterov momentum (PyTorch's reparameterised look-ahead form); μ = 0.9"),
        ("sgdw", "SGD with momentum 0.9 and decoupled weight decay λ = 1e-2 (Loshchilov and Hutter)"),
        ("adagrad", "Adagrad, γ = 1e-2, ε = 1e-10, lr_decay 0 (torch.optim.Adagrad)"),
        ("rmsprop", "RMSProp, γ = 1e-2, α = 0.99, ε = 1e-8, momentum 0 (torch.optim.RMSprop)"),
        ("rmsprop-centred", "centred RMSProp (Graves), otherwise as rmsprop"),
        ("adadelta", "Adadelta, γ = 1.0, ρ = 0.9, ε = 1e-6 (torch.optim.Adadelta)"),
        ("adam", "Adam with bias correction, γ = 1e-3, β = (0.9, 0.999), ε = 1e-8 (torch.optim.Adam)"),
        ("amsgrad", "Adam with AMSGrad's running maximum of v (torch.optim.Adam(amsgrad=True))"),
        ("adamw", "Adam with decoupled weight decay λ = 1e-2 (torch.optim.AdamW)"),
        ("adamax", "AdaMax, γ = 2e-3, β = (0.9, 0.999), ε = 1e-8 (torch.optim.Adamax)"),
        ("nadam", "NAdam, γ = 2e-3, β = (0.9, 0.999), ε = 1e-8, ψ = 4e-3 (torch.optim.NAdam)"),
        ("adabound", "AdaBound, γ = 1e-3, final_lr = 0.1, bound γ = 1e-3 (Luo et al. 2019)"),
    ];

    /// <summary>The registered names, in catalogue order.</summary>
    public static IReadOnlyList<string> Names { get; } = Catalogue.Select(c => c.Name).ToArray();

    /// <summary>The prefix that wraps an optimizer in <see cref="Lookahead"/>: "lookahead:adam".</summary>
    public const string LookaheadPrefix = "lookahead:";

    /// <summary>True when <see cref="Create"/> accepts <paramref name="name"/>: a registered name, or one behind "lookahead:" (case-insensitive).</summary>
    public static bool IsKnown(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return false;
        string key = Normalise(name);
        while (key.StartsWith(LookaheadPrefix, StringComparison.Ordinal)) key = key[LookaheadPrefix.Length..].Trim();
        return Names.Contains(key, StringComparer.Ordinal);
    }

    /// <summary>A one-line description of <paramref name="name"/> with its defaults.</summary>
    public static string Describe(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string key = Normalise(name);
        if (key.StartsWith(LookaheadPrefix, StringComparison.Ordinal))
            return $"Lookahead (k = 5, α = 0.5) around {Describe(key[LookaheadPrefix.Length..])}";
        foreach (var (n, d) in Catalogue)
            if (string.Equals(n, Normalise(name), StringComparison.Ordinal)) return d;
        throw Unknown(name);
    }

    /// <summary>Creates the optimizer called <paramref name="name"/> for <paramref name="parameterCount"/> parameters.</summary>
    /// <exception cref="ArgumentException">An unknown name (the message lists the known ones) or an invalid setting.</exception>
    public static IOptimizer Create(string name, int parameterCount, OptimizerSettings? settings = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var s = settings ?? new OptimizerSettings();
        string key = Normalise(name);
        if (key.StartsWith(LookaheadPrefix, StringComparison.Ordinal))
            return new Lookahead(Create(key[LookaheadPrefix.Length..], parameterCount, s with { LookaheadSteps = null }),
                s.LookaheadSteps ?? 5, s.LookaheadAlpha);

        // A momentum given to an optimizer without one would be silently ignored, and a NaN one (NaN > 0 is false)
        // silently turned off: both are refused.
        if (s.Momentum is { } mu0)
        {
            if (!(mu0 >= 0 && mu0 < 1))
                throw new ArgumentException($"The momentum must lie in [0, 1), but is {mu0.ToString(CultureInfo.InvariantCulture)}.", nameof(settings));
            if (key is not ("sgd" or "momentum" or "nesterov" or "sgdw" or "heavy-ball" or "rmsprop" or "rmsprop-centred") && Catalogue.Any(c => c.Name == key))
                throw new ArgumentException($"A momentum does not apply to {key}; it applies to sgd, momentum, heavy-ball, nesterov, sgdw, rmsprop and rmsprop-centred.", nameof(settings));
        }

        var chain = new List<GradientTransform>();
        if (s.ClipNorm is { } cn) chain.Add(new ClipByGlobalNorm(cn));
        if (s.ClipValue is { } cv) chain.Add(new ClipByValue(cv));
        double wd;
        bool decoupled;
        double lr;
        GradientTransform? core = null, momentum = null;
        bool endsWithLearningRate = true;
        switch (key)
        {
            case "sgd" or "momentum" or "nesterov" or "sgdw" or "heavy-ball":
            {
                lr = s.LearningRate ?? 1e-3;
                double mu = s.Momentum ?? (key == "sgd" ? 0.0 : 0.9);
                wd = s.WeightDecay ?? (key == "sgdw" ? 1e-2 : 0.0);
                decoupled = s.DecoupledWeightDecay ?? key == "sgdw";
                if (key == "heavy-ball")
                {
                    core = new HeavyBall(mu);
                    endsWithLearningRate = false;
                }
                else if (mu > 0 || key == "nesterov")
                {
                    core = new Trace(mu, s.Dampening, key == "nesterov");
                }
                break;
            }
            case "adagrad":
                lr = s.LearningRate ?? 1e-2;
                wd = s.WeightDecay ?? 0;
                decoupled = s.DecoupledWeightDecay ?? false;
                core = new ScaleByAdagrad(s.LearningRateDecay, s.InitialAccumulator, s.Epsilon ?? 1e-10);
                break;
            case "rmsprop" or "rmsprop-centred":
                lr = s.LearningRate ?? 1e-2;
                wd = s.WeightDecay ?? 0;
                decoupled = s.DecoupledWeightDecay ?? false;
                core = new ScaleByRms(s.Alpha ?? 0.99, s.Epsilon ?? 1e-8, s.Centred || key == "rmsprop-centred");
                if (s.Momentum is > 0 and var rmsMomentum) momentum = new Trace(rmsMomentum); // torch: b ← μb + g/(√ṽ + ε), θ ← θ − γb
                break;
            case "adadelta":
                lr = s.LearningRate ?? 1.0;
                wd = s.WeightDecay ?? 0;
                decoupled = s.DecoupledWeightDecay ?? false;
                core = new ScaleByAdadelta(s.Rho ?? 0.9, s.Epsilon ?? 1e-6);
                break;
            case "adam" or "amsgrad" or "adamw":
                lr = s.LearningRate ?? 1e-3;
                wd = s.WeightDecay ?? (key == "adamw" ? 1e-2 : 0.0);
                decoupled = s.DecoupledWeightDecay ?? key == "adamw";
                core = new ScaleByAdam(s.Beta1 ?? 0.9, s.Beta2 ?? 0.999, s.Epsilon ?? 1e-8, s.AmsGrad || key == "amsgrad");
                break;
            case "adamax":
                lr = s.LearningRate ?? 2e-3;
                wd = s.WeightDecay ?? 0;
                decoupled = s.DecoupledWeightDecay ?? false;
                core = new ScaleByAdamax(s.Beta1 ?? 0.9, s.Beta2 ?? 0.999, s.Epsilon ?? 1e-8);
                break;
            case "nadam":
                lr = s.LearningRate ?? 2e-3;
                wd = s.WeightDecay ?? 0;
                decoupled = s.DecoupledWeightDecay ?? false;
                core = new ScaleByNadam(s.Beta1 ?? 0.9, s.Beta2 ?? 0.999, s.Epsilon ?? 1e-8, s.MomentumDecay);
                break;
            case "adabound":
                lr = s.LearningRate ?? 1e-3;
                wd = s.WeightDecay ?? 0;
                decoupled = s.DecoupledWeightDecay ?? false;
                core = new ScaleByAdaBound(lr > 0 ? lr : 1e-3, s.FinalLearningRate, s.BoundGamma, s.Beta1 ?? 0.9, s.Beta2 ?? 0.999, s.Epsilon ?? 1e-8);
                break;
            default:
                throw Unknown(name);
        }
        if (!(lr >= 0) || double.IsInfinity(lr))
            throw new ArgumentOutOfRangeException(nameof(settings), lr, $"The learning rate must be a finite number ≥ 0, but is {lr.ToString(CultureInfo.InvariantCulture)}.");
        if (!(wd >= 0) || double.IsInfinity(wd))
            throw new ArgumentOutOfRangeException(nameof(settings), wd, $"The weight decay must be a finite number ≥ 0, but is {wd.ToString(CultureInfo.InvariantCulture)}.");
        if (decoupled && !endsWithLearningRate)
            throw new ArgumentException("Decoupled weight decay is not available with the textbook heavy-ball form; use 'sgdw'.", nameof(settings));

        if (wd > 0 && !decoupled) chain.Add(new AddDecayedWeights(wd));
        if (core is not null) chain.Add(core);
        if (momentum is not null) chain.Add(momentum);
        if (wd > 0 && decoupled) chain.Add(new AddDecayedWeights(wd));
        if (endsWithLearningRate) chain.Add(new ScaleByLearningRate());
        IOptimizer optimizer = new ChainOptimizer(key, parameterCount, lr, s.Precision, [.. chain]);
        return s.LookaheadSteps is { } k ? new Lookahead(optimizer, k, s.LookaheadAlpha) : optimizer;
    }

    private static string Normalise(string name) =>
        name.Trim().ToLowerInvariant().Replace("rmsprop-centered", "rmsprop-centred", StringComparison.Ordinal)
            .Replace("heavyball", "heavy-ball", StringComparison.Ordinal);

    private static ArgumentException Unknown(string name) =>
        new($"Unknown optimizer '{name}'. Known optimizers: {string.Join(", ", Names)} (prefix 'lookahead:' to wrap one in Lookahead).", nameof(name));
}
