using System.Globalization;
using Optima.Problems;
using Optima.Problems.Data;

namespace Optima.Solvers.Sampling;

/// <summary>
/// A Markov-chain Monte Carlo sampler of the density π(x) ∝ exp(−U(x)), given U as an objective (the negative log
/// density, up to a constant): the minimisers' problem interfaces are the samplers' targets.
/// </summary>
/// <typeparam name="TTarget">What the sampler needs: values (<see cref="IObjective"/>) or gradients too (<see cref="IGradientObjective"/>).</typeparam>
public interface ISampler<in TTarget> where TTarget : IObjective
{
    /// <summary>The method's registry name ("mh", "hmc").</summary>
    string Name { get; }

    /// <summary>Draws <see cref="SamplerOptions.Chains"/> chains of <see cref="SamplerOptions.Samples"/> draws from exp(−U).</summary>
    /// <param name="target">U, the negative log density (up to a constant). NaN or −∞ at a proposal rejects it (counted); +∞ is density 0.</param>
    /// <param name="start">Where the chains start (see <see cref="SamplerOptions.ChainStarts"/>); U must be finite there.</param>
    /// <param name="options">Chains, draws, warm-up, seed, threads (default <see cref="SamplerOptions"/>()).</param>
    /// <exception cref="ArgumentException">Bad sizes, a non-finite start or density there, invalid options or settings.</exception>
    SamplingResult Sample(TTarget target, ReadOnlySpan<double> start, SamplerOptions? options = null);
}

/// <summary>
/// Random-walk Metropolis–Hastings with an adaptive Gaussian proposal: y = x + λ·L·z, z ~ N(0, I), accepted with
/// probability min(1, π(y)/π(x)). During the warm-up the proposal's shape LLᵀ adapts to the chain's covariance (Haario,
/// Saksman and Tamminen, "An adaptive Metropolis algorithm", Bernoulli 7(2), 2001; in windows, as Stan adapts its
/// metric) and its scale λ by Robbins–Monro towards <see cref="TargetAcceptance"/> (Andrieu and Thoms, "A tutorial on
/// adaptive MCMC", Stat. Comput. 18, 2008: λ starts at 2.38/√n, Roberts–Gelman–Gilks' optimum); after the warm-up both
/// are frozen, so the kept draws come from a fixed reversible kernel with π as its stationary law.
/// </summary>
/// <remarks>
/// Costs one target value per draw. Efficient up to some tens of dimensions for smooth unimodal targets (its ESS per
/// evaluation falls like 1/n); <see cref="HamiltonianMonteCarlo"/> uses gradients and scales much better.
/// </remarks>
public sealed record MetropolisHastings : ISampler<IObjective>
{
    /// <inheritdoc/>
    public string Name => "mh";

    /// <summary>The proposal's standard deviation per coordinate before adaptation, divided by 2.38/√n. Default 1. Must be &gt; 0.</summary>
    public double InitialScale { get; init; } = 1;

    /// <summary>
    /// An initial proposal shape (n×n, symmetric positive definite), e.g. a fit's covariance; then the first proposal is
    /// (2.38/√n)·L·z with LLᵀ this matrix. Null (default): <see cref="InitialScale"/>²·I.
    /// </summary>
    public double[,]? InitialCovariance { get; init; }

    /// <summary>
    /// The acceptance rate the scale adapts to; null (default) = 0.234 + 0.206/n: 0.44 in one dimension, about 0.34 in
    /// two, tending to 0.234 (the optima of Roberts, Gelman and Gilks 1997 and Roberts and Rosenthal 2001, interpolated).
    /// </summary>
    public double? TargetAcceptance { get; init; }

    /// <summary>Adapt the proposal's covariance during the warm-up (Haario); false keeps the initial shape and adapts λ only. Default true.</summary>
    public bool AdaptCovariance { get; init; } = true;

    /// <inheritdoc/>
    public SamplingResult Sample(IObjective target, ReadOnlySpan<double> start, SamplerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!(InitialScale > 0) || double.IsInfinity(InitialScale))
            throw new ArgumentOutOfRangeException(nameof(InitialScale), InitialScale,
                $"The proposal scale InitialScale must be a finite number > 0, not {InitialScale.ToString(CultureInfo.InvariantCulture)}.");
        int n = target.Dimension;
        Checks.Covariance(InitialCovariance, n);
        double accept = TargetAcceptance ?? 0.234 + 0.206 / n;
        if (!(accept > 0 && accept < 1)) throw new ArgumentOutOfRangeException(nameof(TargetAcceptance), TargetAcceptance, "TargetAcceptance must lie in (0, 1).");
        int warmup = (options ?? new SamplerOptions()).Warmup;
        return ChainRunner.Run(Name, target, start, options,
            (x, _) => new Kernel(target, x, new CovarianceAdaptation(n, warmup, InitialCovariance, InitialScale, AdaptCovariance, cumulative: true), accept),
            gradients: false);
    }

    private sealed class Kernel : ChainKernel
    {
        private readonly IObjective _target;
        private readonly CovarianceAdaptation _proposal;
        private readonly double _goal, _logScale0;
        private readonly double[] _z, _y;
        private double _logScale;
        private int _sinceReset;

        public Kernel(IObjective target, double[] start, CovarianceAdaptation proposal, double goal) : base(start)
        {
            _target = target;
            _proposal = proposal;
            _goal = goal;
            int n = start.Length;
            _z = new double[n];
            _y = new double[n];
            _logScale = _logScale0 = Math.Log(2.38 / Math.Sqrt(n));
            U = target.Value(start);
            Evaluations = 1;
        }

        public override double Scale => Math.Exp(_logScale);

        public override double Transition(Xoshiro256StarStar rng, int iteration, bool warmup)
        {
            for (int i = 0; i < _z.Length; i++) _z[i] = rng.NextGaussian();
            _proposal.Step(X, Math.Exp(_logScale), _z, _y);
            double uy = _target.Value(_y);
            Evaluations++;
            double alpha;
            if (IsNonFinite(uy))
            {
                NonFinite++;
                alpha = 0;
            }
            else alpha = uy <= U ? 1 : Math.Exp(U - uy);   // uy = +∞ gives 0
            bool accepted = rng.NextDouble() < alpha;
            if (accepted)
            {
                _y.CopyTo(X, 0);
                U = uy;
            }
            if (warmup)
            {
                // Robbins–Monro on log λ with gain (t+1)^−0.6, restarted whenever the covariance is replaced.
                _sinceReset++;
                _logScale += Math.Pow(_sinceReset, -0.6) * (alpha - _goal);
                if (_proposal.Observe(iteration, X))
                {
                    _logScale = _logScale0;
                    _sinceReset = 0;
                }
            }
            return accepted ? 1 : 0;
        }

        public override void EndWarmup() { }
    }
}

/// <summary>Argument checks shared by the samplers.</summary>
internal static class Checks
{
    public static void Covariance(double[,]? covariance, int n)
    {
        if (covariance is null) return;
        if (covariance.GetLength(0) != n || covariance.GetLength(1) != n)
            throw new ArgumentException($"InitialCovariance is {covariance.GetLength(0)}×{covariance.GetLength(1)} but the target has dimension {n}.", nameof(covariance));
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) a[i * n + j] = covariance[i, j];
        if (!CovarianceAdaptation.Cholesky(a, new double[n * n], n))
            throw new ArgumentException("InitialCovariance is not symmetric positive definite (finite entries, a Cholesky factor).", nameof(covariance));
    }
}
