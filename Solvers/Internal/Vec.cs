using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Optima.Solvers.Internal;

/// <summary>Small vector kernels used by the methods (SIMD through TensorPrimitives; nothing allocates).</summary>
internal static class Vec
{
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => TensorPrimitives.Dot(a, b);

    /// <summary>
    /// ‖a‖₂ without overflow or underflow: the one-pass sum of squares overflows for entries beyond ~1e154 (a gradient
    /// of x² + 1e155·y² has norm ∞ and a first step 1/‖g‖ of 0) and underflows below ~1e-154; only then is the sum
    /// redone scaled by the largest entry, so ordinary vectors keep the one SIMD pass and its bits.
    /// </summary>
    public static double Norm2(ReadOnlySpan<double> a)
    {
        double n = TensorPrimitives.Norm(a);
        if (n < 1e150 && (n > 1e-150 || n == 0 && TensorPrimitives.MaxMagnitude(a) == 0)) return n;
        if (a.Length == 0) return 0;
        double m = MaxAbs(a);
        if (m == 0 || !double.IsFinite(m)) return m; // 0, ∞ or NaN, as the plain sum gives
        double s = 0;
        foreach (double v in a)
        {
            double r = v / m;
            s += r * r;
        }
        return m * Math.Sqrt(s);
    }

    public static double MaxAbs(ReadOnlySpan<double> a)
    {
        double m = 0;
        foreach (double v in a)
        {
            double b = Math.Abs(v);
            if (b > m || double.IsNaN(b)) m = b;
        }
        return m;
    }

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
    /// Adds sᵀg, yᵀg, sᵀz and yᵀz to the four sums in one pass that reads each vector once (the L-BFGS history pass is
    /// bandwidth-bound: s and y stream from memory, g and z are blocks in L1).
    /// </summary>
    public static void Dot4(ReadOnlySpan<double> s, ReadOnlySpan<double> y, ReadOnlySpan<double> g, ReadOnlySpan<double> z,
        ref double sg, ref double yg, ref double sz, ref double yz)
    {
        int n = s.Length;
        if (y.Length != n || g.Length != n || z.Length != n) throw new ArgumentException("Dot4: the vectors differ in length.");
        ref double rs = ref MemoryMarshal.GetReference(s);
        ref double ry = ref MemoryMarshal.GetReference(y);
        ref double rg = ref MemoryMarshal.GetReference(g);
        ref double rz = ref MemoryMarshal.GetReference(z);
        int width = Vector<double>.Count, i = 0;
        Vector<double> a0 = default, a1 = default, a2 = default, a3 = default;
        for (; i <= n - width; i += width)
        {
            Vector<double> vs = Load(ref rs, i), vy = Load(ref ry, i), vg = Load(ref rg, i), vz = Load(ref rz, i);
            a0 = Vector.FusedMultiplyAdd(vs, vg, a0);
            a1 = Vector.FusedMultiplyAdd(vy, vg, a1);
            a2 = Vector.FusedMultiplyAdd(vs, vz, a2);
            a3 = Vector.FusedMultiplyAdd(vy, vz, a3);
        }
        double t0 = Vector.Sum(a0), t1 = Vector.Sum(a1), t2 = Vector.Sum(a2), t3 = Vector.Sum(a3);
        for (; i < n; i++)
        {
            double si = Unsafe.Add(ref rs, i), yi = Unsafe.Add(ref ry, i), gi = Unsafe.Add(ref rg, i), zi = Unsafe.Add(ref rz, i);
            t0 += si * gi;
            t1 += yi * gi;
            t2 += si * zi;
            t3 += yi * zi;
        }
        sg += t0;
        yg += t1;
        sz += t2;
        yz += t3;
    }

    /// <summary>sᵀs, sᵀy and yᵀy in one pass.</summary>
    public static void Dot3(ReadOnlySpan<double> s, ReadOnlySpan<double> y, out double ss, out double sy, out double yy)
    {
        int n = s.Length;
        if (y.Length != n) throw new ArgumentException("Dot3: the vectors differ in length.");
        ref double rs = ref MemoryMarshal.GetReference(s);
        ref double ry = ref MemoryMarshal.GetReference(y);
        int width = Vector<double>.Count, i = 0;
        Vector<double> a0 = default, a1 = default, a2 = default;
        for (; i <= n - width; i += width)
        {
            Vector<double> vs = Load(ref rs, i), vy = Load(ref ry, i);
            a0 = Vector.FusedMultiplyAdd(vs, vs, a0);
            a1 = Vector.FusedMultiplyAdd(vs, vy, a1);
            a2 = Vector.FusedMultiplyAdd(vy, vy, a2);
        }
        ss = Vector.Sum(a0);
        sy = Vector.Sum(a1);
        yy = Vector.Sum(a2);
        for (; i < n; i++)
        {
            double si = Unsafe.Add(ref rs, i), yi = Unsafe.Add(ref ry, i);
            ss += si * si;
            sy += si * yi;
            yy += yi * yi;
        }
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
