using System.Numerics.Tensors;

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

    public static bool AllFinite(ReadOnlySpan<double> x)
    {
        foreach (double v in x)
            if (!double.IsFinite(v)) return false;
        return true;
    }
}
