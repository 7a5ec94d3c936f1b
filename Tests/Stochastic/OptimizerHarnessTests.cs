using FsCheck;
using FsCheck.Fluent;
using Optima.Problems;
using Optima.Problems.Data;
using Optima.Solvers;
using Optima.Solvers.Stochastic;
using Xunit;

namespace Optima.Tests.Stochastic;

/// <summary>
/// The convergence harness of the stochastic optimizers, driven by their registry: every registered optimizer (and
/// Lookahead around one), with the settings below, must reach the known minimiser of generated problems within its
/// budget — full-batch on strongly convex quadratics ½(x − x*)ᵀA(x − x*) with A a rotated diagonal (κ ≤ 8), and on
/// minibatches of consistent least squares (b = Ax*, so every sample's gradient vanishes at x* and a constant rate
/// converges). And every one fails cleanly on NaN: a non-finite gradient is refused without a trace (the run continues
/// as if it never came), a NaN start is refused, and a NaN mid-run ends the run with NonFiniteValue at a finite point.
/// An optimizer registered without settings here fails, asking for them.
/// </summary>
public class OptimizerHarnessTests
{
    /// <summary>
    /// Sane settings per optimizer: a learning rate safe for curvatures up to 4 (full batch, cosine decay to 0 over the
    /// budget) and the budget in steps. Weight decay is 0 everywhere (it moves the minimiser); the adaptive methods take
    /// more steps because their effective step is γ per coordinate, not γ·curvature.
    /// </summary>
    private static readonly Dictionary<string, (double Rate, int Steps)> Settings = new()
    {
        ["sgd"] = (0.2, 400), ["momentum"] = (0.05, 400), ["nesterov"] = (0.05, 400), ["heavy-ball"] = (0.05, 400),
        ["sgdw"] = (0.05, 400), ["adagrad"] = (0.5, 1500), ["rmsprop"] = (0.01, 1500), ["rmsprop-centred"] = (0.01, 1500),
        ["adadelta"] = (1.0, 8000), ["adam"] = (0.05, 1500), ["amsgrad"] = (0.05, 1500), ["adamw"] = (0.05, 1500),
        ["adamax"] = (0.1, 3000), ["nadam"] = (0.05, 1500), ["adabound"] = (0.05, 1500), ["lookahead:adam"] = (0.05, 3000),
        ["radam"] = (0.05, 1500), ["rprop"] = (0.05, 1500),
    };

    /// <summary>Every registered optimizer, and Lookahead around Adam.</summary>
    public static TheoryData<string> Names() => new([.. Optimizers.Names, "lookahead:adam"]);

    /// <summary>The optimizer with the harness's settings (the one place that knows the settings API).</summary>
    private static IOptimizer Create(string name, int n, double rate) =>
        Optimizers.Create(name, n, Optimizers.Defaults(name) with { LearningRate = rate, WeightDecay = 0 });

    private static (double Rate, int Steps) SettingsOf(string name) =>
        Settings.TryGetValue(name, out var s) ? s
            : throw new Xunit.Sdk.XunitException($"'{name}' is a registered optimizer without harness settings: add its learning rate and budget to {nameof(OptimizerHarnessTests)}.{nameof(Settings)}.");

    /// <summary>A strongly convex quadratic: A = H·diag(d)·H with H a Householder reflection (so A is not diagonal), its minimiser x* and a start x₀.</summary>
    private sealed record Quadratic(double[,] A, double[] Minimizer, double[] Start)
    {
        public int N => Minimizer.Length;

        /// <summary>g = A(x − x*); returns ½(x − x*)ᵀA(x − x*).</summary>
        public double Gradient(ReadOnlySpan<double> x, Span<double> g)
        {
            double f = 0;
            for (int i = 0; i < N; i++)
            {
                double s = 0;
                for (int j = 0; j < N; j++) s += A[i, j] * (x[j] - Minimizer[j]);
                g[i] = s;
                f += 0.5 * s * (x[i] - Minimizer[i]);
            }
            return f;
        }
    }

    private static Gen<Quadratic> Quadratics =>
        from n in Gen.Choose(1, 8)
        from d in Gen.ArrayOf(TestSupport.Uniform(0.5, 4.0), n)
        from v in Gen.ArrayOf(TestSupport.Uniform(-1, 1), n)
        from xs in Gen.ArrayOf(TestSupport.Uniform(-2, 2), n)
        from x0 in Gen.ArrayOf(TestSupport.Uniform(-3, 3), n)
        select MakeQuadratic(d, v, xs, x0);

    private static Quadratic MakeQuadratic(double[] d, double[] v, double[] minimizer, double[] start)
    {
        int n = d.Length;
        double vv = v.Sum(t => t * t);
        var h = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) h[i, j] = (i == j ? 1 : 0) - (vv > 1e-12 ? 2 * v[i] * v[j] / vv : 0);
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < n; k++) a[i, j] += h[i, k] * d[k] * h[j, k];
        return new Quadratic(a, minimizer, start);
    }

    private static double Distance(ReadOnlySpan<double> x, double[] minimizer)
    {
        double worst = 0;
        for (int i = 0; i < x.Length; i++) worst = Math.Max(worst, Math.Abs(x[i] - minimizer[i]));
        return double.IsNaN(worst) ? double.PositiveInfinity : worst;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Full_batch_reaches_the_minimiser_of_generated_strongly_convex_quadratics(string name)
    {
        var (rate, steps) = SettingsOf(name);
        var schedule = Schedule.Cosine(rate, steps);
        Prop.ForAll(Quadratics.ToArbitrary(), q =>
        {
            var opt = Create(name, q.N, rate);
            var x = (double[])q.Start.Clone();
            var g = new double[q.N];
            for (int t = 0; t < steps; t++)
            {
                q.Gradient(x, g);
                opt.LearningRate = schedule.At(t);
                if (!opt.Step(x, g)) return false.Label($"{name}: step {t} refused a finite gradient");
            }
            double dist = Distance(x, q.Minimizer);
            return (dist <= 2e-3).Label($"{name}: ‖x − x*‖∞ = {dist:G3} after {steps} steps (n = {q.N})");
        }).Check(TestSupport.Quick(15));
    }

    /// <summary>Consistent least squares: m samples aᵢ ~ N(0, I), bᵢ = aᵢᵀx*, f = (1/2m)Σ(aᵢᵀx − bᵢ)².</summary>
    private sealed record LeastSquares(double[][] Rows, double[] Minimizer, double[] Start, ulong Seed)
    {
        public int N => Minimizer.Length;

        /// <summary>The mean gradient over the samples in <paramref name="batch"/>.</summary>
        public void BatchGradient(ReadOnlySpan<double> x, ReadOnlySpan<int> batch, Span<double> g)
        {
            g.Clear();
            foreach (int i in batch)
            {
                var a = Rows[i];
                double r = 0;
                for (int k = 0; k < N; k++) r += a[k] * (x[k] - Minimizer[k]);
                for (int k = 0; k < N; k++) g[k] += r * a[k] / batch.Length;
            }
        }
    }

    private static Gen<LeastSquares> LeastSquaresProblems =>
        from n in Gen.Choose(1, 6)
        from seed in Gen.Choose(1, int.MaxValue)
        from xs in Gen.ArrayOf(TestSupport.Uniform(-2, 2), n)
        from x0 in Gen.ArrayOf(TestSupport.Uniform(-3, 3), n)
        select MakeLeastSquares(n, (ulong)seed, xs, x0);

    private static LeastSquares MakeLeastSquares(int n, ulong seed, double[] minimizer, double[] start)
    {
        var rng = new Xoshiro256StarStar(seed);
        var rows = new double[64][];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = new double[n];
            for (int k = 0; k < n; k++) rows[i][k] = rng.NextGaussian();
        }
        return new LeastSquares(rows, minimizer, start, seed);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Minibatches_reach_the_minimiser_of_generated_consistent_least_squares(string name)
    {
        var (rate, steps) = SettingsOf(name);
        const int batch = 8;
        var schedule = Schedule.Cosine(rate, steps);
        Prop.ForAll(LeastSquaresProblems.ToArbitrary(), p =>
        {
            var opt = Create(name, p.N, rate);
            var x = (double[])p.Start.Clone();
            var g = new double[p.N];
            var order = Enumerable.Range(0, p.Rows.Length).ToArray();
            var rng = new Xoshiro256StarStar(p.Seed + 1);
            for (int t = 0; t < steps; t++)
            {
                int at = t * batch % order.Length;
                if (at == 0)
                    for (int i = order.Length - 1; i > 0; i--) { int j = rng.NextInt(i + 1); (order[i], order[j]) = (order[j], order[i]); }
                p.BatchGradient(x, order.AsSpan(at, batch), g);
                opt.LearningRate = schedule.At(t);
                if (!opt.Step(x, g)) return false.Label($"{name}: step {t} refused a finite gradient");
            }
            double dist = Distance(x, p.Minimizer);
            return (dist <= 1e-2).Label($"{name}: ‖x − x*‖∞ = {dist:G3} after {steps} minibatch steps (n = {p.N})");
        }).Check(TestSupport.Quick(15));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_nonfinite_gradient_is_refused_without_a_trace(string name)
    {
        var (rate, _) = SettingsOf(name);
        var gen = from q in Quadratics
                  from at in Gen.Choose(0, 29)
                  from bad in Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity)
                  from k in Gen.Choose(0, 7)
                  select (q, at, bad, k);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (q, at, bad, k) = t;
            // One run meets a poisoned gradient at step `at` (refused), the other never does: the same bits after.
            var clean = Create(name, q.N, rate);
            var poisoned = Create(name, q.N, rate);
            double[] x1 = (double[])q.Start.Clone(), x2 = (double[])q.Start.Clone();
            var g = new double[q.N];
            for (int s = 0; s < 30; s++)
            {
                q.Gradient(x1, g);
                if (!clean.Step(x1, g)) return false.Label($"{name}: finite gradient refused");
                q.Gradient(x2, g);
                if (s == at)
                {
                    var before = (double[])x2.Clone();
                    var bent = (double[])g.Clone();
                    bent[k % q.N] = bad;
                    if (poisoned.Step(x2, bent)) return false.Label($"{name}: a gradient with {bad} was accepted");
                    if (!before.AsSpan().SequenceEqual(x2)) return false.Label($"{name}: a refused step moved the parameters");
                }
                if (!poisoned.Step(x2, g)) return false.Label($"{name}: finite gradient refused after a refusal");
            }
            return (clean.StepCount == poisoned.StepCount && x1.AsSpan().SequenceEqual(x2))
                .Label($"{name}: the refused step left a trace (steps {clean.StepCount} vs {poisoned.StepCount})");
        }).Check(TestSupport.Quick(20));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_NaN_start_is_refused_and_a_NaN_mid_run_ends_the_run_at_a_finite_point(string name)
    {
        var (rate, _) = SettingsOf(name);
        var minimizer = new OptimizerMinimizer(name, Optimizers.Defaults(name) with { LearningRate = rate, WeightDecay = 0 });
        // f = ½‖x‖² until x₀ leaves (−∞, 0.5], where f and ∇f are NaN (a model evaluated outside its domain).
        var f = Objective.FromValueAndGradient(2, (x, g) =>
        {
            if (x[0] > 0.5) { g.Fill(double.NaN); return double.NaN; }
            g[0] = x[0] - 1; g[1] = x[1];
            return 0.5 * ((x[0] - 1) * (x[0] - 1) + x[1] * x[1]);
        });
        var e = Assert.Throws<ArgumentException>(() => minimizer.Minimize(f, [double.NaN, 0], new SolverOptions { MaxIterations = 10 }));
        Assert.Contains("NaN", e.Message);
        var r = minimizer.Minimize(f, [-1, 1], new SolverOptions { MaxIterations = 100_000, GradientTolerance = 0 });
        Assert.Equal(TerminationReason.NonFiniteValue, r.Reason);
        Assert.True(r.Solution.All(double.IsFinite) && r.Solution[0] <= 0.5, $"{name}: ended at [{string.Join(", ", r.Solution)}]");
        Assert.True(double.IsFinite(r.Value));
    }
}
