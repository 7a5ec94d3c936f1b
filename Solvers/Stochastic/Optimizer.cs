using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Optima.Solvers.Internal;

namespace Optima.Solvers.Stochastic;

/// <summary>
/// A steppable first-order optimizer over a flat parameter vector, the shape C# training loops expect:
/// compute the gradient, call <see cref="Step(Span{double}, ReadOnlySpan{double})"/>, repeat. Its state is plain data and can be saved and restored
/// exactly (<see cref="SaveState"/>/<see cref="LoadState"/>).
/// </summary>
public interface IOptimizer
{
    /// <summary>The registry name with its settings, e.g. "adam" or "lookahead(sgd)".</summary>
    string Name { get; }

    /// <summary>The number of parameters n the optimizer was created for.</summary>
    int ParameterCount { get; }

    /// <summary>Steps taken so far (refused steps do not count).</summary>
    long StepCount { get; }

    /// <summary>The learning rate γ used by the next step. A training loop with a schedule sets it before each step.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative or non-finite value.</exception>
    double LearningRate { get; set; }

    /// <summary>The precision of the parameters, gradients and state vectors the optimizer was created for.</summary>
    OptimizerPrecision Precision { get; }

    /// <summary>
    /// One update θ ← θ + u(θ, g) of float64 parameters. When <paramref name="gradient"/> holds NaN or ±∞ the step is
    /// refused: nothing (parameters or state) changes and false is returned.
    /// </summary>
    /// <exception cref="ArgumentException">A span's length differs from <see cref="ParameterCount"/>.</exception>
    /// <exception cref="InvalidOperationException">The optimizer was created for <see cref="OptimizerPrecision.Float32"/>.</exception>
    bool Step(Span<double> parameters, ReadOnlySpan<double> gradient);

    /// <summary>
    /// One update of float32 parameters with float32 state (an optimizer created with
    /// <see cref="OptimizerPrecision.Float32"/>). Refuses a non-finite gradient as the float64 step does.
    /// </summary>
    /// <exception cref="ArgumentException">A span's length differs from <see cref="ParameterCount"/>.</exception>
    /// <exception cref="InvalidOperationException">The optimizer was created for <see cref="OptimizerPrecision.Float64"/>.</exception>
    bool Step(Span<float> parameters, ReadOnlySpan<float> gradient);

    /// <summary>Writes the optimizer's whole state (kind, n, step count, buffers) to <paramref name="writer"/>.</summary>
    void SaveState(BinaryWriter writer);

    /// <summary>Restores a state written by <see cref="SaveState"/> of an optimizer of the same kind, size and precision.</summary>
    /// <exception cref="InvalidDataException">The state belongs to another optimizer, parameter count or precision, or is corrupt.</exception>
    void LoadState(BinaryReader reader);
}

/// <summary>The floating-point format of an optimizer's parameters, gradients and per-parameter state.</summary>
public enum OptimizerPrecision
{
    /// <summary>double parameters and gradients, double state (the default).</summary>
    Float64,

    /// <summary>
    /// float parameters and gradients, float state vectors (half the memory traffic), float arithmetic in the built-in
    /// transforms and fused kernels as in PyTorch (hyper-parameters and per-step constants such as the bias corrections
    /// are computed in double and rounded to float).
    /// </summary>
    Float32,
}

/// <summary>The state of a chain optimizer as plain data: the step count, the per-parameter vectors and the scalars.</summary>
public sealed class OptimizerState
{
    internal OptimizerState(int parameters, OptimizerPrecision precision, int blockSize, IReadOnlyList<GradientTransform> chain)
    {
        Parameters = parameters;
        Precision = precision;
        int width = precision == OptimizerPrecision.Float64 ? Vector<double>.Count : Vector<float>.Count;
        int padded = (parameters + width - 1) / width * width;
        var vectors = new List<double[]>();
        var singles = new List<float[]>();
        var scalars = new List<double>();
        foreach (var t in chain)
        {
            t.Bind(this, vectors.Count + singles.Count, scalars.Count);
            for (int k = 0; k < t.VectorCount; k++)
            {
                double init = t.InitialVectorValue(k);
                if (precision == OptimizerPrecision.Float64) vectors.Add(Filled(new double[padded], init));
                else singles.Add(Filled(new float[padded], (float)init));
            }
            for (int k = 0; k < t.ScalarCount; k++) scalars.Add(t.InitialScalar(k));
        }
        Vectors = [.. vectors];
        SingleVectors = [.. singles];
        Scalars = [.. scalars];
        if (precision == OptimizerPrecision.Float32) Scratch = [.. Enumerable.Range(0, singles.Count + 2).Select(_ => new double[blockSize])];
    }

    private static T[] Filled<T>(T[] v, T value) where T : INumber<T>
    {
        if (value != T.Zero) Array.Fill(v, value);
        return v;
    }

    /// <summary>The parameter count n (the vectors may be padded beyond it to the SIMD width; the padding is not state).</summary>
    public int Parameters { get; }

    /// <summary>Whether the per-parameter buffers are <see cref="Vectors"/> (float64) or <see cref="SingleVectors"/> (float32).</summary>
    public OptimizerPrecision Precision { get; }

    /// <summary>Steps taken.</summary>
    public long Step { get; internal set; }

    /// <summary>The float64 per-parameter buffers of every transform in chain order (moments, accumulators…); empty for float32.</summary>
    public double[][] Vectors { get; }

    /// <summary>The float32 per-parameter buffers of every transform in chain order; empty for float64.</summary>
    public float[][] SingleVectors { get; }

    /// <summary>The number of per-parameter buffers, in either precision.</summary>
    public int VectorCount => Vectors.Length + SingleVectors.Length;

    /// <summary>The scalar state of every transform in chain order (always double).</summary>
    public double[] Scalars { get; }

    /// <summary>
    /// Float32 only: double copies of each buffer's current block, then the update and the parameters, for transforms
    /// without a float form (<see cref="GradientTransform.Apply(Span{float}, ReadOnlySpan{float}, int)"/>'s default).
    /// </summary>
    internal double[][]? Scratch { get; }

    /// <summary>The index of the first parameter of the block now in <see cref="Scratch"/> (−1: none).</summary>
    internal int ScratchBase { get; set; } = -1;

    /// <summary>Entries [offset, offset + length) of float64 buffer <paramref name="k"/> (for float32, of its scratch copy).</summary>
    internal Span<double> Block(int k, int offset, int length) =>
        Scratch is null ? Vectors[k].AsSpan(offset, length)
        : ScratchBase >= 0 ? Scratch[k].AsSpan(offset - ScratchBase, length)
        : throw new InvalidOperationException("The optimizer keeps float32 state; a transform reads it with SingleStateVector.");
}

/// <summary>
/// An optimizer built as a chain of <see cref="GradientTransform"/>s (optax style) behind a steppable object.
/// One <see cref="Step(Span{double}, ReadOnlySpan{double})"/> makes a single blocked pass: for each block of 1024
/// parameters the gradient block is copied into an L1-resident buffer, every transform runs on it, and θ ← θ + u is
/// applied — so memory traffic is that of one fused loop while each transform stays separate. Recognised chains run a
/// single-pass fused kernel instead (<see cref="FusedKernelName"/>), bit-identical to the chain. Nothing is allocated
/// per step.
/// </summary>
/// <remarks>
/// With <see cref="OptimizerPrecision.Float32"/> the parameters, gradients and state vectors are floats and the built-in
/// transforms and fused kernels compute in float (as PyTorch does for float tensors) with the same operations in the
/// same order, so the two paths agree bit for bit in float32 too; a custom transform without a float form runs in
/// double on a widened copy of its block.
/// </remarks>
public sealed class ChainOptimizer : IOptimizer
{
    private const int BlockSize = 1024;
    private const int Magic = 0x4F50544D; // "OPTM": float64 state
    private const int MagicSingle = 0x4F505446; // "OPTF": float32 state
    private readonly GradientTransform[] _chain;
    private readonly double[] _u, _p; // the L1-resident block buffers (float64)
    private readonly float[] _uSingle, _pSingle; // (float32)
    private readonly FusedKernel? _fused;
    private double _learningRate;

    /// <summary>Creates a float64 optimizer for <paramref name="parameterCount"/> parameters from a chain of transforms.</summary>
    /// <param name="name">The name reported and written into checkpoints.</param>
    /// <param name="parameterCount">n ≥ 1.</param>
    /// <param name="learningRate">The initial learning rate γ ≥ 0.</param>
    /// <param name="chain">The transforms, applied in order; a whole-gradient transform (clipping by norm) only first.</param>
    public ChainOptimizer(string name, int parameterCount, double learningRate, params GradientTransform[] chain)
        : this(name, parameterCount, learningRate, OptimizerPrecision.Float64, chain)
    {
    }

    /// <summary>Creates an optimizer of the given precision for <paramref name="parameterCount"/> parameters.</summary>
    /// <param name="name">The name reported and written into checkpoints.</param>
    /// <param name="parameterCount">n ≥ 1.</param>
    /// <param name="learningRate">The initial learning rate γ ≥ 0.</param>
    /// <param name="precision">Float64 (double parameters and state) or Float32 (float parameters and state).</param>
    /// <param name="chain">The transforms, applied in order; a whole-gradient transform (clipping by norm) only first.</param>
    public ChainOptimizer(string name, int parameterCount, double learningRate, OptimizerPrecision precision, params GradientTransform[] chain)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(chain);
        if (parameterCount < 1) throw new ArgumentOutOfRangeException(nameof(parameterCount), parameterCount, "An optimizer needs at least one parameter.");
        if (!Enum.IsDefined(precision)) throw new ArgumentOutOfRangeException(nameof(precision), precision, "Unknown precision.");
        for (int i = 0; i < chain.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(chain[i], $"chain[{i}]");
            if (i > 0 && chain[i].NeedsWholeGradient)
                throw new ArgumentException($"The transform {chain[i].Name} needs the whole raw gradient and must come first in the chain.", nameof(chain));
        }
        Name = name;
        ParameterCount = parameterCount;
        LearningRate = learningRate;
        _chain = (GradientTransform[])chain.Clone();
        State = new OptimizerState(parameterCount, precision, BlockSize, _chain);
        bool single = precision == OptimizerPrecision.Float32;
        (_u, _p) = single ? ([], []) : (new double[BlockSize], new double[BlockSize]);
        (_uSingle, _pSingle) = single ? (new float[BlockSize], new float[BlockSize]) : ([], []);
        _fused = FusedKernel.For(_chain, State);
    }

    /// <summary>
    /// Whether a step may run the single-pass fused kernel of a recognised chain ([L2 decay] → [core] → [momentum] →
    /// [decoupled decay] → [−γ] with any built-in core: SGD, momentum, Nesterov, SGDW, heavy ball, Adagrad, RMSProp plain,
    /// centred or with momentum, Adadelta, Adam, AMSGrad, AdamW, AdaMax, NAdam, AdaBound). The fused kernel does the chain's
    /// floating-point operations in the same order, so results are bit-identical either way. Default true.
    /// </summary>
    public bool UseFusedKernel { get; set; } = true;

    /// <summary>The fused kernel available for this chain (e.g. "fused adam"), or null when the blocked chain runs.</summary>
    public string? FusedKernelName => _fused?.Name;

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int ParameterCount { get; }

    /// <inheritdoc/>
    public OptimizerPrecision Precision => State.Precision;

    /// <inheritdoc/>
    public long StepCount => State.Step;

    /// <summary>The transforms in order.</summary>
    public IReadOnlyList<GradientTransform> Chain => _chain;

    /// <summary>The state as plain data (live, not a copy).</summary>
    public OptimizerState State { get; }

    /// <inheritdoc/>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(LearningRate), value, $"The learning rate must be a finite number ≥ 0, but is {value}.");
            _learningRate = value;
        }
    }

    /// <inheritdoc/>
    public bool Step(Span<double> parameters, ReadOnlySpan<double> gradient)
    {
        CheckStep(OptimizerPrecision.Float64, parameters.Length, gradient.Length);
        if (!FusedKernel.AllFiniteBackward(gradient)) return false;
        long t = State.Step + 1;
        foreach (var tr in _chain) tr.BeginStep(t, _learningRate, gradient);
        if (_fused is not null && UseFusedKernel) _fused.Run(parameters, gradient, _learningRate);
        else RunChain(parameters, gradient, _u, _p);
        State.Step = t;
        return true;
    }

    /// <inheritdoc/>
    public bool Step(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        CheckStep(OptimizerPrecision.Float32, parameters.Length, gradient.Length);
        if (!FusedKernel.AllFiniteBackward(gradient)) return false;
        long t = State.Step + 1;
        foreach (var tr in _chain) tr.BeginStep(t, _learningRate, gradient);
        if (_fused is not null && UseFusedKernel) _fused.Run(parameters, gradient, _learningRate);
        else RunChain(parameters, gradient, _uSingle, _pSingle);
        State.Step = t;
        return true;
    }

    private void CheckStep(OptimizerPrecision precision, int parameters, int gradient)
    {
        RequirePrecision(precision, this);
        int n = ParameterCount;
        if (parameters != n) throw new ArgumentException($"parameters has length {parameters}; the optimizer was created for {n}.", nameof(parameters));
        if (gradient != n) throw new ArgumentException($"gradient has length {gradient}; the optimizer was created for {n}.", nameof(gradient));
    }

    internal static void RequirePrecision(OptimizerPrecision called, IOptimizer optimizer)
    {
        if (called != optimizer.Precision)
            throw new InvalidOperationException($"The optimizer '{optimizer.Name}' was created for {optimizer.Precision} parameters and state but was stepped with {called} spans; " +
                $"create it with OptimizerSettings.Precision = {called} (or the ChainOptimizer precision argument).");
    }

    /// <summary>How many links run per block, and the factor of the final θ ← θ + factor·u (a final −γ link is fused into it).</summary>
    private (int Count, double Factor) Links() =>
        _chain.Length > 0 && _chain[^1] is ScaleByLearningRate ? (_chain.Length - 1, -_learningRate) : (_chain.Length, 1.0);

    /// <summary>The blocked chain: each block's update (zero-padded to the SIMD width) runs through every link, then θ ← θ + factor·u.</summary>
    private void RunChain<T>(Span<T> parameters, ReadOnlySpan<T> gradient, T[] ub, T[] pb) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (count, factor) = Links();
        int n = ParameterCount, width = Vector<T>.Count;
        for (int offset = 0; offset < n; offset += BlockSize)
        {
            int len = Math.Min(BlockSize, n - offset);
            int padded = (len + width - 1) / width * width;
            Span<T> u = ub.AsSpan(0, padded);
            Span<T> p = parameters.Slice(offset, len);
            gradient.Slice(offset, len).CopyTo(u);
            ReadOnlySpan<T> pBlock = p;
            if (padded != len)
            {
                u[len..].Clear();
                p.CopyTo(pb);
                pb.AsSpan(len, padded - len).Clear();
                pBlock = pb.AsSpan(0, padded);
            }
            for (int k = 0; k < count; k++)
            {
                if (typeof(T) == typeof(double)) _chain[k].Apply(MemoryMarshal.Cast<T, double>(u), MemoryMarshal.Cast<T, double>(pBlock), offset);
                else _chain[k].Apply(MemoryMarshal.Cast<T, float>(u), MemoryMarshal.Cast<T, float>(pBlock), offset);
            }
            TensorPrimitives.FusedMultiplyAdd(u[..len], T.CreateTruncating(factor), p, p);
        }
    }

    /// <inheritdoc/>
    public void SaveState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Precision == OptimizerPrecision.Float64 ? Magic : MagicSingle);
        writer.Write(Name);
        writer.Write(ParameterCount);
        writer.Write(State.Step);
        writer.Write(_learningRate);
        writer.Write(State.VectorCount);
        foreach (var v in State.Vectors)
            for (int i = 0; i < ParameterCount; i++) writer.Write(v[i]);
        foreach (var v in State.SingleVectors)
            for (int i = 0; i < ParameterCount; i++) writer.Write(v[i]);
        writer.Write(State.Scalars.Length);
        foreach (double s in State.Scalars) writer.Write(s);
    }

    /// <inheritdoc/>
    public void LoadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        try
        {
            int magic = reader.ReadInt32();
            if (magic != Magic && magic != MagicSingle) throw new InvalidDataException("Not an Optima optimizer state.");
            string name = reader.ReadString();
            if (name != Name) throw new InvalidDataException($"The saved state belongs to optimizer '{name}', not '{Name}'.");
            var precision = magic == Magic ? OptimizerPrecision.Float64 : OptimizerPrecision.Float32;
            if (precision != Precision)
                throw new InvalidDataException($"The saved state of '{name}' is {precision}; this optimizer keeps {Precision} state (OptimizerSettings.Precision).");
            int n = reader.ReadInt32();
            if (n != ParameterCount) throw new InvalidDataException($"The saved state is for {n} parameters; this optimizer has {ParameterCount}.");
            long step = reader.ReadInt64();
            double lr = reader.ReadDouble();
            if (step < 0 || !(double.IsFinite(lr) && lr >= 0))
                throw new InvalidDataException($"The saved state of '{name}' is corrupt: step {step}, learning rate {lr}.");
            int vectors = reader.ReadInt32();
            if (vectors != State.VectorCount) throw new InvalidDataException($"The saved state has {vectors} buffers; '{Name}' with these settings has {State.VectorCount}.");
            var data = new double[State.Vectors.Length][];
            for (int k = 0; k < data.Length; k++)
            {
                data[k] = new double[n];
                for (int i = 0; i < n; i++) data[k][i] = reader.ReadDouble();
            }
            var singles = new float[State.SingleVectors.Length][];
            for (int k = 0; k < singles.Length; k++)
            {
                singles[k] = new float[n];
                for (int i = 0; i < n; i++) singles[k][i] = reader.ReadSingle();
            }
            int scalars = reader.ReadInt32();
            if (scalars != State.Scalars.Length) throw new InvalidDataException($"The saved state has {scalars} scalars; '{Name}' has {State.Scalars.Length}.");
            var sc = new double[scalars];
            for (int k = 0; k < scalars; k++) sc[k] = reader.ReadDouble();
            // Commit only after everything was read and checked; the padding beyond n is zeroed.
            for (int k = 0; k < data.Length; k++)
            {
                data[k].CopyTo(State.Vectors[k], 0);
                Array.Clear(State.Vectors[k], n, State.Vectors[k].Length - n);
            }
            for (int k = 0; k < singles.Length; k++)
            {
                singles[k].CopyTo(State.SingleVectors[k], 0);
                Array.Clear(State.SingleVectors[k], n, State.SingleVectors[k].Length - n);
            }
            sc.CopyTo(State.Scalars, 0);
            State.Step = step;
            LearningRate = lr;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The optimizer state is truncated.", e);
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            throw new InvalidDataException($"The optimizer state is corrupt: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {string.Join(" → ", _chain.Select(t => t.Name))}, γ = {_learningRate}, step {StepCount}, {Precision}";
}

/// <summary>
/// Lookahead (Zhang, Lucas, Hinton and Ba, NeurIPS 2019) around any optimizer: the inner ("fast") optimizer takes
/// k steps; then the slow weights move φ ← φ + α(θ − φ) and the fast weights restart from them, θ ← φ.
/// With k = 1 and α = 1 it is the inner optimizer. The slow weights have the inner optimizer's precision (float32
/// slow weights are interpolated in float arithmetic).
/// </summary>
public sealed class Lookahead : IOptimizer
{
    private const int Magic = 0x4F504C4B; // "OPLK": float64 slow weights
    private const int MagicSingle = 0x4F504C46; // "OPLF": float32 slow weights
    private readonly IOptimizer _inner;
    private readonly double[] _slow;
    private readonly float[] _slowSingle;
    private long _fastSteps;
    private bool _initialised;

    /// <summary>Wraps <paramref name="inner"/>. Paper defaults: k = 5 fast steps, slow step α = 0.5.</summary>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1 or α outside (0, 1].</exception>
    public Lookahead(IOptimizer inner, int k = 5, double alpha = 0.5)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k (fast steps per slow step) must be at least 1.");
        if (!(alpha > 0 && alpha <= 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must lie in (0, 1].");
        _inner = inner;
        K = k;
        Alpha = alpha;
        bool single = inner.Precision == OptimizerPrecision.Float32;
        _slow = single ? [] : new double[inner.ParameterCount];
        _slowSingle = single ? new float[inner.ParameterCount] : [];
    }

    /// <summary>Fast steps per slow step.</summary>
    public int K { get; }

    /// <summary>The slow-weights step α.</summary>
    public double Alpha { get; }

    /// <summary>The wrapped optimizer.</summary>
    public IOptimizer Inner => _inner;

    /// <inheritdoc/>
    public string Name => $"lookahead({_inner.Name})";

    /// <inheritdoc/>
    public int ParameterCount => _inner.ParameterCount;

    /// <inheritdoc/>
    public OptimizerPrecision Precision => _inner.Precision;

    /// <inheritdoc/>
    public long StepCount => _fastSteps;

    /// <inheritdoc/>
    public double LearningRate { get => _inner.LearningRate; set => _inner.LearningRate = value; }

    /// <inheritdoc/>
    public bool Step(Span<double> parameters, ReadOnlySpan<double> gradient) => Step(OptimizerPrecision.Float64, parameters, gradient, _slow);

    /// <inheritdoc/>
    public bool Step(Span<float> parameters, ReadOnlySpan<float> gradient) => Step(OptimizerPrecision.Float32, parameters, gradient, _slowSingle);

    private bool Step<T>(OptimizerPrecision precision, Span<T> parameters, ReadOnlySpan<T> gradient, T[] slow) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ChainOptimizer.RequirePrecision(precision, this);
        if (parameters.Length != ParameterCount) throw new ArgumentException($"parameters has length {parameters.Length}; the optimizer was created for {ParameterCount}.", nameof(parameters));
        if (!Vec.AllFinite(gradient) || gradient.Length != ParameterCount) return InnerStep(parameters, gradient);
        if (!_initialised)
        {
            parameters.CopyTo(slow);
            _initialised = true;
        }
        if (!InnerStep(parameters, gradient)) return false;
        _fastSteps++;
        if (_fastSteps % K == 0)
        {
            // φ ← φ + α(θ − φ) = αθ + (1 − α)φ ; θ ← φ
            TensorPrimitives.Subtract(parameters, slow, parameters);
            TensorPrimitives.FusedMultiplyAdd(parameters, T.CreateChecked(Alpha), slow, slow);
            slow.CopyTo(parameters);
        }
        return true;
    }

    private bool InnerStep<T>(Span<T> parameters, ReadOnlySpan<T> gradient) where T : unmanaged =>
        typeof(T) == typeof(double)
            ? _inner.Step(MemoryMarshal.Cast<T, double>(parameters), MemoryMarshal.Cast<T, double>(gradient))
            : _inner.Step(MemoryMarshal.Cast<T, float>(parameters), MemoryMarshal.Cast<T, float>(gradient));

    /// <inheritdoc/>
    public void SaveState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Precision == OptimizerPrecision.Float64 ? Magic : MagicSingle);
        writer.Write(K);
        writer.Write(Alpha);
        writer.Write(_fastSteps);
        writer.Write(_initialised);
        writer.Write(ParameterCount);
        foreach (double s in _slow) writer.Write(s);
        foreach (float s in _slowSingle) writer.Write(s);
        _inner.SaveState(writer);
    }

    /// <inheritdoc/>
    public void LoadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        try
        {
            int magic = reader.ReadInt32();
            if (magic != Magic && magic != MagicSingle) throw new InvalidDataException($"The saved state is not a Lookahead state; this optimizer is {Name}.");
            var precision = magic == Magic ? OptimizerPrecision.Float64 : OptimizerPrecision.Float32;
            if (precision != Precision)
                throw new InvalidDataException($"The saved Lookahead state is {precision}; this optimizer keeps {Precision} state (OptimizerSettings.Precision).");
            int k = reader.ReadInt32();
            double alpha = reader.ReadDouble();
            if (k != K || alpha != Alpha) throw new InvalidDataException($"The saved Lookahead has k = {k}, α = {alpha}; this one k = {K}, α = {Alpha}.");
            long steps = reader.ReadInt64();
            bool init = reader.ReadBoolean();
            if (steps < 0) throw new InvalidDataException($"The saved Lookahead state is corrupt: {steps} fast steps.");
            int n = reader.ReadInt32();
            if (n != ParameterCount) throw new InvalidDataException($"The saved state is for {n} parameters; this optimizer has {ParameterCount}.");
            var slow = new double[_slow.Length];
            for (int i = 0; i < slow.Length; i++) slow[i] = reader.ReadDouble();
            var slowSingle = new float[_slowSingle.Length];
            for (int i = 0; i < slowSingle.Length; i++) slowSingle[i] = reader.ReadSingle();
            _inner.LoadState(reader);
            slow.CopyTo(_slow, 0);
            slowSingle.CopyTo(_slowSingle, 0);
            _fastSteps = steps;
            _initialised = init;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The optimizer state is truncated.", e);
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            throw new InvalidDataException($"The optimizer state is corrupt: {e.Message}", e);
        }
    }
}
