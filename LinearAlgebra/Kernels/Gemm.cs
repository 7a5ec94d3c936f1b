using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Optima.LinearAlgebra.Kernels;

/// <summary>
/// The GEMM update C += α·op(A)·op(B) on column-major storage, blocked the way Goto and van de Geijn describe
/// ("Anatomy of high-performance matrix multiplication", ACM TOMS 34(3), 2008): B is packed into KC×NC panels
/// (L3), A into MC×KC blocks (L2), and a register-blocked MR×NR micro-kernel streams both with FMA.
/// The micro-kernel is 16×8 with <see cref="Vector512{T}"/> where that is hardware accelerated, 8×6 with
/// <see cref="Vector256{T}"/> and FMA otherwise, and a scalar 4×4 as the last resort.
/// </summary>
internal static unsafe class Gemm
{
    internal const int KC = 256;
    internal const int NC = 4096;
    private const int MCDefault = 192;
    private const long ParallelFlopThreshold = 1L << 22; // m·n·k from which the ic loop is spread over threads

    internal static readonly int MR;
    internal static readonly int NR;
    private static readonly int KernelKind; // 2 = AVX-512, 1 = AVX2+FMA, 0 = scalar

    [ThreadStatic] private static double* t_packA;
    [ThreadStatic] private static double* t_packB;
    [ThreadStatic] private static int t_packALength;
    [ThreadStatic] private static int t_packBLength;

    static Gemm()
    {
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported) { MR = 16; NR = 8; KernelKind = 2; }
        else if (Vector256.IsHardwareAccelerated && Fma.IsSupported) { MR = 8; NR = 6; KernelKind = 1; }
        else { MR = 4; NR = 4; KernelKind = 0; }
    }

    /// <summary>A name for the micro-kernel in use (for benchmark output).</summary>
    internal static string KernelName => KernelKind switch
    {
        2 => "AVX-512 16x8",
        1 => "AVX2/FMA 8x6",
        _ => "scalar 4x4",
    };

    /// <summary>
    /// C[m×n] += alpha · op(A)[m×k] · op(B)[k×n]. op(A) = A or Aᵀ (A stored k×m when transposed), likewise B.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Update(int m, int n, int k, double alpha,
        double* a, int lda, bool transA, double* b, int ldb, bool transB, double* c, int ldc, int maxThreads)
    {
        if (m <= 0 || n <= 0 || k <= 0 || alpha == 0.0) return;
        int threads = maxThreads > 0 ? maxThreads : Environment.ProcessorCount;
        bool parallel = threads > 1 && (long)m * n * k >= ParallelFlopThreshold;
        int mc = MCDefault;
        if (parallel)
        {
            // Make sure there are enough row blocks to share.
            int perThread = (m + threads - 1) / threads;
            perThread = (perThread + MR - 1) / MR * MR;
            mc = Math.Min(MCDefault, Math.Max(MR, perThread));
        }

        for (int jc = 0; jc < n; jc += NC)
        {
            int nc = Math.Min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                double* packB = EnsureB(kc * RoundUp(nc, NR));
                PackB(kc, nc, b, ldb, transB, pc, jc, packB);
                int blocks = (m + mc - 1) / mc;
                if (parallel && blocks > 1)
                {
                    var job = new BlockJob(mc, kc, nc, m, alpha, a, lda, transA, packB, c + (long)jc * ldc, ldc, pc);
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

    private sealed class BlockJob(int mc, int kc, int nc, int m, double alpha, double* a, int lda, bool transA, double* packB, double* c, int ldc, int pc)
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int block)
        {
            int ic = block * mc;
            Block(ic, Math.Min(mc, m - ic), kc, nc, alpha, a, lda, transA, packB, c, ldc, pc);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block(int ic, int mcb, int kc, int nc, double alpha, double* a, int lda, bool transA,
        double* packB, double* c, int ldc, int pc)
    {
        double* packA = EnsureA(RoundUp(mcb, MR) * kc);
        PackA(mcb, kc, a, lda, transA, ic, pc, alpha, packA);
        int mr = MR, nr = NR;
        double* tile = stackalloc double[16 * 8];
        for (int jr = 0; jr < nc; jr += nr)
        {
            int ncols = Math.Min(nr, nc - jr);
            double* bp = packB + (long)jr * kc;
            for (int ir = 0; ir < mcb; ir += mr)
            {
                int nrows = Math.Min(mr, mcb - ir);
                double* ap = packA + (long)ir * kc;
                double* cp = c + (ic + ir) + (long)jr * ldc;
                if (nrows == mr && ncols == nr)
                {
                    MicroKernel(kc, ap, bp, cp, ldc);
                }
                else
                {
                    new Span<double>(tile, mr * nr).Clear();
                    MicroKernel(kc, ap, bp, tile, mr);
                    for (int j = 0; j < ncols; j++)
                        for (int i = 0; i < nrows; i++)
                            cp[i + (long)j * ldc] += tile[i + j * mr];
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MicroKernel(int kc, double* a, double* b, double* c, int ldc)
    {
        if (KernelKind == 2) Kernel16x8(kc, a, b, c, ldc);
        else if (KernelKind == 1) Kernel8x6(kc, a, b, c, ldc);
        else KernelScalar(kc, a, b, c, ldc);
    }

    private static int RoundUp(int x, int r) => (x + r - 1) / r * r;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double* EnsureA(int length)
    {
        if (t_packALength < length)
        {
            if (t_packA != null) NativeMemory.AlignedFree(t_packA);
            int size = Math.Max(length, RoundUp(MCDefault, 16) * KC);
            t_packA = (double*)NativeMemory.AlignedAlloc((nuint)size * sizeof(double), 64);
            t_packALength = size;
        }
        return t_packA;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double* EnsureB(int length)
    {
        if (t_packBLength < length)
        {
            if (t_packB != null) NativeMemory.AlignedFree(t_packB);
            t_packB = (double*)NativeMemory.AlignedAlloc((nuint)length * sizeof(double), 64);
            t_packBLength = length;
        }
        return t_packB;
    }

    // Packs rows ic..ic+mc and columns pc..pc+kc of op(A), scaled by alpha, into MR-row slivers:
    // sliver s holds, for each p, the MR values op(A)(ic + s·MR + r, pc + p) contiguously (zero padded).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(int mc, int kc, double* a, int lda, bool transA, int ic, int pc, double alpha, double* dst)
    {
        int mr = MR;
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            double* d = dst + (long)ir * kc;
            if (!transA)
            {
                double* src = a + (ic + ir) + (long)pc * lda;
                if (rows == mr && mr == 16 && alpha == -1.0)
                {
                    for (int p = 0; p < kc; p++, src += lda, d += 16)
                    {
                        Vector512.Store(-Vector512.Load(src), d);
                        Vector512.Store(-Vector512.Load(src + 8), d + 8);
                    }
                }
                else if (rows == mr && mr == 16)
                {
                    var s = Vector512.Create(alpha);
                    for (int p = 0; p < kc; p++, src += lda, d += 16)
                    {
                        Vector512.Store(s * Vector512.Load(src), d);
                        Vector512.Store(s * Vector512.Load(src + 8), d + 8);
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++, src += lda, d += mr)
                    {
                        int r = 0;
                        for (; r < rows; r++) d[r] = alpha * src[r];
                        for (; r < mr; r++) d[r] = 0.0;
                    }
                }
            }
            else
            {
                for (int r = 0; r < rows; r++)
                {
                    double* src = a + pc + (long)(ic + ir + r) * lda;
                    for (int p = 0; p < kc; p++) d[p * mr + r] = alpha * src[p];
                }
                for (int r = rows; r < mr; r++)
                    for (int p = 0; p < kc; p++) d[p * mr + r] = 0.0;
            }
        }
    }

    // Packs rows pc..pc+kc and columns jc..jc+nc of op(B) into NR-column slivers: for each p, NR values.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(int kc, int nc, double* b, int ldb, bool transB, int pc, int jc, double* dst)
    {
        int nr = NR;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            double* d = dst + (long)jr * kc;
            if (!transB)
            {
                for (int cIdx = 0; cIdx < cols; cIdx++)
                {
                    double* src = b + pc + (long)(jc + jr + cIdx) * ldb;
                    for (int p = 0; p < kc; p++) d[p * nr + cIdx] = src[p];
                }
                for (int cIdx = cols; cIdx < nr; cIdx++)
                    for (int p = 0; p < kc; p++) d[p * nr + cIdx] = 0.0;
            }
            else
            {
                double* src = b + (jc + jr) + (long)pc * ldb;
                for (int p = 0; p < kc; p++, src += ldb, d += nr)
                {
                    int cIdx = 0;
                    for (; cIdx < cols; cIdx++) d[cIdx] = src[cIdx];
                    for (; cIdx < nr; cIdx++) d[cIdx] = 0.0;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel16x8(int kc, double* a, double* b, double* c, int ldc)
    {
        Vector512<double> c00 = default, c10 = default, c01 = default, c11 = default;
        Vector512<double> c02 = default, c12 = default, c03 = default, c13 = default;
        Vector512<double> c04 = default, c14 = default, c05 = default, c15 = default;
        Vector512<double> c06 = default, c16 = default, c07 = default, c17 = default;
        for (int p = 0; p < kc; p++)
        {
            var a0 = Vector512.Load(a);
            var a1 = Vector512.Load(a + 8);
            var bv = Vector512.Create(b[0]);
            c00 = Vector512.FusedMultiplyAdd(a0, bv, c00); c10 = Vector512.FusedMultiplyAdd(a1, bv, c10);
            bv = Vector512.Create(b[1]);
            c01 = Vector512.FusedMultiplyAdd(a0, bv, c01); c11 = Vector512.FusedMultiplyAdd(a1, bv, c11);
            bv = Vector512.Create(b[2]);
            c02 = Vector512.FusedMultiplyAdd(a0, bv, c02); c12 = Vector512.FusedMultiplyAdd(a1, bv, c12);
            bv = Vector512.Create(b[3]);
            c03 = Vector512.FusedMultiplyAdd(a0, bv, c03); c13 = Vector512.FusedMultiplyAdd(a1, bv, c13);
            bv = Vector512.Create(b[4]);
            c04 = Vector512.FusedMultiplyAdd(a0, bv, c04); c14 = Vector512.FusedMultiplyAdd(a1, bv, c14);
            bv = Vector512.Create(b[5]);
            c05 = Vector512.FusedMultiplyAdd(a0, bv, c05); c15 = Vector512.FusedMultiplyAdd(a1, bv, c15);
            bv = Vector512.Create(b[6]);
            c06 = Vector512.FusedMultiplyAdd(a0, bv, c06); c16 = Vector512.FusedMultiplyAdd(a1, bv, c16);
            bv = Vector512.Create(b[7]);
            c07 = Vector512.FusedMultiplyAdd(a0, bv, c07); c17 = Vector512.FusedMultiplyAdd(a1, bv, c17);
            a += 16;
            b += 8;
        }
        double* cj = c;
        Vector512.Store(Vector512.Load(cj) + c00, cj); Vector512.Store(Vector512.Load(cj + 8) + c10, cj + 8); cj += ldc;
        Vector512.Store(Vector512.Load(cj) + c01, cj); Vector512.Store(Vector512.Load(cj + 8) + c11, cj + 8); cj += ldc;
        Vector512.Store(Vector512.Load(cj) + c02, cj); Vector512.Store(Vector512.Load(cj + 8) + c12, cj + 8); cj += ldc;
        Vector512.Store(Vector512.Load(cj) + c03, cj); Vector512.Store(Vector512.Load(cj + 8) + c13, cj + 8); cj += ldc;
        Vector512.Store(Vector512.Load(cj) + c04, cj); Vector512.Store(Vector512.Load(cj + 8) + c14, cj + 8); cj += ldc;
        Vector512.Store(Vector512.Load(cj) + c05, cj); Vector512.Store(Vector512.Load(cj + 8) + c15, cj + 8); cj += ldc;
        Vector512.Store(Vector512.Load(cj) + c06, cj); Vector512.Store(Vector512.Load(cj + 8) + c16, cj + 8); cj += ldc;
        Vector512.Store(Vector512.Load(cj) + c07, cj); Vector512.Store(Vector512.Load(cj + 8) + c17, cj + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x6(int kc, double* a, double* b, double* c, int ldc)
    {
        Vector256<double> c00 = default, c10 = default, c01 = default, c11 = default, c02 = default, c12 = default;
        Vector256<double> c03 = default, c13 = default, c04 = default, c14 = default, c05 = default, c15 = default;
        for (int p = 0; p < kc; p++)
        {
            var a0 = Vector256.Load(a);
            var a1 = Vector256.Load(a + 4);
            var bv = Vector256.Create(b[0]);
            c00 = Vector256.FusedMultiplyAdd(a0, bv, c00); c10 = Vector256.FusedMultiplyAdd(a1, bv, c10);
            bv = Vector256.Create(b[1]);
            c01 = Vector256.FusedMultiplyAdd(a0, bv, c01); c11 = Vector256.FusedMultiplyAdd(a1, bv, c11);
            bv = Vector256.Create(b[2]);
            c02 = Vector256.FusedMultiplyAdd(a0, bv, c02); c12 = Vector256.FusedMultiplyAdd(a1, bv, c12);
            bv = Vector256.Create(b[3]);
            c03 = Vector256.FusedMultiplyAdd(a0, bv, c03); c13 = Vector256.FusedMultiplyAdd(a1, bv, c13);
            bv = Vector256.Create(b[4]);
            c04 = Vector256.FusedMultiplyAdd(a0, bv, c04); c14 = Vector256.FusedMultiplyAdd(a1, bv, c14);
            bv = Vector256.Create(b[5]);
            c05 = Vector256.FusedMultiplyAdd(a0, bv, c05); c15 = Vector256.FusedMultiplyAdd(a1, bv, c15);
            a += 8;
            b += 6;
        }
        double* cj = c;
        Vector256.Store(Vector256.Load(cj) + c00, cj); Vector256.Store(Vector256.Load(cj + 4) + c10, cj + 4); cj += ldc;
        Vector256.Store(Vector256.Load(cj) + c01, cj); Vector256.Store(Vector256.Load(cj + 4) + c11, cj + 4); cj += ldc;
        Vector256.Store(Vector256.Load(cj) + c02, cj); Vector256.Store(Vector256.Load(cj + 4) + c12, cj + 4); cj += ldc;
        Vector256.Store(Vector256.Load(cj) + c03, cj); Vector256.Store(Vector256.Load(cj + 4) + c13, cj + 4); cj += ldc;
        Vector256.Store(Vector256.Load(cj) + c04, cj); Vector256.Store(Vector256.Load(cj + 4) + c14, cj + 4); cj += ldc;
        Vector256.Store(Vector256.Load(cj) + c05, cj); Vector256.Store(Vector256.Load(cj + 4) + c15, cj + 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelScalar(int kc, double* a, double* b, double* c, int ldc)
    {
        int mr = MR, nr = NR;
        Span<double> acc = stackalloc double[16 * 8];
        acc.Clear();
        for (int p = 0; p < kc; p++, a += mr, b += nr)
            for (int j = 0; j < nr; j++)
            {
                double bj = b[j];
                for (int i = 0; i < mr; i++) acc[i + j * mr] += a[i] * bj;
            }
        for (int j = 0; j < nr; j++)
            for (int i = 0; i < mr; i++) c[i + (long)j * ldc] += acc[i + j * mr];
    }
}
