using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Optima.Solvers.Internal;

/// <summary>Small vector kernels used by the methods (SIMD through TensorPrimitives; nothing allocates).</summary>
internal static class Vec
{
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => TensorPrimitives.Dot(a, b);

    public static double Norm2(ReadOnlySpan<double> a) => TensorPrimitives.Norm(a);

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
    /// dst ← scale·(src + a·x), and returns z·dst (0 when z is empty) — one pass over memory where an axpy followed
    /// by a dot would take two (the L-BFGS two-loop recursion is bandwidth-bound). src may be dst.
    /// </summary>
    public static double ScaleAxpyDot(double scale, double a, ReadOnlySpan<double> x, ReadOnlySpan<double> src, Span<double> dst, ReadOnlySpan<double> z)
    {
        int n = dst.Length;
        if (x.Length != n || src.Length != n || (!z.IsEmpty && z.Length != n))
            throw new ArgumentException("ScaleAxpyDot: the vectors differ in length.");
        bool withDot = !z.IsEmpty;
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double rs = ref MemoryMarshal.GetReference(src);
        ref double rd = ref MemoryMarshal.GetReference(dst);
        ref double rz = ref MemoryMarshal.GetReference(z);
        int width = Vector<double>.Count, i = 0;
        var va = new Vector<double>(a);
        var vscale = new Vector<double>(scale);
        Vector<double> acc0 = Vector<double>.Zero, acc1 = Vector<double>.Zero;
        for (; i <= n - 2 * width; i += 2 * width)
        {
            var t0 = Vector.Multiply(Vector.FusedMultiplyAdd(va, Load(ref rx, i), Load(ref rs, i)), vscale);
            var t1 = Vector.Multiply(Vector.FusedMultiplyAdd(va, Load(ref rx, i + width), Load(ref rs, i + width)), vscale);
            Store(t0, ref rd, i);
            Store(t1, ref rd, i + width);
            if (withDot)
            {
                acc0 = Vector.FusedMultiplyAdd(Load(ref rz, i), t0, acc0);
                acc1 = Vector.FusedMultiplyAdd(Load(ref rz, i + width), t1, acc1);
            }
        }
        double sum = Vector.Sum(acc0 + acc1);
        for (; i < n; i++)
        {
            double t = scale * Math.FusedMultiplyAdd(a, Unsafe.Add(ref rx, i), Unsafe.Add(ref rs, i));
            Unsafe.Add(ref rd, i) = t;
            if (withDot) sum = Math.FusedMultiplyAdd(Unsafe.Add(ref rz, i), t, sum);
        }
        return sum;

        static Vector<double> Load(ref double r, int k) => Vector.LoadUnsafe(ref r, (nuint)k);
        static void Store(Vector<double> v, ref double r, int k) => v.StoreUnsafe(ref r, (nuint)k);
    }

    public static bool AllFinite(ReadOnlySpan<double> x)
    {
        foreach (double v in x)
            if (!double.IsFinite(v)) return false;
        return true;
    }
}
