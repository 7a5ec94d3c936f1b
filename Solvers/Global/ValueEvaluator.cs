using Optima.Problems;
using Optima.Solvers.Internal;

namespace Optima.Solvers.Global;

/// <summary>
/// f for the value-only methods (derivative-free and global): counts every evaluation, ranks a NaN or ±∞ value as the
/// worst possible (+∞) and counts it, and evaluates a population over threads when the options allow, with results
/// independent of the thread count (each member's value depends only on its point).
/// </summary>
internal sealed class ValueEvaluator
{
    private readonly IObjective _problem;
    private readonly ParallelOptions? _parallel;

    /// <summary>Evaluates <paramref name="problem"/> (the driver's counted view) with the options' thread setting.</summary>
    public ValueEvaluator(IObjective problem, SolverOptions options)
    {
        _problem = problem;
        if (options.Compute.Threads is > 1) _parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Compute.Threads.Value };
    }

    /// <summary>Evaluations that returned NaN or ±∞ (ranked worst).</summary>
    public long NonFinite { get; private set; }

    /// <summary>Evaluations so far (the driver counts them too; a method reads this for budgets of its own).</summary>
    public long Calls { get; private set; }

    /// <summary>f(x), or +∞ when f is not finite.</summary>
    public double Value(ReadOnlySpan<double> x)
    {
        Calls++;
        double f = _problem.Value(x);
        if (double.IsFinite(f)) return f;
        NonFinite++;
        return double.PositiveInfinity;
    }

    /// <summary>Evaluates members [<paramref name="from"/>, <paramref name="from"/> + <paramref name="count"/>) of a row-major population.</summary>
    public void Values(double[] points, int n, int from, int count, double[] values)
    {
        if (_parallel is not null && count > 1)
            Parallel.For(from, from + count, _parallel, i => values[i] = _problem.Value(points.AsSpan(i * n, n)));
        else
            for (int i = from; i < from + count; i++) values[i] = _problem.Value(points.AsSpan(i * n, n));
        Calls += count;
        for (int i = from; i < from + count; i++)
            if (!double.IsFinite(values[i]))
            {
                NonFinite++;
                values[i] = double.PositiveInfinity;
            }
    }

    /// <summary>
    /// Runs the state <paramref name="create"/> builds over an evaluator of the driver's counted problem, and adds the
    /// count of non-finite values to the result's message.
    /// </summary>
    public static OptimizationResult Run(string method, IObjective problem, ReadOnlySpan<double> start, SolverOptions options,
        Func<ValueEvaluator, ReadOnlySpan<double>, MethodState> create)
    {
        ValueEvaluator? f = null;
        var result = IterativeDriver.Run(method, problem, start, (p, x) => create(f = new ValueEvaluator(p, options), x), options);
        if (f is null || f.NonFinite == 0) return result;
        string note = $"{f.NonFinite} evaluation(s) returned NaN or ±∞ and were ranked worst.";
        return result with { Message = result.Message is null ? note : result.Message + " " + note };
    }
}

/// <summary>Argument checks of the value-only methods.</summary>
internal static class SearchChecks
{
    /// <summary>The usual start checks, plus: the problem's box (when it has one) fits and contains the start.</summary>
    public static BoxBounds? Start(IObjective problem, ReadOnlySpan<double> start)
    {
        MethodChecks.Start(problem, start);
        if (problem is not IBoundedObjective { Bounds: { } bounds }) return null;
        if (bounds.Dimension != problem.Dimension)
            throw new ArgumentException($"The bounds have dimension {bounds.Dimension} but the problem {problem.Dimension}.", nameof(problem));
        for (int i = 0; i < start.Length; i++)
            if (!bounds[i].Contains(start[i]))
                throw new ArgumentException(FormattableString.Invariant($"The start x[{i}] = {start[i]} lies outside its bounds {bounds[i]}."), nameof(start));
        return bounds;
    }

    /// <summary>As <see cref="Start"/>, and the method needs a finite box (it samples from it).</summary>
    public static BoxBounds FiniteBox(IObjective problem, ReadOnlySpan<double> start, string method)
    {
        var bounds = Start(problem, start)
            ?? throw new ArgumentException($"Method '{method}' searches a box: give the problem bounds (an IBoundedObjective, e.g. new BoundedObjective(f, bounds); CLI: --bounds x=lo:hi,…).", nameof(problem));
        bounds.RequireFinite($"Method '{method}'");
        return bounds;
    }

    /// <summary>Throws when a population of <paramref name="size"/> is below <paramref name="minimum"/> for dimension <paramref name="n"/>.</summary>
    public static void Population(int size, int minimum, int n, string method, string why)
    {
        if (size < minimum)
            throw new ArgumentException($"The population size {size} is too small for method '{method}' in dimension {n}: it needs at least {minimum} members ({why}).", "PopulationSize");
    }

    /// <summary>Throws unless 0 ≤ <paramref name="value"/> ≤ 1.</summary>
    public static void Probability(double value, string name)
    {
        if (!(value >= 0 && value <= 1))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a probability in [0, 1].");
    }
}
