using FsCheck;
using FsCheck.Fluent;
using Optima.Problems;
using Optima.Problems.Expressions;
using Optima.Solvers.Sampling;
using Xunit;

namespace Optima.Tests.Sampling;

public class SamplerTests
{
    // Random-walk MH's ESS per draw is about 0.3/n (Roberts, Gelman and Gilks 1997): 4 × 2500 draws give ESS ≳ 300 in 4-D.
    private static readonly SamplerOptions Short = new() { Chains = 4, Warmup = 1000, Samples = 2500 };

    /// <summary>
    /// The draws' estimate of E h(x) agrees with <paramref name="expected"/> within <paramref name="k"/> Monte-Carlo
    /// standard errors sd(h)/√ESS(h), with ESS of the series h itself; the ESS must be at least
    /// <paramref name="minEss"/>, so a chain that barely moved cannot pass by having a huge error bar.
    /// </summary>
    internal static void AgreesWithinMcError(SamplingResult r, Func<double[], double> h, double expected, string what, double k = 5, double minEss = 100)
    {
        int n = r.Dimension;
        var chains = r.Samples.Select(s =>
        {
            var series = new double[r.Draws];
            for (int i = 0; i < r.Draws; i++) series[i] = h(s[(i * n)..((i + 1) * n)]);
            return series;
        }).ToArray();
        var all = chains.SelectMany(c => c).ToArray();
        double mean = all.Average();
        double sd = Math.Sqrt(all.Sum(v => (v - mean) * (v - mean)) / (all.Length - 1));
        double ess = McmcDiagnostics.EffectiveSampleSize(chains);
        double mcse = sd / Math.Sqrt(ess);
        Assert.True(ess >= minEss, $"{r.Method} {what}: ESS {ess:F0} < {minEss}");
        Assert.True(Math.Abs(mean - expected) <= k * mcse,
            $"{r.Method} {what}: estimate {mean:G6} vs {expected:G6}, |error| = {Math.Abs(mean - expected):G3} > {k}·MCSE = {k * mcse:G3} (ESS {ess:F0})");
    }

    private static IEnumerable<(string Name, Func<IGradientObjective, double[], SamplerOptions, SamplingResult> Run)> Samplers() =>
    [
        ("mh", (t, x0, o) => new MetropolisHastings().Sample(t, x0, o)),
        ("hmc", (t, x0, o) => new HamiltonianMonteCarlo().Sample(t, x0, o)),
    ];

    /// <summary>Property over seeds and random correlated Gaussians in 2–4 dimensions: means, variances and covariances within 5 MC standard errors.</summary>
    [Fact]
    public void Correlated_Gaussian_moments_agree_within_Monte_Carlo_error()
    {
        var gen = from n in Gen.Choose(2, 4)
                  from b in Gen.ArrayOf(TestSupport.Uniform(-1, 1), 16)
                  from mu in Gen.ArrayOf(TestSupport.Uniform(-3, 3), 4)
                  from seed in Gen.Choose(1, int.MaxValue)
                  select (n, b, mu, seed);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (n, b, mu, seed) = t;
            var target = new GaussianTarget(mu[..n], GaussianTarget.CovarianceFrom(b, n));
            foreach (var (name, run) in Samplers())
            {
                var r = run(target, new double[n], Short with { Seed = (ulong)seed });
                Assert.Equal(TerminationReason.Completed, r.Reason);
                for (int i = 0; i < n; i++)
                {
                    int a = i;
                    AgreesWithinMcError(r, x => x[a], target.Mean[a], $"mean x{a}");
                    for (int j = 0; j <= i; j++)
                    {
                        int c = j;
                        AgreesWithinMcError(r, x => (x[a] - target.Mean[a]) * (x[c] - target.Mean[c]), target.Covariance[a, c], $"cov[{a},{c}]");
                    }
                }
            }
        }).Check(TestSupport.Quick(4));
    }

    /// <summary>Property over seeds and curvatures: the banana's means and variances within 5 MC standard errors.</summary>
    [Fact]
    public void Banana_moments_agree_within_Monte_Carlo_error()
    {
        // Up to b = 0.6: Var x₂ = 0.25 + 2b² is then 3 times the conditional variance, a curved but not pathological banana.
        var gen = from b in TestSupport.Uniform(0.1, 0.6)
                  from seed in Gen.Choose(1, int.MaxValue)
                  select (b, seed);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (b, seed) = t;
            var target = new BananaTarget(1.0, 0.5, b);
            foreach (var (name, run) in Samplers())
            {
                var r = run(target, [0.0, 0.0], Short with { Seed = (ulong)seed, Samples = 3000 });
                for (int i = 0; i < 2; i++)
                {
                    int a = i;
                    AgreesWithinMcError(r, x => x[a], target.Mean[a], $"banana b={b:F2} mean x{a}");
                    AgreesWithinMcError(r, x => (x[a] - target.Mean[a]) * (x[a] - target.Mean[a]), target.Variance[a], $"banana b={b:F2} var x{a}", minEss: 50);
                }
            }
        }).Check(TestSupport.Quick(4));
    }

    /// <summary>Property over seeds and weights: a two-component mixture's mean within 5 MC standard errors.</summary>
    [Fact]
    public void Mixture_mean_agrees_within_Monte_Carlo_error()
    {
        var gen = from w in TestSupport.Uniform(0.2, 0.8)
                  from seed in Gen.Choose(1, int.MaxValue)
                  select (w, seed);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (w, seed) = t;
            var target = new MixtureTarget(2, w, -1.5, 0.8, 1.5, 1.0);
            foreach (var (name, run) in Samplers())
            {
                var r = run(target, [0.0, 0.0], Short with { Seed = (ulong)seed, Samples = 3000 });
                AgreesWithinMcError(r, x => x[0], target.Mean, $"mixture w={w:F2} mean");
                Assert.Equal(0, r.NonFiniteProposals);
            }
        }).Check(TestSupport.Quick(4));
    }

    [Fact]
    public void Rhat_is_near_one_on_a_well_mixed_target_and_large_on_a_bad_setup()
    {
        var good = new GaussianTarget([1, -2, 0.5], GaussianTarget.CovarianceFrom([0.5, 0.2, 0, 0.1, 0.8, 0.3, 0, 0.2, 0.6], 3));
        foreach (var (name, run) in Samplers())
        {
            // R̂ < 1.01 needs a bulk and tail ESS of several hundred per chain (Vehtari et al. 2021): MH in 3-D gets ~0.08 per draw.
            var r = run(good, [0.0, 0.0, 0.0], new SamplerOptions { Chains = 4, Warmup = 1000, Samples = 5000, Seed = 7 });
            Assert.True(r.MaxRhat < 1.01, $"{name}: R̂ = {r.MaxRhat} on a Gaussian");
            Assert.Null(r.Message);
        }

        // Two modes 20 standard deviations apart; two chains start in each, with small steps they never cross.
        var twoModes = new MixtureTarget(1, 0.5, -10, 1, 10, 1);
        var options = new SamplerOptions { Chains = 4, Warmup = 200, Samples = 500, Seed = 3, ChainStarts = [[-10.0], [-10.0], [10.0], [10.0]] };
        var bad = new MetropolisHastings { InitialScale = 0.05, AdaptCovariance = false }.Sample(twoModes, [-10.0], options);
        Assert.True(bad.MaxRhat > 1.1, $"R̂ = {bad.MaxRhat} on chains stuck in different modes");
        Assert.Contains("R̂", bad.Message);
        Assert.Equal(TerminationReason.Completed, bad.Reason);
        Assert.True(McmcDiagnostics.SplitRhat(bad.Chain(0)) > 1.1);
    }

    /// <summary>On a 10-D correlated Gaussian, HMC's effective samples per gradient evaluation beat random-walk MH's per value evaluation.</summary>
    [Fact]
    public void Hmc_is_more_efficient_per_evaluation_than_MH_in_ten_dimensions()
    {
        int n = 10;
        var b = new double[n * n];
        var rng = new Optima.Problems.Data.Xoshiro256StarStar(11);
        for (int i = 0; i < b.Length; i++) b[i] = rng.NextDouble(-1, 1);
        var target = new GaussianTarget(new double[n], GaussianTarget.CovarianceFrom(b, n));
        var options = new SamplerOptions { Chains = 4, Warmup = 1000, Samples = 1000, Seed = 5 };
        var mh = new MetropolisHastings().Sample(target, new double[n], options);
        var hmc = new HamiltonianMonteCarlo().Sample(target, new double[n], options);
        double mhRate = mh.MinEffectiveSampleSize / mh.DrawEvaluations, hmcRate = hmc.MinEffectiveSampleSize / hmc.DrawEvaluations;
        Assert.True(hmcRate > 2 * mhRate, $"ESS per evaluation: HMC {hmcRate:G3} vs MH {mhRate:G3}");
        Assert.InRange(hmc.AcceptanceRate, 0.6, 0.97);
        Assert.InRange(mh.AcceptanceRate, 0.1, 0.4);
        Assert.Equal(hmc.Evaluations, hmc.GradientEvaluations);
        Assert.Equal(0, mh.GradientEvaluations);
    }

    [Fact]
    public void Same_bits_with_one_and_two_threads_and_for_the_same_seed()
    {
        var target = new BananaTarget(1, 0.5, 0.5);
        foreach (var (name, run) in Samplers())
        {
            var one = run(target, [0.0, 0.0], new SamplerOptions { Chains = 3, Warmup = 200, Samples = 300, Seed = 42, InitialSpread = 0.5, Compute = ComputeOptions.Sequential });
            var two = run(target, [0.0, 0.0], new SamplerOptions { Chains = 3, Warmup = 200, Samples = 300, Seed = 42, InitialSpread = 0.5, Compute = new() { Threads = 2 } });
            var other = run(target, [0.0, 0.0], new SamplerOptions { Chains = 3, Warmup = 200, Samples = 300, Seed = 43, InitialSpread = 0.5 });
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(one.Samples[c], two.Samples[c]);
                Assert.Equal(one.NegativeLogDensities[c], two.NegativeLogDensities[c]);
            }
            Assert.Equal(one.Summary, two.Summary);
            Assert.Equal(one.Evaluations, two.Evaluations);
            Assert.NotEqual(one.Samples[0], other.Samples[0]);
            Assert.NotEqual(one.Samples[0], one.Samples[1]);   // chains draw from their own streams
        }
    }

    [Fact]
    public void Samples_an_expression_target_with_its_exact_gradient()
    {
        // N(1, 0.5²) × N(−2, 1): U = (x−1)²/(2·0.25) + (y+2)²/2.
        var target = ExpressionObjective.Create("(x-1)^2/0.5 + (y+2)^2/2");
        var r = new HamiltonianMonteCarlo().Sample(target, [0.0, 0.0], Short);
        AgreesWithinMcError(r, x => x[0], 1, "mean x");
        AgreesWithinMcError(r, x => x[1], -2, "mean y");
        AgreesWithinMcError(r, x => (x[0] - 1) * (x[0] - 1), 0.25, "var x");
    }

    [Fact]
    public void NaN_mid_run_is_a_rejected_counted_proposal()
    {
        // A standard normal whose density is NaN beyond x = 1.5: the chain stays in x ≤ 1.5.
        var target = Objective.FromValueAndGradient(1, (x, g) =>
        {
            g[0] = x[0];
            return x[0] > 1.5 ? double.NaN : 0.5 * x[0] * x[0];
        });
        foreach (var (name, run) in Samplers())
        {
            var r = run(target, [0.0], Short);
            Assert.Equal(TerminationReason.Completed, r.Reason);
            Assert.True(r.NonFiniteProposals > 0, name);
            Assert.Contains("NaN", r.Message);
            Assert.True(r.Samples.All(c => c.All(v => v <= 1.5)), name);
        }
    }

    [Fact]
    public void Zero_density_outside_a_support_is_a_plain_rejection()
    {
        // Exponential(1) on x > 0: U = x there, +∞ (density 0) elsewhere; mean 1.
        var target = Objective.FromValueAndGradient(1, (x, g) =>
        {
            g[0] = 1;
            return x[0] > 0 ? x[0] : double.PositiveInfinity;
        });
        var r = new MetropolisHastings().Sample(target, [1.0], Short with { Samples = 3000 });
        Assert.Equal(0, r.NonFiniteProposals);
        AgreesWithinMcError(r, x => x[0], 1, "exponential mean");
    }

    [Fact]
    public void Cancellation_and_time_limit_are_reasons_not_exceptions()
    {
        var target = new BananaTarget(1, 0.5, 0.5);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var cancelled = new MetropolisHastings().Sample(target, [0.0, 0.0], Short with { CancellationToken = cts.Token });
        Assert.Equal(TerminationReason.Cancelled, cancelled.Reason);
        Assert.Equal(0, cancelled.Draws);
        Assert.False(cancelled.IsUsable);
        var timed = new HamiltonianMonteCarlo().Sample(target, [0.0, 0.0], Short with { TimeLimit = TimeSpan.Zero });
        Assert.Equal(TerminationReason.TimeLimit, timed.Reason);
    }

    [Fact]
    public void Bad_input_names_the_cause()
    {
        var gaussian = new GaussianTarget([0.0, 0.0], new double[,] { { 1, 0 }, { 0, 1 } });
        var nanAtStart = Objective.FromValueAndGradient(1, (x, g) => { g[0] = 0; return double.NaN; });
        var mh = new MetropolisHastings();
        var hmc = new HamiltonianMonteCarlo();

        Assert.Contains("start", Assert.ThrowsAny<ArgumentException>(() => mh.Sample(nanAtStart, [0.0])).Message);
        Assert.Contains("start", Assert.ThrowsAny<ArgumentException>(() => hmc.Sample(nanAtStart, [0.0])).Message);
        Assert.Contains("proposal scale", Assert.ThrowsAny<ArgumentException>(() => new MetropolisHastings { InitialScale = 0 }.Sample(gaussian, [0.0, 0.0])).Message);
        Assert.Contains("Samples", Assert.ThrowsAny<ArgumentException>(() => mh.Sample(gaussian, [0.0, 0.0], new SamplerOptions { Samples = 0 })).Message);
        Assert.Contains("Chains", Assert.ThrowsAny<ArgumentException>(() => mh.Sample(gaussian, [0.0, 0.0], new SamplerOptions { Chains = 0 })).Message);
        Assert.Contains("Warmup", Assert.ThrowsAny<ArgumentException>(() => mh.Sample(gaussian, [0.0, 0.0], new SamplerOptions { Warmup = -1 })).Message);
        Assert.Contains("dimension", Assert.ThrowsAny<ArgumentException>(() => mh.Sample(gaussian, [0.0])).Message);
        Assert.Contains("not finite", Assert.ThrowsAny<ArgumentException>(() => mh.Sample(gaussian, [double.NaN, 0.0])).Message);
        Assert.Contains("ChainStarts", Assert.ThrowsAny<ArgumentException>(() => mh.Sample(gaussian, [0.0, 0.0], new SamplerOptions { Chains = 2, ChainStarts = [[0.0, 0.0]] })).Message);
        Assert.Contains("positive definite", Assert.ThrowsAny<ArgumentException>(() => new MetropolisHastings { InitialCovariance = new double[,] { { 1, 2 }, { 2, 1 } } }.Sample(gaussian, [0.0, 0.0])).Message);
        Assert.Contains("step size", Assert.ThrowsAny<ArgumentException>(() => new HamiltonianMonteCarlo { StepSize = 0 }.Sample(gaussian, [0.0, 0.0])).Message);
        Assert.Contains("Threads", Assert.ThrowsAny<ArgumentException>(() => mh.Sample(gaussian, [0.0, 0.0], new SamplerOptions { Compute = new() { Threads = 0 } })).Message);
    }
}

public class McmcDiagnosticsTests
{
    private static double[][] Ar1(double phi, int chains, int n, ulong seed, double shift = 0)
    {
        var rng = new Optima.Problems.Data.Xoshiro256StarStar(seed);
        double scale = Math.Sqrt(1 - phi * phi);
        return [.. Enumerable.Range(0, chains).Select(c =>
        {
            var x = new double[n];
            double v = rng.NextGaussian();
            for (int i = 0; i < n; i++) x[i] = (v = phi * v + scale * rng.NextGaussian()) + c * shift;
            return x;
        })];
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Autocorrelation_time_of_an_AR1_chain_is_the_known_one(double phi)
    {
        // τ = (1 + φ)/(1 − φ) for x_{t+1} = φ·x_t + √(1 − φ²)·ε.
        var chains = Ar1(phi, 4, 20_000, 17);
        double tau = McmcDiagnostics.AutocorrelationTime(chains), expected = (1 + phi) / (1 - phi);
        Assert.InRange(tau / expected, 0.8, 1.2);
        Assert.InRange(McmcDiagnostics.SplitRhat(chains), 0.99, 1.01);
        Assert.InRange(McmcDiagnostics.RankNormalizedSplitRhat(chains), 0.99, 1.01);
        Assert.InRange(McmcDiagnostics.BulkEffectiveSampleSize(chains) / (80_000 / expected), 0.8, 1.2);
    }

    [Fact]
    public void Rhat_sees_chains_that_disagree_in_location_and_in_scale()
    {
        Assert.True(McmcDiagnostics.SplitRhat(Ar1(0.5, 4, 2000, 3, shift: 1.0)) > 1.1);
        // Same mean, different spread: only the folded (rank-normalised) R̂ sees it.
        var chains = Ar1(0.0, 4, 2000, 5);
        for (int i = 0; i < 2000; i++) { chains[2][i] *= 4; chains[3][i] *= 4; }
        Assert.True(McmcDiagnostics.RankNormalizedSplitRhat(chains) > 1.05);
        // A trend inside each chain: split-R̂ catches it even with one chain.
        Assert.True(McmcDiagnostics.SplitRhat([[.. Enumerable.Range(0, 1000).Select(i => i / 100.0)]]) > 1.5);
    }

    [Theory]
    [InlineData(1e-9)]
    [InlineData(0.01)]
    [InlineData(0.3)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.999)]
    public void Normal_scores_agree_with_the_iterative_inverse(double p)
    {
        double expected = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, p);
        Assert.True(Math.Abs(McmcDiagnostics.NormalQuantile(p) - expected) <= 2e-9 * Math.Max(1, Math.Abs(expected)), $"Φ⁻¹({p})");
    }

    [Fact]
    public void Quantiles_interpolate_as_type_7()
    {
        double[] sorted = [1, 2, 3, 4];
        Assert.Equal(2.5, McmcDiagnostics.Quantile(sorted, 0.5));
        Assert.Equal(1, McmcDiagnostics.Quantile(sorted, 0));
        Assert.Equal(4, McmcDiagnostics.Quantile(sorted, 1));
        Assert.Equal(1.075, McmcDiagnostics.Quantile(sorted, 0.025), 12);
        Assert.Throws<ArgumentException>(() => McmcDiagnostics.EffectiveSampleSize([[1.0, 2, 3], [1.0, 2]]));
        Assert.True(double.IsNaN(McmcDiagnostics.EffectiveSampleSize([[1.0, 1, 1, 1]])));
    }
}
