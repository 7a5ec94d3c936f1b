namespace Optima.Problems.Library;

/// <summary>
/// One Hock–Schittkowski problem (Hock and Schittkowski, Test Examples for Nonlinear Programming Codes, Lecture Notes in
/// Economics and Mathematical Systems 187, Springer 1981): the objective and constraints as expressions over x1 … xn, the
/// bounds, the published start and the published optimal value f*.
/// </summary>
/// <param name="Name">"hs001" … "hs113".</param>
/// <param name="Objective">f as an expression over x1 … xn.</param>
/// <param name="Constraints">The constraints as texts ("EXPR &gt;= 0", "EXPR = 0", as the book states them).</param>
/// <param name="Bounds">Bounds in <see cref="BoxBounds.Parse"/> syntax, or null.</param>
/// <param name="Start">The published starting point (it may violate the bounds; the methods project it).</param>
/// <param name="OptimalValue">The published f*.</param>
public sealed record HockSchittkowskiProblem(string Name, string Objective, string[] Constraints, string? Bounds, double[] Start, double OptimalValue)
{
    /// <summary>Number of variables.</summary>
    public int Dimension => Start.Length;

    /// <summary>The variable names x1 … xn.</summary>
    public IReadOnlyList<string> VariableNames => [.. Enumerable.Range(1, Dimension).Select(i => $"x{i}")];

    /// <summary>The problem, ready for a constrained method.</summary>
    public ConstrainedProblem Create() => ConstrainedProblem.FromExpressions(Objective, Constraints,
        Bounds is null ? null : BoxBounds.Parse(Bounds, VariableNames), VariableNames);
}

/// <summary>
/// A representative subset of the Hock–Schittkowski collection (63 problems: every kind — bounds only, equalities,
/// inequalities, mixed; n from 2 to 10), coded from the published statements. The same lines are read by
/// scripts/hs_scipy.py, which runs scipy's SLSQP and trust-constr on them.
/// </summary>
public static class HockSchittkowski
{
    private static readonly double S2 = Math.Sqrt(2), S3 = Math.Sqrt(3);

    /// <summary>The problems, in the book's order.</summary>
    public static IReadOnlyList<HockSchittkowskiProblem> All { get; } =
    [
        new("hs001", "100*(x2-x1^2)^2+(1-x1)^2", [], "x2=-1.5:inf", [-2, 1], 0),
        new("hs003", "x2+1e-5*(x2-x1)^2", [], "x2=0:inf", [10, 1], 0),
        new("hs004", "(x1+1)^3/3+x2", [], "x1=1:inf,x2=0:inf", [1.125, 0.125], 8.0 / 3),
        new("hs005", "sin(x1+x2)+(x1-x2)^2-1.5*x1+2.5*x2+1", [], "x1=-1.5:4,x2=-3:3", [0, 0], -0.5 * S3 - Math.PI / 3),
        new("hs006", "(1-x1)^2", ["10*(x2-x1^2) = 0"], null, [-1.2, 1], 0),
        new("hs007", "ln(1+x1^2)-x2", ["(1+x1^2)^2+x2^2-4 = 0"], null, [2, 2], -S3),
        new("hs008", "-1+0*x1+0*x2", ["x1^2+x2^2-25 = 0", "x1*x2-9 = 0"], null, [2, 1], -1),
        new("hs009", "sin(pi*x1/12)*cos(pi*x2/16)", ["4*x1-3*x2 = 0"], null, [0, 0], -0.5),
        new("hs010", "x1-x2", ["-3*x1^2+2*x1*x2-x2^2+1 >= 0"], null, [-10, 10], -1),
        new("hs011", "(x1-5)^2+x2^2-25", ["-x1^2+x2 >= 0"], null, [4.9, 0.1], -8.498464223),
        new("hs012", "0.5*x1^2+x2^2-x1*x2-7*x1-7*x2", ["25-4*x1^2-x2^2 >= 0"], null, [0, 0], -30),
        new("hs014", "(x1-2)^2+(x2-1)^2", ["-x1^2/4-x2^2+1 >= 0", "x1-2*x2+1 = 0"], null, [2, 2], 9 - 23 * Math.Sqrt(7) / 8),
        new("hs015", "100*(x2-x1^2)^2+(1-x1)^2", ["x1*x2-1 >= 0", "x1+x2^2 >= 0"], "x1=-inf:0.5", [-2, 1], 306.5),
        new("hs016", "100*(x2-x1^2)^2+(1-x1)^2", ["x1+x2^2 >= 0", "x1^2+x2 >= 0"], "x1=-0.5:0.5,x2=-inf:1", [-2, 1], 0.25),
        new("hs017", "100*(x2-x1^2)^2+(1-x1)^2", ["x2^2-x1 >= 0", "x1^2-x2 >= 0"], "x1=-0.5:0.5,x2=-inf:1", [-2, 1], 1),
        new("hs018", "0.01*x1^2+x2^2", ["x1*x2-25 >= 0", "x1^2+x2^2-25 >= 0"], "x1=2:50,x2=0:50", [2, 2], 5),
        new("hs019", "(x1-10)^3+(x2-20)^3", ["(x1-5)^2+(x2-5)^2-100 >= 0", "-(x2-5)^2-(x1-6)^2+82.81 >= 0"], "x1=13:100,x2=0:100", [20.1, 5.84], -6961.81381),
        new("hs020", "100*(x2-x1^2)^2+(1-x1)^2", ["x1+x2^2 >= 0", "x1^2+x2 >= 0", "x1^2+x2^2-1 >= 0"], "x1=-0.5:0.5", [-2, 1], 81.5 - 25 * S3),
        new("hs021", "0.01*x1^2+x2^2-100", ["10*x1-x2-10 >= 0"], "x1=2:50,x2=-50:50", [-1, -1], -99.96),
        new("hs022", "(x1-2)^2+(x2-1)^2", ["-x1-x2+2 >= 0", "-x1^2+x2 >= 0"], null, [2, 2], 1),
        new("hs023", "x1^2+x2^2", ["x1+x2-1 >= 0", "x1^2+x2^2-1 >= 0", "9*x1^2+x2^2-9 >= 0", "x1^2-x2 >= 0", "x2^2-x1 >= 0"], "-50:50", [3, 1], 2),
        new("hs024", "((x1-3)^2-9)*x2^3/(27*sqrt(3))", ["x1/sqrt(3)-x2 >= 0", "x1+sqrt(3)*x2 >= 0", "-x1-sqrt(3)*x2+6 >= 0"], "0:inf", [1, 0.5], -1),
        new("hs026", "(x1-x2)^2+(x2-x3)^4", ["(1+x2^2)*x1+x3^4-3 = 0"], null, [-2.6, 2, 2], 0),
        new("hs027", "0.01*(x1-1)^2+(x2-x1^2)^2", ["x1+x3^2+1 = 0"], null, [2, 2, 2], 0.04),
        new("hs028", "(x1+x2)^2+(x2+x3)^2", ["x1+2*x2+3*x3-1 = 0"], null, [-4, 1, 1], 0),
        new("hs029", "-x1*x2*x3", ["-x1^2-2*x2^2-4*x3^2+48 >= 0"], null, [1, 1, 1], -16 * S2),
        new("hs030", "x1^2+x2^2+x3^2", ["x1^2+x2^2-1 >= 0"], "x1=1:10,x2=-10:10,x3=-10:10", [1, 1, 1], 1),
        new("hs031", "9*x1^2+x2^2+9*x3^2", ["x1*x2-1 >= 0"], "x1=-10:10,x2=1:10,x3=-10:1", [1, 1, 1], 6),
        new("hs032", "(x1+3*x2+x3)^2+4*(x1-x2)^2", ["6*x2+4*x3-x1^3-3 >= 0", "1-x1-x2-x3 = 0"], "0:inf", [0.1, 0.7, 0.2], 1),
        new("hs033", "(x1-1)*(x1-2)*(x1-3)+x3", ["x3^2-x2^2-x1^2 >= 0", "x1^2+x2^2+x3^2-4 >= 0"], "x1=0:inf,x2=0:inf,x3=0:5", [0, 0, 3], S2 - 6),
        new("hs034", "-x1", ["x2-exp(x1) >= 0", "x3-exp(x2) >= 0"], "x1=0:100,x2=0:100,x3=0:10", [0, 1.05, 2.9], -Math.Log(Math.Log(10))),
        new("hs035", "9-8*x1-6*x2-4*x3+2*x1^2+2*x2^2+x3^2+2*x1*x2+2*x1*x3", ["3-x1-x2-2*x3 >= 0"], "0:inf", [0.5, 0.5, 0.5], 1.0 / 9),
        new("hs036", "-x1*x2*x3", ["72-x1-2*x2-2*x3 >= 0"], "x1=0:20,x2=0:11,x3=0:42", [10, 10, 10], -3300),
        new("hs037", "-x1*x2*x3", ["72-x1-2*x2-2*x3 >= 0", "x1+2*x2+2*x3 >= 0"], "0:42", [10, 10, 10], -3456),
        new("hs038", "100*(x2-x1^2)^2+(1-x1)^2+90*(x4-x3^2)^2+(1-x3)^2+10.1*((x2-1)^2+(x4-1)^2)+19.8*(x2-1)*(x4-1)", [], "-10:10", [-3, -1, -3, -1], 0),
        new("hs039", "-x1", ["x2-x1^3-x3^2 = 0", "x1^2-x2-x4^2 = 0"], null, [2, 2, 2, 2], -1),
        new("hs040", "-x1*x2*x3*x4", ["x1^3+x2^2-1 = 0", "x1^2*x4-x3 = 0", "x4^2-x2 = 0"], null, [0.8, 0.8, 0.8, 0.8], -0.25),
        new("hs041", "2-x1*x2*x3", ["x1+2*x2+2*x3-x4 = 0"], "x1=0:1,x2=0:1,x3=0:1,x4=0:2", [2, 2, 2, 2], 52.0 / 27),
        new("hs042", "(x1-1)^2+(x2-2)^2+(x3-3)^2+(x4-4)^2", ["x1-2 = 0", "x3^2+x4^2-2 = 0"], null, [1, 1, 1, 1], 28 - 10 * S2),
        new("hs043", "x1^2+x2^2+2*x3^2+x4^2-5*x1-5*x2-21*x3+7*x4", ["8-x1^2-x2^2-x3^2-x4^2-x1+x2-x3+x4 >= 0", "10-x1^2-2*x2^2-x3^2-2*x4^2+x1+x4 >= 0", "5-2*x1^2-x2^2-x3^2-2*x1+x2+x4 >= 0"], null, [0, 0, 0, 0], -44),
        new("hs044", "x1-x2-x3-x1*x3+x1*x4+x2*x3-x2*x4", ["8-x1-2*x2 >= 0", "12-4*x1-x2 >= 0", "12-3*x1-4*x2 >= 0", "8-2*x3-x4 >= 0", "8-x3-2*x4 >= 0", "5-x3-x4 >= 0"], "0:inf", [0, 0, 0, 0], -15),
        new("hs045", "2-x1*x2*x3*x4*x5/120", [], "x1=0:1,x2=0:2,x3=0:3,x4=0:4,x5=0:5", [2, 2, 2, 2, 2], 1),
        new("hs046", "(x1-x2)^2+(x3-1)^2+(x4-1)^4+(x5-1)^6", ["x1^2*x4+sin(x4-x5)-1 = 0", "x2+x3^4*x4^2-2 = 0"], null, [0.5 * S2, 1.75, 0.5, 2, 2], 0),
        new("hs047", "(x1-x2)^2+(x2-x3)^3+(x3-x4)^4+(x4-x5)^4", ["x1+x2^2+x3^3-3 = 0", "x2-x3^2+x4-1 = 0", "x1*x5-1 = 0"], null, [2, S2, -1, 2 - S2, 0.5], 0),
        new("hs048", "(x1-1)^2+(x2-x3)^2+(x4-x5)^2", ["x1+x2+x3+x4+x5-5 = 0", "x3-2*(x4+x5)+3 = 0"], null, [3, 5, -3, 2, -2], 0),
        new("hs049", "(x1-x2)^2+(x3-1)^2+(x4-1)^4+(x5-1)^6", ["x1+x2+x3+4*x4-7 = 0", "x3+5*x5-6 = 0"], null, [10, 7, 2, -3, 0.8], 0),
        new("hs050", "(x1-x2)^2+(x2-x3)^2+(x3-x4)^4+(x4-x5)^2", ["x1+2*x2+3*x3-6 = 0", "x2+2*x3+3*x4-6 = 0", "x3+2*x4+3*x5-6 = 0"], null, [35, -31, 11, 5, -5], 0),
        new("hs051", "(x1-x2)^2+(x2+x3-2)^2+(x4-1)^2+(x5-1)^2", ["x1+3*x2-4 = 0", "x3+x4-2*x5 = 0", "x2-x5 = 0"], null, [2.5, 0.5, 2, -1, 0.5], 0),
        new("hs052", "(4*x1-x2)^2+(x2+x3-2)^2+(x4-1)^2+(x5-1)^2", ["x1+3*x2 = 0", "x3+x4-2*x5 = 0", "x2-x5 = 0"], null, [2, 2, 2, 2, 2], 1859.0 / 349),
        new("hs053", "(x1-x2)^2+(x2+x3-2)^2+(x4-1)^2+(x5-1)^2", ["x1+3*x2 = 0", "x3+x4-2*x5 = 0", "x2-x5 = 0"], "-10:10", [2, 2, 2, 2, 2], 176.0 / 43),
        new("hs056", "-x1*x2*x3", ["x1-4.2*sin(x4)^2 = 0", "x2-4.2*sin(x5)^2 = 0", "x3-4.2*sin(x6)^2 = 0", "x1+2*x2+2*x3-7.2*sin(x7)^2 = 0"], null,
            [1, 1, 1, Math.Asin(Math.Sqrt(1 / 4.2)), Math.Asin(Math.Sqrt(1 / 4.2)), Math.Asin(Math.Sqrt(1 / 4.2)), Math.Asin(Math.Sqrt(5 / 7.2))], -3.456),
        new("hs060", "(x1-1)^2+(x1-x2)^2+(x2-x3)^4", ["x1*(1+x2^2)+x3^4-4-3*sqrt(2) = 0"], "-10:10", [2, 2, 2], 0.0325682002513),
        new("hs061", "4*x1^2+2*x2^2+2*x3^2-33*x1+16*x2-24*x3", ["3*x1-2*x2^2-7 = 0", "4*x1-x3^2-11 = 0"], null, [0, 0, 0], -143.646142201),
        new("hs063", "1000-x1^2-2*x2^2-x3^2-x1*x2-x1*x3", ["8*x1+14*x2+7*x3-56 = 0", "x1^2+x2^2+x3^2-25 = 0"], "0:inf", [2, 2, 2], 961.715172127),
        new("hs065", "(x1-x2)^2+(x1+x2-10)^2/9+(x3-5)^2", ["48-x1^2-x2^2-x3^2 >= 0"], "x1=-4.5:4.5,x2=-4.5:4.5,x3=-5:5", [-5, 5, 0], 0.953528856757),
        new("hs066", "0.2*x3-0.8*x1", ["x2-exp(x1) >= 0", "x3-exp(x2) >= 0"], "x1=0:100,x2=0:100,x3=0:10", [0, 1.05, 2.9], 0.518163274159),
        new("hs071", "x1*x4*(x1+x2+x3)+x3", ["x1*x2*x3*x4-25 >= 0", "x1^2+x2^2+x3^2+x4^2-40 = 0"], "1:5", [1, 5, 5, 1], 17.0140172891),
        new("hs076", "x1^2+0.5*x2^2+x3^2+0.5*x4^2-x1*x3+x3*x4-x1-3*x2+x3-x4", ["5-x1-2*x2-x3-x4 >= 0", "4-3*x1-x2-2*x3+x4 >= 0", "x2+4*x3-1.5 >= 0"], "0:inf", [0.5, 0.5, 0.5, 0.5], -4.68181818182),
        new("hs077", "(x1-1)^2+(x1-x2)^2+(x3-1)^2+(x4-1)^4+(x5-1)^6", ["x1^2*x4+sin(x4-x5)-2*sqrt(2) = 0", "x2+x3^4*x4^2-8-sqrt(2) = 0"], null, [2, 2, 2, 2, 2], 0.241505128786),
        new("hs078", "x1*x2*x3*x4*x5", ["x1^2+x2^2+x3^2+x4^2+x5^2-10 = 0", "x2*x3-5*x4*x5 = 0", "x1^3+x2^3+1 = 0"], null, [-2, 1.5, 2, -1, -1], -2.91970040911),
        new("hs079", "(x1-1)^2+(x1-x2)^2+(x2-x3)^2+(x3-x4)^4+(x4-x5)^4", ["x1+x2^2+x3^3-2-3*sqrt(2) = 0", "x2-x3^2+x4+2-2*sqrt(2) = 0", "x1*x5-2 = 0"], null, [2, 2, 2, 2, 2], 0.0787768208538),
        new("hs100", "(x1-10)^2+5*(x2-12)^2+x3^4+3*(x4-11)^2+10*x5^6+7*x6^2+x7^4-4*x6*x7-10*x6-8*x7", ["127-2*x1^2-3*x2^4-x3-4*x4^2-5*x5 >= 0", "282-7*x1-3*x2-10*x3^2-x4+x5 >= 0", "196-23*x1-x2^2-6*x6^2+8*x7 >= 0", "-4*x1^2-x2^2+3*x1*x2-2*x3^2-5*x6+11*x7 >= 0"], null, [1, 2, 0, 4, 0, 1, 1], 680.630057374),
        new("hs113", "x1^2+x2^2+x1*x2-14*x1-16*x2+(x3-10)^2+4*(x4-5)^2+(x5-3)^2+2*(x6-1)^2+5*x7^2+7*(x8-11)^2+2*(x9-10)^2+(x10-7)^2+45", ["105-4*x1-5*x2+3*x7-9*x8 >= 0", "-10*x1+8*x2+17*x7-2*x8 >= 0", "8*x1-2*x2-5*x9+2*x10+12 >= 0", "-3*(x1-2)^2-4*(x2-3)^2-2*x3^2+7*x4+120 >= 0", "-5*x1^2-8*x2-(x3-6)^2+2*x4+40 >= 0", "-0.5*(x1-8)^2-2*(x2-4)^2-3*x5^2+x6+30 >= 0", "-x1^2-2*(x2-2)^2+2*x1*x2-14*x5+6*x6 >= 0", "3*x1-6*x2-12*(x9-8)^2+7*x10 >= 0"], null, [2, 3, 5, 5, 1, 2, 7, 3, 6, 10], 24.3062090682),
    ];

    /// <summary>The problem called <paramref name="name"/> ("hs071").</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static HockSchittkowskiProblem Get(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown Hock–Schittkowski problem '{name}'; known: {string.Join(", ", All.Select(p => p.Name))}.", nameof(name));
}
