using System.Numerics;
using System.Runtime.InteropServices;

namespace Optima.Solvers.Stochastic;

/// <summary>
/// One link of an optimizer chain (optax's <c>GradientTransformation</c>): it turns an update vector u (initially
/// the gradient) into a new one, possibly reading the parameters and keeping per-parameter state vectors and a few
/// scalars. Adam, for instance, is <c>ScaleByAdam → AddDecayedWeights → ScaleByLearningRate</c>, and the optimizer
/// finally applies θ ← θ + u.
/// </summary>
/// <remarks>
/// <para>A transform is a pure value: it holds only its hyper-parameters, fixed at construction. Its state (the named
/// per-parameter vectors it declares in <see cref="StateNames"/> and its <see cref="ScalarNames"/>) lives in the
/// optimizer's <see cref="OptimizerState"/>, and the constants of a step (bias corrections, the clipping scale …) in a
/// per-step span the optimizer keeps; so one transform instance can serve any number of optimizers.</para>
/// <para>The chain runs block by block: for each block of parameters (a few thousand) every transform is applied in
/// turn on the block's update, which stays in the L1 cache, so the whole chain makes one pass over main memory.
/// <see cref="Apply{T}"/> receives spans whose length is a multiple of <see cref="Vector{T}.Count"/> (the last block
/// is zero-padded), so implementations are pure vector loops with no scalar tail. T is the optimizer's element type
/// (double or float); the built-in transforms compute in T, as PyTorch does.</para>
/// </remarks>
public abstract class GradientTransform
{
    /// <summary>A short name for messages and checkpoints, e.g. "scale_by_adam".</summary>
    public abstract string Name { get; }

    /// <summary>The names of the per-parameter state vectors the transform keeps (moments, accumulators), e.g. ["m", "v"]. Default none.</summary>
    public virtual IReadOnlyList<string> StateNames => [];

    /// <summary>The names of the scalar state values (e.g. NAdam's running product of μ). Default none.</summary>
    public virtual IReadOnlyList<string> ScalarNames => [];

    /// <summary>The number of per-step constants <see cref="Prepare{T}"/> writes for <see cref="Apply{T}"/>. Default 0.</summary>
    public virtual int ConstantCount => 0;

    /// <summary>The initial value of every entry of state vector <paramref name="k"/>. Default 0.</summary>
    public virtual double InitialValue(int k) => 0.0;

    /// <summary>The initial value of scalar <paramref name="k"/>. Default 0.</summary>
    public virtual double InitialScalar(int k) => 0.0;

    /// <summary>
    /// True when the transform needs a reduction over the whole gradient before the block pass (clipping by global
    /// norm). Such a transform must come first in its chain, where its input is the raw gradient.
    /// </summary>
    public virtual bool NeedsWholeGradient => false;

    /// <summary>
    /// Called once per step before the block pass: updates the transform's scalar state and writes the step's
    /// constants (read by <see cref="Apply{T}"/> through <see cref="TransformBlock{T}.Constants"/>).
    /// </summary>
    /// <param name="step">The 1-based step number t.</param>
    /// <param name="learningRate">γ for this step (after any schedule).</param>
    /// <param name="gradient">The whole raw gradient (meaningful only to a transform first in its chain).</param>
    /// <param name="scalars">This transform's scalar state (<see cref="ScalarNames"/>), updated in place.</param>
    /// <param name="constants">This transform's <see cref="ConstantCount"/> constants for the step.</param>
    public virtual void Prepare<T>(long step, double learningRate, ReadOnlySpan<T> gradient, Span<double> scalars, Span<double> constants)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
    }

    /// <summary>Transforms the update of one block in place.</summary>
    /// <param name="update">The block's update (length a multiple of <see cref="Vector{T}.Count"/>).</param>
    /// <param name="parameters">The block's current parameters θ (same length).</param>
    /// <param name="block">This transform's state vectors over the block, and the step's constants.</param>
    public abstract void Apply<T>(Span<T> update, ReadOnlySpan<T> parameters, TransformBlock<T> block)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// The single-pass kernel for a chain whose core (the one transform between the optional L2 decay and the optional
    /// momentum trace, decoupled decay and learning rate) is this transform, or null when it has no fused form.
    /// </summary>
    internal virtual FusedKernel? CreateKernel(KernelParts parts) => null;

    /// <summary>Throws unless 0 ≤ <paramref name="beta"/> &lt; 1 (the rule for every decay rate).</summary>
    protected static void RequireBeta(double beta, string name)
    {
        if (!(beta >= 0 && beta < 1))
            throw new ArgumentOutOfRangeException(name, beta, $"{name} must lie in [0, 1), but is {beta}.");
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and ≥ 0.</summary>
    protected static void RequireNonNegative(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number ≥ 0, but is {value}.");
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and &gt; 0.</summary>
    protected static void RequirePositive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number > 0, but is {value}.");
    }
}

/// <summary>What <see cref="GradientTransform.Apply{T}"/> sees of its state for one block: its state vectors over the block and the step's constants.</summary>
public readonly ref struct TransformBlock<T> where T : unmanaged
{
    private readonly T[][] _vectors;
    private readonly int _first, _count, _offset, _length;

    internal TransformBlock(T[][] vectors, int first, int count, int offset, int length, ReadOnlySpan<double> constants)
    {
        (_vectors, _first, _count, _offset, _length) = (vectors, first, count, offset, length);
        Constants = constants;
    }

    /// <summary>The step's constants written by <see cref="GradientTransform.Prepare{T}"/>.</summary>
    public ReadOnlySpan<double> Constants { get; }

    /// <summary>The index of the block's first parameter.</summary>
    public int Offset => _offset;

    /// <summary>The block [offset, offset + length) of the transform's state vector <paramref name="k"/> (in <see cref="GradientTransform.StateNames"/> order).</summary>
    public Span<T> Vector(int k) =>
        (uint)k < (uint)_count ? _vectors[_first + k].AsSpan(_offset, _length) : throw new ArgumentOutOfRangeException(nameof(k), k, $"The transform has {_count} state vectors.");

    /// <summary>Runs a rule's arithmetic over the block's update in place (the chain path of the built-in transforms).</summary>
    internal void Run<TRule>(in TRule rule, Span<T> update) where TRule : struct, IRule<T>
    {
        int k = TRule.States;
        Lane.Apply<T, TRule>(rule, update, k > 0 ? Vector(0) : default, k > 1 ? Vector(1) : default, k > 2 ? Vector(2) : default);
    }
}

/// <summary>
/// The state of a chain optimizer as plain data: the step count, the per-parameter vectors of every transform (named
/// "transform.vector", e.g. "scale_by_adam.m") and their scalars. Read-only from outside; checkpoints save it by name.
/// </summary>
public sealed class OptimizerState
{
    private readonly Array[] _vectors; // double[][] or float[][] entries, each padded to the SIMD width
    private readonly object _typed;    // the same arrays as double[][] or float[][]

    internal OptimizerState(int parameters, OptimizerPrecision precision, IReadOnlyList<GradientTransform> chain)
    {
        Parameters = parameters;
        Precision = precision;
        int width = precision == OptimizerPrecision.Float64 ? System.Numerics.Vector<double>.Count : System.Numerics.Vector<float>.Count;
        int padded = (parameters + width - 1) / width * width;
        var names = new List<string>();
        var scalarNames = new List<string>();
        var scalars = new List<double>();
        var vectors = new List<Array>();
        foreach (var t in chain)
        {
            for (int k = 0; k < t.StateNames.Count; k++)
            {
                names.Add(Unique(names, $"{t.Name}.{t.StateNames[k]}"));
                double init = t.InitialValue(k);
                if (precision == OptimizerPrecision.Float64) vectors.Add(Filled(new double[padded], init));
                else vectors.Add(Filled(new float[padded], (float)init));
            }
            for (int k = 0; k < t.ScalarNames.Count; k++)
            {
                scalarNames.Add(Unique(scalarNames, $"{t.Name}.{t.ScalarNames[k]}"));
                scalars.Add(t.InitialScalar(k));
            }
        }
        _vectors = [.. vectors];
        _typed = precision == OptimizerPrecision.Float64 ? vectors.Cast<double[]>().ToArray() : vectors.Cast<float[]>().ToArray();
        VectorNames = names;
        ScalarNames = scalarNames;
        Scalars = [.. scalars];
    }

    private static string Unique(List<string> names, string name)
    {
        string candidate = name;
        for (int i = 2; names.Contains(candidate); i++) candidate = $"{name}#{i}";
        return candidate;
    }

    private static T[] Filled<T>(T[] v, T value) where T : INumber<T>
    {
        if (value != T.Zero) Array.Fill(v, value);
        return v;
    }

    /// <summary>The parameter count n (the vectors are padded beyond it to the SIMD width; the padding is not state).</summary>
    public int Parameters { get; }

    /// <summary>The element type of the per-parameter vectors.</summary>
    public OptimizerPrecision Precision { get; }

    /// <summary>Steps taken.</summary>
    public long Step { get; internal set; }

    /// <summary>The names of the per-parameter vectors in chain order ("scale_by_adam.m", "scale_by_adam.v" …).</summary>
    public IReadOnlyList<string> VectorNames { get; }

    /// <summary>The names of the scalar state values in chain order.</summary>
    public IReadOnlyList<string> ScalarNames { get; }

    /// <summary>The number of per-parameter vectors.</summary>
    public int VectorCount => _vectors.Length;

    /// <summary>Per-parameter vector <paramref name="k"/> (n entries) in the optimizer's element type.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not the optimizer's element type.</exception>
    public ReadOnlySpan<T> Vector<T>(int k) where T : unmanaged => Buffers<T>()[k].AsSpan(0, Parameters);

    /// <summary>The per-parameter vector called <paramref name="name"/> (see <see cref="VectorNames"/>).</summary>
    /// <exception cref="ArgumentException">No vector has that name.</exception>
    public ReadOnlySpan<T> Vector<T>(string name) where T : unmanaged
    {
        int k = VectorNames.ToList().IndexOf(name);
        return k >= 0 ? Vector<T>(k) : throw new ArgumentException($"The optimizer keeps no vector '{name}'; it keeps {string.Join(", ", VectorNames)}.", nameof(name));
    }

    /// <summary>The scalar state in chain order (always double).</summary>
    public ReadOnlySpan<double> ScalarValues => Scalars;

    internal double[] Scalars { get; }

    /// <summary>The padded buffers as <typeparamref name="T"/> arrays.</summary>
    internal T[][] Buffers<T>() => _typed as T[][] ??
        throw new InvalidOperationException($"The optimizer keeps {Precision} state, not {typeof(T).Name}.");

    /// <summary>Buffer <paramref name="k"/> as an untyped array (for checkpoints).</summary>
    internal Array Buffer(int k) => _vectors[k];
}
