using System.CommandLine;
using System.Globalization;
using Optima.Cli.Plotting;
using Optima.Problems;
using Optima.Solvers;
using Optima.Solvers.Comparison;
using Spectre.Console;

namespace Optima.Cli;

internal static partial class Commands
{
    /// <summary>The methods <c>optima compare</c> runs when --methods is not given.</summary>
    public const string DefaultCompareMethods = "gd,momentum,nesterov,adagrad,rmsprop,adam,bfgs,lbfgs,newton,newton-cg,lm";

    private static Command CompareCommand(CliContext context)
    {
        var json = JsonOption();
        var (objective, problem, dim) = ObjectiveOptions();
        var start = new Option<string?>("--start") { Description = "The start: x=1,y=-2 or comma-separated values (default: a library problem's standard start)." };
        var methods = new Option<string>("--methods")
        {
            Description = "Comma-separated method names (see 'optima taxonomy').",
            DefaultValueFactory = _ => DefaultCompareMethods,
        };
        var maxIter = new Option<int>("--max-iter") { Description = "Iteration limit per method.", DefaultValueFactory = _ => 1000 };
        var constraint = new Option<string[]>("--constraint") { Description = "A constraint \"EXPR <= EXPR\", \">=\" or \"=\" (repeatable): compares the constrained methods (default penalty,auglag,sqp); unconstrained methods are listed as not applicable." };
        var lr = new Option<double?>("--lr") { Description = "Learning rate γ for every first-order optimizer and gd-fixed (default: tuned at the start from a Lipschitz estimate; the rule is printed under the table)." };
        var plot = new Option<string?>("--plot") { Description = "Write the convergence plot (f − f* vs iteration and vs time) to this SVG file." };
        var paths = new Option<string?>("--paths") { Description = "Write the contour plot with every method's path to this SVG file (2-D problems)." };
        var report = new Option<string?>("--report") { Description = "Write a self-contained HTML report (table, both plots, notes per family)." };
        var bounds = new Option<string?>("--bounds")
        {
            Description = "Bounds x=lo:hi,y=lo:hi (or lo:hi for every variable). With derivative-free or global methods in --methods: their search box "
                + "(ga, de and anneal need one; library problems such as rastrigin carry their domain), and gradient methods run unconstrained. "
                + "Otherwise, or with --constraint: a constrained comparison (default methods penalty,auglag,sqp).",
        };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the stochastic methods (ga, de, cmaes, anneal).", DefaultValueFactory = _ => 1 };
        var maxEvals = new Option<int?>("--max-evals") { Description = "Function-evaluation limit per method (default none)." };
        var command = new Command("compare",
            "Run several methods from the same start and compare iterations, evaluations, time, accuracy and the measured order of convergence. "
            + "Exit code 0 when at least one method converged, 1 otherwise.")
            { objective, problem, dim, start, methods, maxIter, lr, constraint, bounds, seed, maxEvals, plot, paths, report, json };
        command.SetAction(parse =>
        {
            var target = ResolveObjective(parse, objective, problem, dim);
            double[] x0 = parse.GetValue(start) is { } text ? target.ParsePoint(text, "--start")
                : target.Problem?.StandardStart() ?? throw new ArgumentException("--start is required with --objective (e.g. --start x=-1.2,y=1).");
            string[] constraintTexts = parse.GetValue(constraint) ?? [];
            string? boundsText = parse.GetValue(bounds);
            bool methodsGiven = parse.GetResult(methods) is { Implicit: false };
            var valueOnly = Methods.All.Where(m => m.Requires == ProblemCapability.Value).Select(m => m.Name).ToArray();
            var given = parse.GetValue(methods)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            // --bounds is the search box of the derivative-free/global methods when --methods names some; otherwise it
            // (with any --constraint) makes the comparison a constrained one.
            bool searchBox = boundsText is not null && constraintTexts.Length == 0 && methodsGiven
                && given.Any(n => valueOnly.Contains(n, StringComparer.OrdinalIgnoreCase));
            bool constrained = constraintTexts.Length > 0 || (boundsText is not null && !searchBox);
            var names = !methodsGiven && constrained ? ["penalty", "auglag", "sqp"] : given;
            var constrainedMethods = Methods.All.Where(m => m.Requires == ProblemCapability.Constraints).Select(m => m.Name).ToArray();
            if (constrained && !names.Any(n => constrainedMethods.Contains(n, StringComparer.OrdinalIgnoreCase)
                    || (constraintTexts.Length == 0 && string.Equals(n, "lbfgsb", StringComparison.OrdinalIgnoreCase))))
                throw new ArgumentException($"--bounds and --constraint apply to the constrained methods ({string.Join(", ", constrainedMethods)}, and lbfgsb for bounds) "
                    + $"and, as a search box, to the derivative-free and global methods ({string.Join(", ", valueOnly)}); --methods has none of them.");
            if (names.Length == 0) throw new ArgumentException("--methods is empty.");
            foreach (var n in names)
                if (!MethodComparer.IsKnown(n))
                    throw new ArgumentException($"Unknown method '{n}'. Known methods: {string.Join(", ", MethodComparer.KnownMethods)}.");
            foreach (var n in names) CheckDimension(target.Objective.Dimension, n);
            int iterations = parse.GetValue(maxIter);
            if (iterations < 1) throw new ArgumentException("--max-iter must be at least 1.");
            CheckLearningRate(parse.GetValue(lr));
            var box = searchBox ? BoxBounds.Parse(boundsText!, target.VariableNames) : null;
            if (parse.GetValue(maxEvals) is < 1) throw new ArgumentException($"--max-evals must be at least 1, not {parse.GetValue(maxEvals)}.");
            string? plotPath = parse.GetValue(plot), pathsPath = parse.GetValue(paths), reportPath = parse.GetValue(report);
            if (pathsPath is not null && target.Objective.Dimension != 2)
                throw new ArgumentException($"--paths draws 2-D problems only; {target.Description} has dimension {target.Objective.Dimension}.");
            foreach (var (option, path) in new[] { ("--plot", plotPath), ("--paths", pathsPath), ("--report", reportPath) })
                if (path is not null) RequireWritable(path, option);

            bool live = context.ShowProgress && ReferenceEquals(context.Error, System.Console.Error) && !System.Console.IsErrorRedirected;
            var options = new ComparisonOptions
            {
                ReportIterations = live,
                MaxIterations = iterations,
                LearningRate = parse.GetValue(lr),
                Bounds = box,
                Seed = parse.GetValue(seed),
                MaxEvaluations = parse.GetValue(maxEvals) ?? int.MaxValue,
                CancellationToken = context.Cancellation,
                RecordPath = target.Objective.Dimension == 2 && (pathsPath is not null || reportPath is not null),
            };
            var progress = context.ShowProgress ? new CompareProgress(context.Error, live) : null;
            object subject = constrained
                ? new ConstrainedProblem(target.Objective, constraintTexts.Length > 0 ? ExpressionConstraints.Parse(constraintTexts, target.VariableNames) : null,
                    boundsText is null ? null : BoxBounds.Parse(boundsText, target.VariableNames))
                : (object?)target.Problem ?? target.Objective;
            var result = MethodComparer.Run(subject, x0, names, options, progress);

            string title = target.Description;
            string? convergenceSvg = plotPath is not null || reportPath is not null
                ? ComparisonPlots.Convergence(result, $"Convergence on {title}").ToSvg(820, 760) : null;
            string? pathsSvg = null;
            if (pathsPath is not null || (reportPath is not null && x0.Length == 2))
            {
                var f = target.Objective;
                var buffer = new double[2];
                pathsSvg = ComparisonPlots.Paths(result, (a, b) => { buffer[0] = a; buffer[1] = b; return f.Value(buffer); },
                    target.Problem?.KnownMinimizers() ?? [], $"Paths on {title}", target.VariableNames).ToSvg(820, 640);
            }
            if (plotPath is not null) File.WriteAllText(plotPath, convergenceSvg);
            if (pathsPath is not null) File.WriteAllText(pathsPath, pathsSvg);
            if (reportPath is not null) File.WriteAllText(reportPath, ComparisonHtml.Build(result, title, convergenceSvg!, pathsSvg));

            // A cancelled comparison still prints its table, but is not a finished run.
            bool anyConverged = result.Runs.Any(r => r.Result?.IsConverged == true) && !context.Cancellation.IsCancellationRequested;
            if (parse.GetValue(json))
            {
                context.WriteJson(new
                {
                    problem = title,
                    dimension = x0.Length,
                    variables = target.VariableNames,
                    start = x0,
                    startValue = result.StartValue,
                    reference = new { value = result.ReferenceValue, kind = result.ReferenceKind },
                    lipschitzEstimate = result.LipschitzEstimate,
                    maxIterations = iterations,
                    bounds = box is null ? null : Enumerable.Range(0, box.Dimension).Select(i => new { lower = box.Lower[i], upper = box.Upper[i] }).ToArray(),
                    methods = result.Runs.Select(r => new
                    {
                        method = r.Method,
                        family = r.Family,
                        description = r.Description,
                        applicable = r.Applicable,
                        accepts = r.Needs,
                        note = r.NotApplicableReason,
                        learningRate = r.LearningRate,
                        stepRule = r.StepRule,
                        iterations = r.Applicable ? r.Iterations : (int?)null,
                        evaluations = r.Applicable ? new
                        {
                            function = r.FunctionEvaluations,
                            gradient = r.GradientEvaluations,
                            hessian = r.HessianEvaluations,
                            hessianVector = r.HessianVectorProducts,
                        } : null,
                        seconds = r.Applicable ? r.Seconds : (double?)null,
                        finalValue = r.Result?.Value,
                        finalError = r.Applicable ? r.FinalError : (double?)null,
                        gradientNorm = r.Result?.GradientNorm,
                        reason = r.Result?.Reason,
                        converged = r.Result?.IsConverged,
                        order = r.Applicable ? new
                        {
                            kind = r.Order.Order,
                            rate = r.Order.Rate,
                            exponent = r.Order.Exponent,
                            description = r.Order.Describe(),
                            errorMeasure = r.ErrorMeasure,
                        } : null,
                        solution = r.Result?.Solution,
                    }),
                    plot = plotPath,
                    paths = pathsPath,
                    report = reportPath,
                });
                return anyConverged ? OptimaCli.Ok : OptimaCli.NotConverged;
            }

            var ci = CultureInfo.InvariantCulture;
            string errHeader = result.ReferenceKind == "known minimum" ? "f − f*" : "f − f_best";
            var table = new Table().AddColumns("method", "family", "needs", "iter", "f evals", "∇f", "∇²f", "seconds", errHeader, "‖∇f‖∞", "stop", "measured order");
            foreach (var r in result.Runs)
            {
                if (!r.Applicable)
                {
                    table.AddRow(Markup.Escape(r.Method), Markup.Escape(r.Family), Markup.Escape(ShortNeeds(r)), "–", "–", "–", "–", "–", "–", "–", Markup.Escape(r.NotApplicableReason ?? "not applicable"), "–");
                    continue;
                }
                var res = r.Result!;
                table.AddRow(Markup.Escape(r.Method), Markup.Escape(r.Family), Markup.Escape(ShortNeeds(r)), r.Iterations.ToString(ci), r.FunctionEvaluations.ToString(ci),
                    r.GradientEvaluations.ToString(ci), Markup.Escape(Tables.HessianCell(r)), r.Seconds.ToString("0.0000", ci),
                    Tables.Sci(r.FinalError), Tables.Sci(res.GradientNorm), Markup.Escape(res.Reason.ToString()), Markup.Escape(r.Order.Describe()));
            }
            var console = Console(context);
            console.Profile.Width = Math.Max(console.Profile.Width, 170);
            console.MarkupLine(Markup.Escape(string.Create(ci,
                $"{title}: start f = {result.StartValue:G6}, reference {result.ReferenceKind} f_ref = {result.ReferenceValue:G10}")));
            console.Write(table);
            foreach (var r in result.Runs.Where(r => r.StepRule is not null))
                context.Out.WriteLine($"  {r.Method}: {r.StepRule}");
            context.Out.WriteLine("  needs: what a method accepts (f: values only; box: a finite search box, --bounds or the problem's domain; r, J: a least-squares problem).");
            context.Out.WriteLine("  order: slope of log e(k+1) vs log e(k) over the tail (quadratic ≥ 1.8, superlinear ≥ 1.2), else linear with the mean rate; e = "
                + string.Join(", ", result.Runs.Where(r => r.Applicable).Select(r => r.ErrorMeasure).Distinct()) + ".");
            foreach (var (label, path) in new[] { ("convergence plot", plotPath), ("paths plot", pathsPath), ("report", reportPath) })
                if (path is not null) context.Out.WriteLine($"  {label} written to {path}");
            return anyConverged ? OptimaCli.Ok : OptimaCli.NotConverged;
        });
        return command;
    }

    /// <summary>The table's short form of what a method accepts (the JSON has the registry's sentence).</summary>
    private static string ShortNeeds(MethodRun r) => r.Requires switch
    {
        ProblemCapability.Value => r.RequiresBounds ? "f + box" : "f",
        ProblemCapability.Hessian => "f, ∇f, ∇²f",
        ProblemCapability.LeastSquares => "r, J",
        _ => "f, ∇f",
    };

    /// <summary>Fails early, before any work, when an output file cannot be created.</summary>
    private static void RequireWritable(string path, string option)
    {
        string full = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(full);
        if (Directory.Exists(full)) throw new ArgumentException($"{option}: '{path}' is a directory.");
        if (directory is null || !Directory.Exists(directory))
            throw new ArgumentException($"{option}: cannot write '{path}': the directory '{directory}' does not exist.");
        try
        {
            using var _ = new FileStream(full, FileMode.OpenOrCreate, FileAccess.Write);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{option}: cannot write '{path}': {e.Message}");
        }
    }

    /// <summary>
    /// A progress bar on stderr: one line per method as it finishes and, on a terminal, a bar redrawn in place (at most
    /// ten times a second) with the running method's iteration.
    /// </summary>
    private sealed class CompareProgress(TextWriter error, bool live) : IProgress<ComparisonProgress>
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private long _lastDraw = -1000;

        public void Report(ComparisonProgress p)
        {
            if (p.Run is not { } run)
            {
                if (!live || _clock.ElapsedMilliseconds - _lastDraw < 100) return;
                _lastDraw = _clock.ElapsedMilliseconds;
                error.Write($"\rcompare [{Bar(p.Index, p.Count)}] {p.Index + 1,2}/{p.Count} {p.Method,-10} {(p.Iteration >= 0 ? $"iteration {p.Iteration}" : "starting"),-30}");
                error.Flush();
                return;
            }
            string what = run.Result is { } r
                ? string.Create(CultureInfo.InvariantCulture, $"{r.Iterations} iterations, {r.Elapsed.TotalSeconds:0.000} s, {r.Reason}")
                : "not applicable";
            string line = $"compare [{Bar(p.Index + 1, p.Count)}] {p.Index + 1,2}/{p.Count} {run.Method,-10} {what}";
            error.WriteLine(live ? "\r" + line.PadRight(80) : line);
        }

        private static string Bar(int done, int count)
        {
            const int width = 20;
            int filled = done * width / count;
            return new string('#', filled) + new string('-', width - filled);
        }
    }
}
