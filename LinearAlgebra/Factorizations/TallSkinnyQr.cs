using System.Runtime.CompilerServices;
using Optima.LinearAlgebra.Kernels;

namespace Optima.LinearAlgebra.Factorizations;

/// <summary>
/// The triangular factor R of a tall, skinny matrix A = QR (m ≫ q columns) computed by streaming A once in row blocks
/// (a TSQR: Demmel, Grigori, Hoemmen and Langou, "Communication-optimal parallel and sequential QR and LU
/// factorizations", SIAM J. Sci. Comput. 34, 2012). Each block of rows is folded into the running q×q triangle by
/// Householder reflections on [R; block] (LAPACK's <c>tpqrt</c> structure), so the work stays in the L1 cache and A
/// is read from memory once; Q is never formed. Backward stable like Householder QR of A itself.
/// </summary>
/// <remarks>
/// <para>The rows are cut into fixed chunks (<see cref="ChunkRows"/>) whose triangles are combined in chunk order, so
/// the result is the same bits whatever the number of threads. The chunks run in parallel when
/// <c>threads</c> allows and the matrix is large enough; nothing is allocated for a single chunk beyond a small
/// per-call work block.</para>
/// <para>Used by least-squares methods that need only R and Qᵀr: factoring [J r] gives R (its leading q−1 columns)
/// and Qᵀr (its last column) in one pass over the Jacobian.</para>
/// </remarks>
public static unsafe class TallSkinnyQr
{
    /// <summary>Rows per chunk: the unit of parallel work and of the fixed combination order.</summary>
    public const int ChunkRows = 1 << 16;

    private const int BlockRows = 256;

    /// <summary>Entries of one work block (16 KiB): rows per block = this / q, between 16 and <see cref="BlockRows"/>.</summary>
    private const int BlockBudget = 2048;

    /// <summary>Below this many entries (m·q) the chunks run on the calling thread.</summary>
    private const long ParallelThreshold = 1 << 19;

    /// <summary>
    /// Writes the q×q upper-triangular factor R (column-major, strict lower triangle zero) of the m×q matrix whose
    /// columns are the columns of <paramref name="a"/> followed, when not empty, by <paramref name="extra"/>:
    /// q = a.Columns (+ 1). The diagonal of R may have either sign. A is not modified.
    /// </summary>
    /// <param name="a">The m×n matrix (column-major).</param>
    /// <param name="extra">An optional (m-vector) last column, e.g. the residuals; empty for none.</param>
    /// <param name="r">Receives R: length at least q².</param>
    /// <param name="threads">Maximum threads for the chunks (≤ 0: all cores; 1: the calling thread only).</param>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    public static void Factorize(DenseMatrix a, ReadOnlySpan<double> extra, Span<double> r, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(a);
        int m = a.Rows, n = a.Columns, q = n + (extra.IsEmpty ? 0 : 1);
        if (!extra.IsEmpty && extra.Length != m)
            throw new ArgumentException($"The extra column has length {extra.Length}; the matrix has {m} rows.", nameof(extra));
        if (r.Length < q * q) throw new ArgumentException($"R needs {q * q} entries, not {r.Length}.", nameof(r));
        var result = r[..(q * q)];
        result.Clear();
        if (q == 0 || m == 0) return;
        int chunks = (m + ChunkRows - 1) / ChunkRows;
        fixed (double* pa = a.Data, pe = extra, pr = result)
        {
            var source = new Source(pa, m, n, extra.IsEmpty ? null : pe);
            if (chunks == 1)
            {
                FoldRows(source, 0, m, pr, q);
                return;
            }
            // One triangle per chunk (fixed boundaries), folded into the result in chunk order.
            bool parallel = threads != 1 && (long)m * q >= ParallelThreshold;
            if (!parallel)
            {
                // On the calling thread: each chunk's triangle is folded in as soon as it is done (nothing allocated).
                Span<double> chunk = q * q <= 4096 ? stackalloc double[q * q] : new double[q * q];
                fixed (double* pc = chunk)
                {
                    for (int c = 0; c < chunks; c++)
                    {
                        int start = c * ChunkRows;
                        chunk.Clear();
                        FoldRows(source, start, Math.Min(m, start + ChunkRows) - start, pc, q);
                        FoldBlock(pr, q, pc, q, q);
                    }
                }
                return;
            }
            // The chunks' triangles and the fork-join body are kept per calling thread and reused, so repeated
            // factorizations (one per solver iteration) allocate nothing once the buffer is large enough.
            var fold = _parallelFold ??= new ParallelFold();
            int needed = chunks * q * q;
            if (fold.Triangles.Length < needed) fold.Triangles = new double[needed];
            var triangles = fold.Triangles.AsSpan(0, needed);
            triangles.Clear();
            fixed (double* pt = triangles)
            {
                fold.Set(source, pt, q);
                try
                {
                    ForkJoin.Run(chunks, fold.Body, threads);
                }
                finally
                {
                    fold.Set(default, null, 0);
                }
                for (int c = 0; c < chunks; c++) FoldBlock(pr, q, pt + (long)c * q * q, q, q);
            }
        }
    }

    [ThreadStatic] private static ParallelFold? _parallelFold;

    /// <summary>The state of a parallel factorization: the per-chunk triangles and a body created once.</summary>
    private sealed class ParallelFold
    {
        public double[] Triangles = [];
        public readonly Action<int> Body;
        private Source _source;
        private double* _triangles;
        private int _q;

        public ParallelFold() => Body = Fold;

        public void Set(Source source, double* triangles, int q)
        {
            _source = source;
            _triangles = triangles;
            _q = q;
        }

        private void Fold(int c)
        {
            int start = c * ChunkRows, m = _source.M;
            FoldRows(_source, start, Math.Min(m, start + ChunkRows) - start, _triangles + (long)c * _q * _q, _q);
        }
    }

    /// <summary>The columns of the streamed matrix: a's data (column-major, m rows) and an optional extra column.</summary>
    private readonly struct Source(double* a, int m, int n, double* extra)
    {
        public readonly double* A = a;
        public readonly int M = m, N = n;
        public readonly double* Extra = extra;
    }

    /// <summary>Folds rows [start, start + count) of the source into the triangle <paramref name="r"/> (q×q, zeroed by the caller).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FoldRows(Source s, int start, int count, double* r, int q)
    {
        int rows = Math.Clamp(BlockBudget / q, 16, BlockRows);
        if (rows * q > 16 * BlockBudget)
        {
            // Very wide: a heap block (pinned) instead of a large stack allocation.
            fixed (double* heap = new double[rows * q]) FoldRowsInto(s, start, count, r, q, heap, rows);
            return;
        }
        var block = stackalloc double[rows * q];
        FoldRowsInto(s, start, count, r, q, block, rows);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FoldRowsInto(Source s, int start, int count, double* r, int q, double* block, int rows)
    {
        for (int i0 = start; i0 < start + count; i0 += rows)
        {
            int b = Math.Min(rows, start + count - i0);
            for (int j = 0; j < s.N; j++)
                new ReadOnlySpan<double>(s.A + (long)j * s.M + i0, b).CopyTo(new Span<double>(block + j * b, b));
            if (s.Extra != null)
                new ReadOnlySpan<double>(s.Extra + i0, b).CopyTo(new Span<double>(block + s.N * b, b));
            FoldBlock(r, q, block, b, b);
        }
    }

    /// <summary>
    /// Householder QR of [R; B] for the q×q upper triangle R and the b×q block B (column-major, leading dimension
    /// <paramref name="ldb"/>): R is overwritten by the new triangle, B by the reflectors' tails.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FoldBlock(double* r, int q, double* block, int b, int ldb)
    {
        for (int k = 0; k < q; k++)
        {
            double* x = block + k * ldb;
            // The reflector's head is R's diagonal entry and its tail the block column: v = [1; x scaled].
            double tau = Householder.Generate(b, r + k + k * q, x);
            if (tau == 0) continue;
            for (int j = k + 1; j < q; j++)
            {
                double* c = block + j * ldb;
                double w = r[k + j * q] + Dense.Dot(b, x, c);
                double tw = tau * w;
                r[k + j * q] -= tw;
                Dense.Axpy(b, -tw, x, c);
            }
        }
    }
}
