using System.CommandLine;
using System.Globalization;
using System.Text;
using Optima.Problems;
using Optima.Solvers;
using Optima.Solvers.Comparison;
using Optima.Solvers.Stochastic;

namespace Optima.Cli;

internal static partial class Commands
{
    private static Command MinimizeCommand(CliContext context)
    {
        var json = JsonOption();
        var (objective, problem, dim) = ObjectiveOptions();
        var start = new Option<string?>("--start") { Description = "Starting point: x=-1.2,y=1 (required with --objective; default: the problem's standard start)." };
        var method = new Option<string?>("--method") { Description = "A method (see 'optima taxonomy'): bfgs, lbfgs, lbfgsb, newton, newton-tr, lm, adam, auglag, sqp … Default: lbfgs; lbfgsb with --bounds; auglag with --constraint." };
        var lr = new Option<double?>("--lr") { Description = "Learning rate, for first-order optimizers (sgd, adam …)." };
        var maxIter = new Option<int>("--max-iter") { Description = "Iteration limit.", DefaultValueFactory = _ => 1000 };
        var gtol = new Option<double>("--gtol") { Description = "Stop when ‖∇f‖∞ ≤ this.", DefaultValueFactory = _ => 1e-8 };
        var trace = new Option<string?>("--trace") { Description = "Write the per-iteration history (f, ‖∇f‖, step, evaluations, time, x) to this CSV file." };
        var bounds = new Option<string?>("--bounds") { Description = "Bounds x=lo:hi,y=lo:hi (or lo:hi for every variable): kept by lbfgsb, auglag and sqp, the search box of derivative-free and global methods (ga, de and anneal need one; library problems such as rastrigin carry their domain)." };
        var constraint = new Option<string[]>("--constraint") { Description = "A constraint \"EXPR <= EXPR\", \"EXPR >= EXPR\" or \"EXPR = EXPR\" over the variables (repeatable); runs auglag unless --method sqp.", AllowMultipleArgumentsPerToken = false };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the stochastic methods (ga, de, cmaes, anneal): the same seed gives the same bits.", DefaultValueFactory = _ => 1 };
        var maxEvals = new Option<int?>("--max-evals") { Description = "Limit on objective evaluations (default: none)." };
        var command = new Command("minimize", "Minimise an objective (an expression or a library problem) with one method and print the result.")
            { objective, problem, dim, start, method, lr, maxIter, gtol, trace, bounds, constraint, seed, maxEvals, json };
        command.SetAction(parse =>
        {
            var target = ResolveObjective(parse, objective, problem, dim);
            double[] x0 = parse.GetValue(start) is { } s ? target.ParsePoint(s, "--start")
                : target.Problem?.StandardStart() ?? throw new ArgumentException("--start is required with --objective (e.g. --start x=-1.2,y=1).");
            string[] constraintTexts = parse.GetValue(constraint) ?? [];
            string? requested = parse.GetValue(method);
            string? tracePath = parse.GetValue(trace);
            if (parse.GetValue(maxIter) < 1) throw new ArgumentException($"--max-iter must be at least 1, not {parse.GetValue(maxIter)}.");
            if (!(parse.GetValue(gtol) >= 0) || double.IsInfinity(parse.GetValue(gtol)))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--gtol must be a finite number ≥ 0, not {parse.GetValue(gtol)}."));
            CheckLearningRate(parse.GetValue(lr));
            if (tracePath is not null) RequireWritable(tracePath, "--trace");
            var box = parse.GetValue(bounds) is { } text ? BoxBounds.Parse(text, target.VariableNames) : null;
            var constraints = constraintTexts.Length > 0 ? ExpressionConstraints.Parse(constraintTexts, target.VariableNames) : null;
            // Defaults: a gradient method for the kind of problem given (constraints → auglag, bounds only → lbfgsb).
            string name = requested ?? (constraints is not null ? "auglag" : box is not null ? "lbfgsb" : "lbfgs");
            if (parse.GetValue(maxEvals) is < 1) throw new ArgumentException($"--max-evals must be at least 1, not {parse.GetValue(maxEvals)}.");
            var options = new SolverOptions
            {
                MaxIterations = parse.GetValue(maxIter),
                MaxEvaluations = parse.GetValue(maxEvals) ?? int.MaxValue,
                Seed = parse.GetValue(seed),
                GradientTolerance = parse.GetValue(gtol),
                RecordHistory = tracePath is not null,
                RecordPath = tracePath is not null,
                CancellationToken = context.Cancellation,
                Progress = context.SlowRunProgress("minimize"),
            };
            var result = RunMethod(name, target, x0, options, parse.GetValue(lr), box, constraints);
            var report = result.Constraints;
            if (tracePath is not null) WriteTrace(tracePath, target.VariableNames, result);

            double? fStar = target.Problem?.KnownMinimum;
            if (parse.GetValue(json))
            {
                context.WriteJson(new
                {
                    objective = target.Description,
                    method = result.Method,
                    variables = target.VariableNames,
                    start = x0,
                    x = result.Solution,
                    f = result.Value,
                    knownMinimum = fStar,
                    gradientNorm = result.GradientNorm,
                    iterations = result.Iterations,
                    evaluations = result.Evaluations,
                    seed = parse.GetValue(seed),
                    bounds = box is null ? null : Enumerable.Range(0, box.Dimension).Select(i => new { lower = box.Lower[i], upper = box.Upper[i] }).ToArray(),
                    constraints = report is null ? null : Enumerable.Range(0, report.Names.Count).Select(i => new
                    {
                        constraint = report.Names[i],
                        kind = report.Kinds[i] == ConstraintKind.Equality ? "equality" : "inequality",
                        value = report.Values[i],
                        multiplier = report.Multipliers[i],
                    }).ToArray(),
                    kkt = report is null ? null : new { stationarity = report.Stationarity, feasibility = report.Feasibility, complementarity = report.Complementarity },
                    reason = result.Reason,
                    converged = result.IsConverged,
                    message = result.Message,
                    warnings = result.Warnings,
                    seconds = result.Elapsed.TotalSeconds,
                    trace = tracePath,
                });
            }
            else
            {
                var ci = CultureInfo.InvariantCulture;
                var o = context.Out;
                o.WriteLine($"objective     {target.Description}");
                o.WriteLine($"method        {result.Method}");
                o.WriteLine($"result        {result.Reason} ({result.Reason.Describe()})");
                if (result.Message is not null) o.WriteLine($"message       {result.Message}");
                foreach (var warning in result.Warnings) o.WriteLine($"warning       {warning}");
                o.WriteLine(string.Create(ci, $"f             {result.Value:G15}{(fStar is { } m ? $"   (known minimum {m:G12})" : "")}"));
                // Constrained and bounded methods report the stationarity of the Lagrangian or the projected gradient.
                string gradientLabel = (report is not null ? "‖∇L‖∞" : box is not null && name == "lbfgsb" ? "‖P∇f‖∞" : "‖∇f‖∞").PadRight(14);
                o.WriteLine(gradientLabel + (double.IsNaN(result.GradientNorm) ? "– (value-only method)" : result.GradientNorm.ToString("G4", ci)));
                o.WriteLine($"iterations    {result.Iterations}");
                o.WriteLine($"evaluations   {result.Evaluations}");
                o.WriteLine(string.Create(ci, $"time          {result.Elapsed.TotalMilliseconds:F2} ms"));
                int shown = Math.Min(result.Solution.Length, 12);
                o.WriteLine("x             " + string.Join(", ", Enumerable.Range(0, shown).Select(i =>
                    $"{target.VariableNames[i]}={result.Solution[i].ToString("G12", ci)}")) + (result.Solution.Length > shown ? $", … ({result.Solution.Length - shown} more)" : ""));
                if (report is not null)
                {
                    o.WriteLine(string.Create(ci, $"KKT           stationarity {report.Stationarity:G3}, feasibility {report.Feasibility:G3}, complementarity {report.Complementarity:G3}"));
                    for (int i = 0; i < report.Names.Count; i++)
                        o.WriteLine(string.Create(ci, $"constraint    {report.Names[i]}   value {report.Values[i]:G8}   multiplier {report.Multipliers[i]:G8}"));
                }
                if (tracePath is not null) o.WriteLine($"trace         {tracePath}");
            }
            return result.IsConverged ? OptimaCli.Ok : OptimaCli.NotConverged;
        });
        return command;
    }

    /// <summary>--lr, when given, is a finite number &gt; 0.</summary>
    internal static void CheckLearningRate(double? lr)
    {
        if (lr is { } g && !(g > 0 && double.IsFinite(g)))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--lr must be a finite number > 0, not {g}."));
    }

    /// <summary>Runs a deterministic method from the registry, or a first-order optimizer full-batch.</summary>
    internal static OptimizationResult RunMethod(string name, ObjectiveSource target, double[] start, SolverOptions options, double? learningRate,
        BoxBounds? bounds = null, IConstraintSet? constraints = null)
    {
        var known = Methods.Names.Contains(name, StringComparer.OrdinalIgnoreCase) ? Methods.Get(name) : null;
        bool constrainedMethod = known?.Requires == ProblemCapability.Constraints;
        if (constraints is not null && !constrainedMethod)
            throw new ArgumentException($"--constraint needs a constrained method ({string.Join(", ", Methods.InFamily(MethodFamily.Constrained).Select(m => m.Name))}), not '{name}'.");
        bool boundedMethod = known is not null && (known.Requires == ProblemCapability.Value || constrainedMethod || known.Name == "lbfgsb");
        if (bounds is not null && !boundedMethod)
            throw new ArgumentException($"--bounds applies to lbfgsb, the constrained methods and the derivative-free and global methods ({string.Join(", ", Methods.All.Where(m => m.Requires is ProblemCapability.Value or ProblemCapability.Constraints || m.Name == "lbfgsb").Select(m => m.Name))}), not to '{name}'.");
        if (constrainedMethod)
        {
            CheckDimension(target.Objective.Dimension, known!.Name);
            return known!.Minimize(new ConstrainedProblem(target.Objective, constraints, bounds), start, options);
        }
        if (known?.Name == "lbfgsb" && bounds is not null)
            return known.Minimize(new BoundedGradientObjective(target.Objective, bounds), start, options);
        if (Optimizers.IsKnown(name))
        {
            var settings = learningRate is { } gamma ? Optimizers.Defaults(name) with { LearningRate = gamma } : null;
            return new OptimizerMinimizer(name.ToLowerInvariant(), settings).Minimize(target.Objective, start, options);
        }
        if (!Methods.Names.Contains(name, StringComparer.OrdinalIgnoreCase))
            throw new ArgumentException($"Unknown method '{name}'. Known methods: {string.Join(", ", MethodComparer.KnownMethods.Distinct())}.");
        if (learningRate is not null) throw new ArgumentException($"--lr applies to first-order optimizers ({string.Join(", ", Optimizers.Names)}), not to '{name}'.");
        CheckDimension(target.Objective.Dimension, name);
        var descriptor = Methods.Get(name);
        // Least-squares methods need residuals: library MGH problems have them, expressions do not.
        object problemForMethod = descriptor.Requires == ProblemCapability.LeastSquares && target.Problem is ILeastSquaresProblem ls ? ls : target.Objective;
        if (bounds is not null) problemForMethod = new BoundedObjective(target.Objective, bounds); // the user's box replaces a library domain
        if (descriptor.RequiresBounds && !descriptor.Accepts(problemForMethod))
            throw new ArgumentException($"Method '{name}' searches a box: give --bounds with finite ends for every variable, e.g. --bounds {string.Join(",", target.VariableNames.Select(v => v + "=-5:5"))}.");
        return descriptor.Minimize(problemForMethod, start, options);
    }

    private static void WriteTrace(string path, IReadOnlyList<string> names, OptimizationResult result)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder("iteration,f,gradient_norm,step_norm,step_size,evaluations,seconds");
        foreach (var n in names) sb.Append(',').Append(n);
        sb.AppendLine();
        foreach (var row in result.History ?? [])
        {
            sb.Append(ci, $"{row.Iteration},{row.Value:R},{row.GradientNorm:R},{row.StepNorm:R},{row.StepSize:R},{row.Evaluations},{row.ElapsedSeconds:R}");
            foreach (double v in row.Point ?? []) sb.Append(',').Append(v.ToString("R", ci));
            sb.AppendLine();
        }
        File.WriteAllText(path, sb.ToString());
    }
}
