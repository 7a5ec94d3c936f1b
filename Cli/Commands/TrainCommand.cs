using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Optima.Distributed;
using Optima.Problems;
using Optima.Problems.Data;
using Optima.Problems.Models;
using Optima.Solvers.Stochastic;
using Spectre.Console;

namespace Optima.Cli;

internal static partial class Commands
{
    private const string CheckpointFile = "checkpoint.bin";
    private const string RunFile = "run.json";

    private static Command TrainCommand(CliContext context)
    {
        var json = JsonOption();
        var data = new Option<string>("--data") { Description = "Data set: fashion-mnist.", DefaultValueFactory = _ => "fashion-mnist" };
        var dataDir = new Option<string>("--data-dir") { Description = "Directory of the IDX files.", DefaultValueFactory = _ => FashionMnist.DefaultDirectory };
        var model = new Option<string>("--model")
        {
            Description = "softmax | mlp:H1[,H2…] (ReLU hidden layers) | logistic[:A,B] | linear[:A,B] (two-class models on labels A vs B, default 0,1; linear = least squares on a 0/1 target).",
            DefaultValueFactory = _ => "mlp:256",
        };
        var optimizer = new Option<string>("--optimizer") { Description = $"One of: {string.Join(", ", Optimizers.Names)} (prefix 'lookahead:' to wrap).", DefaultValueFactory = _ => "adam" };
        var lr = new Option<double?>("--lr") { Description = "Learning rate γ (default: the optimizer's PyTorch default)." };
        var momentum = new Option<double?>("--momentum") { Description = "Momentum μ (sgd family, rmsprop)." };
        var weightDecay = new Option<double?>("--weight-decay") { Description = "Weight decay λ (decoupled for adamw/sgdw, L2 otherwise)." };
        var schedule = new Option<string>("--schedule") { Description = "constant | cosine | linear | step | onecycle | sgdr (per-epoch restarts) | inverse-time.", DefaultValueFactory = _ => "constant" };
        var warmup = new Option<long>("--warmup") { Description = "Linear warm-up steps from 0 before the schedule.", DefaultValueFactory = _ => 0 };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 10 };
        var batch = new Option<int>("--batch") { Description = "Minibatch size.", DefaultValueFactory = _ => 128 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the initialisation and the shuffling.", DefaultValueFactory = _ => 1UL };
        var precision = new Option<string>("--precision")
        {
            Description = "float64 | float32: the precision of the parameters, gradients, GEMMs and optimizer state (float32 as PyTorch trains by default; softmax and mlp models).",
            DefaultValueFactory = _ => "float64",
        };
        var threads = new Option<int>("--threads") { Description = "Threads for the MLP's matrix products (-1: all cores).", DefaultValueFactory = _ => -1 };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Use only the first N training samples." };
        var testLimit = new Option<int?>("--test-limit") { Description = "Use only the first N test samples." };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Directory to write a checkpoint to after every epoch (and when the run stops)." };
        var resume = new Option<string?>("--resume") { Description = "Directory of a checkpoint to continue from (bit for bit); checkpoints keep going there unless --checkpoint says otherwise." };
        var command = new Command("train", "Train a classifier on Fashion-MNIST with a first-order optimizer: progress per epoch on stderr, a final table (or --json).")
            { data, dataDir, model, optimizer, lr, momentum, weightDecay, schedule, warmup, epochs, batch, seed, precision, threads, trainLimit, testLimit, checkpoint, resume, json };
        command.SetAction(parse =>
        {
            var config = new TrainConfig(
                Data: parse.GetValue(data)!.Trim().ToLowerInvariant(),
                Model: parse.GetValue(model)!.Trim().ToLowerInvariant(),
                Optimizer: parse.GetValue(optimizer)!.Trim().ToLowerInvariant(),
                LearningRate: parse.GetValue(lr),
                Momentum: parse.GetValue(momentum),
                WeightDecay: parse.GetValue(weightDecay),
                Schedule: parse.GetValue(schedule)!.Trim().ToLowerInvariant(),
                Warmup: parse.GetValue(warmup),
                Epochs: parse.GetValue(epochs),
                Batch: parse.GetValue(batch),
                Seed: parse.GetValue(seed),
                TrainLimit: parse.GetValue(trainLimit),
                TestLimit: parse.GetValue(testLimit),
                Precision: parse.GetValue(precision)!.Trim().ToLowerInvariant());
            return Train(context, config, parse.GetValue(dataDir)!, parse.GetValue(threads), parse.GetValue(checkpoint), parse.GetValue(resume), parse.GetValue(json));
        });
        return command;
    }

    /// <summary>What identifies a training run (saved beside a checkpoint so a resume can be checked against it).</summary>
    private sealed record TrainConfig(string Data, string Model, string Optimizer, double? LearningRate, double? Momentum, double? WeightDecay,
        string Schedule, long Warmup, int Epochs, int Batch, ulong Seed, int? TrainLimit, int? TestLimit, string Precision = "float64");

    /// <summary>The file written beside a checkpoint: the run's settings and the epochs finished so far.</summary>
    private sealed record RunFileContent(TrainConfig Config, List<EpochRecord> History);

    private static int Train(CliContext context, TrainConfig c, string dataDir, int threads, string? checkpointDir, string? resumeDir, bool json)
    {
        if (c.Data != "fashion-mnist") throw new ArgumentException($"Unknown data set '{c.Data}'. Known data sets: fashion-mnist.");
        if (c.Epochs < 1) throw new ArgumentException($"--epochs must be at least 1, not {c.Epochs}.");
        if (c.Batch < 1) throw new ArgumentException($"--batch must be at least 1, not {c.Batch}.");
        if (c.Warmup < 0) throw new ArgumentException($"--warmup must be ≥ 0, not {c.Warmup}.");
        if (c.TrainLimit is < 1 || c.TestLimit is < 1) throw new ArgumentException("--train-limit and --test-limit must be at least 1.");
        if (threads == 0 || threads < -1) throw new ArgumentException("--threads must be -1 (all cores) or positive.");
        if (c.Precision is not ("float64" or "float32")) throw new ArgumentException($"--precision must be float64 or float32, not '{c.Precision}'.");
        bool single = c.Precision == "float32";
        var given = new (string, double?)[] { ("lr", c.LearningRate), ("momentum", c.Momentum), ("weight-decay", c.WeightDecay) };
        var settings = Optimizers.Settings(c.Optimizer, given.Where(o => o.Item2 is not null).Select(o => (o.Item1, o.Item2!.Value)),
            single ? OptimizerPrecision.Float32 : OptimizerPrecision.Float64);
        settings.Validate(); // bad settings fail before the data are read
        var model = ClassifierModel.Parse(c.Model, FashionMnist.ClassNames.Count);
        if (single && !model.SupportsSinglePrecision)
            throw new ArgumentException($"--precision float32 supports the softmax and mlp models, not '{c.Model}'.");
        if (!Schedule.IsKnown(c.Schedule)) throw new ArgumentException($"Unknown schedule '{c.Schedule}'. Known schedules: {string.Join(", ", Schedule.Names)}.");

        RunFileContent? previous = null;
        if (resumeDir is not null)
        {
            string runPath = Path.Combine(resumeDir, RunFile);
            if (!File.Exists(Path.Combine(resumeDir, CheckpointFile)) || !File.Exists(runPath))
                throw new FileNotFoundException($"No checkpoint in '{resumeDir}' (expected {CheckpointFile} and {RunFile}, written by --checkpoint).");
            try
            {
                previous = JsonSerializer.Deserialize<RunFileContent>(File.ReadAllText(runPath), OptimaCli.Json);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"'{runPath}' is not a run file written by --checkpoint: {e.Message}", e);
            }
            // The settings are compared below (a string field left null by a damaged file would not match, but the
            // record itself must be there).
            if (previous?.Config is null || previous.History is null)
                throw new InvalidDataException($"'{runPath}' is not a run file written by --checkpoint (no settings or history).");
            var p = previous.Config;
            // Everything but the number of epochs (which a resume may extend) must match the checkpointed run.
            if (p with { Epochs = c.Epochs } != c)
                throw new InvalidDataException($"The checkpoint in '{resumeDir}' was written by another run ({Describe(p)}); this run is {Describe(c)}.");
            if (p.Epochs != c.Epochs && Schedule.SpansRun(p.Schedule))
                throw new InvalidDataException($"The {p.Schedule} schedule of the checkpointed run spans its {p.Epochs} epochs; resume it with --epochs {p.Epochs} (only constant, sgdr and inverse-time schedules can be extended).");
        }

        var stopwatch = Stopwatch.StartNew();
        var (train, test) = FashionMnist.Load(dataDir, c.TrainLimit ?? int.MaxValue, c.TestLimit ?? int.MaxValue);
        var (problem, start, evaluate, describe) = model.Build(train, test, c.Seed, threads, FashionMnist.ClassNames);
        double loadSeconds = stopwatch.Elapsed.TotalSeconds;

        int batchesPerEpoch = (problem.Count + c.Batch - 1) / c.Batch;
        long totalSteps = (long)batchesPerEpoch * c.Epochs;
        var opt = Optimizers.Create(c.Optimizer, problem.Dimension, settings);
        var sched = Schedule.Named(c.Schedule, opt.LearningRate, c.Warmup, totalSteps, batchesPerEpoch);

        var ci = CultureInfo.InvariantCulture;
        var err = context.Error;
        // Under mpirun every rank trains; rank 0 alone reports progress, evaluates the test set and writes the run file.
        var ranks = context.Communicator;
        bool lead = ranks.Rank == 0, show = context.ShowProgress && lead;
        bool live = show && ReferenceEquals(err, System.Console.Error) && !System.Console.IsErrorRedirected;
        var monitor = new ProgressObjective(problem);
        string? saveDir = checkpointDir ?? resumeDir;
        var history = previous?.History ?? [];
        var progress = new CallbackProgress<EpochRecord>(r =>
        {
            if (live) err.Write("\r\u001b[2K");
            if (show) err.WriteLine(string.Create(ci, $"epoch {r.Epoch,3}/{c.Epochs} {Bar(1.0)} loss {r.TrainLoss:F4}  test loss {r.TestLoss:F4}  test acc {r.TestAccuracy:P2}  {r.SamplesPerSecond:N0} samples/s  {r.Seconds:F2} s"));
            history.Add(r);
            if (saveDir is not null && lead) WriteRunFile(saveDir, new RunFileContent(c, history));
        });
        if (live)
        {
            monitor.OnBatch = (done, loss) =>
            {
                double frac = Math.Min(1.0, done / (double)problem.Count);
                double secs = monitor.EpochClock.Elapsed.TotalSeconds;
                err.Write(string.Create(ci, $"\repoch {history.Count + 1,3}/{c.Epochs} {Bar(frac)} loss {loss:F4}  {(secs > 0 ? done / secs : 0):N0} samples/s "));
            };
        }

        var options = new TrainingOptions
        {
            Epochs = c.Epochs,
            BatchSize = c.Batch,
            Seed = c.Seed,
            Schedule = sched,
            Evaluate = lead ? evaluate : null,
            EvaluateSingle = single && lead ? xs => ((Mlp)problem).Evaluate(xs, test) : null,
            Communicator = ranks,
            Progress = progress,
            CheckpointPath = saveDir is null ? null : Path.Combine(saveDir, CheckpointFile),
            CancellationToken = context.Cancellation,
        };
        var trainer = single
            ? new MinibatchTrainer(monitor, opt, ((Mlp)problem).InitialParametersSingle(c.Seed), options)
            : new MinibatchTrainer(monitor, opt, start, options);
        if (resumeDir is not null)
        {
            trainer.LoadCheckpoint(Path.Combine(resumeDir, CheckpointFile));
            history.RemoveAll(r => r.Epoch > trainer.Epoch); // the run file may be one epoch ahead of a checkpoint cut short
        }
        int resumedAt = trainer.Epoch;
        if (saveDir is not null && lead) WriteRunFile(saveDir, new RunFileContent(c, history));
        if (show && ranks.Size > 1) err.WriteLine(string.Create(ci, $"{ranks.Description}: data-parallel over {ranks.Size} ranks, each with a shard of about {problem.Count / ranks.Size:N0} training samples"));
        if (show) err.WriteLine(string.Create(ci, $"{describe}: {problem.Dimension:N0} {c.Precision} parameters, {train.Count:N0} training / {test.Count:N0} test samples (loaded in {loadSeconds:F1} s); {opt.Name}, γ = {opt.LearningRate:G4}, {c.Schedule}{(c.Warmup > 0 ? $" after {c.Warmup} warm-up steps" : "")}, batch {c.Batch}, {batchesPerEpoch} steps/epoch{(resumedAt > 0 ? $"; resumed after epoch {resumedAt}" : "")}"));
        var result = trainer.Run();
        if (live) err.Write("\r\u001b[2K");
        if (result.Message is not null && lead) err.WriteLine($"optima: {result.Message}");
        string parameterHash = (single ? Digest.Of<float>(result.SingleParameters) : Digest.Of<double>(result.Parameters)).ToString("x16", ci);
        // One line per rank, so that the agreement the trainer checked can be seen from outside as well.
        if (context.ShowProgress && ranks.Size > 1) err.WriteLine($"optima: rank {ranks.Rank} of {ranks.Size}: parameters {parameterHash}");

        var last = history.Count > 0 ? history[^1] : default;
        if (json)
        {
            context.WriteJson(new
            {
                data = c.Data,
                model = c.Model,
                description = describe,
                parameters = problem.Dimension,
                trainSamples = train.Count,
                testSamples = test.Count,
                optimizer = opt.Name,
                precision = c.Precision,
                learningRate = settings.LearningRate,
                schedule = c.Schedule,
                warmup = c.Warmup,
                epochs = c.Epochs,
                batch = c.Batch,
                seed = c.Seed,
                ranks = result.Ranks,
                parameterHash,
                resumedAfterEpoch = resumedAt,
                reason = result.Reason,
                message = result.Message,
                steps = result.Steps,
                epochsCompleted = result.EpochsCompleted,
                seconds = result.Elapsed.TotalSeconds,
                testAccuracy = history.Count > 0 ? last.TestAccuracy : double.NaN,
                testLoss = history.Count > 0 ? last.TestLoss : double.NaN,
                checkpoint = saveDir is null ? null : Path.Combine(saveDir, CheckpointFile),
                history = history.Select(r => new
                {
                    epoch = r.Epoch,
                    trainLoss = r.TrainLoss,
                    testLoss = r.TestLoss,
                    testAccuracy = r.TestAccuracy,
                    seconds = r.Seconds,
                    samplesPerSecond = r.SamplesPerSecond,
                    learningRate = r.LearningRate,
                    steps = r.Steps,
                }),
            });
        }
        else
        {
            var table = new Table().AddColumns("epoch", "train loss", "test loss", "test accuracy", "seconds", "samples/s", "learning rate");
            foreach (var r in history)
                table.AddRow(r.Epoch.ToString(ci), r.TrainLoss.ToString("F4", ci), r.TestLoss.ToString("F4", ci), r.TestAccuracy.ToString("P2", ci),
                    r.Seconds.ToString("F2", ci), r.SamplesPerSecond.ToString("N0", ci), r.LearningRate.ToString("G4", ci));
            var console = Console(context);
            console.Write(table);
            var o = context.Out;
            o.WriteLine($"model         {describe}, {problem.Dimension.ToString("N0", ci)} {c.Precision} parameters");
            o.WriteLine($"optimizer     {opt.Name}, batch {c.Batch}, seed {c.Seed}{(result.Ranks > 1 ? $", {result.Ranks} ranks" : "")}");
            o.WriteLine($"result        {result.Reason}, {result.Steps.ToString("N0", ci)} steps, {result.Elapsed.TotalSeconds.ToString("F1", ci)} s");
            if (history.Count > 0) o.WriteLine($"test accuracy {last.TestAccuracy.ToString("P2", ci)}");
            if (saveDir is not null) o.WriteLine($"checkpoint    {Path.Combine(saveDir, CheckpointFile)}");
        }
        // Cancelled (SIGINT/SIGTERM: the checkpoint, when asked for, holds the point reached), diverged or non-finite: exit 1.
        return result.Reason == TerminationReason.Completed ? OptimaCli.Ok : OptimaCli.NotConverged;
    }

    private static string Describe(TrainConfig c) =>
        string.Create(CultureInfo.InvariantCulture, $"model {c.Model}, optimizer {c.Optimizer}, lr {c.LearningRate?.ToString(CultureInfo.InvariantCulture) ?? "default"}, schedule {c.Schedule}, warm-up {c.Warmup}, batch {c.Batch}, seed {c.Seed}, train limit {c.TrainLimit?.ToString(CultureInfo.InvariantCulture) ?? "none"}, test limit {c.TestLimit?.ToString(CultureInfo.InvariantCulture) ?? "none"}, precision {c.Precision}");

    private static void WriteRunFile(string dir, RunFileContent content)
    {
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, RunFile);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(content, OptimaCli.Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private static string Bar(double fraction)
    {
        const int width = 20;
        int filled = (int)Math.Round(fraction * width);
        return "[" + new string('#', filled) + new string('-', width - filled) + "]";
    }

    /// <summary>An <see cref="IProgress{T}"/> that calls back synchronously on the training thread.</summary>
    private sealed class CallbackProgress<T>(Action<T> action) : IProgress<T>
    {
        public void Report(T value) => action(value);
    }

    /// <summary>Passes a finite-sum problem through, counting the samples of the current epoch for the live progress bar.</summary>
    private sealed class ProgressObjective(IFiniteSumObjective inner) : ISinglePrecisionFiniteSum
    {
        private long _done;
        private double _lossSum;
        private long _lastDraw;

        public Action<long, double>? OnBatch { get; set; }

        public Stopwatch EpochClock { get; } = new();

        public int Dimension => inner.Dimension;

        public int Count => inner.Count;

        public double Value(ReadOnlySpan<double> x) => inner.Value(x);

        public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient) => inner.ValueAndGradient(x, gradient);

        public double BatchValueAndGradient(ReadOnlySpan<double> x, ReadOnlySpan<int> batch, Span<double> gradient) =>
            Report(inner.BatchValueAndGradient(x, batch, gradient), batch.Length);

        public double BatchValueAndGradient(ReadOnlySpan<float> x, ReadOnlySpan<int> batch, Span<float> gradient) =>
            Report(((ISinglePrecisionFiniteSum)inner).BatchValueAndGradient(x, batch, gradient), batch.Length);

        private double Report(double loss, int batchLength)
        {
            if (OnBatch is { } report)
            {
                if (_done >= inner.Count || !EpochClock.IsRunning) { _done = 0; _lossSum = 0; EpochClock.Restart(); }
                _done += batchLength;
                _lossSum += loss * batchLength;
                long now = Stopwatch.GetTimestamp();
                if (Stopwatch.GetElapsedTime(_lastDraw, now).TotalMilliseconds > 100 || _done >= inner.Count)
                {
                    _lastDraw = now;
                    report(_done, _lossSum / _done);
                }
            }
            return loss;
        }
    }
}
