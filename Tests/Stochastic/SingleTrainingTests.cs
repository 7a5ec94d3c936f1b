using Optima.Problems.Models;
using Optima.Solvers.Stochastic;
using Xunit;

namespace Optima.Tests.Stochastic;

/// <summary>float32 minibatch training (float MLP gradients, float optimizer state) through the shared trainer.</summary>
public class SingleTrainingTests
{
    [Fact]
    public void Float32_training_tracks_float64_and_replays_bit_for_bit()
    {
        var data = TrainingTests.Clusters(300, 8, 3, 4);
        var test = TrainingTests.Clusters(200, 8, 3, 4);
        var model = new Mlp(data, [10], maxDegreeOfParallelism: 1);
        var opts = new TrainingOptions
        {
            Epochs = 4, BatchSize = 32, Seed = 3,
            Evaluate = x => model.Evaluate(x, test), EvaluateSingle = x => model.Evaluate(x, test),
        };
        var settings = new AdamSettings { LearningRate = 0.01 };
        var wide = Training.Run(model, model.InitialParameters(2), "adam", opts, settings);
        var a = Training.Run(model, model.InitialParametersSingle(2), "adam", opts, settings);
        var b = Training.Run(model, model.InitialParametersSingle(2), "adam", opts, settings);

        Assert.NotNull(a.SingleParameters);
        Assert.Null(wide.SingleParameters);
        Assert.Equal(a.SingleParameters, b.SingleParameters);
        Assert.Equal(a.History.Select(h => h.TrainLoss), b.History.Select(h => h.TrainLoss));
        Assert.Equal(a.SingleParameters!.Select(v => (double)v), a.Parameters);
        for (int e = 0; e < opts.Epochs; e++)
        {
            Assert.True(Math.Abs(a.History[e].TrainLoss - wide.History[e].TrainLoss) <= 0.02 * wide.History[e].TrainLoss,
                $"epoch {e + 1}: float32 loss {a.History[e].TrainLoss} vs float64 {wide.History[e].TrainLoss}");
            Assert.True(Math.Abs(a.History[e].TestAccuracy - wide.History[e].TestAccuracy) <= 0.02,
                $"epoch {e + 1}: float32 accuracy {a.History[e].TestAccuracy} vs float64 {wide.History[e].TestAccuracy}");
        }
        Assert.True(a.History[^1].TestAccuracy > 0.8, $"accuracy {a.History[^1].TestAccuracy}");
    }

    [Fact]
    public void Float32_save_restore_continue_equals_an_uninterrupted_run_and_precisions_do_not_mix()
    {
        var data = TrainingTests.Clusters(150, 5, 3, 9);
        var model = new Mlp(data, [6], maxDegreeOfParallelism: 1);
        var x0 = model.InitialParametersSingle(1);
        var settings = new Flat { LearningRate = 0.02, WeightDecay = 1e-3, Precision = OptimizerPrecision.Float32 };
        var opts = new TrainingOptions { Epochs = 3, BatchSize = 10, AccumulationSteps = 2, Seed = 5, Schedule = Schedule.Cosine(0.02, 24) };
        string dir = Path.Combine(Path.GetTempPath(), "optima-ckpt32-" + Guid.NewGuid().ToString("N"));
        try
        {
            var whole = new MinibatchTrainer(model, Flat.Create("adamw", model.Dimension, settings), x0, opts).Run();
            string path = Path.Combine(dir, "run.ckpt");
            var first = new MinibatchTrainer(model, Flat.Create("adamw", model.Dimension, settings), x0,
                opts with { MaxIterations = 11, CheckpointPath = path }).Run();
            Assert.Equal(TerminationReason.MaxIterations, first.Reason);
            var resumed = new MinibatchTrainer(model, Flat.Create("adamw", model.Dimension, settings), new float[model.Dimension], opts);
            resumed.LoadCheckpoint(path);
            var rest = resumed.Run();
            Assert.Equal(whole.Steps, rest.Steps);
            Assert.Equal(whole.SingleParameters, rest.SingleParameters);

            // A float32 checkpoint does not load into a float64 run, and an optimizer of the other precision is refused.
            var wide = new MinibatchTrainer(model, Flat.Create("adamw", model.Dimension, settings with { Precision = OptimizerPrecision.Float64 }),
                model.InitialParameters(1), opts);
            Assert.Contains("float32", Assert.Throws<InvalidDataException>(() => wide.LoadCheckpoint(path)).Message);
            Assert.Throws<ArgumentException>(() => new MinibatchTrainer(model, Optimizers.Create("adam", model.Dimension), x0, opts));
            Assert.Throws<ArgumentException>(() => new MinibatchTrainer(model, Flat.Create("adam", model.Dimension, settings), model.InitialParameters(1), opts));
            x0[3] = float.NaN;
            Assert.Throws<ArgumentException>(() => new MinibatchTrainer(model, Flat.Create("adam", model.Dimension, settings), x0, opts));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
