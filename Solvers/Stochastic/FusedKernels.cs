using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Optima.Solvers.Stochastic;

/// <summary>What a fused kernel needs besides its core rule.</summary>
/// <param name="State">The optimizer's state (float64 or float32 vectors).</param>
/// <param name="Core">Where the core transform's state vectors and constants start (vector index, constant index).</param>
/// <param name="L2">λ of an L2 decay before the core (0: none).</param>
/// <param name="Trace">A momentum trace after the core, or null.</param>
/// <param name="TraceAt">Where the trace's state vector and constants start.</param>
/// <param name="Decay">λ of a decoupled decay after the core and trace (0: none).</param>
/// <param name="ScaleByLearningRate">Whether the chain ends with −γ (otherwise θ ← θ + u, as after the heavy ball).</param>
internal sealed record KernelParts(OptimizerState State, (int Vector, int Constant) Core, double L2, Trace? Trace, (int Vector, int Constant) TraceAt,
    double Decay, bool ScaleByLearningRate);

/// <summary>Makes a core's rule for one step from its constants (the span <see cref="GradientTransform.Prepare{T}"/> wrote).</summary>
internal delegate TRule RuleFactory<TRule>(ReadOnlySpan<double> constants);

/// <summary>
/// Single-pass kernels, used by <see cref="ChainOptimizer"/> in place of the blocked chain when the chain has the shape
/// [L2 decay] → [core] → [momentum trace] → [decoupled decay] → [−γ] with a core that has a rule (Adam, AMSGrad,
/// AdaMax, NAdam, AdaBound, Adagrad, RMSProp plain or centred, Adadelta, the textbook heavy ball): SGD, momentum,
/// Nesterov and SGDW are the chains without a core, AdamW is Adam with the decoupled decay, RMSProp with momentum has
/// the trace. Each step reads the gradient, the parameters and the state once and writes the parameters and the state
/// once, running the very rule structs (Rules.cs) that the chain's transforms run, with the decays and the final step
/// as the chain does them (fused multiply-adds), so results are bit-identical to the chain. Options are compile-time
/// flags (generic struct arguments), so each combination is its own branch-free loop; the element type (double or
/// float) is one more generic argument of the same loop.
/// </summary>
/// <remarks>
/// The last partial vector runs zero-padded (the state vectors are padded to the SIMD width), as the chain runs its
/// last block, so there is no scalar copy of any formula.
/// </remarks>
internal abstract class FusedKernel
{
    /// <summary>
    /// Whether every entry of the gradient is finite, scanned from the last entry to the first: the step's update pass
    /// then starts on the entries the scan touched last, still in cache, so on a vector larger than the cache a step
    /// reads part of the gradient once from memory instead of twice (the refusal itself needs the whole scan first).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool AllFiniteBackward<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector<T> a0 = Vector<T>.Zero, a1 = a0, a2 = a0, a3 = a0, zero = a0;
        int width = Vector<T>.Count;
        var vectors = MemoryMarshal.Cast<T, Vector<T>>(x);
        for (int i = vectors.Length * width; i < x.Length; i++) if (!T.IsFinite(x[i])) return false;
        int k = vectors.Length;
        for (; k >= 4; k -= 4) // x·0 is 0 for a finite x and NaN otherwise; four independent chains
        {
            a0 += vectors[k - 1] * zero;
            a1 += vectors[k - 2] * zero;
            a2 += vectors[k - 3] * zero;
            a3 += vectors[k - 4] * zero;
        }
        for (; k > 0; k--) a0 += vectors[k - 1] * zero;
        return Vector.EqualsAll((a0 + a1) + (a2 + a3), Vector<T>.Zero);
    }

    /// <summary>A short description, e.g. "fused adam".</summary>
    public abstract string Name { get; }

    /// <summary>One update over the whole vectors (the gradient has been checked finite, the transforms are prepared).</summary>
    /// <param name="parameters">θ, updated in place.</param>
    /// <param name="gradient">g.</param>
    /// <param name="learningRate">γ.</param>
    /// <param name="constants">The optimizer's per-step constants of every transform.</param>
    public abstract void Run<T>(Span<T> parameters, ReadOnlySpan<T> gradient, double learningRate, ReadOnlySpan<double> constants)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The kernel for <paramref name="chain"/>, or null when the chain has no fused form.</summary>
    /// <param name="chain">The transforms.</param>
    /// <param name="state">The optimizer's state.</param>
    /// <param name="at">Each transform's first state vector and first constant.</param>
    public static FusedKernel? For(IReadOnlyList<GradientTransform> chain, OptimizerState state, IReadOnlyList<(int Vector, int Constant)> at)
    {
        int i = 0, end = chain.Count;
        if (end == 0) return null;
        bool lr = chain[end - 1] is ScaleByLearningRate;
        if (lr) end--;
        double l2 = 0, dec = 0;
        int core = -1, trace = -1;
        if (i < end && chain[i] is AddDecayedWeights a) { l2 = a.Lambda; i++; }
        if (i < end && chain[i] is not (Trace or AddDecayedWeights)) core = i++;
        if (i < end && chain[i] is Trace) trace = i++;
        if (i < end && chain[i] is AddDecayedWeights d) { dec = d.Lambda; i++; }
        if (i != end) return null;
        var t = trace >= 0 ? (Trace)chain[trace] : null;
        var parts = new KernelParts(state, core >= 0 ? at[core] : default, l2, t, trace >= 0 ? at[trace] : default, dec, lr);
        if (core >= 0) return chain[core].CreateKernel(parts);
        return Create(parts, t is null ? "sgd" : t.Nesterov ? "nesterov" : "momentum",
            static _ => default(NoRule<double>), static _ => default(NoRule<float>));
    }

    /// <summary>The kernel running a core rule (made afresh each step from the step's constants) in either precision.</summary>
    public static FusedKernel Create<TCore64, TCore32>(KernelParts parts, string name, RuleFactory<TCore64> rule64, RuleFactory<TCore32> rule32)
        where TCore64 : struct, IRule<double> where TCore32 : struct, IRule<float> =>
        new Kernel<TCore64, TCore32>(parts, parts.Trace is not null && name is not ("momentum" or "nesterov") ? $"fused {name} + momentum" : $"fused {name}",
            rule64, rule32);

    /// <summary>The broadcast constants of a step: L2 λ, decoupled λ and the final factor (−γ, or 1 without a learning-rate link).</summary>
    private readonly struct Constants<T>(double l2, double decay, double step) where T : IFloatingPointIeee754<T>
    {
        public readonly Vector<T> L2 = Simd.V<T>(l2), Decay = Simd.V<T>(decay), Step = Simd.V<T>(step);
    }

    private sealed class Kernel<TCore64, TCore32>(KernelParts parts, string name, RuleFactory<TCore64> rule64, RuleFactory<TCore32> rule32) : FusedKernel
        where TCore64 : struct, IRule<double> where TCore32 : struct, IRule<float>
    {
        public override string Name => name;

        public override void Run<T>(Span<T> parameters, ReadOnlySpan<T> gradient, double learningRate, ReadOnlySpan<double> constants)
        {
            var core = constants[parts.Core.Constant..];
            if (typeof(T) == typeof(double))
                Dispatch(MemoryMarshal.Cast<T, double>(parameters), MemoryMarshal.Cast<T, double>(gradient), parts.State.Buffers<double>(), rule64(core), learningRate, constants);
            else
                Dispatch(MemoryMarshal.Cast<T, float>(parameters), MemoryMarshal.Cast<T, float>(gradient), parts.State.Buffers<float>(), rule32(core), learningRate, constants);
        }

        /// <summary>Picks the loop for this step's options.</summary>
        private void Dispatch<T, TCore>(Span<T> p, ReadOnlySpan<T> g, T[][] state, in TCore core, double learningRate, ReadOnlySpan<double> constants)
            where T : unmanaged, IFloatingPointIeee754<T> where TCore : struct, IRule<T>
        {
            var k = new Constants<T>(parts.L2, parts.Decay, parts.ScaleByLearningRate ? -learningRate : 1.0);
            var trace = parts.Trace;
            if (trace is null)
            {
                WithPost(p, g, state, in k, in core, default(NoRule<T>));
                return;
            }
            switch (Trace.IsFirst(constants[parts.TraceAt.Constant..]), trace.Nesterov)
            {
                case (true, true): WithPost(p, g, state, in k, in core, trace.Rule<T, Yes, Yes>()); break;
                case (true, false): WithPost(p, g, state, in k, in core, trace.Rule<T, Yes, No>()); break;
                case (false, true): WithPost(p, g, state, in k, in core, trace.Rule<T, No, Yes>()); break;
                case (false, false): WithPost(p, g, state, in k, in core, trace.Rule<T, No, No>()); break;
            }
        }

        private void WithPost<T, TCore, TPost>(Span<T> p, ReadOnlySpan<T> g, T[][] state, in Constants<T> k, in TCore core, TPost post)
            where T : unmanaged, IFloatingPointIeee754<T> where TCore : struct, IRule<T> where TPost : struct, IRule<T>
        {
            switch (parts.L2 != 0, parts.Decay != 0)
            {
                case (false, false): Loop<T, TCore, TPost, No, No>(p, g, state, in k, in core, in post); break;
                case (true, false): Loop<T, TCore, TPost, Yes, No>(p, g, state, in k, in core, in post); break;
                case (false, true): Loop<T, TCore, TPost, No, Yes>(p, g, state, in k, in core, in post); break;
                case (true, true): Loop<T, TCore, TPost, Yes, Yes>(p, g, state, in k, in core, in post); break;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Loop<T, TCore, TPost, TL2, TDec>(Span<T> parameters, ReadOnlySpan<T> gradient, T[][] state, in Constants<T> k, in TCore core, in TPost post)
            where T : unmanaged, IFloatingPointIeee754<T> where TCore : struct, IRule<T> where TPost : struct, IRule<T> where TL2 : IFlag where TDec : IFlag
        {
            ref T p = ref MemoryMarshal.GetReference(parameters);
            ref T g = ref MemoryMarshal.GetReference(gradient);
            var c = StateRefs<T>.Of(TCore.States, state, parts.Core.Vector, ref p);
            ref T b = ref TPost.States > 0 ? ref MemoryMarshal.GetArrayDataReference(state[parts.TraceAt.Vector]) : ref p;
            int n = parameters.Length, w = Vector<T>.Count;
            nuint i = 0, end = (nuint)(n - n % w);
            for (; i < end; i += (nuint)w) Body<T, TCore, TPost, TL2, TDec>(in k, in core, in post, ref p, ref g, i, in c, ref b, i);
            if (end == (nuint)n) return;
            // The last partial vector, zero-padded like the chain's last block (the state vectors are padded already).
            Span<T> tail = stackalloc T[2 * Vector<T>.Count];
            tail.Clear();
            parameters[(int)end..].CopyTo(tail);
            gradient[(int)end..].CopyTo(tail[w..]);
            Body<T, TCore, TPost, TL2, TDec>(in k, in core, in post, ref tail[0], ref tail[w], 0, in c, ref b, end);
            tail[..(n - (int)end)].CopyTo(parameters[(int)end..]);
        }

        /// <summary>θ ← θ + step·dec(post(core(l2(g)))) on one vector of entries (parameters at i, state at si).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Body<T, TCore, TPost, TL2, TDec>(in Constants<T> k, in TCore core, in TPost post, ref T p, ref T g, nuint i, in StateRefs<T> c, ref T b, nuint si)
            where T : unmanaged, IFloatingPointIeee754<T> where TCore : struct, IRule<T> where TPost : struct, IRule<T> where TL2 : IFlag where TDec : IFlag
        {
            Lanes<T> cs = default, bs = default;
            Lane.Load<T, TCore>(ref cs, in c, si);
            if (TPost.States > 0) bs.S0 = Vector.LoadUnsafe(ref b, si);
            var th = Vector.LoadUnsafe(ref p, i);
            var u = Vector.LoadUnsafe(ref g, i);
            if (TL2.On) u = Simd.Fma(th, k.L2, u);
            u = post.Apply(core.Apply(u, ref cs), ref bs);
            if (TDec.On) u = Simd.Fma(th, k.Decay, u);
            Simd.Fma(u, k.Step, th).StoreUnsafe(ref p, i);
            Lane.Store<T, TCore>(in cs, in c, si);
            if (TPost.States > 0) bs.S0.StoreUnsafe(ref b, si);
        }
    }
}
