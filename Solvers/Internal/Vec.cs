using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Optima.LinearAlgebra;

namespace Optima.Solvers.Internal;

/// <summary>
/// Small vector kernels used by the methods (nothing allocates). Reductions go through <see cref="Reproducible"/>'s
/// fixed order and element-wise updates are exact or fused, so every result is the same bits on every CPU.
/// </summary>
internal static unsafe class Vec
{
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => Reproducible.Dot(a, b);

    /// <summary>‖a‖₂ in the fixed order, without overflow or underflow (a gradient of x² + 1e155·y² has a finite norm).</summary>
    public static double Norm2(ReadOnlySpan<double> a) => Reproducible.Norm(a);

    // TensorPrimitives.MultiplyAdd rounds the product and the sum separately on every ISA (checked under the
    // DOTNET_EnableAVX512/AVX2/HWIntrinsic knobs), so it is exact-per-element and safe here.
    /// <summary>y ← y + a·x.</summary>
    public static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.MultiplyAdd(x, a, y, y);

    /// <summary>z ← x + a·y.</summary>
    public static void AddScaled(ReadOnlySpan<double> x, double a, ReadOnlySpan<double> y, Span<double> z) => TensorPrimitives.MultiplyAdd(y, a, x, z);

    /// <summary>x ← a·x.</summary>
    public static void Scale(Span<double> x, double a) => TensorPrimitives.Multiply(x, a, x);

    /// <summary>y ← −x.</summary>
    public static void Negate(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Negate(x, y);

    /// <summary>z ← x − y.</summary>
    public static void Subtract(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> z) => TensorPrimitives.Subtract(x, y, z);

    /// <summary>
    /// Adds sᵀg, yᵀg, sᵀz and yᵀz (each in <see cref="Reproducible"/>'s order) to the four sums, reading s and y once
    /// (the L-BFGS history pass is bandwidth-bound: s and y stream from memory, g and z are blocks in L1).
    /// </summary>
    public static void Dot4(ReadOnlySpan<double> s, ReadOnlySpan<double> y, ReadOnlySpan<double> g, ReadOnlySpan<double> z,
        ref double sg, ref double yg, ref double sz, ref double yz)
    {
        int n = s.Length;
        if (y.Length != n || g.Length != n || z.Length != n) throw new ArgumentException("Dot4: the vectors differ in length.");
        Reproducible.DotPair(s, g, z, out double t0, out double t2);
        Reproducible.DotPair(y, g, z, out double t1, out double t3);
        sg += t0;
        yg += t1;
        sz += t2;
        yz += t3;
    }

    /// <summary>sᵀs, sᵀy and yᵀy in one pass (each in <see cref="Reproducible"/>'s order).</summary>
    public static void Dot3(ReadOnlySpan<double> s, ReadOnlySpan<double> y, out double ss, out double sy, out double yy)
    {
        int n = s.Length;
        if (y.Length != n) throw new ArgumentException("Dot3: the vectors differ in length.");
        Reproducible.Dot3(s, y, out ss, out sy, out yy);
    }

    /// <summary>d ← d + a·x + b·y in one pass.</summary>
    public static void Axpy2(double a, ReadOnlySpan<double> x, double b, ReadOnlySpan<double> y, Span<double> d)
    {
        int n = d.Length;
        if (x.Length != n || y.Length != n) throw new ArgumentException("Axpy2: the vectors differ in length.");
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double ry = ref MemoryMarshal.GetReference(y);
        ref double rd = ref MemoryMarshal.GetReference(d);
        int width = Vector<double>.Count, i = 0;
        var va = new Vector<double>(a);
        var vb = new Vector<double>(b);
        for (; i <= n - width; i += width)
            Vector.FusedMultiplyAdd(vb, Load(ref ry, i), Vector.FusedMultiplyAdd(va, Load(ref rx, i), Load(ref rd, i))).StoreUnsafe(ref rd, (nuint)i);
        for (; i < n; i++)
            Unsafe.Add(ref rd, i) = Math.FusedMultiplyAdd(b, Unsafe.Add(ref ry, i), Math.FusedMultiplyAdd(a, Unsafe.Add(ref rx, i), Unsafe.Add(ref rd, i)));
    }

    private static Vector<double> Load(ref double r, int k) => Vector.LoadUnsafe(ref r, (nuint)k);

    /// <summary>True when every entry is finite (x·0 is 0 for finite x and NaN otherwise, so one vector pass decides).</summary>
    public static bool AllFinite<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector<T> a0 = Vector<T>.Zero, a1 = a0, a2 = a0, a3 = a0, zero = a0;
        int width = Vector<T>.Count, i, k = 0;
        var vectors = MemoryMarshal.Cast<T, Vector<T>>(x);
        for (; k + 4 <= vectors.Length; k += 4) // four independent chains: throughput-bound, not latency-bound
        {
            a0 += vectors[k] * zero;
            a1 += vectors[k + 1] * zero;
            a2 += vectors[k + 2] * zero;
            a3 += vectors[k + 3] * zero;
        }
        for (; k < vectors.Length; k++) a0 += vectors[k] * zero;
        var acc = (a0 + a1) + (a2 + a3);
        for (i = vectors.Length * width; i < x.Length; i++) if (!T.IsFinite(x[i])) return false;
        for (int j = 0; j < width; j++) if (acc[j] != T.Zero) return false;
        return true;
    }
}
