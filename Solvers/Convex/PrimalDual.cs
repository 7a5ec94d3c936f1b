using Optima.LinearAlgebra;

namespace Optima.Solvers.Convex;

/// <summary>A linear operator K with its adjoint Kᵀ, as the primal–dual method needs both.</summary>
public interface IAdjointOperator : ILinearOperator
{
    /// <summary>x ← Kᵀ·y.</summary>
    void ApplyTranspose(ReadOnlySpan<double> y, Span<double> x);
}

/// <summary>A dense or sparse matrix as an <see cref="IAdjointOperator"/>.</summary>
public sealed class MatrixOperator : IAdjointOperator
{
    private readonly DenseMatrix? _dense;
    private readonly CsrMatrix? _sparse;

    /// <summary>Wraps a dense matrix (kept by reference).</summary>
    public MatrixOperator(DenseMatrix matrix) => _dense = matrix ?? throw new ArgumentNullException(nameof(matrix));

    /// <summary>Wraps a CSR matrix (kept by reference).</summary>
    public MatrixOperator(CsrMatrix matrix) => _sparse = matrix ?? throw new ArgumentNullException(nameof(matrix));

    /// <inheritdoc/>
    public int Rows => _dense?.Rows ?? _sparse!.Rows;

    /// <inheritdoc/>
    public int Columns => _dense?.Columns ?? _sparse!.Columns;

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        if (_dense is not null) _dense.Multiply(x, y);
        else _sparse!.Multiply(x, y);
    }

    /// <inheritdoc/>
    public void ApplyTranspose(ReadOnlySpan<double> y, Span<double> x)
    {
        if (_dense is not null) _dense.TransposeMultiply(y, x);
        else _sparse!.TransposeMultiply(y, x);
    }
}

/// <summary>
/// The duality gap of a primal–dual pair (x, y), ≥ 0 and 0 exactly at a saddle point, with the primal objective it was
/// measured against (the gap test is relative to it).
/// </summary>
public delegate double DualityGap(ReadOnlySpan<double> x, ReadOnlySpan<double> y, out double primalObjective);

/// <summary>
/// Options of the primal–dual hybrid gradient method (<see cref="PrimalDual"/>). Stopping: the primal and dual residuals
/// (Goldstein, Esser &amp; Baraniuk 2013) ‖p‖₂ ≤ √n·ε_abs + ε_rel·‖Kᵀy‖₂ and ‖d‖₂ ≤ √m·ε_abs + ε_rel·‖Kx‖₂; or, when a
/// duality gap (a certificate of suboptimality) is supplied, gap ≤ <see cref="GapTolerance"/>·max(1, |primal objective|)
/// instead, checked every <see cref="GapInterval"/> iterations.
/// </summary>
public sealed record PdhgOptions : ConvexOptions
{
    /// <summary>The default options.</summary>
    public static PdhgOptions Default { get; } = new();

    /// <summary>Primal step τ; 0 (default) sets τ = σ = 0.99/‖K‖ with ‖K‖ from power iteration.</summary>
    public double Tau { get; init; }

    /// <summary>Dual step σ; 0 (default): see <see cref="Tau"/>. Given steps must satisfy τσ‖K‖² &lt; 1 (not checked: ‖K‖ is not computed then).</summary>
    public double Sigma { get; init; }

    /// <summary>Extrapolation θ ∈ [0, 1] (x̄ = x + θ(x − x_prev)); 1 is Chambolle–Pock's choice. Default 1.</summary>
    public double Theta { get; init; } = 1.0;

    /// <summary>
    /// γ &gt; 0 when g is γ-strongly convex: Chambolle–Pock's accelerated Algorithm 2 (θₙ = 1/√(1 + 2γτₙ), τₙ₊₁ = θₙτₙ,
    /// σₙ₊₁ = σₙ/θₙ; O(1/N²) instead of O(1/N)). 0: the plain method with fixed steps and <see cref="Theta"/>. Null (default):
    /// the problem's choice (total-variation denoising takes 0.7λ, as Chambolle &amp; Pock's experiments; others 0).
    /// </summary>
    public double? StrongConvexity { get; init; }

    /// <summary>Power iterations for ‖K‖ (from a start drawn from <see cref="RunOptions.Seed"/>). Default 200.</summary>
    public int PowerIterations { get; init; } = 200;

    /// <summary>Relative duality-gap tolerance (used when a gap is supplied). Default 1e-6.</summary>
    public double GapTolerance { get; init; } = 1e-6;

    /// <summary>Iterations between gap evaluations (each costs the caller's gap function). Default 10.</summary>
    public int GapInterval { get; init; } = 10;

    /// <inheritdoc/>
    public override void Validate()
    {
        RequireTolerance(Tau, nameof(Tau));
        RequireTolerance(Sigma, nameof(Sigma));
        RequireTolerance(GapTolerance, nameof(GapTolerance));
        if (StrongConvexity is { } gamma) RequireTolerance(gamma, nameof(StrongConvexity));
        if ((Tau == 0) != (Sigma == 0))
            throw new ArgumentException("Tau and Sigma must both be given or both be 0 (automatic).", nameof(Tau));
        if (!(Theta >= 0 && Theta <= 1)) throw new ArgumentOutOfRangeException(nameof(Theta), Theta, "Theta must lie in [0, 1].");
        if (PowerIterations < 1) throw new ArgumentOutOfRangeException(nameof(PowerIterations), PowerIterations, "PowerIterations must be ≥ 1.");
        if (GapInterval < 1) throw new ArgumentOutOfRangeException(nameof(GapInterval), GapInterval, "GapInterval must be ≥ 1.");
        base.Validate();
    }
}

/// <summary>
/// The primal–dual hybrid gradient method of Chambolle &amp; Pock ("A first-order primal-dual algorithm for convex
/// problems with applications to imaging", J. Math. Imaging Vis. 2011, Algorithm 1) for min_x f(Kx) + g(x), through the
/// saddle point min_x max_y ⟨Kx, y⟩ − f*(y) + g(x):
/// y ← prox_{σf*}(y + σKx̄), x_new ← prox_{τg}(x − τKᵀy), x̄ ← x_new + θ(x_new − x). It converges for τσ‖K‖² &lt; 1 and
/// needs only products with K and Kᵀ and the two proxes, never a linear solve: the method for large operators
/// (images, LPs) where ADMM's factorization is too dear.
/// </summary>
public static class PrimalDual
{
    /// <summary>
    /// Runs the method from x₀ (zero when empty) and y = 0.
    /// </summary>
    /// <param name="k">The operator K (m×n).</param>
    /// <param name="fConjugate">The prox of f* (for f with only its own prox known, wrap it in <see cref="ConjugateProx"/>).</param>
    /// <param name="g">The prox of g.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="start">x₀, or empty for zero.</param>
    /// <param name="gap">The duality gap of the problem, if known (added to the stopping test and reported).</param>
    /// <param name="method">The name reported in the result.</param>
    public static ConvexResult Solve(IAdjointOperator k, IProximalOperator fConjugate, IProximalOperator g, PdhgOptions? options = null,
        ReadOnlySpan<double> start = default, DualityGap? gap = null, string method = "Chambolle–Pock PDHG")
    {
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(fConjugate);
        ArgumentNullException.ThrowIfNull(g);
        options ??= PdhgOptions.Default;
        options.Validate();
        int n = k.Columns, m = k.Rows;
        if (n == 0 || m == 0) throw new ArgumentException($"K is {m}×{n}; both sizes must be positive.", nameof(k));
        if (!start.IsEmpty && start.Length != n) throw new ArgumentException($"start has {start.Length} entries; K has {n} columns.", nameof(start));
        if (!start.IsEmpty) ProxChecks.Finite(start, nameof(start));

        double tau = options.Tau, sigma = options.Sigma, norm = double.NaN;
        if (tau == 0)
        {
            norm = OperatorNorm(k, options.PowerIterations, options.Seed);
            // Power iteration approaches ‖K‖ from below; the 1.01 margin keeps τσ‖K‖² < 1 for the true norm.
            tau = sigma = 0.99 / Math.Max(1.01 * norm, 1e-300);
        }

        var monitor = new SplittingMonitor(options);
        double[] x = new double[n], xPrev = new double[n], y = new double[m], yPrev = new double[m];
        double[] kx = new double[m], kxPrev = new double[m], kxBar = new double[m], kty = new double[n], v = new double[m], w = new double[n];
        if (!start.IsEmpty) start.CopyTo(x);
        k.Apply(x, kx);
        kx.CopyTo(kxBar);
        double theta = options.Theta, gamma = options.StrongConvexity ?? 0, sqrtN = Math.Sqrt(n), sqrtM = Math.Sqrt(m);
        int iteration = 0;
        double primal = double.NaN, dual = double.NaN, epsPrimal = double.NaN, epsDual = double.NaN, lastGap = double.NaN, objective = double.NaN;
        TerminationReason reason;
        string? message = null;
        while (true)
        {
            if (monitor.LimitReached(iteration) is { } stop) { reason = stop; break; }
            x.CopyTo(xPrev);
            y.CopyTo(yPrev);
            kx.CopyTo(kxPrev);
            for (int i = 0; i < m; i++) v[i] = Math.FusedMultiplyAdd(sigma, kxBar[i], y[i]);
            fConjugate.Prox(v, sigma, y);
            k.ApplyTranspose(y, kty);
            for (int j = 0; j < n; j++) w[j] = Math.FusedMultiplyAdd(-tau, kty[j], x[j]);
            g.Prox(w, tau, x);
            k.Apply(x, kx);
            iteration++;
            // p = (x_prev − x)/τ ∈ ∂g(x) + Kᵀy; d = (y_prev − y)/σ − K(x − x̄_prev) ∈ ∂f*(y) − Kx.
            double pp = 0, dd = 0;
            for (int j = 0; j < n; j++) { double p = (xPrev[j] - x[j]) / tau; pp = Math.FusedMultiplyAdd(p, p, pp); }
            double dualStep = sigma;
            if (gamma > 0)
            {
                theta = 1 / Math.Sqrt(1 + 2 * gamma * tau);
                tau *= theta;
                sigma /= theta;
            }
            for (int i = 0; i < m; i++)
            {
                double d = (yPrev[i] - y[i]) / dualStep - (kx[i] - kxBar[i]);
                dd = Math.FusedMultiplyAdd(d, d, dd);
                kxBar[i] = kx[i] + theta * (kx[i] - kxPrev[i]); // K x̄ by linearity: no extra product
            }
            primal = Math.Sqrt(pp);
            dual = Math.Sqrt(dd);
            if (!double.IsFinite(primal) || !double.IsFinite(dual))
            {
                xPrev.CopyTo(x);
                yPrev.CopyTo(y);
                reason = TerminationReason.NonFiniteValue;
                message = "An iterate became NaN or infinite; the last finite iterate is returned.";
                break;
            }
            epsPrimal = sqrtN * options.AbsoluteTolerance + options.RelativeTolerance * Reproducible.Norm(kty);
            epsDual = sqrtM * options.AbsoluteTolerance + options.RelativeTolerance * Reproducible.Norm(kx);
            // A gap is a certificate (it bounds the suboptimality), so when one is given it is the test; the fixed-point
            // residuals are the test otherwise (they can stall on a non-unique dual, as TV's flat regions have).
            bool converged;
            if (gap is not null)
            {
                converged = false;
                if (iteration % options.GapInterval == 0)
                {
                    lastGap = gap(x, y, out objective);
                    converged = lastGap <= options.GapTolerance * Math.Max(1.0, Math.Abs(objective));
                }
            }
            else converged = primal <= epsPrimal && dual <= epsDual;
            monitor.Record(iteration, primal, dual, gap is null ? double.NaN : objective, tau);
            if (converged) { reason = TerminationReason.MethodTolerance; break; }
        }
        if (gap is not null) lastGap = gap(x, y, out objective);
        return new ConvexResult
        {
            Method = method,
            Reason = reason,
            X = x,
            Dual = y,
            Objective = objective,
            Iterations = iteration,
            Elapsed = monitor.Elapsed,
            PrimalResidual = primal,
            DualResidual = dual,
            PrimalTolerance = epsPrimal,
            DualTolerance = epsDual,
            DualityGap = lastGap,
            Rho = tau,
            History = monitor.History,
            Message = Join(message ?? (reason == TerminationReason.MethodTolerance
                ? (gap is null ? "primal and dual residuals below their tolerances" : "duality gap below its tolerance") : null),
                double.IsNaN(norm) ? null : $"‖K‖ ≈ {norm:G6} by power iteration, τ₀ = σ₀ = {0.99 / Math.Max(1.01 * norm, 1e-300):G4}"),
        };
    }

    private static string? Join(string? a, string? b) => a is null ? b : b is null ? a : a + "; " + b;

    /// <summary>‖K‖₂ by power iteration on KᵀK from a start drawn from <paramref name="seed"/> (deterministic).</summary>
    public static double OperatorNorm(IAdjointOperator k, int iterations = 200, ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(k);
        int n = k.Columns;
        var rng = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        double[] x = new double[n], kx = new double[k.Rows];
        for (int j = 0; j < n; j++) x[j] = rng.NextDouble() - 0.5;
        double estimate = 0;
        for (int t = 0; t < iterations; t++)
        {
            double s = Reproducible.Norm(x);
            if (!(s > 0)) return 0;
            for (int j = 0; j < n; j++) x[j] /= s;
            k.Apply(x, kx);
            k.ApplyTranspose(kx, x);
            double next = Math.Sqrt(Reproducible.Norm(x));
            if (Math.Abs(next - estimate) <= 1e-10 * next) return next;
            estimate = next;
        }
        return estimate;
    }
}
