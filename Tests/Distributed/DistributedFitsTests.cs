using Optima.Problems.Data;
using Optima.Solvers.Fitting;
using Optima.Tests.Fitting;
using Xunit;

namespace Optima.Tests.Distributed;

/// <summary>FitMany over ranks (threads as ranks): every gathered fit is the same bits as a single-process FitMany's.</summary>
public class DistributedFitsTests
{
    private const string Peak = "a*exp(-((x-c)/s)^2/2) + b";

    /// <summary>Noisy Gaussian peaks of 40 points with random amplitude, centre, width and offset; some with σ.</summary>
    private static (double[][] X, double[][] Y, double[][] Sigma) Peaks(int count, ulong seed)
    {
        var rng = new Xoshiro256StarStar(seed);
        var xs = new double[count][];
        var ys = new double[count][];
        var sigma = new double[count][];
        for (int k = 0; k < count; k++)
        {
            double a = rng.NextDouble(1, 3), c = rng.NextDouble(-1, 1), s = rng.NextDouble(0.5, 1.5), b = rng.NextDouble(-0.2, 0.2);
            xs[k] = Enumerable.Range(0, 40).Select(i => i / 39.0 * 10 - 5 + 0.01 * k).ToArray();
            ys[k] = xs[k].Select(v => a * Math.Exp(-0.5 * ((v - c) / s) * ((v - c) / s)) + b + 0.01 * rng.NextGaussian()).ToArray();
            sigma[k] = xs[k].Select(v => 0.01 * (1 + 0.1 * Math.Abs(v))).ToArray();
        }
        return (xs, ys, sigma);
    }

    private static void AssertSameBits(FitResult expected, FitSummary actual, int k)
    {
        var want = FitSummary.Of(expected);
        Assert.True(want.Parameters.AsSpan().SequenceEqual(actual.Parameters), $"fit {k}: parameters");
        Assert.True(want.StandardErrors.AsSpan().SequenceEqual(actual.StandardErrors), $"fit {k}: standard errors");
        // Records compare doubles with Equals, which is bitwise up to NaN (NaN equals NaN): the scalars are the same bits.
        Assert.Equal(want with { Parameters = actual.Parameters, StandardErrors = actual.StandardErrors }, actual);
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected.ResidualSumOfSquares), BitConverter.DoubleToInt64Bits(actual.ResidualSumOfSquares));
        Assert.Equal(expected.Reason, actual.Reason);
        Assert.Equal(expected.Iterations, actual.Iterations);
    }

    [Theory]
    [InlineData(2, 17, false)]
    [InlineData(3, 20, true)]  // uneven: 6, 7, 7
    [InlineData(4, 22, false)] // uneven: 5, 6, 5, 6
    [InlineData(4, 3, true)]   // fewer data sets than ranks: rank 0 fits none
    [InlineData(3, 0, false)]
    public void Fits_over_ranks_are_the_single_process_fits_bit_for_bit(int size, int count, bool everyRank)
    {
        var (x, y, sigma) = Peaks(count, (ulong)(size * 100 + count));
        double[][] start = [[2.0, 0.0, 1.0, 0.0]];
        var options = new FitOptions { Compute = new() { Threads = 1 } };
        var alone = CurveFit.FitMany(new GaussianPeak(), x, y, start, sigma, options);

        var gathered = new LocalGroup(size).Run(ranks => DistributedFits.FitMany(ranks, new GaussianPeak(), x, y, start, sigma, options, everyRank));
        for (int r = 0; r < size; r++)
        {
            if (r != 0 && !everyRank)
            {
                Assert.Null(gathered[r]);
                continue;
            }
            var fits = gathered[r]!;
            Assert.Equal(count, fits.Length);
            for (int k = 0; k < count; k++) AssertSameBits(alone[k], fits[k], k);
        }
        if (count > 0) Assert.True(alone.Count(f => f.IsConverged) * 2 > count, "most fits converge"); // the comparison is of real fits
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Expression_fits_with_a_start_per_data_set_over_ranks_match_bit_for_bit(int size)
    {
        var (x, y, _) = Peaks(11, 7);
        double[][] starts = [.. Enumerable.Range(0, 11).Select(k => new[] { 2.0, 0.01 * k, 1.0, 0.0 })];
        var alone = CurveFit.FitMany(Peak, x, y, starts, parameters: ["a", "c", "s", "b"]);
        // Each rank's lists hold only its own block (null elsewhere): a rank reads nothing else.
        var gathered = new LocalGroup(size).Run(ranks =>
        {
            var (first, length) = Optima.Solvers.Stochastic.MinibatchTrainer.Shard(11, ranks.Rank, ranks.Size);
            double[][] Own(double[][] all) => [.. all.Select((v, i) => i >= first && i < first + length ? v : null!)];
            return DistributedFits.FitMany(ranks, Peak, Own(x), Own(y), Own(starts), parameters: ["a", "c", "s", "b"]);
        });
        for (int k = 0; k < 11; k++) AssertSameBits(alone[k], gathered[0]![k], k);
        Assert.All(gathered.Skip(1), Assert.Null);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void The_mpi_command_check_passes_on_thread_ranks(int size)
    {
        var outcomes = new LocalGroup(size).Run(DistributedFits.Check);
        Assert.All(outcomes, o => Assert.True(o.Passed, o.Collective));
        Assert.Equal($"FitMany over ranks, {2 * size + 1} fits (same bits as one process)", outcomes[0].Collective);
    }

    [Fact]
    public void A_bad_data_set_fails_every_rank_and_is_named_by_its_input_index()
    {
        var (x, y, _) = Peaks(9, 3);
        y[7] = (double[])y[7].Clone();
        y[7][2] = double.NaN;
        var errors = new LocalGroup(3).Run(ranks =>
            Record.Exception(() => DistributedFits.FitMany(ranks, new GaussianPeak(), x, y, [[2.0, 0.0, 1.0, 0.0]])));
        Assert.All(errors, e => Assert.IsType<ArgumentException>(e));
        Assert.StartsWith("Data set 7:", errors[2]!.Message); // the rank that fitted it: FitMany's message, global index
        Assert.Contains("Data set 7 (fitted by rank 2)", errors[0]!.Message);
        Assert.Contains("Data set 7 (fitted by rank 2)", errors[1]!.Message);

        // Shared σ in the options is misuse on every rank, also on ranks with no data set to fit (2 sets on 4 ranks).
        var shared = new FitOptions { Sigma = new double[40] };
        var misuse = new LocalGroup(4).Run(ranks =>
            Record.Exception(() => DistributedFits.FitMany(ranks, new GaussianPeak(), x[..2], y[..2], [[2.0, 0.0, 1.0, 0.0]], options: shared)));
        Assert.All(misuse, e => Assert.Contains("must not set Sigma", Assert.IsType<ArgumentException>(e).Message));
    }
}
