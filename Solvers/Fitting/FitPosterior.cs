using System.Globalization;
using System.Text;
using Optima.LinearAlgebra;
using Optima.Problems;
using Optima.Problems.Data;
using Optima.Solvers.Sampling;

namespace Optima.Solvers.Fitting;

/// <summary>Which sampler explores a fit's posterior (<see cref="FitResult.Posterior"/>).</summary>
public enum PosteriorSampler
{
    /// <summary>Adaptive random-walk Metropolis–Hastings (<see cref="MetropolisHastings"/>), value-only as lmfit's emcee.</summary>
    MetropolisHastings,

    /// <summary>Hamiltonian Monte Carlo (<see cref="HamiltonianMonteCarlo"/>) with the model's exact Jacobian.</summary>
    Hmc,
}

/// <summary>One parameter's posterior summary beside its covariance-based estimate.</summary>
/// <param name="Name">The parameter.</param>
/// <param name="Estimate">The least-squares value.</param>
/// <param name="StandardError">The covariance-based standard error.</param>
/// <param name="Mean">The posterior mean.</param>
/// <param name="StandardDeviation">The posterior standard deviation.</param>
/// <param name="Median">The posterior median.</param>
/// <param name="Lower">The equal-tailed credible interval's lower end ((1 − level)/2 quantile).</param>
/// <param name="Upper">Its upper end ((1 + level)/2 quantile).</param>
/// <param name="EffectiveSampleSize">ESS of the mean (NaN for a fixed parameter).</param>
/// <param name="Rhat">Rank-normalised split-R̂ (NaN for a fixed parameter).</param>
/// <param name="IsFixed">Held fixed in the fit (then not sampled: every value is the estimate).</param>
public sealed record PosteriorParameter(string Name, double Estimate, double StandardError, double Mean, double StandardDeviation,
    double Median, double Lower, double Upper, double EffectiveSampleSize, double Rhat, bool IsFixed);

/// <summary>
/// The posterior of a curve fit's parameters (<see cref="FitResult.Posterior"/>): means, standard deviations and credible
/// intervals from MCMC draws, beside the covariance-based standard errors and confidence intervals.
/// </summary>
/// <remarks>
/// The model is lmfit's <c>Minimizer.emcee</c> one: Gaussian errors yᵢ ~ N(f(xᵢ; θ), (s·σᵢ)²) (σᵢ = 1 without σ or
/// weights; with weights, σᵢ = 1/√Wᵢ), flat priors on the free parameters within the fit's bounds, and
/// <list type="bullet">
/// <item>without <see cref="FitOptions.AbsoluteSigma"/>: the noise scale s is sampled as a nuisance parameter log s with a
/// flat prior (Jeffreys' 1/s; lmfit's <c>__lnsigma</c>). For a linear model the marginal posterior of θ is then a
/// Student t with ν = n − p: mean θ̂, covariance ν/(ν − 2)·(the fit's covariance) — the "σ-estimation effect";</item>
/// <item>with <see cref="FitOptions.AbsoluteSigma"/>: s = 1 (the σᵢ are the errors), and for a linear model the posterior is
/// N(θ̂, the fit's covariance).</item>
/// </list>
/// Chains start at draws from N(θ̂, covariance) inside the bounds, and the proposal (MH) or metric (HMC) starts from the
/// fit's covariance, then adapts during the warm-up.
/// </remarks>
public sealed class FitPosterior
{
    /// <summary>Every parameter of the fit, in order.</summary>
    public required PosteriorParameter[] Parameters { get; init; }

    /// <summary>The credible level of <see cref="PosteriorParameter.Lower"/>/<see cref="PosteriorParameter.Upper"/>.</summary>
    public required double Level { get; init; }

    /// <summary>True when the noise scale s was sampled (fits without <see cref="FitOptions.AbsoluteSigma"/>).</summary>
    public required bool SigmaSampled { get; init; }

    /// <summary>
    /// The noise scale's posterior mean (unweighted fit: the residual standard deviation; with σ or weights: the factor
    /// on them), and its credible interval; 1 when not sampled.
    /// </summary>
    public required (double Mean, double Lower, double Upper) Sigma { get; init; }

    /// <summary>
    /// The draws: variables are the free parameters in order (<see cref="SampledNames"/>), then log s when
    /// <see cref="SigmaSampled"/>.
    /// </summary>
    public required SamplingResult Sampling { get; init; }

    /// <summary>The names of <see cref="Sampling"/>'s variables.</summary>
    public required IReadOnlyList<string> SampledNames { get; init; }

    /// <summary>A table: per parameter the estimate and standard error, then posterior mean, sd and credible interval, ESS and R̂.</summary>
    public string Report()
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        string pct = (Level * 100).ToString("G4", ci) + "%";
        sb.AppendLine(string.Create(ci, $"posterior ({Sampling.Method}, {Sampling.Chains} chains × {Sampling.Draws} draws after {Sampling.Warmup} warm-up; flat priors within the bounds; {(SigmaSampled ? "noise scale sampled (flat in log s)" : "σ taken as absolute")}):"));
        sb.AppendLine($"  parameter          estimate         std error        post. mean       post. sd         {pct} credible interval               ESS      R̂");
        foreach (var p in Parameters)
        {
            if (p.IsFixed) { sb.AppendLine(string.Create(ci, $"  {p.Name,-18} {p.Estimate,-16:G9} (fixed)")); continue; }
            string head = string.Create(ci, $"  {p.Name,-18} {p.Estimate,-16:G9} {p.StandardError,-16:G6} {p.Mean,-16:G9} {p.StandardDeviation,-16:G6} [{p.Lower:G8}, {p.Upper:G8}]");
            sb.AppendLine(head.PadRight(124) + string.Create(ci, $" {p.EffectiveSampleSize,-8:F0} {p.Rhat:F4}"));
        }
        if (SigmaSampled) sb.AppendLine(string.Create(ci, $"  noise scale s      mean {Sigma.Mean:G6}, {pct} interval [{Sigma.Lower:G6}, {Sigma.Upper:G6}]"));
        sb.AppendLine(string.Create(ci, $"  acceptance {Sampling.AcceptanceRate:F3}, evaluations {Sampling.Evaluations}, {Sampling.Reason}{(Sampling.Message is null ? "" : ": " + Sampling.Message)}"));
        return sb.ToString();
    }

    /// <summary>Samples the posterior of <paramref name="fit"/> (see <see cref="FitResult.Posterior"/>).</summary>
    internal static FitPosterior Sample(FitResult fit, FitSetup setup, SamplerOptions? options, PosteriorSampler method, double level)
    {
        if (!(level > 0 && level < 1)) throw new ArgumentException($"The credible level must lie in (0, 1), not {level}.", nameof(level));
        if (setup.Options.Loss.Kind != LossKind.Linear)
            throw new ArgumentException($"The posterior assumes Gaussian errors: sample it from a least-squares fit, not one with the robust loss {setup.Options.Loss}.");
        if (!fit.IsUsable) throw new ArgumentException($"The fit did not give usable parameters ({fit.Reason}); fix the fit before sampling around it.");
        bool sampleSigma = !setup.Options.AbsoluteSigma;
        if (sampleSigma && !(fit.Cost > 0))
            throw new ArgumentException("The fit's residuals are all zero, so there is no noise level to sample; give σ with AbsoluteSigma instead.");
        if (sampleSigma && fit.DegreesOfFreedom < 1)
            throw new ArgumentException("The fit has no degrees of freedom (as many points as free parameters): with the noise scale unknown the posterior is improper.");
        options ??= new SamplerOptions();
        options.Validate();

        var free = setup.Free;
        int q = free.Length, n = q + (sampleSigma ? 1 : 0), m = setup.Y.Length;
        var target = new Target(setup, fit.Parameters, sampleSigma);
        var mode = new double[n];
        for (int k = 0; k < q; k++) mode[k] = fit.Parameters[free[k]];
        if (sampleSigma) mode[q] = 0.5 * Math.Log(fit.Cost / m);   // the conditional mode of log s at θ̂
        var covariance = StartCovariance(fit, free, sampleSigma, m);

        // Chains start at draws from N(mode, covariance) inside the bounds, from a stream of their own.
        var starts = new double[options.Chains][];
        var rng = new Xoshiro256StarStar(options.Seed ^ 0x5DEECE66DUL);
        var factor = new double[n * n];
        var flat = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) flat[i * n + j] = covariance[i, j];
        CovarianceAdaptation.Cholesky(flat, factor, n);
        for (int c = 0; c < starts.Length; c++)
        {
            starts[c] = (double[])mode.Clone();
            var z = new double[n];
            for (int attempt = 0; attempt < 100; attempt++)
            {
                for (int i = 0; i < n; i++) z[i] = rng.NextGaussian();
                var x = new double[n];
                for (int i = 0; i < n; i++)
                {
                    double s = 0;
                    for (int j = 0; j <= i; j++) s += factor[i * n + j] * z[j];
                    x[i] = mode[i] + s;
                }
                if (double.IsFinite(target.Value(x))) { starts[c] = x; break; }
            }
        }
        // Our compiled expressions are pure and may run on several threads; user code stays on one.
        var run = options with
        {
            ChainStarts = starts,
            Compute = setup.Model.IsThreadSafe ? options.Compute : ComputeOptions.Sequential,
        };
        SamplingResult sampling = method switch
        {
            PosteriorSampler.Hmc => new HamiltonianMonteCarlo { InitialCovariance = covariance }.Sample(target, mode, run),
            _ => new MetropolisHastings { InitialCovariance = covariance }.Sample(target, mode, run),
        };

        double lo = (1 - level) / 2, hi = (1 + level) / 2;
        var parameters = new PosteriorParameter[fit.Parameters.Length];
        var index = new int[fit.Parameters.Length];
        Array.Fill(index, -1);
        for (int k = 0; k < q; k++) index[free[k]] = k;
        for (int p = 0; p < parameters.Length; p++)
        {
            string name = fit.ParameterNames[p];
            double estimate = fit.Parameters[p];
            if (index[p] < 0 || sampling.Draws == 0)
            {
                bool isFixed = index[p] < 0;
                parameters[p] = new(name, estimate, fit.StandardErrors[p], isFixed ? estimate : double.NaN, isFixed ? 0 : double.NaN,
                    isFixed ? estimate : double.NaN, isFixed ? estimate : double.NaN, isFixed ? estimate : double.NaN, double.NaN, double.NaN, isFixed);
                continue;
            }
            var s = sampling.Summary[index[p]];
            parameters[p] = new(name, estimate, fit.StandardErrors[p], s.Mean, s.StandardDeviation, s.Median,
                sampling.Quantile(index[p], lo), sampling.Quantile(index[p], hi), s.EffectiveSampleSize, s.Rhat, false);
        }
        var sigma = (1.0, 1.0, 1.0);
        if (sampleSigma && sampling.Draws > 0)
        {
            var scale = sampling.Column(q).Select(Math.Exp).ToArray();
            Array.Sort(scale);
            sigma = (scale.Average(), McmcDiagnostics.Quantile(scale, lo), McmcDiagnostics.Quantile(scale, hi));
        }
        var names = free.Select(k => fit.ParameterNames[k]).ToList();
        if (sampleSigma) names.Add("log s");
        return new FitPosterior { Parameters = parameters, Level = level, SigmaSampled = sampleSigma, Sigma = sigma, Sampling = sampling, SampledNames = names };
    }

    /// <summary>
    /// The fit's covariance of the free parameters (a parameter on a bound, SE 0, gets a small variance of its own; a
    /// singular fit the diagonal of 1% steps), and 1/(2m) for log s (the inverse of ∂²U/∂(log s)² = 2m at the mode).
    /// </summary>
    private static double[,] StartCovariance(FitResult fit, int[] free, bool sampleSigma, int m)
    {
        int q = free.Length, n = q + (sampleSigma ? 1 : 0);
        var c = new double[n, n];
        bool usable = true;
        for (int a = 0; a < q; a++)
            for (int b = 0; b < q; b++)
            {
                c[a, b] = fit.Covariance[free[a], free[b]];
                if (!double.IsFinite(c[a, b])) usable = false;
            }
        for (int a = 0; a < q; a++)
            if (!(c[a, a] > 0))
            {
                for (int b = 0; b < q; b++) c[a, b] = c[b, a] = 0;
                double step = 1e-2 * Math.Max(Math.Abs(fit.Parameters[free[a]]), 1e-8);
                c[a, a] = step * step;
            }
        var flat = new double[n * n];
        for (int i = 0; i < q; i++)
            for (int j = 0; j < q; j++) flat[i * n + j] = c[i, j];
        if (sampleSigma) flat[q * n + q] = 1;
        if (!usable || !CovarianceAdaptation.Cholesky(flat, new double[n * n], n))
            for (int a = 0; a < q; a++)
                for (int b = 0; b < q; b++)
                {
                    double step = 1e-2 * Math.Max(Math.Abs(fit.Parameters[free[a]]), 1e-8);
                    c[a, b] = a == b ? step * step : 0;
                }
        if (sampleSigma) c[q, q] = 1.0 / (2 * m);
        return c;
    }

    /// <summary>
    /// U(θ, log s) = m·log s + χ²(θ)/(2s²) (or χ²(θ)/2 with s = 1), χ² = Σ (wᵢ(f(xᵢ; θ) − yᵢ))²; +∞ outside the bounds.
    /// Its gradient uses the model's Jacobian. Buffers are per thread, so chains may evaluate it at once.
    /// </summary>
    private sealed class Target(FitSetup setup, double[] estimate, bool sampleSigma) : IGradientObjective
    {
        private readonly ThreadLocal<(double[] Theta, double[] F, DenseMatrix J)> _buffers = new(() =>
            ((double[])estimate.Clone(), new double[setup.Y.Length], new DenseMatrix(setup.Y.Length, estimate.Length)));

        public int Dimension => setup.Free.Length + (sampleSigma ? 1 : 0);

        public double Value(ReadOnlySpan<double> x) => Evaluate(x, default);

        public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient) => Evaluate(x, gradient);

        private double Evaluate(ReadOnlySpan<double> x, Span<double> gradient)
        {
            var (theta, f, j) = _buffers.Value;
            var free = setup.Free;
            int q = free.Length, m = f.Length;
            for (int k = 0; k < q; k++)
            {
                theta[free[k]] = x[k];
                if (!setup.Bounds[free[k]].Contains(x[k]))
                {
                    gradient.Clear();
                    return double.PositiveInfinity;   // outside the flat prior's support: density 0
                }
            }
            bool wantGradient = !gradient.IsEmpty;
            setup.Model.Evaluate(setup.Rows, setup.Variables, theta, f, wantGradient ? j : null);
            var w = setup.ResidualWeights;
            double chi2 = 0;
            for (int i = 0; i < m; i++)
            {
                double r = (w is null ? 1 : w[i]) * (f[i] - setup.Y[i]);
                f[i] = r;
                chi2 += r * r;
            }
            double logS = sampleSigma ? x[q] : 0, inverseVariance = Math.Exp(-2 * logS);
            if (wantGradient)
            {
                // ∂U/∂θₖ = Σᵢ rᵢ·wᵢ·∂fᵢ/∂θₖ / s²; ∂U/∂log s = m − χ²/s².
                var data = j.AsSpan();
                for (int k = 0; k < q; k++)
                {
                    var column = data.Slice(free[k] * m, m);
                    double g = 0;
                    for (int i = 0; i < m; i++) g += f[i] * (w is null ? 1 : w[i]) * column[i];
                    gradient[k] = g * inverseVariance;
                }
                if (sampleSigma) gradient[q] = m - chi2 * inverseVariance;
            }
            return (sampleSigma ? m * logS : 0) + 0.5 * chi2 * inverseVariance;
        }
    }
}
