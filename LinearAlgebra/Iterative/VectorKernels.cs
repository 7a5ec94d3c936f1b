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

    /// <summary>r ← r − α·q; returns the new rᵀr.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double UpdateResidual(double alpha, ReadOnlySpan<double> q, Span<double> r)
    {
        int n = r.Length, i = 0;
        double s = 0;
        fixed (double* pq = q, pr = r)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                var va = Vector512.Create(-alpha);
                var s0 = Vector512<double>.Zero;
                var s1 = Vector512<double>.Zero;
                for (; i <= n - 16; i += 16)
                {
                    var r0 = Vector512.FusedMultiplyAdd(va, Vector512.Load(pq + i), Vector512.Load(pr + i));
                    var r1 = Vector512.FusedMultiplyAdd(va, Vector512.Load(pq + i + 8), Vector512.Load(pr + i + 8));
                    Vector512.Store(r0, pr + i);
                    Vector512.Store(r1, pr + i + 8);
                    s0 = Vector512.FusedMultiplyAdd(r0, r0, s0);
                    s1 = Vector512.FusedMultiplyAdd(r1, r1, s1);
                }
                s = Vector512.Sum(s0 + s1);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                var va = Vector256.Create(-alpha);
                var s0 = Vector256<double>.Zero;
                for (; i <= n - 4; i += 4)
                {
                    var r0 = Vector256.FusedMultiplyAdd(va, Vector256.Load(pq + i), Vector256.Load(pr + i));
                    Vector256.Store(r0, pr + i);
                    s0 = Vector256.FusedMultiplyAdd(r0, r0, s0);
                }
                s = Vector256.Sum(s0);
            }
            for (; i < n; i++)
            {
                double v = pr[i] - alpha * pq[i];
                pr[i] = v;
                s += v * v;
            }
        }
        return s;
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
                px[i] += alpha * pv;
                pp[i] = pz[i] + beta * pv;
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
