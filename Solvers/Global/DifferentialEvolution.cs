using Optima.Problems;

namespace Optima.Solvers.Global;

/// <summary>The mutation of <see cref="DifferentialEvolution"/>.</summary>
public enum DifferentialEvolutionStrategy
{
    /// <summary>best/1/bin: v = x_best + F·(x_r1 − x_r2), binomial crossover (SciPy's default; fast, greedier).</summary>
    Best1Bin,
    /// <summary>rand/1/bin: v = x_r0 + F·(x_r1 − x_r2), binomial crossover (Storn and Price's classic; more exploratory).</summary>
    Rand1Bin,
}

/// <summary>
/// Differential evolution (Storn and Price, J. Global Optim. 11, 1997) on a box: each generation builds one trial per
/// member by mutation (<see cref="Strategy"/>) and binomial crossover with rate <see cref="CrossoverRate"/>, and a trial
/// replaces its member when it is no worse. One driver iteration is one generation (λ evaluations, over
/// <see cref="ComputeOptions.Threads"/>; the result does not depend on the thread count).
/// </summary>
/// <remarks>
/// <para>Defaults follow SciPy's <c>differential_evolution</c>: best/1/bin, λ = 15n, F drawn per generation from
/// U[0.5, 1) ("dither"), CR = 0.7, a Latin-hypercube start (member 0 is the given start), and a trial coordinate that
/// leaves the box is redrawn uniformly inside it. Bounds are part of the problem (an <see cref="IBoundedObjective"/>
/// with finite ends). The run converges when the population's values agree to <see cref="ValueTolerance"/>·max(1, |f_best|)
/// (<see cref="TerminationReason.MethodTolerance"/>, test "population spread"); otherwise it runs to the iteration/evaluation limit. Randomness
/// comes from <see cref="RunOptions.Seed"/>. A NaN or ±∞ value ranks worst and is counted in the message.</para>
/// </remarks>
public sealed record DifferentialEvolution : IMinimizer<IObjective>
{
    /// <inheritdoc/>
    public string Name => "de";

    /// <summary>The mutation strategy. Default <see cref="DifferentialEvolutionStrategy.Best1Bin"/>.</summary>
    public DifferentialEvolutionStrategy Strategy { get; init; } = DifferentialEvolutionStrategy.Best1Bin;

    /// <summary>λ; null (default) = 15n. At least max(5, n + 1), so the difference vectors can span the space.</summary>
    public int? PopulationSize { get; init; }

    /// <summary>The differential weight F; null (default) = drawn per generation from U[0.5, 1).</summary>
    public double? Weight { get; init; }

    /// <summary>Binomial crossover rate CR. Default 0.7.</summary>
    public double CrossoverRate { get; init; } = 0.7;

    /// <summary>Relative spread of the population's values at which the run stops. Default 1e-12.</summary>
    public double ValueTolerance { get; init; } = 1e-12;

    /// <inheritdoc/>
    public OptimizationResult Minimize(IObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        var bounds = SearchChecks.FiniteBox(problem, start, Name);
        options ??= new SolverOptions();
        int n = start.Length, size = PopulationSize ?? 15 * n;
        SearchChecks.Population(size, Math.Max(5, n + 1), n, Name, "max(5, n + 1): four others to mutate from, and differences that span ℝⁿ");
        if (Weight is { } w && !(w > 0 && w <= 2)) throw new ArgumentOutOfRangeException(nameof(Weight), w, "The weight F must lie in (0, 2].");
        SearchChecks.Probability(CrossoverRate, nameof(CrossoverRate));
        if (!(ValueTolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(ValueTolerance), ValueTolerance, "ValueTolerance must be ≥ 0.");
        return ValueEvaluator.Run(Name, problem, start, options, (f, x) => new State(this, x, size, bounds, f, options.Seed));
    }

    private sealed class State(DifferentialEvolution m, ReadOnlySpan<double> start, int size, BoxBounds bounds, ValueEvaluator f, ulong seed)
        : PopulationState(start, size, bounds, f, seed)
    {
        private readonly double[] _trials = new double[size * start.Length], _trialValues = new double[size];
        private int _best;

        public override bool Initialize()
        {
            LatinHypercube();
            bool ok = EvaluateAll();
            _best = IndexOfBest();
            return ok;
        }

        private int IndexOfBest()
        {
            int b = 0;
            for (int i = 1; i < Size; i++) if (Values[i] < Values[b]) b = i;
            return b;
        }

        public override StepStatus Iterate()
        {
            double weight = m.Weight ?? Rng.NextDouble(0.5, 1.0);
            for (int i = 0; i < Size; i++)
            {
                int r0, r1, r2;
                do r0 = Rng.NextInt(Size); while (r0 == i);
                do r1 = Rng.NextInt(Size); while (r1 == i || r1 == r0);
                do r2 = Rng.NextInt(Size); while (r2 == i || r2 == r0 || r2 == r1);
                int baseIndex = m.Strategy == DifferentialEvolutionStrategy.Best1Bin ? _best : r0;
                int forced = Rng.NextInt(N);
                var trial = _trials.AsSpan(i * N, N);
                for (int j = 0; j < N; j++)
                {
                    // Draw the crossover coin for every coordinate, so the stream does not depend on earlier outcomes' values.
                    bool cross = Rng.NextDouble() < m.CrossoverRate || j == forced;
                    double v = cross ? Members[baseIndex * N + j] + weight * (Members[r1 * N + j] - Members[r2 * N + j]) : Members[i * N + j];
                    trial[j] = v >= Bounds.Lower[j] && v <= Bounds.Upper[j] ? v : Uniform(j);
                }
            }
            F.Values(_trials, N, 0, Size, _trialValues);
            for (int i = 0; i < Size; i++)
                if (_trialValues[i] <= Values[i])
                {
                    _trials.AsSpan(i * N, N).CopyTo(Member(i));
                    Values[i] = _trialValues[i];
                }
            _best = IndexOfBest();
            bool improved = UpdateBest(_best, 1);
            UpdateSpreadTest(m.ValueTolerance);
            return improved ? StepStatus.Accepted : StepStatus.Rejected;
        }
    }
}
