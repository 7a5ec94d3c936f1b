using Optima.Problems;
using Optima.Solvers.DerivativeFree;
using Optima.Solvers.Internal;
using Optima.Solvers.FirstOrder;
using Optima.Solvers.Global;
using Optima.Solvers.LeastSquares;
using Optima.Solvers.QuasiNewton;
using Optima.Solvers.SecondOrder;

namespace Optima.Solvers;

/// <summary>Where a method sits in the taxonomy.</summary>
public enum MethodFamily
{
    /// <summary>Gradient-only methods: gradient descent, nonlinear CG.</summary>
    FirstOrder,
    /// <summary>Quasi-Newton methods: BFGS, L-BFGS.</summary>
    QuasiNewton,
    /// <summary>Methods using the Hessian or Hessian-vector products: Newton, Newton-TR, Newton-CG.</summary>
    SecondOrder,
    /// <summary>Methods for Σ rᵢ²: Gauss-Newton, Levenberg, Levenberg-Marquardt, dogleg.</summary>
    LeastSquares,
    /// <summary>The optimizers of minibatch training (SGD, Adam … from <see cref="Stochastic.Optimizers"/>), here run full batch by <see cref="Stochastic.OptimizerMinimizer"/> with their defaults.</summary>
    StochasticGradient,
    /// <summary>Local methods on f alone: Nelder–Mead, Powell.</summary>
    DerivativeFree,
    /// <summary>Stochastic global search on f alone over a box: genetic algorithm, differential evolution, CMA-ES, simulated annealing.</summary>
    GlobalSearch,
    /// <summary>Methods for general constraints c(x) = 0, h(x) ≤ 0 and bounds: augmented Lagrangian, SQP, quadratic penalty.</summary>
    Constrained,
}

/// <summary>What a method needs from a problem.</summary>
public enum ProblemCapability
{
    /// <summary>f alone (<see cref="IObjective"/>).</summary>
    Value,
    /// <summary>f and ∇f (<see cref="IGradientObjective"/>).</summary>
    Gradient,
    /// <summary>f, ∇f and ∇²f or ∇²f·v (<see cref="IHessianObjective"/>).</summary>
    Hessian,
    /// <summary>Residuals and Jacobian (<see cref="ILeastSquaresProblem"/>).</summary>
    LeastSquares,
    /// <summary>A <see cref="ConstrainedProblem"/>: objective with gradient, constraints with Jacobian, bounds.</summary>
    Constraints,
}

/// <summary>A registry entry: a method's name, family, needs and a one-line description, and how to run it.</summary>
public sealed class MethodDescriptor
{
    private readonly Func<object> _create;
    private readonly Func<object, object, double[], SolverOptions?, OptimizationResult> _run;

    private MethodDescriptor(string name, MethodFamily family, ProblemCapability requires, string description,
        Func<object> create, Func<object, object, double[], SolverOptions?, OptimizationResult> run, bool requiresBounds = false)
    {
        Name = name;
        RequiresBounds = requiresBounds;
        Family = family;
        Requires = requires;
        Description = description;
        _create = create;
        _run = run;
    }

    /// <summary>
    /// A descriptor for <see cref="Methods.Register"/>: a method, in or outside this assembly, that runs on
    /// <typeparamref name="TProblem"/> (<see cref="IGradientObjective"/>, <see cref="IHessianObjective"/> or
    /// <see cref="ILeastSquaresProblem"/>, matching <paramref name="requires"/>).
    /// </summary>
    /// <param name="name">The registry name.</param>
    /// <param name="family">The family.</param>
    /// <param name="requires">What the method needs from a problem.</param>
    /// <param name="description">One line for tables and help text.</param>
    /// <param name="create">A new method object with default configuration.</param>
    public static MethodDescriptor For<TProblem>(string name, MethodFamily family, ProblemCapability requires, string description,
        Func<IMinimizer<TProblem>> create) where TProblem : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(create);
        return new(name.Trim(), family, requires, description, create, (m, p, x, o) => ((IMinimizer<TProblem>)m).Minimize((TProblem)p, x, o));
    }

    /// <summary>A value-only method (<see cref="ProblemCapability.Value"/>); <paramref name="requiresBounds"/> when it searches a finite box.</summary>
    internal static MethodDescriptor ValueOnly(string name, MethodFamily family, string description, bool requiresBounds, Func<IMinimizer<IObjective>> create) =>
        new(name, family, ProblemCapability.Value, description, create,
            (m, p, x, o) => ((IMinimizer<IObjective>)m).Minimize((IObjective)p, x, o), requiresBounds);

    /// <summary>The registry name ("lbfgs", "lm" …).</summary>
    public string Name { get; }

    /// <summary>The family.</summary>
    public MethodFamily Family { get; }

    /// <summary>What the method needs from a problem.</summary>
    public ProblemCapability Requires { get; }

    /// <summary>One line for tables and help text.</summary>
    public string Description { get; }

    /// <summary>True when the method searches a finite box, which the problem must state (<see cref="IBoundedObjective"/>).</summary>
    public bool RequiresBounds { get; }

    /// <summary>A new method object with default configuration: an <see cref="IMinimizer{TProblem}"/> for the problem type <see cref="Requires"/> names.</summary>
    public object Create() => _create();

    /// <summary>True when <paramref name="problem"/> offers what the method needs (a least-squares problem also serves gradient methods through <see cref="LeastSquaresObjective"/>).</summary>
    public bool Accepts(object problem) => Requires switch
    {
        ProblemCapability.LeastSquares => problem is ILeastSquaresProblem,
        ProblemCapability.Hessian => problem is IHessianObjective,
        ProblemCapability.Constraints => problem is ConstrainedProblem,
        ProblemCapability.Value when RequiresBounds => problem is IBoundedObjective { Bounds.IsFinite: true },
        ProblemCapability.Value => problem is IObjective or ILeastSquaresProblem,
        _ => problem is IGradientObjective or ILeastSquaresProblem,
    };

    /// <summary>Why <see cref="Accepts"/> is false for a problem: what the method needs.</summary>
    public string Needs => Requires switch
    {
        ProblemCapability.LeastSquares => "residuals r and Jacobian J",
        ProblemCapability.Hessian => "second derivatives",
        ProblemCapability.Constraints => "a constrained problem (objective, constraints, bounds)",
        ProblemCapability.Value when RequiresBounds => "a finite search box (bounds on every variable)",
        ProblemCapability.Value => "an objective",
        _ => "a gradient",
    };

    /// <summary>
    /// Runs the method with default configuration on <paramref name="problem"/> (an <see cref="IGradientObjective"/>,
    /// <see cref="IHessianObjective"/> or <see cref="ILeastSquaresProblem"/> as <see cref="Requires"/> says).
    /// </summary>
    /// <exception cref="ArgumentException">The problem lacks the capability the method needs (the message says which).</exception>
    public OptimizationResult Minimize(object problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (!Accepts(problem))
            throw new ArgumentException(Requires switch
            {
                ProblemCapability.LeastSquares => $"Method '{Name}' needs a least-squares problem (residuals and Jacobian); {problem.GetType().Name} is not one.",
                ProblemCapability.Hessian => $"Method '{Name}' needs second derivatives (IHessianObjective); {problem.GetType().Name} does not provide them.",
                ProblemCapability.Constraints => $"Method '{Name}' needs a ConstrainedProblem (objective with gradient, constraints, bounds); {problem.GetType().Name} is not one.",
                ProblemCapability.Value when RequiresBounds => $"Method '{Name}' searches a box: it needs an IBoundedObjective with finite bounds on every variable; {problem.GetType().Name} has none (wrap it: new BoundedObjective(f, bounds)).",
                _ => $"Method '{Name}' needs an objective with a gradient; {problem.GetType().Name} has none.",
            }, nameof(problem));
        if (Requires is ProblemCapability.Gradient or ProblemCapability.Value && problem is not IGradientObjective && problem is ILeastSquaresProblem ls)
            problem = new LeastSquaresObjective(ls);
        return _run(Create(), problem, start.ToArray(), options);
    }

    /// <summary>The name.</summary>
    public override string ToString() => Name;
}

/// <summary>
/// The method registry: every method of the solvers layer by name — the deterministic ones, the derivative-free and
/// seeded global methods (they take <see cref="RunOptions.Seed"/>), the optimizers of <see cref="Stochastic.Optimizers"/>
/// (family <see cref="MethodFamily.StochasticGradient"/>) and the methods added with <see cref="Register"/> — for the
/// CLI, comparisons and harnesses. Names are case-insensitive.
/// </summary>
public static class Methods
{
    private static readonly Lock Gate = new();
    private static MethodDescriptor[] Entries =
    [
        MethodDescriptor.For<IGradientObjective>("gd", MethodFamily.FirstOrder, ProblemCapability.Gradient,
            "gradient descent with a Moré–Thuente line search", () => new GradientDescent()),
        MethodDescriptor.For<IGradientObjective>("gd-fixed", MethodFamily.FirstOrder, ProblemCapability.Gradient,
            "gradient descent with a fixed step (learning rate 1e-3)", () => new FixedStepGradientDescent()),
        MethodDescriptor.For<IGradientObjective>("cg-pr", MethodFamily.FirstOrder, ProblemCapability.Gradient,
            "nonlinear conjugate gradients, Polak–Ribière+", () => new NonlinearConjugateGradient()),
        MethodDescriptor.For<IGradientObjective>("cg-fr", MethodFamily.FirstOrder, ProblemCapability.Gradient,
            "nonlinear conjugate gradients, Fletcher–Reeves", () => new NonlinearConjugateGradient(ConjugateGradientUpdate.FletcherReeves)),
        MethodDescriptor.For<IGradientObjective>("bfgs", MethodFamily.QuasiNewton, ProblemCapability.Gradient,
            "BFGS, inverse-Hessian update, strong Wolfe line search", () => new Bfgs()),
        MethodDescriptor.For<IGradientObjective>("lbfgs", MethodFamily.QuasiNewton, ProblemCapability.Gradient,
            "limited-memory BFGS (m = 10), compact representation, strong Wolfe", () => new Lbfgs()),
        MethodDescriptor.For<IGradientObjective>("lbfgsb", MethodFamily.QuasiNewton, ProblemCapability.Gradient,
            "L-BFGS-B (m = 10): bounds from the problem, generalized Cauchy point, subspace minimization", () => new Lbfgsb()),
        MethodDescriptor.For<IHessianObjective>("newton", MethodFamily.SecondOrder, ProblemCapability.Hessian,
            "Newton with modified Cholesky and a line search; negative-curvature steps at saddles", () => new Newton()),
        MethodDescriptor.For<IHessianObjective>("newton-tr", MethodFamily.SecondOrder, ProblemCapability.Hessian,
            "Newton trust region (Steihaug–Toint CG, ellipsoid scaled by the Hessian diagonal) with negative-curvature steps", () => new NewtonTrustRegion()),
        MethodDescriptor.For<IHessianObjective>("newton-tr-dogleg", MethodFamily.SecondOrder, ProblemCapability.Hessian,
            "Newton trust region with the dogleg strategy", () => new NewtonTrustRegion("dogleg")),
        MethodDescriptor.For<IHessianObjective>("newton-cg", MethodFamily.SecondOrder, ProblemCapability.Hessian,
            "line-search Newton-CG (truncated Newton) with Hessian-vector products", () => new NewtonCg()),
        MethodDescriptor.For<ILeastSquaresProblem>("gauss-newton", MethodFamily.LeastSquares, ProblemCapability.LeastSquares,
            "Gauss-Newton, QR of J, Armijo line search", () => new GaussNewton()),
        MethodDescriptor.For<ILeastSquaresProblem>("levenberg", MethodFamily.LeastSquares, ProblemCapability.LeastSquares,
            "Levenberg (λI damping, Nielsen update)", () => new Levenberg()),
        MethodDescriptor.For<ILeastSquaresProblem>("lm", MethodFamily.LeastSquares, ProblemCapability.LeastSquares,
            "Levenberg–Marquardt as in MINPACK lmder (scaled trust region, Moré 1978)", () => new LevenbergMarquardt()),
        MethodDescriptor.For<ILeastSquaresProblem>("dogleg-ls", MethodFamily.LeastSquares, ProblemCapability.LeastSquares,
            "Powell's dogleg on the Gauss-Newton model", () => new DoglegLeastSquares()),
        MethodDescriptor.ValueOnly("nelder-mead", MethodFamily.DerivativeFree,
            "Nelder–Mead simplex, Gao–Han adaptive coefficients, restarts", false, () => new NelderMead()),
        MethodDescriptor.ValueOnly("powell", MethodFamily.DerivativeFree,
            "Powell's conjugate directions with Brent line searches", false, () => new Powell()),
        MethodDescriptor.ValueOnly("ga", MethodFamily.GlobalSearch,
            "real-coded genetic algorithm: tournament, SBX, polynomial mutation, elitism", true, () => new GeneticAlgorithm()),
        MethodDescriptor.ValueOnly("de", MethodFamily.GlobalSearch,
            "differential evolution, best/1/bin with dither (SciPy's defaults)", true, () => new DifferentialEvolution()),
        MethodDescriptor.ValueOnly("cmaes", MethodFamily.GlobalSearch,
            "CMA-ES (μ/μ_w, λ) with step-size control and IPOP restarts", false, () => new CmaEs()),
        MethodDescriptor.ValueOnly("anneal", MethodFamily.GlobalSearch,
            "simulated annealing, Corana's per-coordinate step adaptation", true, () => new SimulatedAnnealing()),
        MethodDescriptor.For<ConstrainedProblem>("auglag", MethodFamily.Constrained, ProblemCapability.Constraints,
            "augmented Lagrangian (PHR, ALGENCAN-style safeguards), L-BFGS-B inner solves on the bounds", () => new Constrained.AugmentedLagrangian()),
        MethodDescriptor.For<ConstrainedProblem>("penalty", MethodFamily.Constrained, ProblemCapability.Constraints,
            "quadratic penalty (ρ ×10 per outer iteration, L-BFGS-B inner), for comparison with auglag", () => new Constrained.AugmentedLagrangian(PenaltyOnly: true)),
        MethodDescriptor.For<ConstrainedProblem>("sqp", MethodFamily.Constrained, ProblemCapability.Constraints,
            "SQP, damped BFGS, interior-point QP subproblems, ℓ1 merit line search (small dense problems)", () => new Constrained.Sqp()),
        .. Stochastic.OptimizerMinimizer.Descriptors(),
    ];

    /// <summary>Every registered method.</summary>
    public static IReadOnlyList<MethodDescriptor> All => Entries;

    /// <summary>The registered names, in registry order.</summary>
    public static IReadOnlyList<string> Names => Entries.Select(e => e.Name).ToArray();

    /// <summary>The methods of one family.</summary>
    public static IReadOnlyList<MethodDescriptor> InFamily(MethodFamily family) => Entries.Where(e => e.Family == family).ToArray();

    /// <summary>The method called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known names.</exception>
    public static MethodDescriptor Get(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Find(name) ?? throw new ArgumentException($"Unknown method '{name}'. Known methods: {string.Join(", ", Names)}.", nameof(name));
    }

    private static MethodDescriptor? Find(string name) =>
        Array.Find(Entries, e => string.Equals(e.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Adds a method (see <see cref="MethodDescriptor.For{TProblem}"/>); from then on the CLI, comparisons and
    /// harnesses find it by name. Disposing the returned object removes it again.
    /// </summary>
    /// <exception cref="ArgumentException">The name is already registered.</exception>
    public static IDisposable Register(MethodDescriptor method)
    {
        ArgumentNullException.ThrowIfNull(method);
        lock (Gate)
        {
            if (Find(method.Name) is not null) throw new ArgumentException($"A method named '{method.Name}' is already registered.", nameof(method));
            Entries = [.. Entries, method];
        }
        return new Registration(() => { lock (Gate) Entries = Array.FindAll(Entries, e => e != method); });
    }

    /// <summary>A new method object called <paramref name="name"/> with default configuration (see <see cref="MethodDescriptor.Create"/>).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known names.</exception>
    public static object Create(string name) => Get(name).Create();

    /// <summary>Runs the method called <paramref name="name"/> on <paramref name="problem"/> from <paramref name="start"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name, or a problem without the capability the method needs.</exception>
    public static OptimizationResult Minimize(string name, object problem, ReadOnlySpan<double> start, SolverOptions? options = null) =>
        Get(name).Minimize(problem, start, options);
}
