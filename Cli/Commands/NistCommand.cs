using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;
using Optima.Problems.Expressions;
using Optima.Problems.Nist;
using Optima.Solvers.Fitting;

namespace Optima.Cli;

internal static partial class Commands
{
    private static Command NistCommand(CliContext context)
    {
        var json = JsonOption();
        var data = new Option<string?>("--data") { Description = "The folder of NIST StRD .dat files (default: $OPTIMA_NIST_DATA, else shared/data/nist found above the current folder or above the optima executable)." };
        var command = new Command("nist", "Run the NIST StRD nonlinear-regression suite from both starts with default options: LREs of parameters, standard deviations and RSS, beside MathNet's Levenberg–Marquardt.")
            { data, json };
        command.SetAction(parse =>
        {
            string dir = parse.GetValue(data) ?? FindNistFolder()
                ?? throw new ArgumentException("NIST data folder not found: looked for $OPTIMA_NIST_DATA, then shared/data/nist in every folder above "
                    + $"{Directory.GetCurrentDirectory()} and above {AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)}. "
                    + "Give --data DIR (the folder of the 27 StRD nonlinear-regression .dat files), set OPTIMA_NIST_DATA, or run from the repository.");
            var all = NistDataset.LoadAll(dir);
            if (all.Count == 0) throw new ArgumentException($"No .dat files in {dir}.");
            // Warm-up (JIT) of both solvers, then the timed pass.
            NistRunner.Run(all[0], 1);
            MathNetRun(all[0], 1);
            var rows = new List<NistRow>();
            foreach (var d in all)
                for (int s = 1; s <= 2; s++)
                {
                    var clock = Stopwatch.StartNew();
                    var o = NistRunner.Run(d, s);
                    double ours = clock.Elapsed.TotalSeconds;
                    var theirs = MathNetRun(d, s);
                    rows.Add(new NistRow(d.Name, d.Difficulty.ToString().ToLowerInvariant(), s, o.ParameterLre, o.StandardErrorLre, o.ResidualSumOfSquaresLre,
                        o.Fit.IsConverged, o.Fit.Iterations, ours, theirs.ParameterLre, theirs.StandardErrorLre, theirs.RssLre, theirs.Seconds, theirs.Status));
                }
            var summary = new
            {
                solves = rows.Count,
                optima = new
                {
                    parametersAtLeast6 = rows.Count(r => r.ParameterLre >= 6),
                    parametersAtLeast8 = rows.Count(r => r.ParameterLre >= 8),
                    standardErrorsAtLeast4 = rows.Count(r => r.StandardErrorLre >= 4),
                    rssAtLeast4 = rows.Count(r => r.RssLre >= 4),
                    seconds = rows.Sum(r => r.Seconds),
                },
                mathNet = new
                {
                    parametersAtLeast6 = rows.Count(r => r.MathNetParameterLre >= 6),
                    parametersAtLeast8 = rows.Count(r => r.MathNetParameterLre >= 8),
                    standardErrorsAtLeast4 = rows.Count(r => r.MathNetStandardErrorLre >= 4),
                    rssAtLeast4 = rows.Count(r => r.MathNetRssLre >= 4),
                    seconds = rows.Sum(r => r.MathNetSeconds),
                },
            };
            if (parse.GetValue(json))
            {
                context.WriteJson(new { data = dir, problems = rows, summary });
            }
            else
            {
                var ci = CultureInfo.InvariantCulture;
                var o = context.Out;
                o.WriteLine($"NIST StRD nonlinear regression, {dir}: LRE = −log10(|b − b_cert|/|b_cert|), minimum over parameters, capped at 11");
                o.WriteLine($"{"",-18} {"Optima (lm, defaults)",-38} {"MathNet LevenbergMarquardtMinimizer (defaults)",-40}");
                o.WriteLine($"{"problem",-10} {"start",-7} {"params",7} {"SDs",6} {"RSS",6} {"iter",5} {"ms",8}   {"params",7} {"SDs",6} {"RSS",6} {"ms",8}  exit");
                foreach (var r in rows)
                    o.WriteLine(string.Create(ci, $"{r.Problem,-10} {r.Start,-7} {r.ParameterLre,7:F1} {r.StandardErrorLre,6:F1} {r.RssLre,6:F1} {r.Iterations,5} {r.Seconds * 1e3,8:F2}   {r.MathNetParameterLre,7:F1} {r.MathNetStandardErrorLre,6:F1} {r.MathNetRssLre,6:F1} {r.MathNetSeconds * 1e3,8:F2}  {r.MathNetStatus}"));
                o.WriteLine();
                o.WriteLine(string.Create(ci, $"Optima:  params LRE ≥ 6: {summary.optima.parametersAtLeast6}/{rows.Count}, ≥ 8: {summary.optima.parametersAtLeast8}; SDs ≥ 4: {summary.optima.standardErrorsAtLeast4}; RSS ≥ 4: {summary.optima.rssAtLeast4}; total solve time {summary.optima.seconds:F4} s"));
                o.WriteLine(string.Create(ci, $"MathNet: params LRE ≥ 6: {summary.mathNet.parametersAtLeast6}/{rows.Count}, ≥ 8: {summary.mathNet.parametersAtLeast8}; SDs ≥ 4: {summary.mathNet.standardErrorsAtLeast4}; RSS ≥ 4: {summary.mathNet.rssAtLeast4}; total solve time {summary.mathNet.seconds:F4} s"));
            }
            return rows.All(r => r.Converged) ? OptimaCli.Ok : OptimaCli.NotConverged;
        });
        return command;
    }

    private sealed record NistRow(string Problem, string Difficulty, int Start, double ParameterLre, double StandardErrorLre, double RssLre,
        bool Converged, int Iterations, double Seconds, double MathNetParameterLre, double MathNetStandardErrorLre, double MathNetRssLre,
        double MathNetSeconds, string MathNetStatus);

    /// <summary>
    /// $OPTIMA_NIST_DATA, else the first shared/data/nist above the current folder, else above the executable (so that
    /// <c>dotnet run</c> and a build under the repository find the data beside the checkout from any folder).
    /// </summary>
    private static string? FindNistFolder()
    {
        if (Environment.GetEnvironmentVariable("OPTIMA_NIST_DATA") is { Length: > 0 } env) return env;
        foreach (string from in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(from); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared", "data", "nist");
                if (Directory.Exists(candidate)) return candidate;
            }
        return null;
    }

    /// <summary>MathNet's LM with its default options on the same problem, the same compiled model and exact Jacobian.</summary>
    private static (double ParameterLre, double StandardErrorLre, double RssLre, double Seconds, string Status) MathNetRun(NistDataset d, int start)
    {
        var compiled = Expression.Parse(d.Model).Compile([.. d.PredictorNames], [.. d.ParameterNames]);
        int m = d.Observations, p = d.ParameterCount, v = d.PredictorNames.Count;
        var rows = new double[m * v];
        for (int i = 0; i < m; i++) for (int c = 0; c < v; c++) rows[i * v + c] = d.Predictors[c][i];
        var index = Vector<double>.Build.Dense(m, i => i);
        var observed = Vector<double>.Build.Dense(d.Response);
        Vector<double> Model(Vector<double> b, Vector<double> x)
        {
            var pb = b.ToArray();
            return Vector<double>.Build.Dense(x.Count, i => compiled.Function(rows.AsSpan((int)x[i] * v, v), pb));
        }
        Matrix<double> Jacobian(Vector<double> b, Vector<double> x)
        {
            var pb = b.ToArray();
            var g = new double[p];
            var jac = Matrix<double>.Build.Dense(x.Count, p);
            for (int i = 0; i < x.Count; i++)
            {
                compiled.GradientFunction(rows.AsSpan((int)x[i] * v, v), pb, g);
                for (int k = 0; k < p; k++) jac[i, k] = g[k];
            }
            return jac;
        }
        var clock = Stopwatch.StartNew();
        try
        {
            var objective = ObjectiveFunction.NonlinearModel(Model, Jacobian, index, observed);
            var result = new LevenbergMarquardtMinimizer().FindMinimum(objective, Vector<double>.Build.Dense(d.Start(start)));
            double seconds = clock.Elapsed.TotalSeconds;
            var b = result.MinimizingPoint.ToArray();
            var se = result.StandardErrors?.ToArray() ?? Enumerable.Repeat(double.NaN, p).ToArray();
            double pl = 11, sl = 11, rss = 0;
            for (int k = 0; k < p; k++)
            {
                pl = Math.Min(pl, NistDataset.LogRelativeError(b[k], d.CertifiedValues[k]));
                sl = Math.Min(sl, NistDataset.LogRelativeError(se[k], d.CertifiedStandardDeviations[k]));
            }
            for (int i = 0; i < m; i++)
            {
                double r = d.Response[i] - compiled.Function(rows.AsSpan(i * v, v), b);
                rss += r * r;
            }
            return (pl, sl, NistDataset.LogRelativeError(rss, d.CertifiedResidualSumOfSquares), seconds, result.ReasonForExit.ToString());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return (0, 0, 0, clock.Elapsed.TotalSeconds, "exception: " + e.GetType().Name);
        }
    }
}
