using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;
using Optima.Problems;
using Optima.Problems.Library;
using Optima.Solvers;
using Optima.Solvers.QuasiNewton;

namespace Optima.Benchmarks.QuasiNewton;

/// <summary>
/// `lbfgs` mode: L-BFGS (m = 10, Moré–Thuente strong Wolfe) on the extended Rosenbrock function (MGH 21, separable),
/// n = 10⁵ by default, from the standard start, stopped by ‖∇f‖∞ ≤ gtol only, side by side in one run with scipy's
/// L-BFGS-B (Benchmarks/QuasiNewton/lbfgs_scipy.py, m = 10, pgtol = gtol, ftol = 0; single-threaded Fortran) and MathNet 5's
/// LimitedMemoryBfgsMinimizer (m = 10, gradient tolerance gtol). Wall times are the median (and range) of --repeats
/// runs after one warm-up; "eval ms" is the time spent inside the objective. Optima runs twice: with Threads = 1 (everything
/// on the calling thread) and with its default Threads = 0 (all cores for the passes over the stored pairs). Also reports the bytes Optima allocates
/// per run and per iteration (GC.GetAllocatedBytesForCurrentThread around a run; per iteration from the difference
/// between a full run and a 2-iteration run).
/// Options: --n N (10^5), --gtol G (1e-5), --repeats R (7), --no-scipy, --no-mathnet, --python PATH (/usr/bin/python3).
/// </summary>
public static class LbfgsBenchmark
{
    private sealed record Row(string Solver, double[] Seconds, double EvalSeconds, int Iterations, long Evaluations, double F, double GradMax, string Note);

    /// <summary>Counts and times calls into an objective.</summary>
    private sealed class Timed(IGradientObjective inner) : IGradientObjective
    {
        public long Calls;
        public long Ticks;
        public int Dimension => inner.Dimension;
        public double Value(ReadOnlySpan<double> x)
        {
            long t = Stopwatch.GetTimestamp();
            double f = inner.Value(x);
            Ticks += Stopwatch.GetTimestamp() - t;
            Calls++;
            return f;
        }
        public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> g)
        {
            long t = Stopwatch.GetTimestamp();
            double f = inner.ValueAndGradient(x, g);
            Ticks += Stopwatch.GetTimestamp() - t;
            Calls++;
            return f;
        }
    }

    public static int Run(string[] args)
    {
        int n = 100_000, repeats = 7;
        double gtol = 1e-5;
        bool scipy = true, mathnet = true;
        string python = "/usr/bin/python3";
        var ci = CultureInfo.InvariantCulture;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--n": n = int.Parse(args[++i], ci); break;
                case "--gtol": gtol = double.Parse(args[++i], ci); break;
                case "--repeats": repeats = int.Parse(args[++i], ci); break;
                case "--no-scipy": scipy = false; break;
                case "--no-mathnet": mathnet = false; break;
                case "--python": python = args[++i]; break;
                default: Console.Error.WriteLine($"unknown option '{args[i]}'"); return 2;
            }
        }
        Console.WriteLine(string.Create(ci, $"extended Rosenbrock (MGH 21), n = {n:N0}, standard start, stop at ‖∇f‖∞ ≤ {gtol:G3}, memory 10; {repeats} timed runs each (median, [min–max])"));
        var rows = new List<Row>();
        rows.Add(RunOptima(n, gtol, repeats, 1, out string alloc));
        if (Environment.ProcessorCount > 1) rows.Add(RunOptima(n, gtol, repeats, 0, out _));
        int optimaRows = rows.Count;
        if (mathnet) rows.Add(RunMathNet(n, gtol, repeats));
        if (scipy)
        {
            var row = RunScipy(python, n, gtol, repeats);
            if (row is not null) rows.Add(row);
        }

        Console.WriteLine();
        Console.WriteLine($"| solver | wall ms median [min–max] | eval ms | iterations | evaluations | f | ‖∇f‖∞ | note |");
        Console.WriteLine($"|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            var s = r.Seconds.Order().ToArray();
            Console.WriteLine(string.Create(ci,
                $"| {r.Solver} | {1e3 * Median(s):F1} [{1e3 * s[0]:F1}–{1e3 * s[^1]:F1}] | {1e3 * r.EvalSeconds:F1} | {r.Iterations} | {r.Evaluations} | {r.F:G4} | {r.GradMax:G3} | {r.Note} |"));
        }
        Console.WriteLine();
        Console.WriteLine(alloc);
        foreach (var optima in rows.Take(optimaRows))
        foreach (var r in rows.Skip(optimaRows))
            Console.WriteLine(string.Create(ci,
                $"{r.Solver} / {optima.Solver} wall time: {Median(r.Seconds) / Median(optima.Seconds):F2}× (median), {r.Seconds.Min() / optima.Seconds.Max():F2}×–{r.Seconds.Max() / optima.Seconds.Min():F2}× (range); evaluations {r.Evaluations} vs {optima.Evaluations}"));
        return 0;
    }

    private static Row RunOptima(int n, double gtol, int repeats, int threads, out string allocation)
    {
        var problem = new ExtendedRosenbrock(n);
        var x0 = problem.StandardStart();
        var method = new Lbfgs(10, Threads: threads > 0 ? threads : null);
        var options = new SolverOptions { GradientTolerance = gtol, MaxIterations = 10_000 };
        method.Minimize(problem, x0, options); // warm-up (JIT)
        var times = new double[repeats];
        OptimizationResult? result = null;
        double evalSeconds = 0;
        for (int k = 0; k < repeats; k++)
        {
            var timed = new Timed(problem);
            long t0 = Stopwatch.GetTimestamp();
            result = method.Minimize(timed, x0, options);
            times[k] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            evalSeconds = (double)timed.Ticks / Stopwatch.Frequency;
        }
        // Allocation: a whole run, and the increment from 2 iterations to the full run (the smallest of 3 trials: the
        // runtime itself occasionally allocates on this thread, e.g. for tiered compilation).
        long fullBytes = long.MaxValue, shortBytes = long.MaxValue, increment = long.MaxValue;
        int fullIterations = 0, shortIterations = 0;
        var twoIterations = options with { MaxIterations = 2 };
        for (int trial = 0; trial < 3; trial++)
        {
            long a0 = GC.GetAllocatedBytesForCurrentThread();
            var full = method.Minimize(problem, x0, options);
            long a1 = GC.GetAllocatedBytesForCurrentThread();
            var shortRun = method.Minimize(problem, x0, twoIterations);
            long a2 = GC.GetAllocatedBytesForCurrentThread();
            fullBytes = Math.Min(fullBytes, a1 - a0);
            shortBytes = Math.Min(shortBytes, a2 - a1);
            increment = Math.Min(increment, (a1 - a0) - (a2 - a1));
            fullIterations = full.Iterations;
            shortIterations = shortRun.Iterations;
        }
        double perIteration = (double)increment / (fullIterations - shortIterations);
        allocation = string.Create(CultureInfo.InvariantCulture,
            $"Optima allocation: {fullBytes:N0} bytes per run of {fullIterations} iterations ({fullBytes / (8.0 * n):F1}·n doubles: x, buffers and memory, sized once), "
            + $"{shortBytes:N0} bytes for {shortIterations} iterations → {perIteration:F1} bytes per further iteration (min of 3 trials).");
        var r = result!;
        string label = threads == 1 ? "Optima L-BFGS, Threads = 1" : $"Optima L-BFGS, default Threads = 0 ({Environment.ProcessorCount} threads for the passes over the pairs)";
        return new Row(label, times, evalSeconds, r.Iterations, r.Evaluations.Objective, r.Value, r.GradientNorm, r.Reason.ToString());
    }

    private static Row RunMathNet(int n, double gtol, int repeats)
    {
        var problem = new ExtendedRosenbrock(n);
        var x0 = Vector<double>.Build.Dense(problem.StandardStart());
        long calls = 0, ticks = 0;
        var objective = ObjectiveFunction.Gradient(v =>
        {
            long t = Stopwatch.GetTimestamp();
            var g = Vector<double>.Build.Dense(n);
            double f = problem.ValueAndGradient(((MathNet.Numerics.LinearAlgebra.Storage.DenseVectorStorage<double>)v.Storage).Data, ((MathNet.Numerics.LinearAlgebra.Storage.DenseVectorStorage<double>)g.Storage).Data);
            ticks += Stopwatch.GetTimestamp() - t;
            calls++;
            return (f, g);
        });
        MinimizationResult? result = null;
        var times = new double[repeats];
        string note = "";
        for (int k = -1; k < repeats; k++)
        {
            calls = 0;
            ticks = 0;
            var minimizer = new LimitedMemoryBfgsMinimizer(gtol, 0, 0, 10, 10_000);
            long t0 = Stopwatch.GetTimestamp();
            try
            {
                result = minimizer.FindMinimum(objective, x0);
            }
            catch (Exception e)
            {
                note = e.GetType().Name + ": " + e.Message;
            }
            if (k >= 0) times[k] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }
        if (result is null) return new Row("MathNet 5 LimitedMemoryBfgsMinimizer", times, (double)ticks / Stopwatch.Frequency, 0, calls, double.NaN, double.NaN, note);
        var gr = result.FunctionInfoAtMinimum.Gradient;
        return new Row("MathNet 5 LimitedMemoryBfgsMinimizer", times, (double)ticks / Stopwatch.Frequency, result.Iterations, calls,
            result.FunctionInfoAtMinimum.Value, gr.AbsoluteMaximum(), result.ReasonForExit.ToString() + (note.Length > 0 ? "; " + note : ""));
    }

    private static Row? RunScipy(string python, int n, double gtol, int repeats)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "QuasiNewton", "lbfgs_scipy.py");
        if (!File.Exists(script)) script = Path.Combine("Benchmarks", "QuasiNewton", "lbfgs_scipy.py");
        var psi = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(n.ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add(gtol.ToString("R", CultureInfo.InvariantCulture));
        psi.ArgumentList.Add((repeats + 1).ToString(CultureInfo.InvariantCulture));
        try
        {
            using var p = Process.Start(psi)!;
            string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                Console.Error.WriteLine($"scipy run failed ({python} {script}): {stderr.Trim()}");
                return null;
            }
            using var doc = JsonDocument.Parse(stdout);
            var root = doc.RootElement;
            var times = root.GetProperty("seconds").EnumerateArray().Select(e => e.GetDouble()).Skip(1).ToArray();
            return new Row($"scipy {root.GetProperty("scipy").GetString()} L-BFGS-B", times, root.GetProperty("eval_seconds_median").GetDouble(),
                root.GetProperty("iterations").GetInt32(), root.GetProperty("evaluations").GetInt64(), root.GetProperty("f").GetDouble(),
                root.GetProperty("gradient_max_norm").GetDouble(), root.GetProperty("message").GetString() ?? "");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or JsonException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"scipy run unavailable ({python}): {e.Message}");
            return null;
        }
    }

    private static double Median(double[] v)
    {
        var s = v.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }
}
