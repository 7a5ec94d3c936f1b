using FsCheck;
using FsCheck.Fluent;
using Optima.Problems;
using Optima.Problems.Library;
using Optima.Solvers;
using Optima.Solvers.DerivativeFree;
using Xunit;

namespace Optima.Tests.Global;

public class DerivativeFreeTests
{
    private static readonly SolverOptions Harness = new() { MaxIterations = 20_000, MaxEvaluations = 20_000 };

    private static bool Reached(TestProblem p, double f) =>
        p.KnownMinimum is { } fStar && Math.Abs(f - fStar) <= 1e-8 * Math.Max(1, Math.Abs(fStar));

    /// <summary>The low-dimensional MGH problems (n ≤ 4) from the standard start, success as in the MGH harness.</summary>
    [Theory]
    [InlineData("nelder-mead", "mgh-rosenbrock")]
    [InlineData("nelder-mead", "mgh-powell-badly-scaled")]
    [InlineData("nelder-mead", "mgh-brown-badly-scaled")]
    [InlineData("nelder-mead", "mgh-beale")]
    [InlineData("nelder-mead", "mgh-helical-valley")]
    [InlineData("nelder-mead", "mgh-bard")]
    [InlineData("nelder-mead", "mgh-gaussian")]
    [InlineData("nelder-mead", "mgh-gulf")]
    [InlineData("nelder-mead", "mgh-powell-singular")]
    [InlineData("nelder-mead", "mgh-wood")]
    [InlineData("nelder-mead", "mgh-kowalik-osborne")]
    [InlineData("nelder-mead", "mgh-brown-dennis")]
    [InlineData("nelder-mead", "mgh-jennrich-sampson")]
    [InlineData("powell", "mgh-rosenbrock")]
    [InlineData("powell", "mgh-beale")]
    [InlineData("powell", "mgh-helical-valley")]
    [InlineData("powell", "mgh-gulf")]
    [InlineData("powell", "mgh-wood")]
    [InlineData("powell", "mgh-brown-dennis")]
    public void Reaches_the_MGH_minimum_from_the_standard_start(string method, string name)
    {
        var p = TestProblems.Get(name);
        var r = Methods.Minimize(method, (IObjective)p, p.StandardStart(), Harness);
        Assert.True(r.IsConverged && Reached(p, r.Value), $"{method} on {name}: f = {r.Value:R} (f* = {p.KnownMinimum}), {r.Reason}, {r.Evaluations}, {r.Message}");
        Assert.True(double.IsNaN(r.GradientNorm), "value-only methods report no gradient");
        Assert.Equal(0, r.Evaluations.Gradients);
    }

    /// <summary>Property: on random convex quadratics ½(x − c)ᵀA(x − c) in 2–5 dimensions both methods find c.</summary>
    [Fact]
    public void Find_the_minimiser_of_random_convex_quadratics()
    {
        var gen = from n in Gen.Choose(2, 5)
                  from entries in Gen.ArrayOf(TestSupport.Uniform(-1, 1), n * n)
                  from c in Gen.ArrayOf(TestSupport.Uniform(-3, 3), n)
                  from x0 in Gen.ArrayOf(TestSupport.Uniform(-3, 3), n)
                  select (n, entries, c, x0);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (n, m, c, x0) = t;
            // A = MᵀM + I: symmetric positive definite with condition number ≲ 10⁲.
            var a = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    for (int k = 0; k < n; k++) a[i, j] += m[k * n + i] * m[k * n + j];
                    if (i == j) a[i, j] += 1;
                }
            var f = new Quadratic(n, a, c);
            foreach (var method in new[] { "nelder-mead", "powell" })
            {
                var r = Methods.Minimize(method, f, x0, Harness);
                Assert.True(r.IsConverged, $"{method}: {r.Reason} {r.Message}");
                for (int i = 0; i < n; i++)
                    Assert.True(Math.Abs(r.Solution[i] - c[i]) <= 1e-5, $"{method}: x[{i}] = {r.Solution[i]} vs {c[i]} ({r.Evaluations})");
            }
        }).Check(TestSupport.Quick(25));
    }

    private sealed class Quadratic(int n, double[,] a, double[] c) : IObjective
    {
        public int Dimension => n;

        public double Value(ReadOnlySpan<double> x)
        {
            double s = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) s += (x[i] - c[i]) * a[i, j] * (x[j] - c[j]);
            return 0.5 * s;
        }
    }

    private sealed class Fn(int n, Func<double[], double> f) : IObjective
    {
        public int Dimension => n;
        public double Value(ReadOnlySpan<double> x) => f(x.ToArray());
    }

    [Theory]
    [InlineData("nelder-mead")]
    [InlineData("powell")]
    public void NaN_values_rank_worst_and_are_counted(string method)
    {
        // (x−1)² + (y−2)², NaN where x > 3: the run goes round the hole and says how often it met it.
        var f = new Fn(2, x => x[0] > 3 ? double.NaN : (x[0] - 1) * (x[0] - 1) + (x[1] - 2) * (x[1] - 2));
        var r = Methods.Minimize(method, f, [2.9, -5], Harness);
        Assert.True(r.IsConverged, r.Reason + " " + r.Message);
        Assert.Equal(1, r.Solution[0], 6);
        Assert.Equal(2, r.Solution[1], 6);
        if (r.Message is { } message && message.Contains("NaN")) Assert.Matches(@"\d+ evaluation\(s\) returned NaN", message);
    }

    [Fact]
    public void NaN_everywhere_but_the_start_is_counted_in_the_message()
    {
        var f = new Fn(2, x => x[0] == 0.5 && x[1] == 0.5 ? 1.0 : double.NaN);
        var r = Methods.Minimize("nelder-mead", f, [0.5, 0.5], Harness);
        Assert.Equal([0.5, 0.5], r.Solution);
        Assert.Contains("returned NaN or ±∞ and were ranked worst", r.Message);
    }

    [Fact]
    public void Respect_bounds_when_the_problem_has_them()
    {
        // min (x+1)² + (y−3)² over [0, 2]²: the corner (0, 2).
        var f = new BoundedObjective(new Fn(2, x => (x[0] + 1) * (x[0] + 1) + (x[1] - 3) * (x[1] - 3)), BoxBounds.Uniform(2, 0, 2));
        foreach (var method in new[] { "nelder-mead", "powell" })
        {
            var r = Methods.Minimize(method, f, [1, 1], Harness);
            Assert.True(r.IsConverged, $"{method}: {r.Reason}");
            Assert.Equal(0, r.Solution[0], 8);
            Assert.Equal(2, r.Solution[1], 8);
        }
    }

    [Fact]
    public void Bad_input_is_a_clear_error()
    {
        var f = new Fn(2, x => x[0] * x[0] + x[1] * x[1]);
        var e = Assert.Throws<ArgumentException>(() => new NelderMead().Minimize(f, [double.NaN, 1]));
        Assert.Contains("non-finite", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Powell().Minimize(f, [1, 2, 3]));
        Assert.Contains("dimension 2", e.Message);
        e = Assert.Throws<ArgumentException>(() => new BoxBounds([0, 3], [1, 2]));
        Assert.Contains("lower 3 > upper 2", e.Message);
        Assert.Contains("x[1]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new NelderMead().Minimize(new BoundedObjective(f, BoxBounds.Uniform(2, 0, 1)), [2, 0.5]));
        Assert.Contains("outside its bounds", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new NelderMead { InitialStep = 0 }.Minimize(f, [1, 1]));
    }

    [Fact]
    public void Bounds_parse_names_and_reject_empty_intervals()
    {
        var b = BoxBounds.Parse("y=-1:2, x=-inf:0", ["x", "y", "z"]);
        Assert.Equal([double.NegativeInfinity, -1, double.NegativeInfinity], b.Lower.ToArray());
        Assert.Equal([0, 2, double.PositiveInfinity], b.Upper.ToArray());
        Assert.False(b.IsFinite);
        Assert.True(BoxBounds.Parse("-5:5", ["a", "b"]).IsFinite);
        Assert.Contains("lower 2 > upper 1", Assert.Throws<ArgumentException>(() => BoxBounds.Parse("x=2:1", ["x"])).Message);
        Assert.Contains("unknown variable 'q'", Assert.Throws<ArgumentException>(() => BoxBounds.Parse("q=0:1", ["x"])).Message);
        Assert.Contains("given twice", Assert.Throws<ArgumentException>(() => BoxBounds.Parse("x=0:1,x=0:2", ["x"])).Message);
        Assert.Contains("lo:hi", Assert.Throws<ArgumentException>(() => BoxBounds.Parse("x=0;1", ["x"])).Message);
    }

    [Fact]
    public void The_registry_lists_the_value_only_families()
    {
        var nm = Methods.Get("nelder-mead");
        Assert.Equal(MethodFamily.DerivativeFree, nm.Family);
        Assert.Equal(ProblemCapability.Value, nm.Requires);
        Assert.True(nm.Accepts(new Fn(1, x => x[0])));
        Assert.True(nm.Accepts(TestProblems.Get("mgh-box3d")));
        var de = Methods.Get("de");
        Assert.Equal(MethodFamily.GlobalSearch, de.Family);
        Assert.False(de.Accepts(TestProblems.Get("rosenbrock")));
        Assert.True(de.Accepts(TestProblems.Get("rastrigin")));
        Assert.Contains("finite search box", de.Needs);
        Assert.Contains("searches a box", Assert.Throws<ArgumentException>(() => de.Minimize(TestProblems.Get("rosenbrock"), [0, 0])).Message);
    }
}
