using System.CommandLine;
using System.Globalization;
using Optima.Problems;
using Optima.Solvers.Analysis;

namespace Optima.Cli;

internal static partial class Commands
{
    private static Command AnalyzeCommand(CliContext context)
    {
        var json = JsonOption();
        var (objective, problem, dim) = ObjectiveOptions();
        var at = new Option<string>("--at") { Description = "The point: name=value pairs (x=0,y=0) for --objective, or comma-separated values.", Required = true };
        var command = new Command("analyze", "Classify a point by the second-order test: gradient, Hessian, eigenvalues, condition number, and the escape direction at a saddle.")
            { objective, problem, dim, at, json };
        command.SetAction(parse =>
        {
            var target = ResolveObjective(parse, objective, problem, dim);
            double[] x = target.ParsePoint(parse.GetValue(at)!, "--at");
            var r = CriticalPoints.Analyze(target.Objective, x);
            if (parse.GetValue(json))
            {
                context.WriteJson(new
                {
                    objective = target.Description,
                    variables = target.VariableNames,
                    point = r.Point,
                    value = r.Value,
                    gradient = r.Gradient,
                    gradientNorm = r.GradientNorm,
                    hessian = Rows(r.Hessian),
                    eigenvalues = r.Eigenvalues,
                    eigenvectors = Columns(r.Eigenvectors),
                    conditionNumber = r.ConditionNumber,
                    classification = r.Kind,
                    explanation = r.Explanation,
                    escape = r.EscapeDirection is null ? null : new
                    {
                        direction = r.EscapeDirection,
                        step = r.EscapeStep,
                        value = r.EscapeValue,
                        predictedValue = r.PredictedEscapeValue,
                        decrease = r.Value - r.EscapeValue,
                    },
                });
                return OptimaCli.Ok;
            }
            var ci = CultureInfo.InvariantCulture;
            var o = context.Out;
            o.WriteLine($"objective       {target.Description}");
            o.WriteLine($"point           {Format(target.VariableNames, r.Point)}");
            o.WriteLine(string.Create(ci, $"f               {r.Value:G12}"));
            o.WriteLine($"gradient        {Format(target.VariableNames, r.Gradient)}   (‖∇f‖∞ = {r.GradientNorm.ToString("G3", ci)})");
            o.WriteLine("Hessian");
            foreach (var row in Rows(r.Hessian)) o.WriteLine("                " + string.Join("  ", row.Select(v => v.ToString("G8", ci).PadLeft(14))));
            o.WriteLine($"eigenvalues     {string.Join(", ", r.Eigenvalues.Select(v => v.ToString("G8", ci)))}");
            o.WriteLine(string.Create(ci, $"condition       {r.ConditionNumber:G6}"));
            o.WriteLine($"classification  {r.Kind}: {r.Explanation}");
            if (r.EscapeDirection is { } d)
            {
                o.WriteLine($"escape          direction {Format(target.VariableNames, d)} (eigenvector of λmin = {r.Eigenvalues[0].ToString("G6", ci)})");
                o.WriteLine(string.Create(ci, $"                step t = {r.EscapeStep:G4}: f(x + t·d) = {r.EscapeValue:G10} < f(x) = {r.Value:G10} (second-order prediction {r.PredictedEscapeValue:G10})"));
            }
            return OptimaCli.Ok;
        });
        return command;
    }

    private static double[][] Rows(Optima.LinearAlgebra.DenseMatrix m) =>
        Enumerable.Range(0, m.Rows).Select(i => Enumerable.Range(0, m.Columns).Select(j => m[i, j]).ToArray()).ToArray();

    private static double[][] Columns(Optima.LinearAlgebra.DenseMatrix m) =>
        Enumerable.Range(0, m.Columns).Select(j => m.Column(j).ToArray()).ToArray();

    private static string Format(IReadOnlyList<string> names, IReadOnlyList<double> values) =>
        "(" + string.Join(", ", values.Select((v, i) => $"{(i < names.Count ? names[i] + "=" : "")}{v.ToString("G8", CultureInfo.InvariantCulture)}")) + ")";
}
