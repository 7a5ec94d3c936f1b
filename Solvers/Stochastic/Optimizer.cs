using System.Numerics;
using System.Numerics.Tensors;

namespace Optima.Solvers.Stochastic;

/// <summary>
/// A steppable first-order optimizer over a flat parameter vector, the shape C# training loops expect:
/// compute the gradient, call <see cref="Step"/>, repeat. Its state is plain data and can be saved and restored
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

    /// <summary>
    /// One update θ ← θ + u(θ, g). When <paramref name="gradient"/> holds NaN or ±∞ the step is refused: nothing
    /// (parameters or state) changes and false is returned.
    /// </summary>
    /// <exception cref="ArgumentException">A span's length differs from <see cref="ParameterCount"/>.</exception>
    bool Step(Span<double> parameters, ReadOnlySpan<double> gradient);

    /// <summary>Writes the optimizer's whole state (kind, n, step count, buffers) to <paramref name="writer"/>.</summary>
    void SaveState(BinaryWriter writer);

    /// <summary>Restores a state written by <see cref="SaveState"/> of an optimizer of the same kind and size.</summary>
    /// <exception cref="InvalidDataException">The state belongs to another optimizer or parameter count, or is corrupt.</exception>
    void LoadState(BinaryReader reader);
}

/// <summary>The state of a chain optimizer as plain data: the step count, the per-parameter vectors and the scalars.</summary>
public sealed class OptimizerState
{
    internal OptimizerState(int parameters, int paddedLength, IReadOnlyList<GradientTransform> chain)
    {
        Parameters = parameters;
        var vectors = new List<double[]>();
        var scalars = new List<double>();
        foreach (var t in chain)
        {
            t.Bind(this, vectors.Count, scalars.Count);
            for (int k = 0; k < t.VectorCount; k++)
            {
                var v = new double[paddedLength];
                double init = t.InitialVectorValue(k);
                if (init != 0) Array.Fill(v, init);
                vectors.Add(v);
            }
            for (int k = 0; k < t.ScalarCount; k++) scalars.Add(t.InitialScalar(k));
        }
        Vectors = [.. vectors];
        Scalars = [.. scalars];
    }

    /// <summary>The parameter count n (the vectors may be padded beyond it to the SIMD width; the padding is not state).</summary>
    public int Parameters { get; }

    /// <summary>Steps taken.</summary>
    public long Step { get; internal set; }

    /// <summary>The per-parameter buffers of every transform in chain order (moments, accumulators…).</summary>
    public double[][] Vectors { get; }

    /// <summary>The scalar state of every transform in chain order.</summary>
    public double[] Scalars { get; }
}

/// <summary>
/// An optimizer built as a chain of <see cref="GradientTransform"/>s (optax style) behind a steppable object.
/// One <see cref="Step"/> makes a single blocked pass: for each block of 1024 parameters the gradient block is
/// copied into an L1-resident buffer, every transform runs on it, and θ ← θ + u is applied — so memory traffic is
/// that of one fused loop while each transform stays separate. Nothing is allocated per step.
/// </summary>
public sealed class ChainOptimizer : IOptimizer
{
    private const int BlockSize = 1024;
    private const int Magic = 0x4F50544D; // "OPTM"
    private readonly GradientTransform[] _chain;
    private readonly double[] _u = new double[BlockSize];
    private readonly double[] _p = new double[BlockSize];
    private double _learningRate;

    /// <summary>Creates an optimizer for <paramref name="parameterCount"/> parameters from a chain of transforms.</summary>
    /// <param name="name">The name reported and written into checkpoints.</param>
    /// <param name="parameterCount">n ≥ 1.</param>
    /// <param name="learningRate">The initial learning rate γ ≥ 0.</param>
    /// <param name="chain">The transforms, applied in order; a whole-gradient transform (clipping by norm) only first.</param>
    public ChainOptimizer(string name, int parameterCount, double learningRate, params GradientTransform[] chain)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(chain);
        if (parameterCount < 1) throw new ArgumentOutOfRangeException(nameof(parameterCount), parameterCount, "An optimizer needs at least one parameter.");
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
        int width = Vector<double>.Count;
        State = new OptimizerState(parameterCount, (parameterCount + width - 1) / width * width, _chain);
        _fused = FusedKernel.For(_chain);
    }

    private readonly FusedKernel? _fused;

    /// <summary>
    /// Whether <see cref="Step"/> may run a single-pass fused kernel for a recognised chain (Adam, AMSGrad, AdamW, SGD,
    /// momentum, Nesterov, SGDW, each with optional L2 or decoupled decay). The fused kernel does the chain's
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
        int n = ParameterCount;
        if (parameters.Length != n) throw new ArgumentException($"parameters has length {parameters.Length}; the optimizer was created for {n}.", nameof(parameters));
        if (gradient.Length != n) throw new ArgumentException($"gradient has length {gradient.Length}; the optimizer was created for {n}.", nameof(gradient));
        if (!AllFinite(gradient)) return false;

        long t = State.Step + 1;
        foreach (var tr in _chain) tr.BeginStep(t, _learningRate, gradient);
        if (_fused is not null && UseFusedKernel)
        {
            _fused.Run(parameters, gradient, _learningRate);
            State.Step = t;
            return true;
        }
        // A final scale by −γ is fused into the update θ ← θ − γu (one pass over the block fewer).
        int count = _chain.Length > 0 && _chain[^1] is ScaleByLearningRate ? _chain.Length - 1 : _chain.Length;
        double factor = count < _chain.Length ? -_learningRate : 1.0;
        int width = Vector<double>.Count;
        for (int offset = 0; offset < n; offset += BlockSize)
        {
            int len = Math.Min(BlockSize, n - offset);
            int padded = (len + width - 1) / width * width;
            Span<double> u = _u.AsSpan(0, padded);
            Span<double> p = parameters.Slice(offset, len);
            gradient.Slice(offset, len).CopyTo(u);
            ReadOnlySpan<double> pBlock = p;
            if (padded != len)
            {
                u[len..].Clear();
                p.CopyTo(_p);
                _p.AsSpan(len, padded - len).Clear();
                pBlock = _p.AsSpan(0, padded);
            }
            for (int k = 0; k < count; k++) _chain[k].Apply(u, pBlock, offset);
            TensorPrimitives.FusedMultiplyAdd(u[..len], factor, p, p);
        }
        State.Step = t;
        return true;
    }

    /// <summary>True when every entry is finite (x·0 is 0 for finite x and NaN otherwise, so one vector pass decides).</summary>
    internal static bool AllFinite(ReadOnlySpan<double> x)
    {
        Vector<double> a0 = Vector<double>.Zero, a1 = a0, a2 = a0, a3 = a0, zero = a0;
        int width = Vector<double>.Count, i, k = 0;
        var vectors = System.Runtime.InteropServices.MemoryMarshal.Cast<double, Vector<double>>(x);
        for (; k + 4 <= vectors.Length; k += 4) // four independent chains: throughput-bound, not latency-bound
        {
            a0 += vectors[k] * zero;
            a1 += vectors[k + 1] * zero;
            a2 += vectors[k + 2] * zero;
            a3 += vectors[k + 3] * zero;
        }
        for (; k < vectors.Length; k++) a0 += vectors[k] * zero;
        var acc = (a0 + a1) + (a2 + a3);
        for (i = vectors.Length * width; i < x.Length; i++) if (!double.IsFinite(x[i])) return false;
        for (int j = 0; j < width; j++) if (acc[j] != 0) return false;
        return true;
    }

    /// <inheritdoc/>
    public void SaveState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Magic);
        writer.Write(Name);
        writer.Write(ParameterCount);
        writer.Write(State.Step);
        writer.Write(_learningRate);
        writer.Write(State.Vectors.Length);
        foreach (var v in State.Vectors)
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
            if (reader.ReadInt32() != Magic) throw new InvalidDataException("Not an Optima optimizer state.");
            string name = reader.ReadString();
            if (name != Name) throw new InvalidDataException($"The saved state belongs to optimizer '{name}', not '{Name}'.");
            int n = reader.ReadInt32();
            if (n != ParameterCount) throw new InvalidDataException($"The saved state is for {n} parameters; this optimizer has {ParameterCount}.");
            long step = reader.ReadInt64();
            double lr = reader.ReadDouble();
            int vectors = reader.ReadInt32();
            if (vectors != State.Vectors.Length) throw new InvalidDataException($"The saved state has {vectors} buffers; '{Name}' with these settings has {State.Vectors.Length}.");
            var data = new double[vectors][];
            for (int k = 0; k < vectors; k++)
            {
                data[k] = new double[n];
                for (int i = 0; i < n; i++) data[k][i] = reader.ReadDouble();
            }
            int scalars = reader.ReadInt32();
            if (scalars != State.Scalars.Length) throw new InvalidDataException($"The saved state has {scalars} scalars; '{Name}' has {State.Scalars.Length}.");
            var sc = new double[scalars];
            for (int k = 0; k < scalars; k++) sc[k] = reader.ReadDouble();
            // Commit only after everything was read and checked.
            for (int k = 0; k < vectors; k++)
            {
                data[k].CopyTo(State.Vectors[k], 0);
                Array.Clear(State.Vectors[k], n, State.Vectors[k].Length - n);
            }
            sc.CopyTo(State.Scalars, 0);
            State.Step = step;
            LearningRate = lr;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The optimizer state is truncated.", e);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {string.Join(" → ", _chain.Select(t => t.Name))}, γ = {_learningRate}, step {StepCount}";
}

/// <summary>
/// Lookahead (Zhang, Lucas, Hinton and Ba, NeurIPS 2019) around any optimizer: the inner ("fast") optimizer takes
/// k steps; then the slow weights move φ ← φ + α(θ − φ) and the fast weights restart from them, θ ← φ.
/// With k = 1 and α = 1 it is the inner optimizer.
/// </summary>
public sealed class Lookahead : IOptimizer
{
    private const int Magic = 0x4F504C4B; // "OPLK"
    private readonly IOptimizer _inner;
    private readonly double[] _slow;
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
        _slow = new double[inner.ParameterCount];
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
    public long StepCount => _fastSteps;

    /// <inheritdoc/>
    public double LearningRate { get => _inner.LearningRate; set => _inner.LearningRate = value; }

    /// <inheritdoc/>
    public bool Step(Span<double> parameters, ReadOnlySpan<double> gradient)
    {
        if (parameters.Length != ParameterCount) throw new ArgumentException($"parameters has length {parameters.Length}; the optimizer was created for {ParameterCount}.", nameof(parameters));
        if (!ChainOptimizer.AllFinite(gradient) || gradient.Length != ParameterCount) return _inner.Step(parameters, gradient);
        if (!_initialised)
        {
            parameters.CopyTo(_slow);
            _initialised = true;
        }
        if (!_inner.Step(parameters, gradient)) return false;
        _fastSteps++;
        if (_fastSteps % K == 0)
        {
            // φ ← φ + α(θ − φ) = αθ + (1 − α)φ ; θ ← φ
            TensorPrimitives.Subtract(parameters, _slow, parameters);
            TensorPrimitives.FusedMultiplyAdd(parameters, Alpha, _slow, _slow);
            _slow.CopyTo(parameters);
        }
        return true;
    }

    /// <inheritdoc/>
    public void SaveState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Magic);
        writer.Write(K);
        writer.Write(Alpha);
        writer.Write(_fastSteps);
        writer.Write(_initialised);
        writer.Write(_slow.Length);
        foreach (double s in _slow) writer.Write(s);
        _inner.SaveState(writer);
    }

    /// <inheritdoc/>
    public void LoadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        try
        {
            if (reader.ReadInt32() != Magic) throw new InvalidDataException($"The saved state is not a Lookahead state; this optimizer is {Name}.");
            int k = reader.ReadInt32();
            double alpha = reader.ReadDouble();
            if (k != K || alpha != Alpha) throw new InvalidDataException($"The saved Lookahead has k = {k}, α = {alpha}; this one k = {K}, α = {Alpha}.");
            long steps = reader.ReadInt64();
            bool init = reader.ReadBoolean();
            int n = reader.ReadInt32();
            if (n != ParameterCount) throw new InvalidDataException($"The saved state is for {n} parameters; this optimizer has {ParameterCount}.");
            var slow = new double[n];
            for (int i = 0; i < n; i++) slow[i] = reader.ReadDouble();
            _inner.LoadState(reader);
            slow.CopyTo(_slow, 0);
            _fastSteps = steps;
            _initialised = init;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The optimizer state is truncated.", e);
        }
    }
}
