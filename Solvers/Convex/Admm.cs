using Optima.LinearAlgebra;

namespace Optima.Solvers.Convex;

/// <summary>
/// Options of the alternating direction method of multipliers (<see cref="Admm"/>). Stopping (Boyd et al. 2011,
/// §3.3.1): ‖r‖₂ ≤ √p·ε_abs + ε_rel·max(‖x‖₂, ‖z‖₂) and ‖s‖₂ ≤ √n·ε_abs + ε_rel·‖y‖₂, with r = x − z the primal and
/// s = ρ(z − z_prev) the dual residual, p and n the sizes of the constraint and of x.
/// </summary>
public sealed record AdmmOptions : ConvexOptions
{
    /// <summary>The default options.</summary>
    public static AdmmOptions Default { get; } = new();

    /// <summary>The initial penalty ρ &gt; 0. Default 1.</summary>
    public double Rho { get; init; } = 1.0;

    /// <summary>Over-relaxation α ∈ (0, 2): x̂ = αx + (1 − α)z (Boyd §3.4.3; 1.5–1.8 usually helps). Default 1.6.</summary>
    public double Relaxation { get; init; } = 1.6;

    /// <summary>Adapt ρ by residual balancing (He, Yang &amp; Wang 2000; Boyd §3.4.1). Default true.</summary>
    public bool AdaptiveRho { get; init; } = true;

    /// <summary>μ &gt; 1: ρ changes when one residual exceeds μ times the other. Default 10.</summary>
    public double ResidualBalance { get; init; } = 10.0;

    /// <summary>τ &gt; 1: the factor ρ is multiplied or divided by. Default 2.</summary>
    public double RhoScale { get; init; } = 2.0;

    /// <summary>
    /// The most ρ changes in a run (each costs a refactorization); afterwards ρ stays fixed, which keeps ADMM's
    /// convergence guarantee (Boyd §3.4.1). Default 50.
    /// </summary>
    public int MaxRhoUpdates { get; init; } = 50;

    /// <inheritdoc/>
    public override void Validate()
    {
        RequirePositive(Rho, nameof(Rho));
        if (!(Relaxation > 0 && Relaxation < 2))
            throw new ArgumentOutOfRangeException(nameof(Relaxation), Relaxation, "Relaxation must lie in (0, 2).");
        if (!(ResidualBalance > 1) || double.IsInfinity(ResidualBalance))
            throw new ArgumentOutOfRangeException(nameof(ResidualBalance), ResidualBalance, "ResidualBalance must be a finite number > 1.");
        if (!(RhoScale > 1) || double.IsInfinity(RhoScale))
            throw new ArgumentOutOfRangeException(nameof(RhoScale), RhoScale, "RhoScale must be a finite number > 1.");
        if (MaxRhoUpdates < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxRhoUpdates), MaxRhoUpdates, "MaxRhoUpdates must be ≥ 0.");
        base.Validate();
    }
}

/// <summary>
/// The alternating direction method of multipliers in scaled form (Boyd, Parikh, Chu, Peleato, Eckstein, "Distributed
/// Optimization and Statistical Learning via the Alternating Direction Method of Multipliers", 2011) for
/// min f(x) + g(z) s.t. x = z: x ← argmin f(x) + (ρ/2)‖x − z + u‖², x̂ ← αx + (1 − α)z, z ← prox_{g/ρ}(x̂ + u),
/// u ← u + x̂ − z. Here f is a least-squares term (the lasso, the elastic net, any prox-friendly g) or a sum of blocks
/// (consensus). Every x-update solves a linear system whose Cholesky factor is cached and recomputed only when ρ changes.
/// </summary>
public static partial class Admm
{
    /// <summary>
    /// The lasso min ½‖Ax − b‖² + λ‖x‖₁ (Tibshirani 1996). Note scikit-learn's <c>Lasso(alpha)</c> scales the loss by
    /// 1/m: it is this problem with λ = m·alpha.
    /// </summary>
    public static ConvexResult Lasso(DenseMatrix a, ReadOnlySpan<double> b, double lambda, AdmmOptions? options = null) =>
        Solve("ADMM lasso", a, b, new L1Norm(lambda), options);

    /// <summary>The elastic net min ½‖Ax − b‖² + λ₁‖x‖₁ + (λ₂/2)‖x‖² (Zou &amp; Hastie 2005).</summary>
    public static ConvexResult ElasticNet(DenseMatrix a, ReadOnlySpan<double> b, double l1, double l2, AdmmOptions? options = null) =>
        Solve("ADMM elastic net", a, b, new Convex.ElasticNet(l1, l2), options);

    /// <summary>min ½‖Ax − b‖² + g(x) for any <paramref name="regularizer"/> g with a prox (a constraint set, a penalty).</summary>
    public static ConvexResult LeastSquares(DenseMatrix a, ReadOnlySpan<double> b, IProximalOperator regularizer, AdmmOptions? options = null) =>
        Solve("ADMM least squares", a, b, regularizer, options);

    private static ConvexResult Solve(string method, DenseMatrix a, ReadOnlySpan<double> b, IProximalOperator g, AdmmOptions? options)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(g);
        options ??= AdmmOptions.Default;
        options.Validate();
        if (b.Length != a.Rows) throw new ArgumentException($"b has {b.Length} entries but A has {a.Rows} rows.", nameof(b));
        if (a.Columns == 0) throw new ArgumentException("A has no columns: there is nothing to solve for.", nameof(a));
        if (!a.IsFinite()) throw new ArgumentException("A has a NaN or infinite entry.", nameof(a));
        ProxChecks.Finite(b, nameof(b));

        int n = a.Columns;
        var monitor = new SplittingMonitor(options);
        var system = new RegularizedLeastSquares(a, options.Compute.MaxDegreeOfParallelism);
        double[] atb = new double[n], x = new double[n], z = new double[n], zPrev = new double[n], u = new double[n];
        double[] q = new double[n], v = new double[n], residual = new double[a.Rows];
        a.TransposeMultiply(b, atb);

        double rho = options.Rho, alpha = options.Relaxation;
        double sqrtN = Math.Sqrt(n);
        int rhoUpdates = 0, k = 0;
        double primal = double.NaN, dual = double.NaN, epsPrimal = double.NaN, epsDual = double.NaN;
        TerminationReason reason;
        string? message = null;
        while (true)
        {
            if (monitor.LimitReached(k) is { } stop) { reason = stop; break; }
            system.Prepare(rho);
            // x ← (AᵀA + ρI)⁻¹(Aᵀb + ρ(z − u))
            for (int i = 0; i < n; i++) q[i] = Math.FusedMultiplyAdd(rho, z[i] - u[i], atb[i]);
            system.Solve(q, x);
            z.CopyTo(zPrev);
            // x̂ = αx + (1 − α)z; z ← prox_{g/ρ}(x̂ + u); u ← u + x̂ − z
            for (int i = 0; i < n; i++) v[i] = alpha * x[i] + (1 - alpha) * zPrev[i] + u[i];
            g.Prox(v, 1.0 / rho, z);
            for (int i = 0; i < n; i++) u[i] = v[i] - z[i];
            k++;

            double rr = 0, ss = 0;
            for (int i = 0; i < n; i++)
            {
                double ri = x[i] - z[i], si = z[i] - zPrev[i];
                rr = Math.FusedMultiplyAdd(ri, ri, rr);
                ss = Math.FusedMultiplyAdd(si, si, ss);
            }
            primal = Math.Sqrt(rr);
            dual = rho * Math.Sqrt(ss);
            if (!double.IsFinite(primal) || !double.IsFinite(dual))
            {
                zPrev.CopyTo(z);
                reason = TerminationReason.NonFiniteValue;
                message = "An iterate became NaN or infinite; the last finite z is returned.";
                break;
            }
            epsPrimal = sqrtN * options.AbsoluteTolerance + options.RelativeTolerance * Math.Max(Reproducible.Norm(x), Reproducible.Norm(z));
            epsDual = sqrtN * options.AbsoluteTolerance + options.RelativeTolerance * rho * Reproducible.Norm(u);
            if (monitor.History is not null) monitor.Record(k, primal, dual, Objective(a, b, g, z, residual), rho);
            if (primal <= epsPrimal && dual <= epsDual) { reason = TerminationReason.MethodTolerance; break; }

            if (options.AdaptiveRho && rhoUpdates < options.MaxRhoUpdates)
            {
                // Residual balancing: keep ‖r‖ and ‖s‖ within a factor μ; u = y/ρ rescales with ρ.
                double scale = primal > options.ResidualBalance * dual ? options.RhoScale
                    : dual > options.ResidualBalance * primal ? 1.0 / options.RhoScale : 1.0;
                if (scale != 1.0)
                {
                    rho *= scale;
                    for (int i = 0; i < n; i++) u[i] /= scale;
                    rhoUpdates++;
                }
            }
        }

        var y = new double[n];
        for (int i = 0; i < n; i++) y[i] = rho * u[i];
        return new ConvexResult
        {
            Method = method,
            Reason = reason,
            X = z,
            Dual = y,
            Objective = Objective(a, b, g, z, residual),
            Iterations = k,
            Elapsed = monitor.Elapsed,
            PrimalResidual = primal,
            DualResidual = dual,
            PrimalTolerance = epsPrimal,
            DualTolerance = epsDual,
            Rho = rho,
            Factorizations = system.Factorizations,
            History = monitor.History,
            Message = message ?? (reason == TerminationReason.MethodTolerance ? "primal and dual residuals below their tolerances" : null),
        };
    }

    /// <summary>½‖Ax − b‖² + g(x), using <paramref name="r"/> (m doubles) as work space.</summary>
    internal static double Objective(DenseMatrix a, ReadOnlySpan<double> b, IProximalOperator g, ReadOnlySpan<double> x, Span<double> r)
    {
        a.Multiply(x, r);
        for (int i = 0; i < r.Length; i++) r[i] -= b[i];
        return 0.5 * Reproducible.SumOfSquares(r) + g.Value(x);
    }
}
