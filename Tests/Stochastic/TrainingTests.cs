using Optima.Problems;
using Optima.Problems.Data;
using Optima.Problems.Models;
using Optima.Solvers;
using Optima.Solvers.Stochastic;
using Xunit;
using Xunit.Abstractions;

namespace Optima.Tests.Stochastic;

public class TrainingTests(ITestOutputHelper output)
{
    /// <summary>f = ½ Σ dᵢ xᵢ², minimum 0 at the origin.</summary>
    private static IGradientObjective Diagonal(double[] d) => Objective.FromValueAndGradient(d.Length, (x, g) =>
    {
        double f = 0;
        for (int i = 0; i < x.Length; i++) { g[i] = d[i] * x[i]; f += 0.5 * d[i] * x[i] * x[i]; }
        return f;
    });

    /// <summary>Two Gaussian blobs in d dimensions, labels 0/1.</summary>
    private static LabeledData Blobs(int count, int d, ulong seed)
    {
        var rng = new Xoshiro256StarStar(seed);
        var x = new double[count * d];
        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            y[i] = i % 2;
            for (int k = 0; k < d; k++) x[i * d + k] = rng.NextGaussian() + (y[i] == 1 ? 0.7 : -0.7) * (k % 2 == 0 ? 1 : 0.5);
        }
        return new LabeledData(x, d, y, 2);
    }

    /// <summary>Gaussian clusters for c classes.</summary>
    internal static LabeledData Clusters(int count, int d, int c, ulong seed)
    {
        var rng = new Xoshiro256StarStar(seed);
        var centres = new double[c * d];
        for (int i = 0; i < centres.Length; i++) centres[i] = 2 * rng.NextGaussian();
        var x = new double[count * d];
        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            y[i] = rng.NextInt(c);
            for (int k = 0; k < d; k++) x[i * d + k] = centres[y[i] * d + k] + rng.NextGaussian();
        }
        return new LabeledData(x, d, y, c);
    }

    [Fact]
    public void Full_batch_runs_are_OptimizationResults_under_the_shared_driver()
    {
        var r = new OptimizerMinimizer("adam", new AdamSettings { LearningRate = 0.1 }).Minimize(Diagonal([1, 2]), [1, -1],
            new SolverOptions { MaxIterations = 5, RecordHistory = true });
        Assert.Equal("adam", r.Method);
        Assert.Equal(TerminationReason.MaxIterations, r.Reason);
        Assert.Equal(6, r.History!.Count);
        Assert.Equal(0.1, r.History[1].StepSize);
    }

    [Fact]
    public void Sgd_with_noisy_gradients_and_a_Robbins_Monro_schedule_converges()
    {
        // fᵢ(x) = ½‖x − aᵢ‖²: minibatch gradients are unbiased and noisy; the minimiser is the mean of the aᵢ.
        var rng = new Xoshiro256StarStar(5);
        const int n = 3, count = 400;
        var a = new double[count][];
        for (int i = 0; i < count; i++) a[i] = [rng.NextGaussian() + 1, 2 * rng.NextGaussian() - 1, rng.NextGaussian()];
        var mean = Enumerable.Range(0, n).Select(k => a.Average(v => v[k])).ToArray();
        var f = new FiniteSum(n, count, (i, x, g) =>
        {
            double s = 0;
            for (int k = 0; k < n; k++) { g[k] = x[k] - a[i][k]; s += 0.5 * g[k] * g[k]; }
            return s;
        });
        var result = Training.Run(f, new double[n], "sgd", new TrainingOptions
        {
            Epochs = 40, BatchSize = 1, Seed = 3, Schedule = Schedule.InverseTime(0.5, timeScale: 10),
        });
        Assert.Equal(TerminationReason.Completed, result.Reason);
        double err = result.Parameters.Zip(mean).Max(z => Math.Abs(z.First - z.Second));
        output.WriteLine($"distance to the minimiser after 40 epochs: {err:G3}");
        Assert.True(err < 0.05, $"SGD ended {err} from the minimiser");
    }

    [Fact]
    public void Lookahead_with_k1_alpha1_equals_its_inner_optimizer_bit_for_bit()
    {
        var (theta, d, c) = (new[] { 0.3, -1.2, 2.0, 0.5, 0.1 }, new[] { 1.0, 2, 3, 0.5, 1 }, new[] { 0.1, -0.2, 0.3, 0, 1 });
        var inner = Optimizers.Create("nadam", 5);
        var wrapped = new Lookahead(Optimizers.Create("nadam", 5), k: 1, alpha: 1);
        var a = (double[])theta.Clone();
        var b = (double[])theta.Clone();
        var g = new double[5];
        for (int t = 0; t < 10; t++)
        {
            for (int i = 0; i < 5; i++) g[i] = d[i] * a[i] + c[i];
            inner.Step(a, g);
            for (int i = 0; i < 5; i++) g[i] = d[i] * b[i] + c[i];
            wrapped.Step(b, g);
        }
        Assert.Equal(a, b);
    }

    [Fact]
    public void Lookahead_interpolates_the_slow_weights_every_k_steps()
    {
        const int k = 3;
        const double alpha = 0.4;
        var la = new Lookahead(Flat.Create("sgd", 2, new() { LearningRate = 0.1 }), k, alpha);
        var x = new[] { 1.0, -2.0 };
        var slow = (double[])x.Clone();
        var fast = (double[])x.Clone();
        for (int t = 1; t <= 7; t++)
        {
            var g = new[] { 2 * x[0], x[1] + 1 };
            la.Step(x, g);
            var gf = new[] { 2 * fast[0], fast[1] + 1 };
            for (int i = 0; i < 2; i++) fast[i] -= 0.1 * gf[i];
            if (t % k == 0)
                for (int i = 0; i < 2; i++) { slow[i] += alpha * (fast[i] - slow[i]); fast[i] = slow[i]; }
            Assert.Equal(fast[0], x[0], 14);
            Assert.Equal(fast[1], x[1], 14);
        }
    }

    [Fact]
    public void Logistic_regression_trains_with_every_optimizer()
    {
        var data = Blobs(300, 4, 11);
        var model = new LogisticRegression(data, l2: 1e-3);
        foreach (var name in Optimizers.Names)
        {
            double lr = name switch { "adadelta" => 1.0, "sgd" or "sgdw" or "momentum" or "nesterov" or "heavy-ball" => 0.1, _ => 0.01 };
            var r = Training.Run(model, new double[5], name, new TrainingOptions { Epochs = 8, BatchSize = 16 }, Optimizers.Defaults(name) with { LearningRate = lr });
            double acc = model.Accuracy(r.Parameters);
            Assert.True(acc > 0.8, $"{name}: accuracy {acc}");
            Assert.True(r.History[^1].TrainLoss < r.History[0].TrainLoss * 1.05 || r.History[0].TrainLoss < 0.45, $"{name}: loss did not fall");
        }
    }

    [Fact]
    public void The_same_seed_replays_bit_for_bit_and_another_seed_differs()
    {
        var data = Clusters(200, 6, 3, 2);
        var model = new Mlp(data, [5], maxDegreeOfParallelism: 1);
        var x0 = model.InitialParameters(7);
        var opts = new TrainingOptions { Epochs = 3, BatchSize = 16, Seed = 42 };
        var a = Training.Run(model, x0, "adam", opts, new AdamSettings { LearningRate = 0.01 });
        var b = Training.Run(model, x0, "adam", opts, new AdamSettings { LearningRate = 0.01 });
        var c = Training.Run(model, x0, "adam", opts with { Seed = 43 }, new AdamSettings { LearningRate = 0.01 });
        Assert.Equal(a.Parameters, b.Parameters);
        Assert.Equal(a.History.Select(h => h.TrainLoss), b.History.Select(h => h.TrainLoss));
        Assert.NotEqual(a.Parameters, c.Parameters);
    }

    [Fact]
    public void A_learning_rate_far_too_large_stops_with_Diverged_before_the_loss_overflows()
    {
        var data = Clusters(150, 5, 3, 9);
        var model = new Mlp(data, [6], maxDegreeOfParallelism: 1);
        var x0 = model.InitialParameters(1);
        var opts = new TrainingOptions { Epochs = 5, BatchSize = 10, Seed = 5 };
        var diverged = new MinibatchTrainer(model, Flat.Create("adam", model.Dimension, new() { LearningRate = 1e30 }), x0, opts).Run();
        Assert.Equal(TerminationReason.Diverged, diverged.Reason);
        Assert.Contains("diverged", diverged.Message);
        Assert.All(diverged.Parameters, v => Assert.True(double.IsFinite(v)));
        // A sensible rate trains through, and the check can be turned off.
        Assert.Equal(TerminationReason.Completed, new MinibatchTrainer(model, Flat.Create("adam", model.Dimension, new() { LearningRate = 0.01 }), x0, opts).Run().Reason);
        var unchecked_ = new MinibatchTrainer(model, Flat.Create("adam", model.Dimension, new() { LearningRate = 1e30 }), x0,
            opts with { DivergenceFactor = double.PositiveInfinity }).Run();
        Assert.NotEqual(TerminationReason.Diverged, unchecked_.Reason);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MinibatchTrainer(model, Optimizers.Create("adam", model.Dimension), x0, opts with { DivergenceFactor = 1 }));
    }

    [Fact]
    public void A_momentum_is_validated_and_refused_where_it_does_not_apply()
    {
        Assert.Throws<ArgumentException>(() => Flat.Create("sgd", 2, new() { Momentum = double.NaN }));
        Assert.Throws<ArgumentException>(() => Flat.Create("nesterov", 2, new() { Momentum = -0.1 }));
        Assert.Throws<ArgumentException>(() => Flat.Create("adam", 2, new() { Momentum = 0.9 }));
        Assert.Throws<ArgumentException>(() => Flat.Create("lookahead:nadam", 2, new() { Momentum = 0.5 }));
        Assert.Equal("lookahead(sgd)", Flat.Create("lookahead:sgd", 2, new() { Momentum = 0.5 }).Name);
        Assert.True(Optimizers.IsKnown("Lookahead:ADAM"));
        Assert.False(Optimizers.IsKnown("lookahead:bfgs"));
    }

    [Fact]
    public void Save_restore_continue_equals_an_uninterrupted_run_bit_for_bit()
    {
        var data = Clusters(150, 5, 3, 9);
        var model = new Mlp(data, [6], maxDegreeOfParallelism: 1);
        var x0 = model.InitialParameters(1);
        var settings = new Flat { LearningRate = 0.02, LookaheadSteps = 3, WeightDecay = 1e-3 };
        var schedule = Schedule.WarmupThen(5, Schedule.Cosine(0.02, 60));
        var opts = new TrainingOptions { Epochs = 4, BatchSize = 10, AccumulationSteps = 2, Seed = 5, Schedule = schedule };
        string dir = Path.Combine(Path.GetTempPath(), "optima-ckpt-" + Guid.NewGuid().ToString("N"));
        try
        {
            var whole = new MinibatchTrainer(model, Flat.Create("adamw", model.Dimension, settings), x0, opts).Run();

            // Stop mid-epoch (step 13 of 32), checkpoint, resume in a fresh trainer and optimizer.
            string path = Path.Combine(dir, "run.ckpt");
            var first = new MinibatchTrainer(model, Flat.Create("adamw", model.Dimension, settings), x0,
                opts with { MaxIterations = 13, CheckpointPath = path }).Run();
            Assert.Equal(TerminationReason.MaxIterations, first.Reason);
            var resumed = new MinibatchTrainer(model, Flat.Create("adamw", model.Dimension, settings), new double[model.Dimension], opts);
            resumed.LoadCheckpoint(path);
            var rest = resumed.Run();
            Assert.Equal(TerminationReason.Completed, rest.Reason);
            Assert.Equal(whole.Steps, rest.Steps);
            Assert.Equal(whole.Parameters, rest.Parameters);
            Assert.Equal(whole.History[^1].TrainLoss, rest.History[^1].TrainLoss);

            // And stopping exactly at an epoch boundary (8 steps = 1 epoch) resumes without a second shuffle.
            new MinibatchTrainer(model, Flat.Create("adamw", model.Dimension, settings), x0, opts with { MaxIterations = 8, CheckpointPath = path }).Run();
            var again = new MinibatchTrainer(model, Flat.Create("adamw", model.Dimension, settings), x0, opts);
            again.LoadCheckpoint(path);
            Assert.Equal(whole.Parameters, again.Run().Parameters);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Accumulating_two_micro_batches_equals_one_batch_of_twice_the_size()
    {
        var data = Blobs(100, 3, 4);
        var model = new LogisticRegression(data);
        var a = Training.Run(model, new double[4], "adam", new TrainingOptions { Epochs = 2, BatchSize = 8, AccumulationSteps = 2 }, new AdamSettings { LearningRate = 0.05 });
        var b = Training.Run(model, new double[4], "adam", new TrainingOptions { Epochs = 2, BatchSize = 16 }, new AdamSettings { LearningRate = 0.05 });
        Assert.Equal(a.Steps, b.Steps);
        for (int i = 0; i < 4; i++) Assert.Equal(b.Parameters[i], a.Parameters[i], 10);
    }

    [Fact]
    public void A_checkpoint_from_another_optimizer_or_size_is_refused_clearly()
    {
        var opt = Optimizers.Create("adam", 10);
        var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, true)) opt.SaveState(w);
        ms.Position = 0;
        var e1 = Assert.Throws<InvalidDataException>(() => Optimizers.Create("nadam", 10).LoadState(new BinaryReader(ms)));
        Assert.Contains("adam", e1.Message);
        ms.Position = 0;
        var e2 = Assert.Throws<InvalidDataException>(() => Optimizers.Create("adam", 11).LoadState(new BinaryReader(ms)));
        Assert.Contains("10 parameters", e2.Message);
    }

    [Fact]
    public void Bad_settings_and_names_fail_at_construction_with_clear_messages()
    {
        var e = Assert.Throws<ArgumentException>(() => Optimizers.Create("adamm", 3));
        Assert.Contains("adamw", e.Message);
        Assert.Contains("nadam", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Flat.Create("adam", 3, new() { LearningRate = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Flat.Create("adam", 3, new() { LearningRate = double.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Flat.Create("adam", 3, new() { Beta1 = 1.0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Flat.Create("adam", 3, new() { Beta2 = double.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Flat.Create("rmsprop", 3, new() { Alpha = -0.1 }));
        Assert.Throws<ArgumentException>(() => new ChainOptimizer("x", 3, 0.1, new ScaleByLearningRate(), new ClipByGlobalNorm(1)));
    }

    [Fact]
    public void A_nonfinite_gradient_is_refused_and_the_trainer_stops_with_NonFiniteGradient()
    {
        var opt = Optimizers.Create("adam", 3);
        var x = new[] { 1.0, 2.0, 3.0 };
        Assert.True(opt.Step(x, [0.1, 0.1, 0.1]));
        var before = (double[])x.Clone();
        var m = ((ChainOptimizer)opt).State.Vector<double>(0).ToArray();
        Assert.False(opt.Step(x, [0.1, double.NaN, 0.1]));
        Assert.False(opt.Step(x, [double.PositiveInfinity, 0, 0]));
        Assert.Equal(before, x);
        Assert.Equal(m, ((ChainOptimizer)opt).State.Vector<double>(0).ToArray());
        Assert.Equal(1, opt.StepCount);

        var f = new FiniteSum(1, 10, (i, w, g) => { g[0] = i == 7 ? double.NaN : w[0]; return 0.5 * w[0] * w[0]; });
        var r = Training.Run(f, [1.0], "sgd", new TrainingOptions { Epochs = 1, BatchSize = 1 });
        Assert.Equal(TerminationReason.NonFiniteValue, r.Reason);
        Assert.Contains("refused", r.Message);
        Assert.True(double.IsFinite(r.Parameters[0]));
    }

    [Fact]
    public void No_optimizer_allocates_per_step()
    {
        const int n = 5003;
        var x = new double[n];
        var g = Enumerable.Range(0, n).Select(i => Math.Sin(i)).ToArray();
        foreach (var name in Optimizers.Names.Append("lookahead:adam"))
        {
            var opt = Flat.Create(name, n, new() { ClipNorm = 1, WeightDecay = 1e-3 });
            opt.Step(x, g); // warm-up (JIT)
            // Minimum over a few trials: tiered recompilation or a collection started by a test running beside this
            // one occasionally shows up as a few bytes on this thread's counter; a real per-step allocation never goes.
            long allocated = long.MaxValue;
            for (int trial = 0; trial < 3 && allocated > 0; trial++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int t = 0; t < 5; t++) opt.Step(x, g);
                allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            }
            Assert.True(allocated == 0, $"{name} allocated {allocated} bytes in 5 steps");
        }
    }

    [Fact]
    public void Backprop_passes_the_gradient_check()
    {
        var data = Clusters(9, 5, 3, 1);
        foreach (int[] hidden in new[] { Array.Empty<int>(), [4], [4, 3] })
        {
            var mlp = new Mlp(data, hidden, 1);
            var x = mlp.InitialParameters(3);
            var check = Optima.Problems.Derivatives.GradientCheck.Run(mlp, x, 1e-6);
            Assert.True(check.Passed, $"hidden [{string.Join(",", hidden)}]: {check}");
            // A batch gradient is the mean of the single-term gradients.
            var g = new double[mlp.Dimension];
            var one = new double[mlp.Dimension];
            var sum = new double[mlp.Dimension];
            int[] batch = [0, 3, 3, 8];
            double v = mlp.BatchValueAndGradient(x, batch, g);
            double vs = 0;
            foreach (int i in batch) { vs += mlp.BatchValueAndGradient(x, [i], one); for (int k = 0; k < one.Length; k++) sum[k] += one[k] / batch.Length; }
            Assert.Equal(vs / batch.Length, v, 12);
            for (int k = 0; k < g.Length; k++) Assert.Equal(sum[k], g[k], 12);
        }
        var logistic = new LogisticRegression(Blobs(12, 3, 2), l2: 0.1);
        Assert.True(Optima.Problems.Derivatives.GradientCheck.Run(logistic, [0.3, -0.2, 0.5, 0.1]).Passed);
        var linear = new LinearRegression([1, 2, 3, 4, 5, 7], 2, [1, 0, 2], l2: 0.2);
        Assert.True(Optima.Problems.Derivatives.GradientCheck.Run(linear, [0.3, -0.2, 0.5]).Passed);
    }

    [Fact]
    public void Lr_range_test_sweeps_geometrically_and_suggests_a_rate_inside_the_range()
    {
        var model = new LogisticRegression(Blobs(200, 4, 3));
        var r = Training.LearningRateRangeTest(model, new double[5], "sgd", 1e-4, 100, steps: 80, batchSize: 16);
        Assert.True(r.Points.Count >= 10);
        Assert.Equal(1e-4, r.Points[0].LearningRate, 12);
        for (int i = 1; i < r.Points.Count; i++) Assert.True(r.Points[i].LearningRate > r.Points[i - 1].LearningRate);
        Assert.InRange(r.SuggestedLearningRate, 1e-4, 100);
        output.WriteLine($"suggested {r.SuggestedLearningRate:G3}, diverged {r.Diverged}, {r.Points.Count} points");
    }

    [SkippableFact]
    public void An_mlp_learns_a_fashion_mnist_subset()
    {
        TestSupport.RequireFashionMnist();
        var (train, test) = FashionMnist.Load(maxTrain: 6000, maxTest: 2000);
        var model = new Mlp(train, [64], maxDegreeOfParallelism: 1);
        var x0 = model.InitialParameters(1);
        var r = Training.Run(model, x0, "adam", new TrainingOptions
        {
            Epochs = 3, BatchSize = 64, Seed = 1, Evaluate = x => model.Evaluate(x, test),
        });
        foreach (var e in r.History)
            output.WriteLine($"epoch {e.Epoch}: train loss {e.TrainLoss:F4}, test loss {e.TestLoss:F4}, test accuracy {e.TestAccuracy:P1}, {e.Seconds:F2} s, {e.SamplesPerSecond:F0} samples/s");
        Assert.True(r.History[^1].TestAccuracy > 0.78, $"test accuracy {r.History[^1].TestAccuracy}");
        Assert.True(r.History[^1].TrainLoss < r.History[0].TrainLoss);
    }

    [Fact]
    public void Missing_data_set_files_say_how_to_install_them()
    {
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load("/nonexistent/fashion"));
        Assert.Contains("apt-get install", e.Message);
    }
}
