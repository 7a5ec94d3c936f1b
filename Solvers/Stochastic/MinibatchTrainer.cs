using System.Globalization;
using System.Diagnostics;
using System.Numerics;
using System.Numerics.Tensors;
using Optima.Distributed;
using Optima.Problems;
using Optima.Problems.Data;

namespace Optima.Solvers.Stochastic;

/// <summary>
/// Options of a minibatch training run (<see cref="MinibatchTrainer"/>, <see cref="Training"/>), on top of the shared
/// run options (<see cref="RunOptions"/>).
/// </summary>
/// <remarks>
/// From the shared options: <see cref="RunOptions.MaxIterations"/> is the limit on optimizer steps in total (default
/// unlimited here; the run stops resumably); <see cref="RunOptions.MaxEvaluations"/> limits the micro-batch gradient
/// evaluations of one <see cref="MinibatchTrainer.Run"/> call (checked before each step); <see cref="RunOptions.TimeLimit"/>
/// and <see cref="RunOptions.CancellationToken"/> stop a call resumably; <see cref="RunOptions.RecordHistory"/> (default
/// true here) keeps the epoch records in the result; <see cref="RunOptions.Seed"/> seeds the shuffling generator
/// (xoshiro256**): the same seed and inputs give bit-identical runs. The problem's own parallelism (e.g.
/// <see cref="Optima.Problems.Models.Mlp"/>'s) is set on the problem.
/// </remarks>
public sealed record TrainingOptions : RunOptions
{
    /// <summary>Training's defaults where they differ from <see cref="RunOptions"/>: unlimited steps, and the epoch history kept.</summary>
    public TrainingOptions()
    {
        MaxIterations = int.MaxValue;
        RecordHistory = true;
    }

    /// <summary>Passes over the data. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Terms per micro-batch. Default 32. The last batch of an epoch may be smaller (it is never dropped).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Micro-batches whose gradients are accumulated (averaged, weighted by size) into one optimizer step. Default 1.</summary>
    public int AccumulationSteps { get; init; } = 1;

    /// <summary>The learning-rate schedule, evaluated at the optimizer step count before each step; null keeps the optimizer's rate.</summary>
    public Schedule? Schedule { get; init; }

    /// <summary>When set, a checkpoint is written to this file after every epoch and when the run stops.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Evaluates the parameters after each epoch (e.g. test loss and accuracy); null skips evaluation.</summary>
    public Func<double[], (double Loss, double Accuracy)>? Evaluate { get; init; }

    /// <summary>
    /// For a float32 run: evaluates the float parameters after each epoch. When null, <see cref="Evaluate"/> (if set)
    /// is called with the parameters widened to double.
    /// </summary>
    public Func<float[], (double Loss, double Accuracy)>? EvaluateSingle { get; init; }

    /// <summary>Receives one record per finished epoch (on the training thread).</summary>
    public IProgress<EpochRecord>? Progress { get; init; }

    /// <summary>
    /// Stop with <see cref="TerminationReason.Diverged"/> when a step's mean minibatch loss exceeds this factor times
    /// max(1, |the first step's mean loss|) of the <see cref="MinibatchTrainer.Run"/> call. Default 1e8 (a loss that has
    /// grown by eight orders of magnitude is a learning rate that is too large, not training); +∞ turns it off.
    /// </summary>
    public double DivergenceFactor { get; init; } = 1e8;

    /// <summary>
    /// The ranks that train together (data-parallel), or null (the default) for a single process. With more than one
    /// rank, every rank runs the same trainer on the same seed: rank r computes the gradient of the terms of each
    /// batch that lie in its shard (<see cref="MinibatchTrainer.Shard"/>), one in-place <see cref="ICommunicator.Allreduce"/>
    /// per step sums the shards' gradients, and every rank takes the same step. The batches are those of a single
    /// process (the same order, the same <see cref="BatchSize"/> in total), so only the rounding of the sums differs; the
    /// bits depend on the seed and the number of ranks only. Only rank 0 writes the checkpoint, which does not depend on
    /// the rank count (a run can resume on another one). A communicator of one rank is the same as null.
    /// </summary>
    public ICommunicator? Communicator { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (!(DivergenceFactor > 1)) throw new ArgumentOutOfRangeException(nameof(DivergenceFactor), DivergenceFactor, "DivergenceFactor must be > 1 (+∞ turns the check off).");
        if (Epochs < 0) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Epochs must be ≥ 0.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1.");
        if (AccumulationSteps < 1) throw new ArgumentOutOfRangeException(nameof(AccumulationSteps), AccumulationSteps, "AccumulationSteps must be at least 1.");
    }
}

/// <summary>One finished epoch.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean minibatch loss over the epoch (each term weighted once), measured before each step.</param>
/// <param name="TestLoss">From <see cref="TrainingOptions.Evaluate"/>, or NaN.</param>
/// <param name="TestAccuracy">From <see cref="TrainingOptions.Evaluate"/>, or NaN.</param>
/// <param name="Seconds">Wall time of the epoch's training (evaluation excluded).</param>
/// <param name="Steps">Optimizer steps so far.</param>
/// <param name="LearningRate">The learning rate of the epoch's last step.</param>
/// <param name="SamplesPerSecond">Throughput of the epoch's training.</param>
public readonly record struct EpochRecord(int Epoch, double TrainLoss, double TestLoss, double TestAccuracy, double Seconds,
    long Steps, double LearningRate, double SamplesPerSecond);

/// <summary>
/// The outcome of <see cref="MinibatchTrainer.Run"/>. <see cref="Reason"/> is <see cref="TerminationReason.Completed"/>
/// when all epochs ran; <see cref="TerminationReason.MaxIterations"/> (the step limit), <see cref="TerminationReason.MaxEvaluations"/>,
/// <see cref="TerminationReason.TimeLimit"/> and <see cref="TerminationReason.Cancelled"/> stop resumably;
/// <see cref="TerminationReason.NonFiniteValue"/> (a minibatch loss or gradient with NaN or ±∞, no step taken with it) and
/// <see cref="TerminationReason.Diverged"/> are failures.
/// </summary>
public sealed record TrainingResult : IRunResult
{
    /// <summary>The optimizer's name.</summary>
    public required string Optimizer { get; init; }

    /// <summary>The final parameters (the last good ones); for a float32 run, <see cref="SingleParameters"/> widened to double.</summary>
    public required double[] Parameters { get; init; }

    /// <summary>For a float32 run, the final float parameters as trained; null for a float64 run.</summary>
    public float[]? SingleParameters { get; init; }

    /// <summary>Why the run stopped.</summary>
    public required TerminationReason Reason { get; init; }

    /// <summary>True when all epochs ran (<see cref="TerminationReason.Completed"/>).</summary>
    public bool IsConverged => Reason.IsConverged();

    /// <summary>True when <see cref="Parameters"/> can be used: completed, or stopped at a limit the caller set.</summary>
    public bool IsUsable => Reason.IsUsable();

    long IRunResult.Iterations => Steps;

    /// <summary>Details (which step failed …), or null.</summary>
    public string? Message { get; init; }

    /// <summary>Epochs finished (over the whole run, resumed parts included).</summary>
    public required int EpochsCompleted { get; init; }

    /// <summary>Optimizer steps taken in total.</summary>
    public required long Steps { get; init; }

    /// <summary>Micro-batch gradient evaluations during this call.</summary>
    public long Evaluations { get; init; }

    /// <summary>The records of the epochs finished during this call (empty unless <see cref="RunOptions.RecordHistory"/>).</summary>
    public required IReadOnlyList<EpochRecord> History { get; init; }

    /// <summary>Wall time of this call.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>The number of ranks that trained (<see cref="TrainingOptions.Communicator"/>); 1 for a single process.</summary>
    public int Ranks { get; init; } = 1;
}

/// <summary>
/// Minibatch training over an <see cref="IFiniteSumObjective"/>: each epoch visits every term once in an order
/// drawn without replacement from a seeded xoshiro256** generator (reshuffled every epoch); each optimizer step
/// averages the gradients of <see cref="TrainingOptions.AccumulationSteps"/> micro-batches. The whole run state —
/// parameters, optimizer, generator, permutation, position, counters — goes into a checkpoint, and a trainer that
/// loads it continues bit for bit as if never interrupted (the schedule is a pure function of the step count).
/// A run is float64 (an <see cref="IFiniteSumObjective"/> and a double start) or float32 (an
/// <see cref="ISinglePrecisionFiniteSum"/>, a float start and an optimizer created with
/// <see cref="OptimizerPrecision.Float32"/>); the loop is the same code for both.
/// </summary>
public sealed class MinibatchTrainer
{
    private const int Magic = 0x4F505443; // "OPTC"
    private const int Version = 1;       // float64 parameters
    private const int VersionSingle = 2; // float32 parameters, otherwise the same layout
    private readonly IFiniteSumObjective _problem;
    private readonly ISinglePrecisionFiniteSum? _single; // set for a float32 run
    private readonly IOptimizer _optimizer;
    private readonly TrainingOptions _options;
    private readonly double[] _x = [], _g = [], _micro = [];     // float64 run
    private readonly float[] _xs = [], _gs = [], _micros = [];   // float32 run
    private readonly int[] _perm;
    private readonly Xoshiro256StarStar _rng;
    private readonly ICommunicator? _ranks;   // set only for more than one rank
    private readonly int _shardStart, _shardEnd;
    private readonly int[] _owned = [];        // the terms of a micro-batch in this rank's shard
    private readonly double[] _reduced = [];   // gradient sum, loss sum, cancel and time-limit votes: one allreduce per step
    private int _epoch, _position;
    private bool _epochStarted;
    private long _steps;
    private double _epochLoss;
    private long _epochTerms;

    /// <summary>Creates a trainer at <paramref name="start"/> (copied).</summary>
    /// <exception cref="ArgumentException">Sizes disagree, the start is not finite, or an option is invalid.</exception>
    /// <exception cref="ArgumentException">Sizes disagree, the start is not finite, an option is invalid, or the optimizer is float32.</exception>
    public MinibatchTrainer(IFiniteSumObjective problem, IOptimizer optimizer, ReadOnlySpan<double> start, TrainingOptions? options = null)
        : this(problem, optimizer, options, start.Length, OptimizerPrecision.Float64)
    {
        IterativeDriver.RequireFiniteStart(start);
        _x = start.ToArray();
        _g = new double[_x.Length];
        _micro = _options.AccumulationSteps > 1 || _ranks is not null ? new double[_x.Length] : [];
    }

    /// <summary>Creates a float32 trainer at <paramref name="start"/> (copied): float parameters, gradients and optimizer state.</summary>
    /// <exception cref="ArgumentException">Sizes disagree, the start is not finite, an option is invalid, or the optimizer is not float32.</exception>
    public MinibatchTrainer(ISinglePrecisionFiniteSum problem, IOptimizer optimizer, ReadOnlySpan<float> start, TrainingOptions? options = null)
        : this(problem, optimizer, options, start.Length, OptimizerPrecision.Float32)
    {
        IterativeDriver.RequireFiniteStart(start);
        _single = problem;
        _xs = start.ToArray();
        _gs = new float[_xs.Length];
        _micros = _options.AccumulationSteps > 1 || _ranks is not null ? new float[_xs.Length] : [];
    }

    private MinibatchTrainer(IFiniteSumObjective problem, IOptimizer optimizer, TrainingOptions? options, int startLength, OptimizerPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(optimizer);
        _options = options ?? new TrainingOptions();
        _options.Validate();
        if (startLength != problem.Dimension) throw new ArgumentException($"The start has length {startLength} but the problem has dimension {problem.Dimension}.", "start");
        if (optimizer.ParameterCount != problem.Dimension) throw new ArgumentException($"The optimizer was created for {optimizer.ParameterCount} parameters; the problem has {problem.Dimension}.", nameof(optimizer));
        if (optimizer.Precision != precision)
            throw new ArgumentException($"The optimizer was created for {optimizer.Precision} parameters; this run is {precision} (OptimizerSettings.Precision).", nameof(optimizer));
        _problem = problem;
        _optimizer = optimizer;
        _perm = new int[problem.Count];
        _rng = new Xoshiro256StarStar(_options.Seed);
        if (_options.Communicator is { Size: > 1 } ranks)
        {
            _ranks = ranks;
            (_shardStart, int length) = Shard(problem.Count, ranks.Rank, ranks.Size);
            _shardEnd = _shardStart + length;
            _owned = new int[_options.BatchSize];
            _reduced = new double[problem.Dimension + 3];
        }
    }

    /// <summary>
    /// The shard of rank <paramref name="rank"/> of <paramref name="size"/> in a data-parallel run over
    /// <paramref name="count"/> terms: the contiguous block [Start, Start + Length), ⌊count·r/size⌋ to ⌊count·(r+1)/size⌋.
    /// The trainer asks a rank's problem only for the terms of its shard, so a problem may hold just those rows.
    /// </summary>
    public static (int Start, int Length) Shard(int count, int rank, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if ((uint)rank >= (uint)size) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"The rank must be 0 to {size - 1}.");
        int start = (int)((long)count * rank / size), end = (int)((long)count * (rank + 1) / size);
        return (start, end - start);
    }

    /// <summary>The precision of the run's parameters, gradients and optimizer state.</summary>
    public OptimizerPrecision Precision => _single is null ? OptimizerPrecision.Float64 : OptimizerPrecision.Float32;

    /// <summary>The current parameters: live for a float64 run; for a float32 run, a copy widened to double (see <see cref="SingleParameters"/>).</summary>
    public double[] Parameters => _single is null ? _x : Array.ConvertAll(_xs, v => (double)v);

    /// <summary>The current float parameters of a float32 run (live); empty for a float64 run.</summary>
    public float[] SingleParameters => _xs;

    /// <summary>Epochs finished.</summary>
    public int Epoch => _epoch;

    /// <summary>Optimizer steps taken.</summary>
    public long Steps => _steps;

    /// <summary>The optimizer.</summary>
    public IOptimizer Optimizer => _optimizer;

    /// <summary>Trains until all epochs have run or a stop condition holds; can be called again after a resumable stop.</summary>
    public TrainingResult Run()
    {
        var clock = Stopwatch.StartNew();
        var history = new List<EpochRecord>();
        int n = _problem.Count, batch = _options.BatchSize;
        TerminationReason? stop = null;
        long evaluations = 0;
        string? message = null;
        var epochClock = new Stopwatch();
        double firstLoss = double.NaN; // the reference of the divergence check: this call's first mean minibatch loss
        while (_epoch < _options.Epochs && stop is null)
        {
            if (!_epochStarted)
            {
                _epochStarted = true;
                for (int i = 0; i < n; i++) _perm[i] = i;
                _rng.Shuffle(_perm.AsSpan());
                _epochLoss = 0;
                _epochTerms = 0;
            }
            epochClock.Restart();
            long termsThisCall = 0;
            while (_position < n)
            {
                bool cancelled = _options.CancellationToken.IsCancellationRequested;
                bool late = _options.TimeLimit is { } limit && clock.Elapsed >= limit;
                // Ranks see a signal or the clock at different moments: they vote in the step's allreduce instead.
                if (_ranks is null && cancelled) { stop = TerminationReason.Cancelled; break; }
                if (_ranks is null && late) { stop = TerminationReason.TimeLimit; break; }
                if (_steps >= _options.MaxIterations) { stop = TerminationReason.MaxIterations; break; }
                if (evaluations >= _options.MaxEvaluations) { stop = TerminationReason.MaxEvaluations; break; }

                // One optimizer step over up to k micro-batches.
                int position = _position, total;
                double lossSum;
                if (_ranks is null) lossSum = _single is null ? Gradient(_x, _g, _micro, ref position, out total) : Gradient(_xs, _gs, _micros, ref position, out total);
                else
                {
                    lossSum = _single is null
                        ? ShardGradient(_x, _g, _micro, ref position, out total, cancelled, late, out stop)
                        : ShardGradient(_xs, _gs, _micros, ref position, out total, cancelled, late, out stop);
                    if (stop is not null) break;
                }
                evaluations += (total + batch - 1) / batch;
                if (!double.IsFinite(lossSum))
                {
                    stop = TerminationReason.NonFiniteValue;
                    message = $"The minibatch loss was {lossSum} at step {_steps + 1} (epoch {_epoch + 1}); no step was taken.";
                    break;
                }
                double meanLoss = lossSum / Math.Max(1, total);
                if (double.IsNaN(firstLoss)) firstLoss = Math.Abs(meanLoss);
                else if (meanLoss > _options.DivergenceFactor * Math.Max(1, firstLoss))
                {
                    stop = TerminationReason.Diverged;
                    message = string.Create(CultureInfo.InvariantCulture,
                        $"The minibatch loss {meanLoss:G3} at step {_steps + 1} (epoch {_epoch + 1}) is more than {_options.DivergenceFactor:G3} times the first one ({firstLoss:G3}): the run diverged (try a smaller learning rate); no step was taken.");
                    break;
                }
                if (_options.Schedule is { } schedule) _optimizer.LearningRate = schedule.At(_steps);
                if (!(_single is null ? _optimizer.Step(_x, _g) : _optimizer.Step(_xs, _gs)))
                {
                    stop = TerminationReason.NonFiniteValue;
                    message = $"The minibatch gradient had a NaN or infinite entry at step {_steps + 1} (epoch {_epoch + 1}); the step was refused.";
                    break;
                }
                _steps++;
                _position = position;
                _epochLoss += lossSum;
                _epochTerms += total;
                termsThisCall += total;
            }
            epochClock.Stop();
            if (_position < n) break; // stopped mid-epoch
            _epoch++;
            _position = 0;
            _epochStarted = false;
            double seconds = epochClock.Elapsed.TotalSeconds;
            var (testLoss, testAccuracy) = EvaluateNow();
            var record = new EpochRecord(_epoch, _epochLoss / Math.Max(1, _epochTerms), testLoss, testAccuracy, seconds, _steps,
                _optimizer.LearningRate, seconds > 0 ? termsThisCall / seconds : double.NaN);
            if (_options.RecordHistory) history.Add(record);
            _options.Progress?.Report(record);
            if (_options.CheckpointPath is { } path && _epoch < _options.Epochs && WritesCheckpoints) SaveCheckpoint(path);
        }
        if (_options.CheckpointPath is { } finalPath && WritesCheckpoints) SaveCheckpoint(finalPath);
        if (_ranks is not null) RequireSameParameters(_ranks);
        return new TrainingResult
        {
            Optimizer = _optimizer.Name,
            Parameters = _single is null ? (double[])_x.Clone() : Array.ConvertAll(_xs, v => (double)v),
            SingleParameters = _single is null ? null : (float[])_xs.Clone(),
            Reason = stop ?? TerminationReason.Completed,
            Message = message,
            Evaluations = evaluations,
            EpochsCompleted = _epoch,
            Steps = _steps,
            History = history,
            Elapsed = clock.Elapsed,
            Ranks = _ranks?.Size ?? 1,
        };
    }

    /// <summary>Whether this trainer writes the checkpoint: a single process, or rank 0 of several.</summary>
    private bool WritesCheckpoints => _ranks is null || _ranks.Rank == 0;

    /// <summary>
    /// A data-parallel step's gradient: this rank's share of the step's micro-batches (the terms in its shard), each
    /// micro-batch's mean gradient times its share's size added up in double, the loss sum and the stop votes appended,
    /// one allreduce (a rank-order sum), then the sum scaled by 1/total. Every rank gets the same bits, so every rank
    /// takes the same step; <paramref name="vote"/> is Cancelled or TimeLimit when any rank asked to stop (no step is taken).
    /// </summary>
    private double ShardGradient<T>(T[] x, T[] g, T[] micro, ref int position, out int total, bool cancelled, bool late, out TerminationReason? vote)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = _perm.Length, batch = _options.BatchSize, d = x.Length;
        var sum = _reduced;
        Array.Clear(sum);
        total = 0;
        for (int j = 0; j < _options.AccumulationSteps && position < n; j++)
        {
            int len = Math.Min(batch, n - position), owned = 0;
            foreach (int k in _perm.AsSpan(position, len))
                if (k >= _shardStart && k < _shardEnd) _owned[owned++] = k;
            if (owned > 0)
            {
                double loss = Batch(x, _owned.AsSpan(0, owned), micro);
                for (int i = 0; i < d; i++) sum[i] += double.CreateChecked(micro[i]) * owned;
                sum[d] += loss * owned;
            }
            total += len;
            position += len;
        }
        sum[d + 1] = cancelled ? 1 : 0;
        sum[d + 2] = late ? 1 : 0;
        _ranks!.Allreduce(sum);
        vote = sum[d + 1] > 0 ? TerminationReason.Cancelled : sum[d + 2] > 0 ? TerminationReason.TimeLimit : null;
        double scale = 1.0 / total;
        for (int i = 0; i < d; i++) g[i] = T.CreateChecked(sum[i] * scale);
        return sum[d];
    }

    /// <summary>Every rank must hold the same parameters after a run; a difference is a bug, reported as such on every rank.</summary>
    private void RequireSameParameters(ICommunicator ranks)
    {
        ulong mine = _single is null ? Digest.Of<double>(_x) : Digest.Of<float>(_xs);
        var all = new ulong[ranks.Size];
        ranks.Allgather<ulong>([mine], all);
        for (int r = 1; r < all.Length; r++)
            if (all[r] != all[0])
                throw new InvalidOperationException($"The ranks' parameters differ after training (rank 0: {all[0]:x16}, rank {r}: {all[r]:x16}); every rank must take the same steps.");
    }

    /// <summary>
    /// Minibatch loss sum and mean gradient (into <paramref name="g"/>) of the next step's micro-batches from
    /// <paramref name="position"/> on (advanced past them); <paramref name="total"/> receives the number of terms.
    /// </summary>
    private double Gradient<T>(T[] x, T[] g, T[] micro, ref int position, out int total) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = _perm.Length, batch = _options.BatchSize;
        if (_options.AccumulationSteps == 1)
        {
            // One micro-batch: its mean gradient is the step's gradient (no accumulation passes over memory).
            total = Math.Min(batch, n - position);
            double loss = Batch(x, _perm.AsSpan(position, total), g) * total;
            position += total;
            return loss;
        }
        double lossSum = 0;
        total = 0;
        g.AsSpan().Clear();
        for (int j = 0; j < _options.AccumulationSteps && position < n; j++)
        {
            int len = Math.Min(batch, n - position);
            double loss = Batch(x, _perm.AsSpan(position, len), micro);
            TensorPrimitives.FusedMultiplyAdd(micro, T.CreateChecked(len), g, g);
            lossSum += loss * len;
            total += len;
            position += len;
        }
        TensorPrimitives.Multiply(g, T.CreateChecked(1.0 / total), g);
        return lossSum;
    }

    // The problem's batch gradient in the run's precision (the type test is a JIT-time constant).
    private double Batch<T>(T[] x, ReadOnlySpan<int> batch, T[] g) =>
        typeof(T) == typeof(double)
            ? _problem.BatchValueAndGradient((double[])(object)x, batch, (double[])(object)g)
            : _single!.BatchValueAndGradient((float[])(object)x, batch, (float[])(object)g);

    private (double Loss, double Accuracy) EvaluateNow()
    {
        if (_single is null) return _options.Evaluate is { } eval ? eval(_x) : (double.NaN, double.NaN);
        if (_options.EvaluateSingle is { } single) return single(_xs);
        return _options.Evaluate is { } wide ? wide(Array.ConvertAll(_xs, v => (double)v)) : (double.NaN, double.NaN);
    }

    /// <summary>Writes the whole run state to <paramref name="path"/> (atomically: a temporary file is renamed over it).</summary>
    public void SaveCheckpoint(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        string temp = full + ".tmp";
        using (var stream = File.Create(temp)) SaveCheckpoint(stream);
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Writes the whole run state to <paramref name="stream"/>.</summary>
    public void SaveCheckpoint(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(_single is null ? Version : VersionSingle);
        w.Write(_single is null ? _x.Length : _xs.Length);
        w.Write(_perm.Length);
        w.Write(_options.BatchSize);
        w.Write(_options.AccumulationSteps);
        w.Write(_epoch);
        w.Write(_position);
        w.Write(_epochStarted);
        w.Write(_steps);
        w.Write(_epochLoss);
        w.Write(_epochTerms);
        foreach (ulong s in _rng.GetState()) w.Write(s);
        foreach (int p in _perm) w.Write(p);
        foreach (double v in _x) w.Write(v);
        foreach (float v in _xs) w.Write(v);
        _optimizer.SaveState(w);
    }

    /// <summary>Restores a state written by <see cref="SaveCheckpoint(string)"/>; a following <see cref="Run"/> continues it.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The checkpoint belongs to another problem size, batch layout or optimizer, or is corrupt.</exception>
    public void LoadCheckpoint(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No checkpoint at '{path}'.", path);
        using var stream = File.OpenRead(path);
        LoadCheckpoint(stream);
    }

    /// <summary>Restores a state written by <see cref="SaveCheckpoint(Stream)"/>.</summary>
    /// <exception cref="InvalidDataException">The checkpoint does not match this trainer, or is corrupt.</exception>
    public void LoadCheckpoint(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var r = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            if (r.ReadInt32() != Magic) throw new InvalidDataException("Not an Optima training checkpoint.");
            int version = r.ReadInt32(), expected = _single is null ? Version : VersionSingle;
            if (version != expected)
                throw new InvalidDataException(version is Version or VersionSingle
                    ? $"The checkpoint holds {(version == Version ? "float64" : "float32")} parameters; this run is {(expected == Version ? "float64" : "float32")}."
                    : $"Checkpoint version {version} is not supported (expected {expected}).");
            Expect(r.ReadInt32(), Math.Max(_x.Length, _xs.Length), "parameters");
            Expect(r.ReadInt32(), _perm.Length, "terms in the data set");
            Expect(r.ReadInt32(), _options.BatchSize, "batch size");
            Expect(r.ReadInt32(), _options.AccumulationSteps, "accumulation steps");
            int epoch = r.ReadInt32(), position = r.ReadInt32();
            bool started = r.ReadBoolean();
            long steps = r.ReadInt64();
            double epochLoss = r.ReadDouble();
            long epochTerms = r.ReadInt64();
            var rng = new ulong[4];
            for (int i = 0; i < 4; i++) rng[i] = r.ReadUInt64();
            var perm = new int[_perm.Length];
            for (int i = 0; i < perm.Length; i++) perm[i] = r.ReadInt32();
            var x = new double[_x.Length];
            for (int i = 0; i < x.Length; i++) x[i] = r.ReadDouble();
            var xs = new float[_xs.Length];
            for (int i = 0; i < xs.Length; i++) xs[i] = r.ReadSingle();
            if (position < 0 || position > perm.Length || epoch < 0 || steps < 0 || epochTerms < 0) throw new InvalidDataException("The checkpoint's counters are corrupt.");
            if ((rng[0] | rng[1] | rng[2] | rng[3]) == 0) throw new InvalidDataException("The checkpoint's random-generator state is corrupt (all zero).");
            // The order of the terms must be a permutation: an index out of range would fail mid-run instead of here.
            var seen = new bool[perm.Length];
            foreach (int k in perm)
            {
                if ((uint)k >= (uint)perm.Length || seen[k]) throw new InvalidDataException("The checkpoint's order of the terms is corrupt (not a permutation).");
                seen[k] = true;
            }
            _optimizer.LoadState(r);
            _rng.SetState(rng);
            perm.CopyTo(_perm, 0);
            x.CopyTo(_x, 0);
            xs.CopyTo(_xs, 0);
            (_epoch, _position, _epochStarted, _steps, _epochLoss, _epochTerms) = (epoch, position, started, steps, epochLoss, epochTerms);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The checkpoint is truncated.", e);
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            // BinaryReader's own complaints (a negative or malformed string length) mean a corrupt file.
            throw new InvalidDataException($"The checkpoint is corrupt: {e.Message}", e);
        }

        static void Expect(int saved, int expected, string what)
        {
            if (saved != expected) throw new InvalidDataException($"The checkpoint has {saved} {what}; this run has {expected}.");
        }
    }
}
