using System.Globalization;

namespace Optima.Solvers.Sampling;

/// <summary>
/// Options of a Markov-chain Monte Carlo run (<see cref="MetropolisHastings"/>, <see cref="HamiltonianMonteCarlo"/>):
/// how many chains, how many warm-up iterations (adaptation, discarded) and kept draws per chain, where the chains
/// start, on top of the shared run options (<see cref="RunOptions"/>: seed, threads, time limit, cancellation).
/// </summary>
/// <remarks>
/// The chains are independent: chain c draws from its own xoshiro256** stream seeded from (<see cref="RunOptions.Seed"/>, c),
/// so the result is the same to the bit whatever <see cref="ComputeOptions.Threads"/> is. Threads: null (automatic) runs
/// the chains one after another on the calling thread (user code is not assumed thread-safe); k &gt; 1 runs up to k
/// chains at once, calling the target from several threads. <see cref="RunOptions.MaxIterations"/> and
/// <see cref="RunOptions.MaxEvaluations"/> are not used: <see cref="Warmup"/> + <see cref="Samples"/> is the work.
/// </remarks>
public sealed record SamplerOptions : RunOptions
{
    /// <summary>Kept draws per chain, after the warm-up. Default 1000.</summary>
    public int Samples { get; init; } = 1000;

    /// <summary>Warm-up iterations per chain (the proposal or step size adapts; the draws are discarded). Default 1000.</summary>
    public int Warmup { get; init; } = 1000;

    /// <summary>Number of chains (at least 1; split-R̂ wants 4 or more). Default 4.</summary>
    public int Chains { get; init; } = 4;

    /// <summary>
    /// The start of each chain (one point per chain, each of the target's dimension), or null: every chain starts at the
    /// start point given to <c>Sample</c>, moved by <see cref="InitialSpread"/>.
    /// </summary>
    public IReadOnlyList<double[]>? ChainStarts { get; init; }

    /// <summary>
    /// Chains other than the first start at x₀ + <see cref="InitialSpread"/>·max(1, |x₀ᵢ|)·zᵢ with zᵢ standard normal
    /// (redrawn up to 100 times where the density is zero or not finite, then x₀). Default 0: every chain starts at x₀.
    /// </summary>
    public double InitialSpread { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        if (Samples < 1) throw new ArgumentOutOfRangeException(nameof(Samples), Samples, "Samples (kept draws per chain) must be at least 1.");
        if (Warmup < 0) throw new ArgumentOutOfRangeException(nameof(Warmup), Warmup, "Warmup must be zero or positive.");
        if (Chains < 1) throw new ArgumentOutOfRangeException(nameof(Chains), Chains, "Chains must be at least 1.");
        if ((long)Samples * Chains > 100_000_000)
            throw new ArgumentOutOfRangeException(nameof(Samples), Samples, $"Samples × Chains = {(long)Samples * Chains} draws is more than the 10⁸ a run keeps.");
        if (!(InitialSpread >= 0) || double.IsInfinity(InitialSpread))
            throw new ArgumentOutOfRangeException(nameof(InitialSpread), InitialSpread,
                $"InitialSpread must be a finite number ≥ 0, not {InitialSpread.ToString(CultureInfo.InvariantCulture)}.");
        if (ChainStarts is { } starts && starts.Count != Chains)
            throw new ArgumentException($"ChainStarts has {starts.Count} points but there are {Chains} chains.", nameof(ChainStarts));
        base.Validate();
    }
}
