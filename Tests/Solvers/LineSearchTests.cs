using FsCheck;
using FsCheck.Fluent;
using Optima.Problems;
using Optima.Problems.Library;
using Optima.Solvers;
using Optima.Solvers.LineSearches;
using Xunit;

namespace Optima.Tests.Solvers;

/// <summary>The line searches, tested alone on φ(α) given as delegates or as lines through library problems.</summary>
public class LineSearchTests
{
    /// <summary>φ from delegates, counting calls.</summary>
    private sealed class Line(Func<double, double> f, Func<double, double> df) : ILineFunction
    {
        public int Calls;
        public double Value(double alpha) { Calls++; return f(alpha); }
        public double ValueAndSlope(double alpha, out double slope) { Calls++; slope = df(alpha); return f(alpha); }
    }

    private static readonly string[] SmoothProblems = ["rosenbrock", "beale", "himmelblau", "mgh-helical-valley", "mgh-wood", "mgh-box3d"];

    /// <summary>A random line through a library problem: a random point of its sampling box and d = −∇f (or a random descent direction).</summary>
    private static Gen<(string Name, double[] X, double[] Direction, double Step)> LinesThroughProblems() =>
        from name in Gen.Elements(SmoothProblems)
        let p = TestProblems.Get(name)
        let box = p.SamplingBox()
        from x in TestSupport.PointIn(box.Lower, box.Upper)
        from noise in Gen.ArrayOf(TestSupport.Uniform(-1, 1), p.Dimension)
        from logStep in TestSupport.Uniform(-4, 1)
        select (name, x, noise, Math.Pow(10, logStep));

    private static (ObjectiveLine Line, double F0, double Slope0, double[] D) MakeLine(string name, double[] x, double[] noise)
    {
        var p = TestProblems.Get(name);
        var g = new double[x.Length];
        double f0 = p.ValueAndGradient(x, g);
        double gn = Math.Sqrt(g.Sum(v => v * v));
        var d = g.Select((v, i) => -v + 0.5 * gn * noise[i] / Math.Sqrt(x.Length)).ToArray();
        double slope0 = d.Select((v, i) => v * g[i]).Sum();
        if (slope0 >= 0) { d = g.Select(v => -v).ToArray(); slope0 = -g.Sum(v => v * v); }
        var line = new ObjectiveLine(p);
        line.Reset(x, d);
        return (line, f0, slope0, d);
    }

    [Fact]
    public void Every_accepted_strong_Wolfe_step_satisfies_both_Wolfe_conditions()
    {
        foreach (double c2 in new[] { 0.9, 0.1 })
        {
            var search = new MoreThuente(C2: c2);
            Prop.ForAll(LinesThroughProblems().ToArbitrary(), t =>
            {
                var (line, f0, slope0, _) = MakeLine(t.Name, t.X, t.Direction);
                return Prop.When(slope0 < -1e-12, () =>   // not a descent direction: discarded
                {
                    var r = search.Search(line, f0, slope0, t.Step);
                    if (!r.Succeeded) return r.Message is not null;          // failures must say why
                    double f = line.ValueAndSlope(r.Step, out double s);
                    return r.Step > 0 && f == r.Value && s == r.Slope
                        && f <= f0 + search.C1 * r.Step * slope0
                        && Math.Abs(s) <= search.C2 * Math.Abs(slope0);
                });
            }).Check(TestSupport.Quick(200));
        }
    }

    [Fact]
    public void Strong_Wolfe_succeeds_on_almost_every_line_through_smooth_problems()
    {
        var gen = Gen.ArrayOf(LinesThroughProblems(), 200);
        var lines = gen.Sample(1, 1)[0];
        int ok = 0, tried = 0;
        foreach (var t in lines)
        {
            var (line, f0, slope0, _) = MakeLine(t.Name, t.X, t.Direction);
            if (!(slope0 < -1e-12)) continue;
            tried++;
            if (new MoreThuente().Search(line, f0, slope0, t.Step).Succeeded) ok++;
        }
        Assert.True(tried >= lines.Length / 2, $"only {tried} of {lines.Length} lines were descent directions");
        Assert.True(ok >= 0.98 * tried, $"{ok}/{tried} searches succeeded");
    }

    [Fact]
    public void Accepted_Armijo_steps_decrease_sufficiently()
    {
        var search = new BacktrackingArmijo();
        Prop.ForAll(LinesThroughProblems().ToArbitrary(), t =>
        {
            var (line, f0, slope0, _) = MakeLine(t.Name, t.X, t.Direction);
            return Prop.When(slope0 < -1e-12, () =>   // not a descent direction: discarded
            {
                var r = search.Search(line, f0, slope0, t.Step);
                if (!r.Succeeded) return r.Message is not null;
                return r.Step > 0 && r.Step <= t.Step && r.Value <= f0 + search.C1 * r.Step * slope0 && line.Value(r.Step) == r.Value;
            });
        }).Check(TestSupport.Quick(200));
    }

    [Fact]
    public void Exact_search_finds_the_minimiser_of_a_quadratic_along_the_line()
    {
        var gen = from a in TestSupport.Uniform(0.01, 100)
                  from b in TestSupport.Uniform(-10, 10)
                  from c in TestSupport.Uniform(-5, 5)
                  from t in TestSupport.Uniform(0.01, 10)
                  select (a, b, c, t);
        Prop.ForAll(gen.ToArbitrary(), q =>
        {
            // φ(α) = a(α − m)² + c with m > 0 so that φ′(0) < 0.
            double m = Math.Abs(q.b) + 0.1;
            var line = new Line(x => q.a * (x - m) * (x - m) + q.c, x => 2 * q.a * (x - m));
            var r = new ExactQuadraticLineSearch().Search(line, q.a * m * m + q.c, -2 * q.a * m, q.t);
            return r.Succeeded && Math.Abs(r.Step - m) <= 1e-9 * m && Math.Abs(r.Slope) <= 1e-8 * q.a * m;
        }).Check(TestSupport.Quick(200));
    }

    [Fact]
    public void More_Thuente_solves_the_papers_first_test_function_quickly()
    {
        // Moré–Thuente (1994) function 1: φ(α) = −α/(α² + β), β = 2, minimiser √2; c₁ = 1e-3, c₂ = 0.1.
        const double beta = 2;
        foreach (double a0 in new[] { 1e-3, 1e-1, 1e1, 1e3 })
        {
            var line = new Line(a => -a / (a * a + beta), a => (a * a - beta) / ((a * a + beta) * (a * a + beta)));
            var r = new MoreThuente(C1: 1e-3, C2: 0.1).Search(line, 0, -1 / beta, a0);
            Assert.True(r.Succeeded, r.Message);
            Assert.True(r.Evaluations <= 12, $"{r.Evaluations} evaluations from {a0}");
            Assert.True(r.Value <= 1e-3 * r.Step * (-1 / beta));
            Assert.True(Math.Abs(r.Slope) <= 0.1 / beta);
        }
    }

    [Fact]
    public void Failures_are_reported_with_their_reason()
    {
        var up = new Line(a => a, _ => 1);
        foreach (ILineSearch s in new ILineSearch[] { new MoreThuente(), new BacktrackingArmijo(), new ExactQuadraticLineSearch() })
        {
            var r = s.Search(up, 0, 1, 1);
            Assert.Equal(LineSearchStatus.NotDescentDirection, r.Status);
            Assert.Contains("descent", r.Message);
            Assert.Equal(0, up.Calls);
        }

        // Unbounded below: the step runs into the maximum.
        var linear = new Line(a => -a, _ => -1);
        var max = new MoreThuente(MaxStep: 100).Search(linear, 0, -1, 1);
        Assert.Equal(LineSearchStatus.StepAtMaximum, max.Status);
        Assert.Equal(100, max.Step);

        // A slope that lies (claims descent while φ rises): Armijo shrinks to the minimum step, Moré–Thuente cannot converge.
        var liar = new Line(a => a, _ => -1);
        var armijo = new BacktrackingArmijo().Search(liar, 0, -1, 1);
        Assert.False(armijo.Succeeded);
        Assert.True(armijo.Status is LineSearchStatus.StepAtMinimum or LineSearchStatus.MaxEvaluations, armijo.Status.ToString());
        Assert.Equal(0, armijo.Step);
        var mt = new MoreThuente().Search(liar, 0, -1, 1);
        Assert.False(mt.Succeeded);
        Assert.NotNull(mt.Message);

        // NaN everywhere except at 0.
        var nan = new Line(a => a == 0 ? 0 : double.NaN, a => a == 0 ? -1 : double.NaN);
        Assert.Equal(LineSearchStatus.NonFinite, new MoreThuente().Search(nan, 0, -1, 1).Status);
        Assert.Equal(LineSearchStatus.NonFinite, new BacktrackingArmijo().Search(nan, 0, -1, 1).Status);

        // Negative curvature defeats the exact quadratic search.
        var concave = new Line(a => -a - a * a, a => -1 - 2 * a);
        Assert.Equal(LineSearchStatus.InvalidModel, new ExactQuadraticLineSearch().Search(concave, 0, -1, 1).Status);

        // A tight budget.
        var wiggly = new Line(a => -a / (a * a + 2), a => (a * a - 2) / ((a * a + 2) * (a * a + 2)));
        var budget = new MoreThuente(C2: 0.001, MaxEvaluations: 2).Search(wiggly, 0, -0.5, 1e-3);
        Assert.Equal(LineSearchStatus.MaxEvaluations, budget.Status);
        Assert.Contains("2 evaluations", budget.Message);
    }

    [Fact]
    public void Moré_Thuente_steps_back_from_NaN_regions()
    {
        // φ(α) = (α − 1)², NaN for α > 3: a first step of 10 lands in the NaN region.
        var line = new Line(a => a > 3 ? double.NaN : (a - 1) * (a - 1), a => a > 3 ? double.NaN : 2 * (a - 1));
        var r = new MoreThuente().Search(line, 1, -2, 10);
        Assert.True(r.Succeeded, r.Message);
        Assert.True(r.Step <= 3);
    }

    [Fact]
    public void Invalid_parameters_throw()
    {
        var line = new Line(a => a * a, a => 2 * a);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MoreThuente(C1: 0.95, C2: 0.9).Search(line, 1, -1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BacktrackingArmijo(C1: 0).Search(line, 1, -1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BacktrackingArmijo().Search(line, 1, -1, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedStep(-1).Search(line, 1, -1, 1));
    }
}
