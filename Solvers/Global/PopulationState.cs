using Optima.Problems;
using Optima.Problems.Data;

namespace Optima.Solvers.Global;

/// <summary>
/// What the population methods share: a row-major population of λ points in a box with their values, the seeded
/// generator (xoshiro256**, so a run is reproducible to the bit), the best point ever seen (<see cref="MethodState.X"/>,
/// <see cref="MethodState.Value"/>), and the population-spread convergence test.
/// </summary>
internal abstract class PopulationState : MethodState
{
    protected PopulationState(ReadOnlySpan<double> start, int size, BoxBounds bounds, ValueEvaluator f, ulong seed) : base(start)
    {
        N = start.Length;
        Size = size;
        Bounds = bounds;
        F = f;
        Rng = new Xoshiro256StarStar(seed);
        Members = new double[size * N];
        Values = new double[size];
    }

    protected int N { get; }
    protected int Size { get; }
    protected BoxBounds Bounds { get; }
    protected ValueEvaluator F { get; }
    protected Xoshiro256StarStar Rng { get; }
    protected double[] Members { get; }
    protected double[] Values { get; }

    public override bool UsesGradient => false;

    protected Span<double> Member(int i) => Members.AsSpan(i * N, N);

    /// <summary>Member 0 is the start; the others a Latin hypercube over the box (each variable's range cut into λ strata, one member per stratum).</summary>
    protected void LatinHypercube()
    {
        X.CopyTo(Member(0));
        for (int j = 0; j < N; j++)
        {
            double lo = Bounds.Lower[j], width = Bounds.Upper[j] - lo;
            for (int i = 1; i < Size; i++)
            {
                int other = 1 + Rng.NextInt(i); // Fisher–Yates over the strata 1 … λ−1, built in place
                Members[i * N + j] = Members[other * N + j];
                Members[other * N + j] = lo + width * ((i - 1) + Rng.NextDouble()) / (Size - 1);
            }
        }
    }

    /// <summary>Evaluates the whole population and sets the best; false when no member has a finite value.</summary>
    protected bool EvaluateAll()
    {
        F.Values(Members, N, 0, Size, Values);
        Value = double.PositiveInfinity;
        UpdateBest(0, Size);
        return double.IsFinite(Value);
    }

    /// <summary>Takes the best of members [from, from + count) as the best point when it improves on it. True when it did.</summary>
    protected bool UpdateBest(int from, int count)
    {
        int best = -1;
        double value = Value;
        for (int i = from; i < from + count; i++)
            if (Values[i] < value) { value = Values[i]; best = i; }
        if (best < 0) return false;
        Member(best).CopyTo(X);
        Value = value;
        return true;
    }

    /// <summary>The largest |fᵢ − f_best| over the population (+∞ when a member is not finite).</summary>
    protected double Spread()
    {
        double worst = Value;
        for (int i = 0; i < Size; i++) worst = Math.Max(worst, Values[i]);
        return worst - Value;
    }

    private readonly ConvergenceTest[] _tests = [new("population spread", 0, double.NaN, false)];

    /// <summary>The population-spread test (see <see cref="UpdateSpreadTest"/>).</summary>
    public override ReadOnlySpan<ConvergenceTest> ConvergenceTests => _tests;

    /// <summary>
    /// The population-spread test: met when every member's value is within tolerance·max(1, |f_best|) of the best; the
    /// driver then stops with <see cref="TerminationReason.MethodTolerance"/>.
    /// </summary>
    protected void UpdateSpreadTest(double tolerance)
    {
        double spread = Spread(), threshold = tolerance * Math.Max(1, Math.Abs(Value));
        StepSize = spread;
        _tests[0] = new("population spread", threshold, spread, spread <= threshold);
    }

    /// <summary>A uniform draw in the box for variable <paramref name="j"/>.</summary>
    protected double Uniform(int j) => Rng.NextDouble(Bounds.Lower[j], Bounds.Upper[j]);
}
