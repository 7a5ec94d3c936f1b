using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using Optima.LinearAlgebra.Kernels;

namespace Optima.LinearAlgebra.Factorizations;

/// <summary>Householder reflector helpers shared by the QR factorizations (LAPACK dlarfg/dlarf/dlarft conventions).</summary>
internal static unsafe class Householder
{
    /// <summary>‖x‖₂ without spurious overflow or underflow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double Norm(int n, double* x)
    {
        if (n <= 0) return 0.0;
        var span = new ReadOnlySpan<double>(x, n);
        double s = Math.Sqrt(Reproducible.SumOfSquares(span));
        if (double.IsFinite(s) && s > 1e-140) return s;
        double scale = Math.Abs(TensorPrimitives.MaxMagnitude(span));
        if (scale == 0.0 || !double.IsFinite(scale)) return scale;
        double sum = 0;
        for (int i = 0; i < n; i++) { double t = x[i] / scale; sum += t * t; }
        return scale * Math.Sqrt(sum);
    }

    /// <summary>
    /// Generates H = I − τ·v·vᵀ with v = [1; x'] such that H·[α; x] = [β; 0]: overwrites *alpha with β and x with
    /// the tail of v; returns τ (0 when x is already zero).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double Generate(int n, double* alpha, double* x)
    {
        double xnorm = Norm(n, x);
        if (xnorm == 0.0) return 0.0;
        double a = *alpha;
        double beta = -Math.CopySign(Hypot(a, xnorm), a);
        double tau = (beta - a) / beta;
        Dense.Scale(n, 1.0 / (a - beta), x);
        *alpha = beta;
        return tau;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Hypot(double a, double b)
    {
        a = Math.Abs(a); b = Math.Abs(b);
        double big = Math.Max(a, b), small = Math.Min(a, b);
        if (big == 0) return 0;
        double r = small / big;
        return big * Math.Sqrt(1 + r * r);
    }

    /// <summary>Applies H = I − τ·v·vᵀ (v = [1; vTail], length n) from the left to the n-vector c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Apply(int n, double tau, double* vTail, double* c)
    {
        if (tau == 0.0) return;
        double w = c[0] + Dense.Dot(n - 1, vTail, c + 1);
        double tw = tau * w;
        c[0] -= tw;
        Dense.Axpy(n - 1, -tw, vTail, c + 1);
    }

    /// <summary>y ← Qᵀ·y, Q = H₀·H₁⋯ given by the packed reflectors below the diagonal of <paramref name="packed"/>.</summary>
    internal static void ApplyQTranspose(DenseMatrix packed, ReadOnlySpan<double> tau, Span<double> y)
    {
        int m = packed.Rows;
        fixed (double* a = packed.Data, py = y)
            for (int i = 0; i < tau.Length; i++)
                Apply(m - i, tau[i], a + i + 1 + (long)i * m, py + i);
    }

    /// <summary>y ← Q·y for the packed reflectors of <paramref name="packed"/>.</summary>
    internal static void ApplyQ(DenseMatrix packed, ReadOnlySpan<double> tau, Span<double> y)
    {
        int m = packed.Rows;
        fixed (double* a = packed.Data, py = y)
            for (int i = tau.Length - 1; i >= 0; i--)
                Apply(m - i, tau[i], a + i + 1 + (long)i * m, py + i);
    }

    /// <summary>The thin m×min(m,n) Q with orthonormal columns, formed by applying Q to the unit vectors.</summary>
    internal static DenseMatrix ThinQ(DenseMatrix packed, ReadOnlySpan<double> tau)
    {
        int m = packed.Rows, k = Math.Min(m, packed.Columns);
        var q = new DenseMatrix(m, k);
        for (int j = 0; j < k; j++)
        {
            q.Data[j + j * m] = 1.0;
            ApplyQ(packed, tau, q.Column(j));
        }
        return q;
    }

    /// <summary>The min(m,n)×n upper trapezoidal R stored on and above the diagonal of <paramref name="packed"/>.</summary>
    internal static DenseMatrix UpperTrapezoid(DenseMatrix packed)
    {
        int m = packed.Rows, n = packed.Columns, k = Math.Min(m, n);
        var r = new DenseMatrix(k, n);
        for (int j = 0; j < n; j++)
            for (int i = 0; i <= Math.Min(j, k - 1); i++) r.Data[i + j * k] = packed.Data[i + j * m];
        return r;
    }
}
