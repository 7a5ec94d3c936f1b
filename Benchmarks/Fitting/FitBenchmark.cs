using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Optima.Problems.Data;
using Optima.Solvers.Fitting;

namespace Optima.Benchmarks.Fitting;

/// <summary>y = a1·exp(−k1·x) + a2·exp(−k2·x) + c, written once with generic math (Jacobian by autodiff).</summary>
internal readonly struct TwoExponentials : IScalarFitModel
{
    public T Evaluate<T>(T x, ReadOnlySpan<T> p) where T : IFloatingPointIeee754<T> =>
        p[0] * T.Exp(-p[1] * x) + p[2] * T.Exp(-p[3] * x) + p[4];
}

internal readonly struct Peak : IScalarFitModel
{
    public T Evaluate<T>(T x, ReadOnlySpan<T> p) where T : IFloatingPointIeee754<T>
    {
        T z = (x - p[1]) / p[2];
        return p[0] * T.Exp(-z * z / (T.One + T.One)) + p[3];
    }
}

/// <summary>
/// `fit` mode: (1) the 5-parameter two-exponential fit to 10⁶ points with the Jacobian by autodiff, by hand and from the
/// compiled expression — time per LM iteration and for the whole fit — beside scipy's least_squares on the same data
/// (same process tree, Debian python3-scipy); (2) many small fits: 10⁵ Gaussian peaks of 50 points through
/// CurveFit.FitMany, fits per second on all cores and on one.
/// </summary>
public static class FitBenchmark
{
    private static readonly double[] Truth = [3.0, 1.3, 1.5, 0.2, 0.5];
    private static readonly double[] Start = [2.5, 1.0, 1.2, 0.25, 0.4];

    /// <summary>Tolerances like scipy's least_squares defaults (ftol = xtol = 1e-8) instead of Optima's machine-precision defaults.</summary>
    private static readonly FitOptions ScipyLike = new() { FunctionTolerance = 1e-8, StepTolerance = 1e-8 };

    public static int Run(string[] args)
    {
        int points = Option(args, "--points", 1_000_000), peaks = Option(args, "--peaks", 100_000), repeats = Option(args, "--repeats", 3);
        bool scipy = !args.Contains("--no-scipy");
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine($"Optima fit benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}");

        // ---------------------------------------------------------------- one large fit
        var rng = new Xoshiro256StarStar(2024);
        var x = new double[points];
        var y = new double[points];
        for (int i = 0; i < points; i++)
        {
            x[i] = 10.0 * i / (points - 1);
            y[i] = Truth[0] * Math.Exp(-Truth[1] * x[i]) + Truth[2] * Math.Exp(-Truth[3] * x[i]) + Truth[4] + 0.01 * rng.NextGaussian();
        }
        FitFunctionWithGradient hand = (xs, p, g) =>
        {
            double t = xs[0], e1 = Math.Exp(-p[1] * t), e2 = Math.Exp(-p[3] * t);
            g[0] = e1;
            g[1] = -p[0] * t * e1;
            g[2] = e2;
            g[3] = -p[2] * t * e2;
            g[4] = 1;
            return p[0] * e1 + p[2] * e2 + p[4];
        };
        const string expression = "a1*exp(-k1*x) + a2*exp(-k2*x) + c";
        // Threads: the default (FitOptions.Compute.Threads = null) is all cores for expressions and one thread for user code
        // (delegates, generic-math structs), which Optima cannot know to be thread-safe; "all cores" rows set the processor count.
        var allCores = new FitOptions { Compute = new() { Threads = Environment.ProcessorCount } };
        var oneThread = new FitOptions { Compute = ComputeOptions.Sequential };
        var runs = new (string Name, Func<FitResult> Fit)[]
        {
            ("autodiff (Jet) [1 thr]", () => CurveFit.Fit(new TwoExponentials(), x, y, Start)),
            ("hand-written Jacobian [1 thr]", () => CurveFit.Fit(hand, x, y, Start)),
            ("expression [all cores]", () => CurveFit.Fit(expression, x, y, Start)),
            ("autodiff, all cores", () => CurveFit.Fit(new TwoExponentials(), x, y, Start, allCores)),
            ("hand, all cores", () => CurveFit.Fit(hand, x, y, Start, allCores)),
            ("expression, Threads=1", () => CurveFit.Fit(expression, x, y, Start, oneThread)),
            ("expression, scipy's tols [all]", () => CurveFit.Fit(expression, x, y, Start, ScipyLike)),
            ("hand, scipy's tols [1 thr]", () => CurveFit.Fit(hand, x, y, Start, ScipyLike)),
            ("autodiff, scipy's tols [1 thr]", () => CurveFit.Fit(new TwoExponentials(), x, y, Start, ScipyLike)),
        };
        Console.WriteLine($"\n1) two exponentials + offset, {points:N0} points, LM (best of {repeats} after a warm-up); all rows but the");
        Console.WriteLine("   'scipy's tols' ones with Optima's default options (machine-precision tolerances), those with ftol = xtol = 1e-8.");
        Console.WriteLine("   [1 thr] = default threads for user models (calling thread only); [all] = all cores (the expression default,");
        Console.WriteLine("   or FitOptions.Compute.Threads = Environment.ProcessorCount for user models, which must then be thread-safe). Results are the same bits either way.");
        Console.WriteLine($"   {"Jacobian",-32} {"fit s",8} {"iters",6} {"J evals",8} {"ms/iter",9}  RSS");
        var perIteration = new Dictionary<string, double>();
        var wholeFit = new Dictionary<string, double>();
        foreach (var (name, fit) in runs)
        {
            fit();
            FitResult? best = null;
            double bestSeconds = double.MaxValue;
            for (int rep = 0; rep < repeats; rep++)
            {
                var clock = Stopwatch.StartNew();
                var r = fit();
                double s = clock.Elapsed.TotalSeconds;
                if (s < bestSeconds) { bestSeconds = s; best = r; }
            }
            double msPerIteration = 1e3 * bestSeconds / Math.Max(1, best!.Iterations);
            perIteration[name] = msPerIteration;
            wholeFit[name] = bestSeconds;
            Console.WriteLine(string.Create(ci, $"   {name,-32} {bestSeconds,8:F3} {best.Iterations,6} {best.Evaluations.Jacobians,8} {msPerIteration,9:F2}  {best.ResidualSumOfSquares:G10} ({(best.IsConverged ? "converged" : best.Reason.ToString())})"));
        }
        Console.WriteLine(string.Create(ci, $"   autodiff / hand-written time per iteration: {perIteration[runs[0].Name] / perIteration[runs[1].Name]:F2}× (goal ≤ 3×)"));
        Console.WriteLine(string.Create(ci, $"   whole fit, all cores / one thread: autodiff {wholeFit[runs[3].Name] / wholeFit[runs[0].Name]:F2}×, hand {wholeFit[runs[4].Name] / wholeFit[runs[1].Name]:F2}×, expression {wholeFit[runs[2].Name] / wholeFit[runs[5].Name]:F2}×"));

        if (scipy)
        {
            string dir = Directory.CreateTempSubdirectory("optima-fit-bench-").FullName;
            try
            {
                WriteDoubles(Path.Combine(dir, "x.bin"), x);
                WriteDoubles(Path.Combine(dir, "y.bin"), y);
                string script = Path.Combine(AppContext.BaseDirectory, "Fitting", "scipy_fit.py");
                if (!File.Exists(script)) script = Path.Combine("Benchmarks", "Fitting", "scipy_fit.py");
                var psi = new ProcessStartInfo("/usr/bin/python3", [script, dir, string.Join(",", Start.Select(v => v.ToString("R", ci)))])
                    { RedirectStandardOutput = true, RedirectStandardError = true };
                using var p = Process.Start(psi)!;
                string output = p.StandardOutput.ReadToEnd(), error = p.StandardError.ReadToEnd();
                p.WaitForExit();
                Console.Write(p.ExitCode == 0 ? output : $"   scipy run failed ({p.ExitCode}): {error.Trim()}\n");
                // Whole fit, Optima ÷ scipy, same run (< 1: Optima faster).
                var scipyTimes = System.Text.RegularExpressions.Regex.Matches(output, @"least_squares (\w+)\s+([0-9.]+) s")
                    .ToDictionary(mt => mt.Groups[1].Value, mt => double.Parse(mt.Groups[2].Value, ci));
                if (scipyTimes.TryGetValue("trf", out double trf) && scipyTimes.TryGetValue("lm", out double lm))
                    foreach (var (name, seconds) in wholeFit)
                        Console.WriteLine(string.Create(ci, $"   whole fit / scipy: {name,-32} {seconds / trf,5:F2}× trf  {seconds / lm,5:F2}× lm"));
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }

        // ---------------------------------------------------------------- many small fits
        var peakRng = new Xoshiro256StarStar(7);
        var px = Enumerable.Range(0, 50).Select(i => i / 49.0 * 10 - 5).ToArray();
        var xs = new double[peaks][];
        var ys = new double[peaks][];
        for (int k = 0; k < peaks; k++)
        {
            double a = peakRng.NextDouble(1, 3), c = peakRng.NextDouble(-1, 1), s = peakRng.NextDouble(0.5, 1.5), b = peakRng.NextDouble(-0.2, 0.2);
            xs[k] = px;
            ys[k] = px.Select(v => a * Math.Exp(-0.5 * ((v - c) / s) * ((v - c) / s)) + b + 0.01 * peakRng.NextGaussian()).ToArray();
        }
        double[][] peakStart = [[2.0, 0.0, 1.0, 0.0]];
        Console.WriteLine($"\n2) many small fits: {peaks:N0} Gaussian peaks × 50 points, 4 parameters, CurveFit.FitMany (autodiff)");
        CurveFit.FitMany(new Peak(), xs[..Math.Min(1000, peaks)], ys[..Math.Min(1000, peaks)], peakStart);
        foreach (int threads in new[] { -1, 1 })
        {
            // Best of two runs: the first run of a configuration still pays for JIT tiering of the hot paths.
            FitResult[] results = [];
            double seconds = double.PositiveInfinity;
            for (int run = 0; run < 2; run++)
            {
                var clock = Stopwatch.StartNew();
                results = CurveFit.FitMany(new Peak(), xs, ys, peakStart, options: new FitOptions { Compute = new() { Threads = threads > 0 ? threads : null } });
                seconds = Math.Min(seconds, clock.Elapsed.TotalSeconds);
            }
            int converged = results.Count(r => r.IsConverged);
            Console.WriteLine(string.Create(ci, $"   {(threads < 0 ? $"all {Environment.ProcessorCount} cores" : "1 thread"),-14} {seconds,8:F3} s  {peaks / seconds,10:N0} fits/s  ({converged:N0} converged; mean {results.Average(r => r.Iterations):F1} iterations, {results.Average(r => r.Evaluations.Residuals):F1} r + {results.Average(r => r.Evaluations.Jacobians):F1} J evaluations)"));
        }
        return 0;
    }

    private static void WriteDoubles(string path, double[] values)
    {
        using var w = new BinaryWriter(File.Create(path));
        foreach (double v in values) w.Write(v);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : fallback;
    }
}
