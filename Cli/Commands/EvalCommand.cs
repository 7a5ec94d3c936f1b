using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Optima.Problems.Data;
using Optima.Problems.Expressions;
using Optima.Solvers.Fitting;

namespace Optima.Cli;

internal static partial class Commands
{
    /// <summary>
    /// <c>optima eval</c>: a model with given (typically fitted) parameters at new x — from name=value pairs, or from the
    /// JSON document <c>optima fit --json</c> printed (model and parameters together).
    /// </summary>
    private static Command EvalCommand(CliContext context)
    {
        var json = JsonOption();
        var model = new Option<string?>("--model") { Description = "The model expression (default: the model in --from)." };
        var parameters = new Option<string?>("--params") { Description = "Parameter values: a=4.8,k=0.42 (override those in --from)." };
        var from = new Option<string?>("--from") { Description = "A JSON file written from 'optima fit --json': its model and fitted parameters." };
        var xs = new Option<string?>("--x") { Description = "Points of a one-variable model: 0,0.5,2 or a grid lo:hi:count (e.g. 0:10:101)." };
        var data = new Option<string?>("--data") { Description = "A CSV whose columns named like the model's variables (or x as the first column) give the points." };
        var command = new Command("eval", "Evaluate a model with given or fitted parameters at new points; prints CSV (the variables and f) or --json.")
            { model, parameters, from, xs, data, json };
        command.SetAction(parse =>
        {
            string? modelText = parse.GetValue(model);
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            if (parse.GetValue(from) is { } fromPath)
            {
                if (!File.Exists(fromPath)) throw new FileNotFoundException($"--from: file not found: {fromPath}", fromPath);
                JsonDocument doc;
                try { doc = JsonDocument.Parse(File.ReadAllText(fromPath)); }
                catch (JsonException e) { throw new InvalidDataException($"--from: {fromPath} is not JSON: {e.Message}", e); }
                using (doc)
                {
                    var root = doc.RootElement;
                    if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var modelElement) || !root.TryGetProperty("parameters", out var ps) || ps.ValueKind != JsonValueKind.Array)
                        throw new InvalidDataException($"--from: {fromPath} is not the output of 'optima fit --json' (no model and parameters).");
                    modelText ??= modelElement.GetString();
                    foreach (var entry in ps.EnumerateArray())
                        values[entry.GetProperty("name").GetString()!] = entry.GetProperty("value").GetDouble();
                }
            }
            if (parse.GetValue(parameters) is { } given)
                foreach (var (name, value) in FitModel.ParseAssignments(given, "--params")) values[name] = value;
            if (string.IsNullOrWhiteSpace(modelText)) throw new ArgumentException("Give --model (or --from with the output of 'optima fit --json').");
            Expression expression;
            try { expression = Expression.Parse(modelText); }
            catch (ExpressionParseException e) { throw new ArgumentException($"--model: {e.Message}", e); }

            string[] variables = [.. expression.Identifiers.Where(n => !values.ContainsKey(n))];
            string[] parameterNames = [.. values.Keys.Where(expression.DependsOn)];
            if (variables.Length == 0) variables = ["x"];   // a model constant in x still evaluates at each point

            // The points: one column per variable.
            double[][] columns;
            if (parse.GetValue(data) is { } dataPath)
            {
                var table = CsvTable.Read(dataPath);
                columns = [.. variables.Select((v, i) => table.Values(table.IndexOf(v) ?? (variables.Length == 1 ? 0
                    : throw new ArgumentException($"--data: no column '{v}' in {dataPath}; its columns are {string.Join(", ", table.Names)}."))))];
            }
            else if (parse.GetValue(xs) is { } text)
            {
                if (variables.Length != 1)
                    throw new ArgumentException($"The model has the variables {string.Join(", ", variables)} (identifiers without a value): give values for the parameters with --params, or the points with --data.");
                columns = [ParsePoints(text)];
            }
            else throw new ArgumentException("Give the points: --x 0,1,2 or --x lo:hi:count, or --data FILE.csv.");

            var compiled = expression.Compile(variables, parameterNames);
            double[] p = [.. parameterNames.Select(n => values[n])];
            int m = columns[0].Length, k = variables.Length;
            var f = new double[m];
            var row = new double[k];
            for (int i = 0; i < m; i++)
            {
                for (int c = 0; c < k; c++) row[c] = columns[c][i];
                f[i] = compiled.Function(row, p);
            }
            if (parse.GetValue(json))
            {
                context.WriteJson(new
                {
                    model = modelText,
                    parameters = parameterNames.Select((n, i) => new { name = n, value = p[i] }).ToArray(),
                    variables,
                    points = Enumerable.Range(0, m).Select(i => new { x = variables.Select((_, c) => columns[c][i]).ToArray(), f = f[i] }).ToArray(),
                });
            }
            else
            {
                var ci = CultureInfo.InvariantCulture;
                context.Out.WriteLine(string.Join(",", variables.Append("f")));
                for (int i = 0; i < m; i++)
                    context.Out.WriteLine(string.Join(",", variables.Select((_, c) => columns[c][i].ToString("R", ci)).Append(f[i].ToString("R", ci))));
            }
            return OptimaCli.Ok;
        });
        return command;
    }

    /// <summary>"0,0.5,2" or "lo:hi:count" (count ≥ 2 equally spaced points, both ends included).</summary>
    private static double[] ParsePoints(string text)
    {
        var ci = CultureInfo.InvariantCulture;
        if (text.Contains(':'))
        {
            var parts = text.Split(':');
            if (parts.Length != 3
                || !double.TryParse(parts[0], NumberStyles.Float, ci, out double lo) || !double.TryParse(parts[1], NumberStyles.Float, ci, out double hi)
                || !int.TryParse(parts[2], NumberStyles.Integer, ci, out int n) || n < 2 || !double.IsFinite(lo) || !double.IsFinite(hi))
                throw new ArgumentException($"--x: '{text}' is not lo:hi:count with finite ends and a count of at least 2.");
            return [.. Enumerable.Range(0, n).Select(i => i == n - 1 ? hi : lo + (hi - lo) * i / (n - 1))];
        }
        return [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s =>
            double.TryParse(s, NumberStyles.Float, ci, out double v) && double.IsFinite(v) ? v : throw new ArgumentException($"--x: '{s}' is not a finite number."))];
    }
}
