using System.CommandLine;
using System.Globalization;
using Optima.Solvers.Convex;

namespace Optima.Cli;

internal static partial class Commands
{
    private static Command QpCommand(CliContext context)
    {
        var json = JsonOption();
        var problem = new Option<string>("--problem") { Description = "JSON file {\"P\": [[…]], \"q\": […], \"A\": [[…]], \"l\": […], \"u\": […]} (bounds may be null or \"Infinity\").", Required = true };
        var tol = new Option<double>("--tol") { Description = "Absolute and relative tolerance of the residual tests.", DefaultValueFactory = _ => 1e-6 };
        var maxIter = new Option<int>("--max-iter") { Description = "ADMM iteration limit.", DefaultValueFactory = _ => 10_000 };
        var noPolish = new Option<bool>("--no-polish") { Description = "Skip polishing on the guessed active set." };
        var command = new Command("qp", "Convex quadratic program min ½xᵀPx + qᵀx s.t. l ≤ Ax ≤ u by OSQP-style ADMM; infeasible and unbounded problems are reported with a certificate.")
            { problem, tol, maxIter, noPolish, json };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(problem)!;
            if (Directory.Exists(path)) throw new FileNotFoundException($"'{path}' is a directory, not a QP file.", path);
            if (!File.Exists(path)) throw new FileNotFoundException($"QP file not found: {path}", path);
            if (new FileInfo(path).Length > 256L << 20) throw new InvalidDataException($"{path} is larger than 256 MiB; the QP solver stores its data densely.");
            var qp = QuadraticProgram.Parse(File.ReadAllText(path), path);
            double tolerance = parse.GetValue(tol);
            if (!(tolerance > 0) || double.IsInfinity(tolerance)) throw new ArgumentException($"--tol must be a finite number > 0, not {tolerance.ToString(CultureInfo.InvariantCulture)}.");
            int limit = parse.GetValue(maxIter);
            if (limit < 1) throw new ArgumentException($"--max-iter must be at least 1, not {limit}.");
            var r = QpSolver.Solve(qp, new QpOptions
            {
                AbsoluteTolerance = tolerance, RelativeTolerance = tolerance, MaxIterations = limit,
                Polish = !parse.GetValue(noPolish), CancellationToken = context.Cancellation,
            });
            if (parse.GetValue(json))
            {
                context.WriteJson(new
                {
                    problem = path,
                    variables = qp.Variables,
                    constraints = qp.Constraints,
                    method = r.Method,
                    reason = r.Reason,
                    converged = r.IsConverged,
                    description = r.Reason.Describe(),
                    iterations = r.Iterations,
                    objective = r.Objective,
                    x = r.X,
                    y = r.Dual,
                    certificate = r.Certificate,
                    primalResidual = r.PrimalResidual,
                    dualResidual = r.DualResidual,
                    polished = r.Polished,
                    rho = r.Rho,
                    factorizations = r.Factorizations,
                    seconds = r.Elapsed.TotalSeconds,
                    message = r.Message,
                });
            }
            else
            {
                var ci = CultureInfo.InvariantCulture;
                var o = context.Out;
                o.WriteLine($"problem         {path} ({qp.Variables} variables, {qp.Constraints} constraint rows)");
                o.WriteLine($"method          {r.Method}");
                o.WriteLine($"result          {r.Reason} after {r.Iterations} iterations ({r.Reason.Describe()})");
                if (r.Message is not null) o.WriteLine($"note            {r.Message}");
                o.WriteLine(string.Create(ci, $"objective       {r.Objective:G12}"));
                o.WriteLine(string.Create(ci, $"residuals       primal {r.PrimalResidual:0.00E+00}  dual {r.DualResidual:0.00E+00}{(r.Polished ? "  (polished)" : "")}"));
                o.WriteLine("x               " + string.Join(" ", r.X.Select(v => v.ToString("G10", ci))));
                if (r.Dual is { Length: > 0 } y) o.WriteLine("y               " + string.Join(" ", y.Select(v => v.ToString("G10", ci))));
                if (r.Certificate is { } c) o.WriteLine("certificate     " + string.Join(" ", c.Select(v => v.ToString("G6", ci))));
            }
            return r.IsConverged ? OptimaCli.Ok : OptimaCli.NotConverged;
        });
        return command;
    }
}
