using Optima.Problems;

namespace Optima.Solvers.Global;

/// <summary>
/// A real-coded genetic algorithm on a box (Deb, Multi-Objective Optimization using Evolutionary Algorithms, 2001, ch. 4):
/// binary tournament selection, simulated binary crossover (SBX, Deb and Agrawal, Complex Systems 9, 1995, in its
/// bounded form), polynomial mutation (Deb and Goyal 1996, bounded form) and elitism (the best members survive
/// unchanged). One driver iteration is one generation (λ − elites evaluations, over <see cref="ComputeOptions.Threads"/>;
/// the result does not depend on the thread count).
/// </summary>
/// <remarks>
/// Bounds are part of the problem (an <see cref="IBoundedObjective"/> with finite ends); the first population is a
/// Latin hypercube with the start as member 0. The run converges when the population's values agree to
/// <see cref="ValueTolerance"/>·max(1, |f_best|) (<see cref="TerminationReason.MethodTolerance"/>, test "population spread"); otherwise it runs
/// to the iteration/evaluation limit. Randomness comes from <see cref="RunOptions.Seed"/>. A NaN or ±∞ value ranks
/// worst and is counted in the message.
/// </remarks>
public sealed record GeneticAlgorithm : IMinimizer<IObjective>
{
    /// <inheritdoc/>
    public string Name => "ga";

    /// <summary>λ; null (default) = max(50, 10n). At least max(4, n + 1).</summary>
    public int? PopulationSize { get; init; }

    /// <summary>Members compared in each tournament. Default 2.</summary>
    public int TournamentSize { get; init; } = 2;

    /// <summary>Probability that a pair of parents is crossed (else copied). Default 0.9.</summary>
    public double CrossoverProbability { get; init; } = 0.9;

    /// <summary>SBX distribution index η_c (larger: children nearer their parents). Default 15.</summary>
    public double CrossoverIndex { get; init; } = 15;

    /// <summary>Polynomial-mutation distribution index η_m. Default 20.</summary>
    public double MutationIndex { get; init; } = 20;

    /// <summary>Per-variable mutation probability; null (default) = 1/n.</summary>
    public double? MutationProbability { get; init; }

    /// <summary>Members copied unchanged into the next generation; null (default) = max(1, λ/10).</summary>
    public int? Elites { get; init; }

    /// <summary>Relative spread of the population's values at which the run stops. Default 1e-12.</summary>
    public double ValueTolerance { get; init; } = 1e-12;

    /// <inheritdoc/>
    public OptimizationResult Minimize(IObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        var bounds = SearchChecks.FiniteBox(problem, start, Name);
        options ??= new SolverOptions();
        int n = start.Length, size = PopulationSize ?? Math.Max(50, 10 * n);
        SearchChecks.Population(size, Math.Max(4, n + 1), n, Name, "max(4, n + 1): parents for crossover, and members that span ℝⁿ");
        int elites = Elites ?? Math.Max(1, size / 10);
        if (elites < 0 || elites >= size) throw new ArgumentOutOfRangeException(nameof(Elites), elites, $"Elites must lie in [0, {size}).");
        if (TournamentSize < 1 || TournamentSize > size) throw new ArgumentOutOfRangeException(nameof(TournamentSize), TournamentSize, $"TournamentSize must lie in [1, {size}].");
        SearchChecks.Probability(CrossoverProbability, nameof(CrossoverProbability));
        SearchChecks.Probability(MutationProbability ?? 0, nameof(MutationProbability));
        if (!(CrossoverIndex >= 0) || !(MutationIndex >= 0) || double.IsInfinity(CrossoverIndex) || double.IsInfinity(MutationIndex))
            throw new ArgumentOutOfRangeException(nameof(CrossoverIndex), "The distribution indices must be finite and ≥ 0.");
        if (!(ValueTolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(ValueTolerance), ValueTolerance, "ValueTolerance must be ≥ 0.");
        return ValueEvaluator.Run(Name, problem, start, options, (f, x) => new State(this, x, size, elites, bounds, f, options.Seed));
    }

    private sealed class State(GeneticAlgorithm m, ReadOnlySpan<double> start, int size, int elites, BoxBounds bounds, ValueEvaluator f, ulong seed)
        : PopulationState(start, size, bounds, f, seed)
    {
        private readonly double[] _next = new double[size * start.Length], _nextValues = new double[size];
        private readonly int[] _rank = new int[size];
        private readonly double _mutation = m.MutationProbability ?? 1.0 / start.Length;
        private Comparison<int>? _byValue;

        public override bool Initialize()
        {
            LatinHypercube();
            return EvaluateAll();
        }

        private int Tournament()
        {
            int winner = Rng.NextInt(Size);
            for (int k = 1; k < m.TournamentSize; k++)
            {
                int other = Rng.NextInt(Size);
                if (Values[other] < Values[winner]) winner = other;
            }
            return winner;
        }

        public override StepStatus Iterate()
        {
            // Elites: the best members by value (ties by index), copied unchanged.
            for (int i = 0; i < Size; i++) _rank[i] = i;
            _byValue ??= (a, b) => Values[a] != Values[b] ? Values[a].CompareTo(Values[b]) : a.CompareTo(b);
            Array.Sort(_rank, _byValue);
            for (int e = 0; e < elites; e++)
            {
                Member(_rank[e]).CopyTo(_next.AsSpan(e * N, N));
                _nextValues[e] = Values[_rank[e]];
            }
            for (int c = elites; c < Size; c += 2)
            {
                var p1 = Member(Tournament());
                var p2 = Member(Tournament());
                var c1 = _next.AsSpan(c * N, N);
                Span<double> c2 = c + 1 < Size ? _next.AsSpan((c + 1) * N, N) : Span<double>.Empty;
                bool cross = Rng.NextDouble() < m.CrossoverProbability;
                for (int j = 0; j < N; j++)
                {
                    double a = p1[j], b = p2[j], u = Rng.NextDouble(), swap = Rng.NextDouble();
                    if (cross && u <= 0.5 && Math.Abs(a - b) > 1e-14) // each variable crossed with probability ½ (Deb's convention)
                        (a, b) = Sbx(a, b, j);
                    if (swap < 0.5) (a, b) = (b, a);
                    c1[j] = Mutate(a, j);
                    if (!c2.IsEmpty) c2[j] = Mutate(b, j);
                }
            }
            F.Values(_next, N, elites, Size - elites, _nextValues);
            _next.AsSpan().CopyTo(Members);
            _nextValues.AsSpan().CopyTo(Values);
            bool improved = UpdateBest(0, Size);
            UpdateSpreadTest(m.ValueTolerance);
            return improved ? StepStatus.Accepted : StepStatus.Rejected;
        }

        /// <summary>Bounded SBX of one variable (Deb's NSGA-II realcross).</summary>
        private (double, double) Sbx(double a, double b, int j)
        {
            double y1 = Math.Min(a, b), y2 = Math.Max(a, b), lo = Bounds.Lower[j], hi = Bounds.Upper[j], eta = m.CrossoverIndex;
            double r = Rng.NextDouble();
            double beta = 1 + 2 * (y1 - lo) / (y2 - y1), alpha = 2 - Math.Pow(beta, -(eta + 1));
            double bq = r <= 1 / alpha ? Math.Pow(r * alpha, 1 / (eta + 1)) : Math.Pow(1 / (2 - r * alpha), 1 / (eta + 1));
            double c1 = 0.5 * (y1 + y2 - bq * (y2 - y1));
            beta = 1 + 2 * (hi - y2) / (y2 - y1);
            alpha = 2 - Math.Pow(beta, -(eta + 1));
            bq = r <= 1 / alpha ? Math.Pow(r * alpha, 1 / (eta + 1)) : Math.Pow(1 / (2 - r * alpha), 1 / (eta + 1));
            double c2 = 0.5 * (y1 + y2 + bq * (y2 - y1));
            return (Math.Clamp(c1, lo, hi), Math.Clamp(c2, lo, hi));
        }

        /// <summary>Bounded polynomial mutation of one variable with probability 1/n (Deb's NSGA-II real_mutate).</summary>
        private double Mutate(double y, int j)
        {
            double coin = Rng.NextDouble(), r = Rng.NextDouble();
            if (coin >= _mutation) return y;
            double lo = Bounds.Lower[j], hi = Bounds.Upper[j], width = hi - lo, eta = m.MutationIndex, power = 1 / (eta + 1);
            if (!(width > 0)) return y;
            double d1 = (y - lo) / width, d2 = (hi - y) / width, dq;
            if (r < 0.5)
                dq = Math.Pow(2 * r + (1 - 2 * r) * Math.Pow(1 - d1, eta + 1), power) - 1;
            else
                dq = 1 - Math.Pow(2 * (1 - r) + 2 * (r - 0.5) * Math.Pow(1 - d2, eta + 1), power);
            return Math.Clamp(y + dq * width, lo, hi);
        }
    }
}
