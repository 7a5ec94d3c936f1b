using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Optima.LinearAlgebra.Kernels;

/// <summary>
/// The GEMM update C += α·op(A)·op(B) on column-major storage, blocked the way Goto and van de Geijn describe
/// ("Anatomy of high-performance matrix multiplication", ACM TOMS 34(3), 2008): B is packed into KC×NC panels
/// (L3), A into MC×KC blocks (L2), and a register-blocked MR×NR micro-kernel streams both with FMA.
/// One generic driver serves double (DGEMM) and float (SGEMM); the JIT specialises it per element type.
/// Micro-kernels: two <see cref="Vector512{T}"/> × 8 (16×8 doubles), two <see cref="Vector256{T}"/> × 6 (8×6),
/// two <see cref="Vector128{T}"/> × 6 (4×6: SSE with FMA, ARM64 NEON), and a scalar 4×4 with
/// <see cref="Math.FusedMultiplyAdd(double, double, double)"/> where no vector FMA is in hardware.
/// <para>
/// Same bits on every CPU and thread count: every kernel gives each C element the same operations in the same order:
/// per KC-block of k (KC fixed, never chosen by ISA), acc = +0, then acc = fma(α·a_ip, b_pj, acc) for p in order,
/// then c += acc; the KC-blocks are applied in increasing p. The tile shape, the vector width, MC (which changes with
/// the thread count) and the edge handling only change which elements are computed together, not how.
/// </para>
/// </summary>
internal static unsafe class Gemm
{
    internal const int KC = 256;
    internal const int NC = 4096;
    private const int MCDefault = 192;
    internal const long ParallelFlopThreshold = 1L << 22; // m·n·k from which the ic loop is spread over threads
    private const int MaxTile = 32 * 8; // largest MR·NR over the supported types

    /// <summary>Kernel kinds (values of <see cref="NativeKind"/>).</summary>
    internal const int Scalar = 0, V128 = 1, V256 = 2, V512 = 3;

    /// <summary>The kernel this machine runs: the widest vector size that is hardware accelerated, with hardware FMA.</summary>
    internal static readonly int NativeKind;

    [ThreadStatic] private static int t_forced; // kind + 1 forced for GEMMs started on this thread; 0 = native

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
        // Dispatch on what the JIT accelerates (DOTNET_PreferredVectorBitWidth and DOTNET_EnableAVX512 are honoured),
        // and on hardware FMA: without it a vector FMA is a software loop, slower than the scalar kernel's.
        bool fma = System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;
        if (!fma) NativeKind = Scalar;
        else if (Vector512.IsHardwareAccelerated) NativeKind = V512;
        else if (Vector256.IsHardwareAccelerated) NativeKind = V256;
        else if (Vector128.IsHardwareAccelerated) NativeKind = V128;
        else NativeKind = Scalar;
    }

    /// <summary>
    /// Makes the GEMMs this thread starts (and the factorizations built on them) use kernel
    /// <paramref name="kind"/> (<see cref="Scalar"/> … <see cref="V512"/>; a kind the machine does not accelerate runs in
    /// software, slowly but with the same bits), or the native one for -1. For tests that compare kernels' bits.
    /// </summary>
    internal static void UseKernelOnThisThread(int kind)
    {
        if (kind < -1 || kind > V512) throw new ArgumentOutOfRangeException(nameof(kind));
        t_forced = kind + 1;
    }

    private static int CurrentKind => t_forced != 0 ? t_forced - 1 : NativeKind;

    /// <summary>Rows of the micro-kernel of kind <paramref name="kind"/> for element type <typeparamref name="T"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Mr<T>(int kind) where T : unmanaged => kind switch
    {
        V512 => 2 * Vector512<T>.Count,
        V256 => 2 * Vector256<T>.Count,
        V128 => 2 * Vector128<T>.Count,
        _ => 4,
    };

    /// <summary>Columns of the micro-kernel of kind <paramref name="kind"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Nr(int kind) => kind switch { V512 => 8, V256 => 6, V128 => 6, _ => 4 };

    /// <summary>A name for the double micro-kernel in use (for benchmark output).</summary>
    internal static string KernelName => KernelNameOf<double>();

    /// <summary>A name for the micro-kernel used for element type <typeparamref name="T"/>, e.g. "Vector512/FMA 32x8".</summary>
    internal static string KernelNameOf<T>() where T : unmanaged
    {
        int kind = CurrentKind;
        string tile = $"{Mr<T>(kind)}x{Nr(kind)}";
        return kind switch
        {
            V512 => $"Vector512/FMA {tile}",
            V256 => $"Vector256/FMA {tile}",
            V128 => $"Vector128/FMA {tile}",
            _ => $"scalar FMA {tile}",
        };
    }

    /// <summary>
    /// C[m×n] += alpha · op(A)[m×k] · op(B)[k×n]. op(A) = A or Aᵀ (A stored k×m when transposed), likewise B.
    /// <typeparamref name="T"/> is <see cref="double"/> or <see cref="float"/>. With <paramref name="lowerOnly"/> only
    /// the lower triangle of C (row ≥ column, C square) is updated: micro-tiles wholly above it are skipped and those
    /// that straddle it write their lower part only (the SYRK case, about half the flops).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Update<T>(int m, int n, int k, T alpha,
        T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c, int ldc, int maxThreads, bool lowerOnly = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m <= 0 || n <= 0 || k <= 0 || alpha == T.Zero) return;
        int kind = CurrentKind;
        int mr = Mr<T>(kind), nr = Nr(kind);
        int threads = maxThreads > 0 ? maxThreads : Environment.ProcessorCount;
        bool parallel = threads > 1 && (long)m * n * k >= ParallelFlopThreshold;
        int mc = RoundUp(MCDefault, mr);
        if (parallel)
        {
            // Make sure there are enough row blocks to share (MC only groups rows: each element's operations stay).
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
                PackB(kind, kc, nc, b, ldb, transB, pc, jc, packB);
                int blocks = (m + mc - 1) / mc;
                if (parallel && blocks > 1)
                {
                    var job = new BlockJob<T>(kind, mc, kc, nc, m, alpha, a, lda, transA, packB, c + (long)jc * ldc, ldc, pc, lowerOnly ? jc : -1);
                    // The allocation-light fork-join team (a few µs per call less than Parallel.For, which the many
                    // mid-sized GEMMs of a recursive factorization feel); busy or nested, it runs the blocks here.
                    ForkJoin.Run(blocks, job.Run, threads);
                }
                else
                {
                    for (int ic = 0; ic < m; ic += mc)
                        Block(kind, ic, Math.Min(mc, m - ic), kc, nc, alpha, a, lda, transA, packB, c + (long)jc * ldc, ldc, pc, lowerOnly ? jc : -1);
                }
            }
        }
    }

    private sealed class BlockJob<T>(int kind, int mc, int kc, int nc, int m, T alpha, T* a, int lda, bool transA, T* packB, T* c, int ldc, int pc, int lowerFrom)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int block)
        {
            int ic = block * mc;
            Block(kind, ic, Math.Min(mc, m - ic), kc, nc, alpha, a, lda, transA, packB, c, ldc, pc, lowerFrom);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block<T>(int kind, int ic, int mcb, int kc, int nc, T alpha, T* a, int lda, bool transA,
        T* packB, T* c, int ldc, int pc, int lowerFrom) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int mr = Mr<T>(kind), nr = Nr(kind);
        // lowerFrom ≥ 0 (the column offset jc of this panel): only tiles that hold an element on or below the diagonal
        // (row ≥ column) are computed, the SYRK case. A tile computed gives each element the same operations as ever.
        if (lowerFrom >= 0 && ic + mcb - 1 < lowerFrom) return;
        T* packA = EnsureA<T>(RoundUp(mcb, mr) * kc);
        PackA(kind, mcb, kc, a, lda, transA, ic, pc, alpha, packA);
        T* tile = stackalloc T[MaxTile];
        for (int jr = 0; jr < nc; jr += nr)
        {
            int ncols = Math.Min(nr, nc - jr);
            T* bp = packB + (long)jr * kc;
            int ir0 = 0;
            if (lowerFrom >= 0)
            {
                // First row sliver whose last row reaches column lowerFrom + jr (row ic + ir + mr − 1 ≥ that column).
                int col0 = lowerFrom + jr - ic;
                if (col0 >= mcb) break;
                ir0 = Math.Max(0, col0) / mr * mr;
            }
            for (int ir = ir0; ir < mcb; ir += mr)
            {
                int nrows = Math.Min(mr, mcb - ir);
                T* ap = packA + (long)ir * kc;
                T* cp = c + (ic + ir) + (long)jr * ldc;
                // Element (i, j) of this tile lies above the diagonal iff i < below + j.
                int below = lowerFrom >= 0 ? lowerFrom + jr - ic - ir : int.MinValue / 2;
                if (nrows == mr && ncols == nr && below + nr - 1 <= 0)
                {
                    MicroKernel(kind, kc, ap, bp, cp, ldc);
                }
                else
                {
                    // −0 is the identity of +: the tile then holds each accumulator exactly (signed zeros included),
                    // so an edge element gets c += acc like an interior one. A tile straddling the diagonal (lowerOnly)
                    // writes only its elements on or below it.
                    new Span<T>(tile, mr * nr).Fill(T.NegativeZero);
                    MicroKernel(kind, kc, ap, bp, tile, mr);
                    for (int j = 0; j < ncols; j++)
                        for (int i = Math.Max(0, below + j); i < nrows; i++)
                            cp[i + (long)j * ldc] += tile[i + j * mr];
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MicroKernel<T>(int kind, int kc, T* a, T* b, T* c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (kind)
        {
            case V512: KernelV512(kc, a, b, c, ldc); break;
            case V256: KernelV256(kc, a, b, c, ldc); break;
            case V128: KernelV128(kc, a, b, c, ldc); break;
            default: KernelScalar(kc, a, b, c, ldc); break;
        }
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
    private static void PackA<T>(int kind, int mc, int kc, T* a, int lda, bool transA, int ic, int pc, T alpha, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int mr = Mr<T>(kind);
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            T* d = dst + (long)ir * kc;
            if (!transA)
            {
                T* src = a + (ic + ir) + (long)pc * lda;
                if (rows == mr && kind == V512)
                {
                    int w = Vector512<T>.Count;
                    var s = Vector512.Create(alpha);
                    for (int p = 0; p < kc; p++, src += lda, d += mr)
                    {
                        Vector512.Store(s * Vector512.Load(src), d);
                        Vector512.Store(s * Vector512.Load(src + w), d + w);
                    }
                }
                else if (rows == mr && kind == V256)
                {
                    int w = Vector256<T>.Count;
                    var s = Vector256.Create(alpha);
                    for (int p = 0; p < kc; p++, src += lda, d += mr)
                    {
                        Vector256.Store(s * Vector256.Load(src), d);
                        Vector256.Store(s * Vector256.Load(src + w), d + w);
                    }
                }
                else if (rows == mr && kind == V128)
                {
                    int w = Vector128<T>.Count;
                    var s = Vector128.Create(alpha);
                    for (int p = 0; p < kc; p++, src += lda, d += mr)
                    {
                        Vector128.Store(s * Vector128.Load(src), d);
                        Vector128.Store(s * Vector128.Load(src + w), d + w);
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
    private static void PackB<T>(int kind, int kc, int nc, T* b, int ldb, bool transB, int pc, int jc, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int nr = Nr(kind);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Fma<T>(Vector128<T> a, Vector128<T> b, Vector128<T> c) where T : unmanaged
    {
        if (typeof(T) == typeof(double)) return Vector128.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        if (typeof(T) == typeof(float)) return Vector128.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return a * b + c;
    }

    // MR = 2·Vector512<T>.Count rows × 8 columns: 16 accumulators, two A loads and eight broadcasts per k.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelV512<T>(int kc, T* a, T* b, T* c, int ldc) where T : unmanaged
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
    private static void KernelV256<T>(int kc, T* a, T* b, T* c, int ldc) where T : unmanaged
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

    // MR = 2·Vector128<T>.Count rows × 6 columns: 12 accumulators, 15 registers (fits SSE's 16; NEON has 32).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelV128<T>(int kc, T* a, T* b, T* c, int ldc) where T : unmanaged
    {
        int w = Vector128<T>.Count;
        Vector128<T> c00 = default, c10 = default, c01 = default, c11 = default, c02 = default, c12 = default;
        Vector128<T> c03 = default, c13 = default, c04 = default, c14 = default, c05 = default, c15 = default;
        for (int p = 0; p < kc; p++)
        {
            var a0 = Vector128.Load(a);
            var a1 = Vector128.Load(a + w);
            var bv = Vector128.Create(b[0]);
            c00 = Fma(a0, bv, c00); c10 = Fma(a1, bv, c10);
            bv = Vector128.Create(b[1]);
            c01 = Fma(a0, bv, c01); c11 = Fma(a1, bv, c11);
            bv = Vector128.Create(b[2]);
            c02 = Fma(a0, bv, c02); c12 = Fma(a1, bv, c12);
            bv = Vector128.Create(b[3]);
            c03 = Fma(a0, bv, c03); c13 = Fma(a1, bv, c13);
            bv = Vector128.Create(b[4]);
            c04 = Fma(a0, bv, c04); c14 = Fma(a1, bv, c14);
            bv = Vector128.Create(b[5]);
            c05 = Fma(a0, bv, c05); c15 = Fma(a1, bv, c15);
            a += 2 * w;
            b += 6;
        }
        T* cj = c;
        Vector128.Store(Vector128.Load(cj) + c00, cj); Vector128.Store(Vector128.Load(cj + w) + c10, cj + w); cj += ldc;
        Vector128.Store(Vector128.Load(cj) + c01, cj); Vector128.Store(Vector128.Load(cj + w) + c11, cj + w); cj += ldc;
        Vector128.Store(Vector128.Load(cj) + c02, cj); Vector128.Store(Vector128.Load(cj + w) + c12, cj + w); cj += ldc;
        Vector128.Store(Vector128.Load(cj) + c03, cj); Vector128.Store(Vector128.Load(cj + w) + c13, cj + w); cj += ldc;
        Vector128.Store(Vector128.Load(cj) + c04, cj); Vector128.Store(Vector128.Load(cj + w) + c14, cj + w); cj += ldc;
        Vector128.Store(Vector128.Load(cj) + c05, cj); Vector128.Store(Vector128.Load(cj + w) + c15, cj + w);
    }

    // The last resort (no vector FMA in hardware): 4×4 with the correctly rounded scalar FMA, in the vector kernels'
    // order, so the bits match theirs (a plain a·b + c would round twice).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelScalar<T>(int kc, T* a, T* b, T* c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T c00 = T.Zero, c10 = T.Zero, c20 = T.Zero, c30 = T.Zero, c01 = T.Zero, c11 = T.Zero, c21 = T.Zero, c31 = T.Zero;
        T c02 = T.Zero, c12 = T.Zero, c22 = T.Zero, c32 = T.Zero, c03 = T.Zero, c13 = T.Zero, c23 = T.Zero, c33 = T.Zero;
        for (int p = 0; p < kc; p++, a += 4, b += 4)
        {
            T a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
            T b0 = b[0];
            c00 = T.FusedMultiplyAdd(a0, b0, c00); c10 = T.FusedMultiplyAdd(a1, b0, c10);
            c20 = T.FusedMultiplyAdd(a2, b0, c20); c30 = T.FusedMultiplyAdd(a3, b0, c30);
            T b1 = b[1];
            c01 = T.FusedMultiplyAdd(a0, b1, c01); c11 = T.FusedMultiplyAdd(a1, b1, c11);
            c21 = T.FusedMultiplyAdd(a2, b1, c21); c31 = T.FusedMultiplyAdd(a3, b1, c31);
            T b2 = b[2];
            c02 = T.FusedMultiplyAdd(a0, b2, c02); c12 = T.FusedMultiplyAdd(a1, b2, c12);
            c22 = T.FusedMultiplyAdd(a2, b2, c22); c32 = T.FusedMultiplyAdd(a3, b2, c32);
            T b3 = b[3];
            c03 = T.FusedMultiplyAdd(a0, b3, c03); c13 = T.FusedMultiplyAdd(a1, b3, c13);
            c23 = T.FusedMultiplyAdd(a2, b3, c23); c33 = T.FusedMultiplyAdd(a3, b3, c33);
        }
        T* cj = c;
        cj[0] += c00; cj[1] += c10; cj[2] += c20; cj[3] += c30; cj += ldc;
        cj[0] += c01; cj[1] += c11; cj[2] += c21; cj[3] += c31; cj += ldc;
        cj[0] += c02; cj[1] += c12; cj[2] += c22; cj[3] += c32; cj += ldc;
        cj[0] += c03; cj[1] += c13; cj[2] += c23; cj[3] += c33;
    }
}
