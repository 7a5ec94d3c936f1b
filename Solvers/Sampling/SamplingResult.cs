using System.Globalization;
using System.Text;

namespace Optima.Solvers.Sampling;

/// <summary>The summary of one variable over all kept draws of all chains.</summary>
/// <param name="Mean">The sample mean.</param>
/// <param name="StandardDeviation">The sample standard deviation.</param>
/// <param name="MonteCarloStandardError">The standard error of <paramref name="Mean"/> as an estimate of the target's mean: sd/√ESS.</param>
/// <param name="Quantile2_5">The 2.5% quantile.</param>
/// <param name="Median">The 50% quantile.</param>
/// <param name="Quantile97_5">The 97.5% quantile.</param>
/// <param name="EffectiveSampleSize">ESS of the mean (<see cref="McmcDiagnostics.EffectiveSampleSize"/>).</param>
/// <param name="BulkEffectiveSampleSize">Rank-normalised bulk ESS (<see cref="McmcDiagnostics.BulkEffectiveSampleSize"/>).</param>
/// <param name="AutocorrelationTime">The integrated autocorrelation time in draws (all draws / ESS).</param>
/// <param name="Rhat">The rank-normalised split-R̂ (<see cref="McmcDiagnostics.RankNormalizedSplitRhat"/>).</param>
public sealed record VariableSummary(double Mean, double StandardDeviation, double MonteCarloStandardError,
    double Quantile2_5, double Median, double Quantile97_5, double EffectiveSampleSize, double BulkEffectiveSampleSize,
    double AutocorrelationTime, double Rhat);

/// <summary>
/// The draws of an MCMC run (<see cref="MetropolisHastings"/>, <see cref="HamiltonianMonteCarlo"/>) and their diagnostics:
/// per-variable means, standard deviations, quantiles, effective sample sizes, autocorrelation times and split-R̂, and
/// the acceptance rate. The reason is <see cref="TerminationReason.Completed"/> when every chain drew all its samples;
/// a time limit or cancellation keeps the draws every chain completed (the same number in each).
/// </summary>
/// <remarks>
/// Completion says the work was done, not that the chains mixed: read <see cref="MaxRhat"/> (above 1.01: sample longer
/// or reparametrise) and <see cref="MinEffectiveSampleSize"/>; <see cref="Message"/> warns about both.
/// </remarks>
public sealed class SamplingResult : IRunResult
{
    /// <summary>The method's name ("mh", "hmc").</summary>
    public required string Method { get; init; }

    /// <summary>The number of variables n.</summary>
    public required int Dimension { get; init; }

    /// <summary>Warm-up iterations per chain (discarded).</summary>
    public required int Warmup { get; init; }

    /// <summary>
    /// The kept draws, one array per chain, draw-major: draw i of chain c is <c>Samples[c][(i·n)..((i+1)·n)]</c>.
    /// All chains hold <see cref="Draws"/> draws.
    /// </summary>
    public required double[][] Samples { get; init; }

    /// <summary>The target's value (negative log density) at each kept draw, one array per chain.</summary>
    public required double[][] NegativeLogDensities { get; init; }

    /// <summary>Kept draws per chain.</summary>
    public int Draws => Samples.Length == 0 ? 0 : Samples[0].Length / Dimension;

    /// <summary>The number of chains.</summary>
    public int Chains => Samples.Length;

    /// <summary>Per chain, the fraction of accepted proposals after the warm-up (HMC: the mean acceptance probability).</summary>
    public required double[] AcceptanceRates { get; init; }

    /// <summary>The mean of <see cref="AcceptanceRates"/>.</summary>
    public double AcceptanceRate => AcceptanceRates.Length == 0 ? double.NaN : AcceptanceRates.Average();

    /// <summary>
    /// Per chain, the adapted scale frozen at the end of the warm-up: MH's proposal scale λ (the proposal is
    /// λ·L·z with LLᵀ the adapted covariance), HMC's leapfrog step size ε.
    /// </summary>
    public required double[] Scales { get; init; }

    /// <summary>Proposals (warm-up included) whose target value was NaN or −∞ (density NaN or +∞): rejected and counted here.</summary>
    public required long NonFiniteProposals { get; init; }

    /// <summary>Target evaluations in all (warm-up included): values for MH, values with gradients for HMC.</summary>
    public required long Evaluations { get; init; }

    /// <summary>Target evaluations after the warm-up (the cost of the kept draws).</summary>
    public required long DrawEvaluations { get; init; }

    /// <summary>Gradient evaluations in all (0 for MH).</summary>
    public required long GradientEvaluations { get; init; }

    /// <summary>The per-variable summary, in variable order.</summary>
    public required VariableSummary[] Summary { get; init; }

    /// <inheritdoc/>
    public required TerminationReason Reason { get; init; }

    /// <inheritdoc/>
    public bool IsConverged => Reason.IsConverged();

    /// <inheritdoc/>
    public bool IsUsable => Reason.IsUsable() && Draws > 0;

    /// <summary>Iterations per chain: warm-up plus kept draws actually done (the smallest over the chains).</summary>
    public required long Iterations { get; init; }

    /// <inheritdoc/>
    public required TimeSpan Elapsed { get; init; }

    /// <inheritdoc/>
    public string? Message { get; init; }

    /// <summary>The largest rank-normalised split-R̂ over the variables (NaN when too few draws).</summary>
    public double MaxRhat => Summary.Length == 0 ? double.NaN : Summary.Max(s => s.Rhat);

    /// <summary>The smallest ESS of the mean over the variables.</summary>
    public double MinEffectiveSampleSize => Summary.Length == 0 ? double.NaN : Summary.Min(s => s.EffectiveSampleSize);

    /// <summary>Variable <paramref name="variable"/>'s draws, one array per chain.</summary>
    public double[][] Chain(int variable)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(variable);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(variable, Dimension);
        int n = Dimension, draws = Draws;
        var result = new double[Samples.Length][];
        for (int c = 0; c < Samples.Length; c++)
        {
            var column = new double[draws];
            for (int i = 0; i < draws; i++) column[i] = Samples[c][i * n + variable];
            result[c] = column;
        }
        return result;
    }

    /// <summary>Variable <paramref name="variable"/>'s draws of all chains, chain after chain.</summary>
    public double[] Column(int variable) => [.. Chain(variable).SelectMany(c => c)];

    /// <summary>The sample covariance matrix (n×n) over all kept draws.</summary>
    public double[,] Covariance()
    {
        int n = Dimension;
        var mean = Summary.Select(s => s.Mean).ToArray();
        var cov = new double[n, n];
        long count = 0;
        foreach (var chain in Samples)
            for (int i = 0; i + n <= chain.Length; i += n)
            {
                count++;
                for (int a = 0; a < n; a++)
                    for (int b = 0; b <= a; b++) cov[a, b] += (chain[i + a] - mean[a]) * (chain[i + b] - mean[b]);
            }
        for (int a = 0; a < n; a++)
            for (int b = 0; b <= a; b++) cov[b, a] = cov[a, b] /= count - 1;
        return cov;
    }

    /// <summary>The <paramref name="probability"/>-quantile of variable <paramref name="variable"/> over all draws (type 7).</summary>
    public double Quantile(int variable, double probability)
    {
        var all = Column(variable);
        Array.Sort(all);
        return McmcDiagnostics.Quantile(all, probability);
    }

    /// <summary>A table a person can read: one line per variable, then acceptance, evaluations and the stop reason.</summary>
    public string Report(IReadOnlyList<string>? names = null)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(ci, $"method      {Method}: {Chains} chain(s) × {Draws} draws after {Warmup} warm-up"));
        sb.AppendLine($"result      {Reason} ({Reason.Describe()})");
        if (Message is not null) sb.AppendLine($"message     {Message}");
        sb.AppendLine("variable           mean            sd              mcse        2.5%            50%             97.5%           ESS       R̂");
        for (int k = 0; k < Summary.Length; k++)
        {
            var s = Summary[k];
            string name = names is not null && k < names.Count ? names[k] : $"x{k + 1}";
            sb.AppendLine(string.Create(ci, $"{name,-18} {s.Mean,-15:G8} {s.StandardDeviation,-15:G8} {s.MonteCarloStandardError,-11:G3} {s.Quantile2_5,-15:G8} {s.Median,-15:G8} {s.Quantile97_5,-15:G8} {s.EffectiveSampleSize,-9:F0} {s.Rhat:F4}"));
        }
        sb.AppendLine(string.Create(ci, $"acceptance  {AcceptanceRate:F3} (per chain: {string.Join(", ", AcceptanceRates.Select(a => a.ToString("F3", ci)))})"));
        sb.AppendLine(string.Create(ci, $"evaluations {Evaluations} ({DrawEvaluations} after warm-up{(GradientEvaluations > 0 ? ", with gradients" : "")}); non-finite proposals {NonFiniteProposals}"));
        sb.AppendLine(string.Create(ci, $"time        {Elapsed.TotalMilliseconds:F1} ms"));
        return sb.ToString();
    }
}
