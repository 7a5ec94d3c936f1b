using System.Globalization;
using Optima.Problems;
using Optima.Problems.Library;
using Optima.Solvers.FirstOrder;
using Optima.Solvers.Stochastic;

namespace Optima.Solvers.Comparison;

/// <summary>
/// Options of a comparison: the optimization options every method runs under (<see cref="SolverOptions"/>: the
/// gradient tolerance, the iteration limit, <see cref="RunOptions.TimeLimit"/> per method, <see cref="SolverOptions.RecordPath"/>
/// for path plots, cancellation …), and how the comparison itself runs. The history is always recorded.
/// </summary>
public sealed record ComparisonOptions : SolverOptions
{
    /// <summary>
    /// Learning rate γ for every first-order optimizer (and gd-fixed), overriding the tuned one; null (default)
    /// tunes it from the Lipschitz estimate at the start (see <see cref="MethodComparer"/>).
    /// </summary>
    public double? LearningRate { get; init; }

    /// <summary>The minimum value f* when known; null takes the library problem's known minimum, else the best final value.</summary>
    public double? KnownMinimum { get; init; }

    /// <summary>
    /// The search box of the derivative-free and global methods (null: the problem's own box when it is an
    /// <see cref="IBoundedObjective"/>, else none, and the methods that need one are listed as not applicable). It
    /// replaces the problem's box for those methods only; gradient methods run unconstrained as before.
    /// </summary>
    public BoxBounds? Bounds { get; init; }

    /// <summary>
    /// Run each method for two untimed iterations before its timed run, so JIT compilation does not count against
    /// whichever method happens to run first. The warm-up's evaluations are not counted. Default true.
    /// </summary>
    public bool WarmUp { get; init; } = true;

    /// <summary>
    /// Also send a <see cref="ComparisonProgress"/> for every iteration (with <see cref="ComparisonProgress.Iteration"/> set),
    /// for live progress bars. The handler runs on the solving thread inside the timed run, so it must be cheap. Default false.
    /// </summary>
    public bool ReportIterations { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (LearningRate is { } lr && (!(lr > 0) || double.IsInfinity(lr)))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), lr, "The learning rate must be a finite number > 0.");
        if (KnownMinimum is { } f && !double.IsFinite(f))
            throw new ArgumentOutOfRangeException(nameof(KnownMinimum), f, "The known minimum must be finite.");
    }

    /// <summary>The options each method runs with: these, with the history always recorded (the comparison reads it).</summary>
    public SolverOptions ToSolverOptions() => this with { RecordHistory = true };
}

/// <summary>One row of a comparison: a method, what it cost, where it got, and how fast it converged.</summary>
public sealed record MethodRun
{
    /// <summary>The name as given (registry name).</summary>
    public required string Method { get; init; }

    /// <summary>The family: "first-order", "quasi-Newton", "second-order" or "least squares".</summary>
    public required string Family { get; init; }

    /// <summary>The registry's one-line description.</summary>
    public required string Description { get; init; }

    /// <summary>False when the method needs something the problem lacks (least-squares methods on a plain objective).</summary>
    public required bool Applicable { get; init; }

    /// <summary>What the method needs of a problem, i.e. which problems it accepts: "a gradient", "residuals r and Jacobian J", "an objective" (values only), "a finite search box (bounds on every variable)" ….</summary>
    public string Needs { get; init; } = "";

    /// <summary>The capability the method needs (<see cref="ProblemCapability.Gradient"/> for the optimizers).</summary>
    public ProblemCapability Requires { get; init; } = ProblemCapability.Gradient;

    /// <summary>True when the method searches a finite box (ga, de, anneal).</summary>
    public bool RequiresBounds { get; init; }

    /// <summary>Why the method was not run, when <see cref="Applicable"/> is false.</summary>
    public string? NotApplicableReason { get; init; }

    /// <summary>The learning rate γ used by a fixed-step first-order method (null for methods with line searches or trust regions).</summary>
    public double? LearningRate { get; init; }

    /// <summary>How <see cref="LearningRate"/> was chosen, e.g. "γ = 1/L̂" (null when none).</summary>
    public string? StepRule { get; init; }

    /// <summary>The solver's result (null when not applicable).</summary>
    public OptimizationResult? Result { get; init; }

    /// <summary>The error measure the order was estimated from: "f − f*", "f − f_best" or "‖∇f‖∞".</summary>
    public string ErrorMeasure { get; init; } = "";

    /// <summary>The error sequence e₀, e₁, … (one per recorded iteration; empty when not applicable).</summary>
    public IReadOnlyList<double> Errors { get; init; } = [];

    /// <summary>The measured order of convergence.</summary>
    public ConvergenceEstimate Order { get; init; }

    /// <summary>Final f − f_ref (f* when known, else the best final value of all methods); NaN when not applicable.</summary>
    public double FinalError { get; init; } = double.NaN;

    /// <summary>Iterations (0 when not applicable).</summary>
    public int Iterations => Result?.Iterations ?? 0;

    /// <summary>Function evaluations: f, f+∇f, r and r+J calls.</summary>
    public long FunctionEvaluations => Result?.Evaluations.Objective ?? 0;

    /// <summary>Gradient evaluations: f+∇f and r+J (Jacobian) calls.</summary>
    public long GradientEvaluations => Result is { } r ? r.Evaluations.Gradients + r.Evaluations.Jacobians : 0;

    /// <summary>Full Hessian evaluations.</summary>
    public long HessianEvaluations => Result?.Evaluations.Hessians ?? 0;

    /// <summary>Hessian-vector products.</summary>
    public long HessianVectorProducts => Result?.Evaluations.HessianVectorProducts ?? 0;

    /// <summary>Wall time of the run in seconds.</summary>
    public double Seconds => Result?.Elapsed.TotalSeconds ?? 0;
}

/// <summary>The outcome of <see cref="MethodComparer.Run"/>.</summary>
public sealed record ComparisonReport
{
    /// <summary>The start every method ran from.</summary>
    public required double[] Start { get; init; }

    /// <summary>f at the start.</summary>
    public required double StartValue { get; init; }

    /// <summary>The reference value f_ref errors are measured against.</summary>
    public required double ReferenceValue { get; init; }

    /// <summary>"known minimum" or "best final value".</summary>
    public required string ReferenceKind { get; init; }

    /// <summary>The Lipschitz estimate L̂ of ∇f at the start (largest |eigenvalue| of ∇²f(x₀)), used to tune learning rates.</summary>
    public required double LipschitzEstimate { get; init; }

    /// <summary>One row per requested method, in the order requested.</summary>
    public required IReadOnlyList<MethodRun> Runs { get; init; }

    /// <summary>The options the methods ran under.</summary>
    public required ComparisonOptions Options { get; init; }
}

/// <summary>Progress of a comparison: sent before each method starts (Run = null) and after it finishes.</summary>
/// <param name="Index">0-based position of the method.</param>
/// <param name="Count">Number of methods.</param>
/// <param name="Method">Its name.</param>
/// <param name="Run">The finished row, or null while the method runs.</param>
/// <param name="Iteration">The iteration just completed, for per-iteration reports (<see cref="ComparisonOptions.ReportIterations"/>); −1 otherwise.</param>
public readonly record struct ComparisonProgress(int Index, int Count, string Method, MethodRun? Run, int Iteration = -1);

/// <summary>
/// Runs several methods — the deterministic registry (<see cref="Methods"/>) and the first-order optimizers
/// (<see cref="Optimizers"/>, full batch through <see cref="OptimizerMinimizer"/>) — from the same start under the
/// same limits, and measures each one's order of convergence (<see cref="ConvergenceOrderEstimator"/>).
/// </summary>
/// <remarks>
/// <para>Methods run with their default configuration, except for the step of fixed-step first-order methods, whose
/// library defaults (PyTorch's γ = 1e-3 …) are scaled for neural networks, not for the problem at hand. Unless the
/// caller fixes γ, it is tuned once from the start x₀: L̂ = the largest |eigenvalue| of ∇²f(x₀) (power iteration on
/// Hessian-vector products; a secant estimate ‖∇f(x₀+h)−∇f(x₀)‖/‖h‖ without a Hessian), then</para>
/// <list type="bullet">
/// <item>gradient-scale methods (gd-fixed, sgd, momentum, heavy-ball, nesterov, sgdw): γ = 1/L̂ — the classical safe
/// step for L-smooth functions (and stable for heavy-ball with μ = 0.9, which allows γ &lt; 2(1+μ)/L);</item>
/// <item>adaptive methods (adagrad, rmsprop, adam, amsgrad, adamw, adamax, nadam, adabound, rprop), whose steps are about γ per
/// coordinate whatever the gradient's scale: γ = D̂/10 with D̂ = max(‖x₀‖∞, ‖∇f(x₀)‖∞/L̂, 1e-3), a tenth of the
/// problem's distance scale (RMSProp, whose first step without bias correction is γ/√(1−α) = 10γ: γ = D̂/100);</item>
/// <item>radam takes min(D̂/10, 1/L̂): its first steps (ρ_t ≤ 5) are un-adapted momentum steps γm̂, of the gradient's scale;</item>
/// <item>adadelta keeps γ = 1 (its own scale-free rule).</item>
/// </list>
/// <para>The evaluations spent on the estimate are not counted in any row. Errors are f − f* when f* is known (else
/// f − f_best, the best final value of all methods); a method that converged to another point (its final f is not
/// within 1e-6·max(1, |f_ref|) of f_ref) is measured by ‖∇f‖∞ instead.</para>
/// </remarks>
public static class MethodComparer
{
    private static readonly string[] GradientScale = ["gd-fixed", "sgd", "momentum", "heavy-ball", "nesterov", "sgdw"];

    /// <summary>
    /// Every name <see cref="Run"/> accepts: the method registry (which lists the first-order optimizers), then
    /// "lookahead:NAME" (any optimizer wrapped in Lookahead, as <see cref="Optimizers.Create"/> and training accept it).
    /// </summary>
    public static IReadOnlyList<string> KnownMethods => [.. Methods.Names, Optimizers.LookaheadPrefix + "NAME"];

    /// <summary>True when <paramref name="name"/> is a method <see cref="Run"/> accepts (case-insensitive).</summary>
    public static bool IsKnown(string name) =>
        Methods.Names.Contains(name.Trim(), StringComparer.OrdinalIgnoreCase) || Optimizers.IsKnown(name);

    /// <summary>The family of a method name: "first-order", "quasi-Newton", "second-order" or "least squares".</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static string FamilyOf(string name)
    {
        RequireKnown([name]);
        var d = Methods.All.FirstOrDefault(m => string.Equals(m.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
        return d is null ? FamilyName(MethodFamily.FirstOrder) : FamilyName(d.Family);
    }

    /// <summary>The display name of a family: "first-order", "quasi-Newton", "second-order", "least squares", "derivative-free", "global".</summary>
    public static string FamilyName(MethodFamily family) => family switch
    {
        MethodFamily.QuasiNewton => "quasi-Newton",
        MethodFamily.SecondOrder => "second-order",
        MethodFamily.LeastSquares => "least squares",
        MethodFamily.DerivativeFree => "derivative-free",
        MethodFamily.GlobalSearch => "global",
        MethodFamily.Constrained => "constrained",
        _ => "first-order",
    };

    /// <summary>
    /// Runs every method in <paramref name="methods"/> on <paramref name="problem"/> (an <see cref="IGradientObjective"/>,
    /// <see cref="IHessianObjective"/> and/or <see cref="ILeastSquaresProblem"/>) from <paramref name="start"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown method name (the message lists the known ones), an empty list,
    /// a start of the wrong length, or invalid options.</exception>
    public static ComparisonReport Run(object problem, ReadOnlySpan<double> start, IReadOnlyList<string> methods,
        ComparisonOptions? options = null, IProgress<ComparisonProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(methods);
        if (methods.Count == 0) throw new ArgumentException("Give at least one method.", nameof(methods));
        RequireKnown(methods);
        options ??= new ComparisonOptions();
        options.Validate();
        IGradientObjective? objective = problem as IGradientObjective
            ?? (problem as ConstrainedProblem)?.Objective
            ?? (problem is ILeastSquaresProblem lsp ? new LeastSquaresObjective(lsp) : null);
        if (objective is null)
            throw new ArgumentException($"{problem.GetType().Name} is neither an objective with a gradient nor a least-squares problem.", nameof(problem));
        if (start.Length != objective.Dimension)
            throw new ArgumentException($"The start has length {start.Length} but the problem has dimension {objective.Dimension}.", nameof(start));
        IterativeDriver.RequireFiniteStart(start);
        if (options.Bounds is { } box)
        {
            if (box.Dimension != objective.Dimension)
                throw new ArgumentException($"The bounds have dimension {box.Dimension} but the problem has dimension {objective.Dimension}.", nameof(options));
            for (int i = 0; i < start.Length; i++)
                if (!(start[i] >= box.Lower[i] && start[i] <= box.Upper[i]))
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"The start's entry {i} ({start[i]:G6}) lies outside the bounds [{box.Lower[i]:G6}, {box.Upper[i]:G6}]."), nameof(options));
        }

        double[] x0 = start.ToArray();
        var g0 = new double[x0.Length];
        double f0 = objective.ValueAndGradient(x0, g0);
        double lipschitz = EstimateLipschitz(objective, x0, g0);
        var solverOptions = options.ToSolverOptions();

        var raw = new List<(string Name, string Family, string Description, bool Applicable, string? Why, double? Lr, string? Rule, OptimizationResult? Result)>();
        for (int i = 0; i < methods.Count; i++)
        {
            string name = methods[i].Trim().ToLowerInvariant();
            progress?.Report(new ComparisonProgress(i, methods.Count, name, null));
            var runOptions = solverOptions;
            if (progress is not null && options.ReportIterations)
            {
                int index = i;
                runOptions = solverOptions with { Progress = new IterationRelay(r => progress.Report(new ComparisonProgress(index, methods.Count, name, null, r.Iteration))) };
            }
            // Warm-up: two untimed iterations first, so the JIT compiles the method's code outside the timed run
            // (otherwise whichever method runs first pays for compiling the shared driver and line searches).
            if (options.WarmUp)
                RunOne(name, problem, objective, x0, g0, lipschitz, options, new SolverOptions { MaxIterations = Math.Min(2, options.MaxIterations) });
            var row = RunOne(name, problem, objective, x0, g0, lipschitz, options, runOptions);
            raw.Add(row);
            progress?.Report(new ComparisonProgress(i, methods.Count, name, Finish(row, double.NaN, "", 0)));
        }

        double? known = options.KnownMinimum ?? (problem as TestProblem)?.KnownMinimum;
        var finals = raw.Where(r => r.Result is { } res && double.IsFinite(res.Value)).Select(r => r.Result!.Value).ToList();
        double reference = known ?? (finals.Count > 0 ? finals.Min() : f0);
        string referenceKind = known is null ? "best final value" : "known minimum";
        var runs = raw.Select(r => Finish(r, reference, known is null ? "f − f_best" : "f − f*", 1)).ToArray();
        return new ComparisonReport
        {
            Start = x0,
            StartValue = f0,
            ReferenceValue = reference,
            ReferenceKind = referenceKind,
            LipschitzEstimate = lipschitz,
            Runs = runs,
            Options = options,
        };
    }

    /// <summary>
    /// The Lipschitz estimate L̂ of ∇f at <paramref name="x"/>: the largest |eigenvalue| of ∇²f(x) by 50 power iterations on
    /// Hessian-vector products when the problem has them, else ‖∇f(x+h)−∇f(x)‖/‖h‖ for a small step h along −∇f.
    /// Never below 1e-12.
    /// </summary>
    public static double EstimateLipschitz(IGradientObjective objective, ReadOnlySpan<double> x, ReadOnlySpan<double> gradient)
    {
        ArgumentNullException.ThrowIfNull(objective);
        int n = x.Length;
        double gNorm = Norm(gradient);
        var v = new double[n];
        var hv = new double[n];
        if (objective is IHessianObjective h)
        {
            for (int i = 0; i < n; i++) v[i] = gNorm > 0 ? gradient[i] / gNorm : 1 / Math.Sqrt(n);
            for (int i = 0; i < n; i++) v[i] += 1e-3 * Math.Cos(1 + i);   // not orthogonal to the top eigenvector by accident
            Scale(v, 1 / Norm(v));
            double lambda = 0;
            for (int k = 0; k < 50; k++)
            {
                h.HessianVector(x, v, hv);
                double norm = Norm(hv);
                if (!(norm > 0) || !double.IsFinite(norm)) break;
                lambda = norm;
                for (int i = 0; i < n; i++) v[i] = hv[i] / norm;
            }
            if (lambda > 0 && double.IsFinite(lambda)) return Math.Max(lambda, 1e-12);
        }
        double xNorm = Norm(x);
        double step = 1e-6 * Math.Max(1, xNorm);
        for (int i = 0; i < n; i++) v[i] = x[i] - step * (gNorm > 0 ? gradient[i] / gNorm : 1 / Math.Sqrt(n));
        objective.ValueAndGradient(v, hv);
        for (int i = 0; i < n; i++) hv[i] -= gradient[i];
        double secant = Norm(hv) / step;
        return double.IsFinite(secant) && secant > 1e-12 ? secant : 1.0;
    }

    private static (string, string, string, bool, string?, double?, string?, OptimizationResult?) RunOne(string name, object problem,
        IGradientObjective objective, double[] x0, double[] g0, double lipschitz, ComparisonOptions options, SolverOptions solverOptions)
    {
        var descriptor = Methods.All.FirstOrDefault(m => m.Name == name);
        if (descriptor is not null && descriptor.Family != MethodFamily.StochasticGradient && name != "gd-fixed")
        {
            // The comparison's box replaces the problem's own for the methods that search one (values only).
            if (descriptor.Requires == ProblemCapability.Value && options.Bounds is { } box) problem = new BoundedObjective(objective, box);
            if (!descriptor.Accepts(problem))
                return (name, FamilyName(descriptor.Family), descriptor.Description, false, $"not applicable: needs {descriptor.Needs}", null, null, null);
            return (name, FamilyName(descriptor.Family), descriptor.Description, true, null, null, null, descriptor.Minimize(problem, x0, solverOptions));
        }

        var (lr, rule) = LearningRateFor(name, x0, g0, lipschitz, options.LearningRate);
        if (name == "gd-fixed")
            return (name, FamilyName(MethodFamily.FirstOrder), "gradient descent with a fixed step", true, null, lr, rule,
                new FixedStepGradientDescent(lr!.Value).Minimize(objective, x0, solverOptions));
        var settings = lr is { } gamma ? Optimizers.Defaults(name) with { LearningRate = gamma } : null;
        return (name, FamilyName(MethodFamily.FirstOrder), Optimizers.Describe(name), true, null, lr, rule,
            new OptimizerMinimizer(name, settings).Minimize(objective, x0, solverOptions));
    }

    /// <summary>The learning rate a comparison gives the first-order method <paramref name="name"/>, and how it was chosen (see the remarks of <see cref="MethodComparer"/>).</summary>
    public static (double? LearningRate, string? Rule) LearningRateFor(string name, ReadOnlySpan<double> start, ReadOnlySpan<double> gradient,
        double lipschitz, double? fixedRate = null)
    {
        var ci = CultureInfo.InvariantCulture;
        if (fixedRate is { } f) return (f, string.Create(ci, $"γ = {f:G3} (given)"));
        // Lookahead takes its inner optimizer's step: the same rule applies.
        while (name.StartsWith(Optimizers.LookaheadPrefix, StringComparison.Ordinal)) name = name[Optimizers.LookaheadPrefix.Length..].Trim();
        if (GradientScale.Contains(name))
            return (1 / lipschitz, string.Create(ci, $"γ = 1/L̂ = {1 / lipschitz:G3} (L̂ = {lipschitz:G3} = λmax of ∇²f(x₀))"));
        if (name == "adadelta") return (null, "γ = 1 (default; Adadelta is scale-free)");
        // A NaN or infinite gradient at the start (sqrt(x²+y²) or 1/x at 0) says nothing about the scale: D̂ then comes
        // from x₀ alone, so γ stays finite and the method itself reports the non-finite value it meets.
        double gradientScale = MaxAbs(gradient) / lipschitz;
        bool finiteGradient = double.IsFinite(gradientScale);
        double d = Math.Max(Math.Max(MaxAbs(start), finiteGradient ? gradientScale : 0), 1e-3);
        string scale = finiteGradient ? "max(‖x₀‖∞, ‖∇f(x₀)‖∞/L̂)" : "max(‖x₀‖∞, 1e-3), as ∇f(x₀) is not finite";
        if (name == "radam" && 1 / lipschitz < d / 10)
            return (1 / lipschitz, string.Create(ci, $"γ = 1/L̂ = {1 / lipschitz:G3} < D̂/10 (RAdam's first steps are un-adapted γm̂; L̂ = {lipschitz:G3})"));
        if (name is "rmsprop" or "rmsprop-centred")
            return (d / 100, string.Create(ci, $"γ = D̂/100 = {d / 100:G3} (D̂ = {scale} = {d:G3}; RMSProp's first step is γ/√(1−α) = 10γ)"));
        return (d / 10, string.Create(ci, $"γ = D̂/10 = {d / 10:G3} (D̂ = {scale} = {d:G3})"));
    }

    /// <summary>What <paramref name="name"/> needs of a problem (the registry's <see cref="MethodDescriptor.Needs"/>; a gradient for the optimizers).</summary>
    public static string NeedsOf(string name) => DescriptorOf(name)?.Needs ?? "a gradient";

    private static MethodDescriptor? DescriptorOf(string name) =>
        Methods.All.FirstOrDefault(m => string.Equals(m.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    private static MethodRun Finish((string Name, string Family, string Description, bool Applicable, string? Why, double? Lr, string? Rule, OptimizationResult? Result) r,
        double reference, string measure, int stage)
    {
        var run = new MethodRun
        {
            Method = r.Name,
            Family = r.Family,
            Description = r.Description,
            Applicable = r.Applicable,
            Needs = NeedsOf(r.Name),
            Requires = DescriptorOf(r.Name)?.Requires ?? ProblemCapability.Gradient,
            RequiresBounds = DescriptorOf(r.Name)?.RequiresBounds ?? false,
            NotApplicableReason = r.Why,
            LearningRate = r.Lr,
            StepRule = r.Rule,
            Result = r.Result,
        };
        if (stage == 0 || r.Result is not { } result || result.History is not { } history) return run;

        double tolerance = 1e-6 * Math.Max(1, Math.Abs(reference));
        bool elsewhere = double.IsFinite(result.Value) && Math.Abs(result.Value - reference) > tolerance
            && (result.IsConverged || result.Value < reference);
        double[] errors;
        double floor;
        if (elsewhere)
        {
            measure = "‖∇f‖∞";
            errors = history.Select(h => h.GradientNorm).ToArray();
            floor = 0;
        }
        else
        {
            errors = history.Select(h => h.Value - reference).ToArray();
            floor = 32 * double.Epsilon + 32 * 2.220446049250313e-16 * Math.Abs(reference);
        }
        return run with
        {
            ErrorMeasure = measure,
            Errors = errors,
            Order = ConvergenceOrderEstimator.Estimate(errors, floor),
            FinalError = result.Value - reference,
        };
    }

    /// <summary>Forwards iteration records synchronously (System.Progress would post them to a thread pool).</summary>
    private sealed class IterationRelay(Action<IterationRecord> action) : IProgress<IterationRecord>
    {
        public void Report(IterationRecord value) => action(value);
    }

    private static void RequireKnown(IReadOnlyList<string> names)
    {
        foreach (var n in names)
        {
            if (string.IsNullOrWhiteSpace(n)) throw new ArgumentException("A method name is empty.", nameof(names));
            if (!IsKnown(n))
                throw new ArgumentException($"Unknown method '{n.Trim()}'. Known methods: {string.Join(", ", KnownMethods)}.", nameof(names));
        }
    }

    private static double Norm(ReadOnlySpan<double> v)
    {
        double s = 0;
        foreach (double a in v) s += a * a;
        return Math.Sqrt(s);
    }

    private static double MaxAbs(ReadOnlySpan<double> v)
    {
        double m = 0;
        foreach (double a in v) m = Math.Max(m, Math.Abs(a));
        return m;
    }

    private static void Scale(Span<double> v, double s)
    {
        for (int i = 0; i < v.Length; i++) v[i] *= s;
    }
}
