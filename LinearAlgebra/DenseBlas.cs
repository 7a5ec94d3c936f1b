using Optima.LinearAlgebra.Kernels;

namespace Optima.LinearAlgebra;

/// <summary>Level-3 dense operations on <see cref="DenseMatrix"/> backed by Optima's blocked SIMD GEMM kernel.</summary>
public static class DenseBlas
{
    /// <summary>The micro-kernel in use on this machine, e.g. "Vector512/FMA 16x8".</summary>
    public static string KernelDescription => Kernels.Gemm.KernelName;

    /// <summary>
    /// C ← α·op(A)·op(B) + β·C, where op(X) is X or Xᵀ (BLAS dgemm). Runs in parallel for large products unless
    /// <paramref name="maxDegreeOfParallelism"/> is 1.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not conform, or c shares storage with a or b (the message names the argument).</exception>
    public static void Gemm(double alpha, DenseMatrix a, bool transposeA, DenseMatrix b, bool transposeB, double beta, DenseMatrix c,
        int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        int m = transposeA ? a.Columns : a.Rows;
        int k = transposeA ? a.Rows : a.Columns;
        int kb = transposeB ? b.Columns : b.Rows;
        int n = transposeB ? b.Rows : b.Columns;
        if (kb != k) throw new ArgumentException($"op(b) has {kb} rows but op(a) has {k} columns.", nameof(b));
        if (c.Rows != m || c.Columns != n) throw new ArgumentException($"c is {c.Rows}×{c.Columns}; expected {m}×{n}.", nameof(c));
        if (ReferenceEquals(c, a) || ReferenceEquals(c.Data, a.Data)) throw new ArgumentException("c must not share storage with a.", nameof(c));
        if (ReferenceEquals(c, b) || ReferenceEquals(c.Data, b.Data)) throw new ArgumentException("c must not share storage with b.", nameof(c));
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new ArgumentException("maxDegreeOfParallelism must be -1 or positive.", nameof(maxDegreeOfParallelism));
        if (beta == 0.0) c.Clear();
        else if (beta != 1.0) System.Numerics.Tensors.TensorPrimitives.Multiply(c.Data, beta, c.Data);
        unsafe
        {
            fixed (double* pa = a.Data, pb = b.Data, pc = c.Data)
                Kernels.Gemm.Update(m, n, k, alpha, pa, Math.Max(a.Rows, 1), transposeA, pb, Math.Max(b.Rows, 1), transposeB,
                    pc, Math.Max(c.Rows, 1), maxDegreeOfParallelism);
        }
    }

    /// <summary>
    /// C ← α·op(A)·op(B) + β·C on column-major storage held in spans (BLAS dgemm with leading dimensions), for callers
    /// whose matrices live inside larger buffers (a network's weights inside its parameter vector) and must not be
    /// copied. op(A) is m×k, op(B) k×n, C m×n; A is stored m×k (lda ≥ m), or k×m when <paramref name="transposeA"/>
    /// (lda ≥ k); likewise B. When β = 0, C is overwritten (NaN in it does not propagate).
    /// </summary>
    /// <exception cref="ArgumentException">A size is negative, a leading dimension too small, a span too short, or c overlaps a or b.</exception>
    public static void Gemm(int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda, bool transposeA,
        ReadOnlySpan<double> b, int ldb, bool transposeB, double beta, Span<double> c, int ldc, int maxDegreeOfParallelism = -1)
        => SpanGemm(m, n, k, alpha, a, lda, transposeA, b, ldb, transposeB, beta, c, ldc, maxDegreeOfParallelism);

    /// <summary>
    /// Single-precision C ← α·op(A)·op(B) + β·C on column-major storage held in spans (BLAS sgemm with leading
    /// dimensions); the same blocked kernel as the double overload with twice the elements per vector register
    /// (<see cref="SingleKernelDescription"/>). Shapes, leading dimensions and β = 0 behave as in the double overload.
    /// </summary>
    /// <exception cref="ArgumentException">A size is negative, a leading dimension too small, a span too short, or c overlaps a or b.</exception>
    public static void Gemm(int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda, bool transposeA,
        ReadOnlySpan<float> b, int ldb, bool transposeB, float beta, Span<float> c, int ldc, int maxDegreeOfParallelism = -1)
        => SpanGemm(m, n, k, alpha, a, lda, transposeA, b, ldb, transposeB, beta, c, ldc, maxDegreeOfParallelism);

    /// <summary>The single-precision micro-kernel in use on this machine, e.g. "Vector512/FMA 32x8".</summary>
    public static string SingleKernelDescription => Kernels.Gemm.KernelNameOf<float>();

    private static void SpanGemm<T>(int m, int n, int k, T alpha, ReadOnlySpan<T> a, int lda, bool transposeA,
        ReadOnlySpan<T> b, int ldb, bool transposeB, T beta, Span<T> c, int ldc, int maxDegreeOfParallelism)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"Sizes must be ≥ 0 (m = {m}, n = {n}, k = {k}).", nameof(m));
        int aRows = transposeA ? k : m, aCols = transposeA ? m : k;
        int bRows = transposeB ? n : k, bCols = transposeB ? k : n;
        Require(a.Length, aRows, aCols, lda, nameof(a), nameof(lda));
        Require(b.Length, bRows, bCols, ldb, nameof(b), nameof(ldb));
        Require(c.Length, m, n, ldc, nameof(c), nameof(ldc));
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new ArgumentException("maxDegreeOfParallelism must be -1 or positive.", nameof(maxDegreeOfParallelism));
        if (m == 0 || n == 0) return;
        if (c.Overlaps(a)) throw new ArgumentException("c must not share storage with a.", nameof(c));
        if (c.Overlaps(b)) throw new ArgumentException("c must not share storage with b.", nameof(c));
        if (beta != T.One)
        {
            for (int j = 0; j < n; j++)
            {
                var col = c.Slice(j * ldc, m);
                if (beta == T.Zero) col.Clear();
                else System.Numerics.Tensors.TensorPrimitives.Multiply(col, beta, col);
            }
        }
        if (k == 0) return;
        unsafe
        {
            fixed (T* pa = a, pb = b, pc = c)
                Kernels.Gemm.Update(m, n, k, alpha, pa, Math.Max(lda, 1), transposeA, pb, Math.Max(ldb, 1), transposeB, pc, Math.Max(ldc, 1), maxDegreeOfParallelism);
        }

        static void Require(int length, int rows, int cols, int ld, string name, string ldName)
        {
            if (ld < Math.Max(1, rows)) throw new ArgumentException($"{ldName} = {ld} is smaller than the {rows} rows of {name} as stored.", ldName);
            if (rows > 0 && cols > 0 && (long)ld * (cols - 1) + rows > length)
                throw new ArgumentException($"{name} has {length} entries; a {rows}×{cols} matrix with leading dimension {ld} needs {(long)ld * (cols - 1) + rows}.", name);
        }
    }

    /// <summary>The product A·B as a new matrix.</summary>
    public static DenseMatrix Multiply(DenseMatrix a, DenseMatrix b, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var c = new DenseMatrix(a.Rows, b.Columns);
        Gemm(1.0, a, false, b, false, 0.0, c, maxDegreeOfParallelism);
        return c;
    }
}
