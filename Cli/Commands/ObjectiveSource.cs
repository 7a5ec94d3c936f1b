using System.CommandLine;
using System.Globalization;
using Optima.Problems;
using Optima.Problems.Library;

namespace Optima.Cli;

/// <summary>An objective chosen on the command line (a library problem, or a model expression), with its variable names.</summary>
internal sealed record ObjectiveSource(IHessianObjective Objective, string Description, IReadOnlyList<string> VariableNames, TestProblem? Problem)
{
    /// <summary>
    /// Parses a point: "x=1,y=-2" (names in any order, every variable once) or "1,-2" (in variable order).
    /// </summary>
    public double[] ParsePoint(string text, string optionName)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length > 0 && parts.All(p => p.Contains('=')))
        {
            var x = new double[VariableNames.Count];
            var seen = new HashSet<string>();
            foreach (var part in parts)
            {
                var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
                int k = IndexOf(kv[0]);
                if (k < 0) throw new ArgumentException($"{optionName}: unknown variable '{kv[0]}'; the variables are {string.Join(", ", VariableNames)}.");
                if (!seen.Add(kv[0])) throw new ArgumentException($"{optionName}: variable '{kv[0]}' is given twice.");
                if (!double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out x[k]) || !double.IsFinite(x[k]))
                    throw new ArgumentException($"{optionName}: '{kv[1]}' for {kv[0]} is not a finite number.");
            }
            var missing = VariableNames.Where(n => !seen.Contains(n)).ToArray();
            if (missing.Length > 0) throw new ArgumentException($"{optionName}: no value for {string.Join(", ", missing)}.");
            return x;
        }
        return Commands.ParseVector(text, VariableNames.Count, optionName);
    }

    private int IndexOf(string name)
    {
        for (int i = 0; i < VariableNames.Count; i++)
            if (VariableNames[i] == name) return i;
        return -1;
    }
}

internal static partial class Commands
{
    /// <summary>The options that pick an objective: --objective EXPR, or --problem NAME [--dim N].</summary>
    public static (Option<string?> Objective, Option<string?> Problem, Option<int?> Dim) ObjectiveOptions() =>
    (
        new Option<string?>("--objective") { Description = "The objective as an expression over named variables, e.g. \"(1-x)^2 + 100*(y-x^2)^2\"." },
        new Option<string?>("--problem") { Description = "A library problem instead (see 'optima problems')." },
        new Option<int?>("--dim") { Description = "Dimension, for scalable library problems." }
    );

    /// <summary>
    /// The largest --dim a command accepts: a run keeps tens of n-vectors (L-BFGS: 2m + 6), 8·n bytes each, so
    /// 10⁶ costs a few hundred MB. Larger sizes are refused up front rather than failing after minutes.
    /// </summary>
    public const int MaxDimension = 1_000_000;

    /// <summary>
    /// The largest dimension for a method or check that holds n × n matrices (a Hessian, BFGS's inverse Hessian, a
    /// square Jacobian): 8·n² bytes each, 200 MB at 5000.
    /// </summary>
    public const int MaxDenseDimension = 5_000;

    private static readonly string[] DenseMethods =
        ["bfgs", "newton", "newton-tr", "newton-tr-dogleg", "gauss-newton", "levenberg", "lm", "dogleg-ls", "sqp"];

    /// <summary>Refuses a dimension the command cannot hold (<paramref name="method"/> null: any method; "check": the Hessian check).</summary>
    public static void CheckDimension(int n, string? method)
    {
        var ci = CultureInfo.InvariantCulture;
        if (n > MaxDimension)
            throw new ArgumentException(string.Create(ci, $"--dim {n} is larger than the {MaxDimension:N0} the CLI runs (each of the tens of vectors a run keeps takes 8·n bytes)."));
        bool dense = method == "check" || (method is not null && DenseMethods.Contains(method, StringComparer.OrdinalIgnoreCase));
        if (dense && n > MaxDenseDimension)
            throw new ArgumentException(method == "check"
                ? string.Create(ci, $"--dim {n}: the Hessian check forms two dense n × n matrices (8·n² bytes each) and takes n gradient evaluations; it runs up to n = {MaxDenseDimension:N0}.")
                : string.Create(ci, $"--dim {n}: method '{method}' holds n × n matrices (8·n² bytes each) and runs up to n = {MaxDenseDimension:N0}; use lbfgs, cg-pr or newton-cg for larger problems."));
    }

    public static ObjectiveSource ResolveObjective(ParseResult parse, Option<string?> objective, Option<string?> problem, Option<int?> dim)
    {
        string? expression = parse.GetValue(objective), name = parse.GetValue(problem);
        if ((expression is null) == (name is null))
            throw new ArgumentException("Give exactly one of --objective EXPR or --problem NAME.");
        if (name is not null)
        {
            if (parse.GetValue(dim) is { } n) CheckDimension(n, null);
            var p = TestProblems.Get(name, parse.GetValue(dim));
            var names = Enumerable.Range(1, p.Dimension).Select(i => p.Dimension <= 3 ? "xyz"[i - 1].ToString() : $"x{i}").ToArray();
            return new ObjectiveSource(p, $"{p.Name} (n = {p.Dimension})", names, p);
        }
        return ExpressionObjectiveSource(expression!);
    }
}
