using Optima.LinearAlgebra.Kernels;

namespace Optima.LinearAlgebra;

/// <summary>Level-3 dense operations on <see cref="DenseMatrix"/> backed by Optima's blocked SIMD GEMM kernel.</summary>
public static class DenseBlas
{
    /// <summary>The micro-kernel in use on this machine, e.g. "AVX-512 16x8".</summary>
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
