using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using MathNetMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;
using MathNetDense = MathNet.Numerics.LinearAlgebra.Double.DenseMatrix;

namespace Optima.LinearAlgebra;

/// <summary>
/// A dense matrix of doubles stored in column-major order (LAPACK's and MathNet's layout): entry (i, j) lives at
/// <c>Data[i + j * Rows]</c>, so every column is one contiguous span.
/// </summary>
/// <remarks>
/// The backing array can be shared with a MathNet <see cref="MathNetDense"/> without copying
/// (<see cref="FromMathNet(MathNetMatrix)"/>, <see cref="ToMathNet"/>), which makes MathNet the interop currency
/// while Optima's own kernels work on the same memory.
/// </remarks>
public sealed class DenseMatrix : ILinearOperator
{
    private readonly double[] _data;

    /// <summary>Creates a zero matrix with the given shape.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative, or the product overflows.</exception>
    public DenseMatrix(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        long size = (long)rows * columns;
        if (size > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(rows), $"A {rows}×{columns} matrix has more entries than an array can hold.");
        Rows = rows;
        Columns = columns;
        _data = new double[size];
    }

    /// <summary>Wraps an existing column-major array without copying.</summary>
    /// <param name="rows">Number of rows.</param>
    /// <param name="columns">Number of columns.</param>
    /// <param name="columnMajorData">At least <c>rows*columns</c> entries, column after column; it is shared, not copied.</param>
    public DenseMatrix(int rows, int columns, double[] columnMajorData)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        ArgumentNullException.ThrowIfNull(columnMajorData);
        if ((long)rows * columns != columnMajorData.Length)
            throw new ArgumentException(
                $"A {rows}×{columns} matrix needs {(long)rows * columns} entries but the array has {columnMajorData.Length}.",
                nameof(columnMajorData));
        Rows = rows;
        Columns = columns;
        _data = columnMajorData;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns { get; }

    /// <summary>True when <see cref="Rows"/> equals <see cref="Columns"/>.</summary>
    public bool IsSquare => Rows == Columns;

    /// <summary>The column-major backing array (shared, not a copy).</summary>
    public double[] Data => _data;

    /// <summary>The entry in row <paramref name="row"/> and column <paramref name="column"/> (zero-based).</summary>
    public double this[int row, int column]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            CheckIndex(row, column);
            return _data[row + column * Rows];
        }
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        set
        {
            CheckIndex(row, column);
            _data[row + column * Rows] = value;
        }
    }

    /// <summary>Column <paramref name="column"/> as a contiguous span over the backing store.</summary>
    public Span<double> Column(int column)
    {
        if ((uint)column >= (uint)Columns)
            throw new ArgumentOutOfRangeException(nameof(column), $"Column {column} is outside a matrix with {Columns} columns.");
        return _data.AsSpan(column * Rows, Rows);
    }

    /// <summary>All entries, column after column.</summary>
    public Span<double> AsSpan() => _data;

    /// <summary>Sets every entry to zero.</summary>
    public void Clear() => Array.Clear(_data);

    /// <summary>Sets every entry to <paramref name="value"/>.</summary>
    public void Fill(double value) => Array.Fill(_data, value);

    /// <summary>A deep copy.</summary>
    public DenseMatrix Clone() => new(Rows, Columns, (double[])_data.Clone());

    /// <summary>Copies this matrix into <paramref name="destination"/>, which must have the same shape.</summary>
    public void CopyTo(DenseMatrix destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        RequireSameShape(destination, nameof(destination));
        _data.AsSpan().CopyTo(destination._data);
    }

    /// <summary>The n×n identity matrix.</summary>
    public static DenseMatrix Identity(int n)
    {
        var m = new DenseMatrix(n, n);
        for (int i = 0; i < n; i++) m._data[i + i * n] = 1.0;
        return m;
    }

    /// <summary>Builds a matrix from a row-major jagged/rectangular array literal (convenient in tests and examples).</summary>
    public static DenseMatrix FromRows(double[,] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int m = rows.GetLength(0), n = rows.GetLength(1);
        var a = new DenseMatrix(m, n);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
                a._data[i + j * m] = rows[i, j];
        return a;
    }

    /// <summary>
    /// Wraps a MathNet matrix. A MathNet dense matrix shares its storage (no copy); any other storage is copied.
    /// </summary>
    public static DenseMatrix FromMathNet(MathNetMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix is MathNetDense dense)
            return new DenseMatrix(dense.RowCount, dense.ColumnCount, dense.Values);
        return new DenseMatrix(matrix.RowCount, matrix.ColumnCount, matrix.ToColumnMajorArray());
    }

    /// <summary>A MathNet dense matrix over the same storage (no copy): changes to one show in the other.</summary>
    public MathNetDense ToMathNet() => new(Rows, Columns, _data);

    /// <summary>y = A·x.</summary>
    public void Multiply(ReadOnlySpan<double> x, Span<double> y)
    {
        ThrowIfLengthMismatch(x.Length, Columns, nameof(x));
        ThrowIfLengthMismatch(y.Length, Rows, nameof(y));
        y.Clear();
        for (int j = 0; j < Columns; j++)
        {
            double xj = x[j];
            if (xj == 0.0) continue;
            // y += xj * column j (a fused multiply-add over a contiguous column).
            TensorPrimitives.MultiplyAdd(_data.AsSpan(j * Rows, Rows), xj, y, y);
        }
    }

    /// <summary>y = Aᵀ·x.</summary>
    public void TransposeMultiply(ReadOnlySpan<double> x, Span<double> y)
    {
        ThrowIfLengthMismatch(x.Length, Rows, nameof(x));
        ThrowIfLengthMismatch(y.Length, Columns, nameof(y));
        for (int j = 0; j < Columns; j++)
            y[j] = Reproducible.Dot(_data.AsSpan(j * Rows, Rows), x);
    }

    /// <summary>The largest absolute entry (0 for an empty matrix).</summary>
    public double MaxAbs() => _data.Length == 0 ? 0.0 : Math.Abs(TensorPrimitives.MaxMagnitude<double>(_data));

    /// <summary>The Frobenius norm, computed without overflow or underflow for extreme entries.</summary>
    public double FrobeniusNorm() => Reproducible.Norm(_data.AsSpan());

    /// <summary>True when every entry is finite.</summary>
    public bool IsFinite()
    {
        foreach (double v in _data)
            if (!double.IsFinite(v)) return false;
        return true;
    }

    int ILinearOperator.Rows => Rows;
    int ILinearOperator.Columns => Columns;
    void ILinearOperator.Apply(ReadOnlySpan<double> x, Span<double> y) => Multiply(x, y);

    /// <summary>A short description with the shape, and the entries when the matrix is small.</summary>
    public override string ToString()
    {
        if (Rows * Columns > 64) return $"DenseMatrix {Rows}×{Columns}";
        var sb = new System.Text.StringBuilder($"DenseMatrix {Rows}×{Columns}");
        for (int i = 0; i < Rows; i++)
        {
            sb.AppendLine();
            for (int j = 0; j < Columns; j++)
                sb.Append(this[i, j].ToString("G6", System.Globalization.CultureInfo.InvariantCulture).PadLeft(13));
        }
        return sb.ToString();
    }

    private void RequireSameShape(DenseMatrix other, string name)
    {
        if (other.Rows != Rows || other.Columns != Columns)
            throw new ArgumentException($"Expected a {Rows}×{Columns} matrix but {name} is {other.Rows}×{other.Columns}.", name);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckIndex(int row, int column)
    {
        if ((uint)row >= (uint)Rows || (uint)column >= (uint)Columns)
            ThrowIndex(row, column);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowIndex(int row, int column) =>
        throw new ArgumentOutOfRangeException(nameof(row), $"Index ({row}, {column}) is outside a {Rows}×{Columns} matrix.");

    private static void ThrowIfLengthMismatch(int actual, int expected, string name)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has length {actual}; expected {expected}.", name);
    }
}
