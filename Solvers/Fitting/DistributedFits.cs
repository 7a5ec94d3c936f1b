using Optima.Distributed;
using Optima.Solvers.Stochastic;

namespace Optima.Solvers.Fitting;

/// <summary>
/// The numbers of one fit that cross the network in <see cref="DistributedFits"/>: parameters, standard errors, the
/// reason and the fit statistics, the same bits as the <see cref="FitResult"/> they were taken from.
/// </summary>
/// <param name="Parameters">The fitted parameters.</param>
/// <param name="StandardErrors">Their standard errors.</param>
/// <param name="Reason">Why the fit stopped.</param>
/// <param name="Iterations">Iterations of the least-squares method.</param>
/// <param name="ResidualSumOfSquares">Σ Wᵢ(yᵢ − f)².</param>
/// <param name="Cost">The minimised cost Σ ρ(rᵢ²).</param>
/// <param name="DegreesOfFreedom">n − p_free.</param>
/// <param name="Points">Number of data points.</param>
/// <param name="RSquared">The coefficient of determination.</param>
/// <param name="JacobianRank">Numerical rank of the weighted Jacobian at the solution.</param>
/// <param name="GradientCosine">MINPACK's gtol measure at the solution.</param>
public sealed record FitSummary(double[] Parameters, double[] StandardErrors, TerminationReason Reason, int Iterations,
    double ResidualSumOfSquares, double Cost, int DegreesOfFreedom, int Points, double RSquared, int JacobianRank, double GradientCosine)
{
    /// <summary>Doubles per fit besides the 2p parameters and standard errors.</summary>
    internal const int Scalars = 8;

    /// <summary>True when a convergence test was met.</summary>
    public bool IsConverged => Reason.IsConverged();

    /// <summary>The summary of a full fit result.</summary>
    public static FitSummary Of(FitResult fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return new((double[])fit.Parameters.Clone(), (double[])fit.StandardErrors.Clone(), fit.Reason, fit.Iterations,
            fit.ResidualSumOfSquares, fit.Cost, fit.DegreesOfFreedom, fit.Points, fit.RSquared, fit.JacobianRank, fit.GradientCosine);
    }

    internal void Pack(Span<double> to)
    {
        int p = Parameters.Length;
        Parameters.CopyTo(to);
        StandardErrors.CopyTo(to[p..]);
        var s = to.Slice(2 * p, Scalars);
        (s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]) = ((double)(int)Reason, Iterations, ResidualSumOfSquares, Cost, DegreesOfFreedom, Points, RSquared, JacobianRank);
        to[2 * p + Scalars] = GradientCosine;
    }

    internal static FitSummary Unpack(ReadOnlySpan<double> from, int p)
    {
        var s = from.Slice(2 * p, Scalars);
        return new(from[..p].ToArray(), from.Slice(p, p).ToArray(), (TerminationReason)(int)s[0], (int)s[1], s[2], s[3], (int)s[4], (int)s[5], s[6], (int)s[7], from[2 * p + Scalars]);
    }

    internal static int Length(int p) => 2 * p + Scalars + 1;
}

/// <summary>
/// <see cref="CurveFit.FitMany{TModel}"/> over the ranks of a communicator: the data sets are split into contiguous blocks
/// (rank r fits ⌊n·r/N⌋ to ⌊n·(r+1)/N⌋, <see cref="MinibatchTrainer.Shard"/>), each rank fits its block with FitMany on
/// all its cores, and the fits' numbers (<see cref="FitSummary"/>) are gathered in input order. Each fit is independent,
/// so every summary is the same bits as a single-process FitMany's; only the fit's numbers travel, not its residuals.
/// </summary>
/// <remarks>
/// A collective: every rank calls it with the same model, counts and options. A rank reads only its own block of
/// <c>x</c>, <c>y</c>, <c>starts</c> (unless one start for all) and <c>sigma</c>, so the lists may hold just that block
/// (null elsewhere). Misuse in a data set throws an <see cref="ArgumentException"/> on every rank (after one allgather, so
/// no rank waits for another forever): the rank that fitted it with FitMany's message and the input index, the others
/// naming the first bad data set and its rank.
/// </remarks>
public static class DistributedFits
{
    /// <summary>Fits a generic-math model to every data set over the ranks (arguments as <see cref="CurveFit.FitMany{TModel}"/>).</summary>
    /// <param name="ranks">The ranks sharing the fits.</param>
    /// <param name="model">The model.</param>
    /// <param name="x">The x values of each data set.</param>
    /// <param name="y">The observations of each data set.</param>
    /// <param name="starts">The start of each data set (or a single start used for all).</param>
    /// <param name="sigma">Optional σ per data set.</param>
    /// <param name="options">Shared options, as FitMany's (threads are this rank's).</param>
    /// <param name="everyRank">True: every rank gets all summaries (allgather); false: rank 0 only (gather).</param>
    /// <returns>One summary per data set in input order; null on ranks other than 0 unless <paramref name="everyRank"/>.</returns>
    public static FitSummary[]? FitMany<TModel>(ICommunicator ranks, TModel model, IReadOnlyList<double[]> x, IReadOnlyList<double[]> y,
        IReadOnlyList<double[]> starts, IReadOnlyList<double[]>? sigma = null, FitOptions? options = null, bool everyRank = false)
        where TModel : IScalarFitModel
    {
        ArgumentNullException.ThrowIfNull(model);
        return Run(ranks, x, y, starts, sigma, options, everyRank, (lx, ly, ls, lsigma) => CurveFit.FitMany(model, lx, ly, ls, lsigma, options));
    }

    /// <summary>Fits an expression model to every data set over the ranks (arguments as <see cref="CurveFit.FitMany(string, IReadOnlyList{double[]}, IReadOnlyList{double[]}, IReadOnlyList{double[]}, IReadOnlyList{string}?, IReadOnlyList{double[]}?, FitOptions?)"/>).</summary>
    /// <param name="ranks">The ranks sharing the fits.</param>
    /// <param name="model">The model text.</param>
    /// <param name="x">The x values of each data set.</param>
    /// <param name="y">The observations of each data set.</param>
    /// <param name="starts">The start of each data set (or one start for all).</param>
    /// <param name="parameters">The parameter order (default: the model's identifiers other than x).</param>
    /// <param name="sigma">Optional σ per data set.</param>
    /// <param name="options">Shared options, as FitMany's.</param>
    /// <param name="everyRank">True: every rank gets all summaries; false: rank 0 only.</param>
    /// <returns>One summary per data set in input order; null on ranks other than 0 unless <paramref name="everyRank"/>.</returns>
    public static FitSummary[]? FitMany(ICommunicator ranks, string model, IReadOnlyList<double[]> x, IReadOnlyList<double[]> y,
        IReadOnlyList<double[]> starts, IReadOnlyList<string>? parameters = null, IReadOnlyList<double[]>? sigma = null,
        FitOptions? options = null, bool everyRank = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Run(ranks, x, y, starts, sigma, options, everyRank, (lx, ly, ls, lsigma) => CurveFit.FitMany(model, lx, ly, ls, parameters, lsigma, options));
    }

    private static FitSummary[]? Run(ICommunicator ranks, IReadOnlyList<double[]> x, IReadOnlyList<double[]> y, IReadOnlyList<double[]> starts,
        IReadOnlyList<double[]>? sigma, FitOptions? options, bool everyRank,
        Func<double[][], double[][], double[][], double[][]?, FitResult[]> fitMany)
    {
        ArgumentNullException.ThrowIfNull(ranks);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(starts);
        // These checks use only counts and options, which every rank sees alike, so every rank throws here or none does
        // (a rank with no data sets would otherwise never look at the options).
        if (options is { Sigma: not null } or { Weights: not null })
            throw new ArgumentException("FitMany takes σ per data set (the sigma argument); the shared options must not set Sigma or Weights.");
        options?.Validate();
        int count = y.Count;
        if (x.Count != count) throw new ArgumentException($"{x.Count} x arrays but {count} y arrays.");
        if (starts.Count != 1 && starts.Count != count) throw new ArgumentException($"{starts.Count} starts for {count} data sets (give one, or one per data set).");
        if (sigma is not null && sigma.Count != count) throw new ArgumentException($"{sigma.Count} σ arrays for {count} data sets.");

        var (first, length) = MinibatchTrainer.Shard(count, ranks.Rank, ranks.Size);
        double[][] Block(IReadOnlyList<double[]> list) => [.. Enumerable.Range(first, length).Select(i => list[i])];
        FitResult[] local = [];
        ArgumentException? failure = null;
        double failedAt = -1;
        if (length > 0)
        {
            try
            {
                local = fitMany(Block(x), Block(y), starts.Count == 1 ? [starts[0]] : Block(starts), sigma is null ? null : Block(sigma));
            }
            catch (ArgumentException e)
            {
                failure = e;
                failedAt = LocalIndex(e.Message) is int i ? first + i : first;
            }
        }

        // One allgather agrees on failure and on the parameter count before any rank waits in the gather of the fits.
        int p = local.Length > 0 ? local[0].Parameters.Length : -1;
        foreach (var fit in local)
            if (fit.Parameters.Length != p && failure is null)
            {
                failure = new ArgumentException($"The fits have different numbers of parameters ({p} and {fit.Parameters.Length}): one model, one parameter count.");
                failedAt = first;
            }
        var votes = new double[2 * ranks.Size];
        ranks.Allgather<double>([failedAt, p], votes);
        for (int r = 0; r < ranks.Size; r++)
        {
            if (votes[2 * r] < 0) continue;
            if (failure is not null) throw Renamed(failure, first); // a failing rank reports its own cause
            throw new ArgumentException($"Data set {(long)votes[2 * r]} (fitted by rank {r}) is invalid; that rank's error names the cause.");
        }
        for (int r = 0; r < ranks.Size; r++)
        {
            if (votes[2 * r + 1] < 0) continue;
            if (p < 0) p = (int)votes[2 * r + 1];
            else if (votes[2 * r + 1] != p) throw new ArgumentException($"Ranks' fits have different numbers of parameters ({p} and {votes[2 * r + 1]}): one model, one parameter count.");
        }
        if (count == 0) return ranks.Rank == 0 || everyRank ? [] : null;

        // Blocks differ by at most one fit; each rank sends the longest block's worth, padded, so the gather has one size.
        int record = FitSummary.Length(p), longest = (count + ranks.Size - 1) / ranks.Size;
        var mine = new double[longest * record];
        for (int i = 0; i < local.Length; i++) FitSummary.Of(local[i]).Pack(mine.AsSpan(i * record, record));
        bool receives = everyRank || ranks.Rank == 0;
        var all = new double[receives ? ranks.Size * mine.Length : 0];
        if (everyRank) ranks.Allgather<double>(mine, all);
        else ranks.Gather<double>(mine, all, 0);
        if (!receives) return null;

        var summaries = new FitSummary[count];
        for (int r = 0; r < ranks.Size; r++)
        {
            var (start, n) = MinibatchTrainer.Shard(count, r, ranks.Size);
            for (int i = 0; i < n; i++) summaries[start + i] = FitSummary.Unpack(all.AsSpan(r * mine.Length + i * record, record), p);
        }
        return summaries;
    }

    /// <summary>
    /// Checks this path on a communicator (a collective; what <c>optima mpi</c> adds to the collective checks): 2N+1 small
    /// exponential-decay fits over the N ranks, allgathered, must be the same bits as this rank's single-process FitMany.
    /// </summary>
    public static CollectiveCheck.Outcome Check(ICommunicator ranks)
    {
        ArgumentNullException.ThrowIfNull(ranks);
        int count = 2 * ranks.Size + 1;
        var x = new double[count][];
        var y = new double[count][];
        for (int k = 0; k < count; k++)
        {
            x[k] = [.. Enumerable.Range(0, 12).Select(i => i * 0.25)];
            // A deterministic wiggle stands in for noise, so the fits have residuals and standard errors.
            y[k] = [.. x[k].Select((v, i) => (1 + 0.1 * k) * Math.Exp(-(0.5 + 0.05 * k) * v) + 0.01 * Math.Sin(3.0 * i + k))];
        }
        double[][] start = [[1.0, 0.3]];
        var options = new FitOptions { Compute = ComputeOptions.Sequential };
        const string Model = "a*exp(-b*x)";
        var alone = CurveFit.FitMany(Model, x, y, start, options: options);
        var over = FitMany(ranks, Model, x, y, start, options: options, everyRank: true)!;
        bool same = over.Length == count;
        for (int k = 0; same && k < count; k++) same = FitSummary.Of(alone[k]) is var want
            && want.Parameters.AsSpan().SequenceEqual(over[k].Parameters) && want.StandardErrors.AsSpan().SequenceEqual(over[k].StandardErrors)
            && want with { Parameters = over[k].Parameters, StandardErrors = over[k].StandardErrors } == over[k];
        var failed = new[] { same ? 0.0 : 1.0 };
        ranks.Allreduce(failed);
        return new($"FitMany over ranks, {count} fits (same bits as one process)", (int)failed[0]);
    }

    // FitMany names the bad data set by its index in this rank's block ("Data set 3: …").
    private static int? LocalIndex(string message)
    {
        const string Prefix = "Data set ";
        if (!message.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        int end = message.IndexOf(':', Prefix.Length);
        return end > 0 && int.TryParse(message.AsSpan(Prefix.Length, end - Prefix.Length), System.Globalization.CultureInfo.InvariantCulture, out int i) ? i : null;
    }

    private static ArgumentException Renamed(ArgumentException e, int first) =>
        LocalIndex(e.Message) is int i ? new ArgumentException($"Data set {first + i}:{e.Message[(e.Message.IndexOf(':') + 1)..]}", e) : e;
}
