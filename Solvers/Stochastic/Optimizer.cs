using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Optima.Solvers.Internal;

namespace Optima.Solvers.Stochastic;

/// <summary>
/// A steppable first-order optimizer over a flat parameter vector, the shape C# training loops expect:
/// compute the gradient, call <see cref="Step{T}(Span{T}, ReadOnlySpan{T})"/>, repeat. Its state is plain data and can be saved and restored
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
    /// One update θ ← θ + u(θ, g) of parameters of the optimizer's element type T (double for
    /// <see cref="OptimizerPrecision.Float64"/>, float for <see cref="OptimizerPrecision.Float32"/>). When
    /// <paramref name="gradient"/> holds NaN or ±∞ the step is refused: nothing (parameters or state) changes and false
    /// is returned.
    /// </summary>
    /// <exception cref="ArgumentException">A span's length differs from <see cref="ParameterCount"/>.</exception>
    /// <exception cref="InvalidOperationException">T is not the element type of the optimizer's <see cref="Precision"/>.</exception>
    bool Step<T>(Span<T> parameters, ReadOnlySpan<T> gradient) where T : unmanaged, IFloatingPointIeee754<T>;

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

/// <summary>
/// An optimizer built as a chain of <see cref="GradientTransform"/>s (optax style) behind a steppable object.
/// One <see cref="Step{T}(Span{T}, ReadOnlySpan{T})"/> makes a single blocked pass: for each block of 1024
/// parameters the gradient block is copied into an L1-resident buffer, every transform runs on it, and θ ← θ + u is
/// applied — so memory traffic is that of one fused loop while each transform stays separate. Recognised chains run a
/// single-pass fused kernel instead (<see cref="FusedKernelName"/>), bit-identical to the chain. Nothing is allocated
/// per step. The transforms are pure values: their state is in <see cref="State"/>, their per-step constants in a
/// buffer of this optimizer, so one transform instance may serve several optimizers.
/// </summary>
/// <remarks>
/// With <see cref="OptimizerPrecision.Float32"/> the parameters, gradients and state vectors are floats and the built-in
/// transforms and fused kernels compute in float (as PyTorch does for float tensors) with the same operations in the
/// same order, so the two paths agree bit for bit in float32 too.
/// </remarks>
public sealed class ChainOptimizer : IOptimizer
{
    private const int BlockSize = 1024;
    private const int Magic = 0x4F505432; // "OPT2": state saved by name
    private const int MagicV1 = 0x4F50544D, MagicV1Single = 0x4F505446; // "OPTM"/"OPTF": the first format, buffers by position
    private readonly GradientTransform[] _chain;
    private readonly (int Vector, int Vectors, int Constant, int Constants, int Scalar, int Scalars)[] _at; // each transform's state and constants
    private readonly double[] _constants; // the step's constants of every transform (scratch, not state)
    private readonly Array _u, _p; // the L1-resident block buffers (double[] or float[])
    private readonly FusedKernel? _fused;
    private double _learningRate;

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
        _at = new (int, int, int, int, int, int)[_chain.Length];
        int vectors = 0, constants = 0, scalars = 0;
        for (int i = 0; i < _chain.Length; i++)
        {
            var tr = _chain[i];
            _at[i] = (vectors, tr.StateNames.Count, constants, tr.ConstantCount, scalars, tr.ScalarNames.Count);
            (vectors, constants, scalars) = (vectors + _at[i].Vectors, constants + _at[i].Constants, scalars + _at[i].Scalars);
        }
        _constants = new double[constants];
        State = new OptimizerState(parameterCount, precision, _chain);
        bool single = precision == OptimizerPrecision.Float32;
        (_u, _p) = single ? ((Array)new float[BlockSize], (Array)new float[BlockSize]) : (new double[BlockSize], new double[BlockSize]);
        _fused = FusedKernel.For(_chain, State, [.. _at.Select(a => (a.Vector, a.Constant))]);
    }

    /// <summary>Creates a float64 optimizer for <paramref name="parameterCount"/> parameters from a chain of transforms.</summary>
    /// <param name="name">The name reported and written into checkpoints.</param>
    /// <param name="parameterCount">n ≥ 1.</param>
    /// <param name="learningRate">The initial learning rate γ ≥ 0.</param>
    /// <param name="chain">The transforms, applied in order; a whole-gradient transform (clipping by norm) only first.</param>
    public ChainOptimizer(string name, int parameterCount, double learningRate, params GradientTransform[] chain)
        : this(name, parameterCount, learningRate, OptimizerPrecision.Float64, chain)
    {
    }

    /// <summary>
    /// Whether a step may run the single-pass fused kernel of a recognised chain ([L2 decay] → [core] → [momentum] →
    /// [decoupled decay] → [−γ] with any built-in core). The fused kernel does the chain's floating-point operations in
    /// the same order, so results are bit-identical either way. Default true.
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

    /// <summary>The state as plain data (live, read-only).</summary>
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
    public bool Step<T>(Span<T> parameters, ReadOnlySpan<T> gradient) where T : unmanaged, IFloatingPointIeee754<T>
    {
        RequirePrecision<T>(this);
        int n = ParameterCount;
        if (parameters.Length != n) throw new ArgumentException($"parameters has length {parameters.Length}; the optimizer was created for {n}.", nameof(parameters));
        if (gradient.Length != n) throw new ArgumentException($"gradient has length {gradient.Length}; the optimizer was created for {n}.", nameof(gradient));
        if (!FusedKernel.AllFiniteBackward(gradient)) return false;
        long t = State.Step + 1;
        for (int i = 0; i < _chain.Length; i++)
        {
            var at = _at[i];
            _chain[i].Prepare(t, _learningRate, gradient, State.Scalars.AsSpan(at.Scalar, at.Scalars), _constants.AsSpan(at.Constant, at.Constants));
        }
        if (_fused is not null && UseFusedKernel) _fused.Run(parameters, gradient, _learningRate, _constants);
        else RunChain(parameters, gradient, (T[])_u, (T[])_p);
        State.Step = t;
        return true;
    }

    /// <summary>Throws unless <typeparamref name="T"/> is the element type of <paramref name="optimizer"/>'s precision.</summary>
    internal static void RequirePrecision<T>(IOptimizer optimizer)
    {
        var called = typeof(T) == typeof(float) ? OptimizerPrecision.Float32 : OptimizerPrecision.Float64;
        if (called != optimizer.Precision || (typeof(T) != typeof(float) && typeof(T) != typeof(double)))
            throw new InvalidOperationException($"The optimizer '{optimizer.Name}' was created for {optimizer.Precision} parameters and state but was stepped with {typeof(T).Name} spans; " +
                $"create it with Precision = {called} in its settings (or the ChainOptimizer precision argument).");
    }

    /// <summary>How many links run per block, and the factor of the final θ ← θ + factor·u (a final −γ link is fused into it).</summary>
    private (int Count, double Factor) Links() =>
        _chain.Length > 0 && _chain[^1] is ScaleByLearningRate ? (_chain.Length - 1, -_learningRate) : (_chain.Length, 1.0);

    /// <summary>The blocked chain: each block's update (zero-padded to the SIMD width) runs through every link, then θ ← θ + factor·u.</summary>
    private void RunChain<T>(Span<T> parameters, ReadOnlySpan<T> gradient, T[] ub, T[] pb) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (count, factor) = Links();
        var buffers = State.Buffers<T>();
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
                var at = _at[k];
                _chain[k].Apply(u, pBlock, new TransformBlock<T>(buffers, at.Vector, at.Vectors, offset, padded, _constants.AsSpan(at.Constant, at.Constants)));
            }
            TensorPrimitives.FusedMultiplyAdd(u[..len], T.CreateTruncating(factor), p, p);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Format "OPT2": the name, precision, n, step count and learning rate, then every vector and scalar with its name
    /// (<see cref="OptimizerState.VectorNames"/>). <see cref="LoadState"/> also reads the first format ("OPTM"/"OPTF",
    /// buffers by position in chain order, which the names follow).
    /// </remarks>
    public void SaveState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Magic);
        writer.Write(Name);
        writer.Write((byte)Precision);
        writer.Write(ParameterCount);
        writer.Write(State.Step);
        writer.Write(_learningRate);
        writer.Write(State.VectorCount);
        for (int k = 0; k < State.VectorCount; k++)
        {
            writer.Write(State.VectorNames[k]);
            if (State.Buffer(k) is double[] d) foreach (double v in d.AsSpan(0, ParameterCount)) writer.Write(v);
            else foreach (float v in ((float[])State.Buffer(k)).AsSpan(0, ParameterCount)) writer.Write(v);
        }
        writer.Write(State.Scalars.Length);
        for (int k = 0; k < State.Scalars.Length; k++)
        {
            writer.Write(State.ScalarNames[k]);
            writer.Write(State.Scalars[k]);
        }
    }

    /// <inheritdoc/>
    public void LoadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        try
        {
            int magic = reader.ReadInt32();
            if (magic != Magic && magic != MagicV1 && magic != MagicV1Single) throw new InvalidDataException("Not an Optima optimizer state.");
            bool named = magic == Magic;
            string name = reader.ReadString();
            if (name != Name) throw new InvalidDataException($"The saved state belongs to optimizer '{name}', not '{Name}'.");
            var precision = named ? (OptimizerPrecision)reader.ReadByte() : magic == MagicV1 ? OptimizerPrecision.Float64 : OptimizerPrecision.Float32;
            if (precision != Precision)
                throw new InvalidDataException($"The saved state of '{name}' is {precision}; this optimizer keeps {Precision} state (the settings' Precision).");
            int n = reader.ReadInt32();
            if (n != ParameterCount) throw new InvalidDataException($"The saved state is for {n} parameters; this optimizer has {ParameterCount}.");
            long step = reader.ReadInt64();
            double lr = reader.ReadDouble();
            if (step < 0 || !(double.IsFinite(lr) && lr >= 0))
                throw new InvalidDataException($"The saved state of '{name}' is corrupt: step {step}, learning rate {lr}.");
            int vectors = reader.ReadInt32();
            if (vectors != State.VectorCount)
                throw new InvalidDataException($"The saved state has {vectors} buffers; '{Name}' with these settings has {State.VectorCount} ({string.Join(", ", State.VectorNames)}).");
            var data = new Array[vectors];
            for (int j = 0; j < vectors; j++)
            {
                int k = named ? IndexOf(State.VectorNames, reader.ReadString(), "buffer") : j;
                if (data[k] is not null) throw new InvalidDataException($"The saved state holds the buffer '{State.VectorNames[k]}' twice.");
                if (precision == OptimizerPrecision.Float64)
                {
                    var v = new double[n];
                    for (int i = 0; i < n; i++) v[i] = reader.ReadDouble();
                    data[k] = v;
                }
                else
                {
                    var v = new float[n];
                    for (int i = 0; i < n; i++) v[i] = reader.ReadSingle();
                    data[k] = v;
                }
            }
            int scalars = reader.ReadInt32();
            if (scalars != State.Scalars.Length) throw new InvalidDataException($"The saved state has {scalars} scalars; '{Name}' has {State.Scalars.Length}.");
            var sc = new double[scalars];
            for (int j = 0; j < scalars; j++) sc[named ? IndexOf(State.ScalarNames, reader.ReadString(), "scalar") : j] = reader.ReadDouble();
            // Commit only after everything was read and checked; the padding beyond n is zeroed.
            for (int k = 0; k < data.Length; k++)
            {
                var buffer = State.Buffer(k);
                Array.Copy(data[k], buffer, n);
                Array.Clear(buffer, n, buffer.Length - n);
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

    private int IndexOf(IReadOnlyList<string> names, string name, string what)
    {
        for (int k = 0; k < names.Count; k++) if (names[k] == name) return k;
        throw new InvalidDataException($"The saved state has a {what} '{name}' that '{Name}' with these settings does not keep ({string.Join(", ", names)}).");
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
    private readonly Array _slow; // double[] or float[]
    private long _fastSteps;
    private bool _initialised;

    /// <summary>Wraps <paramref name="inner"/>. Paper defaults: k = 5 fast steps, slow step α = 0.5.</summary>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1 or α outside (0, 1].</exception>
    public Lookahead(IOptimizer inner, int k = 5, double alpha = 0.5)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Check(k, alpha);
        _inner = inner;
        K = k;
        Alpha = alpha;
        _slow = inner.Precision == OptimizerPrecision.Float32 ? new float[inner.ParameterCount] : new double[inner.ParameterCount];
    }

    /// <summary>Throws unless k ≥ 1 and α ∈ (0, 1].</summary>
    internal static void Check(int k, double alpha)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k (fast steps per slow step) must be at least 1.");
        if (!(alpha > 0 && alpha <= 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must lie in (0, 1].");
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
    public bool Step<T>(Span<T> parameters, ReadOnlySpan<T> gradient) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ChainOptimizer.RequirePrecision<T>(this);
        var slow = (T[])_slow;
        if (parameters.Length != ParameterCount) throw new ArgumentException($"parameters has length {parameters.Length}; the optimizer was created for {ParameterCount}.", nameof(parameters));
        if (!Vec.AllFinite(gradient) || gradient.Length != ParameterCount) return _inner.Step(parameters, gradient);
        if (!_initialised)
        {
            parameters.CopyTo(slow);
            _initialised = true;
        }
        if (!_inner.Step(parameters, gradient)) return false;
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
        if (_slow is double[] d) foreach (double s in d) writer.Write(s);
        else foreach (float s in (float[])_slow) writer.Write(s);
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
                throw new InvalidDataException($"The saved Lookahead state is {precision}; this optimizer keeps {Precision} state (the settings' Precision).");
            int k = reader.ReadInt32();
            double alpha = reader.ReadDouble();
            if (k != K || alpha != Alpha) throw new InvalidDataException($"The saved Lookahead has k = {k}, α = {alpha}; this one k = {K}, α = {Alpha}.");
            long steps = reader.ReadInt64();
            bool init = reader.ReadBoolean();
            if (steps < 0) throw new InvalidDataException($"The saved Lookahead state is corrupt: {steps} fast steps.");
            int n = reader.ReadInt32();
            if (n != ParameterCount) throw new InvalidDataException($"The saved state is for {n} parameters; this optimizer has {ParameterCount}.");
            var slow = Array.CreateInstance(_slow.GetType().GetElementType()!, n);
            if (slow is double[] d) for (int i = 0; i < n; i++) d[i] = reader.ReadDouble();
            else for (int i = 0; i < n; i++) ((float[])slow)[i] = reader.ReadSingle();
            _inner.LoadState(reader);
            Array.Copy(slow, _slow, n);
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
