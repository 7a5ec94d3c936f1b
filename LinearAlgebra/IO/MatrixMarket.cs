using System.Globalization;

namespace Optima.LinearAlgebra.IO;

/// <summary>A Matrix Market file that cannot be read; <see cref="LineNumber"/> says where (1-based, 0 when unknown).</summary>
public sealed class MatrixMarketFormatException : FormatException
{
    /// <summary>Creates the exception; the message is prefixed with the source and line number.</summary>
    public MatrixMarketFormatException(string? source, int lineNumber, string message)
        : base($"{source ?? "Matrix Market input"}, line {lineNumber}: {message}")
    {
        LineNumber = lineNumber;
        SourceName = source;
    }

    /// <summary>The 1-based line at fault (0 when the problem is not tied to a line).</summary>
    public int LineNumber { get; }

    /// <summary>The file name or other label of the input, when known.</summary>
    public string? SourceName { get; }
}

/// <summary>Storage format in a Matrix Market banner.</summary>
public enum MatrixMarketFormat
{
    /// <summary>Sparse: one <c>i j value</c> triplet per line (1-based indices).</summary>
    Coordinate,
    /// <summary>Dense: all values column after column (the lower triangle only when symmetric).</summary>
    Array,
}

/// <summary>Symmetry in a Matrix Market banner.</summary>
public enum MatrixMarketSymmetry
{
    /// <summary>Every entry is stored.</summary>
    General,
    /// <summary>Only the lower triangle is stored; a_ji = a_ij.</summary>
    Symmetric,
    /// <summary>Only the strict lower triangle is stored; a_ji = −a_ij.</summary>
    SkewSymmetric,
}

/// <summary>What a Matrix Market banner and size line declare.</summary>
/// <param name="Format">Coordinate or array.</param>
/// <param name="Field">"real" or "integer" (the supported fields).</param>
/// <param name="Symmetry">General, symmetric or skew-symmetric.</param>
/// <param name="Rows">Number of rows.</param>
/// <param name="Columns">Number of columns.</param>
/// <param name="Entries">Stored entries declared (coordinate), or values expected (array).</param>
public sealed record MatrixMarketHeader(MatrixMarketFormat Format, string Field, MatrixMarketSymmetry Symmetry, int Rows, int Columns, long Entries);

/// <summary>
/// Reads and writes the NIST Matrix Market exchange format (coordinate and array; real and integer fields;
/// general, symmetric and skew-symmetric). Reference: Boisvert, Pozo, Remington, "The Matrix Market Exchange
/// Formats: Initial Design" (NISTIR 5935, 1996). Errors are <see cref="MatrixMarketFormatException"/>s naming the line.
/// </summary>
public static class MatrixMarket
{
    /// <summary>
    /// Reads a matrix file into CSR form (symmetric storage is expanded to both triangles). Untrusted sizes are
    /// checked before anything is allocated: the declared entries must fit in the file and be present, and the rows
    /// at most 4 × the entries + <see cref="MaxEmptyDimension"/>.
    /// </summary>
    public static CsrMatrix ReadSparse(string path)
    {
        using var reader = Open(path, out long length);
        return ToCsr(Parse(reader, Path.GetFileName(path), length, out _), Path.GetFileName(path));
    }

    /// <summary>Reads a matrix from a text reader into CSR form; <paramref name="sourceName"/> labels error messages.</summary>
    public static CsrMatrix ReadSparse(TextReader reader, string? sourceName = null)
    {
        return ToCsr(Parse(reader, sourceName, -1, out _), sourceName);
    }

    /// <summary>
    /// How large a mostly empty matrix may be: the rows of a sparse matrix (each costs a row pointer) and the
    /// length of a vector may exceed 4 × the entries stored in the file by at most this much (2²⁰).
    /// With the entries checked against the file's length, memory stays a small multiple of the file's size plus a
    /// few MB, whatever the size line declares.
    /// </summary>
    public const int MaxEmptyDimension = 1 << 20;

    /// <summary>
    /// How large a dense matrix read from a coordinate file may be beyond 16 values per stored entry: 2²² values
    /// (32 MB, e.g. 2048 × 2048).
    /// </summary>
    public const int MaxEmptyDenseSize = 1 << 22;

    private static void CheckEmptySpace(long size, Triplets t, long perEntry, long allowance, string what, string? sourceName)
    {
        if (size > perEntry * t.Count + allowance)
            throw new MatrixMarketFormatException(sourceName, 2,
                $"the size line declares {t.Rows}×{t.Columns} ({size} {what}) but the file stores only {t.Count} entries: at most {perEntry} × entries + {allowance} {what} are read, so a nearly empty matrix cannot claim unbounded memory.");
    }

    private static CsrMatrix ToCsr(Triplets t, string? sourceName)
    {
        // CSR keeps rows + 1 row pointers: a row count that cannot be indexed is refused before anything is allocated.
        if (t.Rows >= Array.MaxLength)
            throw new MatrixMarketFormatException(sourceName, 2, $"{t.Rows} rows are too many for sparse (CSR) storage (at most {Array.MaxLength - 1}).");
        CheckEmptySpace(t.Rows, t, 4, MaxEmptyDimension, "rows", sourceName);
        return CsrMatrix.FromCoordinates(t.Rows, t.Columns, t.I.AsSpan(0, t.Count), t.J.AsSpan(0, t.Count), t.V.AsSpan(0, t.Count));
    }

    /// <summary>Reads a matrix file into a dense matrix.</summary>
    public static DenseMatrix ReadDense(string path)
    {
        using var reader = Open(path, out long length);
        return ToDense(Parse(reader, Path.GetFileName(path), length, out _), Path.GetFileName(path));
    }

    /// <summary>Reads a matrix from a text reader into a dense matrix (duplicate coordinate entries are summed).</summary>
    public static DenseMatrix ReadDense(TextReader reader, string? sourceName = null)
    {
        return ToDense(Parse(reader, sourceName, -1, out _), sourceName);
    }

    private static DenseMatrix ToDense(Triplets t, string? sourceName)
    {
        CheckEmptySpace((long)t.Rows * t.Columns, t, 16, MaxEmptyDenseSize, "values in dense form", sourceName);
        if ((long)t.Rows * t.Columns > Array.MaxLength)
            throw new MatrixMarketFormatException(sourceName, 2, $"a {t.Rows}×{t.Columns} matrix is too large to hold densely ({(long)t.Rows * t.Columns} values; at most {Array.MaxLength}).");
        var d = new DenseMatrix(t.Rows, t.Columns);
        for (int k = 0; k < t.Count; k++) d.Data[t.I[k] + t.J[k] * t.Rows] += t.V[k];
        return d;
    }

    /// <summary>Reads a vector: an n×1 (or 1×n) matrix in either format.</summary>
    public static double[] ReadVector(string path)
    {
        using var reader = Open(path, out long length);
        return ReadVector(reader, Path.GetFileName(path), length);
    }

    /// <summary>Reads a vector from a text reader: an n×1 (or 1×n) matrix in either format.</summary>
    public static double[] ReadVector(TextReader reader, string? sourceName = null) => ReadVector(reader, sourceName, -1);

    private static double[] ReadVector(TextReader reader, string? sourceName, long length)
    {
        var t = Parse(reader, sourceName, length, out var header);
        if (t.Rows != 1 && t.Columns != 1)
            throw new MatrixMarketFormatException(sourceName, 2, $"expected a vector (n×1 or 1×n) but the size is {header.Rows}×{header.Columns}.");
        long n = t.Rows == 0 || t.Columns == 0 ? 0 : Math.Max(t.Rows, t.Columns);
        CheckEmptySpace(n, t, 4, MaxEmptyDimension, "entries", sourceName);
        var v = new double[n];
        for (int k = 0; k < t.Count; k++) v[t.Columns == 1 ? t.I[k] : t.J[k]] += t.V[k];
        return v;
    }

    /// <summary>
    /// Reads only the banner and size line of a file: a caller that must bound what it allocates checks the declared
    /// size here before reading the entries.
    /// </summary>
    public static MatrixMarketHeader ReadHeader(string path)
    {
        using var reader = Open(path, out long length);
        int line = 0;
        var header = ReadHeaderCore(reader, Path.GetFileName(path), ref line);
        CheckAgainstLength(header, length, Path.GetFileName(path), line);
        return header;
    }

    /// <summary>Reads only the banner and size line.</summary>
    public static MatrixMarketHeader ReadHeader(TextReader reader, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int line = 0;
        return ReadHeaderCore(reader, sourceName, ref line);
    }

    /// <summary>
    /// Writes a sparse matrix in coordinate format with 17 significant digits. With <paramref name="symmetric"/>,
    /// only the lower triangle is written under a <c>symmetric</c> banner (the matrix must then be symmetric).
    /// </summary>
    public static void Write(string path, CsrMatrix matrix, bool symmetric = false, string? comment = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var writer = new StreamWriter(path);
        Write(writer, matrix, symmetric, comment);
    }

    /// <summary>Writes a sparse matrix in coordinate format to a text writer.</summary>
    public static void Write(TextWriter writer, CsrMatrix matrix, bool symmetric = false, string? comment = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(matrix);
        if (symmetric && !matrix.IsSymmetric())
            throw new ArgumentException("The matrix is not symmetric, so it cannot be written with a symmetric banner.", nameof(symmetric));
        writer.Write("%%MatrixMarket matrix coordinate real ");
        writer.WriteLine(symmetric ? "symmetric" : "general");
        WriteComment(writer, comment);
        int[] rp = matrix.RowPointers, ci = matrix.ColumnIndices;
        double[] va = matrix.Values;
        long count = 0;
        for (int i = 0; i < matrix.Rows; i++)
            for (int k = rp[i]; k < rp[i + 1]; k++)
                if (!symmetric || ci[k] <= i) count++;
        writer.WriteLine($"{matrix.Rows} {matrix.Columns} {count}");
        // Symmetric files list the lower triangle column by column; general ones are written row by row.
        var source = symmetric ? matrix.Transpose() : matrix;
        rp = source.RowPointers; ci = source.ColumnIndices; va = source.Values;
        for (int i = 0; i < source.Rows; i++)
            for (int k = rp[i]; k < rp[i + 1]; k++)
            {
                if (symmetric && ci[k] < i) continue;
                int row = symmetric ? ci[k] : i, col = symmetric ? i : ci[k];
                writer.Write((row + 1).ToString(CultureInfo.InvariantCulture));
                writer.Write(' ');
                writer.Write((col + 1).ToString(CultureInfo.InvariantCulture));
                writer.Write(' ');
                writer.WriteLine(FormatValue(va[k]));
            }
    }

    /// <summary>Writes a dense matrix in array format (column after column, 17 significant digits).</summary>
    public static void Write(string path, DenseMatrix matrix, string? comment = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var writer = new StreamWriter(path);
        Write(writer, matrix, comment);
    }

    /// <summary>Writes a dense matrix in array format to a text writer.</summary>
    public static void Write(TextWriter writer, DenseMatrix matrix, string? comment = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(matrix);
        writer.WriteLine("%%MatrixMarket matrix array real general");
        WriteComment(writer, comment);
        writer.WriteLine($"{matrix.Rows} {matrix.Columns}");
        foreach (double v in matrix.Data) writer.WriteLine(FormatValue(v));
    }

    /// <summary>Writes a vector as an n×1 array.</summary>
    public static void WriteVector(string path, ReadOnlySpan<double> vector, string? comment = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var writer = new StreamWriter(path);
        WriteVector(writer, vector, comment);
    }

    /// <summary>Writes a vector as an n×1 array to a text writer.</summary>
    public static void WriteVector(TextWriter writer, ReadOnlySpan<double> vector, string? comment = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine("%%MatrixMarket matrix array real general");
        WriteComment(writer, comment);
        writer.WriteLine($"{vector.Length} 1");
        foreach (double v in vector) writer.WriteLine(FormatValue(v));
    }

    private static string FormatValue(double v) => v.ToString("G17", CultureInfo.InvariantCulture);

    private static void WriteComment(TextWriter writer, string? comment)
    {
        if (string.IsNullOrEmpty(comment)) return;
        foreach (var line in comment.Split('\n'))
        {
            writer.Write('%');
            writer.WriteLine(line.TrimEnd('\r'));
        }
    }

    private sealed class Triplets(int rows, int columns, int capacity)
    {
        public readonly int Rows = rows, Columns = columns;
        public int[] I = new int[capacity];
        public int[] J = new int[capacity];
        public double[] V = new double[capacity];
        public int Count;

        public void Add(int i, int j, double v)
        {
            if (Count == I.Length)
            {
                if (Count == Array.MaxLength) throw new InvalidOperationException("More entries than an array can hold.");
                int size = (int)Math.Min(Array.MaxLength, Math.Max(16L, I.Length * 2L));
                Array.Resize(ref I, size);
                Array.Resize(ref J, size);
                Array.Resize(ref V, size);
            }
            I[Count] = i; J[Count] = j; V[Count] = v; Count++;
        }
    }

    private static MatrixMarketHeader ReadHeaderCore(TextReader reader, string? source, ref int line)
    {
        string? banner = reader.ReadLine();
        line = 1;
        if (banner is null) throw new MatrixMarketFormatException(source, 1, "the input is empty; expected a '%%MatrixMarket' banner.");
        var words = banner.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 5 || !words[0].Equals("%%MatrixMarket", StringComparison.OrdinalIgnoreCase))
            throw new MatrixMarketFormatException(source, 1, $"expected '%%MatrixMarket matrix <format> <field> <symmetry>' but found '{Truncate(banner)}'.");
        if (!words[1].Equals("matrix", StringComparison.OrdinalIgnoreCase))
            throw new MatrixMarketFormatException(source, 1, $"object '{words[1]}' is not supported; only 'matrix'.");
        MatrixMarketFormat format = words[2].ToLowerInvariant() switch
        {
            "coordinate" => MatrixMarketFormat.Coordinate,
            "array" => MatrixMarketFormat.Array,
            _ => throw new MatrixMarketFormatException(source, 1, $"format '{words[2]}' is unknown; expected 'coordinate' or 'array'."),
        };
        string field = words[3].ToLowerInvariant();
        if (field is "pattern" or "complex")
            throw new MatrixMarketFormatException(source, 1, $"field '{field}' is not supported; only 'real' and 'integer' matrices can be read.");
        if (field is not ("real" or "integer" or "double"))
            throw new MatrixMarketFormatException(source, 1, $"field '{words[3]}' is unknown; expected 'real' or 'integer'.");
        MatrixMarketSymmetry symmetry = words[4].ToLowerInvariant() switch
        {
            "general" => MatrixMarketSymmetry.General,
            "symmetric" => MatrixMarketSymmetry.Symmetric,
            "skew-symmetric" => MatrixMarketSymmetry.SkewSymmetric,
            "hermitian" => throw new MatrixMarketFormatException(source, 1, "symmetry 'hermitian' applies to complex matrices, which are not supported."),
            _ => throw new MatrixMarketFormatException(source, 1, $"symmetry '{words[4]}' is unknown; expected 'general', 'symmetric' or 'skew-symmetric'."),
        };
        if (format == MatrixMarketFormat.Array && symmetry == MatrixMarketSymmetry.SkewSymmetric)
            throw new MatrixMarketFormatException(source, 1, "skew-symmetric array files are not supported.");

        string? text;
        while ((text = reader.ReadLine()) is not null)
        {
            line++;
            var s = text.AsSpan().Trim();
            if (s.IsEmpty || s[0] == '%') continue;
            break;
        }
        if (text is null) throw new MatrixMarketFormatException(source, line, "the size line is missing.");
        var span = text.AsSpan();
        int pos = 0;
        int expected = format == MatrixMarketFormat.Coordinate ? 3 : 2;
        long rows = ParseLong(span, ref pos, source, line, "row count");
        long cols = ParseLong(span, ref pos, source, line, "column count");
        long entries = format == MatrixMarketFormat.Coordinate ? ParseLong(span, ref pos, source, line, "entry count") : 0;
        if (!RestIsBlank(span, pos))
            throw new MatrixMarketFormatException(source, line, $"the size line should hold {expected} integers but has more: '{Truncate(text)}'.");
        if (rows < 0 || cols < 0 || entries < 0)
            throw new MatrixMarketFormatException(source, line, $"sizes cannot be negative: '{Truncate(text)}'.");
        if (rows > int.MaxValue || cols > int.MaxValue)
            throw new MatrixMarketFormatException(source, line, $"a {rows}×{cols} matrix is too large: at most {int.MaxValue} rows and columns.");
        if (format == MatrixMarketFormat.Array) entries = rows * cols; // both ≤ 2³¹ − 1: the product fits a long
        if (symmetry != MatrixMarketSymmetry.General && rows != cols)
            throw new MatrixMarketFormatException(source, line, $"a {words[4]} matrix must be square but the size is {rows}×{cols}.");
        if (format == MatrixMarketFormat.Array && symmetry == MatrixMarketSymmetry.Symmetric)
            entries = rows * (rows + 1) / 2;
        if (format == MatrixMarketFormat.Coordinate && entries > rows * cols)
            throw new MatrixMarketFormatException(source, line, $"{entries} entries cannot fit in a {rows}×{cols} matrix.");
        if (format == MatrixMarketFormat.Array && entries > Array.MaxLength)
            throw new MatrixMarketFormatException(source, line, $"a {rows}×{cols} array matrix is too large.");
        return new MatrixMarketHeader(format, field, symmetry, (int)rows, (int)cols, entries);
    }

    /// <summary>
    /// Fewest characters one entry line takes: "i j v" and a line end for coordinate files, "v" and a line end for
    /// array files (the last line may lack its line end, hence the + 1 in <see cref="CheckAgainstLength"/>).
    /// </summary>
    private static int MinEntryChars(MatrixMarketFormat format) => format == MatrixMarketFormat.Coordinate ? 6 : 2;

    /// <summary>The size line's entry count must fit in the rest of a file of known length (in bytes; -1 when unknown).</summary>
    private static void CheckAgainstLength(MatrixMarketHeader header, long length, string? source, int line)
    {
        if (length < 0) return;
        long most = (length + 1) / MinEntryChars(header.Format);
        if (header.Entries > most)
            throw new MatrixMarketFormatException(source, line,
                $"the size line declares {header.Entries} entries ({header.Rows}×{header.Columns}) but the file has only {length} bytes, room for at most {most}.");
    }

    private static StreamReader Open(string path, out long length)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) throw new FileNotFoundException($"'{path}' is a directory, not a Matrix Market file.", path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Matrix Market file not found: {path}", path);
        var reader = new StreamReader(path);
        length = reader.BaseStream.CanSeek ? reader.BaseStream.Length : -1;
        return reader;
    }

    private static Triplets Parse(TextReader reader, string? source, long length, out MatrixMarketHeader header)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int line = 0;
        header = ReadHeaderCore(reader, source, ref line);
        CheckAgainstLength(header, length, source, line);
        bool coordinate = header.Format == MatrixMarketFormat.Coordinate;
        var sym = header.Symmetry;
        // Storage grows with the entries actually read: the size line alone never decides an allocation, unless
        // the file's length has already shown that the declared entries fit in it.
        long stored = header.Entries * (sym == MatrixMarketSymmetry.General ? 1 : 2);
        int capacity = (int)Math.Min(stored, length >= 0 ? 1 << 26 : 4096);
        var t = new Triplets(header.Rows, header.Columns, capacity);
        long read = 0;
        // Array position: column-major over the full matrix, or over the lower triangle when symmetric.
        int ai = 0, aj = 0;
        string? text;
        while ((text = reader.ReadLine()) is not null)
        {
            line++;
            var span = text.AsSpan();
            var trimmed = span.Trim();
            if (trimmed.IsEmpty || trimmed[0] == '%') continue;
            if (read >= header.Entries)
                throw new MatrixMarketFormatException(source, line, $"more entries than the {header.Entries} the size line declares.");
            int pos = 0;
            int i, j;
            if (coordinate)
            {
                long li = ParseLong(span, ref pos, source, line, "row index");
                long lj = ParseLong(span, ref pos, source, line, "column index");
                if (li < 1 || li > header.Rows)
                    throw new MatrixMarketFormatException(source, line, $"row index {li} is outside 1..{header.Rows}.");
                if (lj < 1 || lj > header.Columns)
                    throw new MatrixMarketFormatException(source, line, $"column index {lj} is outside 1..{header.Columns}.");
                i = (int)li - 1;
                j = (int)lj - 1;
            }
            else
            {
                i = ai;
                j = aj;
            }
            double v = ParseDouble(span, ref pos, source, line);
            if (!RestIsBlank(span, pos))
                throw new MatrixMarketFormatException(source, line, $"unexpected text after the value: '{Truncate(text)}'.");
            if (sym == MatrixMarketSymmetry.SkewSymmetric && i == j)
                throw new MatrixMarketFormatException(source, line, $"a skew-symmetric matrix cannot store a diagonal entry ({i + 1}, {j + 1}).");
            t.Add(i, j, v);
            if (sym != MatrixMarketSymmetry.General && i != j)
                t.Add(j, i, sym == MatrixMarketSymmetry.SkewSymmetric ? -v : v);
            read++;
            if (!coordinate)
            {
                ai++;
                if (ai == header.Rows)
                {
                    aj++;
                    ai = sym == MatrixMarketSymmetry.Symmetric ? aj : 0;
                }
            }
        }
        if (read < header.Entries)
            throw new MatrixMarketFormatException(source, line, $"the input ends after {read} entries but the size line declares {header.Entries}.");
        return t;
    }

    private static bool RestIsBlank(ReadOnlySpan<char> s, int pos) => s[pos..].Trim().IsEmpty;

    private static ReadOnlySpan<char> NextToken(ReadOnlySpan<char> s, ref int pos)
    {
        while (pos < s.Length && char.IsWhiteSpace(s[pos])) pos++;
        int start = pos;
        while (pos < s.Length && !char.IsWhiteSpace(s[pos])) pos++;
        return s[start..pos];
    }

    private static long ParseLong(ReadOnlySpan<char> s, ref int pos, string? source, int line, string what)
    {
        var token = NextToken(s, ref pos);
        if (token.IsEmpty) throw new MatrixMarketFormatException(source, line, $"the {what} is missing.");
        if (!long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            throw new MatrixMarketFormatException(source, line, $"the {what} '{token.ToString()}' is not an integer.");
        return value;
    }

    private static double ParseDouble(ReadOnlySpan<char> s, ref int pos, string? source, int line)
    {
        var token = NextToken(s, ref pos);
        if (token.IsEmpty) throw new MatrixMarketFormatException(source, line, "the value is missing.");
        if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            // Fortran-style exponents (1.0D+03) appear in old Harwell-Boeing conversions.
            Span<char> copy = stackalloc char[token.Length];
            token.CopyTo(copy);
            for (int k = 0; k < copy.Length; k++) if (copy[k] is 'D' or 'd') copy[k] = 'E';
            if (!double.TryParse(copy, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
                throw new MatrixMarketFormatException(source, line, $"the value '{token.ToString()}' is not a number.");
        }
        return value;
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
