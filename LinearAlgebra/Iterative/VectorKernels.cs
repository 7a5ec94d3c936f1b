using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Optima.LinearAlgebra.Iterative;

/// <summary>Fused vector updates for the Krylov loops: one pass over memory each, no allocation.</summary>
internal static unsafe class VectorKernels
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        fixed (double* px = x, py = y)
            return Kernels.Dense.Dot(x.Length, px, py);
    }

    internal static double Norm(ReadOnlySpan<double> x) => Math.Sqrt(Dot(x, x));

    /// <summary>r ← r − α·q (fused); returns the new rᵀr in the fixed order of <see cref="Reproducible.Dot(ReadOnlySpan{double}, ReadOnlySpan{double})"/>.</summary>
    internal static double UpdateResidual(double alpha, ReadOnlySpan<double> q, Span<double> r)
    {
        if (q.Length != r.Length) throw new ArgumentException("UpdateResidual: the vectors differ in length.");
        fixed (double* pq = q, pr = r)
            return Reproducible.UpdateAndSquare(r.Length, alpha, pq, pr);
    }

    /// <summary>x ← x + α·p, then p ← z + β·p (one pass).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void UpdateSolutionAndDirection(double alpha, double beta, Span<double> x, Span<double> p, ReadOnlySpan<double> z)
    {
        int n = x.Length, i = 0;
        fixed (double* px = x, pp = p, pz = z)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                var va = Vector512.Create(alpha);
                var vb = Vector512.Create(beta);
                for (; i <= n - 8; i += 8)
                {
                    var pv = Vector512.Load(pp + i);
                    Vector512.Store(Vector512.FusedMultiplyAdd(va, pv, Vector512.Load(px + i)), px + i);
                    Vector512.Store(Vector512.FusedMultiplyAdd(vb, pv, Vector512.Load(pz + i)), pp + i);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                var va = Vector256.Create(alpha);
                var vb = Vector256.Create(beta);
                for (; i <= n - 4; i += 4)
                {
                    var pv = Vector256.Load(pp + i);
                    Vector256.Store(Vector256.FusedMultiplyAdd(va, pv, Vector256.Load(px + i)), px + i);
                    Vector256.Store(Vector256.FusedMultiplyAdd(vb, pv, Vector256.Load(pz + i)), pp + i);
                }
            }
            for (; i < n; i++)
            {
                double pv = pp[i];
                px[i] = Math.FusedMultiplyAdd(alpha, pv, px[i]); // fused like the vector lanes: the same bits on every CPU
                pp[i] = Math.FusedMultiplyAdd(beta, pv, pz[i]);
            }
        }
    }

    /// <summary>x ← x + α·p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Axpy(double alpha, ReadOnlySpan<double> p, Span<double> x)
    {
        fixed (double* pp = p, px = x)
            Kernels.Dense.Axpy(x.Length, alpha, pp, px);
    }

    /// <summary>r ← b − r (r holds A·x on entry); returns rᵀr.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double ResidualFromProduct(ReadOnlySpan<double> b, Span<double> r)
    {
        double s = 0;
        for (int i = 0; i < r.Length; i++)
        {
            double v = b[i] - r[i];
            r[i] = v;
            s += v * v;
        }
        return s;
    }
}
