using FsCheck;
using FsCheck.Fluent;
using Optima.Problems;
using Optima.Problems.Library;
using Optima.Solvers;
using Optima.Solvers.QuasiNewton;
using Xunit;

namespace Optima.Tests.Solvers;

/// <summary>L-BFGS-B: bound-constrained convex quadratics with known solutions, scipy references, bad input.</summary>
public class LbfgsbTests
{
    /// <summary>
    /// A strictly convex quadratic ½xᵀAx − bᵀx on a box whose minimiser x* is chosen first: each variable is free, at its
    /// lower bound with ∂f/∂xᵢ = μᵢ &gt; 0, or at its upper bound with ∂f/∂xᵢ = −μᵢ &lt; 0; then b = A·x* − ∇f(x*). These are
    /// the KKT conditions of a strictly convex problem, so x* is its unique minimiser.
    /// </summary>
    internal sealed record BoxQuadratic(double[] A, double[] B, double[] Lower, double[] Upper, double[] Solution, int Active) : IGradientObjective
    {
        public int Dimension => B.Length;

        public double Value(ReadOnlySpan<double> x) => ValueAndGradient(x, new double[Dimension]);

        public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
        {
            int n = Dimension;
            double f = 0;
            for (int i = 0; i < n; i++)
            {
                double ax = 0;
                for (int j = 0; j < n; j++) ax += A[i * n + j] * x[j];
                gradient[i] = ax - B[i];
                f += 0.5 * x[i] * ax - B[i] * x[i];
            }
            return f;
        }

        public static BoxQuadratic Create(int n, int seed, double conditionSpread)
        {
            var rng = new Random(seed);
            var q = new double[n * n];
            for (int i = 0; i < q.Length; i++) q[i] = rng.NextDouble() * 2 - 1;
            var a = new double[n * n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int k = 0; k < n; k++) s += q[k * n + i] * q[k * n + j];
                    a[i * n + j] = s + (i == j ? Math.Pow(conditionSpread, -1) + 0.1 : 0);
                }
            var lower = new double[n];
            var upper = new double[n];
            var xs = new double[n];
            var g = new double[n];
            int active = 0;
            for (int i = 0; i < n; i++)
            {
                lower[i] = -1 - 2 * rng.NextDouble();
                upper[i] = 1 + 2 * rng.NextDouble();
                switch (rng.Next(3))
                {
                    case 0: xs[i] = lower[i]; g[i] = 0.1 + rng.NextDouble(); active++; break;
                    case 1: xs[i] = upper[i]; g[i] = -0.1 - rng.NextDouble(); active++; break;
                    default: xs[i] = lower[i] + (0.1 + 0.8 * rng.NextDouble()) * (upper[i] - lower[i]); break;
                }
                if (rng.Next(8) == 0 && xs[i] != lower[i]) lower[i] = double.NegativeInfinity; // some one-sided boxes
            }
            var b = new double[n];
            for (int i = 0; i < n; i++)
            {
                double ax = 0;
                for (int j = 0; j < n; j++) ax += a[i * n + j] * xs[j];
                b[i] = ax - g[i];
            }
            return new BoxQuadratic(a, b, lower, upper, xs, active);
        }
    }

    [Fact]
    public void Reaches_the_constructed_minimiser_of_random_bound_constrained_convex_quadratics()
    {
        var gen = from n in Gen.Choose(1, 25)
                  from seed in Gen.Choose(0, 1_000_000)
                  from spread in TestSupport.Uniform(1, 100)
                  from outside in Gen.Elements(false, true)
                  select (n, seed, spread, outside);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var q = BoxQuadratic.Create(t.n, t.seed, t.spread);
            var box = new BoxBounds(q.Lower, q.Upper);
            var rng = new Random(t.seed + 1);
            var x0 = Enumerable.Range(0, t.n).Select(i => t.outside ? 6 * rng.NextDouble() - 3 : Math.Clamp(rng.NextDouble() * 2 - 1, box.Lower[i], box.Upper[i])).ToArray();
            var r = new Lbfgsb().Minimize(q, box, x0, new SolverOptions { GradientTolerance = 1e-10, MaxIterations = 500 });
            double err = r.Solution.Select((v, i) => Math.Abs(v - q.Solution[i])).Max();
            bool warned = r.Warnings.Contains(Lbfgsb.ProjectedStartWarning) == !box.Contains(x0);
            return (r.IsConverged && err <= 1e-7 && box.Contains(r.Solution) && warned)
                .Label($"n={t.n} active={q.Active} err={err:G3} warned={warned}: {r.Brief()}");
        }).Check(TestSupport.Quick(150));
    }

    // scipy 1.10 L-BFGS-B (ftol 1e-15, gtol 1e-12): `/usr/bin/python3 scripts/lbfgsb_reference.py`.
    public static TheoryData<string, int, double[], double[], double[], double, double[]> ScipyCases() => new()
    {
        // extended-rosenbrock n=10, x_i in [-2, 0.5] (odd i) / [-1, 2] (even i): f = 1.25, nit 20, nfev 30.
        { "mgh-extended-rosenbrock", 10, [.. Repeat([-1.2, 1.0], 5)], [.. Repeat([-2.0, -1.0], 5)], [.. Repeat([0.5, 2.0], 5)],
            1.25, [.. Repeat([0.5, 0.25], 5)] },
        // extended-rosenbrock n=4, x in [1.5, 3]: f = 0.5, nit 11, nfev 14.
        { "mgh-extended-rosenbrock", 4, [2.0, 2, 2, 2], [1.5, 1.5, 1.5, 1.5], [3.0, 3, 3, 3], 0.5, [1.5, 2.25, 1.5, 2.25] },
        // wood, x in [-3, 0.8] x [-3, 3]^3 from (-3, -1, -3, -1): f = 0.11696680488722544, nit 28, nfev 43.
        { "mgh-wood", 4, [-3.0, -1, -3, -1], [-3.0, -3, -3, -3], [0.8, 3, 3, 3], 0.11696680488722544,
            [0.8, 0.6420898012414756, 1.158995027417158, 1.344031604286401] },
    };

    private static IEnumerable<double> Repeat(double[] pair, int times) => Enumerable.Repeat(pair, times).SelectMany(p => p);

    [Theory]
    [MemberData(nameof(ScipyCases))]
    public void Matches_scipy_on_MGH_problems_with_active_bounds(string name, int n, double[] x0, double[] lower, double[] upper, double fScipy, double[] xScipy)
    {
        var problem = TestProblems.Get(name, n);
        var r = Methods.Minimize("lbfgsb", new BoundedGradientObjective(problem, new BoxBounds(lower, upper)), x0,
            new SolverOptions { GradientTolerance = 1e-10 });
        Assert.True(r.IsConverged, r.Brief());
        Assert.InRange(r.Value - fScipy, -1e-9, 1e-9 * Math.Max(1, fScipy));
        for (int i = 0; i < n; i++) Assert.InRange(r.Solution[i] - xScipy[i], -1e-6, 1e-6);
    }

    [Fact]
    public void Without_bounds_it_minimises_like_lbfgs()
    {
        var problem = TestProblems.Get("mgh-rosenbrock", 2);
        var r = new Lbfgsb().Minimize(problem, problem.StandardStart());
        Assert.True(r.IsConverged, r.Brief());
        Assert.InRange(r.Value, 0, 1e-14);
    }

    [Fact]
    public void Projected_gradient_is_the_stopping_measure_and_the_iterates_stay_in_the_box()
    {
        // f = (x − 3)² + (y + 2)² on [0, 1]²: x* = (1, 0) where ∇f = (−4, 4) ≠ 0 but the projected gradient is 0.
        var f = Objective.FromValueAndGradient(2, (x, g) =>
        {
            g[0] = 2 * (x[0] - 3);
            g[1] = 2 * (x[1] + 2);
            return (x[0] - 3) * (x[0] - 3) + (x[1] + 2) * (x[1] + 2);
        });
        var r = new Lbfgsb(Bounds: BoxBounds.Uniform(2, 0, 1)).Minimize(f, [0.5, 0.5], new SolverOptions { RecordPath = true });
        Assert.Equal(TerminationReason.GradientTolerance, r.Reason);
        Assert.Equal([1.0, 0.0], r.Solution);
        Assert.Equal(0.0, r.GradientNorm);
        Assert.All(r.History!, row => Assert.True(row.Point!.All(v => v is >= 0 and <= 1)));
        Assert.Empty(r.Warnings);
    }

    [Fact]
    public void Bad_input_is_refused_or_reported()
    {
        Assert.Throws<ArgumentException>(() => new BoxBounds([1.0], [0.0]));
        var problem = TestProblems.Get("mgh-rosenbrock", 2);
        Assert.Throws<ArgumentException>(() => new Lbfgsb().Minimize(problem, BoxBounds.Uniform(3, 0, 1), [0.5, 0.5]));
        Assert.Throws<ArgumentException>(() => new Lbfgsb().Minimize(problem, [double.NaN, 0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Lbfgsb(Memory: 0).Minimize(problem, [0.0, 0]));
        var outside = new Lbfgsb(Bounds: BoxBounds.Uniform(2, -0.5, 0.5)).Minimize(problem, [-1.2, 1]);
        Assert.Contains(Lbfgsb.ProjectedStartWarning, outside.Warnings);
        Assert.True(outside.IsConverged, outside.Brief());
        Assert.Equal(0.5, outside.Solution[0], 1e-8);
        Assert.Equal(0.25, outside.Solution[1], 1e-8);
    }
}
