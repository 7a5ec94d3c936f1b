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
/// <para>The chain runs block by block: for each block of parameters (a few thousand) every transform is applied in
/// turn on the block's update, which stays in the L1 cache, so the whole chain makes one pass over main memory
/// (gradient, parameters and state are each read and written once per step) while each transform stays a small
/// separate piece of code.</para>
/// <para><see cref="Apply(Span{double}, ReadOnlySpan{double}, int)"/> receives spans whose length is a multiple of <see cref="Vector{T}.Count"/> (the last
/// block is zero-padded), so implementations are pure vector loops with no scalar tail. State lives in the
/// optimizer's <see cref="OptimizerState"/> (plain arrays), never in the transform, so save/restore is exact.</para>
/// </remarks>
public abstract class GradientTransform
{
    private OptimizerState? _state;
    private int _vectorBase, _scalarBase;

    /// <summary>A short name for messages, e.g. "scale_by_adam".</summary>
    public abstract string Name { get; }

    /// <summary>Number of per-parameter state vectors the transform keeps (moments, accumulators). Default 0.</summary>
    public virtual int VectorCount => 0;

    /// <summary>Number of scalar state values (e.g. NAdam's running product of μ). Default 0.</summary>
    public virtual int ScalarCount => 0;

    /// <summary>The initial value of every entry of state vector <paramref name="k"/>. Default 0.</summary>
    public virtual double InitialVectorValue(int k) => 0.0;

    /// <summary>The initial value of scalar <paramref name="k"/>. Default 0.</summary>
    public virtual double InitialScalar(int k) => 0.0;

    /// <summary>
    /// True when the transform needs a reduction over the whole gradient before the block pass (clipping by global
    /// norm). Such a transform must come first in its chain, where its input is the raw gradient.
    /// </summary>
    public virtual bool NeedsWholeGradient => false;

    /// <summary>Called once per step before the block pass with the 1-based step number t and the learning rate γ in force.</summary>
    /// <param name="step">t ≥ 1.</param>
    /// <param name="learningRate">γ for this step (after any schedule).</param>
    /// <param name="gradient">The whole raw gradient (meaningful to a transform only when it is first in the chain).</param>
    public virtual void BeginStep(long step, double learningRate, ReadOnlySpan<double> gradient)
    {
    }

    /// <summary>
    /// <see cref="BeginStep(long, double, ReadOnlySpan{double})"/> for a float32 step. The default passes an empty
    /// gradient on, which is right for every transform that does not need the whole gradient; one that does
    /// (<see cref="NeedsWholeGradient"/>) must override this to support float32 and otherwise throws
    /// <see cref="NotSupportedException"/>.
    /// </summary>
    /// <param name="step">t ≥ 1.</param>
    /// <param name="learningRate">γ for this step (after any schedule).</param>
    /// <param name="gradient">The whole raw float32 gradient.</param>
    public virtual void BeginStep(long step, double learningRate, ReadOnlySpan<float> gradient)
    {
        if (NeedsWholeGradient)
            throw new NotSupportedException($"The transform {Name} needs the whole gradient and has no float32 form; use float64 parameters.");
        BeginStep(step, learningRate, ReadOnlySpan<double>.Empty);
    }

    /// <summary>Transforms the update of one block in place (in double precision also when the optimizer keeps float32 state: the block's state is then widened into double scratch around the call).</summary>
    /// <param name="update">The block's update (length a multiple of <see cref="Vector{T}.Count"/>).</param>
    /// <param name="parameters">The block's current parameters θ (same length).</param>
    /// <param name="offset">Index of the block's first parameter, for <see cref="StateVector"/>.</param>
    public abstract void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset);

    /// <summary>
    /// Transforms the update of one block of a float32 optimizer in place (float32 state). The built-in transforms compute
    /// in float, as PyTorch does for float tensors. The default widens the block (update, parameters and this transform's
    /// state block) into double scratch, runs <see cref="Apply(Span{double}, ReadOnlySpan{double}, int)"/> — so a custom
    /// transform works in float32 unchanged, computing in double — and rounds the update and state back to float.
    /// </summary>
    /// <param name="update">The block's update (length a multiple of <see cref="Vector{T}.Count"/> of double).</param>
    /// <param name="parameters">The block's current parameters θ (same length).</param>
    /// <param name="offset">Index of the block's first parameter, for <see cref="SingleStateVector"/>.</param>
    public virtual void Apply(Span<float> update, ReadOnlySpan<float> parameters, int offset)
    {
        var state = Bound;
        var scratch = state.Scratch ?? throw new InvalidOperationException($"The transform {Name} is not part of a float32 optimizer.");
        int n = update.Length;
        Span<double> u = scratch[^2].AsSpan(0, n), p = scratch[^1].AsSpan(0, n);
        Lane.Widen(update, u);
        Lane.Widen(parameters, p);
        for (int k = 0; k < VectorCount; k++) Lane.Widen(SingleStateVector(k, offset, n), scratch[_vectorBase + k]);
        state.ScratchBase = offset;
        try
        {
            Apply(u, p, offset);
        }
        finally
        {
            state.ScratchBase = -1;
        }
        Lane.Narrow(u, update);
        for (int k = 0; k < VectorCount; k++) Lane.Narrow(scratch[_vectorBase + k].AsSpan(0, n), SingleStateVector(k, offset, n));
    }

    internal void Bind(OptimizerState state, int vectorBase, int scalarBase)
    {
        _state = state;
        _vectorBase = vectorBase;
        _scalarBase = scalarBase;
    }

    /// <summary>
    /// The block [offset, offset + length) of float64 state vector <paramref name="k"/> (in a float32 optimizer: a double
    /// copy of the block, valid inside the default float <see cref="Apply(Span{float}, ReadOnlySpan{float}, int)"/>).
    /// </summary>
    protected Span<double> StateVector(int k, int offset, int length) => Bound.Block(_vectorBase + k, offset, length);

    /// <summary>The block [offset, offset + length) of float32 state vector <paramref name="k"/>.</summary>
    protected Span<float> SingleStateVector(int k, int offset, int length) =>
        Bound.Precision == OptimizerPrecision.Float32
            ? Bound.SingleVectors[_vectorBase + k].AsSpan(offset, length)
            : throw new InvalidOperationException($"The transform {Name} belongs to a float64 optimizer; use StateVector.");

    /// <summary>The index of this transform's first state vector in the optimizer's state.</summary>
    internal int VectorBase => _vectorBase;

    /// <summary>Runs a rule's arithmetic over the block (the chain path of the built-in transforms).</summary>
    private protected void ApplyRule<T, TRule>(in TRule rule, Span<T> update, int offset) where T : unmanaged where TRule : struct, IRule<T>
    {
        int n = update.Length, k = TRule.States;
        Lane.Apply<T, TRule>(rule, update, k > 0 ? Block<T>(0, offset, n) : default, k > 1 ? Block<T>(1, offset, n) : default,
            k > 2 ? Block<T>(2, offset, n) : default);
    }

    private Span<T> Block<T>(int k, int offset, int length) where T : unmanaged =>
        typeof(T) == typeof(double) ? MemoryMarshal.Cast<double, T>(StateVector(k, offset, length)) : MemoryMarshal.Cast<float, T>(SingleStateVector(k, offset, length));

    /// <summary>
    /// The single-pass kernel for a chain whose core (the one transform between the optional L2 decay and the optional
    /// momentum trace, decoupled decay and learning rate) is this transform, or null when it has no fused form.
    /// </summary>
    internal virtual FusedKernel? CreateKernel(KernelParts parts) => null;

    /// <summary>Scalar state <paramref name="k"/>, by reference.</summary>
    protected ref double StateScalar(int k) => ref Bound.Scalars[_scalarBase + k];

    private OptimizerState Bound => _state ?? throw new InvalidOperationException($"The transform {Name} is not part of an optimizer.");

    /// <summary>Reinterprets a span of doubles (length a multiple of the vector width) as vectors.</summary>
    protected static Span<Vector<double>> AsVectors(Span<double> s) => MemoryMarshal.Cast<double, Vector<double>>(s);

    /// <summary>Reinterprets a read-only span of doubles as vectors.</summary>
    protected static ReadOnlySpan<Vector<double>> AsVectors(ReadOnlySpan<double> s) => MemoryMarshal.Cast<double, Vector<double>>(s);

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
