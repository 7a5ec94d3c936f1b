using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;
using Optima.Problems;
using Optima.Problems.Data;
using Optima.Problems.Expressions;
using Optima.Solvers;
using Optima.Solvers.Fitting;
using Optima.Solvers.LeastSquares;
using Xunit;

namespace Optima.Tests.Fitting;

/// <summary>y = a1·exp(−k1·x) + a2·exp(−k2·x) + c with generic math (autodiff), scalar x.</summary>
internal readonly struct TwoDecays : IScalarFitModel
{
    public T Evaluate<T>(T x, ReadOnlySpan<T> p) where T : IFloatingPointIeee754<T> =>
        p[0] * T.Exp(-p[1] * x) + p[2] * T.Exp(-p[3] * x) + p[4];
}

/// <summary>The same model in the vector-x form.</summary>
internal readonly struct TwoDecaysVector : IFitModel
{
    public T Evaluate<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> p) where T : IFloatingPointIeee754<T> =>
        p[0] * T.Exp(-p[1] * x[0]) + p[2] * T.Exp(-p[3] * x[0]) + p[4];
}

/// <summary>
/// Large fits on several threads (<see cref="RunOptions.Compute"/>): the row-parallel model evaluation and the parallel
/// streamed QR give the same bits as one thread, for every model form and every path through the evaluator.
/// </summary>
public class ParallelFitTests
{
    private const string Expression = "a1*exp(-k1*x) + a2*exp(-k2*x) + c";
    private static readonly double[] Truth = [3.0, 1.3, 1.5, 0.2, 0.5];
    private static readonly double[] Start = [2.5, 1.0, 1.2, 0.25, 0.4];

    private static double Hand(ReadOnlySpan<double> xs, ReadOnlySpan<double> p, Span<double> g)
    {
        double t = xs[0], e1 = Math.Exp(-p[1] * t), e2 = Math.Exp(-p[3] * t);
        g[0] = e1; g[1] = -p[0] * t * e1; g[2] = e2; g[3] = -p[2] * t * e2; g[4] = 1;
        return p[0] * e1 + p[2] * e2 + p[4];
    }

    private static double Plain(ReadOnlySpan<double> xs, ReadOnlySpan<double> p) =>
        p[0] * Math.Exp(-p[1] * xs[0]) + p[2] * Math.Exp(-p[3] * xs[0]) + p[4];

    /// <summary>The five model forms, by name.</summary>
    private static readonly string[] Forms = ["expression", "autodiff scalar", "autodiff vector", "hand gradient", "central differences"];

    internal static ModelEvaluator Evaluator(string form)
    {
        var compiled = Optima.Problems.Expressions.Expression.Parse(Expression).Compile(["x"], ["a1", "k1", "a2", "k2", "c"]);
        return form switch
        {
            "expression" => new ExpressionEvaluator(compiled),
            "autodiff scalar" => new GenericEvaluator<ScalarModelAdapter<TwoDecays>>(new ScalarModelAdapter<TwoDecays>(new TwoDecays())),
            "autodiff vector" => new GenericEvaluator<TwoDecaysVector>(new TwoDecaysVector()),
            "hand gradient" => new DelegateEvaluator(null, Hand),
            _ => new DelegateEvaluator(Plain, null) { Bounds = [.. Enumerable.Repeat(ParameterBounds.None, 5)] },
        };
    }

    internal static (double[] X, double[] Y, double[] Sigma) Data(int m, ulong seed)
    {
        var rng = new Xoshiro256StarStar(seed);
        var x = new double[m];
        var y = new double[m];
        var sigma = new double[m];
        for (int i = 0; i < m; i++)
        {
            x[i] = 10.0 * i / (m - 1);
            sigma[i] = rng.NextDouble(0.005, 0.02);
            y[i] = Truth[0] * Math.Exp(-Truth[1] * x[i]) + Truth[2] * Math.Exp(-Truth[3] * x[i]) + Truth[4] + sigma[i] * rng.NextGaussian();
        }
        return (x, y, sigma);
    }

    private static Arbitrary<(ulong Seed, int Extra)> Cases =>
        Gen.Choose(0, int.MaxValue).SelectMany(s => Gen.Choose(0, 3 * FitProblem.PartRows), (s, e) => ((ulong)s, e)).ToArbitrary();

    /// <summary>One problem configuration: weights, a fixed parameter, bounds (transforms), a robust loss.</summary>
    internal sealed record Setup(bool Weighted, bool FixOne, bool Bounded, bool Robust);

    internal static readonly Setup[] Setups =
    [
        new(false, false, false, false),   // direct: the model writes the solver's Jacobian
        new(true, false, false, false),    // direct, row weights
        new(true, false, true, false),     // direct, bounds (chain-rule column scales ≠ 1)
        new(true, true, false, false),     // fixed parameter: model Jacobian, then the chain rule by rows
        new(false, true, true, true),      // robust loss, fixed parameter, bounds
    ];

    internal static FitProblem Problem(ModelEvaluator model, double[] x, double[] y, double[] sigma, Setup s, int threads)
    {
        double[]? w = s.Weighted ? [.. sigma.Select(v => 1 / v)] : null;
        int[] free = s.FixOne ? [0, 1, 3, 4] : [0, 1, 2, 3, 4];
        var transforms = free.Select(k => s.Bounded && k == 1
            ? new ParameterTransform(TransformKind.Both, 0.1, 5, 1)
            : s.Bounded && k == 3 ? new ParameterTransform(TransformKind.Lower, 0, double.PositiveInfinity, 0.25)
            : new ParameterTransform(TransformKind.Scaled, double.NegativeInfinity, double.PositiveInfinity, k == 4 ? 0.5 : 1)).ToArray();
        var loss = s.Robust ? new RobustLoss(LossKind.Huber, 0.02) : RobustLoss.None;
        return new FitProblem(model, x, 1, y, w, Start, free, transforms, loss) { Threads = threads };
    }

    [Fact]
    public void Residuals_and_jacobian_on_two_threads_equal_one_thread_to_the_bit_for_every_model_form_and_path()
    {
        Prop.ForAll(Cases, c =>
        {
            int m = FitProblem.LargeRows + c.Extra;
            var (x, y, sigma) = Data(m, c.Seed);
            var rng = new Xoshiro256StarStar(c.Seed ^ 0x9E3779B97F4A7C15);
            foreach (var form in Forms)
                foreach (var setup in Setups)
                {
                    var one = Problem(Evaluator(form), x, y, sigma, setup, 1);
                    var two = Problem(Evaluator(form), x, y, sigma, setup, 2);
                    int n = one.Parameters;
                    var u = one.ToInternal(Start);
                    for (int k = 0; k < n; k++) u[k] *= rng.NextDouble(0.9, 1.1);
                    var (r1, r2, v1, v2) = (new double[m], new double[m], new double[m], new double[m]);
                    var (j1, j2) = (new DenseMatrix(m, n), new DenseMatrix(m, n));
                    one.Evaluate(u, r1, j1);
                    two.Evaluate(u, r2, j2);
                    one.Evaluate(u, v1, null);
                    two.Evaluate(u, v2, null);
                    string where = $"{form}, {setup}, m = {m}";
                    Assert.True(r1.AsSpan().SequenceEqual(r2), $"residuals differ: {where}");
                    Assert.True(v1.AsSpan().SequenceEqual(v2), $"residuals (values only) differ: {where}");
                    Assert.True(j1.AsSpan().SequenceEqual(j2.AsSpan()), $"Jacobians differ: {where}");
                }
        }).Check(TestSupport.Quick(4));
    }

    [Fact]
    public void Any_split_of_the_rows_gives_the_bits_of_one_call()
    {
        // Ranges with arbitrary (unaligned) boundaries, evaluated one after another, against one call over all rows.
        Prop.ForAll(Cases, c =>
        {
            int m = FitProblem.LargeRows + c.Extra;
            var (x, _, sigma) = Data(m, c.Seed);
            var w = sigma.Select(v => 1 / v).ToArray();
            double[] scales = [1, 0.5, 2, 1, 0.25];
            var rng = new Xoshiro256StarStar(c.Seed);
            foreach (var form in Forms)
            {
                var model = Evaluator(form);
                var (f1, f2, g1, g2) = (new double[m], new double[m], new double[m], new double[m]);
                var (j1, j2, s1, s2) = (new DenseMatrix(m, 5), new DenseMatrix(m, 5), new DenseMatrix(m, 5), new DenseMatrix(m, 5));
                model.Evaluate(x, 1, Start, f1, j1);
                model.EvaluateScaled(x, 1, Start, g1, s1, w, scales);
                for (int first = 0; first < m;)
                {
                    int count = Math.Min(m - first, (int)rng.NextDouble(1, 3000));
                    model.EvaluateRange(x, 1, Start, f2, j2, first, count);
                    model.EvaluateScaledRange(x, 1, Start, g2, s2, w, scales, first, count);
                    first += count;
                }
                Assert.True(f1.AsSpan().SequenceEqual(f2), form);
                Assert.True(j1.AsSpan().SequenceEqual(j2.AsSpan()), form);
                Assert.True(g1.AsSpan().SequenceEqual(g2), form);
                Assert.True(s1.AsSpan().SequenceEqual(s2.AsSpan()), form);
            }
        }).Check(TestSupport.Quick(5));
    }

    public static TheoryData<string> FormNames => [.. Forms];

    [Theory]
    [MemberData(nameof(FormNames))]
    public void Whole_fits_on_one_and_two_threads_are_the_same_bits(string form)
    {
        // 140 000 points: three chunks of the streamed QR, so LM's parallel QR runs too.
        int m = 140_000;
        var (x, y, sigma) = Data(m, 17);
        var options = new FitOptions
        {
            Sigma = sigma,
            Bounds = new Dictionary<string, ParameterBounds> { ["p2"] = new(0.1, 5), ["k1"] = new(0.1, 5) },
            ParameterNames = ["p1", "p2", "p3", "p4", "p5"],
        };
        var fixedOptions = new FitOptions { Fixed = form == "expression" ? ["c"] : ["p5"], ParameterNames = options.ParameterNames };
        foreach (var o in new[] { options, fixedOptions, new FitOptions() })
        {
            var one = Fit(form, x, y, o with { Compute = ComputeOptions.Sequential });
            var two = Fit(form, x, y, o with { Compute = new() { Threads = 2 } });
            var all = Fit(form, x, y, o with { Compute = new() { Threads = Environment.ProcessorCount } });
            foreach (var other in new[] { two, all })
            {
                Assert.True(one.Parameters.AsSpan().SequenceEqual(other.Parameters), $"{form}: {one.Brief()} vs {other.Brief()}");
                Assert.True(one.StandardErrors.AsSpan().SequenceEqual(other.StandardErrors), form);
                Assert.Equal(one.ResidualSumOfSquares, other.ResidualSumOfSquares);
                Assert.Equal(one.Iterations, other.Iterations);
                Assert.Equal(one.Evaluations, other.Evaluations);
                Assert.True(one.Residuals.AsSpan().SequenceEqual(other.Residuals), form);
            }
            Assert.True(one.IsUsable, one.FullReport());
        }
    }

    private static FitResult Fit(string form, double[] x, double[] y, FitOptions o)
    {
        if (form == "expression" && o.ParameterNames is not null)
            o = o with
            {
                ParameterNames = null,
                Bounds = o.Bounds is null ? null : new Dictionary<string, ParameterBounds> { ["k1"] = new(0.1, 5) },
            };
        else if (form != "expression" && o.Bounds is not null)
            o = o with { Bounds = new Dictionary<string, ParameterBounds> { ["p2"] = new(0.1, 5) } };
        return form switch
        {
            "expression" => CurveFit.Fit(Expression, x, y, Start, o),
            "autodiff scalar" => CurveFit.Fit(new TwoDecays(), x, y, Start, o),
            "autodiff vector" => CurveFit.Fit(new TwoDecaysVector(), [x], y, Start, o),
            "hand gradient" => CurveFit.Fit(Hand, x, y, Start, o),
            _ => CurveFit.Fit(Plain, x, y, Start, o),
        };
    }

    [Fact]
    public void Default_threads_are_all_cores_for_expressions_and_one_for_user_models()
    {
        var options = new FitOptions();
        Assert.Null(options.Compute.Threads);
        Assert.Equal(0, CurveFit.ResolveThreads(options, Evaluator("expression")));
        foreach (var form in Forms.Skip(1)) Assert.Equal(1, CurveFit.ResolveThreads(options, Evaluator(form)));
        Assert.Equal(3, CurveFit.ResolveThreads(options with { Compute = new() { Threads = 3 } }, Evaluator("hand gradient")));
        Assert.Equal(1, CurveFit.ResolveThreads(options with { Compute = ComputeOptions.Sequential }, Evaluator("expression")));
    }

    [Fact]
    public void Bad_thread_counts_are_rejected_naming_the_option()
    {
        foreach (int bad in new[] { -1, -2, int.MinValue })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => new FitOptions { Compute = new() { Threads = bad } }.Validate());
            Assert.Equal("Threads", e.ParamName);
            Assert.Contains("Threads must be", e.Message);
            var (x, y, _) = Data(100, 1);
            e = Assert.Throws<ArgumentOutOfRangeException>(() => CurveFit.Fit(Expression, x, y, Start, new FitOptions { Compute = new() { Threads = bad } }));
            Assert.Equal("Threads", e.ParamName);
            e = Assert.Throws<ArgumentOutOfRangeException>(() => CurveFit.Fit(Hand, x, y, Start, new FitOptions { Compute = new() { Threads = bad } }));
            Assert.Equal("Threads", e.ParamName);
            e = Assert.Throws<ArgumentOutOfRangeException>(() =>
                new LevenbergMarquardt(Threads: bad).Minimize(Problem(Evaluator("expression"), x, y, y, Setups[0], 1), Start));
            Assert.Equal("Threads", e.ParamName);
        }
        // A leading dimension below the number of points is misuse too.
        var compiled = Optima.Problems.Expressions.Expression.Parse("a*x").Compile(["x"], ["a"]);
        Assert.Throws<ArgumentOutOfRangeException>(() => compiled.EvaluateBatch(new double[10], [1.0], new double[10], new double[10], 9, default, default));
    }

    [Fact]
    public void A_user_model_that_throws_on_a_worker_thread_surfaces_its_exception_and_the_next_evaluation_works()
    {
        int m = 8 * FitProblem.PartRows;
        var (x, y, sigma) = Data(m, 3);
        bool fail = true;
        FitFunctionWithGradient model = (xs, p, g) =>
        {
            if (fail && xs[0] > 9) throw new InvalidOperationException("model failed");
            return Hand(xs, p, g);
        };
        var problem = Problem(new DelegateEvaluator(null, model), x, y, sigma, Setups[1], 2);
        var u = problem.ToInternal(Start);
        var r = new double[m];
        var j = new DenseMatrix(m, 5);
        var e = Assert.Throws<InvalidOperationException>(() => problem.Evaluate(u, r, j));
        Assert.Equal("model failed", e.Message);
        Assert.Throws<InvalidOperationException>(() => problem.Evaluate(u, r, null));
        fail = false;
        problem.Evaluate(u, r, j);
        var reference = Problem(new DelegateEvaluator(null, Hand), x, y, sigma, Setups[1], 1);
        var r1 = new double[m];
        var j1 = new DenseMatrix(m, 5);
        reference.Evaluate(u, r1, j1);
        Assert.True(r.AsSpan().SequenceEqual(r1));
        Assert.True(j.AsSpan().SequenceEqual(j1.AsSpan()));
    }

    [Fact]
    public void Parallel_streamed_QR_is_the_same_bits_as_serial_and_repeated_calls_allocate_nothing()
    {
        int m = 3 * TallSkinnyQr.ChunkRows + 123, n = 6;
        var rng = new Xoshiro256StarStar(5);
        var a = new DenseMatrix(m, n);
        foreach (ref double e in a.AsSpan()) e = rng.NextGaussian();
        var extra = Enumerable.Range(0, m).Select(_ => rng.NextGaussian()).ToArray();
        var serial = new double[(n + 1) * (n + 1)];
        var parallel = new double[(n + 1) * (n + 1)];
        TallSkinnyQr.Factorize(a, extra, serial, 1);
        TallSkinnyQr.Factorize(a, extra, parallel, 2);
        Assert.True(serial.AsSpan().SequenceEqual(parallel));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int rep = 0; rep < 5; rep++) TallSkinnyQr.Factorize(a, extra, parallel, 2);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(serial.AsSpan().SequenceEqual(parallel));
    }
}

/// <summary>A collection that runs alone: its tests measure the allocations of every thread in the process.</summary>
[CollectionDefinition(nameof(ProcessWideAllocation), DisableParallelization = true)]
public sealed class ProcessWideAllocation;

[Collection(nameof(ProcessWideAllocation))]
public class ParallelFitAllocationTests
{
    [Fact]
    public void LM_iterations_on_two_threads_allocate_nothing_proportional_to_the_number_of_points()
    {
        int m = 200_000;
        var (x, y, sigma) = ParallelFitTests.Data(m, 11);
        foreach (var setup in new[] { ParallelFitTests.Setups[1], ParallelFitTests.Setups[3] })
        {
            var problem = ParallelFitTests.Problem(ParallelFitTests.Evaluator("expression"), x, y, sigma, setup, 2);
            var u0 = problem.ToInternal([2.5, 1.0, 1.2, 0.25, 0.4]);
            (long Thread, long Process) Allocated(int iterations)
            {
                var options = new SolverOptions { MaxIterations = iterations, StepTolerance = 0, FunctionTolerance = 0 };
                var lm = new LevenbergMarquardt(Threads: 2);
                lm.Minimize(problem, u0, options);   // warm-up (JIT, pools, the per-thread QR buffer)
                // The calling thread's allocations, and every thread's (the fork-join worker's too: no other test runs
                // alongside, the collection is serial, though the test runner's own threads may still allocate a little);
                // the least of three runs of each.
                long thread = long.MaxValue, process = long.MaxValue;
                for (int rep = 0; rep < 3; rep++)
                {
                    long before = GC.GetTotalAllocatedBytes(precise: true), beforeThread = GC.GetAllocatedBytesForCurrentThread();
                    var result = lm.Minimize(problem, u0, options);
                    thread = Math.Min(thread, GC.GetAllocatedBytesForCurrentThread() - beforeThread);
                    process = Math.Min(process, GC.GetTotalAllocatedBytes(precise: true) - before);
                    Assert.Equal(iterations, result.Iterations);
                }
                return (thread, process);
            }
            var (two, five) = (Allocated(2), Allocated(5));
            // Three more iterations, each evaluating m points on two threads: on the calling thread (as the serial test)
            // less than 16 KiB more; in the whole process less than 256 KiB more, far below one m-vector (1.6 MB) per iteration.
            Assert.True(five.Thread - two.Thread < 16 * 1024, $"{setup}: calling thread: 2 iterations allocated {two.Thread} B, 5 iterations {five.Thread} B");
            Assert.True(five.Process - two.Process < 256 * 1024, $"{setup}: process: 2 iterations allocated {two.Process} B, 5 iterations {five.Process} B");
        }
    }
}
