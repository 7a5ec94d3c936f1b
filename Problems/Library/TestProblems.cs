using Optima.Problems.Library.Mgh;

namespace Optima.Problems.Library;

/// <summary>
/// The catalogue of library problems, by name. Each call creates fresh instances (problems hold buffers and are
/// not thread-safe).
/// </summary>
public static class TestProblems
{
    private static readonly (string Name, Func<int?, TestProblem> Create, bool Scalable)[] Entries =
    [
        ("rosenbrock", _ => new Rosenbrock(), false),
        ("mgh-freudenstein-roth", _ => new FreudensteinRoth(), false),
    ];

    /// <summary>Names of every problem in the catalogue.</summary>
    public static IReadOnlyList<string> Names => Entries.Select(e => e.Name).ToArray();

    /// <summary>One instance of every problem, at its default dimension.</summary>
    public static IReadOnlyList<TestProblem> All() => Entries.Select(e => e.Create(null)).ToArray();

    /// <summary>Every problem given in residual (least-squares) form: the Moré–Garbow–Hillstrom set and friends.</summary>
    public static IReadOnlyList<LeastSquaresTestProblem> LeastSquares() => All().OfType<LeastSquaresTestProblem>().ToArray();

    /// <summary>
    /// The problem called <paramref name="name"/> (case-insensitive), at dimension <paramref name="dimension"/> for
    /// the scalable ones (extended Rosenbrock, Watson, Chebyquad …).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name (the message lists the known ones), or a dimension the problem does not accept.</exception>
    public static TestProblem Get(string name, int? dimension = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        foreach (var e in Entries)
            if (string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                if (dimension is not null && !e.Scalable)
                {
                    var p = e.Create(null);
                    if (p.Dimension != dimension)
                        throw new ArgumentException($"Problem '{e.Name}' has fixed dimension {p.Dimension}; {dimension} was asked for.", nameof(dimension));
                    return p;
                }
                return e.Create(dimension);
            }
        throw new ArgumentException($"Unknown problem '{name}'. Known problems: {string.Join(", ", Names)}.", nameof(name));
    }
}
