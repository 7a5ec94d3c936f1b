using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;

namespace Optima.Solvers.Convex;

/// <summary>
/// One term fᵢ of a consensus problem min Σᵢ fᵢ(x) + g(x) (<see cref="Admm.Consensus"/>): it solves its own proximal
/// step argmin fᵢ(x) + (ρ/2)‖x − v‖². Blocks are solved in parallel, each on one thread; a block keeps its own
/// buffers, so distinct blocks must not share mutable state.
/// </summary>
public abstract class ConsensusBlock
{
    /// <summary>The length of x.</summary>
    public abstract int Dimension { get; }

    /// <summary>x ← argmin fᵢ(x) + (ρ/2)‖x − v‖². <paramref name="x"/> holds the previous solution on entry (a warm start).</summary>
    public abstract void Solve(ReadOnlySpan<double> v, double rho, Span<double> x);

    /// <summary>fᵢ(x).</summary>
    public abstract double Value(ReadOnlySpan<double> x);
}

/// <summary>fᵢ(x) = ½‖Aᵢx − bᵢ‖²: a cached Cholesky factor of AᵢᵀAᵢ + ρI (or of I + AᵢAᵢᵀ/ρ when Aᵢ is wide), refactored when ρ changes.</summary>
public sealed class LeastSquaresBlock : ConsensusBlock
{
    private readonly DenseMatrix _a;
    private readonly double[] _b, _atb, _q, _r;
    private RegularizedLeastSquares? _system;

    /// <summary>The block ½‖Ax − b‖² (A and b are kept by reference; do not change them during a run).</summary>
    public LeastSquaresBlock(DenseMatrix a, double[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (b.Length != a.Rows) throw new ArgumentException($"b has {b.Length} entries but A has {a.Rows} rows.", nameof(b));
        if (a.Columns == 0) throw new ArgumentException("A has no columns.", nameof(a));
        if (!a.IsFinite()) throw new ArgumentException("A has a NaN or infinite entry.", nameof(a));
        ProxChecks.Finite(b, nameof(b));
        _a = a;
        _b = b;
        _atb = new double[a.Columns];
        _q = new double[a.Columns];
        _r = new double[a.Rows];
        a.TransposeMultiply(b, _atb);
    }

    /// <inheritdoc/>
    public override int Dimension => _a.Columns;

    /// <inheritdoc/>
    public override void Solve(ReadOnlySpan<double> v, double rho, Span<double> x)
    {
        // One thread per block: the blocks themselves run in parallel, and the result must not depend on how many.
        _system ??= new RegularizedLeastSquares(_a, 1);
        _system.Prepare(rho);
        for (int i = 0; i < _q.Length; i++) _q[i] = Math.FusedMultiplyAdd(rho, v[i], _atb[i]);
        _system.Solve(_q, x);
    }

    /// <inheritdoc/>
    public override double Value(ReadOnlySpan<double> x) => Admm.Objective(_a, _b, ZeroFunction.Instance, x, _r);

    internal int Factorizations => _system?.Factorizations ?? 0;
}

/// <summary>
/// fᵢ(x) = Σⱼ log(1 + exp(−yⱼ·aⱼᵀx)) with labels yⱼ ∈ {−1, +1} (logistic regression). Its proximal step is solved by
/// Newton's method with backtracking (the Hessian AᵀWA + ρI is positive definite), warm-started at the previous x,
/// to ‖step‖∞ ≤ 1e-12·(1 + ‖x‖∞).
/// </summary>
public sealed class LogisticBlock : ConsensusBlock
{
    private readonly DenseMatrix _a;
    private readonly double[] _y, _margin, _weight, _gradient, _step, _trial;
    private readonly DenseMatrix _hessian;
    private static readonly DenseFactorizationOptions FactorOptions = new() { Overwrite = true, MaxDegreeOfParallelism = 1 };

    /// <summary>The block over the rows of <paramref name="a"/> (samples) with labels <paramref name="labels"/> ∈ {−1, +1}.</summary>
    public LogisticBlock(DenseMatrix a, double[] labels)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length != a.Rows) throw new ArgumentException($"labels has {labels.Length} entries but A has {a.Rows} rows.", nameof(labels));
        if (a.Columns == 0) throw new ArgumentException("A has no columns.", nameof(a));
        if (!a.IsFinite()) throw new ArgumentException("A has a NaN or infinite entry.", nameof(a));
        for (int j = 0; j < labels.Length; j++)
            if (labels[j] is not (1.0 or -1.0)) throw new ArgumentException($"labels[{j}] is {labels[j]}; labels must be −1 or +1.", nameof(labels));
        _a = a;
        _y = labels;
        _margin = new double[a.Rows];
        _weight = new double[a.Rows];
        _gradient = new double[a.Columns];
        _step = new double[a.Columns];
        _trial = new double[a.Columns];
        _hessian = new DenseMatrix(a.Columns, a.Columns);
    }

    /// <inheritdoc/>
    public override int Dimension => _a.Columns;

    /// <inheritdoc/>
    public override double Value(ReadOnlySpan<double> x)
    {
        _a.Multiply(x, _margin);
        double s = 0;
        for (int j = 0; j < _margin.Length; j++) s += Softplus(-_y[j] * _margin[j]);
        return s;
    }

    /// <inheritdoc/>
    public override void Solve(ReadOnlySpan<double> v, double rho, Span<double> x)
    {
        int n = _a.Columns, m = _a.Rows;
        double phi = Proximal(x, v, rho);
        for (int iteration = 0; iteration < 100; iteration++)
        {
            // gradient −Aᵀ(y∘σ(−y∘Ax)) + ρ(x − v); Hessian AᵀWA + ρI with wⱼ = σ(mⱼ)σ(−mⱼ). _margin holds Ax (from Proximal).
            for (int j = 0; j < m; j++)
            {
                double p = Sigmoid(-_y[j] * _margin[j]);
                _weight[j] = -_y[j] * p;
                _margin[j] = p * (1 - p);
            }
            _a.TransposeMultiply(_weight, _gradient);
            for (int i = 0; i < n; i++) _gradient[i] += rho * (x[i] - v[i]);
            var h = _hessian.Data;
            Array.Clear(h);
            for (int j = 0; j < m; j++)
            {
                double w = _margin[j];
                for (int c = 0; c < n; c++)
                {
                    double wc = w * _a[j, c];
                    if (wc == 0) continue;
                    for (int r = c; r < n; r++) h[r + c * n] = Math.FusedMultiplyAdd(wc, _a[j, r], h[r + c * n]);
                }
            }
            for (int i = 0; i < n; i++) h[i + i * n] += rho;
            // Non-finite data (a diverging outer iteration) leave x as it was: the consensus residuals then report it.
            if (!_hessian.IsFinite() || !double.IsFinite(Reproducible.SumOfSquares(_gradient))) return;
            CholeskyFactorization.Factorize(_hessian, FactorOptions).Solve(_gradient, _step);
            double scale = 0, size = 0, slope = 0;
            for (int i = 0; i < n; i++)
            {
                scale = Math.Max(scale, Math.Abs(x[i]));
                size = Math.Max(size, Math.Abs(_step[i]));
                slope += _gradient[i] * _step[i];
            }
            double t = 1.0, trialValue;
            while (true)
            {
                for (int i = 0; i < n; i++) _trial[i] = x[i] - t * _step[i];
                trialValue = Proximal(_trial, v, rho);
                if (trialValue <= phi - 1e-4 * t * slope || t < 1e-10) break;
                t *= 0.5;
            }
            _trial.CopyTo(x);
            phi = trialValue;
            if (t * size <= 1e-12 * (1 + scale)) return;
        }
    }

    // f(x) + (ρ/2)‖x − v‖², leaving Ax in _margin.
    private double Proximal(ReadOnlySpan<double> x, ReadOnlySpan<double> v, double rho)
    {
        double f = Value(x), d = 0;
        for (int i = 0; i < x.Length; i++) d += (x[i] - v[i]) * (x[i] - v[i]);
        return f + 0.5 * rho * d;
    }

    private static double Softplus(double t) => t > 0 ? t + double.LogP1(Math.Exp(-t)) : double.LogP1(Math.Exp(t));

    private static double Sigmoid(double t) => t >= 0 ? 1 / (1 + Math.Exp(-t)) : Math.Exp(t) / (1 + Math.Exp(t));
}

public static partial class Admm
{
    /// <summary>
    /// Global-variable consensus (Boyd et al. 2011, §7.1): min Σᵢ fᵢ(x) + g(x) split as fᵢ(xᵢ) with xᵢ = z:
    /// xᵢ ← argmin fᵢ(xᵢ) + (ρ/2)‖xᵢ − z + uᵢ‖² (all blocks in parallel under <see cref="RunOptions.Compute"/>),
    /// z ← prox_{g/(Nρ)}(mean(x̂ᵢ + uᵢ)), uᵢ ← uᵢ + x̂ᵢ − z. The average is summed in block order and each block is solved on
    /// one thread, so the result does not depend on the thread count. Residuals: r = (xᵢ − z)ᵢ, s = ρ√N(z − z_prev), in ℓ2,
    /// tested against √(nN)·ε_abs + ε_rel·max(‖(xᵢ)‖, √N‖z‖) and √(nN)·ε_abs + ε_rel·ρ‖(uᵢ)‖.
    /// </summary>
    /// <param name="blocks">The terms fᵢ, all of the same dimension (distinct instances).</param>
    /// <param name="regularizer">g, or null for none.</param>
    /// <param name="options">Options; null for the defaults.</param>
    public static ConvexResult Consensus(IReadOnlyList<ConsensusBlock> blocks, IProximalOperator? regularizer = null, AdmmOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        options ??= AdmmOptions.Default;
        options.Validate();
        if (blocks.Count == 0) throw new ArgumentException("Consensus needs at least one block.", nameof(blocks));
        int n = blocks[0]?.Dimension ?? throw new ArgumentException("blocks[0] is null.", nameof(blocks));
        for (int i = 0; i < blocks.Count; i++)
        {
            if (blocks[i] is null) throw new ArgumentException($"blocks[{i}] is null.", nameof(blocks));
            if (blocks[i].Dimension != n)
                throw new ArgumentException($"blocks[{i}] has dimension {blocks[i].Dimension} but blocks[0] has {n}.", nameof(blocks));
            for (int j = 0; j < i; j++)
                if (ReferenceEquals(blocks[i], blocks[j])) throw new ArgumentException($"blocks[{i}] is the same instance as blocks[{j}]; blocks keep state and must be distinct.", nameof(blocks));
        }
        var g = regularizer ?? ZeroFunction.Instance;
        int count = blocks.Count;
        var monitor = new SplittingMonitor(options);
        var x = new double[count][];
        var u = new double[count][];
        var v = new double[count][];
        for (int i = 0; i < count; i++) { x[i] = new double[n]; u[i] = new double[n]; v[i] = new double[n]; }
        double[] z = new double[n], zPrev = new double[n], mean = new double[n];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Compute.MaxDegreeOfParallelism, CancellationToken = CancellationToken.None };
        double rho = options.Rho, alpha = options.Relaxation;
        double sqrtNN = Math.Sqrt((double)n * count), sqrtCount = Math.Sqrt(count);
        int k = 0, rhoUpdates = 0;
        double primal = double.NaN, dual = double.NaN, epsPrimal = double.NaN, epsDual = double.NaN;
        TerminationReason reason;
        string? message = null;

        void SolveBlock(int i)
        {
            var vi = v[i];
            for (int j = 0; j < n; j++) vi[j] = z[j] - u[i][j];
            blocks[i].Solve(vi, rho, x[i]);
        }

        while (true)
        {
            if (monitor.LimitReached(k) is { } stop) { reason = stop; break; }
            if (count == 1 || options.Compute.Threads == 1) for (int i = 0; i < count; i++) SolveBlock(i);
            else Parallel.For(0, count, parallel, SolveBlock);
            z.CopyTo(zPrev);
            Array.Clear(mean);
            for (int i = 0; i < count; i++)
            {
                // x̂ᵢ = αxᵢ + (1 − α)z, kept in vᵢ; the mean of x̂ᵢ + uᵢ is summed in block order.
                var xi = x[i]; var vi = v[i]; var ui = u[i];
                for (int j = 0; j < n; j++)
                {
                    vi[j] = alpha * xi[j] + (1 - alpha) * zPrev[j];
                    mean[j] += vi[j] + ui[j];
                }
            }
            for (int j = 0; j < n; j++) mean[j] /= count;
            g.Prox(mean, 1.0 / (count * rho), z);
            double rr = 0, xx = 0, uu = 0, ss = 0;
            for (int i = 0; i < count; i++)
            {
                var xi = x[i]; var vi = v[i]; var ui = u[i];
                for (int j = 0; j < n; j++)
                {
                    ui[j] += vi[j] - z[j];
                    double r = xi[j] - z[j];
                    rr = Math.FusedMultiplyAdd(r, r, rr);
                    xx = Math.FusedMultiplyAdd(xi[j], xi[j], xx);
                    uu = Math.FusedMultiplyAdd(ui[j], ui[j], uu);
                }
            }
            for (int j = 0; j < n; j++) { double d = z[j] - zPrev[j]; ss = Math.FusedMultiplyAdd(d, d, ss); }
            k++;
            primal = Math.Sqrt(rr);
            dual = rho * sqrtCount * Math.Sqrt(ss);
            if (!double.IsFinite(primal) || !double.IsFinite(dual) || !double.IsFinite(uu))
            {
                zPrev.CopyTo(z);
                reason = TerminationReason.NonFiniteValue;
                message = "An iterate became NaN or infinite; the last finite z is returned.";
                break;
            }
            epsPrimal = sqrtNN * options.AbsoluteTolerance + options.RelativeTolerance * Math.Max(Math.Sqrt(xx), sqrtCount * Reproducible.Norm(z));
            epsDual = sqrtNN * options.AbsoluteTolerance + options.RelativeTolerance * rho * Math.Sqrt(uu);
            if (monitor.History is not null) monitor.Record(k, primal, dual, ConsensusObjective(blocks, g, z), rho);
            if (primal <= epsPrimal && dual <= epsDual) { reason = TerminationReason.MethodTolerance; break; }
            if (options.AdaptiveRho && rhoUpdates < options.MaxRhoUpdates)
            {
                double scale = primal > options.ResidualBalance * dual ? options.RhoScale
                    : dual > options.ResidualBalance * primal ? 1.0 / options.RhoScale : 1.0;
                if (scale != 1.0)
                {
                    rho *= scale;
                    for (int i = 0; i < count; i++) { var ui = u[i]; for (int j = 0; j < n; j++) ui[j] /= scale; }
                    rhoUpdates++;
                }
            }
        }

        int factorizations = 0;
        foreach (var block in blocks) if (block is LeastSquaresBlock ls) factorizations += ls.Factorizations;
        return new ConvexResult
        {
            Method = "ADMM consensus",
            Reason = reason,
            X = z,
            Objective = ConsensusObjective(blocks, g, z),
            Iterations = k,
            Elapsed = monitor.Elapsed,
            PrimalResidual = primal,
            DualResidual = dual,
            PrimalTolerance = epsPrimal,
            DualTolerance = epsDual,
            Rho = rho,
            Factorizations = factorizations,
            History = monitor.History,
            Message = message ?? (reason == TerminationReason.MethodTolerance ? "primal and dual residuals below their tolerances" : null),
        };
    }

    private static double ConsensusObjective(IReadOnlyList<ConsensusBlock> blocks, IProximalOperator g, ReadOnlySpan<double> z)
    {
        double s = g.Value(z);
        foreach (var block in blocks) s += block.Value(z);
        return s;
    }
}
