using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Optima.Solvers.Stochastic;

namespace Optima.Benchmarks.Stochastic;

/// <summary>
/// `optim` mode: ns per parameter per step of every optimizer over n float64 and n float32 parameters on one thread, with the
/// effective memory bandwidth implied by the bytes each must move (gradient read, parameters and every state vector
/// read and written), side by side with torch.optim in the same run when python3 with torch is installed.
/// Options: --n N (default 10^7), --steps S (default 20), --repeats R (sweeps, default 3; ranges are over sweeps), --only a,b,c, --no-torch,
/// --cpu-time (time the thread's CPU seconds on both sides instead of wall-clock: for a shared machine).
/// </summary>
public static class OptimizerBenchmark
{
    public static int Run(string[] args)
    {
        int n = 10_000_000, steps = 20, repeats = 3;
        bool torch = true;
        string[]? only = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--n": n = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--steps": steps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--repeats": repeats = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--only": only = args[++i].Split(','); break;
                case "--no-torch": torch = false; break;
                case "--cpu-time": s_cpuTime = true; break;
                default: Console.Error.WriteLine($"unknown option '{args[i]}'"); return 2;
            }
        }
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(ci, $"n = {n:N0} parameters (float64, then float32), median of {steps} steps per sweep, {repeats} sweeps (range = min–max over sweeps), one thread, Vector<double>.Count = {Vector<double>.Count}"));
        var x = new double[n];
        var g = new double[n];
        var rng = new Random(1);
        for (int i = 0; i < n; i++) { x[i] = rng.NextDouble() - 0.5; g[i] = rng.NextDouble() - 0.5; }
        var xf = x.Select(v => (float)v).ToArray();
        var gf = g.Select(v => (float)v).ToArray();
        var names = only ?? Optimizers.Names.ToArray();
        var samples = names.ToDictionary(k => k, _ => new List<double>());
        var samplesF = names.ToDictionary(k => k, _ => new List<double>());
        var floor = new List<double>();
        var scan = new List<double>();
        var scanF = new List<double>();
        var kernels = new Dictionary<string, string>();
        var vectors = new Dictionary<string, int>();
        for (int rep = 0; rep < repeats; rep++)
        {
            floor.Add(FusedAdamReference(x, g, steps));
            scan.Add(FiniteScan(x, g, steps));
            scanF.Add(FiniteScan(xf, gf, steps));
            foreach (var name in names)
            {
                foreach (var precision in new[] { OptimizerPrecision.Float64, OptimizerPrecision.Float32 })
                {
                    var opt = Optimizers.Create(name, n, Optimizers.Defaults(name) with { Precision = precision });
                    var chain = opt as ChainOptimizer;
                    vectors[name] = chain?.State.VectorCount ?? 0;
                    kernels[name] = chain?.FusedKernelName ?? "chain";
                    opt.LearningRate = 1e-6; // keep the parameters tame over many steps
                    if (precision == OptimizerPrecision.Float64) samples[name].Add(Median(steps, () => opt.Step(x, g)) * 1e9 / n);
                    else samplesF[name].Add(Median(steps, () => opt.Step(xf, gf)) * 1e9 / n);
                }
            }
        }
        double floorNs = floor.Order().ElementAt(floor.Count / 2);
        double floorGbs = 56 / floorNs;
        Console.WriteLine(string.Create(ci, $"reference: one hand-fused Adam loop (no scan, no chain), 56 B/param: {Range(floor)} ns/param → {floorGbs:F1} GB/s is this machine's in-place streaming bandwidth now"));
        Console.WriteLine(string.Create(ci, $"finiteness scan of the gradient (a refused step; every step starts with it): float64 8 B/param {Range(scan)} ns/param, float32 4 B/param {Range(scanF)} ns/param"));
        var ours = Table("float64", 8, names, samples, kernels, vectors, floorGbs);
        var oursF = Table("float32", 4, names, samplesF, kernels, vectors, floorGbs);
        Console.WriteLine("(bound = bytes/param ÷ the reference bandwidth; × bound ≤ 1.5 is the target; the scan's bytes are not in 'bytes')");
        if (torch) RunTorch(n, steps, names, ours, oursF);
        return 0;
    }

    /// <summary>Prints one precision's table and returns the median ns/param of each optimizer.</summary>
    private static Dictionary<string, double> Table(string precision, int size, string[] names, Dictionary<string, List<double>> samples,
        Dictionary<string, string> kernels, Dictionary<string, int> vectors, double floorGbs)
    {
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine($"{precision,-16} {"kernel",-24} {"ns/param",9} {"range",13} {"bytes/param",11} {"GB/s",6} {"bound ns",9} {"× bound",8}");
        var medians = new Dictionary<string, double>();
        foreach (var name in names)
        {
            double ns = samples[name].Order().ElementAt(samples[name].Count / 2);
            medians[name] = ns;
            double bytes = size * (3 + 2.0 * vectors[name]); // read g, read and write θ and every state vector
            double bound = bytes / floorGbs; // ns/param if it moved only its own bytes at the reference bandwidth
            Console.WriteLine(string.Create(ci, $"{name,-16} {kernels[name],-24} {ns,9:F3} {Range(samples[name]),13} {bytes,11:F0} {bytes / ns,6:F1} {bound,9:F3} {ns / bound,7:F2}×"));
        }
        return medians;
    }

    // --cpu-time: time steps in the calling thread's CPU seconds (both sides; python: time.thread_time), so that other
    // jobs' time slices on a shared machine are not counted. The steps are one-threaded, so nothing is lost.
    private static bool s_cpuTime;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec ts);

    private struct TimeSpec
    {
        public long Seconds, Nanoseconds;
    }

    private static long Stamp() =>
        s_cpuTime && ClockGetTime(3, out var ts) == 0 ? ts.Seconds * 1_000_000_000 + ts.Nanoseconds
            : (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));

    private static double Since(long t0) => (Stamp() - t0) * 1e-9;

    private static double Median(int steps, Action step)
    {
        step(); step();
        var times = new double[steps];
        for (int s = 0; s < steps; s++)
        {
            long t0 = Stamp();
            step();
            times[s] = Since(t0);
        }
        Array.Sort(times);
        return times[steps / 2];
    }

    private static string Range(List<double> values) =>
        string.Create(CultureInfo.InvariantCulture, $"{values.Min():F3}–{values.Max():F3}");

    /// <summary>ns/param of a refused step: exactly the finiteness scan every step starts with.</summary>
    private static double FiniteScan(double[] x, double[] g, int steps)
    {
        var opt = Optimizers.Create("sgd", x.Length);
        var bad = (double[])g.Clone();
        bad[^1] = double.NaN;
        return Median(steps, () => opt.Step(x, bad)) * 1e9 / x.Length;
    }

    private static double FiniteScan(float[] x, float[] g, int steps)
    {
        var opt = Optimizers.Create("sgd", x.Length, Optimizers.Defaults("sgd") with { Precision = OptimizerPrecision.Float32 });
        var bad = (float[])g.Clone();
        bad[^1] = float.NaN;
        return Median(steps, () => opt.Step(x, bad)) * 1e9 / x.Length;
    }

    /// <summary>
    /// The floor to compare with: one hand-fused Adam loop over the same arrays (no finiteness pre-pass, no chain),
    /// 56 bytes per parameter.
    /// </summary>
    private static double FusedAdamReference(double[] x, double[] g, int steps)
    {
        int n = x.Length, w = Vector<double>.Count;
        var m = new double[n];
        var v = new double[n];
        var times = new double[steps];
        for (int s = -2; s < steps; s++)
        {
            long t0 = Stamp();
            int t = s + 3;
            var c1 = new Vector<double>(1e-6 / (1 - Math.Pow(0.9, t)));
            var c2 = new Vector<double>(1 / Math.Sqrt(1 - Math.Pow(0.999, t)));
            var b1 = new Vector<double>(0.9); var a1 = new Vector<double>(0.1);
            var b2 = new Vector<double>(0.999); var a2 = new Vector<double>(0.001); var eps = new Vector<double>(1e-8);
            var xs = System.Runtime.InteropServices.MemoryMarshal.Cast<double, Vector<double>>(x.AsSpan());
            var gs = System.Runtime.InteropServices.MemoryMarshal.Cast<double, Vector<double>>(g.AsSpan());
            var ms = System.Runtime.InteropServices.MemoryMarshal.Cast<double, Vector<double>>(m.AsSpan());
            var vs = System.Runtime.InteropServices.MemoryMarshal.Cast<double, Vector<double>>(v.AsSpan());
            for (int i = 0; i < xs.Length; i++)
            {
                var gi = gs[i];
                var mi = Vector.FusedMultiplyAdd(b1, ms[i], a1 * gi);
                var vi = Vector.FusedMultiplyAdd(b2, vs[i], a2 * gi * gi);
                ms[i] = mi; vs[i] = vi;
                xs[i] -= mi * c1 / Vector.FusedMultiplyAdd(Vector.SquareRoot(vi), c2, eps);
            }
            if (s >= 0) times[s] = Since(t0);
        }
        Array.Sort(times);
        return times[steps / 2] * 1e9 / n;
    }

    private static void RunTorch(int n, int steps, string[] names, Dictionary<string, double> ours, Dictionary<string, double> oursF)
    {
        var map = new Dictionary<string, string>
        {
            ["sgd"] = "torch.optim.SGD([p], lr=1e-6)",
            ["momentum"] = "torch.optim.SGD([p], lr=1e-6, momentum=0.9)",
            ["nesterov"] = "torch.optim.SGD([p], lr=1e-6, momentum=0.9, nesterov=True)",
            ["adagrad"] = "torch.optim.Adagrad([p], lr=1e-6)",
            ["rmsprop"] = "torch.optim.RMSprop([p], lr=1e-6)",
            ["rmsprop-centred"] = "torch.optim.RMSprop([p], lr=1e-6, centered=True)",
            ["adadelta"] = "torch.optim.Adadelta([p], lr=1e-6)",
            ["adam"] = "torch.optim.Adam([p], lr=1e-6)",
            ["amsgrad"] = "torch.optim.Adam([p], lr=1e-6, amsgrad=True)",
            ["adamw"] = "torch.optim.AdamW([p], lr=1e-6)",
            ["adamax"] = "torch.optim.Adamax([p], lr=1e-6)",
            ["nadam"] = "torch.optim.NAdam([p], lr=1e-6)",
            ["radam"] = "torch.optim.RAdam([p], lr=1e-6)",
            ["rprop"] = "torch.optim.Rprop([p], lr=1e-6)",
        };
        var lines = names.Where(map.ContainsKey).Select(k => $"    ('{k}', lambda p: {map[k]}),");
        string script = $$"""
import time, torch
torch.set_num_threads(1)
clock = {{(s_cpuTime ? "time.thread_time" : "time.perf_counter")}}
n, steps = {{n}}, {{steps}}
for dtype in (torch.float64, torch.float32):
  g = torch.rand(n, dtype=dtype) - 0.5
  for name, make in [
{{string.Join("\n", lines)}}
  ]:
    p = (torch.rand(n, dtype=dtype) - 0.5).requires_grad_()
    p.grad = g.clone()
    opt = make(p)
    opt.step(); opt.step()
    ts = []
    for _ in range(steps):
        t0 = clock(); opt.step(); ts.append(clock() - t0)
    ts.sort()
    print(str(dtype)[6:], name, ts[len(ts) // 2] * 1e9 / n, flush=True)
  del p, g, opt
""";
        string path = Path.Combine(Path.GetTempPath(), $"optima-torch-bench-{Environment.ProcessId}.py");
        File.WriteAllText(path, script);
        try
        {
            var psi = new ProcessStartInfo("/usr/bin/python3", path) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var proc = Process.Start(psi)!;
            string stdout = proc.StandardOutput.ReadToEnd();
            string stderr = proc.StandardError.ReadToEnd();
            proc.WaitForExit();
            if (proc.ExitCode != 0)
            {
                Console.WriteLine($"torch comparison skipped (python3 -c 'import torch' failed; install with: sudo apt-get install -y python3-torch): {stderr.Trim().Split('\n').LastOrDefault()}");
                return;
            }
            Console.WriteLine($"\ntorch {TorchVersion()} one thread, same n, same run:");
            Console.WriteLine($"{"optimizer",-18} {"dtype",-8} {"torch ns/param",15} {"optima ns/param",16} {"speed-up",9}");
            foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split(' ');
                double t = double.Parse(parts[2], CultureInfo.InvariantCulture);
                double o = (parts[0] == "float32" ? oursF : ours)[parts[1]];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{parts[1],-18} {parts[0],-8} {t,15:F3} {o,16:F3} {t / o,8:F1}×"));
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.WriteLine("torch comparison skipped: /usr/bin/python3 not found.");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string TorchVersion()
    {
        try
        {
            var psi = new ProcessStartInfo("/usr/bin/python3", "-c \"import torch; print(torch.__version__)\"") { RedirectStandardOutput = true };
            using var p = Process.Start(psi)!;
            string v = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return v;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "?";
        }
    }
}
