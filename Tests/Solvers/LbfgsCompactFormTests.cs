using FsCheck;
using FsCheck.Fluent;
using Optima.Problems;
using Optima.Problems.Library;
using Optima.Solvers;
using Optima.Solvers.LineSearches;
using Optima.Solvers.QuasiNewton;
using Xunit;

namespace Optima.Tests.Solvers;

/// <summary>
/// L-BFGS computes its direction from the compact representation (two blocked passes over the pairs); these tests hold
/// it to the textbook two-loop recursion (Nocedal and Wright, Algorithm 7.4), written independently here.
/// </summary>
public class LbfgsCompactFormTests
{
    /// <summary>Reference L-BFGS: two-loop recursion, the same line search, first step and pair test as the library's.</summary>
    private static List<double[]> ReferencePath(IGradientObjective problem, double[] start, int memory, int iterations)
    {
        int n = start.Length;
        var x = (double[])start.Clone();
        var g = new double[n];
        double f = problem.ValueAndGradient(x, g);
        var pairs = new List<(double[] S, double[] Y, double Rho)>();
        var path = new List<double[]> { (double[])x.Clone() };
        var line = new ObjectiveLine(problem);
        var search = new MoreThuente();
        for (int k = 0; k < iterations; k++)
        {
            var q = (double[])g.Clone();
            var alpha = new double[pairs.Count];
            for (int i = pairs.Count - 1; i >= 0; i--)
            {
                alpha[i] = pairs[i].Rho * Dot(pairs[i].S, q);
                for (int j = 0; j < n; j++) q[j] -= alpha[i] * pairs[i].Y[j];
            }
            double initial = 1.0;
            if (pairs.Count == 0) initial = Math.Min(1.0, 1.0 / Math.Sqrt(Dot(g, g)));
            else
            {
                var newest = pairs[^1];
                double gamma = 1.0 / (newest.Rho * Dot(newest.Y, newest.Y));
                for (int j = 0; j < n; j++) q[j] *= gamma;
            }
            for (int i = 0; i < pairs.Count; i++)
            {
                double beta = pairs[i].Rho * Dot(pairs[i].Y, q);
                for (int j = 0; j < n; j++) q[j] += (alpha[i] - beta) * pairs[i].S[j];
            }
            var d = q.Select(v => -v).ToArray();
            double slope = Dot(g, d);
            if (!(slope < 0)) break;
            line.Reset(x, d);
            var result = search.Search(line, f, slope, initial);
            if (!result.Succeeded) break;
            var gOld = (double[])g.Clone();
            f = line.Accept(result.Step, x, g);
            var s = d.Select(v => result.Step * v).ToArray();
            var y = g.Select((v, j) => v - gOld[j]).ToArray();
            double ys = Dot(y, s);
            if (ys > 1.5e-8 * Math.Sqrt(Dot(s, s) * Dot(y, y)))
            {
                pairs.Add((s, y, 1.0 / ys));
                if (pairs.Count > memory) pairs.RemoveAt(0);
            }
            path.Add((double[])x.Clone());
            if (g.Max(Math.Abs) <= 1e-10) break;
        }
        return path;
    }

    private static double Dot(double[] a, double[] b) => a.Zip(b).Sum(p => p.First * p.Second);

    [Fact]
    public void The_compact_form_follows_the_two_loop_recursion_on_random_quadratics()
    {
        var gen = from t in QuasiNewtonTests.RandomQuadratics(12, 1e3) from m in Gen.Choose(1, 6) select (t.Problem, t.Start, m);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (q, x0, m) = t;
            const int steps = 8;
            var reference = ReferencePath(q, x0, m, steps);
            var r = new Lbfgs(m).Minimize(q, x0, new SolverOptions { GradientTolerance = 1e-10, MaxIterations = steps, RecordPath = true });
            var path = r.History!.Select(h => h.Point!).ToList();
            int common = Math.Min(path.Count, reference.Count);
            double scale = 1 + x0.Max(Math.Abs);
            double worst = 0;
            for (int k = 0; k < common; k++)
                worst = Math.Max(worst, path[k].Zip(reference[k]).Max(p => Math.Abs(p.First - p.Second)) / scale);
            return (common >= Math.Min(3, reference.Count) && worst <= 1e-8)
                .Label($"n={q.Dimension} m={m} κ={q.ConditionNumber:G3}: {common} common iterates, worst relative difference {worst:G3}");
        }).Check(TestSupport.Quick(100));
    }

    [Fact]
    public void The_compact_form_follows_the_two_loop_recursion_on_Rosenbrock_with_the_memory_wrapping()
    {
        var p = new ExtendedRosenbrock(10);
        var x0 = p.StandardStart();
        var reference = ReferencePath(p, x0, 3, 25);
        var r = new Lbfgs(3).Minimize(p, x0, new SolverOptions { GradientTolerance = 1e-10, MaxIterations = 25, RecordPath = true });
        var path = r.History!.Select(h => h.Point!).ToList();
        Assert.Equal(reference.Count, path.Count);
        for (int k = 0; k < path.Count; k++)
            for (int j = 0; j < x0.Length; j++)
                Assert.True(Math.Abs(path[k][j] - reference[k][j]) <= 1e-7, $"iterate {k}, x[{j}]: {path[k][j]} vs {reference[k][j]}");
    }

    [Fact]
    public void Threads_do_not_change_the_iterates()
    {
        var p = new ExtendedRosenbrock(20_000); // 20 blocks per pass
        var x0 = p.StandardStart();
        var options = new SolverOptions { GradientTolerance = 1e-6 };
        var one = new Lbfgs(Threads: 1).Minimize(p, x0, options);
        var two = new Lbfgs(Threads: 2).Minimize(p, x0, options);
        Assert.Equal(one.Iterations, two.Iterations);
        Assert.Equal(one.Solution, two.Solution);
        // Without its own setting the method takes the run's Compute.Threads.
        var fromRun = new Lbfgs().Minimize(p, x0, options with { Compute = new ComputeOptions { Threads = 2 } });
        Assert.Equal(one.Solution, fromRun.Solution);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Lbfgs(Threads: -1).Minimize(p, x0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Lbfgs(Threads: 0).Minimize(p, x0));
    }
}
