using System.Globalization;

namespace Optima.Solvers.Stochastic;

/// <summary>
/// The settings every optimizer shares (learning rate, weight decay, clipping, Lookahead, precision); each optimizer
/// derives its own record from it with its hyper-parameters and PyTorch's defaults (<see cref="AdamSettings"/>,
/// <see cref="SgdSettings"/> …), and builds its chain in <see cref="Core"/>. The registry (<see cref="Optimizers"/>)
/// names preset values of these records ("adamw" is <see cref="AdamSettings"/> with decoupled weight decay 1e-2).
/// </summary>
public abstract record OptimizerSettings
{
    /// <summary>γ (each optimizer's default is PyTorch's).</summary>
    public abstract double LearningRate { get; init; }

    /// <summary>Weight decay λ ≥ 0 (default 0; 1e-2 for adamw and sgdw).</summary>
    public double WeightDecay { get; init; }

    /// <summary>
    /// Apply λ decoupled from the gradient (θ ← θ − γλθ, Loshchilov and Hutter) instead of as an L2 term
    /// g ← g + λθ. Default false (true for adamw and sgdw).
    /// </summary>
    public bool DecoupledWeightDecay { get; init; }

    /// <summary>Clip the gradient to this Euclidean norm before the optimizer sees it (off when null).</summary>
    public double? ClipNorm { get; init; }

    /// <summary>Clip each gradient entry to [−c, c] before the optimizer sees it (off when null).</summary>
    public double? ClipValue { get; init; }

    /// <summary>Wrap the optimizer in <see cref="Lookahead"/> with this many fast steps (off when null).</summary>
    public int? LookaheadSteps { get; init; }

    /// <summary>Lookahead's slow step α (default 0.5).</summary>
    public double LookaheadAlpha { get; init; } = 0.5;

    /// <summary>
    /// Float64 (default: double parameters, gradients and state) or Float32 (float parameters, gradients and state
    /// vectors, stepped with float spans; the arithmetic is float, as PyTorch's for float tensors).
    /// </summary>
    public OptimizerPrecision Precision { get; init; }

    /// <summary>
    /// The optimizer's own transforms: the links between an L2 decay and a decoupled decay (none for plain SGD). Their
    /// constructors validate the hyper-parameters.
    /// </summary>
    protected internal abstract IEnumerable<GradientTransform> Core();

    /// <summary>Whether <see cref="Core"/> already applies the learning rate (the textbook heavy ball), so no −γ link follows.</summary>
    protected internal virtual bool IncludesLearningRate => false;

    /// <summary>
    /// A copy with the option called <paramref name="option"/> (as the CLI spells it: "lr", "weight-decay", "beta1" …)
    /// set to <paramref name="value"/>, or null when this optimizer has no such option. The base knows the common
    /// ones ("lr", "weight-decay", "clip-norm", "clip-value"); a derived record adds its own.
    /// </summary>
    public virtual OptimizerSettings? With(string option, double value) => option switch
    {
        "lr" => this with { LearningRate = value },
        "weight-decay" => this with { WeightDecay = value },
        "clip-norm" => this with { ClipNorm = value },
        "clip-value" => this with { ClipValue = value },
        _ => null,
    };

    /// <summary>Builds the optimizer: [clipping] → [L2 decay] → core → [decoupled decay] → [−γ], wrapped in Lookahead when asked.</summary>
    /// <param name="name">The name reported and written into checkpoints.</param>
    /// <param name="parameterCount">n ≥ 1.</param>
    /// <exception cref="ArgumentException">An invalid setting (the message names it).</exception>
    public IOptimizer Create(string name, int parameterCount)
    {
        var core = Validate();
        double lr = LearningRate, wd = WeightDecay;
        var chain = new List<GradientTransform>();
        if (ClipNorm is { } cn) chain.Add(new ClipByGlobalNorm(cn));
        if (ClipValue is { } cv) chain.Add(new ClipByValue(cv));
        if (wd > 0 && !DecoupledWeightDecay) chain.Add(new AddDecayedWeights(wd));
        chain.AddRange(core);
        if (wd > 0 && DecoupledWeightDecay) chain.Add(new AddDecayedWeights(wd));
        if (!IncludesLearningRate) chain.Add(new ScaleByLearningRate());
        IOptimizer optimizer = new ChainOptimizer(name, parameterCount, lr, Precision, [.. chain]);
        return LookaheadSteps is { } k ? new Lookahead(optimizer, k, LookaheadAlpha) : optimizer;
    }

    /// <summary>
    /// Checks every setting without building an optimizer (the CLI calls it before it reads any data), and returns the
    /// optimizer's own transforms, whose constructors check its hyper-parameters.
    /// </summary>
    /// <exception cref="ArgumentException">An invalid setting (the message names it).</exception>
    public GradientTransform[] Validate()
    {
        double lr = LearningRate, wd = WeightDecay;
        if (!(lr >= 0) || double.IsInfinity(lr))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), lr, $"The learning rate must be a finite number ≥ 0, but is {lr.ToString(CultureInfo.InvariantCulture)}.");
        if (!(wd >= 0) || double.IsInfinity(wd))
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), wd, $"The weight decay must be a finite number ≥ 0, but is {wd.ToString(CultureInfo.InvariantCulture)}.");
        if (DecoupledWeightDecay && IncludesLearningRate)
            throw new ArgumentException("Decoupled weight decay is not available where the rule applies the learning rate itself (the textbook heavy-ball form: use 'sgdw'; Rprop).", nameof(DecoupledWeightDecay));
        if (ClipNorm is { } cn) _ = new ClipByGlobalNorm(cn);
        if (ClipValue is { } cv) _ = new ClipByValue(cv);
        if (LookaheadSteps is { } k) Lookahead.Check(k, LookaheadAlpha);
        return [.. Core()];
    }

    /// <summary>Throws unless the momentum μ lies in [0, 1) (a NaN one would silently turn momentum off).</summary>
    protected static void RequireMomentum(double momentum)
    {
        if (!(momentum >= 0 && momentum < 1))
            throw new ArgumentException($"The momentum must lie in [0, 1), but is {momentum.ToString(CultureInfo.InvariantCulture)}.", nameof(momentum));
    }
}

/// <summary>
/// The optimizer registry: every optimizer by name with PyTorch's defaults, for the CLI, the training facade and the
/// method registry (<see cref="Methods"/>, through <see cref="OptimizerMinimizer"/>). Names are case-insensitive;
/// "lookahead:NAME" wraps NAME in <see cref="Lookahead"/>. A new optimizer is one file (its settings record, transform
/// and rule) plus one line here.
/// </summary>
public static class Optimizers
{
    private static readonly (string Name, string Description, Func<OptimizerSettings> Defaults)[] Catalogue =
    [
        ("sgd", "SGD, γ = 1e-3; momentum μ, dampening, L2 weight decay optional (torch.optim.SGD)", () => new SgdSettings()),
        ("momentum", "SGD with heavy-ball momentum in PyTorch's form b ← μb + g, θ ← θ − γb; μ = 0.9", () => new SgdSettings { Momentum = 0.9 }),
        ("heavy-ball", "textbook heavy ball v ← μv − γg, θ ← θ + v; μ = 0.9 (equal to 'momentum' at constant γ)", () => new HeavyBallSettings()),
        ("nesterov", "SGD with Nesterov momentum (PyTorch's reparameterised look-ahead form); μ = 0.9", () => new SgdSettings { Momentum = 0.9, Nesterov = true }),
        ("sgdw", "SGD with momentum 0.9 and decoupled weight decay λ = 1e-2 (Loshchilov and Hutter)",
            () => new SgdSettings { Momentum = 0.9, WeightDecay = 1e-2, DecoupledWeightDecay = true }),
        ("adagrad", "Adagrad, γ = 1e-2, ε = 1e-10, lr_decay 0 (torch.optim.Adagrad)", () => new AdagradSettings()),
        ("rmsprop", "RMSProp, γ = 1e-2, α = 0.99, ε = 1e-8, momentum 0 (torch.optim.RMSprop)", () => new RmsPropSettings()),
        ("rmsprop-centred", "centred RMSProp (Graves), otherwise as rmsprop", () => new RmsPropSettings { Centred = true }),
        ("adadelta", "Adadelta, γ = 1.0, ρ = 0.9, ε = 1e-6 (torch.optim.Adadelta)", () => new AdadeltaSettings()),
        ("adam", "Adam with bias correction, γ = 1e-3, β = (0.9, 0.999), ε = 1e-8 (torch.optim.Adam)", () => new AdamSettings()),
        ("amsgrad", "Adam with AMSGrad's running maximum of v (torch.optim.Adam(amsgrad=True))", () => new AdamSettings { AmsGrad = true }),
        ("adamw", "Adam with decoupled weight decay λ = 1e-2 (torch.optim.AdamW)", () => new AdamSettings { WeightDecay = 1e-2, DecoupledWeightDecay = true }),
        ("adamax", "AdaMax, γ = 2e-3, β = (0.9, 0.999), ε = 1e-8 (torch.optim.Adamax)", () => new AdamaxSettings()),
        ("nadam", "NAdam, γ = 2e-3, β = (0.9, 0.999), ε = 1e-8, ψ = 4e-3 (torch.optim.NAdam)", () => new NadamSettings()),
        ("adabound", "AdaBound, γ = 1e-3, final_lr = 0.1, bound γ = 1e-3 (Luo et al. 2019)", () => new AdaBoundSettings()),
        ("radam", "RAdam, γ = 1e-3, β = (0.9, 0.999), ε = 1e-8; rectified once ρ_t > 5 (torch.optim.RAdam)", () => new RAdamSettings()),
        ("rprop", "Rprop, initial step γ = 1e-2, η = (0.5, 1.2), steps in [1e-6, 50] (torch.optim.Rprop)", () => new RpropSettings()),
    ];

    /// <summary>The registered names, in catalogue order.</summary>
    public static IReadOnlyList<string> Names { get; } = Catalogue.Select(c => c.Name).ToArray();

    /// <summary>The prefix that wraps an optimizer in <see cref="Lookahead"/>: "lookahead:adam".</summary>
    public const string LookaheadPrefix = "lookahead:";

    /// <summary>True when <see cref="Create"/> accepts <paramref name="name"/>: a registered name, or one behind "lookahead:" (case-insensitive).</summary>
    public static bool IsKnown(string? name) => !string.IsNullOrWhiteSpace(name) && Names.Contains(Base(Normalise(name)), StringComparer.Ordinal);

    /// <summary>A one-line description of <paramref name="name"/> with its defaults.</summary>
    public static string Describe(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string key = Normalise(name);
        if (key.StartsWith(LookaheadPrefix, StringComparison.Ordinal))
            return $"Lookahead (k = 5, α = 0.5) around {Describe(key[LookaheadPrefix.Length..])}";
        return Entry(key, name).Description;
    }

    /// <summary>The settings <paramref name="name"/> stands for (PyTorch's defaults), to adjust with <c>with</c> or <see cref="OptimizerSettings.With"/>.</summary>
    /// <exception cref="ArgumentException">An unknown name (the message lists the known ones).</exception>
    public static OptimizerSettings Defaults(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Entry(Base(Normalise(name)), name).Defaults();
    }

    /// <summary>
    /// The settings of <paramref name="name"/> with options given by name, as the CLI's <c>--lr</c>, <c>--momentum</c>,
    /// <c>--weight-decay</c> … spell them (see <see cref="OptimizerSettings.With"/>), and the precision.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name, an option the optimizer does not have, or an invalid momentum.</exception>
    public static OptimizerSettings Settings(string name, IEnumerable<(string Option, double Value)> options, OptimizerPrecision precision = OptimizerPrecision.Float64)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = Defaults(name) with { Precision = precision };
        foreach (var (option, value) in options)
        {
            if (option == "momentum" && !(value >= 0 && value < 1)) // the range first: a NaN momentum is an error whatever the optimizer
                throw new ArgumentException($"The momentum must lie in [0, 1), but is {value.ToString(CultureInfo.InvariantCulture)}.", nameof(options));
            settings = settings.With(option, value) ?? throw new ArgumentException(
                $"A {option} does not apply to {Base(Normalise(name))}; it applies to {List(Names.Where(n => Defaults(n).With(option, value) is not null))}.", nameof(options));
        }
        return settings;
    }

    /// <summary>Creates the optimizer called <paramref name="name"/> for <paramref name="parameterCount"/> parameters.</summary>
    /// <param name="name">A registered name, or "lookahead:NAME".</param>
    /// <param name="parameterCount">n ≥ 1.</param>
    /// <param name="settings">Settings of the record type <see cref="Defaults"/> returns for the name (null: the defaults).</param>
    /// <exception cref="ArgumentException">An unknown name (the message lists the known ones), settings of another optimizer, or an invalid setting.</exception>
    public static IOptimizer Create(string name, int parameterCount, OptimizerSettings? settings = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string key = Normalise(name);
        var defaults = Defaults(key);
        var s = settings ?? defaults;
        if (s.GetType() != defaults.GetType())
            throw new ArgumentException($"'{Base(key)}' takes {defaults.GetType().Name}, not {s.GetType().Name}.", nameof(settings));
        if (key.StartsWith(LookaheadPrefix, StringComparison.Ordinal))
            return new Lookahead(Create(key[LookaheadPrefix.Length..], parameterCount, s with { LookaheadSteps = null }), s.LookaheadSteps ?? 5, s.LookaheadAlpha);
        return s.Create(key, parameterCount);
    }

    private static (string Name, string Description, Func<OptimizerSettings> Defaults) Entry(string key, string name)
    {
        foreach (var c in Catalogue)
            if (c.Name == key) return c;
        throw new ArgumentException($"Unknown optimizer '{name}'. Known optimizers: {string.Join(", ", Names)} (prefix 'lookahead:' to wrap one in Lookahead).", nameof(name));
    }

    private static string List(IEnumerable<string> names)
    {
        var all = names.ToArray();
        return all.Length < 2 ? string.Join("", all) : $"{string.Join(", ", all[..^1])} and {all[^1]}";
    }

    /// <summary>The name without its "lookahead:" prefixes.</summary>
    private static string Base(string key)
    {
        while (key.StartsWith(LookaheadPrefix, StringComparison.Ordinal)) key = key[LookaheadPrefix.Length..].Trim();
        return key;
    }

    private static string Normalise(string name) =>
        name.Trim().ToLowerInvariant().Replace("rmsprop-centered", "rmsprop-centred", StringComparison.Ordinal)
            .Replace("heavyball", "heavy-ball", StringComparison.Ordinal);
}
