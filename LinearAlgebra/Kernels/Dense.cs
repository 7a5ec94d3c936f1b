using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;

namespace Optima.LinearAlgebra.Kernels;

/// <summary>Level-1/3 building blocks on raw column-major storage: AXPY, TRSM, SYRK, row swaps.</summary>
internal static unsafe class Dense
{
    private const int TrsmBase = 32;
    private const int SyrkBase = 96;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Span<double> S(double* p, int n) => new(p, n);

    /// <summary>y += alpha·x over n contiguous entries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Axpy(int n, double alpha, double* x, double* y)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= 8)
        {
            var va = Vector512.Create(alpha);
            for (; i <= n - 16; i += 16)
            {
                Vector512.Store(Vector512.FusedMultiplyAdd(va, Vector512.Load(x + i), Vector512.Load(y + i)), y + i);
                Vector512.Store(Vector512.FusedMultiplyAdd(va, Vector512.Load(x + i + 8), Vector512.Load(y + i + 8)), y + i + 8);
            }
            for (; i <= n - 8; i += 8)
                Vector512.Store(Vector512.FusedMultiplyAdd(va, Vector512.Load(x + i), Vector512.Load(y + i)), y + i);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            var va = Vector256.Create(alpha);
            for (; i <= n - 4; i += 4)
                Vector256.Store(Vector256.FusedMultiplyAdd(va, Vector256.Load(x + i), Vector256.Load(y + i)), y + i);
        }
        for (; i < n; i++) y[i] = Math.FusedMultiplyAdd(alpha, x[i], y[i]);
    }

    /// <summary>xᵀy over n contiguous entries, in <see cref="Reproducible"/>'s fixed order (the same bits on every CPU).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Dot(int n, double* x, double* y) => Reproducible.Dot(n, x, y);

    /// <summary>x *= alpha over n contiguous entries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Scale(int n, double alpha, double* x)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(alpha);
            for (; i <= n - 8; i += 8) Vector512.Store(va * Vector512.Load(x + i), x + i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(alpha);
            for (; i <= n - 4; i += 4) Vector256.Store(va * Vector256.Load(x + i), x + i);
        }
        for (; i < n; i++) x[i] *= alpha;
    }

    /// <summary>Index of the entry of largest magnitude among n contiguous entries (first one on ties; NaN wins).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int IndexOfMaxAbs(int n, double* x)
    {
        int best = 0;
        double bestValue = -1;
        for (int i = 0; i < n; i++)
        {
            double v = Math.Abs(x[i]);
            if (v > bestValue || double.IsNaN(v)) { best = i; bestValue = v; if (double.IsNaN(v)) break; }
        }
        return best;
    }

    /// <summary>Applies the row interchanges ipiv[k0..k1) (row k ↔ row ipiv[k]) to columns [c0, c1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SwapRows(double* a, int lda, int* ipiv, int k0, int k1, int c0, int c1)
    {
        for (int c = c0; c < c1; c++)
        {
            double* col = a + (long)c * lda;
            for (int k = k0; k < k1; k++)
            {
                int p = ipiv[k];
                if (p != k) (col[k], col[p]) = (col[p], col[k]);
            }
        }
    }

    /// <summary>B[m×n] ← L⁻¹·B with L m×m unit lower triangular (recursive, GEMM-rich).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void TrsmLeftLowerUnit(int m, int n, double* l, int ldl, double* b, int ldb, int threads)
    {
        if (m <= 0 || n <= 0) return;
        if (m <= TrsmBase)
        {
            int j = 0;
            if (VectorFma)
                for (; j + 4 <= n; j += 4) LeftLowerUnitBase4(m, l, ldl, b + (long)j * ldb, ldb);
            for (; j < n; j++)
            {
                double* bj = b + (long)j * ldb;
                for (int k = 0; k < m - 1; k++)
                {
                    double bk = bj[k];
                    if (bk != 0.0) FmaInto(m - k - 1, -bk, l + k + 1 + (long)k * ldl, bj + k + 1);
                }
            }
            return;
        }
        int m1 = m / 2, m2 = m - m1;
        TrsmLeftLowerUnit(m1, n, l, ldl, b, ldb, threads);
        Gemm.Update(m2, n, m1, -1.0, l + m1, ldl, false, b, ldb, false, b + m1, ldb, threads);
        TrsmLeftLowerUnit(m2, n, l + m1 + (long)m1 * ldl, ldl, b + m1, ldb, threads);
    }

    // Whether Vector<double> runs FMA in hardware (else the scalar Math.FusedMultiplyAdd is the faster route). Either
    // way every element gets the same fused operations in the same order: the choice changes speed, not bits.
    private static readonly bool VectorFma = Vector.IsHardwareAccelerated && Gemm.NativeKind != Gemm.Scalar;

    /// <summary>y[i] = fma(alpha, x[i], y[i]) for i &lt; n (one rounding per entry, like every FMA path here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FmaInto(int n, double alpha, double* x, double* y)
    {
        int i = 0;
        if (VectorFma)
        {
            var va = new Vector<double>(alpha);
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
                Vector.Store(Vector.FusedMultiplyAdd(va, Vector.Load(x + i), Vector.Load(y + i)), y + i);
        }
        for (; i < n; i++) y[i] = Math.FusedMultiplyAdd(alpha, x[i], y[i]);
    }

    // Four columns of the m ≤ TrsmBase unit lower solve at once, so each L column is loaded once for four right-hand
    // sides. Per element the same updates as one column at a time: b_ij = fma(−b_kj, l_ik, b_ij) for k ascending,
    // skipped where b_kj = 0.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LeftLowerUnitBase4(int m, double* l, int ldl, double* b, int ldb)
    {
        double* b0 = b, b1 = b + ldb, b2 = b + 2L * ldb, b3 = b + 3L * ldb;
        int w = Vector<double>.Count;
        for (int k = 0; k < m - 1; k++)
        {
            double x0 = b0[k], x1 = b1[k], x2 = b2[k], x3 = b3[k];
            double* lk = l + k + 1 + (long)k * ldl;
            int len = m - k - 1, o = k + 1;
            if (x0 == 0.0 || x1 == 0.0 || x2 == 0.0 || x3 == 0.0)
            {
                if (x0 != 0.0) FmaInto(len, -x0, lk, b0 + o);
                if (x1 != 0.0) FmaInto(len, -x1, lk, b1 + o);
                if (x2 != 0.0) FmaInto(len, -x2, lk, b2 + o);
                if (x3 != 0.0) FmaInto(len, -x3, lk, b3 + o);
                continue;
            }
            Vector<double> v0 = new(-x0), v1 = new(-x1), v2 = new(-x2), v3 = new(-x3);
            int i = 0;
            for (; i <= len - w; i += w)
            {
                var li = Vector.Load(lk + i);
                Vector.Store(Vector.FusedMultiplyAdd(v0, li, Vector.Load(b0 + o + i)), b0 + o + i);
                Vector.Store(Vector.FusedMultiplyAdd(v1, li, Vector.Load(b1 + o + i)), b1 + o + i);
                Vector.Store(Vector.FusedMultiplyAdd(v2, li, Vector.Load(b2 + o + i)), b2 + o + i);
                Vector.Store(Vector.FusedMultiplyAdd(v3, li, Vector.Load(b3 + o + i)), b3 + o + i);
            }
            for (; i < len; i++)
            {
                double li = lk[i];
                b0[o + i] = Math.FusedMultiplyAdd(-x0, li, b0[o + i]);
                b1[o + i] = Math.FusedMultiplyAdd(-x1, li, b1[o + i]);
                b2[o + i] = Math.FusedMultiplyAdd(-x2, li, b2[o + i]);
                b3[o + i] = Math.FusedMultiplyAdd(-x3, li, b3[o + i]);
            }
        }
    }

    // Two vectors of rows of the n ≤ TrsmBase right solve, all n columns, in registers: x_ij = (b_ij − Σ_k l_jk·x_ik)·(1/l_jj)
    // with the same fused updates in the same order (k ascending, zeros skipped) as the column-at-a-time path.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RightLowerTransBaseRows(int n, double* l, int ldl, double* b, int ldb)
    {
        int w = Vector<double>.Count;
        for (int j = 0; j < n; j++)
        {
            double* bj = b + (long)j * ldb;
            var acc0 = Vector.Load(bj);
            var acc1 = Vector.Load(bj + w);
            for (int k = 0; k < j; k++)
            {
                double ljk = l[j + (long)k * ldl];
                if (ljk == 0.0) continue;
                var c = new Vector<double>(-ljk);
                double* bk = b + (long)k * ldb;
                acc0 = Vector.FusedMultiplyAdd(c, Vector.Load(bk), acc0);
                acc1 = Vector.FusedMultiplyAdd(c, Vector.Load(bk + w), acc1);
            }
            var inv = new Vector<double>(1.0 / l[j + (long)j * ldl]);
            Vector.Store(acc0 * inv, bj);
            Vector.Store(acc1 * inv, bj + w);
        }
    }

    /// <summary>B[m×n] ← B·L⁻ᵀ with L n×n lower triangular, non-unit (recursive, GEMM-rich).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void TrsmRightLowerTrans(int m, int n, double* l, int ldl, double* b, int ldb, int threads)
    {
        if (m <= 0 || n <= 0) return;
        if (n <= TrsmBase)
        {
            int i0 = 0;
            if (VectorFma)
                for (int w2 = 2 * Vector<double>.Count; i0 + w2 <= m; i0 += w2) RightLowerTransBaseRows(n, l, ldl, b + i0, ldb);
            int rows = m - i0;
            if (rows == 0) return;
            double* br = b + i0;
            for (int j = 0; j < n; j++)
            {
                double* bj = br + (long)j * ldb;
                for (int k = 0; k < j; k++)
                {
                    double ljk = l[j + (long)k * ldl];
                    if (ljk != 0.0) FmaInto(rows, -ljk, br + (long)k * ldb, bj);
                }
                double inv = 1.0 / l[j + (long)j * ldl];
                for (int i = 0; i < rows; i++) bj[i] *= inv;
            }
            return;
        }
        int n1 = n / 2, n2 = n - n1;
        TrsmRightLowerTrans(m, n1, l, ldl, b, ldb, threads);
        // B2 -= X1·L21ᵀ, L21 = L[n1.., 0..n1)
        Gemm.Update(m, n2, n1, -1.0, b, ldb, false, l + n1, ldl, true, b + (long)n1 * ldb, ldb, threads);
        TrsmRightLowerTrans(m, n2, l + n1 + (long)n1 * ldl, ldl, b + (long)n1 * ldb, ldb, threads);
    }

    /// <summary>Lower triangle of C[n×n] -= A[n×k]·Aᵀ (the strictly upper triangle is not touched).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SyrkLowerMinus(int n, int k, double* a, int lda, double* c, int ldc, int threads)
    {
        if (n <= 0 || k <= 0) return;
        // One GEMM that skips the tiles above the diagonal (so its packing is amortised over the whole triangle); when
        // it would run in parallel, the recursion instead, whose square off-diagonal GEMMs share out evenly. Either way
        // every element gets the GEMM's operations over the full k: the same bits.
        int t = threads > 0 ? threads : Environment.ProcessorCount;
        if (n <= SyrkBase || t == 1 || (long)n * n * k < Gemm.ParallelFlopThreshold)
        {
            Gemm.Update(n, n, k, -1.0, a, lda, false, a, lda, true, c, ldc, threads, lowerOnly: true);
            return;
        }
        int n1 = n / 2, n2 = n - n1;
        SyrkLowerMinus(n1, k, a, lda, c, ldc, threads);
        Gemm.Update(n2, n1, k, -1.0, a + n1, lda, false, a, lda, true, c + n1, ldc, threads);
        SyrkLowerMinus(n2, k, a + n1, lda, c + n1 + (long)n1 * ldc, ldc, threads);
    }

    /// <summary>
    /// Recursive LU with partial pivoting of the m×n panel (m ≥ n) in place (Toledo 1997; LAPACK dgetrf2):
    /// ipiv[k] is the row (relative to the panel) swapped with row k.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void LuRecursive(int m, int n, double* a, int lda, int* ipiv, int threads)
    {
        if (n <= 16)
        {
            LuUnblocked(m, n, a, lda, ipiv);
            return;
        }
        int n1 = n / 2, n2 = n - n1;
        LuRecursive(m, n1, a, lda, ipiv, threads);
        SwapRows(a, lda, ipiv, 0, n1, n1, n);
        TrsmLeftLowerUnit(n1, n2, a, lda, a + (long)n1 * lda, lda, threads);
        Gemm.Update(m - n1, n2, n1, -1.0, a + n1, lda, false, a + (long)n1 * lda, lda, false, a + n1 + (long)n1 * lda, lda, threads);
        LuRecursive(m - n1, n2, a + n1 + (long)n1 * lda, lda, ipiv + n1, threads);
        for (int k = n1; k < n; k++) ipiv[k] += n1;
        SwapRows(a, lda, ipiv, n1, n, 0, n1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LuUnblocked(int m, int n, double* a, int lda, int* ipiv)
    {
        for (int k = 0; k < n; k++)
        {
            double* colk = a + (long)k * lda;
            int p = k + IndexOfMaxAbs(m - k, colk + k);
            ipiv[k] = p;
            if (p != k)
                for (int c = 0; c < n; c++)
                {
                    double* col = a + (long)c * lda;
                    (col[k], col[p]) = (col[p], col[k]);
                }
            double pivot = colk[k];
            if (pivot == 0.0 || !double.IsFinite(pivot)) continue; // reported by the caller from the diagonal
            Scale(m - k - 1, 1.0 / pivot, colk + k + 1);
            for (int c = k + 1; c < n; c++)
            {
                double* col = a + (long)c * lda;
                double akc = col[k];
                if (akc != 0.0) FmaInto(m - k - 1, -akc, colk + k + 1, col + k + 1);
            }
        }
    }

    /// <summary>
    /// Recursive Cholesky A = L·Lᵀ of the n×n lower triangle in place (LAPACK dpotrf2 structure).
    /// Returns -1 on success or the first column whose pivot is not positive (or not finite).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int CholeskyRecursive(int n, double* a, int lda, int threads)
    {
        if (n <= TrsmBase)
        {
            for (int j = 0; j < n; j++)
            {
                double* colj = a + (long)j * lda;
                double d = colj[j];
                if (!(d > 0.0) || !double.IsFinite(d)) return j;
                double ljj = Math.Sqrt(d);
                colj[j] = ljj;
                Scale(n - j - 1, 1.0 / ljj, colj + j + 1);
                for (int c = j + 1; c < n; c++)
                {
                    double* col = a + (long)c * lda;
                    double lcj = colj[c];
                    if (lcj != 0.0) Axpy(n - c, -lcj, colj + c, col + c);
                }
            }
            return -1;
        }
        int n1 = n / 2, n2 = n - n1;
        int r = CholeskyRecursive(n1, a, lda, threads);
        if (r >= 0) return r;
        TrsmRightLowerTrans(n2, n1, a, lda, a + n1, lda, threads);
        SyrkLowerMinus(n2, n1, a + n1, lda, a + n1 + (long)n1 * lda, lda, threads);
        r = CholeskyRecursive(n2, a + n1 + (long)n1 * lda, lda, threads);
        return r >= 0 ? r + n1 : -1;
    }
}
