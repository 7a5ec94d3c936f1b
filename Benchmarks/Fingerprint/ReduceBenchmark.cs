using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Optima.LinearAlgebra;

namespace Optima.Benchmarks.Fingerprint;

/// <summary>
/// `reduce` mode: ns per call of the fixed-order reductions (<see cref="Reproducible"/>) against
/// TensorPrimitives' machine-dependent ones, at several lengths (in L1, L2 and memory). Prints the ratio
/// fixed/TensorPrimitives (below 1 is faster); each figure is the best of 7 trials. Options: --sizes a,b,c.
/// </summary>
public static class ReduceBenchmark
{
    public static int Run(string[] args)
    {
        int[] sizes = [64, 1000, 10_000, 100_000, 2_000_000];
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--sizes") sizes = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            else { Console.Error.WriteLine($"unknown option '{args[i]}'"); return 2; }
        }
        Console.WriteLine($"| n | Dot fixed ns | Dot TP ns | ratio | Sum fixed ns | Sum TP ns | ratio | SumSq fixed ns | SumSq TP ns | ratio |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        var rng = new Random(1);
        double sink = 0;
        foreach (int n in sizes)
        {
            var x = new double[n];
            var y = new double[n];
            for (int i = 0; i < n; i++) { x[i] = rng.NextDouble(); y[i] = rng.NextDouble(); }
            int reps = Math.Max(3, 20_000_000 / n);
            double dotF = Time(() => sink += Reproducible.Dot(x, y), reps), dotT = Time(() => sink += TensorPrimitives.Dot(x, y), reps);
            double sumF = Time(() => sink += Reproducible.Sum(x), reps), sumT = Time(() => sink += TensorPrimitives.Sum(x), reps);
            double sqF = Time(() => sink += Reproducible.SumOfSquares(x), reps), sqT = Time(() => sink += TensorPrimitives.SumOfSquares(x), reps);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {n} | {dotF:F1} | {dotT:F1} | {dotF / dotT:F2} | {sumF:F1} | {sumT:F1} | {sumF / sumT:F2} | {sqF:F1} | {sqT:F1} | {sqF / sqT:F2} |"));
        }
        return sink == 42.0 ? 1 : 0;
    }

    // Best of 7 trials of reps calls, in ns per call.
    private static double Time(Action f, int reps)
    {
        for (int i = 0; i < Math.Min(reps, 1000); i++) f();
        double best = double.PositiveInfinity;
        for (int t = 0; t < 7; t++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++) f();
            best = Math.Min(best, clock.Elapsed.TotalNanoseconds / reps);
        }
        return best;
    }
}
