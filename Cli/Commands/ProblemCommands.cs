using System.CommandLine;
using System.Globalization;
using Optima.Problems;
using Optima.Problems.Derivatives;
using Optima.Problems.Library;
using Spectre.Console;

namespace Optima.Cli;

internal static partial class Commands
{
    private static Command ProblemsCommand(CliContext context)
    {
        var json = JsonOption();
        var command = new Command("problems", "List the test-problem library: name, dimension, residuals, known minimum.") { json };
        command.SetAction(parse =>
        {
            var rows = TestProblems.All().Select(p => new
            {
                name = p.Name,
                dimension = p.Dimension,
                residuals = p is LeastSquaresTestProblem ls ? ls.Residuals : (int?)null,
                knownMinimum = p.KnownMinimum,
                knownMinimizers = p.KnownMinimizers().Count,
                analyticHessian = p.HasAnalyticHessian,
                description = p.Description,
            }).ToArray();
            if (parse.GetValue(json))
            {
                context.WriteJson(new { problems = rows });
                return OptimaCli.Ok;
            }
            var table = new Table().AddColumns("name", "n", "m", "f*", "Hessian", "description");
            foreach (var r in rows)
                table.AddRow(Markup.Escape(r.name), r.dimension.ToString(CultureInfo.InvariantCulture),
                    r.residuals?.ToString(CultureInfo.InvariantCulture) ?? "–",
                    r.knownMinimum?.ToString("G6", CultureInfo.InvariantCulture) ?? "unknown",
                    r.analyticHessian ? "analytic" : "autodiff", Markup.Escape(r.description));
            Console(context).Write(table);
            return OptimaCli.Ok;
        });
        return command;
    }

    private static Command CheckCommand(CliContext context)
    {
        var json = JsonOption();
        var problem = new Option<string>("--problem") { Description = "Library problem name (see 'optima problems').", Required = true };
        var dim = new Option<int?>("--dim") { Description = "Dimension, for scalable problems." };
        var at = new Option<string?>("--at") { Description = "Point as comma-separated values (default: the standard start)." };
        var tol = new Option<double>("--tol") { Description = "Tolerance per entry.", DefaultValueFactory = _ => 1e-6 };
        var command = new Command("check", "Check a problem's analytic derivatives against finite differences (gradient, Jacobian, Hessian).")
            { problem, dim, at, tol, json };
        command.SetAction(parse =>
        {
            if (parse.GetValue(dim) is { } n) CheckDimension(n, "check");
            var p = TestProblems.Get(parse.GetValue(problem)!, parse.GetValue(dim));
            CheckDimension(p.Dimension, "check");
            double[] x = parse.GetValue(at) is { } text ? ParseVector(text, p.Dimension, "--at") : p.StandardStart();
            double tolerance = parse.GetValue(tol);
            var checks = new List<DerivativeCheckResult> { GradientCheck.Run(p, x, tolerance) };
            if (p is ILeastSquaresProblem ls) checks.Add(JacobianCheck.Run(ls, x, tolerance));
            checks.Add(HessianCheck.Run(p, x, Math.Max(tolerance, 1e-5)));
            bool passed = checks.All(c => c.Passed);
            if (parse.GetValue(json))
            {
                context.WriteJson(new { problem = p.Name, dimension = p.Dimension, point = x, passed, checks });
            }
            else
            {
                foreach (var c in checks) context.Out.WriteLine(c);
            }
            return passed ? OptimaCli.Ok : OptimaCli.NotConverged;
        });
        return command;
    }

    /// <summary>Parses "1.5,-2,3e-4" into exactly <paramref name="length"/> finite numbers.</summary>
    public static double[] ParseVector(string text, int length, string optionName)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != length)
            throw new ArgumentException($"{optionName} has {parts.Length} values; expected {length}.");
        var x = new double[length];
        for (int i = 0; i < length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out x[i]) || !double.IsFinite(x[i]))
                throw new ArgumentException($"{optionName}: '{parts[i]}' (value {i + 1}) is not a finite number.");
        return x;
    }

    private static IAnsiConsole Console(CliContext context) =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Out), Ansi = AnsiSupport.Detect, ColorSystem = ColorSystemSupport.Detect });
}
