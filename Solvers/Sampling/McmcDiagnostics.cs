namespace Optima.Solvers.Sampling;

/// <summary>
/// Convergence and efficiency diagnostics of Markov chains, as Stan, ArviZ and PyMC compute them (Vehtari, Gelman,
/// Simpson, Carpenter and Bürkner, "Rank-normalization, folding, and localization: an improved R̂", Bayesian Analysis
/// 16(2), 2021; Gelman et al., BDA3 §11.4–11.5): effective sample size with Geyer's initial monotone sequence,
/// integrated autocorrelation time, split-R̂ (classic and rank-normalised), quantiles.
/// </summary>
/// <remarks>
/// Every function takes the chains of one scalar quantity, each an array of draws in order; all chains have the same
/// length. Sums run in a fixed order, so the results are the same bits on every machine.
/// </remarks>
public static class McmcDiagnostics
{
    /// <summary>
    /// The effective sample size of the mean (Stan's <c>ess_mean</c>): the chains are split in halves, the autocorrelation
    /// ρ̂ₜ = 1 − (W − mean autocovariance at lag t)/var⁺ combines within- and between-chain variance (so chains that
    /// disagree lower it), and τ = −1 + 2·Σ Pₖ over Geyer's initial positive, monotone sequence of pair sums
    /// Pₖ = ρ̂₂ₖ + ρ̂₂ₖ₊₁. ESS = (draws)/τ, at most (draws)·log₁₀(draws). NaN for fewer than 4 draws per chain or a constant quantity.
    /// </summary>
    public static double EffectiveSampleSize(IReadOnlyList<double[]> chains) => Ess(Split(chains));

    /// <summary>
    /// The bulk effective sample size (Vehtari et al. 2021): <see cref="EffectiveSampleSize"/> of the rank-normalised
    /// split chains; well defined for heavy tails too.
    /// </summary>
    public static double BulkEffectiveSampleSize(IReadOnlyList<double[]> chains) => Ess(RankNormalize(Split(chains)));

    /// <summary>
    /// The integrated autocorrelation time τ = 1 + 2·Σₜ ρₜ of the quantity, in draws: (all draws)/<see cref="EffectiveSampleSize"/>.
    /// A single chain is one array. Draws τ apart are roughly independent.
    /// </summary>
    public static double AutocorrelationTime(IReadOnlyList<double[]> chains)
    {
        double ess = EffectiveSampleSize(chains);
        return Total(chains) / ess;
    }

    /// <summary>
    /// The classic split-R̂ (BDA3 §11.4): each chain is split in halves, and R̂ = √(var⁺/W) with W the mean within-chain
    /// variance and var⁺ = (N−1)/N·W + B/N. Close to 1 when the chains agree; above 1.01 means more sampling is needed.
    /// </summary>
    public static double SplitRhat(IReadOnlyList<double[]> chains) => Rhat(Split(chains));

    /// <summary>
    /// The rank-normalised split-R̂ of Vehtari et al. (2021), Stan's and ArviZ's default: the larger of R̂ of the
    /// rank-normalised split chains (location) and of the rank-normalised |x − median| (scale, "folded").
    /// </summary>
    public static double RankNormalizedSplitRhat(IReadOnlyList<double[]> chains)
    {
        var split = Split(chains);
        if (split.Length == 0) return double.NaN;
        double bulk = Rhat(RankNormalize(split));
        double median = Quantile(Sorted(split), 0.5);
        var folded = split.Select(c => c.Select(v => Math.Abs(v - median)).ToArray()).ToArray();
        double tail = Rhat(RankNormalize(folded));
        return double.IsNaN(bulk) || double.IsNaN(tail) ? double.NaN : Math.Max(bulk, tail);
    }

    /// <summary>
    /// The <paramref name="probability"/>-quantile of the values <paramref name="sorted"/> (ascending), with linear
    /// interpolation between order statistics (R's type 7, NumPy's default).
    /// </summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double probability)
    {
        if (sorted.Length == 0) return double.NaN;
        if (!(probability >= 0 && probability <= 1)) throw new ArgumentOutOfRangeException(nameof(probability), probability, "A quantile's probability lies in [0, 1].");
        double h = (sorted.Length - 1) * probability;
        int lo = (int)Math.Floor(h);
        if (lo >= sorted.Length - 1) return sorted[^1];
        return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
    }

    private static long Total(IReadOnlyList<double[]> chains)
    {
        long n = 0;
        foreach (var c in chains) n += c.Length;
        return n;
    }

    private static double[] Sorted(double[][] chains)
    {
        var all = chains.SelectMany(c => c).ToArray();
        Array.Sort(all);
        return all;
    }

    /// <summary>Each chain cut into its first and second halves (the middle draw of an odd chain is dropped, as Stan does).</summary>
    private static double[][] Split(IReadOnlyList<double[]> chains)
    {
        ArgumentNullException.ThrowIfNull(chains);
        if (chains.Count == 0) return [];
        int n = chains[0].Length;
        foreach (var c in chains)
            if (c.Length != n) throw new ArgumentException($"All chains must have the same length ({n}), but one has {c.Length}.", nameof(chains));
        int half = n / 2;
        var split = new double[2 * chains.Count][];
        for (int c = 0; c < chains.Count; c++)
        {
            split[2 * c] = chains[c][..half];
            split[2 * c + 1] = chains[c][(n - half)..];
        }
        return split;
    }

    /// <summary>Ranks over all draws (ties share their mean rank), mapped to normal scores Φ⁻¹((r − 3/8)/(S + 1/4)) (Blom).</summary>
    private static double[][] RankNormalize(double[][] chains)
    {
        int m = chains.Length, n = m == 0 ? 0 : chains[0].Length, total = m * n;
        var values = new double[total];
        var index = new int[total];
        for (int c = 0; c < m; c++)
            for (int i = 0; i < n; i++)
            {
                values[c * n + i] = chains[c][i];
                index[c * n + i] = c * n + i;
            }
        Array.Sort(values, index);
        var z = new double[total];
        for (int i = 0; i < total;)
        {
            int j = i;
            while (j + 1 < total && values[j + 1] == values[i]) j++;
            double rank = 0.5 * (i + j) + 1;   // mean of the 1-based ranks i+1 … j+1
            double score = NormalQuantile((rank - 0.375) / (total + 0.25));
            for (int k = i; k <= j; k++) z[index[k]] = score;
            i = j + 1;
        }
        var result = new double[m][];
        for (int c = 0; c < m; c++) result[c] = z.AsSpan(c * n, n).ToArray();
        return result;
    }

    /// <summary>
    /// Φ⁻¹(p) for 0 &lt; p &lt; 1 by Acklam's rational approximation (relative error below 1.2·10⁻⁹): ample for normal
    /// scores, and some fifty times faster than an iterative inversion, which matters for 10⁵ ranks.
    /// </summary>
    internal static double NormalQuantile(double p)
    {
        const double pLow = 0.02425;
        if (p < pLow)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            return (((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00)
                / ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q + 3.754408661907416e+00) * q + 1);
        }
        if (p > 1 - pLow) return -NormalQuantile(1 - p);
        double r = p - 0.5, t = r * r;
        return (((((-3.969683028665376e+01 * t + 2.209460984245205e+02) * t - 2.759285104469687e+02) * t + 1.383577518672690e+02) * t - 3.066479806614716e+01) * t + 2.506628277459239e+00) * r
            / (((((-5.447609879822406e+01 * t + 1.615858368580409e+02) * t - 1.556989798598866e+02) * t + 6.680131188771972e+01) * t - 1.328068155288572e+01) * t + 1);
    }

    private static (double[] Means, double[] Variances) Moments(double[][] chains)
    {
        int m = chains.Length;
        var means = new double[m];
        var variances = new double[m];
        for (int c = 0; c < m; c++)
        {
            var x = chains[c];
            double s = 0;
            foreach (double v in x) s += v;
            double mean = s / x.Length, ss = 0;
            foreach (double v in x) ss += (v - mean) * (v - mean);
            means[c] = mean;
            variances[c] = ss / (x.Length - 1);
        }
        return (means, variances);
    }

    private static double Rhat(double[][] chains)
    {
        int m = chains.Length;
        if (m == 0 || chains[0].Length < 2) return double.NaN;
        int n = chains[0].Length;
        var (means, variances) = Moments(chains);
        double w = variances.Average();
        double grand = means.Average(), b = 0;
        if (m > 1)
        {
            foreach (double mu in means) b += (mu - grand) * (mu - grand);
            b = b * n / (m - 1);
        }
        double varPlus = (n - 1.0) / n * w + b / n;
        if (!(w > 0)) return double.NaN;
        return Math.Sqrt(varPlus / w);
    }

    private static double Ess(double[][] chains)
    {
        int m = chains.Length;
        if (m == 0 || chains[0].Length < 2) return double.NaN;
        int n = chains[0].Length;
        var (means, variances) = Moments(chains);
        double w = variances.Average();
        double varPlus = w * (n - 1.0) / n;
        if (m > 1)
        {
            double grand = means.Average(), b = 0;
            foreach (double mu in means) b += (mu - grand) * (mu - grand);
            varPlus += b / (m - 1);
        }
        if (!(varPlus > 0) || !double.IsFinite(varPlus)) return double.NaN;

        // ρ̂ₜ lag by lag; the autocovariance at lag t of chain c is (1/n)·Σᵢ (xᵢ − x̄)(xᵢ₊ₜ − x̄).
        double Rho(int t)
        {
            double acov = 0;
            for (int c = 0; c < m; c++)
            {
                var x = chains[c];
                double mu = means[c], s = 0;
                for (int i = 0; i + t < n; i++) s += (x[i] - mu) * (x[i + t] - mu);
                acov += s / n;
            }
            acov /= m;
            return 1 - (w - acov) / varPlus;
        }

        // Geyer's initial positive sequence of pair sums, made monotone (Geyer 1992), as Stan does.
        double sum = 0, previousPair = double.PositiveInfinity;
        double rhoEven = 1, rhoOdd = Rho(1);
        int t2 = 0;
        while (true)
        {
            double pair = rhoEven + rhoOdd;
            if (!(pair > 0)) break;
            if (pair > previousPair) pair = previousPair;
            sum += pair;
            previousPair = pair;
            t2 += 2;
            if (t2 + 1 >= n) break;
            rhoEven = Rho(t2);
            rhoOdd = Rho(t2 + 1);
        }
        double tau = -1 + 2 * sum;
        double total = (double)m * n;
        tau = Math.Max(tau, 1 / Math.Log10(total));   // ESS ≤ total·log₁₀(total), Stan's antithetic cap
        return total / tau;
    }
}
