using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Optima.LinearAlgebra;
using Optima.Solvers.Convex;

namespace Optima.Benchmarks.Convex;

/// <summary>
/// `lasso` mode: ADMM lasso (Admm.Lasso, cached Cholesky, adaptive ρ, tolerances 1e-9) against scikit-learn's coordinate
/// descent (Benchmarks/Convex/sklearn_lasso.py, Lasso(alpha = λ/m, fit_intercept=False, tol=1e-12)) on the same seeded
/// Gaussian problems, in one run: max |w_optima − w_sklearn|, the objective difference, and wall times (Optima: median of
/// --repeats warm runs after one warm-up, including the Gram matrix and factorization; scikit-learn: best of 3 fits).
/// Options: --repeats R (5), --python PATH (/usr/bin/python3), --threads T (default automatic).
/// </summary>
public static class LassoBenchmark
{
    public static int Run(string[] args)
    {
        int repeats = 5;
        string python = "/usr/bin/python3";
        int? threads = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--repeats": repeats = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--python": python = args[++i]; break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        string script = Path.Combine(AppContext.BaseDirectory, "Convex", "sklearn_lasso.py");
        if (!File.Exists(script)) script = Path.Combine("Benchmarks", "Convex", "sklearn_lasso.py");
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine($"# ADMM lasso vs scikit-learn; {Environment.ProcessorCount} logical CPUs, threads {(threads?.ToString(ci) ?? "automatic")}");
        Console.WriteLine("| m × n | λ | nonzeros | max abs diff w | objective optima − sklearn | ADMM iterations (factorizations) | optima ms | sklearn ms | sklearn/optima |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        string dir = Directory.CreateTempSubdirectory("optima-lasso-bench-").FullName;
        try
        {
            foreach (var (m, n, k, alpha, seed) in new[] { (500, 50, 5, 0.05, 1), (2000, 200, 20, 0.05, 2), (200, 1000, 10, 0.1, 3) })
            {
                var rng = new Random(seed);
                var a = new DenseMatrix(m, n);
                for (int i = 0; i < a.Data.Length; i++) a.Data[i] = Normal(rng);
                var w = new double[n];
                for (int t = 0; t < k; t++) w[rng.Next(n)] = 3 * Normal(rng);
                var b = new double[m];
                a.Multiply(w, b);
                for (int i = 0; i < m; i++) b[i] += 0.1 * Normal(rng);
                double lambda = m * alpha;
                string csv = Path.Combine(dir, $"lasso-{m}x{n}.csv");
                using (var writer = new StreamWriter(csv))
                {
                    writer.WriteLine(string.Join(",", Enumerable.Range(0, n).Select(j => $"x{j}").Append("y")));
                    for (int i = 0; i < m; i++)
                        writer.WriteLine(string.Join(",", Enumerable.Range(0, n).Select(j => a[i, j].ToString("R", ci)).Append(b[i].ToString("R", ci))));
                }
                var options = new AdmmOptions { AbsoluteTolerance = 1e-9, RelativeTolerance = 1e-9, MaxIterations = 100_000, Compute = new ComputeOptions { Threads = threads } };
                var result = Admm.Lasso(a, b, lambda, options); // warm-up
                var times = new List<double>();
                for (int r = 0; r < repeats; r++)
                {
                    long start = Stopwatch.GetTimestamp();
                    result = Admm.Lasso(a, b, lambda, options);
                    times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                times.Sort();
                var peer = Process.Start(new ProcessStartInfo(python, [script, csv, alpha.ToString("R", ci), "1e-12"]) { RedirectStandardOutput = true })!;
                string line = peer.StandardOutput.ReadToEnd();
                peer.WaitForExit();
                using var doc = JsonDocument.Parse(line);
                var sk = doc.RootElement.GetProperty("coef").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                double skMs = 1e3 * doc.RootElement.GetProperty("seconds").GetDouble();
                double diff = result.X.Zip(sk, (p, q) => Math.Abs(p - q)).Max();
                double fSk = Objective(a, b, sk, lambda);
                Console.WriteLine(string.Create(ci,
                    $"| {m} × {n} | {lambda:G4} | {result.X.Count(v => v != 0)} | {diff:0.0E+0} | {result.Objective - fSk:0.0E+0} | {result.Iterations} ({result.Factorizations}) | {times[times.Count / 2]:F2} | {skMs:F2} | {skMs / times[times.Count / 2]:F2} |"));
                if (!result.IsConverged) Console.WriteLine($"  (optima: {result})");
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
        return 0;
    }

    private static double Objective(DenseMatrix a, double[] b, double[] w, double lambda)
    {
        var r = new double[a.Rows];
        a.Multiply(w, r);
        double s = 0;
        for (int i = 0; i < r.Length; i++) s += (r[i] - b[i]) * (r[i] - b[i]);
        return 0.5 * s + lambda * w.Sum(Math.Abs);
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
