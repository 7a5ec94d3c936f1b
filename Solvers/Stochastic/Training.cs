using Optima.Problems;
using Optima.Problems.Data;

namespace Optima.Solvers.Stochastic;

/// <summary>
/// Full-batch runs of any registered optimizer under the shared <see cref="IterativeDriver"/>, so their results are
/// <see cref="OptimizationResult"/>s with the same tolerances, limits and history as BFGS or Newton on the same problem.
/// Each iteration evaluates f and ∇f once and takes one optimizer step.
/// </summary>
/// <param name="Optimizer">A registry name (see <see cref="Optimizers.Names"/>).</param>
/// <param name="Settings">Optimizer settings (null: PyTorch's defaults).</param>
/// <param name="Schedule">Learning-rate schedule over iterations (null: the optimizer's constant rate).</param>
public sealed record OptimizerMinimizer(string Optimizer, OptimizerSettings? Settings = null, Schedule? Schedule = null)
    : IMinimizer<IGradientObjective>
{
    /// <inheritdoc/>
    public string Name => Optimizer;

    /// <inheritdoc/>
    public OptimizationResult Minimize(IGradientObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (start.Length != problem.Dimension)
            throw new ArgumentException($"The start has length {start.Length} but the problem has dimension {problem.Dimension}.", nameof(start));
        IterativeDriver.RequireFiniteStart(start);
        var optimizer = Optimizers.Create(Optimizer, problem.Dimension, Settings);
        return IterativeDriver.Run(optimizer.Name, problem, start, (p, x) => new State(p, x, optimizer, Schedule), options);
    }

    private sealed class State(IGradientObjective problem, ReadOnlySpan<double> start, IOptimizer optimizer, Schedule? schedule) : MethodState(start)
    {
        private readonly double[] _g = new double[start.Length];

        public override ReadOnlySpan<double> Gradient => _g;

        public override bool Initialize()
        {
            Value = problem.ValueAndGradient(X, _g);
            GradientNorm = MaxNorm(_g);
            StepSize = schedule?.At(0) ?? optimizer.LearningRate;
            return double.IsFinite(Value) && double.IsFinite(GradientNorm);
        }

        public override StepStatus Iterate()
        {
            if (schedule is not null) optimizer.LearningRate = schedule.At(optimizer.StepCount);
            StepSize = optimizer.LearningRate;
            if (!optimizer.Step(X, _g))
            {
                FailureReason = TerminationReason.NonFiniteValue;
                Message = $"The gradient had a NaN or infinite entry; step {optimizer.StepCount + 1} was refused.";
                return StepStatus.Failed;
            }
            Value = problem.ValueAndGradient(X, _g);
            GradientNorm = MaxNorm(_g);
            return StepStatus.Accepted;
        }
    }
}

/// <summary>One point of a learning-rate range test.</summary>
/// <param name="LearningRate">γ used for the step.</param>
/// <param name="Loss">The minibatch loss measured before the step.</param>
/// <param name="SmoothedLoss">Bias-corrected exponential moving average of the loss (smoothing 0.98).</param>
public readonly record struct RangeTestPoint(double LearningRate, double Loss, double SmoothedLoss);

/// <summary>The result of <see cref="Training.LearningRateRangeTest"/>.</summary>
/// <param name="Points">The loss curve, one point per step.</param>
/// <param name="SuggestedLearningRate">γ where the smoothed loss fell fastest per decade of γ (Smith's heuristic), or NaN if it never fell.</param>
/// <param name="Diverged">True when the sweep stopped because the smoothed loss exceeded 4× its minimum.</param>
public sealed record RangeTestResult(IReadOnlyList<RangeTestPoint> Points, double SuggestedLearningRate, bool Diverged);

/// <summary>
/// The facade the CLI and examples call: train a finite-sum model with a named optimizer, run a learning-rate range
/// test. Everything here is a thin layer over <see cref="Optimizers"/>, <see cref="MinibatchTrainer"/> and <see cref="Schedule"/>.
/// </summary>
public static class Training
{
    /// <summary>
    /// Trains <paramref name="model"/> from <paramref name="start"/> with the optimizer called
    /// <paramref name="optimizer"/>. When <paramref name="resumeFrom"/> names a checkpoint, the run continues from it
    /// (and must have the same sizes, batch layout and optimizer).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown optimizer (the message lists the known ones) or invalid options.</exception>
    /// <exception cref="InvalidDataException">The checkpoint does not match the run.</exception>
    public static TrainingResult Run(IFiniteSumObjective model, ReadOnlySpan<double> start, string optimizer,
        TrainingOptions? options = null, OptimizerSettings? settings = null, string? resumeFrom = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var opt = Optimizers.Create(optimizer, model.Dimension, settings);
        var trainer = new MinibatchTrainer(model, opt, start, options);
        if (resumeFrom is not null) trainer.LoadCheckpoint(resumeFrom);
        return trainer.Run();
    }

    /// <summary>
    /// Trains <paramref name="model"/> in float32 (float parameters, gradients and optimizer state, as PyTorch does by
    /// default) from <paramref name="start"/>; otherwise as the float64 <see cref="Run(IFiniteSumObjective, ReadOnlySpan{double}, string, TrainingOptions?, OptimizerSettings?, string?)"/>.
    /// The optimizer is created with <see cref="OptimizerPrecision.Float32"/> whatever <paramref name="settings"/> says.
    /// The result's <see cref="TrainingResult.SingleParameters"/> holds the float parameters.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown optimizer (the message lists the known ones) or invalid options.</exception>
    /// <exception cref="InvalidDataException">The checkpoint does not match the run.</exception>
    public static TrainingResult Run(ISinglePrecisionFiniteSum model, ReadOnlySpan<float> start, string optimizer,
        TrainingOptions? options = null, OptimizerSettings? settings = null, string? resumeFrom = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var opt = Optimizers.Create(optimizer, model.Dimension, (settings ?? Optimizers.Defaults(optimizer)) with { Precision = OptimizerPrecision.Float32 });
        var trainer = new MinibatchTrainer(model, opt, start, options);
        if (resumeFrom is not null) trainer.LoadCheckpoint(resumeFrom);
        return trainer.Run();
    }

    /// <summary>
    /// The LR range test (Smith 2017, "Cyclical learning rates"): from <paramref name="start"/>, take
    /// <paramref name="steps"/> minibatch steps while γ grows geometrically from <paramref name="minLearningRate"/> to
    /// <paramref name="maxLearningRate"/>, recording the loss; stop early when the smoothed loss exceeds 4× its best.
    /// </summary>
    public static RangeTestResult LearningRateRangeTest(IFiniteSumObjective model, ReadOnlySpan<double> start, string optimizer,
        double minLearningRate = 1e-7, double maxLearningRate = 10, int steps = 100, int batchSize = 32, ulong seed = 1,
        OptimizerSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(minLearningRate > 0) || !(maxLearningRate > minLearningRate) || double.IsInfinity(maxLearningRate))
            throw new ArgumentOutOfRangeException(nameof(maxLearningRate), "Need 0 < minLearningRate < maxLearningRate < ∞.");
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be at least 2.");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be at least 1.");
        if (start.Length != model.Dimension) throw new ArgumentException($"The start has length {start.Length} but the model has dimension {model.Dimension}.", nameof(start));
        var opt = Optimizers.Create(optimizer, model.Dimension, settings);
        var x = start.ToArray();
        var g = new double[x.Length];
        var rng = new Xoshiro256StarStar(seed);
        var perm = Enumerable.Range(0, model.Count).ToArray();
        rng.Shuffle(perm.AsSpan());
        int position = 0;
        var points = new List<RangeTestPoint>(steps);
        double avg = 0, best = double.PositiveInfinity;
        bool diverged = false;
        for (int i = 0; i < steps; i++)
        {
            double lr = minLearningRate * Math.Pow(maxLearningRate / minLearningRate, i / (double)(steps - 1));
            if (position >= perm.Length) { rng.Shuffle(perm.AsSpan()); position = 0; }
            int len = Math.Min(batchSize, perm.Length - position);
            double loss = model.BatchValueAndGradient(x, perm.AsSpan(position, len), g);
            position += len;
            if (!double.IsFinite(loss)) { diverged = true; break; }
            avg = 0.98 * avg + 0.02 * loss;
            double smoothed = avg / (1 - Math.Pow(0.98, i + 1));
            points.Add(new RangeTestPoint(lr, loss, smoothed));
            best = Math.Min(best, smoothed);
            if (smoothed > 4 * best && i > 0) { diverged = true; break; }
            opt.LearningRate = lr;
            if (!opt.Step(x, g)) { diverged = true; break; }
        }
        // Steepest descent of the smoothed loss per unit log γ.
        double suggestion = double.NaN, steepest = 0;
        for (int i = 1; i < points.Count; i++)
        {
            double slope = (points[i].SmoothedLoss - points[i - 1].SmoothedLoss) / Math.Log(points[i].LearningRate / points[i - 1].LearningRate);
            if (slope < steepest) { steepest = slope; suggestion = points[i].LearningRate; }
        }
        return new RangeTestResult(points, suggestion, diverged);
    }
}
