using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Optima.Solvers.Stochastic;

// The machinery of the per-entry arithmetic of the built-in transforms. Each optimizer's file holds its rule struct
// (IRule); a transform's blocked Apply (the chain path) and every fused kernel (FusedKernels.cs) run the same rule
// struct, so the two paths do the same floating-point operations in the same order and give the same bits. Each rule is generic in the element type T (double or float): float32
// optimizers compute in float, as PyTorch does for float tensors, with the constants rounded to float.

/// <summary>The state of one SIMD vector of entries a rule reads and updates (only its first <see cref="IRule{T}.States"/> fields).</summary>
internal struct Lanes<T>
{
    public Vector<T> S0, S1, S2;
}

/// <summary>One transform's arithmetic on one SIMD vector: returns the new update and updates its state lanes in place.</summary>
internal interface IRule<T>
{
    /// <summary>How many per-parameter state vectors the rule keeps (0 to 3), in the order of the transform's state vectors.</summary>
    static abstract int States { get; }

    Vector<T> Apply(Vector<T> g, ref Lanes<T> s);
}

/// <summary>Broadcasts and fused multiply-add for T = double or float (the type tests fold away when the JIT specialises).</summary>
internal static class Simd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> V<T>(double x) where T : IFloatingPointIeee754<T> => new(T.CreateTruncating(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Fma<T>(Vector<T> a, Vector<T> b, Vector<T> c)
    {
        if (typeof(T) == typeof(double))
            return Vector.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        if (typeof(T) == typeof(float))
            return Vector.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        throw new NotSupportedException(typeof(T).Name);
    }
}

/// <summary>A compile-time flag (a generic struct argument), so each combination of options is its own branch-free loop.</summary>
internal interface IFlag
{
    static abstract bool On { get; }
}

internal readonly struct Yes : IFlag
{
    public static bool On => true;
}

internal readonly struct No : IFlag
{
    public static bool On => false;
}

/// <summary>u ← u (plain SGD has no core).</summary>
internal readonly struct NoRule<T> : IRule<T>
{
    public static int States => 0;

    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s) => g;
}

/// <summary>References to the state vectors of one rule (unused ones point anywhere valid and are never touched).</summary>
internal ref struct StateRefs<T>
{
    public ref T A0;
    public ref T A1;
    public ref T A2;

    public StateRefs(ref T a0, ref T a1, ref T a2)
    {
        A0 = ref a0;
        A1 = ref a1;
        A2 = ref a2;
    }

    /// <summary>The first <paramref name="count"/> of <paramref name="vectors"/> from index <paramref name="first"/>.</summary>
    public static StateRefs<T> Of(int count, T[][] vectors, int first, ref T fallback) => new(
        ref count > 0 ? ref MemoryMarshal.GetArrayDataReference(vectors[first]) : ref fallback,
        ref count > 1 ? ref MemoryMarshal.GetArrayDataReference(vectors[first + 1]) : ref fallback,
        ref count > 2 ? ref MemoryMarshal.GetArrayDataReference(vectors[first + 2]) : ref fallback);
}

/// <summary>Loading and storing a rule's state lanes, running a rule over a block, widening and narrowing.</summary>
internal static class Lane
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load<T, TRule>(ref Lanes<T> s, in StateRefs<T> a, nuint i) where TRule : IRule<T>
    {
        if (TRule.States > 0) s.S0 = Vector.LoadUnsafe(ref a.A0, i);
        if (TRule.States > 1) s.S1 = Vector.LoadUnsafe(ref a.A1, i);
        if (TRule.States > 2) s.S2 = Vector.LoadUnsafe(ref a.A2, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T, TRule>(in Lanes<T> s, in StateRefs<T> a, nuint i) where TRule : IRule<T>
    {
        if (TRule.States > 0) s.S0.StoreUnsafe(ref a.A0, i);
        if (TRule.States > 1) s.S1.StoreUnsafe(ref a.A1, i);
        if (TRule.States > 2) s.S2.StoreUnsafe(ref a.A2, i);
    }

    /// <summary>Runs <paramref name="rule"/> over a block's update in place with the block's state spans (the chain path).</summary>
    /// <remarks>Spans of state the rule does not keep may be empty; they are never read.</remarks>
    public static void Apply<T, TRule>(in TRule rule, Span<T> update, Span<T> s0, Span<T> s1, Span<T> s2) where TRule : struct, IRule<T>
    {
        ref T u = ref MemoryMarshal.GetReference(update);
        var a = new StateRefs<T>(ref MemoryMarshal.GetReference(s0), ref MemoryMarshal.GetReference(s1), ref MemoryMarshal.GetReference(s2));
        Lanes<T> s = default;
        nuint n = (nuint)update.Length, w = (nuint)Vector<T>.Count;
        for (nuint i = 0; i < n; i += w)
        {
            Load<T, TRule>(ref s, in a, i);
            rule.Apply(Vector.LoadUnsafe(ref u, i), ref s).StoreUnsafe(ref u, i);
            Store<T, TRule>(in s, in a, i);
        }
    }

    /// <summary>Widens <paramref name="source"/> into <paramref name="destination"/> (the same length or longer).</summary>
    public static void Widen(ReadOnlySpan<float> source, Span<double> destination)
    {
        int n = source.Length, w = Vector<float>.Count, i = 0;
        ref float s = ref MemoryMarshal.GetReference(source);
        ref double d = ref MemoryMarshal.GetReference(destination[..n]);
        for (; i <= n - w; i += w)
        {
            Vector.Widen(Vector.LoadUnsafe(ref s, (nuint)i), out var lo, out var hi);
            lo.StoreUnsafe(ref d, (nuint)i);
            hi.StoreUnsafe(ref d, (nuint)(i + w / 2));
        }
        for (; i < n; i++) destination[i] = source[i];
    }
}
