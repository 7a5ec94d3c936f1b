using Optima.Distributed;

namespace Optima.Tests.Distributed;

/// <summary>
/// A group of ranks that are threads of this process: the tests' stand-in for an MPI job, so the data-parallel logic is
/// tested without a launcher. The collectives have the MPI communicator's semantics (Allreduce sums in rank order), and
/// every wait has a timeout, so a rank that never joins a collective fails the test instead of hanging it.
/// </summary>
internal sealed class LocalGroup
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly Barrier _barrier;
    private readonly object?[] _slots;

    public LocalGroup(int size)
    {
        _barrier = new Barrier(size);
        _slots = new object?[size];
        Members = Enumerable.Range(0, size).Select(r => (ICommunicator)new Member(this, r)).ToArray();
    }

    public IReadOnlyList<ICommunicator> Members { get; }

    /// <summary>Runs <paramref name="work"/> on every rank, each on its own thread, and returns the results in rank order.</summary>
    public T[] Run<T>(Func<ICommunicator, T> work)
    {
        var tasks = Members.Select(m => Task.Factory.StartNew(() => work(m), TaskCreationOptions.LongRunning)).ToArray();
        if (!Task.WaitAll(tasks, TimeSpan.FromSeconds(120))) throw new TimeoutException("A rank of the local group did not finish.");
        return tasks.Select(t => t.Result).ToArray();
    }

    private void Wait()
    {
        if (!_barrier.SignalAndWait(Patience)) throw new TimeoutException("A rank did not join the collective.");
    }

    private sealed class Member(LocalGroup group, int rank) : ICommunicator
    {
        public int Rank => rank;

        public int Size => group._slots.Length;

        public string Description => $"local group, rank {rank} of {Size}";

        public void Allreduce(Span<double> values)
        {
            var all = Exchange(values.ToArray());
            values.Clear();
            var first = (double[])all[0]!;
            first.CopyTo(values);
            for (int r = 1; r < Size; r++)
            {
                var block = (double[])all[r]!;
                for (int i = 0; i < values.Length; i++) values[i] += block[i];
            }
            group.Wait(); // nobody overwrites a slot before every rank has read them all
        }

        public void Broadcast<T>(Span<T> values, int root) where T : unmanaged
        {
            var all = Exchange(rank == root ? values.ToArray() : null);
            ((T[])all[root]!).CopyTo(values);
            group.Wait();
        }

        public void Allgather<T>(ReadOnlySpan<T> mine, Span<T> all) where T : unmanaged
        {
            var slots = Exchange(mine.ToArray());
            for (int r = 0; r < Size; r++) ((T[])slots[r]!).CopyTo(all.Slice(r * mine.Length, mine.Length));
            group.Wait();
        }

        public void Gather<T>(ReadOnlySpan<T> mine, Span<T> all, int root) where T : unmanaged
        {
            var slots = Exchange(mine.ToArray());
            if (rank == root)
                for (int r = 0; r < Size; r++) ((T[])slots[r]!).CopyTo(all.Slice(r * mine.Length, mine.Length));
            group.Wait();
        }

        public void Scatter<T>(ReadOnlySpan<T> all, Span<T> mine, int root) where T : unmanaged
        {
            var slots = Exchange(rank == root ? all.ToArray() : null);
            ((T[])slots[root]!).AsSpan(rank * mine.Length, mine.Length).CopyTo(mine);
            group.Wait();
        }

        public void Barrier() => group.Wait();

        public void Abort(int exitCode) => throw new InvalidOperationException($"rank {rank} aborted with {exitCode}");

        public void Dispose() { }

        private object?[] Exchange(object? mine)
        {
            group._slots[rank] = mine;
            group.Wait();
            return group._slots;
        }
    }
}
