using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Optima.Device;
using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Iterative;
using Optima.Solvers.Stochastic;

namespace Optima.Cli;

internal static partial class Commands
{
    /// <summary>One line of <c>optima device</c>: a conformance check against the CPU, or a timing.</summary>
    private sealed record DeviceCheck(string Name, bool Passed, string Detail, double Seconds);

    /// <summary>
    /// <c>optima device</c>: says which device can be used (and why not), then runs the device conformance checks
    /// against the CPU paths (CG/PCG, Adam, SGD) and the Adam-step bandwidth, for a machine with a GPU and no .NET
    /// (scripts/gpu-check.sh publishes the CLI as one file for that).
    /// </summary>
    private static Command DeviceCommand(CliContext context)
    {
        var json = JsonOption();
        var device = new Option<string>("--device") { Description = "auto (default), cuda or cpu-accelerator (ILGPU's CPU emulator).", DefaultValueFactory = _ => "auto" };
        var size = new Option<long?>("--size") { Description = "Parameters of the Adam bandwidth run (default 1e8 on cuda, 1e5 on the CPU accelerator)." };
        var command = new Command("device", "Show the compute devices and run the device conformance checks (CG/PCG, Adam, SGD against the CPU) and the Adam-step bandwidth.")
            { device, size, json };
        command.SetAction(parse =>
        {
            var asked = ParseDevice(parse.GetValue(device));
            if (asked == ComputeDevice.Cpu) throw new ArgumentException("--device cpu has nothing to check: pass auto, cuda or cpu-accelerator.");
            var cuda = CudaProbe.Run();
            DeviceContext? opened;
            DeviceUsage usage;
            try
            {
                opened = DeviceContext.Open(new ComputeOptions { Device = asked }, out usage);
            }
            catch (DeviceUnavailableException e)
            {
                throw new ArgumentException($"--device {DeviceUsage.NameOf(asked)}: {e.Message}.", e);
            }
            if (opened is null) context.Error.WriteLine($"optima: {usage.Why}");
            var checks = new List<DeviceCheck>();
            if (opened is not null)
            {
                using var ctx = opened;
                bool gpu = ctx.Kind == ComputeDevice.Cuda;
                checks.Add(CheckCg(ctx, gpu ? 256 : 8));
                int n = gpu ? 1 << 20 : 256; // the CPU accelerator emulates every thread: keep it small there
                checks.Add(CheckOptimizer<double>(ctx, n, "adam", new DeviceOptimizerSettings { LearningRate = 1e-2 }, Optimizers.Defaults("adam") with { LearningRate = 1e-2 }, 1e-12));
                checks.Add(CheckOptimizer<float>(ctx, n, "adam", new DeviceOptimizerSettings { LearningRate = 1e-2 },
                    Optimizers.Settings("adam", [], OptimizerPrecision.Float32) with { LearningRate = 1e-2 }, 1e-5));
                checks.Add(CheckOptimizer<double>(ctx, n, "nesterov", new DeviceOptimizerSettings { Rule = DeviceRule.Sgd, LearningRate = 1e-2, Nesterov = true },
                    Optimizers.Defaults("nesterov") with { LearningRate = 1e-2 }, 1e-12));
                checks.Add(AdamBandwidth(ctx, parse.GetValue(size) ?? (gpu ? 100_000_000 : 100_000)));
            }
            bool ok = checks.All(c => c.Passed);
            if (parse.GetValue(json))
            {
                context.WriteJson(new
                {
                    cuda = new { available = cuda.Available, devices = cuda.DeviceCount, reason = cuda.Reason },
                    device = new { asked = DeviceUsage.NameOf(usage.Asked), used = DeviceUsage.NameOf(usage.Used), why = usage.Why, name = usage.Name },
                    checks = checks.Select(c => new { name = c.Name, passed = c.Passed, detail = c.Detail, seconds = c.Seconds }),
                    passed = ok,
                });
            }
            else
            {
                var o = context.Out;
                o.WriteLine($"cuda      {cuda.Reason}");
                o.WriteLine($"device    {usage}");
                foreach (var c in checks)
                    o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(c.Passed ? "ok  " : "FAIL")}  {c.Name,-22} {c.Seconds,9:F4} s  {c.Detail}"));
            }
            return ok ? OptimaCli.Ok : OptimaCli.NotConverged;
        });
        return command;
    }

    /// <summary>
    /// PCG(Jacobi) on the k×k Poisson matrix on the device and on the CPU, to a relative residual of 1e-12: both converge,
    /// to the same x within 1e-6 relative (κ ≈ 0.4·k² — 2.7e4 for k = 256 — so two solutions meeting that residual in
    /// different rounding may differ by about κ·1e-12).
    /// </summary>
    private static DeviceCheck CheckCg(DeviceContext device, int k)
    {
        var a = CsrMatrix.Poisson2D(k, k);
        var b = new double[a.Rows];
        for (int i = 0; i < b.Length; i++) b[i] = Math.Sin(i + 1.0);
        var options = new IterativeOptions { Tolerance = 1e-12 };
        var xCpu = new double[a.Rows];
        var cpu = ConjugateGradient.Solve(a, new JacobiPreconditioner(a), b, xCpu, options);
        var xDev = new double[a.Rows];
        using var cg = new DeviceConjugateGradient(device, a, jacobi: true);
        var sw = Stopwatch.StartNew();
        var dev = cg.Solve(b, xDev, options);
        double seconds = sw.Elapsed.TotalSeconds;
        double diff = 0, scale = 0;
        for (int i = 0; i < xCpu.Length; i++) { diff = Math.Max(diff, Math.Abs(xCpu[i] - xDev[i])); scale = Math.Max(scale, Math.Abs(xCpu[i])); }
        bool ok = dev.IsConverged && cpu.IsConverged && diff <= 1e-6 * scale;
        return new("pcg-jacobi", ok, string.Create(CultureInfo.InvariantCulture,
            $"Poisson {k}×{k}: device {dev.Iterations} it ({dev.Reason}), cpu {cpu.Iterations} it in {cpu.Elapsed.TotalSeconds:F4} s; max|Δx|/max|x| = {diff / scale:G3}"), seconds);
    }

    /// <summary>20 steps of a device optimizer and Optima's CPU optimizer from the same start and gradients.</summary>
    private static DeviceCheck CheckOptimizer<T>(DeviceContext device, int n, string cpuName, DeviceOptimizerSettings settings, OptimizerSettings cpuSettings, double tolerance)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        const int steps = 20;
        var rng = new Random(15);
        var start = Enumerable.Range(0, n).Select(_ => T.CreateChecked(rng.NextDouble() * 2 - 1)).ToArray();
        var ours = (T[])start.Clone();
        var cpu = Optimizers.Create(cpuName, n, cpuSettings);
        using var opt = new DeviceOptimizer<T>(device, start, settings);
        var g = new T[n];
        var sw = new Stopwatch();
        for (int s = 0; s < steps; s++)
        {
            for (int i = 0; i < n; i++) g[i] = T.CreateChecked(rng.NextDouble() - 0.5) + ours[i];
            cpu.Step<T>(ours, g);
            sw.Start();
            opt.Step(g);
            sw.Stop();
        }
        var theirs = new T[n];
        opt.CopyParametersTo(theirs);
        double worst = 0;
        for (int i = 0; i < n; i++)
        {
            double x = double.CreateChecked(ours[i]);
            worst = Math.Max(worst, Math.Abs(x - double.CreateChecked(theirs[i])) / Math.Max(1, Math.Abs(x)));
        }
        return new($"{cpuName}-{(typeof(T) == typeof(float) ? "float32" : "float64")}", worst <= tolerance,
            string.Create(CultureInfo.InvariantCulture, $"{steps} steps × {n}: max relative difference from the CPU {worst:G3} (tolerance {tolerance:G1})"), sw.Elapsed.TotalSeconds);
    }

    /// <summary>Adam float32 steps over n parameters (28 bytes moved per parameter) against the device-to-device copy bandwidth.</summary>
    private static DeviceCheck AdamBandwidth(DeviceContext device, long n)
    {
        if (n < 1 || n > int.MaxValue) throw new ArgumentException($"--size must lie in [1, {int.MaxValue}], not {n}.");
        double copy = device.MeasureCopyBandwidth(n);
        using var opt = new DeviceOptimizer<float>(device, new float[n], new DeviceOptimizerSettings());
        opt.StepOnDevice();
        device.Synchronize();
        const int repeats = 10;
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < repeats; i++) opt.StepOnDevice();
        device.Synchronize();
        double seconds = sw.Elapsed.TotalSeconds / repeats;
        double adam = 28.0 * n / seconds;
        return new("adam-bandwidth", true, string.Create(CultureInfo.InvariantCulture,
            $"n = {n:N0}: {adam / 1e9:G3} GB/s vs copy {copy / 1e9:G3} GB/s = {adam / copy:P0} (target on a GPU ≥ 70 %)"), seconds);
    }
}
