using System.Globalization;
using System.Text.RegularExpressions;

namespace Optima.Problems.Nist;

/// <summary>NIST's rating of a StRD nonlinear-regression problem.</summary>
public enum NistDifficulty
{
    /// <summary>Lower level of difficulty.</summary>
    Lower,
    /// <summary>Average level of difficulty.</summary>
    Average,
    /// <summary>Higher level of difficulty.</summary>
    Higher,
}

/// <summary>
/// One problem of the NIST Statistical Reference Datasets for nonlinear regression, parsed from NIST's <c>.dat</c>
/// file: the model, two starting points, the certified parameter values and standard deviations, the certified
/// residual sum of squares, and the data.
/// </summary>
public sealed partial record NistDataset
{
    /// <summary>Dataset name, e.g. "Misra1a".</summary>
    public required string Name { get; init; }

    /// <summary>NIST's difficulty rating.</summary>
    public required NistDifficulty Difficulty { get; init; }

    /// <summary>The model as NIST writes it, e.g. <c>y = b1*(1-exp[-b2*x])  +  e</c>.</summary>
    public required string ModelText { get; init; }

    /// <summary>
    /// The model's right-hand side in Optima's expression syntax (parentheses for brackets, <c>atan</c> for arctan,
    /// the error term removed), e.g. <c>b1*(1-exp(-b2*x))</c>.
    /// </summary>
    public required string Model { get; init; }

    /// <summary>True when NIST fits log(y) rather than y (Nelson: <c>log[y] = …</c>); <see cref="Response"/> is then already log(y).</summary>
    public required bool ResponseIsLogarithm { get; init; }

    /// <summary>Parameter names in order: b1, b2, …</summary>
    public required IReadOnlyList<string> ParameterNames { get; init; }

    /// <summary>NIST's first starting point.</summary>
    public required double[] Start1 { get; init; }

    /// <summary>NIST's second starting point (closer to the solution).</summary>
    public required double[] Start2 { get; init; }

    /// <summary>Certified parameter values.</summary>
    public required double[] CertifiedValues { get; init; }

    /// <summary>Certified standard deviations of the parameters.</summary>
    public required double[] CertifiedStandardDeviations { get; init; }

    /// <summary>Certified residual sum of squares.</summary>
    public required double CertifiedResidualSumOfSquares { get; init; }

    /// <summary>Certified residual standard deviation √(RSS/dof).</summary>
    public required double CertifiedResidualStandardDeviation { get; init; }

    /// <summary>Degrees of freedom n − p.</summary>
    public required int DegreesOfFreedom { get; init; }

    /// <summary>An inconsistency found in the file and how it was resolved (Rat43's stated degrees of freedom), else null.</summary>
    public string? Note { get; init; }

    /// <summary>Predictor names in column order: "x", or "x1", "x2".</summary>
    public required IReadOnlyList<string> PredictorNames { get; init; }

    /// <summary>The response for each observation (log y for <see cref="ResponseIsLogarithm"/> problems).</summary>
    public required double[] Response { get; init; }

    /// <summary>Predictor values: <c>Predictors[k][i]</c> is predictor k of observation i.</summary>
    public required double[][] Predictors { get; init; }

    /// <summary>Number of observations.</summary>
    public int Observations => Response.Length;

    /// <summary>Number of parameters.</summary>
    public int ParameterCount => ParameterNames.Count;

    /// <summary>The starting point by number (1 or 2).</summary>
    public double[] Start(int which) => which switch
    {
        1 => (double[])Start1.Clone(),
        2 => (double[])Start2.Clone(),
        _ => throw new ArgumentOutOfRangeException(nameof(which), which, "NIST gives starting points 1 and 2."),
    };

    /// <summary>Reads and parses a NIST StRD nonlinear-regression <c>.dat</c> file (LF or CR LF line ends).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not in NIST's format; the message names the line.</exception>
    public static NistDataset Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path)) throw new FileNotFoundException($"'{path}' is a directory, not a NIST .dat file.", path);
        if (!File.Exists(path)) throw new FileNotFoundException($"NIST data file not found: {path}", path);
        return Parse(File.ReadAllText(path), Path.GetFileName(path));
    }

    /// <summary>Loads every <c>.dat</c> file in <paramref name="directory"/>, sorted by name.</summary>
    public static IReadOnlyList<NistDataset> LoadAll(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"NIST data folder not found: {directory}");
        return Directory.GetFiles(directory, "*.dat").Order(StringComparer.Ordinal).Select(Load).ToArray();
    }

    /// <summary>Parses the text of a NIST <c>.dat</c> file; <paramref name="source"/> names it in error messages.</summary>
    public static NistDataset Parse(string text, string source = "<text>")
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] lines = text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        var nameAt = Find(lines, "Dataset Name:") ?? throw Error(source, 1, "no 'Dataset Name:' line");
        string name = lines[nameAt.Line][(nameAt.Column + "Dataset Name:".Length)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
            ?? throw Error(source, nameAt.Line + 1, "the dataset name is missing after 'Dataset Name:'");

        var difficulty = lines.FirstOrDefault(l => l.Contains("Level of Difficulty", StringComparison.Ordinal)) switch
        {
            { } l when l.Contains("Lower", StringComparison.Ordinal) => NistDifficulty.Lower,
            { } l when l.Contains("Average", StringComparison.Ordinal) => NistDifficulty.Average,
            { } l when l.Contains("Higher", StringComparison.Ordinal) => NistDifficulty.Higher,
            _ => throw Error(source, 1, "no 'Level of Difficulty' line"),
        };

        // The model: from the first line after "Model:" containing '=' to the line ending the expression with "+ e".
        int modelHeader = Find(lines, "Model:")?.Line ?? throw Error(source, 1, "no 'Model:' section");
        int first = -1;
        for (int i = modelHeader + 1; i < lines.Length && first < 0; i++)
            if (lines[i].Contains('=') && !ConstantDefinition().IsMatch(lines[i])) first = i;   // skip "pi = 3.14…" (Roszman1)
        if (first < 0) throw Error(source, modelHeader + 1, "no model equation after 'Model:'");
        var modelLines = new List<string>();
        for (int i = first; i < lines.Length; i++)
        {
            modelLines.Add(lines[i].Trim());
            if (ErrorTerm().IsMatch(lines[i])) break;
            if (i - first > 6) throw Error(source, first + 1, "the model equation does not end with '+ e'");
        }
        string modelText = string.Join(" ", modelLines);
        int eq = modelText.IndexOf('=');
        string lhs = modelText[..eq].Trim();
        bool logResponse = lhs.Replace(" ", "", StringComparison.Ordinal) is "log[y]" or "log(y)" or "ln[y]" or "ln(y)";
        if (!logResponse && lhs != "y") throw Error(source, first + 1, $"unexpected left-hand side '{lhs}'");
        string model = ErrorTerm().Replace(modelText[(eq + 1)..], "").Trim();
        model = model.Replace('[', '(').Replace(']', ')');
        model = ArcTan().Replace(model, "atan");
        model = Whitespace().Replace(model, " ");

        // Parameters: "  b1 =   500   250   2.3894212918E+02  2.7070075241E+00"
        var names = new List<string>();
        var start1 = new List<double>();
        var start2 = new List<double>();
        var certified = new List<double>();
        var sd = new List<double>();
        for (int i = 0; i < lines.Length; i++)
        {
            var m = ParameterLine().Match(lines[i]);
            if (!m.Success) continue;
            names.Add(m.Groups[1].Value);
            start1.Add(Number(m.Groups[2].Value, source, i));
            start2.Add(Number(m.Groups[3].Value, source, i));
            certified.Add(Number(m.Groups[4].Value, source, i));
            sd.Add(Number(m.Groups[5].Value, source, i));
        }
        if (names.Count == 0) throw Error(source, 1, "no parameter lines ('b1 = start1 start2 certified sd')");
        for (int k = 0; k < names.Count; k++)
            if (names[k] != $"b{k + 1}") throw Error(source, 1, $"parameters out of order: {names[k]} where b{k + 1} was expected");

        double rss = Labelled(lines, "Residual Sum of Squares:", source);
        double rsd = Labelled(lines, "Residual Standard Deviation:", source);
        int dof = Count(lines, "Degrees of Freedom:", source);
        int n = Count(lines, "Number of Observations:", source);

        // Data: the second "Data:" line carries the column names (y first), numbers follow.
        int header = -1;
        for (int i = 0; i < lines.Length; i++)
            if (lines[i].StartsWith("Data:", StringComparison.Ordinal) && DataHeader().IsMatch(lines[i])) header = i;
        if (header < 0) throw Error(source, 1, "no data header line ('Data:  y  x')");
        string[] columns = lines[header]["Data:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (columns[0] != "y") throw Error(source, header + 1, $"the first data column is '{columns[0]}', not y");
        int p = columns.Length - 1;
        // The declared count is checked against the lines present before it sizes anything.
        int present = lines.Length - header - 1;
        if (n > present)
        {
            int at = Find(lines, "Number of Observations:")!.Value.Line + 1;
            throw Error(source, at, $"the file declares {n} observations but only {present} lines follow the data header");
        }
        var y = new List<double>(n);
        var x = Enumerable.Range(0, p).Select(_ => new List<double>(n)).ToArray();
        for (int i = header + 1; i < lines.Length; i++)
        {
            string[] fields = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0) continue;
            if (fields.Length != columns.Length)
                throw Error(source, i + 1, $"expected {columns.Length} numbers, found {fields.Length}");
            y.Add(Number(fields[0], source, i));
            for (int k = 0; k < p; k++) x[k].Add(Number(fields[k + 1], source, i));
        }
        if (y.Count != n) throw Error(source, header + 1, $"the header says {n} observations but {y.Count} data rows follow");
        if (logResponse)
            for (int i = 0; i < y.Count; i++)
                if (!(y[i] > 0)) throw Error(source, header + 1, $"the model fits log(y), but observation {i + 1} has y = {y[i].ToString(CultureInfo.InvariantCulture)} ≤ 0");
        // Rat43's file states 9 degrees of freedom for 15 observations and 4 parameters; its certified residual
        // standard deviation is √(RSS/11), so n − p is the value to use. The discrepancy is kept as a note.
        string? note = dof == n - names.Count ? null
            : $"The file states {dof} degrees of freedom; n − p = {n} − {names.Count} = {n - names.Count} is used.";

        return new NistDataset
        {
            Name = name,
            Difficulty = difficulty,
            ModelText = modelText,
            Model = model,
            ResponseIsLogarithm = logResponse,
            ParameterNames = names,
            Start1 = [.. start1],
            Start2 = [.. start2],
            CertifiedValues = [.. certified],
            CertifiedStandardDeviations = [.. sd],
            CertifiedResidualSumOfSquares = rss,
            CertifiedResidualStandardDeviation = rsd,
            DegreesOfFreedom = n - names.Count,
            Note = note,
            PredictorNames = columns[1..],
            Response = logResponse ? y.Select(v => Math.Log(v)).ToArray() : [.. y],
            Predictors = x.Select(c => c.ToArray()).ToArray(),
        };

        static double Labelled(string[] lines, string label, string source)
        {
            var found = Find(lines, label) ?? throw Error(source, 1, $"no '{label}' line");
            return Number(lines[found.Line][(found.Column + label.Length)..].Trim(), source, found.Line);
        }

        // A count: a whole number in [0, int.MaxValue) written as digits (NIST writes "14"); "6.5", "-5" and
        // 370270763006 are refused with the file and line rather than cast.
        static int Count(string[] lines, string label, string source)
        {
            var found = Find(lines, label) ?? throw Error(source, 1, $"no '{label}' line");
            string text = lines[found.Line][(found.Column + label.Length)..].Trim();
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long v) || v >= int.MaxValue)
                throw Error(source, found.Line + 1, $"'{label.TrimEnd(':')}' must be a whole number from 0 to {int.MaxValue - 1}, not '{(text.Length > 40 ? text[..40] + "..." : text)}'");
            return (int)v;
        }

        static double Number(string s, string source, int line) =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
                ? v
                : throw Error(source, line + 1, $"'{(s.Length > 40 ? s[..40] + "..." : s)}' is not a finite number");
    }

    /// <summary>
    /// The log relative error LRE = −log₁₀(|b − c|/|c|) of an estimate b against the certified value c, capped at
    /// <paramref name="cap"/> digits (11, the certified digits); 0 when not even the first digit is right, and
    /// −log₁₀|b| when c = 0. NaN or ∞ estimates score 0.
    /// </summary>
    public static double LogRelativeError(double estimate, double certified, double cap = 11)
    {
        if (!double.IsFinite(estimate)) return 0;
        double error = certified == 0 ? Math.Abs(estimate) : Math.Abs(estimate - certified) / Math.Abs(certified);
        if (error == 0) return cap;
        return Math.Clamp(-Math.Log10(error), 0, cap);
    }

    private static (int Line, int Column)? Find(string[] lines, string label)
    {
        for (int i = 0; i < lines.Length; i++)
        {
            int c = lines[i].IndexOf(label, StringComparison.Ordinal);
            if (c >= 0) return (i, c);
        }
        return null;
    }

    private static InvalidDataException Error(string source, int line, string what) =>
        new($"{source}, line {line}: {what}.");

    [GeneratedRegex(@"\+\s*e\s*$")]
    private static partial Regex ErrorTerm();

    [GeneratedRegex(@"^\s*pi\s*=")]
    private static partial Regex ConstantDefinition();

    [GeneratedRegex(@"\barctan\b")]
    private static partial Regex ArcTan();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^\s*(b\d+)\s*=\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$")]
    private static partial Regex ParameterLine();

    [GeneratedRegex(@"^Data:\s+y\s+x")]
    private static partial Regex DataHeader();
}
