using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Optima.LinearAlgebra;
using Optima.Problems.Data;
using Optima.Problems.Models;
using Optima.Solvers.Stochastic;

namespace Optima.Benchmarks.Stochastic;

/// <summary>
/// `mnist` mode: the MLP 784-H-10 (ReLU, cross-entropy) trained on Fashion-MNIST with Adam, side by side with PyTorch
/// (Debian's python3-torch) at the same network, batch size, learning rate, epochs and thread count, in one run.
/// Reports per-epoch time and test accuracy for both, and where Optima's step time goes (gradient vs optimizer).
/// Optima trains in each of --precision (float32: float parameters, SGEMM backprop, float Adam state — PyTorch's
/// default; float64) and the summary compares each with torch at the same dtype.
/// Options: --epochs 10 --hidden 256 --batch 128 --lr 1e-3 --schedule constant|cosine --threads 1 --seed 1 --train-limit N
///          --precision float32,float64 --torch-dtypes float32,float64 --no-torch --python /usr/bin/python3
/// </summary>
public static class MnistBenchmark
{
    public static int Run(string[] args)
    {
        int epochs = 10, hidden = 256, batch = 128, threads = 1, trainLimit = int.MaxValue;
        double lr = 1e-3;
        ulong seed = 1;
        string python = "/usr/bin/python3", schedule = "constant";
        string[] dtypes = ["float32", "float64"];
        string[] precisions = ["float32", "float64"];
        bool torch = true;
        var ci = CultureInfo.InvariantCulture;
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--epochs": epochs = int.Parse(args[++i], ci); break;
                    case "--hidden": hidden = int.Parse(args[++i], ci); break;
                    case "--batch": batch = int.Parse(args[++i], ci); break;
                    case "--lr": lr = double.Parse(args[++i], ci); break;
                    case "--schedule": schedule = args[++i] is "constant" or "cosine" ? args[i] : throw new FormatException($"unknown schedule {args[i]} (constant or cosine)"); break;
                    case "--threads": threads = int.Parse(args[++i], ci); break;
                    case "--seed": seed = ulong.Parse(args[++i], ci); break;
                    case "--train-limit": trainLimit = int.Parse(args[++i], ci); break;
                    case "--torch-dtypes": dtypes = args[++i].Split(','); break;
                    case "--precision": precisions = args[++i].Split(','); break;
                    case "--no-torch": torch = false; break;
                    case "--python": python = args[++i]; break;
                    default: throw new FormatException($"unknown option {args[i]}");
                }
            }
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException)
        {
            Console.Error.WriteLine($"mnist: {e.Message}");
            return 2;
        }
        if (precisions.Length == 0 || precisions.Any(p => p is not ("float32" or "float64")))
        {
            Console.Error.WriteLine("mnist: --precision takes float32 and/or float64 (comma-separated)");
            return 2;
        }
        if (!FashionMnist.IsAvailable())
        {
            Console.Error.WriteLine($"mnist: Fashion-MNIST not found in {FashionMnist.DefaultDirectory}; install it with: {FashionMnist.InstallHint}");
            return 2;
        }

        var (train, test) = FashionMnist.Load(maxTrain: trainLimit);
        Console.WriteLine(string.Create(ci,
            $"Fashion-MNIST MLP {train.FeatureCount}-{hidden}-{train.Classes}, Adam lr {lr:G3} ({schedule}), batch {batch}, {epochs} epochs, {threads} thread(s), {train.Count:N0} training samples; GEMM kernel {DenseBlas.KernelDescription} (float {DenseBlas.SingleKernelDescription}); {Environment.ProcessorCount} cores"));

        var rows = new List<(string Who, double First, double Median, double Min, double Max, double Accuracy)>();
        foreach (string precision in precisions)
        {
            bool single = precision == "float32";
            var model = new Mlp(train, [hidden], threads);
            Profile(model, single, batch, lr, seed);
            var records = new List<EpochRecord>();
            var options = new TrainingOptions
            {
                Epochs = epochs, BatchSize = batch, Seed = seed,
                Evaluate = x => model.Evaluate(x, test),
                EvaluateSingle = x => model.Evaluate(x, test),
                // Cosine: from lr to 0 over all steps, stepped per minibatch (torch's CosineAnnealingLR with T_max = steps).
                Schedule = schedule == "cosine" ? Schedule.Cosine(lr, (long)epochs * ((train.Count + batch - 1) / batch)) : null,
                Progress = new EpochReporter(r =>
                {
                    records.Add(r);
                    Console.WriteLine(string.Create(ci, $"  optima {precision[5..]} epoch {r.Epoch,2}: {r.Seconds,6:F3} s  train loss {r.TrainLoss:F4}  test loss {r.TestLoss:F4}  test acc {r.TestAccuracy:P2}"));
                }),
            };
            var settings = new AdamSettings { LearningRate = lr };
            var result = single
                ? Training.Run(model, model.InitialParametersSingle(seed), "adam", options, settings)
                : Training.Run(model, model.InitialParameters(seed), "adam", options, settings);
            rows.Add(Summarise($"Optima {precision}", records.Select(r => r.Seconds).ToArray(), records[^1].TestAccuracy));
        }

        if (torch)
        {
            string? script = FindScript();
            if (script is null || !File.Exists(python))
            {
                Console.WriteLine($"torch comparison skipped: {(script is null ? "Benchmarks/Stochastic/mnist_torch.py not found" : python + " not found")}");
            }
            else
            {
                foreach (var dtype in dtypes)
                {
                    var epochsTorch = RunTorch(python, script, dtype, epochs, hidden, batch, lr, schedule, threads, seed, trainLimit);
                    if (epochsTorch is null) break;
                    rows.Add(Summarise($"torch {dtype}", epochsTorch.Select(e => e.Seconds).ToArray(), epochsTorch[^1].Accuracy));
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{"",-16} {"epoch 1 s",10} {"median s",9} {"range (epochs 2..)",20} {"test acc",9} {"vs torch",9}");
        foreach (var r in rows)
        {
            // Optima rows: median epoch time over torch's at the same dtype (< 1: Optima faster).
            var peer = rows.FirstOrDefault(t => t.Who == "torch " + r.Who.Split(' ')[^1]);
            string ratio = r.Who.StartsWith("Optima", StringComparison.Ordinal) && peer.Who is not null ? (r.Median / peer.Median).ToString("F2", ci) + "×" : "";
            Console.WriteLine(string.Create(ci, $"{r.Who,-16} {r.First,10:F3} {r.Median,9:F3} {$"{r.Min:F3}–{r.Max:F3}",20} {r.Accuracy,9:P2} {ratio,9}"));
        }
        Console.WriteLine("(median and range over epochs 2.. — epoch 1 includes JIT warm-up; 'vs torch' is Optima's median epoch time over torch's at the same dtype, < 1 means faster)");
        return 0;
    }

    /// <summary>Where one training step's time goes: the minibatch gradient (forward + backward) and the Adam step.</summary>
    private static void Profile(Mlp model, bool single, int batch, double lr, ulong seed)
    {
        var settings = new AdamSettings { LearningRate = lr, Precision = single ? OptimizerPrecision.Float32 : OptimizerPrecision.Float64 };
        var opt = Optimizers.Create("adam", model.Dimension, settings);
        var rng = new Xoshiro256StarStar(seed);
        var perm = Enumerable.Range(0, model.Count).ToArray();
        rng.Shuffle(perm.AsSpan());
        Action<int> gradient;
        Action step;
        if (single)
        {
            var x = model.InitialParametersSingle(seed);
            var g = new float[x.Length];
            gradient = s => model.BatchValueAndGradient(x, perm.AsSpan(s * batch, batch), g);
            step = () => opt.Step(x, g);
        }
        else
        {
            var x = model.InitialParameters(seed);
            var g = new double[x.Length];
            gradient = s => model.BatchValueAndGradient(x, perm.AsSpan(s * batch, batch), g);
            step = () => opt.Step(x, g);
        }
        int steps = Math.Min(200, model.Count / batch);
        double grad = 0, stepSeconds = 0;
        for (int rep = 0; rep < 2; rep++) // the first pass warms the JIT up
        {
            grad = stepSeconds = 0;
            for (int s = 0; s < steps; s++)
            {
                long t0 = Stopwatch.GetTimestamp();
                gradient(s);
                long t1 = Stopwatch.GetTimestamp();
                step();
                long t2 = Stopwatch.GetTimestamp();
                grad += Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
                stepSeconds += Stopwatch.GetElapsedTime(t1, t2).TotalSeconds;
            }
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        for (int s = 0; s < 20; s++) { gradient(s); step(); }
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        double flops = 2.0 * batch * model.Dimension * 3 - 2.0 * batch * model.LayerSizes[0] * model.LayerSizes[1]; // fwd + ∂W + ∂a (no ∂input)
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  optima {(single ? "float32" : "float64")} per step (batch {batch}, {steps} steps): gradient {grad / steps * 1e3:F3} ms ({flops * steps / grad / 1e9:F1} GFLOP/s), adam {stepSeconds / steps * 1e3:F3} ms; {allocated / 20} bytes allocated per step"));
    }

    private static (string, double, double, double, double, double) Summarise(string who, double[] seconds, double accuracy)
    {
        var rest = seconds.Length > 1 ? seconds[1..] : seconds;
        var sorted = rest.Order().ToArray();
        return (who, seconds[0], sorted[sorted.Length / 2], sorted[0], sorted[^1], accuracy);
    }

    private static List<(double Seconds, double Accuracy)>? RunTorch(string python, string script, string dtype, int epochs, int hidden, int batch,
        double lr, string schedule, int threads, ulong seed, int trainLimit)
    {
        var ci = CultureInfo.InvariantCulture;
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { script, "--epochs", epochs.ToString(ci), "--hidden", hidden.ToString(ci), "--batch", batch.ToString(ci),
                     "--lr", lr.ToString("R", ci), "--schedule", schedule, "--threads", threads.ToString(ci), "--seed", seed.ToString(ci), "--dtype", dtype })
            psi.ArgumentList.Add(a);
        if (trainLimit < int.MaxValue) { psi.ArgumentList.Add("--train-limit"); psi.ArgumentList.Add(trainLimit.ToString(ci)); }
        psi.Environment["OMP_NUM_THREADS"] = threads.ToString(ci);
        using var proc = Process.Start(psi)!;
        var list = new List<(double, double)>();
        string? line;
        while ((line = proc.StandardOutput.ReadLine()) is not null)
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            double s = r.GetProperty("seconds").GetDouble(), acc = r.GetProperty("testAccuracy").GetDouble();
            list.Add((s, acc));
            Console.WriteLine(string.Create(ci, $"  torch {dtype[5..]} epoch {r.GetProperty("epoch").GetInt32(),2}: {s,6:F3} s  train loss {r.GetProperty("trainLoss").GetDouble():F4}  test loss {r.GetProperty("testLoss").GetDouble():F4}  test acc {acc:P2}"));
        }
        string err = proc.StandardError.ReadToEnd();
        proc.WaitForExit();
        if (proc.ExitCode != 0 || list.Count == 0)
        {
            Console.WriteLine($"torch comparison skipped (install with: sudo apt-get install -y python3-torch): {err.Trim().Split('\n').LastOrDefault()}");
            return null;
        }
        return list;
    }

    private static string? FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "Benchmarks", "Stochastic", "mnist_torch.py");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private sealed class EpochReporter(Action<EpochRecord> action) : IProgress<EpochRecord>
    {
        public void Report(EpochRecord value) => action(value);
    }
}
