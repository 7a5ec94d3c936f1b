namespace Optima;

/// <summary>
/// Where and how wide a run computes. One setting travels in every layer's options (<see cref="RunOptions.Compute"/>);
/// it is never a process-wide global.
/// </summary>
/// <remarks>
/// The thread convention, the same everywhere: <see cref="Threads"/> null = automatic (the library decides from the
/// size of the work and, for user code it cannot know to be thread-safe, stays on the calling thread), 1 = the calling
/// thread only, k &gt; 1 = at most k threads (<see cref="Environment.ProcessorCount"/> for all cores). Results do not depend
/// on the thread count, to the bit.
/// </remarks>
public sealed record ComputeOptions
{
    /// <summary>The defaults: automatic threads.</summary>
    public static ComputeOptions Default { get; } = new();

    /// <summary>The calling thread only.</summary>
    public static ComputeOptions Sequential { get; } = new() { Threads = 1 };

    /// <summary>Thread limit: null (default) = automatic, 1 = the calling thread only, k &gt; 1 = at most k threads.</summary>
    public int? Threads { get; init; }

    /// <summary>The limit in the form of <see cref="ParallelOptions.MaxDegreeOfParallelism"/>: -1 when automatic, else <see cref="Threads"/>.</summary>
    public int MaxDegreeOfParallelism => Threads ?? -1;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the invalid setting.</summary>
    public void Validate()
    {
        if (Threads is < 1)
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads,
                "Threads must be null (automatic), 1 (the calling thread only) or a positive thread limit.");
    }

    /// <inheritdoc/>
    public override string ToString() => Threads is { } t ? (t == 1 ? "1 thread" : $"at most {t} threads") : "automatic threads";
}
