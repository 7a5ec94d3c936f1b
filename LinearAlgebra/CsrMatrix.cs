using System.Runtime.CompilerServices;
using MathNetMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;
using MathNetSparse = MathNet.Numerics.LinearAlgebra.Double.SparseMatrix;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace Optima.LinearAlgebra;

/// <summary>
/// A sparse matrix in compressed sparse row (CSR) form: the entries of row i are
/// <c>Values[RowPointers[i] .. RowPointers[i+1])</c> in columns <c>ColumnIndices[...]</c>.
/// </summary>
/// <remarks>
/// The storage is canonical: inside each row the column indices are strictly increasing (no duplicates), which
/// the constructor checks and <see cref="FromCoordinates"/> establishes (summing duplicates).
/// The product y = A·x runs in parallel over row blocks of balanced non-zero count when the matrix is large
/// (see <see cref="MaxDegreeOfParallelism"/>); small products run on the calling thread and allocate nothing.
/// </remarks>
public sealed class CsrMatrix : ILinearOperator
{
    private readonly int[] _rowPtr;
    private readonly int[] _colIdx;
    private readonly double[] _values;
    private int[]? _partition; // row boundaries of the parallel blocks, computed on first parallel use
    private int _partitionCount;

    /// <summary>Non-zero count from which <see cref="Multiply"/> runs in parallel (when allowed).</summary>
    public const int ParallelThreshold = 1 << 18;

    /// <summary>
    /// Wraps CSR arrays without copying. Row pointers must start at 0, be non-decreasing and end at the value
    /// count; column indices must be in range and strictly increasing within each row.
    /// </summary>
    /// <exception cref="ArgumentException">The arrays are inconsistent (the message names the row).</exception>
    public CsrMatrix(int rows, int columns, int[] rowPointers, int[] columnIndices, double[] values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        ArgumentNullException.ThrowIfNull(rowPointers);
        ArgumentNullException.ThrowIfNull(columnIndices);
        ArgumentNullException.ThrowIfNull(values);
        if (rowPointers.Length != rows + 1)
            throw new ArgumentException($"rowPointers has length {rowPointers.Length}; expected rows+1 = {rows + 1}.", nameof(rowPointers));
        if (columnIndices.Length != values.Length)
            throw new ArgumentException($"columnIndices has {columnIndices.Length} entries but values has {values.Length}.", nameof(columnIndices));
        if (rowPointers[0] != 0 || rowPointers[rows] != values.Length)
            throw new ArgumentException($"rowPointers must start at 0 and end at the value count {values.Length}.", nameof(rowPointers));
        for (int i = 0; i < rows; i++)
        {
            int start = rowPointers[i], end = rowPointers[i + 1];
            if (end < start)
                throw new ArgumentException($"rowPointers decreases at row {i}.", nameof(rowPointers));
            int previous = -1;
            for (int k = start; k < end; k++)
            {
                int c = columnIndices[k];
                if ((uint)c >= (uint)columns)
                    throw new ArgumentException($"Row {i} has column index {c}, outside 0..{columns - 1}.", nameof(columnIndices));
                if (c <= previous)
                    throw new ArgumentException($"Row {i}: column indices must be strictly increasing (found {c} after {previous}).", nameof(columnIndices));
                previous = c;
            }
        }
        Rows = rows;
        Columns = columns;
        _rowPtr = rowPointers;
        _colIdx = columnIndices;
        _values = values;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns { get; }

    /// <summary>Number of stored entries.</summary>
    public int NonZeroCount => _values.Length;

    /// <summary>Row start offsets (length <see cref="Rows"/> + 1); shared, not a copy.</summary>
    public int[] RowPointers => _rowPtr;

    /// <summary>Column index of each stored entry; shared, not a copy.</summary>
    public int[] ColumnIndices => _colIdx;

    /// <summary>Value of each stored entry; shared, not a copy.</summary>
    public double[] Values => _values;

    /// <summary>
    /// Largest number of threads <see cref="Multiply"/> may use: -1 (default) lets it decide by size
    /// (parallel from <see cref="ParallelThreshold"/> non-zeros), 1 forces the sequential, allocation-free path.
    /// </summary>
    public int MaxDegreeOfParallelism { get; set; } = -1;

    /// <summary>The entry (i, j), zero when it is not stored (binary search in row i).</summary>
    public double this[int row, int column]
    {
        get
        {
            if ((uint)row >= (uint)Rows || (uint)column >= (uint)Columns)
                throw new ArgumentOutOfRangeException(nameof(row), $"Index ({row}, {column}) is outside a {Rows}×{Columns} matrix.");
            int k = IndexOf(row, column);
            return k >= 0 ? _values[k] : 0.0;
        }
    }

    /// <summary>The position of entry (i, j) in <see cref="Values"/>, or -1 when it is not stored.</summary>
    public int IndexOf(int row, int column)
    {
        int start = _rowPtr[row];
        int k = Array.BinarySearch(_colIdx, start, _rowPtr[row + 1] - start, column);
        return k >= 0 ? k : -1;
    }

    /// <summary>
    /// Builds a canonical CSR matrix from coordinate triplets; duplicate (i, j) entries are summed.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length or an index is out of range.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, or the rows are too many for an array of row pointers.</exception>
    public static CsrMatrix FromCoordinates(int rows, int columns, ReadOnlySpan<int> rowIndices, ReadOnlySpan<int> columnIndices, ReadOnlySpan<double> values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        // rows + 1 row pointers must fit in an array (rows = int.MaxValue used to overflow into an OverflowException).
        if (rows >= Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"{rows} rows are too many for CSR storage (at most {Array.MaxLength - 1}).");
        if (rowIndices.Length != values.Length || columnIndices.Length != values.Length)
            throw new ArgumentException($"rowIndices ({rowIndices.Length}), columnIndices ({columnIndices.Length}) and values ({values.Length}) must have the same length.", nameof(values));
        int nnz = values.Length;
        var count = new int[rows + 1];
        for (int k = 0; k < nnz; k++)
        {
            int i = rowIndices[k], j = columnIndices[k];
            if ((uint)i >= (uint)rows)
                throw new ArgumentException($"Entry {k} has row index {i}, outside 0..{rows - 1}.", nameof(rowIndices));
            if ((uint)j >= (uint)columns)
                throw new ArgumentException($"Entry {k} has column index {j}, outside 0..{columns - 1}.", nameof(columnIndices));
            count[i + 1]++;
        }
        for (int i = 0; i < rows; i++) count[i + 1] += count[i];
        var next = (int[])count.Clone();
        var cols = new int[nnz];
        var vals = new double[nnz];
        for (int k = 0; k < nnz; k++)
        {
            int p = next[rowIndices[k]]++;
            cols[p] = columnIndices[k];
            vals[p] = values[k];
        }
        // Sort each row by column and merge duplicates, compacting in place.
        var rowPtr = new int[rows + 1];
        int write = 0;
        for (int i = 0; i < rows; i++)
        {
            int start = count[i], end = count[i + 1];
            Array.Sort(cols, vals, start, end - start);
            rowPtr[i] = write;
            for (int k = start; k < end; k++)
            {
                if (write > rowPtr[i] && cols[write - 1] == cols[k])
                    vals[write - 1] += vals[k];
                else
                {
                    cols[write] = cols[k];
                    vals[write] = vals[k];
                    write++;
                }
            }
        }
        rowPtr[rows] = write;
        if (write != nnz)
        {
            Array.Resize(ref cols, write);
            Array.Resize(ref vals, write);
        }
        return new CsrMatrix(rows, columns, rowPtr, cols, vals);
    }

    /// <summary>The CSR form of a dense matrix, keeping entries with |a_ij| &gt; <paramref name="dropTolerance"/> (default: all non-zeros).</summary>
    public static CsrMatrix FromDense(DenseMatrix matrix, double dropTolerance = 0.0)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int m = matrix.Rows, n = matrix.Columns;
        var rowPtr = new int[m + 1];
        var cols = new List<int>();
        var vals = new List<double>();
        double[] a = matrix.Data;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double v = a[i + j * m];
                if (Math.Abs(v) > dropTolerance || double.IsNaN(v))
                {
                    cols.Add(j);
                    vals.Add(v);
                }
            }
            rowPtr[i + 1] = cols.Count;
        }
        return new CsrMatrix(m, n, rowPtr, cols.ToArray(), vals.ToArray());
    }

    /// <summary>
    /// Converts a MathNet matrix: a MathNet sparse (CSR) matrix's arrays are copied directly; any other storage is
    /// scanned for non-zeros.
    /// </summary>
    public static CsrMatrix FromMathNet(MathNetMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.Storage is SparseCompressedRowMatrixStorage<double> s)
        {
            int m = s.RowCount;
            var rowPtr = new int[m + 1];
            Array.Copy(s.RowPointers, rowPtr, m + 1);
            int nnz = rowPtr[m];
            var cols = new int[nnz];
            var vals = new double[nnz];
            Array.Copy(s.ColumnIndices, cols, nnz);
            Array.Copy(s.Values, vals, nnz);
            return new CsrMatrix(m, s.ColumnCount, rowPtr, cols, vals);
        }
        return FromDense(DenseMatrix.FromMathNet(matrix));
    }

    /// <summary>A MathNet sparse matrix with the same entries (the arrays are copied).</summary>
    public MathNetSparse ToMathNet() =>
        new(SparseCompressedRowMatrixStorage<double>.OfCompressedSparseRowFormat(Rows, Columns, NonZeroCount,
            (int[])_rowPtr.Clone(), (int[])_colIdx.Clone(), (double[])_values.Clone()));

    /// <summary>A dense copy.</summary>
    public DenseMatrix ToDense()
    {
        var d = new DenseMatrix(Rows, Columns);
        double[] a = d.Data;
        for (int i = 0; i < Rows; i++)
            for (int k = _rowPtr[i]; k < _rowPtr[i + 1]; k++)
                a[i + _colIdx[k] * Rows] = _values[k];
        return d;
    }

    /// <summary>The n×n sparse identity.</summary>
    public static CsrMatrix Identity(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var rowPtr = new int[n + 1];
        var cols = new int[n];
        var vals = new double[n];
        for (int i = 0; i < n; i++)
        {
            rowPtr[i + 1] = i + 1;
            cols[i] = i;
            vals[i] = 1.0;
        }
        return new CsrMatrix(n, n, rowPtr, cols, vals);
    }

    /// <summary>
    /// The 2-D Poisson matrix: the 5-point Laplacian on an <paramref name="nx"/>×<paramref name="ny"/> grid with
    /// Dirichlet boundaries (4 on the diagonal, −1 for each grid neighbour), of order nx·ny. Symmetric positive definite.
    /// </summary>
    public static CsrMatrix Poisson2D(int nx, int ny)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nx, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ny, 1);
        int n = checked(nx * ny);
        var rowPtr = new int[n + 1];
        var cols = new int[checked(5 * n)];
        var vals = new double[cols.Length];
        int p = 0;
        for (int y = 0; y < ny; y++)
        {
            for (int x = 0; x < nx; x++)
            {
                int i = x + y * nx;
                if (y > 0) { cols[p] = i - nx; vals[p++] = -1; }
                if (x > 0) { cols[p] = i - 1; vals[p++] = -1; }
                cols[p] = i; vals[p++] = 4;
                if (x < nx - 1) { cols[p] = i + 1; vals[p++] = -1; }
                if (y < ny - 1) { cols[p] = i + nx; vals[p++] = -1; }
                rowPtr[i + 1] = p;
            }
        }
        Array.Resize(ref cols, p);
        Array.Resize(ref vals, p);
        return new CsrMatrix(n, n, rowPtr, cols, vals);
    }

    /// <summary>The diagonal entries (zero where none is stored), length min(Rows, Columns).</summary>
    public double[] Diagonal()
    {
        int n = Math.Min(Rows, Columns);
        var d = new double[n];
        for (int i = 0; i < n; i++)
        {
            int k = IndexOf(i, i);
            d[i] = k >= 0 ? _values[k] : 0.0;
        }
        return d;
    }

    /// <summary>The transpose, as a new CSR matrix.</summary>
    public CsrMatrix Transpose()
    {
        var rowPtr = new int[Columns + 1];
        for (int k = 0; k < _colIdx.Length; k++) rowPtr[_colIdx[k] + 1]++;
        for (int j = 0; j < Columns; j++) rowPtr[j + 1] += rowPtr[j];
        var next = (int[])rowPtr.Clone();
        var cols = new int[NonZeroCount];
        var vals = new double[NonZeroCount];
        for (int i = 0; i < Rows; i++)
            for (int k = _rowPtr[i]; k < _rowPtr[i + 1]; k++)
            {
                int p = next[_colIdx[k]]++;
                cols[p] = i;
                vals[p] = _values[k];
            }
        return new CsrMatrix(Columns, Rows, rowPtr, cols, vals);
    }

    /// <summary>True when the matrix is square and |a_ij − a_ji| ≤ tolerance·max|a| for every stored entry.</summary>
    public bool IsSymmetric(double tolerance = 0.0)
    {
        if (Rows != Columns) return false;
        double scale = MaxAbs();
        for (int i = 0; i < Rows; i++)
            for (int k = _rowPtr[i]; k < _rowPtr[i + 1]; k++)
            {
                int j = _colIdx[k];
                if (j == i) continue;
                int t = IndexOf(j, i);
                double other = t >= 0 ? _values[t] : 0.0;
                if (Math.Abs(_values[k] - other) > tolerance * scale) return false;
            }
        return true;
    }

    /// <summary>The largest absolute stored value (0 when empty).</summary>
    public double MaxAbs()
    {
        double m = 0;
        foreach (double v in _values) m = Math.Max(m, Math.Abs(v));
        return m;
    }

    /// <summary>True when every stored value is finite.</summary>
    public bool IsFinite()
    {
        foreach (double v in _values)
            if (!double.IsFinite(v)) return false;
        return true;
    }

    /// <summary>The 1-norm (largest absolute column sum).</summary>
    public double NormOne()
    {
        var sums = new double[Columns];
        for (int k = 0; k < _values.Length; k++) sums[_colIdx[k]] += Math.Abs(_values[k]);
        double m = 0;
        foreach (double s in sums) m = Math.Max(m, s);
        return m;
    }

    /// <summary>A deep copy.</summary>
    public CsrMatrix Clone() => new(Rows, Columns, (int[])_rowPtr.Clone(), (int[])_colIdx.Clone(), (double[])_values.Clone())
    {
        MaxDegreeOfParallelism = MaxDegreeOfParallelism,
    };

    /// <summary>y = A·x (parallel over row blocks for large matrices, see <see cref="MaxDegreeOfParallelism"/>).</summary>
    /// <exception cref="ArgumentException">A length does not match (the message names the argument).</exception>
    public void Multiply(ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length != Columns) throw new ArgumentException($"x has length {x.Length}; expected {Columns}.", nameof(x));
        if (y.Length != Rows) throw new ArgumentException($"y has length {y.Length}; expected {Rows}.", nameof(y));
        if (UseParallel(out int blocks))
        {
            unsafe
            {
                fixed (double* px = x, py = y)
                {
                    // The state object and its delegate are cached per matrix, so a parallel product allocates nothing.
                    var state = _spmv ??= new SpmvState(this);
                    state.X = px;
                    state.Y = py;
                    Kernels.ForkJoin.Run(blocks, state.Body, MaxDegreeOfParallelism);
                    state.X = null;
                    state.Y = null;
                }
            }
            return;
        }
        unsafe
        {
            fixed (double* px = x, py = y)
                MultiplyRows(0, Rows, px, py);
        }
    }

    /// <summary>
    /// y = A·x and returns xᵀy in the same pass (the fused product CG needs for pᵀAp); requires a square matrix.
    /// </summary>
    public double MultiplyDot(ReadOnlySpan<double> x, Span<double> y)
    {
        if (Rows != Columns) throw new InvalidOperationException("MultiplyDot needs a square matrix.");
        if (x.Length != Columns) throw new ArgumentException($"x has length {x.Length}; expected {Columns}.", nameof(x));
        if (y.Length != Rows) throw new ArgumentException($"y has length {y.Length}; expected {Rows}.", nameof(y));
        if (UseParallel(out _))
        {
            Multiply(x, y);
            return Reproducible.Dot(x, y); // the order MultiplyDotRows follows: the same bits with any thread count
        }
        unsafe
        {
            fixed (double* px = x, py = y)
                return MultiplyDotRows(0, Rows, px, py);
        }
    }

    /// <summary>y = Aᵀ·x.</summary>
    public void TransposeMultiply(ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length != Rows) throw new ArgumentException($"x has length {x.Length}; expected {Rows}.", nameof(x));
        if (y.Length != Columns) throw new ArgumentException($"y has length {y.Length}; expected {Columns}.", nameof(y));
        y.Clear();
        for (int i = 0; i < Rows; i++)
        {
            double xi = x[i];
            if (xi == 0.0) continue;
            for (int k = _rowPtr[i]; k < _rowPtr[i + 1]; k++)
                y[_colIdx[k]] += _values[k] * xi;
        }
    }

    void ILinearOperator.Apply(ReadOnlySpan<double> x, Span<double> y) => Multiply(x, y);

    /// <summary>A short description: shape and non-zero count.</summary>
    public override string ToString() => $"CsrMatrix {Rows}×{Columns}, {NonZeroCount} non-zeros";

    private bool UseParallel(out int blocks)
    {
        blocks = 0;
        if (MaxDegreeOfParallelism == 1 || NonZeroCount < ParallelThreshold) return false;
        int threads = MaxDegreeOfParallelism > 0 ? MaxDegreeOfParallelism : Environment.ProcessorCount;
        if (threads <= 1) return false;
        if (_partition is null || _partitionCount != threads)
        {
            _partition = BuildPartition(threads * 4);
            _partitionCount = threads;
        }
        blocks = _partition.Length - 1;
        return blocks > 1;
    }

    // Splits the rows into `parts` blocks with about the same number of non-zeros (plus rows, for empty rows).
    private int[] BuildPartition(int parts)
    {
        var bounds = new int[parts + 1];
        long total = (long)NonZeroCount + Rows;
        int row = 0;
        for (int p = 1; p < parts; p++)
        {
            long target = total * p / parts;
            while (row < Rows && (long)_rowPtr[row] + row < target) row++;
            bounds[p] = row;
        }
        bounds[parts] = Rows;
        return bounds;
    }

    private SpmvState? _spmv;

    private sealed unsafe class SpmvState
    {
        private readonly CsrMatrix _a;
        public double* X;
        public double* Y;
        public readonly Action<int> Body;

        public SpmvState(CsrMatrix a)
        {
            _a = a;
            Body = Run;
        }

        private void Run(int block) => _a.MultiplyRows(_a._partition![block], _a._partition[block + 1], X, Y);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void MultiplyRows(int rowStart, int rowEnd, double* x, double* y)
    {
        fixed (int* rp = _rowPtr, ci = _colIdx)
        fixed (double* va = _values)
        {
            for (int i = rowStart; i < rowEnd; i++)
                y[i] = RowDot(rp[i], rp[i + 1], ci, va, x);
        }
    }

    // Σ_k va[k]·x[ci[k]] over one row, in one order on every CPU: a row of 16 or more entries is summed in 8 partial
    // sums (entry k into sum k mod 8, fused products; AVX2 gathers 8 entries per step, the other paths compute the same
    // lanes one by one), combined as ((p0+p4)+(p2+p6)) + ((p1+p5)+(p3+p7)); the rest of the row, and every shorter row,
    // by two alternating plain sums (a 5-point stencil row gains nothing from a gather).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe double RowDot(int k, int end, int* ci, double* va, double* x)
    {
        double s0 = 0, s1 = 0;
        if (end - k >= 16)
        {
            if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
            {
                var acc0 = System.Runtime.Intrinsics.Vector256<double>.Zero;
                var acc1 = System.Runtime.Intrinsics.Vector256<double>.Zero;
                for (; k + 8 <= end; k += 8)
                {
                    var x0 = System.Runtime.Intrinsics.X86.Avx2.GatherVector256(x, System.Runtime.Intrinsics.Vector128.Load(ci + k), 8);
                    var x1 = System.Runtime.Intrinsics.X86.Avx2.GatherVector256(x, System.Runtime.Intrinsics.Vector128.Load(ci + k + 4), 8);
                    acc0 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(System.Runtime.Intrinsics.Vector256.Load(va + k), x0, acc0);
                    acc1 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(System.Runtime.Intrinsics.Vector256.Load(va + k + 4), x1, acc1);
                }
                var t = acc0 + acc1; // (p0+p4, p1+p5, p2+p6, p3+p7)
                s0 = (t[0] + t[2]) + (t[1] + t[3]);
            }
            else
            {
                double p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0;
                for (; k + 8 <= end; k += 8)
                {
                    p0 = Math.FusedMultiplyAdd(va[k], x[ci[k]], p0);
                    p1 = Math.FusedMultiplyAdd(va[k + 1], x[ci[k + 1]], p1);
                    p2 = Math.FusedMultiplyAdd(va[k + 2], x[ci[k + 2]], p2);
                    p3 = Math.FusedMultiplyAdd(va[k + 3], x[ci[k + 3]], p3);
                    p4 = Math.FusedMultiplyAdd(va[k + 4], x[ci[k + 4]], p4);
                    p5 = Math.FusedMultiplyAdd(va[k + 5], x[ci[k + 5]], p5);
                    p6 = Math.FusedMultiplyAdd(va[k + 6], x[ci[k + 6]], p6);
                    p7 = Math.FusedMultiplyAdd(va[k + 7], x[ci[k + 7]], p7);
                }
                s0 = ((p0 + p4) + (p2 + p6)) + ((p1 + p5) + (p3 + p7));
            }
        }
        for (; k + 1 < end; k += 2)
        {
            s0 += va[k] * x[ci[k]];
            s1 += va[k + 1] * x[ci[k + 1]];
        }
        if (k < end) s0 += va[k] * x[ci[k]];
        return s0 + s1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe double MultiplyDotRows(int rowStart, int rowEnd, double* x, double* y)
    {
        double* lanes = stackalloc double[Reproducible.Lanes];
        for (int j = 0; j < Reproducible.Lanes; j++) lanes[j] = 0;
        fixed (int* rp = _rowPtr, ci = _colIdx)
        fixed (double* va = _values)
        {
            for (int i = rowStart; i < rowEnd; i++)
            {
                double yi = RowDot(rp[i], rp[i + 1], ci, va, x);
                y[i] = yi;
                Reproducible.Accumulate(lanes, i, x[i], yi); // xᵀy in Reproducible.Dot's order
            }
        }
        return Reproducible.Combine(lanes);
    }
}
