using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Optima.Solvers.Stochastic;

// The per-entry arithmetic of the built-in transforms, written once. A transform's blocked Apply (the chain path) and
// every fused kernel (FusedKernels.cs) run the same rule struct, so the two paths do the same floating-point operations
// in the same order and give the same bits. Each rule is generic in the element type T (double or float): float32
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

/// <summary>Adam / AMSGrad (<see cref="ScaleByAdam"/>): S0 = m, S1 = v, S2 = running max of v.</summary>
internal readonly struct AdamRule<T, TAms>(double b1, double b2, double eps, double c1, double c2) : IRule<T> where T : IFloatingPointIeee754<T> where TAms : IFlag
{
    private readonly Vector<T> _b1 = Simd.V<T>(b1), _b2 = Simd.V<T>(b2), _a1 = Simd.V<T>(1 - b1), _a2 = Simd.V<T>(1 - b2), _c1 = Simd.V<T>(c1), _c2 = Simd.V<T>(c2), _eps = Simd.V<T>(eps);

    public static int States => TAms.On ? 3 : 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s)
    {
        var m = s.S0 = Simd.Fma(_b1, s.S0, _a1 * g);
        var v = s.S1 = Simd.Fma(_b2, s.S1, _a2 * g * g);
        if (TAms.On) v = s.S2 = Vector.Max(s.S2, v);
        return m * _c1 / Simd.Fma(Vector.SquareRoot(v), _c2, _eps);
    }
}

/// <summary>AdaMax (<see cref="ScaleByAdamax"/>): S0 = m, S1 = the infinity norm u.</summary>
internal readonly struct AdamaxRule<T>(double b1, double b2, double eps, double c1) : IRule<T> where T : IFloatingPointIeee754<T>
{
    private readonly Vector<T> _b1 = Simd.V<T>(b1), _a1 = Simd.V<T>(1 - b1), _b2 = Simd.V<T>(b2), _c1 = Simd.V<T>(c1), _eps = Simd.V<T>(eps);

    public static int States => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s)
    {
        var m = s.S0 = Simd.Fma(_b1, s.S0, _a1 * g);
        var u = s.S1 = Vector.Max(_b2 * s.S1, Vector.Abs(g) + _eps);
        return m * _c1 / u;
    }
}

/// <summary>NAdam (<see cref="ScaleByNadam"/>): S0 = m, S1 = v.</summary>
internal readonly struct NadamRule<T>(double b1, double b2, double eps, double cm, double cg, double c2) : IRule<T> where T : IFloatingPointIeee754<T>
{
    private readonly Vector<T> _b1 = Simd.V<T>(b1), _b2 = Simd.V<T>(b2), _a1 = Simd.V<T>(1 - b1), _a2 = Simd.V<T>(1 - b2), _cm = Simd.V<T>(cm), _cg = Simd.V<T>(cg), _c2 = Simd.V<T>(c2), _eps = Simd.V<T>(eps);

    public static int States => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s)
    {
        var m = s.S0 = Simd.Fma(_b1, s.S0, _a1 * g);
        var v = s.S1 = Simd.Fma(_b2, s.S1, _a2 * g * g);
        return Simd.Fma(_cm, m, _cg * g) / Simd.Fma(Vector.SquareRoot(v), _c2, _eps);
    }
}

/// <summary>AdaBound (<see cref="ScaleByAdaBound"/>): S0 = m, S1 = v.</summary>
internal readonly struct AdaBoundRule<T>(double b1, double b2, double eps, double c, double lo, double hi) : IRule<T> where T : IFloatingPointIeee754<T>
{
    private readonly Vector<T> _b1 = Simd.V<T>(b1), _b2 = Simd.V<T>(b2), _a1 = Simd.V<T>(1 - b1), _a2 = Simd.V<T>(1 - b2), _c = Simd.V<T>(c), _lo = Simd.V<T>(lo), _hi = Simd.V<T>(hi), _eps = Simd.V<T>(eps);

    public static int States => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s)
    {
        var m = s.S0 = Simd.Fma(_b1, s.S0, _a1 * g);
        var v = s.S1 = Simd.Fma(_b2, s.S1, _a2 * g * g);
        return Vector.Min(Vector.Max(_c / (Vector.SquareRoot(v) + _eps), _lo), _hi) * m;
    }
}

/// <summary>Adagrad (<see cref="ScaleByAdagrad"/>): S0 = the sum of squares.</summary>
internal readonly struct AdagradRule<T>(double scale, double eps) : IRule<T> where T : IFloatingPointIeee754<T>
{
    private readonly Vector<T> _scale = Simd.V<T>(scale), _eps = Simd.V<T>(eps);

    public static int States => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s)
    {
        var sum = s.S0 = Simd.Fma(g, g, s.S0);
        return g * _scale / (Vector.SquareRoot(sum) + _eps);
    }
}

/// <summary>RMSProp, plain or centred (<see cref="ScaleByRms"/>): S0 = mean square, S1 = mean gradient (centred only).</summary>
internal readonly struct RmsRule<T, TCentred>(double alpha, double eps) : IRule<T> where T : IFloatingPointIeee754<T> where TCentred : IFlag
{
    private readonly Vector<T> _al = Simd.V<T>(alpha), _a1 = Simd.V<T>(1 - alpha), _eps = Simd.V<T>(eps);

    public static int States => TCentred.On ? 2 : 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s)
    {
        var v = s.S0 = Simd.Fma(_al, s.S0, _a1 * g * g);
        if (!TCentred.On) return g / (Vector.SquareRoot(v) + _eps);
        var mean = s.S1 = Simd.Fma(_al, s.S1, _a1 * g);
        return g / (Vector.SquareRoot(Simd.Fma(-mean, mean, v)) + _eps);
    }
}

/// <summary>Adadelta (<see cref="ScaleByAdadelta"/>): S0 = mean square gradient, S1 = mean square step.</summary>
internal readonly struct AdadeltaRule<T>(double rho, double eps) : IRule<T> where T : IFloatingPointIeee754<T>
{
    private readonly Vector<T> _rho = Simd.V<T>(rho), _r1 = Simd.V<T>(1 - rho), _eps = Simd.V<T>(eps);

    public static int States => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s)
    {
        var v = s.S0 = Simd.Fma(_rho, s.S0, _r1 * g * g);
        var delta = Vector.SquareRoot((s.S1 + _eps) / (v + _eps)) * g; // one square root, not two: sqrt-throughput-bound otherwise
        s.S1 = Simd.Fma(_rho, s.S1, _r1 * delta * delta);
        return delta;
    }
}

/// <summary>The textbook heavy ball (<see cref="HeavyBall"/>): S0 = the velocity v ← βv − γg, which is the update.</summary>
internal readonly struct HeavyBallRule<T>(double beta, double learningRate) : IRule<T> where T : IFloatingPointIeee754<T>
{
    private readonly Vector<T> _beta = Simd.V<T>(beta), _minusLr = Simd.V<T>(-learningRate);

    public static int States => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s) => s.S0 = Simd.Fma(_beta, s.S0, _minusLr * g);
}

/// <summary>PyTorch's momentum buffer (<see cref="Trace"/>): S0 = b; the first step stores b = g.</summary>
internal readonly struct TraceRule<T, TFirst, TNesterov>(double mu, double keep) : IRule<T> where T : IFloatingPointIeee754<T> where TFirst : IFlag where TNesterov : IFlag
{
    private readonly Vector<T> _mu = Simd.V<T>(mu), _keep = Simd.V<T>(keep);

    public static int States => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Apply(Vector<T> g, ref Lanes<T> s)
    {
        var b = s.S0 = TFirst.On ? g : Simd.Fma(_mu, s.S0, _keep * g);
        return TNesterov.On ? Simd.Fma(_mu, b, g) : b;
    }
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

    /// <summary>Rounds <paramref name="source"/> to the nearest floats (as <see cref="Vector.Narrow(Vector{double}, Vector{double})"/> does).</summary>
    public static void Narrow(ReadOnlySpan<double> source, Span<float> destination)
    {
        int n = source.Length, w = Vector<float>.Count, i = 0;
        ref double s = ref MemoryMarshal.GetReference(source);
        ref float d = ref MemoryMarshal.GetReference(destination[..n]);
        for (; i <= n - w; i += w)
            Vector.Narrow(Vector.LoadUnsafe(ref s, (nuint)i), Vector.LoadUnsafe(ref s, (nuint)(i + w / 2))).StoreUnsafe(ref d, (nuint)i);
        for (; i < n; i++) destination[i] = (float)source[i];
    }
}
