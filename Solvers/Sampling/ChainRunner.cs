using System.Diagnostics;
using System.Globalization;
using Optima.Problems;
using Optima.Problems.Data;

namespace Optima.Solvers.Sampling;

/// <summary>
/// One chain's transition kernel: its current point and value, one Markov transition at a time, adapting itself during
/// the warm-up and frozen after it (so the kept draws come from a fixed, reversible kernel).
/// </summary>
internal abstract class ChainKernel
{
    protected ChainKernel(double[] start) => X = start;

    /// <summary>The current point (the chain's state).</summary>
    public double[] X { get; }

    /// <summary>The target (negative log density) at <see cref="X"/>.</summary>
    public double U { get; protected set; }

    /// <summary>Target evaluations so far.</summary>
    public long Evaluations { get; protected set; }

    /// <summary>Proposals whose target value (or gradient) was NaN or −∞.</summary>
    public long NonFinite { get; protected set; }

    /// <summary>The adapted scale (MH's λ, HMC's ε).</summary>
    public abstract double Scale { get; }

    /// <summary>
    /// One transition; <paramref name="iteration"/> counts from 0 over warm-up and draws. Returns what the acceptance
    /// rate averages: 1 or 0 for an accepted or rejected MH proposal, the acceptance probability for HMC.
    /// </summary>
    public abstract double Transition(Xoshiro256StarStar rng, int iteration, bool warmup);

    /// <summary>Freezes the adaptation at the end of the warm-up.</summary>
    public abstract void EndWarmup();

    /// <summary>A value is a failed evaluation (counted) when it is NaN or −∞ (density NaN or +∞); +∞ is density 0, a plain rejection.</summary>
    protected static bool IsNonFinite(double u) => double.IsNaN(u) || double.IsNegativeInfinity(u);
}

/// <summary>
/// The multi-chain loop shared by the samplers: argument checks, chain starts, per-chain seeded streams, chains over
/// threads, limits and cancellation, and the diagnostics. It is not <see cref="IterativeDriver"/>: a sampler has no
/// iterate converging to a point, no convergence tests and several independent chains; what it shares with the driver
/// (validated options, counted evaluations, NaN as data, limits and cancellation as reasons) it does here.
/// </summary>
internal static class ChainRunner
{
    /// <summary>
    /// Runs <see cref="SamplerOptions.Chains"/> chains of the kernel <paramref name="create"/> builds from a start point
    /// (it evaluates the target there itself) and the chain's generator, for a kernel that draws while it initialises.
    /// </summary>
    public static SamplingResult Run(string method, IObjective target, ReadOnlySpan<double> start, SamplerOptions? options,
        Func<double[], Xoshiro256StarStar, ChainKernel> create, bool gradients)
    {
        ArgumentNullException.ThrowIfNull(target);
        options ??= new SamplerOptions();
        options.Validate();
        int n = target.Dimension;
        if (n < 1) throw new ArgumentException($"The target has dimension {n}; it needs at least one variable.", nameof(target));
        var x0 = CheckedStart(target, start, "start", gradients);
        var starts = new double[options.Chains][];
        if (options.ChainStarts is { } given)
            for (int c = 0; c < given.Count; c++) starts[c] = CheckedStart(target, given[c], $"ChainStarts[{c}]", gradients);

        var clock = Stopwatch.StartNew();
        var token = options.CancellationToken;
        var limit = options.TimeLimit;
        int chains = options.Chains, warmup = options.Warmup, samples = options.Samples;
        var draws = new double[chains][];
        var values = new double[chains][];
        var accepted = new double[chains];
        var completed = new int[chains];
        var warmedUp = new bool[chains];
        var kernels = new ChainKernel[chains];
        var drawEvaluations = new long[chains];

        void RunChain(int c)
        {
            var rng = new Xoshiro256StarStar(ChainSeed(options.Seed, c));
            var x = starts[c] ?? Jittered(target, x0, c == 0 ? 0 : options.InitialSpread, rng);
            var kernel = kernels[c] = create(x, rng);
            var chainDraws = draws[c] = new double[samples * n];
            var chainValues = values[c] = new double[samples];
            bool Stop() => token.IsCancellationRequested || (limit is { } l && clock.Elapsed > l);
            for (int it = 0; it < warmup; it++)
            {
                if (Stop()) return;
                kernel.Transition(rng, it, warmup: true);
            }
            kernel.EndWarmup();
            warmedUp[c] = true;
            long before = kernel.Evaluations;
            double acceptance = 0;
            int i = 0;
            for (; i < samples; i++)
            {
                if (Stop()) break;
                acceptance += kernel.Transition(rng, warmup + i, warmup: false);
                kernel.X.CopyTo(chainDraws, i * n);
                chainValues[i] = kernel.U;
            }
            completed[c] = i;
            accepted[c] = i > 0 ? acceptance / i : double.NaN;
            drawEvaluations[c] = kernel.Evaluations - before;
        }

        if (options.Compute.Threads is > 1 && chains > 1)
            Parallel.For(0, chains, new ParallelOptions { MaxDegreeOfParallelism = options.Compute.Threads.Value }, RunChain);
        else
            for (int c = 0; c < chains; c++) RunChain(c);

        int kept = warmedUp.All(w => w) ? completed.Min() : 0;
        var reason = kept == samples ? TerminationReason.Completed
            : token.IsCancellationRequested ? TerminationReason.Cancelled : TerminationReason.TimeLimit;
        var samplesKept = draws.Select(d => d.AsSpan(0, kept * n).ToArray()).ToArray();
        var valuesKept = values.Select(v => v.AsSpan(0, kept).ToArray()).ToArray();
        var summary = Summarize(samplesKept, n, kept);
        long evaluations = kernels.Sum(k => k?.Evaluations ?? 0), nonFinite = kernels.Sum(k => k?.NonFinite ?? 0);
        var result = new SamplingResult
        {
            Method = method,
            Dimension = n,
            Warmup = warmup,
            Samples = samplesKept,
            NegativeLogDensities = valuesKept,
            AcceptanceRates = accepted,
            Scales = kernels.Select(k => k?.Scale ?? double.NaN).ToArray(),
            NonFiniteProposals = nonFinite,
            Evaluations = evaluations,
            DrawEvaluations = drawEvaluations.Sum(),
            GradientEvaluations = gradients ? evaluations : 0,
            Summary = summary,
            Reason = reason,
            Iterations = warmedUp.All(w => w) ? warmup + kept : 0,
            Elapsed = clock.Elapsed,
        };
        return WithWarnings(result);
    }

    /// <summary>Chain c's stream: its own seed, derived from the run's, so chains never share draws.</summary>
    internal static ulong ChainSeed(ulong seed, int chain) => seed + 0x9E3779B97F4A7C15UL * (ulong)(chain + 1);

    private static double[] CheckedStart(IObjective target, ReadOnlySpan<double> start, string name, bool gradients)
    {
        int n = target.Dimension;
        if (start.Length != n) throw new ArgumentException($"{name} has {start.Length} coordinates but the target has dimension {n}.", name);
        for (int i = 0; i < n; i++)
            if (!double.IsFinite(start[i]))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name}[{i}] = {start[i]} is not finite."), name);
        var x = start.ToArray();
        double u;
        if (gradients && target is IGradientObjective g)
        {
            var grad = new double[n];
            u = g.ValueAndGradient(x, grad);
            for (int i = 0; i < n; i++)
                if (!double.IsFinite(grad[i]))
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The gradient of the negative log density at {name} is not finite (component {i} is {grad[i]})."), name);
        }
        else u = target.Value(x);
        if (!double.IsFinite(u))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The negative log density at {name} is {u}: the density must be positive and finite where a chain starts."), name);
        return x;
    }

    private static double[] Jittered(IObjective target, double[] x0, double spread, Xoshiro256StarStar rng)
    {
        if (spread == 0) return (double[])x0.Clone();
        var x = new double[x0.Length];
        for (int attempt = 0; attempt < 100; attempt++)
        {
            for (int i = 0; i < x.Length; i++) x[i] = x0[i] + spread * Math.Max(1, Math.Abs(x0[i])) * rng.NextGaussian();
            if (double.IsFinite(target.Value(x))) return x;
        }
        return (double[])x0.Clone();
    }

    /// <summary>Mean, sd, MC standard error, quantiles, ESS, τ and R̂ of each variable over the kept draws.</summary>
    internal static VariableSummary[] Summarize(double[][] samples, int n, int draws)
    {
        var summary = new VariableSummary[n];
        for (int k = 0; k < n; k++)
        {
            var chains = new double[samples.Length][];
            for (int c = 0; c < samples.Length; c++)
            {
                var column = new double[draws];
                for (int i = 0; i < draws; i++) column[i] = samples[c][i * n + k];
                chains[c] = column;
            }
            var all = chains.SelectMany(c => c).ToArray();
            if (all.Length == 0)
            {
                summary[k] = new(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
                continue;
            }
            double sum = 0;
            foreach (double v in all) sum += v;
            double mean = sum / all.Length, ss = 0;
            foreach (double v in all) ss += (v - mean) * (v - mean);
            double sd = all.Length > 1 ? Math.Sqrt(ss / (all.Length - 1)) : double.NaN;
            double ess = McmcDiagnostics.EffectiveSampleSize(chains);
            Array.Sort(all);
            summary[k] = new VariableSummary(mean, sd, sd / Math.Sqrt(ess),
                McmcDiagnostics.Quantile(all, 0.025), McmcDiagnostics.Quantile(all, 0.5), McmcDiagnostics.Quantile(all, 0.975),
                ess, McmcDiagnostics.BulkEffectiveSampleSize(chains), all.Length / ess, McmcDiagnostics.RankNormalizedSplitRhat(chains));
        }
        return summary;
    }

    private static SamplingResult WithWarnings(SamplingResult r)
    {
        var notes = new List<string>();
        var ci = CultureInfo.InvariantCulture;
        if (r.NonFiniteProposals > 0) notes.Add($"{r.NonFiniteProposals} proposal(s) had a NaN or infinite density and were rejected.");
        if (r.Draws > 0 && r.MaxRhat > 1.01)
            notes.Add(string.Create(ci, $"R̂ = {r.MaxRhat:F3} > 1.01: the chains disagree; sample longer, start them elsewhere or reparametrise."));
        if (r.Draws > 0 && r.MinEffectiveSampleSize < 100)
            notes.Add(string.Create(ci, $"The smallest effective sample size is {r.MinEffectiveSampleSize:F0} (< 100): the estimates are rough."));
        if (r.Reason != TerminationReason.Completed && r.Draws == 0) notes.Add("The run stopped before every chain had finished its warm-up and kept a draw.");
        return notes.Count == 0 ? r : new SamplingResult
        {
            Method = r.Method, Dimension = r.Dimension, Warmup = r.Warmup, Samples = r.Samples, NegativeLogDensities = r.NegativeLogDensities,
            AcceptanceRates = r.AcceptanceRates, Scales = r.Scales, NonFiniteProposals = r.NonFiniteProposals, Evaluations = r.Evaluations,
            DrawEvaluations = r.DrawEvaluations, GradientEvaluations = r.GradientEvaluations, Summary = r.Summary, Reason = r.Reason,
            Iterations = r.Iterations, Elapsed = r.Elapsed, Message = string.Join(" ", notes),
        };
    }
}

/// <summary>
/// Windowed covariance adaptation during the warm-up, as Stan adapts its metric: after an initial buffer (15% of the
/// warm-up, at most 75 iterations) the chain's draws are accumulated in windows of doubling length (from 25), and at
/// the end of each window the covariance estimate (variances regularised as Stan's, k/(k + 5) with a small ridge; for
/// MH correlations blended with the current ones, see <see cref="Observe"/>) replaces the current one; the last 10% (at
/// most 50) adapt the scale only. The proposal (MH) or inverse metric (HMC) is L·Lᵀ.
/// </summary>
internal sealed class CovarianceAdaptation
{
    private readonly int _n;
    private readonly HashSet<int> _ends = [];
    private readonly int _first;
    private readonly double[] _mean, _m2, _delta, _candidate, _current;
    private readonly bool _cumulative;
    private int _count;
    private bool _firstWindowDone;

    /// <param name="n">The dimension.</param>
    /// <param name="warmup">The warm-up length, which sets the windows.</param>
    /// <param name="initial">The initial covariance, or null for <paramref name="scale"/>²·I.</param>
    /// <param name="scale">The initial standard deviation per coordinate.</param>
    /// <param name="adapt">False keeps the initial covariance.</param>
    /// <param name="cumulative">
    /// Keep accumulating over the windows after the first (Haario's running estimate) instead of starting each window
    /// afresh (Stan's): a random walk's draws are too correlated for a fresh estimate from one window in many dimensions.
    /// </param>
    public CovarianceAdaptation(int n, int warmup, double[,]? initial, double scale, bool adapt, bool cumulative = false)
    {
        _cumulative = cumulative;
        _n = n;
        L = new double[n * n];
        _mean = new double[n];
        _delta = new double[n];
        _m2 = new double[n * n];
        _candidate = new double[n * n];
        _current = new double[n * n];
        if (initial is null)
            for (int i = 0; i < n; i++)
            {
                L[i * n + i] = scale;
                _current[i * n + i] = scale * scale;
            }
        else
        {
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) _candidate[i * n + j] = initial[i, j];
            if (!Cholesky(_candidate, L, n))
                throw new ArgumentException("The initial covariance is not symmetric positive definite.", nameof(initial));
            _candidate.CopyTo(_current, 0);
        }
        if (!adapt || warmup < 20) { _first = int.MaxValue; return; }
        int init, term, window;
        if (warmup >= 150) (init, term, window) = (75, 50, 25);
        else (init, term, window) = ((int)(0.15 * warmup), (int)(0.1 * warmup), warmup - (int)(0.15 * warmup) - (int)(0.1 * warmup));
        _first = init;
        int end = warmup - term, startOfWindow = init;
        while (startOfWindow + window <= end)
        {
            int next = startOfWindow + window;
            if (next + 2 * window > end) next = end;   // the last window runs to the term buffer
            _ends.Add(next - 1);
            startOfWindow = next;
            window *= 2;
        }
    }

    /// <summary>The lower Cholesky factor (row-major n×n) of the current covariance.</summary>
    public double[] L { get; }

    /// <summary>Records the warm-up draw of iteration <paramref name="iteration"/>; true when the covariance was just replaced.</summary>
    public bool Observe(int iteration, ReadOnlySpan<double> x)
    {
        if (iteration < _first) return false;
        int n = _n;
        _count++;
        for (int i = 0; i < n; i++)
        {
            _delta[i] = x[i] - _mean[i];
            _mean[i] += _delta[i] / _count;
        }
        for (int i = 0; i < n; i++)
        {
            double after = x[i] - _mean[i];
            for (int j = 0; j <= i; j++) _m2[i * n + j] += after * _delta[j];
        }
        if (!_ends.Contains(iteration)) return false;
        bool replaced = false;
        if (_count >= 3)
        {
            double k = _count, shrink = k / (k + 5), ridge = 1e-3 * 5 / (k + 5);
            // A random walk's k draws are worth about 0.3·k/n independent ones, and a correlation matrix needs some 5n of
            // them: the cumulative (MH) estimate's correlations are blended with the current ones by a = k/(k + 15n²),
            // while its variances, which need far fewer draws, are taken as they are. Without the blend a poor early
            // estimate in ten or more dimensions starves the directions it underrates and never recovers.
            double a = _cumulative ? k / (k + 15.0 * n * n) : 1;
            bool ok = true;
            for (int i = 0; i < n && ok; i++)
            {
                double d = _m2[i * n + i] / (k - 1);
                if (!(d > 0) || !double.IsFinite(d)) ok = false;   // a coordinate that never moved: keep the current shape
                _delta[i] = Math.Sqrt(shrink * d);   // the new standard deviations
            }
            for (int i = 0; i < n && ok; i++)
                for (int j = 0; j <= i; j++)
                {
                    double c;
                    if (i == j) c = _delta[i] * _delta[i] + ridge * _m2[i * n + i] / (k - 1);
                    else
                    {
                        double estimated = _m2[i * n + j] / Math.Sqrt(_m2[i * n + i] * _m2[j * n + j]);
                        double current = _current[i * n + j] / Math.Sqrt(_current[i * n + i] * _current[j * n + j]);
                        c = (a * estimated + (1 - a) * current) * _delta[i] * _delta[j];
                    }
                    _candidate[i * n + j] = _candidate[j * n + i] = c;
                }
            if (ok)
            {
                var factor = new double[n * n];
                if (Cholesky(_candidate, factor, n))
                {
                    factor.CopyTo(L, 0);
                    _candidate.CopyTo(_current, 0);
                    replaced = true;
                }
            }
        }
        if (!_cumulative || !_firstWindowDone)
        {
            // The first window's draws include the approach from the start; they never enter a later estimate.
            _count = 0;
            Array.Clear(_mean);
            Array.Clear(_m2);
        }
        _firstWindowDone = true;
        return replaced;
    }

    /// <summary>y = x + s·L·z.</summary>
    public void Step(ReadOnlySpan<double> x, double s, ReadOnlySpan<double> z, Span<double> y)
    {
        int n = _n;
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j <= i; j++) sum += L[i * n + j] * z[j];
            y[i] = x[i] + s * sum;
        }
    }

    /// <summary>p = p − s·Lᵀ·g (the momentum update of HMC in the whitened coordinates).</summary>
    public void Kick(Span<double> p, double s, ReadOnlySpan<double> g)
    {
        int n = _n;
        for (int j = 0; j < n; j++)
        {
            double sum = 0;
            for (int i = j; i < n; i++) sum += L[i * n + j] * g[i];
            p[j] -= s * sum;
        }
    }

    /// <summary>Lower Cholesky factor of the symmetric n×n <paramref name="a"/> into <paramref name="l"/>; false unless positive definite.</summary>
    internal static bool Cholesky(ReadOnlySpan<double> a, Span<double> l, int n)
    {
        l.Clear();
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i; j++)
                if (Math.Abs(a[i * n + j] - a[j * n + i]) > 1e-10 * Math.Max(Math.Abs(a[i * n + j]), Math.Sqrt(Math.Abs(a[i * n + i] * a[j * n + j]))))
                    return false;
            for (int j = 0; j <= i; j++)
            {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
                if (i == j)
                {
                    if (!(s > 0) || !double.IsFinite(s)) return false;
                    l[i * n + i] = Math.Sqrt(s);
                }
                else l[i * n + j] = s / l[j * n + j];
            }
        }
        return true;
    }
}
