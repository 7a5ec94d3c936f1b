namespace Optima.Distributed;

/// <summary>
/// A group of cooperating processes (ranks) and the collectives Optima's distributed runs use, over spans of the
/// caller's memory. Every rank must call the same collectives in the same order with the same sizes (MPI's rule);
/// a collective blocks until every rank has joined it. One communicator is used from one thread at a time.
/// </summary>
/// <remarks>
/// Implementations: <see cref="SingleProcessCommunicator"/> (one rank, collectives are copies or nothing) and
/// <see cref="MpiCommunicator"/> (an MPI world). <see cref="Communicator.FromEnvironment"/> picks one.
/// </remarks>
public interface ICommunicator : IDisposable
{
    /// <summary>This process's rank, 0 ≤ Rank &lt; Size.</summary>
    int Rank { get; }

    /// <summary>The number of ranks.</summary>
    int Size { get; }

    /// <summary>What this communicator is (e.g. "MPI (Open MPI v4.1.4, libmpi.so.40), rank 0 of 2"), for messages and reports.</summary>
    string Description { get; }

    /// <summary>
    /// Replaces <paramref name="values"/> on every rank with the element-wise sum over the ranks. The sum is taken in
    /// rank order (x₀ + x₁ + … + x_{Size−1}, left to right), so the result's bits depend only on the inputs and the
    /// number of ranks — not on the MPI library, its algorithm choice or the network — and are the same on every rank.
    /// </summary>
    void Allreduce(Span<double> values);

    /// <summary>Copies <paramref name="values"/> of rank <paramref name="root"/> into <paramref name="values"/> of every other rank.</summary>
    void Broadcast<T>(Span<T> values, int root) where T : unmanaged;

    /// <summary>Every rank receives every rank's <paramref name="mine"/>, in rank order: <paramref name="all"/> has Size × mine.Length elements.</summary>
    void Allgather<T>(ReadOnlySpan<T> mine, Span<T> all) where T : unmanaged;

    /// <summary>Rank <paramref name="root"/> receives every rank's <paramref name="mine"/> in rank order (<paramref name="all"/>: Size × mine.Length elements, read only at the root).</summary>
    void Gather<T>(ReadOnlySpan<T> mine, Span<T> all, int root) where T : unmanaged;

    /// <summary>Rank <paramref name="root"/> hands block r of <paramref name="all"/> (Size × mine.Length elements, read only at the root) to rank r's <paramref name="mine"/>.</summary>
    void Scatter<T>(ReadOnlySpan<T> all, Span<T> mine, int root) where T : unmanaged;

    /// <summary>Returns once every rank has called it.</summary>
    void Barrier();

    /// <summary>
    /// Ends every rank of the job with <paramref name="exitCode"/> (MPI_Abort): what a rank does when it cannot go on,
    /// so that the others do not wait for it forever in their next collective. Does not return.
    /// </summary>
    void Abort(int exitCode);
}
