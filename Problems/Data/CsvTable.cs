using System.Globalization;

namespace Optima.Problems.Data;

/// <summary>
/// A numeric CSV table: a header row of names (optional) and rows of numbers, each remembering its file line so that
/// messages can name it. Comma, semicolon, tab or whitespace separated; '#' comments and blank lines are skipped. A file
/// without a header must have the columns x, y[, σ] (named x, y, sigma).
/// </summary>
public sealed class CsvTable
{
    private readonly List<double[]> _rows;

    private CsvTable(string path, string[] names, bool header, List<double[]> rows, IReadOnlyList<int> lines)
    {
        Path = path;
        Names = names;
        HasHeader = header;
        _rows = rows;
        Lines = lines;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The column names: the header's, or x, y[, sigma] for a file without one.</summary>
    public string[] Names { get; }

    /// <summary>True when the first row named the columns.</summary>
    public bool HasHeader { get; }

    /// <summary>The file line (1-based) of each data row.</summary>
    public IReadOnlyList<int> Lines { get; }

    /// <summary>The index of the column called <paramref name="name"/>, or null.</summary>
    public int? IndexOf(string name)
    {
        int i = Array.IndexOf(Names, name);
        return i >= 0 ? i : null;
    }

    /// <summary>A column's index by name or 1-based number.</summary>
    /// <param name="nameOrNumber">The column's name, or its number from 1.</param>
    /// <param name="option">Prefix of the error message (e.g. the option that named the column).</param>
    /// <exception cref="ArgumentException">No such column (the message lists the known ones).</exception>
    public int Column(string nameOrNumber, string option)
    {
        if (IndexOf(nameOrNumber) is { } i) return i;
        if (int.TryParse(nameOrNumber, NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) && k >= 1 && k <= Names.Length) return k - 1;
        throw new ArgumentException($"{option}: no column '{nameOrNumber}' in {Path}; its columns are {string.Join(", ", Names)} (or 1–{Names.Length}).");
    }

    /// <summary>The values of a column.</summary>
    /// <exception cref="ArgumentException">A value is NaN or infinite (the message names the line).</exception>
    public double[] Values(int column)
    {
        var v = new double[_rows.Count];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = _rows[i][column];
            if (!double.IsFinite(v[i]))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{Path}, line {Lines[i]}: {Names[column]} is {v[i]}; data must be finite (remove or fix the row)."));
        }
        return v;
    }

    /// <summary>Reads a CSV (comma, semicolon, tab or whitespace separated; '#' comments and blank lines skipped).</summary>
    /// <exception cref="FileNotFoundException">No such file (or a directory).</exception>
    /// <exception cref="InvalidDataException">A malformed file: the message names the line and the field.</exception>
    public static CsvTable Read(string path)
    {
        if (Directory.Exists(path)) throw new FileNotFoundException($"'{path}' is a directory, not a data file.", path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Data file not found: {path}", path);
        var lines = File.ReadAllLines(path);
        string[]? names = null;
        bool header = false;
        var rows = new List<double[]>();
        var rowLines = new List<int>();
        char[] separators = [',', ';', '\t'];
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string[] fields = line.IndexOfAny(separators) >= 0
                ? line.Split(separators).Select(f => f.Trim().Trim('"')).ToArray()
                : line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (names is null)
            {
                bool numeric = fields.All(f => double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
                if (!numeric)
                {
                    // The first row is a header only when every field is a name (starts with a letter or '_');
                    // a row mixing numbers with a typo ("4.01x") or an empty field is data gone wrong, not a header.
                    static bool IsNumber(string f) => double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
                    static bool IsName(string f) => f.Length > 0 && (char.IsLetter(f[0]) || f[0] == '_') && !IsNumber(f);
                    const string rule = "The first row must be all numbers (data) or all names starting with a letter (a header).";
                    int empty = Array.FindIndex(fields, f => f.Length == 0);
                    if (empty >= 0)
                        throw new InvalidDataException($"{path}, line {i + 1}: field {empty + 1} is empty. {rule}");
                    int bad = Array.FindIndex(fields, f => !IsNumber(f) && !IsName(f));
                    if (bad >= 0)
                        throw new InvalidDataException($"{path}, line {i + 1}: '{Shorten(fields[bad])}' (field {bad + 1}) is neither a number nor a column name. {rule}");
                    int number = Array.FindIndex(fields, IsNumber);
                    if (number >= 0)
                    {
                        int name = Array.FindIndex(fields, IsName);
                        throw new InvalidDataException($"{path}, line {i + 1}: the row mixes numbers ('{Shorten(fields[number])}', field {number + 1}) and names ('{Shorten(fields[name])}', field {name + 1}). {rule}");
                    }
                    names = fields;
                    header = true;
                    if (names.Distinct().Count() != names.Length) throw new InvalidDataException($"{path}, line {i + 1}: the header repeats a column name.");
                    continue;
                }
                names = fields.Length switch
                {
                    2 => ["x", "y"],
                    3 => ["x", "y", "sigma"],
                    _ => throw new InvalidDataException($"{path}, line {i + 1}: a file without a header row must have the columns x, y[, σ] (2 or 3 fields), but this row has {fields.Length}; add a header row naming the columns."),
                };
            }
            if (fields.Length != names.Length)
                throw new InvalidDataException($"{path}, line {i + 1}: expected {names.Length} fields ({string.Join(", ", names)}) but found {fields.Length}.");
            var row = new double[fields.Length];
            for (int c = 0; c < fields.Length; c++)
                if (!double.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out row[c]))
                    throw new InvalidDataException($"{path}, line {i + 1}: '{Shorten(fields[c])}' in column {Shorten(names[c])} is not a number.");
            rows.Add(row);
            rowLines.Add(i + 1);
        }
        if (names is null || rows.Count == 0) throw new InvalidDataException($"{path}: no data rows.");
        return new CsvTable(path, names, header, rows, rowLines);
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..37] + "...";
}
