using System.Diagnostics;
using System.Globalization;
using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;

namespace Optima.Benchmarks.LinearAlgebra;

/// <summary>Side-by-side GFLOP/s of the dense factorizations and CG time per iteration.</summary>
public static class LinearAlgebraBenchmark
{
    public static int Run(string[] args)
    {
        var sizes = new List<int> { 1000, 2000 };
        int threads = 1, reps = 3;
        string only = "all";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--sizes": sizes = args[++i].Split(',').Select(int.Parse).ToList(); break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--reps": reps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--only": only = args[++i]; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        Console.WriteLine($"threads={threads} Vector512={System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}");
        foreach (int n in sizes)
        {
            var a = Random(n, n, 42);
            var spd = Spd(n, 43);
            var opts = new DenseFactorizationOptions { MaxDegreeOfParallelism = threads };
            // Like scipy's overwrite_a=True on a fresh copy: the copy is made outside the timed region.
            var inPlace = opts with { Overwrite = true };
            var work = new DenseMatrix(n, n);
            double flopsLu = 2.0 / 3.0 * n * (double)n * n;
            double flopsChol = 1.0 / 3.0 * n * (double)n * n;
            if (only is "all" or "gemm")
            {
                var b = Random(n, n, 44);
                var c = new DenseMatrix(n, n);
                Report("GEMM NN", n, 2.0 * n * (double)n * n, reps, () => DenseBlas.Gemm(1, a, false, b, false, 0, c, threads));
                Report("GEMM NT", n, 2.0 * n * (double)n * n, reps, () => DenseBlas.Gemm(1, a, false, b, true, 0, c, threads));
                Report("GEMM TN", n, 2.0 * n * (double)n * n, reps, () => DenseBlas.Gemm(1, a, true, b, false, 0, c, threads));
            }
            if (only is "all" or "lu")
                Report("LU", n, flopsLu, reps, () => LuFactorization.Factorize(work, inPlace), () => a.CopyTo(work));
            if (only is "all" or "chol")
                Report("Cholesky", n, flopsChol, reps, () => CholeskyFactorization.Factorize(work, inPlace), () => spd.CopyTo(work));
            if (only is "all" or "qr")
                Report("QR", n, 4.0 / 3.0 * n * (double)n * n, reps, () => QrFactorization.Factorize(work, inPlace), () => a.CopyTo(work));
        }
        return 0;
    }

    private static void Report(string name, int n, double flops, int reps, Action action, Action? setup = null)
    {
        // Warm-up: JIT tiering, pack buffers, page faults; at least 2 calls and about 0.3 s.
        var warm = Stopwatch.StartNew();
        for (int w = 0; w < 2 || warm.Elapsed.TotalSeconds < 0.3; w++)
        {
            setup?.Invoke();
            action();
        }
        double best = double.MaxValue;
        for (int r = 0; r < reps; r++)
        {
            setup?.Invoke();
            var sw = Stopwatch.StartNew();
            action();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"{name,-10} n={n,5}  {best * 1e3,9:F1} ms  {flops / best * 1e-9,7:F2} GFLOP/s");
    }

    internal static DenseMatrix Random(int m, int n, int seed)
    {
        var rng = new Random(seed);
        var a = new DenseMatrix(m, n);
        var d = a.Data;
        for (int k = 0; k < d.Length; k++) d[k] = rng.NextDouble() * 2 - 1;
        return a;
    }

    internal static DenseMatrix Spd(int n, int seed)
    {
        // A = B + Bᵀ + 2n·I is diagonally dominant, hence SPD, and cheap to build.
        var b = Random(n, n, seed);
        var a = new DenseMatrix(n, n);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                a.Data[i + j * n] = b.Data[i + j * n] + b.Data[j + i * n] + (i == j ? 2.0 * n : 0.0);
        return a;
    }
}
