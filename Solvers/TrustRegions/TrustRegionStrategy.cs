using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Iterative;
using Optima.Solvers.Internal;

namespace Optima.Solvers.TrustRegions;

/// <summary>
/// The quadratic model m(p) = gᵀp + ½pᵀBp a trust-region strategy minimises approximately over ‖p‖₂ ≤ Δ.
/// B may be the Hessian, a Gauss-Newton matrix JᵀJ, or any symmetric matrix available through products: the model
/// is the operator B (<see cref="ILinearOperator.Apply"/> computes B·v), so LinearAlgebra's solvers run on it.
/// </summary>
public interface ITrustRegionModel : ILinearOperator
{
    /// <summary>The gradient g of the model at p = 0.</summary>
    ReadOnlySpan<double> Gradient { get; }

    /// <summary>Solves (B + λI)p = −g; returns false when B + λI is not positive definite (or singular).</summary>
    bool TrySolveShifted(double lambda, Span<double> step);
}

/// <summary>What a strategy's step is.</summary>
/// <param name="PredictedReduction">m(0) − m(p) = −(gᵀp + ½pᵀBp).</param>
/// <param name="OnBoundary">True when ‖p‖ reached the radius.</param>
/// <param name="NegativeCurvature">True when the strategy met a direction of negative curvature.</param>
public readonly record struct TrustRegionStep(double PredictedReduction, bool OnBoundary, bool NegativeCurvature);

/// <summary>
/// A trust-region strategy (Ceres' TrustRegionStrategy): computes a step from the model, and is told how the step
/// went through the ratio ρ = actual/predicted reduction. A strategy object holds per-run state (the radius), so
/// methods create one per run.
/// </summary>
public interface ITrustRegionStrategy
{
    /// <summary>A short name ("steihaug-cg", "dogleg", "levenberg").</summary>
    string Name { get; }

    /// <summary>The current radius Δ (for Levenberg, 1/λ).</summary>
    double Radius { get; }

    /// <summary>Computes a step into <paramref name="step"/>.</summary>
    TrustRegionStep ComputeStep(ITrustRegionModel model, Span<double> step);

    /// <summary>The last step was accepted with ratio ρ.</summary>
    void StepAccepted(double rho);

    /// <summary>The last step was rejected with ratio ρ (NaN or −∞ when f was not finite there).</summary>
    void StepRejected(double rho);
}

/// <summary>
/// The trust-region strategy registry: strategies by name, for <see cref="SecondOrder.NewtonTrustRegion"/>'s
/// <c>Strategy</c> and the least-squares trust regions. Built in: "steihaug-cg", "dogleg", "levenberg".
/// Names are case-insensitive; <see cref="Register"/> adds one (a preconditioned Steihaug–Toint, a new strategy).
/// </summary>
public static class TrustRegionStrategies
{
    /// <summary>A registered strategy.</summary>
    /// <param name="Name">The registry name.</param>
    /// <param name="Description">One line for help text.</param>
    /// <param name="Create">A fresh strategy (strategies hold per-run state) from the initial radius and the number of variables.</param>
    public sealed record Entry(string Name, string Description, Func<double, int, ITrustRegionStrategy> Create);

    private static readonly Lock Gate = new();
    private static Entry[] _entries =
    [
        new("steihaug-cg", "Steihaug–Toint truncated conjugate gradients (products only; handles indefinite B)", (r, n) => new SteihaugCg(r, n)),
        new("dogleg", "Powell's dogleg between the Cauchy point and the Newton point", (r, n) => new Dogleg(r, n)),
        new("levenberg", "Levenberg: (B + λI)p = −g with λ = 1/radius, Nielsen's update", (r, n) => new LevenbergStrategy(r, n)),
    ];

    /// <summary>The registered names, in registry order.</summary>
    public static IReadOnlyList<string> Names => Array.ConvertAll(_entries, e => e.Name);

    /// <summary>The strategy called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static Entry Get(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        foreach (var e in _entries)
            if (string.Equals(e.Name, name.Trim(), StringComparison.OrdinalIgnoreCase)) return e;
        throw new ArgumentException($"Unknown trust-region strategy '{name}'. Known strategies: {string.Join(", ", Names)}.", nameof(name));
    }

    /// <summary>A fresh strategy called <paramref name="name"/> with the given initial radius.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static ITrustRegionStrategy Create(string name, double initialRadius, int dimension) => Get(name).Create(initialRadius, dimension);

    /// <summary>Adds a strategy under a new name; disposing the returned object removes it again.</summary>
    /// <exception cref="ArgumentException">The name is empty or already taken.</exception>
    public static IDisposable Register(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.Create);
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Name, nameof(entry));
        lock (Gate)
        {
            if (_entries.Any(e => string.Equals(e.Name, entry.Name.Trim(), StringComparison.OrdinalIgnoreCase)))
                throw new ArgumentException($"A trust-region strategy named '{entry.Name}' is already registered.", nameof(entry));
            _entries = [.. _entries, entry];
        }
        return new Registration(() => { lock (Gate) _entries = Array.FindAll(_entries, e => e != entry); });
    }
}

/// <summary>
/// The classical radius update shared by the ball strategies (Nocedal and Wright Alg. 4.1): shrink to ¼‖p‖ when
/// ρ &lt; ¼, double (up to <see cref="MaxRadius"/>) when ρ &gt; ¾ and the step reached the boundary.
/// </summary>
public abstract class BallTrustRegion : ITrustRegionStrategy
{
    private protected readonly double[] Work1, Work2, Work3, Work4;
    private double _lastNorm;
    private bool _lastOnBoundary;

    /// <summary>Creates the strategy with radius <paramref name="initialRadius"/> for <paramref name="dimension"/> variables.</summary>
    protected BallTrustRegion(double initialRadius, int dimension)
    {
        MethodChecks.Positive(initialRadius, nameof(initialRadius));
        Radius = initialRadius;
        Work1 = new double[dimension];
        Work2 = new double[dimension];
        Work3 = new double[dimension];
        Work4 = new double[dimension];
    }

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public double Radius { get; private set; }

    /// <summary>Largest radius. Default 1e10.</summary>
    public double MaxRadius { get; init; } = 1e10;

    /// <inheritdoc/>
    public TrustRegionStep ComputeStep(ITrustRegionModel model, Span<double> step)
    {
        var r = Compute(model, step);
        _lastNorm = Vec.Norm2(step);
        _lastOnBoundary = r.OnBoundary || _lastNorm >= 0.99 * Radius;
        return r;
    }

    /// <summary>The strategy's step for the current <see cref="Radius"/>.</summary>
    protected abstract TrustRegionStep Compute(ITrustRegionModel model, Span<double> step);

    /// <inheritdoc/>
    public void StepAccepted(double rho)
    {
        if (rho < 0.25) Radius = 0.25 * _lastNorm;
        else if (rho > 0.75 && _lastOnBoundary) Radius = Math.Min(2 * Radius, MaxRadius);
    }

    /// <inheritdoc/>
    public void StepRejected(double rho) => Radius = 0.25 * Math.Min(Radius, _lastNorm > 0 ? _lastNorm : Radius);

    /// <summary>τ ≥ 0 with ‖z + τd‖ = Δ.</summary>
    protected static double ToBoundary(ReadOnlySpan<double> z, ReadOnlySpan<double> d, double radius)
    {
        double dd = Vec.Dot(d, d), zd = Vec.Dot(z, d), zz = Vec.Dot(z, z);
        double disc = Math.Sqrt(Math.Max(0, zd * zd + dd * (radius * radius - zz)));
        // Numerically stable positive root of dd·τ² + 2zd·τ + (zz − Δ²) = 0.
        return zd >= 0 ? (radius * radius - zz) / (zd + disc) : (disc - zd) / dd;
    }

    /// <summary>m(0) − m(p) = −(gᵀp + ½pᵀBp), using <paramref name="work"/> for B·p.</summary>
    protected static double Reduction(ITrustRegionModel model, ReadOnlySpan<double> p, Span<double> work)
    {
        model.Apply(p, work);
        return -(Vec.Dot(model.Gradient, p) + 0.5 * Vec.Dot(p, work));
    }
}

/// <summary>
/// Steihaug–Toint truncated conjugate gradients (Steihaug 1983; Toint 1981; Nocedal and Wright Alg. 7.2): CG on
/// Bp = −g from p = 0 (<see cref="ConjugateGradient.SolveTruncated"/>), stopped at the boundary, at a direction of
/// negative curvature (followed to the boundary), or when ‖r‖ ≤ min(½, √‖g‖)·‖g‖. Needs only products with B.
/// </summary>
public sealed class SteihaugCg(double initialRadius, int dimension) : BallTrustRegion(initialRadius, dimension)
{
    private readonly ConjugateGradient _cg = new(dimension);
    private readonly double[] _b = new double[dimension];

    /// <inheritdoc/>
    public override string Name => "steihaug-cg";

    /// <summary>Iteration limit of the inner CG; 0 means 2n. Default 0.</summary>
    public int MaxInnerIterations { get; init; }

    /// <summary>A preconditioner M ≈ B of the model (in its variables) for the inner CG, or null (default). The radius still bounds ‖p‖₂.</summary>
    public IPreconditioner? Preconditioner { get; init; }

    /// <inheritdoc/>
    protected override TrustRegionStep Compute(ITrustRegionModel model, Span<double> z)
    {
        var g = model.Gradient;
        double gnorm = Vec.Norm2(g);
        Vec.Negate(g, _b);
        var cg = _cg.SolveTruncated(model, _b, z, Math.Min(0.5, Math.Sqrt(gnorm)) * gnorm,
            MaxInnerIterations > 0 ? MaxInnerIterations : 2 * model.Rows, Radius, Preconditioner, fusedUpdates: false);
        return gnorm == 0 ? new(0, false, false) : new(Reduction(model, z, Work4), cg.OnBoundary, cg.NegativeCurvature);
    }
}

/// <summary>
/// Powell's dogleg (Nocedal and Wright §4.1): the Newton point p_B = −B⁻¹g when it lies inside the region, else
/// the path from the Cauchy point p_U = −(gᵀg/gᵀBg)g towards p_B cut at the boundary. When B is not positive
/// definite the step is the Cauchy step (to the boundary along −g if gᵀBg ≤ 0).
/// </summary>
public sealed class Dogleg(double initialRadius, int dimension) : BallTrustRegion(initialRadius, dimension)
{
    /// <inheritdoc/>
    public override string Name => "dogleg";

    /// <inheritdoc/>
    protected override TrustRegionStep Compute(ITrustRegionModel model, Span<double> step)
    {
        var g = model.Gradient;
        double gg = Vec.Dot(g, g);
        if (gg == 0) { step.Clear(); return new(0, false, false); }
        model.Apply(g, Work1);
        double gBg = Vec.Dot(g, Work1);
        double gnorm = Math.Sqrt(gg);
        if (!(gBg > 0))
        {
            for (int i = 0; i < step.Length; i++) step[i] = -Radius / gnorm * g[i];
            return new(Reduction(model, step, Work1), true, true);
        }
        // Cauchy point.
        Span<double> pu = Work2;
        for (int i = 0; i < pu.Length; i++) pu[i] = -gg / gBg * g[i];
        double puNorm = Vec.Norm2(pu);
        if (puNorm >= Radius)
        {
            for (int i = 0; i < step.Length; i++) step[i] = -Radius / gnorm * g[i];
            return new(Reduction(model, step, Work1), true, false);
        }
        Span<double> pb = Work3;
        if (!model.TrySolveShifted(0, pb) || !Vec.AllFinite(pb))
        {
            pu.CopyTo(step);
            return new(Reduction(model, step, Work1), false, false);
        }
        if (Vec.Norm2(pb) <= Radius)
        {
            pb.CopyTo(step);
            return new(Reduction(model, step, Work1), false, false);
        }
        Vec.Subtract(pb, pu, Work4);
        double tau = ToBoundary(pu, Work4, Radius);
        Vec.AddScaled(pu, tau, Work4, step);
        return new(Reduction(model, step, Work1), true, false);
    }
}

/// <summary>
/// Levenberg's damping as a trust-region strategy (the form Ceres calls Levenberg–Marquardt): the step solves (B + λI)p = −g with
/// λ = 1/<see cref="Radius"/>; on acceptance the radius grows by 1/max(⅓, 1 − (2ρ − 1)³), on rejection it shrinks
/// by a factor v that doubles on each consecutive rejection (Nielsen 1999; Madsen, Nielsen and Tingleff §3.2).
/// When B + λI is not positive definite λ is raised until it is.
/// </summary>
public sealed class LevenbergStrategy : ITrustRegionStrategy
{
    private readonly double[] _work;
    private double _v = 2;

    /// <summary>Creates the strategy with radius 1/λ₀ = <paramref name="initialRadius"/>.</summary>
    public LevenbergStrategy(double initialRadius, int dimension)
    {
        MethodChecks.Positive(initialRadius, nameof(initialRadius));
        Radius = initialRadius;
        _work = new double[dimension];
    }

    /// <inheritdoc/>
    public string Name => "levenberg";

    /// <inheritdoc/>
    public double Radius { get; private set; }

    /// <inheritdoc/>
    public TrustRegionStep ComputeStep(ITrustRegionModel model, Span<double> step)
    {
        for (int attempt = 0; attempt < 60; attempt++)
        {
            if (model.TrySolveShifted(1.0 / Radius, step) && Vec.AllFinite(step))
            {
                model.Apply(step, _work);
                double pred = -(Vec.Dot(model.Gradient, step) + 0.5 * Vec.Dot(step, _work));
                return new(pred, false, false);
            }
            Radius /= 10;
        }
        step.Clear();
        return new(0, false, false);
    }

    /// <inheritdoc/>
    public void StepAccepted(double rho)
    {
        double t = 2 * rho - 1;
        Radius = Math.Min(Radius / Math.Max(1.0 / 3.0, 1 - t * t * t), 1e16);
        _v = 2;
    }

    /// <inheritdoc/>
    public void StepRejected(double rho)
    {
        Radius /= _v;
        _v *= 2;
    }
}
