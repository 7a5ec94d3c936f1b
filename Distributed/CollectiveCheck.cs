namespace Optima.Distributed;

/// <summary>
/// Runs every collective of a communicator on values whose results are known, on every rank (a collective itself):
/// what <c>optima mpi</c> reports, to check an installation and the binding against the MPI library found.
/// </summary>
public static class CollectiveCheck
{
    /// <summary>One collective's verdict, agreed by all ranks.</summary>
    /// <param name="Collective">The collective and the case (e.g. "Allreduce, 5 doubles").</param>
    /// <param name="FailedRanks">How many ranks saw a wrong result (0: passed).</param>
    public readonly record struct Outcome(string Collective, int FailedRanks)
    {
        /// <summary>True when every rank saw the expected result.</summary>
        public bool Passed => FailedRanks == 0;
    }

    /// <summary>Runs the checks; every rank must call it, and every rank gets the same outcomes.</summary>
    public static IReadOnlyList<Outcome> Run(ICommunicator communicator)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        int p = communicator.Size, rank = communicator.Rank;
        var local = new List<(string Name, bool Ok)>
        {
            ("Allreduce, 5 doubles (gathered path)", AllreduceMatches(communicator, 5)),
            // Above the gathered path's limit on two ranks or more, and not a multiple of the rank count: the chunked path with padding.
            ($"Allreduce, {MpiCommunicator.GatherAllUpTo + 1} doubles (chunked path)", AllreduceMatches(communicator, MpiCommunicator.GatherAllUpTo + 1)),
        };

        var block = new double[3];
        if (rank == p - 1) block = [Math.PI, -0.0, double.Epsilon];
        communicator.Broadcast<double>(block, p - 1);
        local.Add(($"Broadcast from rank {p - 1}", block[0] == Math.PI && double.IsNegative(block[1]) && block[2] == double.Epsilon));

        var ranks = new int[p];
        communicator.Allgather<int>([rank * 7 + 1], ranks);
        local.Add(("Allgather", ranks.Select((v, r) => v == r * 7 + 1).All(ok => ok)));

        var gathered = new long[rank == 0 ? p * 2 : 0];
        communicator.Gather<long>([rank, -rank], gathered, 0);
        local.Add(("Gather to rank 0", rank != 0 || Enumerable.Range(0, p).All(r => gathered[2 * r] == r && gathered[2 * r + 1] == -r)));

        var all = rank == 0 ? Enumerable.Range(0, 2 * p).Select(i => i * 0.5).ToArray() : [];
        var mine = new double[2];
        communicator.Scatter<double>(all, mine, 0);
        local.Add(("Scatter from rank 0", mine[0] == rank && mine[1] == rank + 0.5));

        communicator.Barrier();
        local.Add(("Barrier", true));

        // Agree on the verdicts: every rank reports how many ranks failed each check.
        var failures = local.Select(c => c.Ok ? 0.0 : 1.0).ToArray();
        communicator.Allreduce(failures);
        return local.Select((c, i) => new Outcome(c.Name, (int)failures[i])).ToList();
    }

    /// <summary>Allreduce of values with fractions, checked bit for bit against the rank-order sum computed here.</summary>
    private static bool AllreduceMatches(ICommunicator communicator, int n)
    {
        int p = communicator.Size, rank = communicator.Rank;
        static double Value(int r, int i) => (r + 1) * 0.1 + i / 3.0;
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = Value(rank, i);
        communicator.Allreduce(values);
        for (int i = 0; i < n; i++)
        {
            double expected = Value(0, i);
            for (int r = 1; r < p; r++) expected += Value(r, i);
            if (BitConverter.DoubleToInt64Bits(values[i]) != BitConverter.DoubleToInt64Bits(expected)) return false;
        }
        return true;
    }
}
