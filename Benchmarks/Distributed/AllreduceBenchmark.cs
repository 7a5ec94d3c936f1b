using System.Diagnostics;
using System.Globalization;
using Optima.Distributed;

namespace Optima.Benchmarks.Distributed;

/// <summary>
/// `allreduce` mode, run under an MPI launcher (`mpirun -np P dotnet Optima.Benchmarks.dll allreduce`): the time of an
/// in-place sum of n doubles across the ranks, for Optima's rank-order <see cref="ICommunicator.Allreduce"/> and, as the
/// peer in the same run, the library's own MPI_Allreduce (<see cref="MpiCommunicator.AllreduceUnordered"/>, whose bits
/// may depend on the library and its algorithm). Each repetition's time is the slowest rank's (a collective is as slow
/// as its last rank); the table gives the best repetition (the machine's cost without interference from other work,
/// which the fit uses) and the median. Prints a Markdown table and the least-squares α–β fit
/// t(n) = α + 8n·β of the rank-order allreduce. Options: --sizes a,b,c (doubles), --seconds s (time per size and kind).
/// </summary>
public static class AllreduceBenchmark
{
    public static int Run(string[] args)
    {
        int[] sizes = [1_000, 10_000, 100_000, 1_000_000, 10_000_000];
        double budget = 1.0;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--sizes") sizes = args[++i].Split(',').Select(s => (int)double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            else if (args[i] == "--seconds") budget = double.Parse(args[++i], CultureInfo.InvariantCulture);
            else { Console.Error.WriteLine($"unknown option '{args[i]}'"); return 2; }
        }
        using var world = Communicator.FromEnvironment();
        bool lead = world.Rank == 0;
        var mpi = world as MpiCommunicator;
        if (lead)
        {
            Console.WriteLine($"# {world.Description}; {Environment.ProcessorCount} logical CPUs on this node");
            if (mpi is null) Console.WriteLine("# not under an MPI launcher: one rank, nothing is communicated (run with mpirun -np P)");
            Console.WriteLine($"| ranks | n (doubles) | MB | rank-order ms best | median | MPI_Allreduce ms best | median | ratio (best) | rank-order bus GB/s (best) |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        }
        var fit = new List<(double Bytes, double Seconds)>();
        foreach (int n in sizes)
        {
            var values = new double[n];
            for (int i = 0; i < n; i++) values[i] = (world.Rank + 1) * 1e-3 + i * 1e-9;
            var (ordered, orderedMedian) = Time(world, () => world.Allreduce(values), budget);
            var (native, nativeMedian) = mpi is null ? (double.NaN, double.NaN) : Time(world, () => mpi.AllreduceUnordered(values), budget);
            double bytes = 8.0 * n;
            fit.Add((bytes, ordered));
            // Bus bandwidth: the bytes each rank sends in a ring allreduce, 2(p−1)/p · 8n, per second (NCCL's convention).
            double bus = world.Size > 1 ? 2.0 * (world.Size - 1) / world.Size * bytes / ordered / 1e9 : double.NaN;
            if (lead)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {world.Size} | {n:E0} | {bytes / 1e6:F3} | {ordered * 1e3:F3} | {orderedMedian * 1e3:F3} | {native * 1e3:F3} | {nativeMedian * 1e3:F3} | {ordered / native:F2} | {bus:F2} |"));
        }
        if (lead && fit.Count >= 2)
        {
            // t = α + β·bytes by least squares on relative residuals (weights 1/t²): the sizes span four decades, and
            // plain least squares would let the largest alone decide α.
            double s00 = 0, s01 = 0, s11 = 0, r0 = 0, r1 = 0;
            foreach (var (b, t) in fit)
            {
                double w = 1 / (t * t);
                s00 += w; s01 += w * b; s11 += w * b * b; r0 += w * t; r1 += w * b * t;
            }
            double det = s00 * s11 - s01 * s01, alpha = (r0 * s11 - r1 * s01) / det, beta = (s00 * r1 - s01 * r0) / det;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"# fit (rank-order allreduce, {world.Size} ranks): t ≈ {alpha * 1e6:F1} µs + bytes × {beta * 1e9:F3} ns/B  (= {1 / beta / 1e9:F2} GB/s of message)"));
        }
        return 0;
    }

    /// <summary>Best and median over repetitions of the slowest rank's time of <paramref name="collective"/>; every rank runs the same number.</summary>
    private static (double Best, double Median) Time(ICommunicator world, Action collective, double budget)
    {
        collective(); // warm-up: buffers, JIT, connections
        var probe = Stopwatch.StartNew();
        collective();
        double once = probe.Elapsed.TotalSeconds;
        // Ranks agree on the repetition count (the slowest rank's estimate), or they would wait in different collectives.
        var estimate = new double[] { once };
        var all = new double[world.Size];
        world.Allgather<double>(estimate, all);
        int reps = (int)Math.Clamp(budget / Math.Max(all.Max(), 1e-7), 3, 200);
        var times = new double[reps];
        var mine = new double[1];
        for (int k = 0; k < reps; k++)
        {
            world.Barrier();
            var clock = Stopwatch.StartNew();
            collective();
            mine[0] = clock.Elapsed.TotalSeconds;
            world.Allgather<double>(mine, all);
            times[k] = all.Max();
        }
        Array.Sort(times);
        return (times[0], times[reps / 2]);
    }
}
