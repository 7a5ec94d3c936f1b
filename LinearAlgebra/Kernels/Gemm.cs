using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Optima.LinearAlgebra.Kernels;

/// <summary>
/// The GEMM update C += α·op(A)·op(B) on column-major storage, blocked the way Goto and van de Geijn describe
/// ("Anatomy of high-performance matrix multiplication", ACM TOMS 34(3), 2008): B is packed into KC×NC panels
/// (L3), A into MC×KC blocks (L2), and a register-blocked MR×NR micro-kernel streams both with FMA.
/// One generic driver serves double (DGEMM) and float (SGEMM); the JIT specialises it per element type, so the
/// vector width, MR and the FMA instruction are compile-time constants in each copy. The micro-kernel is two
/// <see cref="Vector512{T}"/> × 8 (16×8 doubles, 32×8 floats) where AVX-512 is hardware accelerated, two
/// <see cref="Vector256{T}"/> × 6 with FMA otherwise (8×6 doubles, 16×6 floats), and a scalar 4×4 as the last resort.
/// </summary>
internal static unsafe class Gemm
{
    internal const int KC = 256;
    internal const int NC = 4096;
    private const int MCDefault = 192;
    private const long ParallelFlopThreshold = 1L << 22; // m·n·k from which the ic loop is spread over threads
    private const int MaxTile = 32 * 8; // largest MR·NR over the supported types

    private static readonly int KernelKind; // 2 = AVX-512, 1 = AVX2+FMA, 0 = scalar

    // Per-thread packing buffers, one set per element type.
    private static class Buffers<T> where T : unmanaged
    {
        [ThreadStatic] internal static T* PackA;
        [ThreadStatic] internal static T* PackB;
        [ThreadStatic] internal static int PackALength;
        [ThreadStatic] internal static int PackBLength;
    }

    static Gemm()
    {
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported) KernelKind = 2;
        else if (Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported) KernelKind = 1;
        else KernelKind = 0;
    }

    /// <summary>Rows of the micro-kernel for element type <typeparamref name="T"/> (two vector registers, or 4 scalar).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Mr<T>() where T : unmanaged =>
        KernelKind == 2 ? 2 * Vector512<T>.Count : KernelKind == 1 ? 2 * Vector256<T>.Count : 4;

    /// <summary>Columns of the micro-kernel.</summary>
    internal static int NR => KernelKind == 2 ? 8 : KernelKind == 1 ? 6 : 4;

    /// <summary>A name for the double micro-kernel in use (for benchmark output).</summary>
    internal static string KernelName => KernelNameOf<double>();

    /// <summary>A name for the micro-kernel used for element type <typeparamref name="T"/>, e.g. "AVX-512 32x8".</summary>
    internal static string KernelNameOf<T>() where T : unmanaged => KernelKind switch
    {
        2 => $"AVX-512 {Mr<T>()}x{NR}",
        1 => $"AVX2/FMA {Mr<T>()}x{NR}",
        _ => "scalar 4x4",
    };

    /// <summary>
    /// C[m×n] += alpha · op(A)[m×k] · op(B)[k×n]. op(A) = A or Aᵀ (A stored k×m when transposed), likewise B.
    /// <typeparamref name="T"/> is <see cref="double"/> or <see cref="float"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Update<T>(int m, int n, int k, T alpha,
        T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c, int ldc, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m <= 0 || n <= 0 || k <= 0 || alpha == T.Zero) return;
        int mr = Mr<T>(), nr = NR;
        int threads = maxThreads > 0 ? maxThreads : Environment.ProcessorCount;
        bool parallel = threads > 1 && (long)m * n * k >= ParallelFlopThreshold;
        int mc = RoundUp(MCDefault, mr);
        if (parallel)
        {
            // Make sure there are enough row blocks to share.
            int perThread = (m + threads - 1) / threads;
            perThread = (perThread + mr - 1) / mr * mr;
            mc = Math.Min(mc, Math.Max(mr, perThread));
        }

        for (int jc = 0; jc < n; jc += NC)
        {
            int nc = Math.Min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                T* packB = EnsureB<T>(kc * RoundUp(nc, nr));
                PackB(kc, nc, b, ldb, transB, pc, jc, packB);
                int blocks = (m + mc - 1) / mc;
                if (parallel && blocks > 1)
                {
                    var job = new BlockJob<T>(mc, kc, nc, m, alpha, a, lda, transA, packB, c + (long)jc * ldc, ldc, pc);
                    Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = threads }, job.Run);
                }
                else
                {
                    for (int ic = 0; ic < m; ic += mc)
                        Block(ic, Math.Min(mc, m - ic), kc, nc, alpha, a, lda, transA, packB, c + (long)jc * ldc, ldc, pc);
                }
            }
        }
    }

    private sealed class BlockJob<T>(int mc, int kc, int nc, int m, T alpha, T* a, int lda, bool transA, T* packB, T* c, int ldc, int pc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int block)
        {
            int ic = block * mc;
            Block(ic, Math.Min(mc, m - ic), kc, nc, alpha, a, lda, transA, packB, c, ldc, pc);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block<T>(int ic, int mcb, int kc, int nc, T alpha, T* a, int lda, bool transA,
        T* packB, T* c, int ldc, int pc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int mr = Mr<T>(), nr = NR;
        T* packA = EnsureA<T>(RoundUp(mcb, mr) * kc);
        PackA(mcb, kc, a, lda, transA, ic, pc, alpha, packA);
        T* tile = stackalloc T[MaxTile];
        for (int jr = 0; jr < nc; jr += nr)
        {
            int ncols = Math.Min(nr, nc - jr);
            T* bp = packB + (long)jr * kc;
            for (int ir = 0; ir < mcb; ir += mr)
            {
                int nrows = Math.Min(mr, mcb - ir);
                T* ap = packA + (long)ir * kc;
                T* cp = c + (ic + ir) + (long)jr * ldc;
                if (nrows == mr && ncols == nr)
                {
                    MicroKernel(kc, ap, bp, cp, ldc);
                }
                else
                {
                    new Span<T>(tile, mr * nr).Clear();
                    MicroKernel(kc, ap, bp, tile, mr);
                    for (int j = 0; j < ncols; j++)
                        for (int i = 0; i < nrows; i++)
                            cp[i + (long)j * ldc] += tile[i + j * mr];
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MicroKernel<T>(int kc, T* a, T* b, T* c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (KernelKind == 2) KernelAvx512(kc, a, b, c, ldc);
        else if (KernelKind == 1) KernelAvx2(kc, a, b, c, ldc);
        else KernelScalar(kc, a, b, c, ldc);
    }

    private static int RoundUp(int x, int r) => (x + r - 1) / r * r;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T* EnsureA<T>(int length) where T : unmanaged
    {
        if (Buffers<T>.PackALength < length)
        {
            if (Buffers<T>.PackA != null) NativeMemory.AlignedFree(Buffers<T>.PackA);
            int size = Math.Max(length, RoundUp(MCDefault, 32) * KC);
            Buffers<T>.PackA = (T*)NativeMemory.AlignedAlloc((nuint)size * (nuint)sizeof(T), 64);
            Buffers<T>.PackALength = size;
        }
        return Buffers<T>.PackA;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T* EnsureB<T>(int length) where T : unmanaged
    {
        if (Buffers<T>.PackBLength < length)
        {
            if (Buffers<T>.PackB != null) NativeMemory.AlignedFree(Buffers<T>.PackB);
            Buffers<T>.PackB = (T*)NativeMemory.AlignedAlloc((nuint)length * (nuint)sizeof(T), 64);
            Buffers<T>.PackBLength = length;
        }
        return Buffers<T>.PackB;
    }

    // Packs rows ic..ic+mc and columns pc..pc+kc of op(A), scaled by alpha, into MR-row slivers:
    // sliver s holds, for each p, the MR values op(A)(ic + s·MR + r, pc + p) contiguously (zero padded).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA<T>(int mc, int kc, T* a, int lda, bool transA, int ic, int pc, T alpha, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int mr = Mr<T>();
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            T* d = dst + (long)ir * kc;
            if (!transA)
            {
                T* src = a + (ic + ir) + (long)pc * lda;
                if (rows == mr && KernelKind == 2)
                {
                    int w = Vector512<T>.Count;
                    var s = Vector512.Create(alpha);
                    for (int p = 0; p < kc; p++, src += lda, d += mr)
                    {
                        Vector512.Store(s * Vector512.Load(src), d);
                        Vector512.Store(s * Vector512.Load(src + w), d + w);
                    }
                }
                else if (rows == mr && KernelKind == 1)
                {
                    int w = Vector256<T>.Count;
                    var s = Vector256.Create(alpha);
                    for (int p = 0; p < kc; p++, src += lda, d += mr)
                    {
                        Vector256.Store(s * Vector256.Load(src), d);
                        Vector256.Store(s * Vector256.Load(src + w), d + w);
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++, src += lda, d += mr)
                    {
                        int r = 0;
                        for (; r < rows; r++) d[r] = alpha * src[r];
                        for (; r < mr; r++) d[r] = T.Zero;
                    }
                }
            }
            else
            {
                for (int r = 0; r < rows; r++)
                {
                    T* src = a + pc + (long)(ic + ir + r) * lda;
                    for (int p = 0; p < kc; p++) d[p * mr + r] = alpha * src[p];
                }
                for (int r = rows; r < mr; r++)
                    for (int p = 0; p < kc; p++) d[p * mr + r] = T.Zero;
            }
        }
    }

    // Packs rows pc..pc+kc and columns jc..jc+nc of op(B) into NR-column slivers: for each p, NR values.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB<T>(int kc, int nc, T* b, int ldb, bool transB, int pc, int jc, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int nr = NR;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            T* d = dst + (long)jr * kc;
            if (!transB)
            {
                for (int cIdx = 0; cIdx < cols; cIdx++)
                {
                    T* src = b + pc + (long)(jc + jr + cIdx) * ldb;
                    for (int p = 0; p < kc; p++) d[p * nr + cIdx] = src[p];
                }
                for (int cIdx = cols; cIdx < nr; cIdx++)
                    for (int p = 0; p < kc; p++) d[p * nr + cIdx] = T.Zero;
            }
            else
            {
                T* src = b + (jc + jr) + (long)pc * ldb;
                for (int p = 0; p < kc; p++, src += ldb, d += nr)
                {
                    int cIdx = 0;
                    for (; cIdx < cols; cIdx++) d[cIdx] = src[cIdx];
                    for (; cIdx < nr; cIdx++) d[cIdx] = T.Zero;
                }
            }
        }
    }

    // Fused multiply-add a·b + c; the type tests are JIT-time constants, so each specialisation is one instruction.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c) where T : unmanaged
    {
        if (typeof(T) == typeof(double)) return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : unmanaged
    {
        if (typeof(T) == typeof(double)) return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        if (typeof(T) == typeof(float)) return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return a * b + c;
    }

    // MR = 2·Vector512<T>.Count rows × 8 columns: 16 accumulators, two A loads and eight broadcasts per k.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelAvx512<T>(int kc, T* a, T* b, T* c, int ldc) where T : unmanaged
    {
        int w = Vector512<T>.Count;
        Vector512<T> c00 = default, c10 = default, c01 = default, c11 = default;
        Vector512<T> c02 = default, c12 = default, c03 = default, c13 = default;
        Vector512<T> c04 = default, c14 = default, c05 = default, c15 = default;
        Vector512<T> c06 = default, c16 = default, c07 = default, c17 = default;
        for (int p = 0; p < kc; p++)
        {
            var a0 = Vector512.Load(a);
            var a1 = Vector512.Load(a + w);
            var bv = Vector512.Create(b[0]);
            c00 = Fma(a0, bv, c00); c10 = Fma(a1, bv, c10);
            bv = Vector512.Create(b[1]);
            c01 = Fma(a0, bv, c01); c11 = Fma(a1, bv, c11);
            bv = Vector512.Create(b[2]);
            c02 = Fma(a0, bv, c02); c12 = Fma(a1, bv, c12);
            bv = Vector512.Create(b[3]);
            c03 = Fma(a0, bv, c03); c13 = Fma(a1, bv, c13);
            bv = Vector512.Create(b[4]);
            c04 = Fma(a0, bv, c04); c14 = Fma(a1, bv, c14);
            bv = Vector512.Create(b[5]);
            c05 = Fma(a0, bv, c05); c15 = Fma(a1, bv, c15);
            bv = Vector512.Create(b[6]);
            c06 = Fma(a0, bv, c06); c16 = Fma(a1, bv, c16);
            bv = Vector512.Create(b[7]);
            c07 = Fma(a0, bv, c07); c17 = Fma(a1, bv, c17);
            a += 2 * w;
            b += 8;
        }
        T* cj = c;
        Vector512.Store(Vector512.Load(cj) + c00, cj); Vector512.Store(Vector512.Load(cj + w) + c10, cj + w); cj += ldc;
        Vector512.Store(Vector512.Load(cj) + c01, cj); Vector512.Store(Vector512.Load(cj + w) + c11, cj + w); cj += ldc;
        Vector512.Store(Vector512.Load(cj) + c02, cj); Vector512.Store(Vector512.Load(cj + w) + c12, cj + w); cj += ldc;
        Vector512.Store(Vector512.Load(cj) + c03, cj); Vector512.Store(Vector512.Load(cj + w) + c13, cj + w); cj += ldc;
        Vector512.Store(Vector512.Load(cj) + c04, cj); Vector512.Store(Vector512.Load(cj + w) + c14, cj + w); cj += ldc;
        Vector512.Store(Vector512.Load(cj) + c05, cj); Vector512.Store(Vector512.Load(cj + w) + c15, cj + w); cj += ldc;
        Vector512.Store(Vector512.Load(cj) + c06, cj); Vector512.Store(Vector512.Load(cj + w) + c16, cj + w); cj += ldc;
        Vector512.Store(Vector512.Load(cj) + c07, cj); Vector512.Store(Vector512.Load(cj + w) + c17, cj + w);
    }

    // MR = 2·Vector256<T>.Count rows × 6 columns: 12 accumulators.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelAvx2<T>(int kc, T* a, T* b, T* c, int ldc) where T : unmanaged
    {
        int w = Vector256<T>.Count;
        Vector256<T> c00 = default, c10 = default, c01 = default, c11 = default, c02 = default, c12 = default;
        Vector256<T> c03 = default, c13 = default, c04 = default, c14 = default, c05 = default, c15 = default;
        for (int p = 0; p < kc; p++)
        {
            var a0 = Vector256.Load(a);
            var a1 = Vector256.Load(a + w);
            var bv = Vector256.Create(b[0]);
            c00 = Fma(a0, bv, c00); c10 = Fma(a1, bv, c10);
            bv = Vector256.Create(b[1]);
            c01 = Fma(a0, bv, c01); c11 = Fma(a1, bv, c11);
            bv = Vector256.Create(b[2]);
            c02 = Fma(a0, bv, c02); c12 = Fma(a1, bv, c12);
            bv = Vector256.Create(b[3]);
            c03 = Fma(a0, bv, c03); c13 = Fma(a1, bv, c13);
            bv = Vector256.Create(b[4]);
            c04 = Fma(a0, bv, c04); c14 = Fma(a1, bv, c14);
            bv = Vector256.Create(b[5]);
            c05 = Fma(a0, bv, c05); c15 = Fma(a1, bv, c15);
            a += 2 * w;
            b += 6;
        }
        T* cj = c;
        Vector256.Store(Vector256.Load(cj) + c00, cj); Vector256.Store(Vector256.Load(cj + w) + c10, cj + w); cj += ldc;
        Vector256.Store(Vector256.Load(cj) + c01, cj); Vector256.Store(Vector256.Load(cj + w) + c11, cj + w); cj += ldc;
        Vector256.Store(Vector256.Load(cj) + c02, cj); Vector256.Store(Vector256.Load(cj + w) + c12, cj + w); cj += ldc;
        Vector256.Store(Vector256.Load(cj) + c03, cj); Vector256.Store(Vector256.Load(cj + w) + c13, cj + w); cj += ldc;
        Vector256.Store(Vector256.Load(cj) + c04, cj); Vector256.Store(Vector256.Load(cj + w) + c14, cj + w); cj += ldc;
        Vector256.Store(Vector256.Load(cj) + c05, cj); Vector256.Store(Vector256.Load(cj + w) + c15, cj + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelScalar<T>(int kc, T* a, T* b, T* c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int mr = 4, nr = 4;
        T* acc = stackalloc T[mr * nr];
        new Span<T>(acc, mr * nr).Clear();
        for (int p = 0; p < kc; p++, a += mr, b += nr)
            for (int j = 0; j < nr; j++)
            {
                T bj = b[j];
                for (int i = 0; i < mr; i++) acc[i + j * mr] = T.FusedMultiplyAdd(a[i], bj, acc[i + j * mr]); // fused like the SIMD kernels: same bits on every CPU
            }
        for (int j = 0; j < nr; j++)
            for (int i = 0; i < mr; i++) c[i + (long)j * ldc] += acc[i + j * mr];
    }
}
