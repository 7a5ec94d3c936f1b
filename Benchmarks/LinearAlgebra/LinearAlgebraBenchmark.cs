using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;
using Optima.LinearAlgebra.Iterative;

namespace Optima.Benchmarks.LinearAlgebra;

/// <summary>
/// `linalg` mode: GFLOP/s of dense LU, Cholesky and QR (R only) for Optima, MathNet (managed) and OpenBLAS
/// (Debian's, through numpy/scipy), side by side in one run; then CG on the 2-D Poisson matrix against scipy's cg.
/// Options: --sizes 1000,2000  --threads 1  --reps 3  --grid 1000 (CG: grid² unknowns)  --tol 1e-8
///          --only all|dense|gemm|cg|spmv|bits  --skip-mathnet  --skip-python  --python /usr/bin/python3
/// `--cpu-time` (one thread only) times the thread's CPU seconds on both sides instead of wall-clock seconds.
/// `--only bits` prints a hash of the bits of GEMM, LU, Cholesky and QR results for each size: run it under
/// DOTNET_EnableAVX512=0, DOTNET_PreferredVectorBitWidth=128, DOTNET_EnableAVX2=0 and with other thread counts,
/// and the hashes must not change.
/// </summary>
public static class LinearAlgebraBenchmark
{
    private sealed record Row(string Op, int N, double Optima, double? MathNet, double? OpenBlas);

    public static int Run(string[] args)
    {
        var sizes = new List<int> { 1000, 2000 };
        int threads = 1, reps = 3, grid = 1000;
        double tol = 1e-8;
        string only = "all", python = "/usr/bin/python3";
        bool skipMathNet = false, skipPython = false;
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--sizes": sizes = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList(); break;
                    case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--reps": reps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--grid": grid = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--tol": tol = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--only": only = args[++i]; break;
                    case "--skip-mathnet": skipMathNet = true; break;
                    case "--skip-python": skipPython = true; break;
                    case "--python": python = args[++i]; break;
                    case "--cpu-time": s_cpuTime = true; break;
                    default: throw new FormatException($"unknown option {args[i]}");
                }
            }
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException)
        {
            Console.Error.WriteLine($"linalg: {e.Message}");
            return 2;
        }
        if (s_cpuTime && threads != 1)
        {
            Console.Error.WriteLine("linalg: --cpu-time needs --threads 1 (it times the calling thread)");
            return 2;
        }
        if (!File.Exists(python)) skipPython = true;
        string? script = FindScript();
        if (script is null) skipPython = true;

        Console.WriteLine($"Optima linear algebra benchmark: threads={threads}, kernel={DenseBlas.KernelDescription} (float {DenseBlas.SingleKernelDescription}), " +
                          $"Vector512={System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, Vector256={System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}, " +
                          $"FMA={System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported}, cores={Environment.ProcessorCount}" +
                          string.Concat(Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("DOTNET_Enable", StringComparison.Ordinal) || k == "DOTNET_PreferredVectorBitWidth")
                              .Order().Select(k => $", {k}={Environment.GetEnvironmentVariable(k)}")));
        if (only is "all" or "dense" or "gemm") Dense(sizes, threads, reps, only == "gemm", skipMathNet, skipPython ? null : (python, script!));
        if (only is "spmv") SpMV();
        if (only is "bits") Bits(sizes, threads);
        if (only is "kernels") KernelRates(sizes, threads, reps);
        if (only is "bcsstk15") DenseCholeskyOfFile("bcsstk15", threads, reps);
        if (only is "all" or "cg") Cg(grid, tol, threads, skipPython ? null : (python, script!));
        return 0;
    }

    private static void Dense(List<int> sizes, int threads, int reps, bool gemmOnly, bool skipMathNet, (string Python, string Script)? py)
    {
        var rows = new List<Row>();
        Dictionary<(string, int), double> openBlas = new();
        if (py is { } p)
        {
            foreach (var line in RunPython(p.Python, p.Script, threads, $"dense {string.Join(',', sizes)} {reps}{(s_cpuTime ? " cpu" : "")}"))
            {
                using var doc = JsonDocument.Parse(line);
                var r = doc.RootElement;
                if (r.TryGetProperty("info", out var info))
                {
                    Console.WriteLine($"  peer: {info.GetString()} (OPENBLAS_CORETYPE={Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") ?? "unset"})");
                    continue;
                }
                openBlas[(r.GetProperty("op").GetString()!, r.GetProperty("n").GetInt32())] = r.GetProperty("gflops").GetDouble();
            }
        }
        MathNet.Numerics.Control.UseManaged();
        MathNet.Numerics.Control.MaxDegreeOfParallelism = threads;
        foreach (int n in sizes)
        {
            var a = Random(n, n, 42);
            var b = Random(n, n, 44);
            var spd = Spd(n, 43);
            var c = new DenseMatrix(n, n);
            var work = new DenseMatrix(n, n);
            // Like scipy's overwrite_a=True on a fresh copy: the copy is made outside the timed region.
            var opts = new DenseFactorizationOptions { MaxDegreeOfParallelism = threads, Overwrite = true };
            double cube = (double)n * n * n;
            rows.Add(new Row("GEMM", n, Gflops(2 * cube, reps, () => DenseBlas.Gemm(1, a, false, b, false, 0, c, threads)),
                skipMathNet ? null : Gflops(2 * cube, 1, () => a.ToMathNet().Multiply(b.ToMathNet())), openBlas.GetValueOrDefault(("GEMM", n))));
            // Single precision: the same kernel specialised for float (twice the lanes per register).
            float[] af = Array.ConvertAll(a.Data, v => (float)v), bf = Array.ConvertAll(b.Data, v => (float)v), cf = new float[n * n];
            rows.Add(new Row("SGEMM", n, Gflops(2 * cube, reps, () => DenseBlas.Gemm(n, n, n, 1f, af, n, false, bf, n, false, 0f, cf, n, threads)),
                null, openBlas.GetValueOrDefault(("SGEMM", n))));
            if (gemmOnly) continue;

            var lu = LuFactorization.Factorize(a, opts with { Overwrite = false });
            var rhs = Random(n, 1, 7).Data;
            var xs = lu.Solve(rhs);
            double backward = BackwardError(a, xs, rhs);

            rows.Add(new Row("LU", n, Gflops(2.0 / 3 * cube, reps, () => LuFactorization.Factorize(work, opts), () => a.CopyTo(work)),
                skipMathNet ? null : Gflops(2.0 / 3 * cube, 1, () => a.ToMathNet().LU()), openBlas.GetValueOrDefault(("LU", n))));
            rows.Add(new Row("Cholesky", n, Gflops(1.0 / 3 * cube, reps, () => CholeskyFactorization.Factorize(work, opts), () => spd.CopyTo(work)),
                skipMathNet ? null : Gflops(1.0 / 3 * cube, 1, () => spd.ToMathNet().Cholesky()), openBlas.GetValueOrDefault(("Cholesky", n))));
            rows.Add(new Row("QR", n, Gflops(4.0 / 3 * cube, reps, () => QrFactorization.Factorize(work, opts), () => a.CopyTo(work)),
                skipMathNet ? null : Gflops(4.0 / 3 * cube, 1, () => a.ToMathNet().QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin)), openBlas.GetValueOrDefault(("QR", n))));
            Console.WriteLine($"  (n={n}: LU solve backward error ‖Ax−b‖∞/(‖A‖∞‖x‖∞+‖b‖∞) = {backward:G2})");
        }
        Console.WriteLine();
        Console.WriteLine($"{"op",-9}{"n",6}{"Optima",10}{"MathNet",10}{"OpenBLAS",10}{"Opt/OBLAS",11}{"Opt/MathNet",13}   (GFLOP/s, best of runs)");
        foreach (var r in rows)
            Console.WriteLine($"{r.Op,-9}{r.N,6}{r.Optima,10:F2}{Fmt(r.MathNet),10}{Fmt(r.OpenBlas),10}{Ratio(r.Optima, r.OpenBlas),11}{Ratio(r.Optima, r.MathNet),13}");
        Console.WriteLine("QR flops are 4n³/3 (R only: Householder vectors kept, Q not formed), as scipy's qr(mode='r').");
        Console.WriteLine();
    }

    // GFLOP/s of the building blocks the factorizations spend their time in, at the shapes of a top-level split.
    private static unsafe void KernelRates(List<int> sizes, int threads, int reps)
    {
        foreach (int n in sizes)
        {
            int h = n / 2;
            var l = Random(h, h, 1);
            for (int i = 0; i < h; i++) l.Data[i + i * h] = 4;
            var b = Random(h, h, 2);
            var work = new DenseMatrix(h, h);
            var panel = Random(n, 64, 3);
            var pwork = new DenseMatrix(n, 64);
            var ipiv = new int[64];
            double cube = (double)h * h * h;
            fixed (double* pl = l.Data, pw = work.Data, pp = pwork.Data)
            fixed (int* ip = ipiv)
            {
                var pl2 = pl; var pw2 = pw; var pp2 = pp; var ip2 = ip;
                double gemm = Gflops(2 * cube, reps, () => Optima.LinearAlgebra.Kernels.Gemm.Update(h, h, h, -1.0, pl2, h, false, pl2, h, true, pw2, h, threads), () => b.CopyTo(work));
                double left = Gflops(cube, reps, () => Optima.LinearAlgebra.Kernels.Dense.TrsmLeftLowerUnit(h, h, pl2, h, pw2, h, threads), () => b.CopyTo(work));
                double right = Gflops(cube, reps, () => Optima.LinearAlgebra.Kernels.Dense.TrsmRightLowerTrans(h, h, pl2, h, pw2, h, threads), () => b.CopyTo(work));
                double syrk = Gflops(cube, reps, () => Optima.LinearAlgebra.Kernels.Dense.SyrkLowerMinus(h, h, pl2, h, pw2, h, threads), () => b.CopyTo(work));
                double lup = Gflops(64.0 * 64 * (n - 64.0 / 3), reps, () => Optima.LinearAlgebra.Kernels.Dense.LuRecursive(n, 64, pp2, n, ip2, threads), () => panel.CopyTo(pwork));
                Console.WriteLine($"n={n}: GEMM {h}³ {gemm:F2}, TRSM left-lower-unit {left:F2}, TRSM right-lower-trans {right:F2}, SYRK {syrk:F2}, LU panel {n}×64 {lup:F2} GFLOP/s");
            }
        }
    }

    // Dense Cholesky of a Matrix Market SPD matrix from ../shared/data/matrices (bcsstk15: n = 3948), seconds and GFLOP/s.
    private static void DenseCholeskyOfFile(string name, int threads, int reps)
    {
        string? dir = FindScript() is { } sc ? Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sc)!, "..", "..", "..", "shared", "data", "matrices")) : null;
        string? path = dir is null ? null : Path.Combine(dir, name + ".mtx");
        if (path is null || !File.Exists(path))
        {
            Console.WriteLine($"{name}.mtx not found under ../shared/data/matrices");
            return;
        }
        var a = Optima.LinearAlgebra.IO.MatrixMarket.ReadSparse(path).ToDense();
        var work = new DenseMatrix(a.Rows, a.Columns);
        var opts = new DenseFactorizationOptions { MaxDegreeOfParallelism = threads, Overwrite = true };
        double n = a.Rows;
        double g = Gflops(n * n * n / 3, reps, () => CholeskyFactorization.Factorize(work, opts), () => a.CopyTo(work));
        Console.WriteLine($"dense Cholesky of {name} (n = {a.Rows}), threads={threads}: {n * n * n / 3 / g * 1e-9:F2} s, {g:F2} GFLOP/s (best of {reps})");
    }

    private static void Bits(List<int> sizes, int threads)
    {
        var opts = new DenseFactorizationOptions { MaxDegreeOfParallelism = threads };
        Console.WriteLine("FNV-1a 64 hashes of the result bits (the same on every ISA and thread count):");
        foreach (int n in sizes)
        {
            var a = Random(n, n, 42);
            var spd = Spd(n, 43);
            var c = new DenseMatrix(n, n);
            DenseBlas.Gemm(1, a, false, spd, true, 0, c, threads);
            var lu = LuFactorization.Factorize(a, opts);
            var chol = CholeskyFactorization.Factorize(spd, opts);
            var qr = QrFactorization.Factorize(a, opts);
            Console.WriteLine($"  n={n,5}  GEMM {Hash(c.Data):x16}  LU {Hash(lu.Factors.Data, lu.Pivots.ToArray().Select(p => (double)p).ToArray()):x16}  " +
                              $"Cholesky {Hash(chol.L.Data):x16}  QR {Hash(qr.Factors.Data, qr.Tau.ToArray()):x16}");
        }

        static ulong Hash(params double[][] parts)
        {
            ulong h = 14695981039346656037UL;
            foreach (var part in parts)
                foreach (double v in part)
                {
                    ulong bits = (ulong)BitConverter.DoubleToInt64Bits(v);
                    for (int b = 0; b < 8; b++) { h ^= (bits >> (8 * b)) & 0xff; h *= 1099511628211UL; }
                }
            return h;
        }
    }

    private static void Cg(int grid, double tol, int threads, (string Python, string Script)? py)
    {
        var a = CsrMatrix.Poisson2D(grid, grid);
        a.MaxDegreeOfParallelism = threads;
        int n = a.Rows;
        var b = new double[n];
        a.Multiply(Enumerable.Repeat(1.0, n).ToArray(), b);
        var x = new double[n];
        var opts = new IterativeOptions { Tolerance = tol, MaxIterations = 100_000 };

        // Allocation per iteration: the difference between a 10- and a 110-iteration run.
        long Alloc(int iters)
        {
            Array.Clear(x);
            long before = GC.GetTotalAllocatedBytes(precise: true);
            ConjugateGradient.Solve(a, b, x, opts with { MaxIterations = iters, Tolerance = 0 });
            return GC.GetTotalAllocatedBytes(precise: true) - before;
        }
        Alloc(5);
        double bytesPerIteration = Math.Max(0, (Alloc(110) - Alloc(10)) / 100.0);

        Array.Clear(x);
        var sw = Stopwatch.StartNew();
        var res = ConjugateGradient.Solve(a, b, x, opts);
        double secs = sw.Elapsed.TotalSeconds;
        double msPerIt = secs / Math.Max(res.Iterations, 1) * 1e3;
        // Bytes an iteration must move: CSR values+indices+row pointers, p read and q written by the product,
        // r,q read and r written (residual pass), x,p,r read and x,p written (update pass).
        double bytes = a.NonZeroCount * 12.0 + (n + 1) * 4.0 + n * 8.0 * (2 + 3 + 5);
        Console.WriteLine($"CG, 2-D Poisson {grid}×{grid} ({n} unknowns, {a.NonZeroCount} non-zeros), tol {tol:G2}, threads={threads}");
        Console.WriteLine($"  Optima CG       : {res.Iterations} iterations, {secs:F2} s, {msPerIt:F2} ms/iteration " +
                          $"(≈ {bytes / (msPerIt * 1e-3) * 1e-9:F1} GB/s), relative residual {res.RelativeResidual:G2}, {res.Reason}; " +
                          $"allocated {bytesPerIteration:F0} bytes/iteration");
        var ic = new IncompleteCholeskyPreconditioner(a);
        Array.Clear(x);
        sw.Restart();
        var pres = ConjugateGradient.Solve(a, ic, b, x, opts);
        double psecs = sw.Elapsed.TotalSeconds;
        Console.WriteLine($"  Optima PCG(IC0) : {pres.Iterations} iterations ({(double)res.Iterations / Math.Max(pres.Iterations, 1):F2}× fewer than CG), " +
                          $"{psecs:F2} s, {psecs / Math.Max(pres.Iterations, 1) * 1e3:F2} ms/iteration, {pres.Reason}; {ic.Description}");
        if (py is { } p)
        {
            foreach (var line in RunPython(p.Python, p.Script, threads, $"cg {grid} {tol.ToString(CultureInfo.InvariantCulture)} 100000"))
            {
                using var doc = JsonDocument.Parse(line);
                var r = doc.RootElement;
                double sms = r.GetProperty("msPerIteration").GetDouble();
                Console.WriteLine($"  scipy cg        : {r.GetProperty("iterations").GetInt32()} iterations, {r.GetProperty("seconds").GetDouble():F2} s, " +
                                  $"{sms:F2} ms/iteration, relative residual {r.GetProperty("relativeResidual").GetDouble():G2}");
                Console.WriteLine($"  per-iteration speed-up Optima vs scipy: {sms / msPerIt:F2}×");
            }
        }
        Console.WriteLine();
    }

    private static void SpMV()
    {
        string? dir = FindScript() is { } sc ? Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sc)!, "..", "..", "..", "shared", "data", "matrices")) : null;
        var mats = new List<(string, CsrMatrix)> { ("poisson 1000x1000", CsrMatrix.Poisson2D(1000, 1000)) };
        if (dir is not null && File.Exists(Path.Combine(dir, "bcsstk15.mtx")))
            mats.Add(("bcsstk15", Optima.LinearAlgebra.IO.MatrixMarket.ReadSparse(Path.Combine(dir, "bcsstk15.mtx"))));
        foreach (var (name, a) in mats)
        {
            a.MaxDegreeOfParallelism = 1;
            var x = Random(a.Columns, 1, 1).Data;
            var y = new double[a.Rows];
            int reps = Math.Max(10, 50_000_000 / a.NonZeroCount);
            double g = Gflops(2.0 * a.NonZeroCount * reps, 3, () => { for (int r = 0; r < reps; r++) a.Multiply(x, y); });
            Console.WriteLine($"SpMV {name,-20} nnz={a.NonZeroCount,9} {g:F2} GFLOP/s");
        }
    }

    private static IEnumerable<string> RunPython(string python, string script, int threads, string arguments)
    {
        var psi = new ProcessStartInfo(python, $"\"{script}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var v in new[] { "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS" })
            psi.Environment[v] = threads.ToString(CultureInfo.InvariantCulture);
        using var proc = Process.Start(psi)!;
        string stdout = proc.StandardOutput.ReadToEnd();
        string stderr = proc.StandardError.ReadToEnd();
        proc.WaitForExit();
        if (proc.ExitCode != 0)
        {
            Console.WriteLine($"  (python benchmark failed, exit {proc.ExitCode}: {stderr.Trim().Split('\n').LastOrDefault()})");
            return [];
        }
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.StartsWith('{')).ToArray();
    }

    private static string? FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "Benchmarks", "LinearAlgebra", "openblas_bench.py");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static string Fmt(double? v) => v is { } x && x > 0 ? x.ToString("F2", CultureInfo.InvariantCulture) : "-";

    private static string Ratio(double a, double? b) => b is { } x && x > 0 ? (a / x).ToString("F2", CultureInfo.InvariantCulture) + "×" : "-";

    // --cpu-time: time the calling thread's CPU seconds (CLOCK_THREAD_CPUTIME_ID) instead of wall-clock seconds, on
    // both sides (python: time.thread_time), so a machine shared with other jobs does not count their time slices.
    private static bool s_cpuTime;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec ts);

    private struct TimeSpec
    {
        public long Seconds, Nanoseconds;
    }

    private static double Now()
    {
        if (s_cpuTime && ClockGetTime(3, out var ts) == 0) return ts.Seconds + ts.Nanoseconds * 1e-9;
        return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
    }

    private static double Gflops(double flops, int reps, Action action, Action? setup = null)
    {
        // Warm-up: JIT tiering, pack buffers, page faults; at least 1 call and about 0.3 s.
        var warm = Stopwatch.StartNew();
        for (int w = 0; w < 1 || (reps > 1 && warm.Elapsed.TotalSeconds < 0.3); w++)
        {
            setup?.Invoke();
            action();
        }
        double best = double.MaxValue;
        for (int r = 0; r < reps; r++)
        {
            setup?.Invoke();
            double t0 = Now();
            action();
            best = Math.Min(best, Now() - t0);
        }
        return flops / best * 1e-9;
    }

    private static double BackwardError(DenseMatrix a, double[] x, double[] b)
    {
        var r = new double[a.Rows];
        a.Multiply(x, r);
        double rn = 0, xn = 0, bn = 0, an = 0;
        for (int i = 0; i < r.Length; i++) { rn = Math.Max(rn, Math.Abs(r[i] - b[i])); xn = Math.Max(xn, Math.Abs(x[i])); bn = Math.Max(bn, Math.Abs(b[i])); }
        for (int i = 0; i < a.Rows; i++)
        {
            double s = 0;
            for (int j = 0; j < a.Columns; j++) s += Math.Abs(a.Data[i + j * a.Rows]);
            an = Math.Max(an, s);
        }
        return rn / (an * xn + bn);
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
        // A = B + Bᵀ + 2n·I is diagonally dominant, hence SPD, and cheap to build (the same recipe as the python side).
        var b = Random(n, n, seed);
        var a = new DenseMatrix(n, n);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                a.Data[i + j * n] = b.Data[i + j * n] + b.Data[j + i * n] + (i == j ? 2.0 * n : 0.0);
        return a;
    }
}
