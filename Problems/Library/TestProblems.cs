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
        // Classic problems (objective form).
        ("rosenbrock", _ => new Rosenbrock(), false),
        ("rosenbrock-ext", n => new ExtendedRosenbrock(n ?? ExtendedRosenbrock.DefaultDimension), true),
        ("beale", _ => new Beale(), false),
        ("himmelblau", _ => new Himmelblau(), false),
        ("booth", _ => new Booth(), false),
        ("matyas", _ => new Matyas(), false),
        ("saddle", _ => new Saddle(), false),
        ("monkey-saddle", _ => new MonkeySaddle(), false),
        ("quadratic", n => new Quadratic(n ?? Quadratic.DefaultDimension), true),

        // Global-optimization test functions with their standard domains (IBoundedObjective).
        ("rastrigin", n => new Rastrigin(n ?? BoxedTestProblem.DefaultDimension), true),
        ("ackley", n => new Ackley(n ?? BoxedTestProblem.DefaultDimension), true),
        ("schwefel", n => new Schwefel(n ?? BoxedTestProblem.DefaultDimension), true),
        ("griewank", n => new Griewank(n ?? BoxedTestProblem.DefaultDimension), true),

        // Moré–Garbow–Hillstrom (residual form), all 35 in the paper's order.
        ("mgh-rosenbrock", _ => new MghRosenbrock(), false),
        ("mgh-freudenstein-roth", _ => new FreudensteinRoth(), false),
        ("mgh-powell-badly-scaled", _ => new PowellBadlyScaled(), false),
        ("mgh-brown-badly-scaled", _ => new BrownBadlyScaled(), false),
        ("mgh-beale", _ => new MghBeale(), false),
        ("mgh-jennrich-sampson", _ => new JennrichSampson(), false),
        ("mgh-helical-valley", _ => new HelicalValley(), false),
        ("mgh-bard", _ => new Bard(), false),
        ("mgh-gaussian", _ => new Gaussian(), false),
        ("mgh-meyer", _ => new Meyer(), false),
        ("mgh-gulf", _ => new GulfResearch(), false),
        ("mgh-box3d", _ => new Box3D(), false),
        ("mgh-powell-singular", _ => new PowellSingular(), false),
        ("mgh-wood", _ => new Wood(), false),
        ("mgh-kowalik-osborne", _ => new KowalikOsborne(), false),
        ("mgh-brown-dennis", _ => new BrownDennis(), false),
        ("mgh-osborne1", _ => new Osborne1(), false),
        ("mgh-biggs-exp6", _ => new BiggsExp6(), false),
        ("mgh-osborne2", _ => new Osborne2(), false),
        ("mgh-watson", n => new Watson(n ?? Watson.DefaultDimension), true),
        ("mgh-extended-rosenbrock", n => new MghExtendedRosenbrock(n ?? MghExtendedRosenbrock.DefaultDimension), true),
        ("mgh-extended-powell", n => new ExtendedPowellSingular(n ?? ExtendedPowellSingular.DefaultDimension), true),
        ("mgh-penalty1", n => new PenaltyI(n ?? PenaltyI.DefaultDimension), true),
        ("mgh-penalty2", n => new PenaltyII(n ?? PenaltyII.DefaultDimension), true),
        ("mgh-variably-dimensioned", n => new VariablyDimensioned(n ?? VariablyDimensioned.DefaultDimension), true),
        ("mgh-trigonometric", n => new Trigonometric(n ?? Trigonometric.DefaultDimension), true),
        ("mgh-brown-almost-linear", n => new BrownAlmostLinear(n ?? BrownAlmostLinear.DefaultDimension), true),
        ("mgh-discrete-boundary-value", n => new DiscreteBoundaryValue(n ?? DiscreteBoundaryValue.DefaultDimension), true),
        ("mgh-discrete-integral-equation", n => new DiscreteIntegralEquation(n ?? DiscreteIntegralEquation.DefaultDimension), true),
        ("mgh-broyden-tridiagonal", n => new BroydenTridiagonal(n ?? BroydenTridiagonal.DefaultDimension), true),
        ("mgh-broyden-banded", n => new BroydenBanded(n ?? BroydenBanded.DefaultDimension), true),
        ("mgh-linear-full-rank", n => new LinearFullRank(n ?? LinearFullRank.DefaultDimension), true),
        ("mgh-linear-rank1", n => new LinearRank1(n ?? LinearRank1.DefaultDimension), true),
        ("mgh-linear-rank1-zero", n => new LinearRank1ZeroColumnsRows(n ?? LinearRank1ZeroColumnsRows.DefaultDimension), true),
        ("mgh-chebyquad", n => new Chebyquad(n ?? Chebyquad.DefaultDimension), true),
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
