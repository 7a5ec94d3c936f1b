using Optima.Distributed;
using Optima.Problems.Models;
using Optima.Solvers;
using Optima.Solvers.Stochastic;
using Optima.Tests.Stochastic;
using Xunit;

namespace Optima.Tests.Distributed;

/// <summary>
/// Data-parallel training over ranks that are threads (<see cref="LocalGroup"/>): the same logic as under mpirun, whose
/// wiring Tests/Distributed/MpiLaunchTests checks with real processes.
/// </summary>
public class DataParallelTrainingTests
{
    private static readonly Optima.Problems.Data.LabeledData Data = TrainingTests.Clusters(240, 6, 3, 2);
    private static readonly Flat Adam = new() { LearningRate = 0.01 };

    /// <summary>Each rank trains its own model over the same data (a model's buffers are not shared between threads).</summary>
    private static TrainingResult[] TrainOnRanks(int size, TrainingOptions options, Action<MinibatchTrainer>? before = null, Func<int, TrainingOptions, TrainingOptions>? perRank = null) =>
        new LocalGroup(size).Run(ranks =>
        {
            var model = new Mlp(Data, [5], maxDegreeOfParallelism: 1);
            var o = options with { Communicator = ranks };
            if (perRank is not null) o = perRank(ranks.Rank, o);
            var trainer = new MinibatchTrainer(model, Flat.Create("adam", model.Dimension, Adam), model.InitialParameters(7), o);
            before?.Invoke(trainer);
            return trainer.Run();
        });

    private static TrainingResult TrainAlone(TrainingOptions options, Action<MinibatchTrainer>? before = null)
    {
        var model = new Mlp(Data, [5], maxDegreeOfParallelism: 1);
        var trainer = new MinibatchTrainer(model, Flat.Create("adam", model.Dimension, Adam), model.InitialParameters(7), options);
        before?.Invoke(trainer);
        return trainer.Run();
    }

    private static double MaxRelativeDifference(double[] a, double[] b) =>
        a.Zip(b, (x, y) => Math.Abs(x - y) / Math.Max(1, Math.Abs(y))).Max();

    [Theory]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 1)]
    public void Every_rank_ends_with_the_same_bits_reproducibly_and_the_single_process_answer_up_to_rounding(int size, int accumulation)
    {
        var options = new TrainingOptions { Epochs = 3, BatchSize = 16, AccumulationSteps = accumulation, Seed = 42 };
        var first = TrainOnRanks(size, options);
        var again = TrainOnRanks(size, options);
        var alone = TrainAlone(options);
        foreach (var r in first.Concat(again))
        {
            Assert.Equal(TerminationReason.Completed, r.Reason);
            Assert.Equal(size, r.Ranks);
            Assert.Equal(alone.Steps, r.Steps);
            Assert.Equal(first[0].Parameters, r.Parameters); // bit for bit, on every rank and in both runs
        }
        // The same batches as one process: only the rounding of the sums differs.
        Assert.True(MaxRelativeDifference(first[0].Parameters, alone.Parameters) < 1e-9, $"{MaxRelativeDifference(first[0].Parameters, alone.Parameters)}");
        Assert.Equal(alone.History[^1].TrainLoss, first[0].History[^1].TrainLoss, 1e-12);
        Assert.Equal(1, alone.Ranks);
    }

    [Fact]
    public void One_rank_or_the_single_process_communicator_gives_the_bits_of_a_plain_run()
    {
        var options = new TrainingOptions { Epochs = 2, BatchSize = 16, Seed = 3 };
        var plain = TrainAlone(options);
        Assert.Equal(plain.Parameters, TrainAlone(options with { Communicator = SingleProcessCommunicator.Instance }).Parameters);
        Assert.Equal(plain.Parameters, TrainOnRanks(1, options)[0].Parameters);
    }

    [Fact]
    public void Float32_runs_agree_across_ranks_too()
    {
        var results = new LocalGroup(2).Run(ranks =>
        {
            var model = new Mlp(Data, [5], maxDegreeOfParallelism: 1);
            var opt = Flat.Create("adam", model.Dimension, Adam with { Precision = OptimizerPrecision.Float32 });
            return new MinibatchTrainer(model, opt, model.InitialParametersSingle(7), new TrainingOptions { Epochs = 2, BatchSize = 16, Communicator = ranks }).Run();
        });
        Assert.Equal(results[0].SingleParameters, results[1].SingleParameters);
        Assert.Equal(TerminationReason.Completed, results[1].Reason);
    }

    [Fact]
    public void Rank_0_writes_the_checkpoint_and_any_rank_count_resumes_it()
    {
        string dir = Path.Combine(Path.GetTempPath(), "optima-dp-" + Guid.NewGuid().ToString("N"));
        string path = Path.Combine(dir, "run.ckpt");
        try
        {
            var options = new TrainingOptions { Epochs = 3, BatchSize = 16, Seed = 5 };
            var straight = TrainOnRanks(3, options);
            // Stop mid-epoch at step 20 on three ranks; rank 0 alone writes (the others would write the same bytes).
            var cut = TrainOnRanks(3, options with { MaxIterations = 20, CheckpointPath = path });
            Assert.All(cut, r => Assert.Equal(TerminationReason.MaxIterations, r.Reason));
            Assert.True(File.Exists(path));

            // Three ranks again: bit for bit the uninterrupted run.
            var resumed = TrainOnRanks(3, options, t => t.LoadCheckpoint(path));
            Assert.All(resumed, r => Assert.Equal(straight[0].Parameters, r.Parameters));
            // Two ranks, and one process: the same run up to the rounding of the remaining steps' sums.
            var two = TrainOnRanks(2, options, t => t.LoadCheckpoint(path));
            Assert.Equal(two[0].Parameters, two[1].Parameters);
            var one = TrainAlone(options, t => t.LoadCheckpoint(path));
            Assert.Equal(straight[0].Steps, one.Steps);
            Assert.True(MaxRelativeDifference(two[0].Parameters, straight[0].Parameters) < 1e-9);
            Assert.True(MaxRelativeDifference(one.Parameters, straight[0].Parameters) < 1e-9);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_stop_asked_on_one_rank_stops_every_rank_at_the_same_step()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var results = TrainOnRanks(3, new TrainingOptions { Epochs = 2, BatchSize = 16 },
            perRank: (rank, o) => rank == 1 ? o with { CancellationToken = cancelled.Token } : o);
        Assert.All(results, r => Assert.Equal(TerminationReason.Cancelled, r.Reason));
        Assert.All(results, r => Assert.Equal(0, r.Steps));
        var late = TrainOnRanks(2, new TrainingOptions { Epochs = 2, BatchSize = 16 },
            perRank: (rank, o) => rank == 0 ? o with { TimeLimit = TimeSpan.Zero } : o);
        Assert.All(late, r => Assert.Equal(TerminationReason.TimeLimit, r.Reason));
    }
}
