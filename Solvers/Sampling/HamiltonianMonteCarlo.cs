using System.Globalization;
using Optima.Problems;
using Optima.Problems.Data;

namespace Optima.Solvers.Sampling;

/// <summary>
/// Hamiltonian Monte Carlo with exact gradients (Duane et al. 1987; Neal, "MCMC using Hamiltonian dynamics", Handbook of
/// MCMC, 2011): a momentum p ~ N(0, I) is drawn, the leapfrog integrator follows H(x, p) = U(x) + ½|p|² for
/// ⌈T/ε⌉ steps in the coordinates whitened by the adapted metric (x = L·w, LLᵀ the inverse mass matrix, a dense metric
/// as Stan's <c>dense_e</c>), and the end point is accepted with probability min(1, exp(H₀ − H₁)).
/// </summary>
/// <remarks>
/// <para>Warm-up, as Stan's: the step size ε adapts by dual averaging (Hoffman and Gelman, "The No-U-Turn Sampler",
/// JMLR 15, 2014, §3.2; γ = 0.05, t₀ = 10, κ = 0.75) towards <see cref="TargetAcceptance"/>, and the metric LLᵀ is the
/// chain's covariance, re-estimated in doubling windows (<see cref="AdaptMetric"/>); ε restarts from a fresh heuristic
/// guess (Hoffman and Gelman, Algorithm 4) after each metric update. After the warm-up ε is the dual-averaging mean and
/// both are frozen; each transition then uses ε·U(0.9, 1.1) (jitter against periodic trajectories).</para>
/// <para>Each leapfrog step costs one value-and-gradient evaluation. The gradients come from the toolkit's problem
/// interfaces: expressions (<c>ExpressionObjective</c>), forward-mode autodiff, or user code. A NaN or −∞ value or a
/// non-finite gradient inside a trajectory rejects it (counted in <see cref="SamplingResult.NonFiniteProposals"/>).</para>
/// </remarks>
public sealed record HamiltonianMonteCarlo : ISampler<IGradientObjective>
{
    /// <inheritdoc/>
    public string Name => "hmc";

    /// <summary>The mean acceptance probability the step size adapts to. Default 0.8 (Stan's default).</summary>
    public double TargetAcceptance { get; init; } = 0.8;

    /// <summary>
    /// The trajectory's length T in whitened units (the number of leapfrog steps is ⌈T/ε⌉): π/2 (default) is a quarter
    /// period of a standard normal, the length after which a Gaussian's position decorrelates.
    /// </summary>
    public double IntegrationTime { get; init; } = Math.PI / 2;

    /// <summary>At most this many leapfrog steps per transition (a cap for tiny step sizes). Default 256.</summary>
    public int MaxLeapfrogSteps { get; init; } = 256;

    /// <summary>A fixed step size ε (no adaptation of ε), or null (default): adapted during the warm-up.</summary>
    public double? StepSize { get; init; }

    /// <summary>The initial metric's scale: the inverse mass matrix starts as <see cref="InitialScale"/>²·I. Default 1. Must be &gt; 0.</summary>
    public double InitialScale { get; init; } = 1;

    /// <summary>An initial inverse mass matrix (n×n SPD), e.g. a fit's covariance. Null (default): <see cref="InitialScale"/>²·I.</summary>
    public double[,]? InitialCovariance { get; init; }

    /// <summary>Re-estimate the (dense) metric from the warm-up draws. Default true.</summary>
    public bool AdaptMetric { get; init; } = true;

    /// <inheritdoc/>
    public SamplingResult Sample(IGradientObjective target, ReadOnlySpan<double> start, SamplerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        var ci = CultureInfo.InvariantCulture;
        if (!(InitialScale > 0) || double.IsInfinity(InitialScale))
            throw new ArgumentOutOfRangeException(nameof(InitialScale), InitialScale, string.Create(ci, $"InitialScale must be a finite number > 0, not {InitialScale}."));
        if (StepSize is { } e && !(e > 0 && double.IsFinite(e)))
            throw new ArgumentOutOfRangeException(nameof(StepSize), e, string.Create(ci, $"The step size must be a finite number > 0, not {e}."));
        if (!(TargetAcceptance > 0 && TargetAcceptance < 1))
            throw new ArgumentOutOfRangeException(nameof(TargetAcceptance), TargetAcceptance, "TargetAcceptance must lie in (0, 1).");
        if (!(IntegrationTime > 0) || double.IsInfinity(IntegrationTime))
            throw new ArgumentOutOfRangeException(nameof(IntegrationTime), IntegrationTime, "IntegrationTime must be a finite number > 0.");
        if (MaxLeapfrogSteps < 1) throw new ArgumentOutOfRangeException(nameof(MaxLeapfrogSteps), MaxLeapfrogSteps, "MaxLeapfrogSteps must be at least 1.");
        int n = target.Dimension;
        Checks.Covariance(InitialCovariance, n);
        int warmup = (options ?? new SamplerOptions()).Warmup;
        return ChainRunner.Run(Name, target, start, options,
            (x, rng) => new Kernel(this, target, x, new CovarianceAdaptation(n, warmup, InitialCovariance, InitialScale, AdaptMetric), rng),
            gradients: true);
    }

    private sealed class Kernel : ChainKernel
    {
        private const double Gamma = 0.05, T0 = 10, Kappa = 0.75;
        private readonly HamiltonianMonteCarlo _m;
        private readonly IGradientObjective _target;
        private readonly CovarianceAdaptation _metric;
        private readonly double[] _g, _p, _xNew, _gNew;
        private double _epsilon, _uNew;
        // Dual averaging state.
        private double _mu, _hBar, _logEpsilonBar;
        private int _t;

        public Kernel(HamiltonianMonteCarlo m, IGradientObjective target, double[] start, CovarianceAdaptation metric, Xoshiro256StarStar rng) : base(start)
        {
            _m = m;
            _target = target;
            _metric = metric;
            int n = start.Length;
            _g = new double[n];
            _p = new double[n];
            _xNew = new double[n];
            _gNew = new double[n];
            U = target.ValueAndGradient(start, _g);
            Evaluations = 1;
            _epsilon = m.StepSize ?? ReasonableStepSize(rng);
            RestartDualAveraging();
        }

        public override double Scale => _epsilon;

        private void RestartDualAveraging()
        {
            _mu = Math.Log(10 * _epsilon);
            _hBar = 0;
            _logEpsilonBar = 0;
            _t = 0;
        }

        /// <summary>Hoffman and Gelman's Algorithm 4: double or halve ε from 1 until one leapfrog step's acceptance crosses ½.</summary>
        private double ReasonableStepSize(Xoshiro256StarStar rng)
        {
            double epsilon = 1;
            for (int i = 0; i < _p.Length; i++) _p[i] = rng.NextGaussian();
            double h0 = U + 0.5 * SquaredNorm(_p);
            var p0 = (double[])_p.Clone();
            double LogAcceptance(double eps)
            {
                p0.CopyTo(_p, 0);
                double h1 = Leapfrog(eps, 1, out bool failed);
                return failed ? double.NegativeInfinity : h0 - h1;
            }
            double a = LogAcceptance(epsilon);
            int direction = a > Math.Log(0.5) ? 1 : -1;
            for (int k = 0; k < 60; k++)
            {
                if (direction == 1 ? !(a > Math.Log(0.5)) : a > Math.Log(0.5)) break;
                epsilon = direction == 1 ? 2 * epsilon : 0.5 * epsilon;
                a = LogAcceptance(epsilon);
            }
            return epsilon;
        }

        private static double SquaredNorm(ReadOnlySpan<double> v)
        {
            double s = 0;
            foreach (double x in v) s += x * x;
            return s;
        }

        /// <summary>
        /// <paramref name="steps"/> leapfrog steps of size <paramref name="eps"/> from (X, _p) into (_xNew, _p), with U and
        /// ∇U at the end in the return value and _gNew; <paramref name="failed"/> when a value or gradient is not usable.
        /// </summary>
        private double Leapfrog(double eps, int steps, out bool failed)
        {
            X.CopyTo(_xNew, 0);
            _g.CopyTo(_gNew, 0);
            double u = U;
            failed = false;
            _metric.Kick(_p, 0.5 * eps, _gNew);
            for (int s = 1; s <= steps; s++)
            {
                _metric.Step(_xNew, eps, _p, _xNew);
                u = _target.ValueAndGradient(_xNew, _gNew);
                Evaluations++;
                if (!double.IsFinite(u) || !AllFinite(_gNew))
                {
                    if (IsNonFinite(u) || double.IsFinite(u)) NonFinite++;   // +∞ (density 0) is a plain rejection
                    failed = true;
                    return double.PositiveInfinity;
                }
                _metric.Kick(_p, s == steps ? 0.5 * eps : eps, _gNew);
            }
            _uNew = u;
            return u + 0.5 * SquaredNorm(_p);
        }

        private static bool AllFinite(ReadOnlySpan<double> v)
        {
            foreach (double x in v)
                if (!double.IsFinite(x)) return false;
            return true;
        }

        public override double Transition(Xoshiro256StarStar rng, int iteration, bool warmup)
        {
            for (int i = 0; i < _p.Length; i++) _p[i] = rng.NextGaussian();
            double h0 = U + 0.5 * SquaredNorm(_p);
            double eps = _epsilon * (0.9 + 0.2 * rng.NextDouble());
            int steps = (int)Math.Clamp(Math.Ceiling(_m.IntegrationTime / _epsilon), 1, _m.MaxLeapfrogSteps);
            double h1 = Leapfrog(eps, steps, out bool failed);
            double alpha = failed || double.IsNaN(h1) ? 0 : h1 <= h0 ? 1 : Math.Exp(h0 - h1);
            if (rng.NextDouble() < alpha)
            {
                _xNew.CopyTo(X, 0);
                _gNew.CopyTo(_g, 0);
                U = _uNew;
            }
            if (warmup)
            {
                if (_m.StepSize is null)
                {
                    _t++;
                    double w = 1.0 / (_t + T0);
                    _hBar = (1 - w) * _hBar + w * (_m.TargetAcceptance - alpha);
                    double logEpsilon = _mu - Math.Sqrt(_t) / Gamma * _hBar;
                    double eta = Math.Pow(_t, -Kappa);
                    _logEpsilonBar = eta * logEpsilon + (1 - eta) * _logEpsilonBar;
                    _epsilon = Math.Exp(logEpsilon);
                }
                if (_metric.Observe(iteration, X) && _m.StepSize is null)
                {
                    _epsilon = ReasonableStepSize(rng);
                    RestartDualAveraging();
                }
            }
            return alpha;
        }

        public override void EndWarmup()
        {
            if (_m.StepSize is null && _t > 0) _epsilon = Math.Exp(_logEpsilonBar);
        }
    }
}
