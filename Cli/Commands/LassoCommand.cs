using System.CommandLine;
using System.Globalization;
using Optima.LinearAlgebra;
using Optima.Problems.Data;
using Optima.Solvers.Convex;

namespace Optima.Cli;

internal static partial class Commands
{
    private static Command LassoCommand(CliContext context)
    {
        var json = JsonOption();
        var data = new Option<string>("--data") { Description = "CSV file with a header (or columns numbered from 1).", Required = true };
        var target = new Option<string>("--target") { Description = "The response column (name or number).", Required = true };
        var features = new Option<string?>("--features") { Description = "Comma-separated feature columns (default: every other column)." };
        var lambda = new Option<double>("--lambda") { Description = "ℓ1 weight λ of ½‖Xw − y‖² + λ‖w‖₁ (scikit-learn's alpha is λ/rows).", Required = true };
        var l2 = new Option<double>("--l2") { Description = "ℓ2 weight of an elastic net, + (l2/2)‖w‖² (default 0: the lasso).", DefaultValueFactory = _ => 0.0 };
        var noIntercept = new Option<bool>("--no-intercept") { Description = "Fit without an intercept (by default the data are centred and the intercept is unpenalized)." };
        var tol = new Option<double>("--tol") { Description = "Absolute and relative tolerance of ADMM's residual tests.", DefaultValueFactory = _ => 1e-8 };
        var maxIter = new Option<int>("--max-iter") { Description = "ADMM iteration limit.", DefaultValueFactory = _ => 10_000 };
        var command = new Command("lasso", "Sparse linear regression: the lasso (or elastic net with --l2) by ADMM with a cached Cholesky factorization.")
            { data, target, features, lambda, l2, noIntercept, tol, maxIter, json };
        command.SetAction(parse =>
        {
            var table = CsvTable.Read(parse.GetValue(data)!);
            int yColumn = table.Column(parse.GetValue(target)!, "--target");
            int[] xColumns = parse.GetValue(features) is { } list
                ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(c => table.Column(c, "--features")).ToArray()
                : Enumerable.Range(0, table.Names.Length).Where(c => c != yColumn).ToArray();
            if (xColumns.Length == 0) throw new ArgumentException("--features: no feature columns (the file holds only the target).");
            if (xColumns.Contains(yColumn)) throw new ArgumentException($"--features: the target column {table.Names[yColumn]} cannot also be a feature.");
            if (xColumns.Distinct().Count() != xColumns.Length) throw new ArgumentException("--features: a column is listed twice.");
            double l1Weight = parse.GetValue(lambda), l2Weight = parse.GetValue(l2);
            if (!(l1Weight >= 0) || double.IsInfinity(l1Weight)) throw new ArgumentException($"--lambda must be a finite number ≥ 0, not {l1Weight.ToString(CultureInfo.InvariantCulture)}.");
            if (!(l2Weight >= 0) || double.IsInfinity(l2Weight)) throw new ArgumentException($"--l2 must be a finite number ≥ 0, not {l2Weight.ToString(CultureInfo.InvariantCulture)}.");
            double tolerance = parse.GetValue(tol);
            if (!(tolerance > 0) || double.IsInfinity(tolerance)) throw new ArgumentException($"--tol must be a finite number > 0, not {tolerance.ToString(CultureInfo.InvariantCulture)}.");
            int limit = parse.GetValue(maxIter);
            if (limit < 1) throw new ArgumentException($"--max-iter must be at least 1, not {limit}.");

            var y = table.Values(yColumn);
            int m = y.Length, n = xColumns.Length;
            if (m == 0) throw new ArgumentException($"{table.Path} has no data rows.");
            var x = new DenseMatrix(m, n);
            var means = new double[n];
            for (int j = 0; j < n; j++) table.Values(xColumns[j]).CopyTo(x.Column(j));
            bool intercept = !parse.GetValue(noIntercept);
            double yMean = 0;
            if (intercept)
            {
                // Centring removes the intercept from the penalized problem: b = ȳ − x̄ᵀw afterwards (as scikit-learn does).
                yMean = y.Average();
                for (int i = 0; i < m; i++) y[i] -= yMean;
                for (int j = 0; j < n; j++)
                {
                    var col = x.Column(j);
                    double mean = 0;
                    foreach (double v in col) mean += v;
                    means[j] = mean / m;
                    for (int i = 0; i < m; i++) col[i] -= means[j];
                }
            }
            var options = new AdmmOptions { AbsoluteTolerance = tolerance, RelativeTolerance = tolerance, MaxIterations = limit, CancellationToken = context.Cancellation };
            var r = l2Weight > 0 ? Admm.ElasticNet(x, y, l1Weight, l2Weight, options) : Admm.Lasso(x, y, l1Weight, options);
            double b = intercept ? yMean - means.Zip(r.X, (a, w) => a * w).Sum() : 0.0;
            string[] names = xColumns.Select(c => table.Names[c]).ToArray();
            int nonzero = r.X.Count(w => w != 0);
            if (parse.GetValue(json))
            {
                context.WriteJson(new
                {
                    data = table.Path,
                    target = table.Names[yColumn],
                    rows = m,
                    lambda = l1Weight,
                    l2 = l2Weight,
                    method = r.Method,
                    reason = r.Reason,
                    converged = r.IsConverged,
                    iterations = r.Iterations,
                    objective = r.Objective,
                    intercept = intercept ? b : (double?)null,
                    coefficients = names.Select((name, j) => new { name, value = r.X[j] }).ToArray(),
                    nonzero,
                    primalResidual = r.PrimalResidual,
                    dualResidual = r.DualResidual,
                    rho = r.Rho,
                    factorizations = r.Factorizations,
                    seconds = r.Elapsed.TotalSeconds,
                });
            }
            else
            {
                var ci = CultureInfo.InvariantCulture;
                var o = context.Out;
                o.WriteLine($"data            {table.Path} ({m} rows, {n} features, target {table.Names[yColumn]})");
                o.WriteLine(string.Create(ci, $"problem         ½‖Xw − y‖² + {l1Weight:G6}‖w‖₁{(l2Weight > 0 ? $" + {l2Weight:G6}/2‖w‖²" : "")}{(intercept ? ", intercept unpenalized" : "")}"));
                o.WriteLine($"method          {r.Method}");
                o.WriteLine($"result          {r.Reason} after {r.Iterations} iterations ({r.Factorizations} factorization{(r.Factorizations == 1 ? "" : "s")}, final ρ {r.Rho.ToString("G4", ci)})");
                o.WriteLine(string.Create(ci, $"objective       {r.Objective:G12}"));
                o.WriteLine(string.Create(ci, $"residuals       primal {r.PrimalResidual:0.00E+00}  dual {r.DualResidual:0.00E+00}"));
                o.WriteLine($"nonzero         {nonzero} of {n}");
                int width = Math.Max(9, names.Max(s => s.Length));
                if (intercept) o.WriteLine(string.Create(ci, $"  {"intercept".PadRight(width)}  {b,16:G10}"));
                for (int j = 0; j < n; j++) o.WriteLine(string.Create(ci, $"  {names[j].PadRight(width)}  {r.X[j],16:G10}"));
            }
            return r.IsConverged ? OptimaCli.Ok : OptimaCli.NotConverged;
        });
        return command;
    }
}
