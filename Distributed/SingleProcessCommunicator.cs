namespace Optima.Distributed;

/// <summary>One rank: the collectives are copies (or nothing), so a distributed run with it is a plain run.</summary>
public sealed class SingleProcessCommunicator : ICommunicator
{
    /// <summary>The shared instance.</summary>
    public static SingleProcessCommunicator Instance { get; } = new("single process");

    /// <summary>A single-process communicator described as <paramref name="description"/> (e.g. why MPI was not used).</summary>
    public SingleProcessCommunicator(string description) => Description = description;

    /// <inheritdoc/>
    public int Rank => 0;

    /// <inheritdoc/>
    public int Size => 1;

    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public void Allreduce(Span<double> values) { }

    /// <inheritdoc/>
    public void Broadcast<T>(Span<T> values, int root) where T : unmanaged => CheckRoot(root);

    /// <inheritdoc/>
    public void Allgather<T>(ReadOnlySpan<T> mine, Span<T> all) where T : unmanaged
    {
        CheckBlocks(mine.Length, all.Length, nameof(all));
        mine.CopyTo(all);
    }

    /// <inheritdoc/>
    public void Gather<T>(ReadOnlySpan<T> mine, Span<T> all, int root) where T : unmanaged
    {
        CheckRoot(root);
        Allgather(mine, all);
    }

    /// <inheritdoc/>
    public void Scatter<T>(ReadOnlySpan<T> all, Span<T> mine, int root) where T : unmanaged
    {
        CheckRoot(root);
        CheckBlocks(mine.Length, all.Length, nameof(all));
        all.CopyTo(mine);
    }

    /// <inheritdoc/>
    public void Barrier() { }

    /// <inheritdoc/>
    public void Abort(int exitCode) => Environment.Exit(exitCode);

    /// <summary>Nothing to release.</summary>
    public void Dispose() { }

    private static void CheckRoot(int root)
    {
        if (root != 0) throw new ArgumentOutOfRangeException(nameof(root), root, "The root must be a rank: 0 in a single process.");
    }

    private static void CheckBlocks(int block, int all, string name)
    {
        if (all != block) throw new ArgumentException($"{name} must hold Size × {block} = {block} elements, not {all}.", name);
    }
}
