using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;
using Optima.LinearAlgebra.IO;
using Optima.Problems;
using Optima.Problems.Data;
using Optima.Problems.Expressions;
using Optima.Problems.Library;
using Optima.Problems.Models;
using Optima.Problems.Nist;
using Optima.Solvers;
using Optima.Solvers.Convex;
using Optima.Solvers.Fitting;
using Optima.Solvers.Sampling;
using Optima.Solvers.Stochastic;
using Optima.Tests.Derivatives;

namespace Optima.Benchmarks.Fingerprint;

/// <summary>
/// `fingerprint` mode: runs a fixed set of computations — the NIST StRD fits (expression and autodiff paths), the MGH
/// table's methods, CG/PCG on a real matrix, dense LU/Cholesky/QR solves, every first-order optimizer (float64 and
/// float32), a short MLP training run, a curve fit with statistics and its MCMC posterior, the samplers (MH, HMC) and
/// the convex solvers (ADMM lasso and consensus, the OSQP-style QP, PDHG TV denoising) — and prints one line per item: its name, a
/// 64-bit hash of the exact bits of its results, and its termination reason. The same line on two machines (or under
/// two DOTNET_Enable* settings) means the same bits; scripts/fingerprint.sh diffs them across ISA settings.
/// Options: --threads N (compute threads where a run takes them; default all cores); --data DIR (the shared data
/// folder; default ../shared/data beside the repository).
/// </summary>
public static class FingerprintBenchmark
{
    public static int Run(string[] args)
    {
        int threads = -1;
        string? data = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--data": data = args[++i]; break;
                case "--isa": Console.WriteLine(Isa()); return 0;
                default: Console.Error.WriteLine($"unknown option '{args[i]}'"); return 2;
            }
        }
        data ??= FindData();
        var clock = Stopwatch.StartNew();
        Console.Error.WriteLine($"# {Isa()}, threads {threads}");
        Reductions();
        if (data is not null) Nist(Path.Combine(data, "nist"));
        else Console.WriteLine("nist: SKIPPED (no shared data)");
        Mgh();
        Constrained();
        if (data is not null) Iterative(Path.Combine(data, "matrices"), threads);
        Laplacian(threads);
        Dense(threads);
        FirstOrder(threads);
        Mlp(threads);
        CurveFitWithStatistics();
        LargeFit(threads);
        Samplers(threads);
        Convex(threads);
        FitPosteriorItem(threads);
        Console.Error.WriteLine($"# {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static string Isa() => $"Vector512 {Vector512.IsHardwareAccelerated}, Vector256 {Vector256.IsHardwareAccelerated}, " +
        $"Vector128 {Vector128.IsHardwareAccelerated}, FMA {System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported}";

    private static string? FindData()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "data");
            if (Directory.Exists(Path.Combine(candidate, "nist"))) return Path.GetFullPath(candidate);
        }
        return null;
    }

    private static void Line(string item, Hash h, string reason) => Console.WriteLine($"{item,-40} {h.Value:x16} {reason}");

    private static void Reductions()
    {
        var rng = new Random(12345);
        var h = new Hash();
        foreach (int n in new[] { 1, 7, 16, 33, 100, 1000, 4099 })
        {
            var x = new double[n];
            var y = new double[n];
            for (int i = 0; i < n; i++) { x[i] = rng.NextDouble() * 2 - 1; y[i] = rng.NextDouble() * 1e3 - 400; }
            h.Add(Reproducible.Dot(x, y)).Add(Reproducible.Sum(y)).Add(Reproducible.SumOfSquares(x)).Add(Reproducible.SumOfMagnitudes(y)).Add(Reproducible.Norm(y));
        }
        Line("reductions", h, "-");
    }

    private static void Nist(string dir)
    {
        foreach (var d in NistDataset.LoadAll(dir))
        {
            var expression = new Hash();
            var autodiff = new Hash();
            var reasons = new List<string>();
            var model = new GenericExpressionModel(Expression.Parse(d.Model), d.PredictorNames, d.ParameterNames);
            for (int s = 1; s <= 2; s++)
            {
                var o = NistRunner.Run(d, s);
                AddFit(expression, o.Fit);
                var jets = CurveFit.Fit(model, d.Predictors, d.Response, d.Start(s));
                AddFit(autodiff, jets);
                reasons.Add($"{o.Fit.Reason}/{jets.Reason}");
            }
            Line($"nist {d.Name} expression", expression, reasons[0].Split('/')[0] + "," + reasons[1].Split('/')[0]);
            Line($"nist {d.Name} autodiff", autodiff, reasons[0].Split('/')[1] + "," + reasons[1].Split('/')[1]);
        }
    }

    private static void AddFit(Hash h, FitResult f)
    {
        h.Add(f.Parameters).Add(f.StandardErrors).Add(f.ResidualSumOfSquares).Add(f.Cost).Add(f.Iterations).Add(f.GradientCosine).Add(f.RSquared);
        foreach (double c in f.Covariance) h.Add(c);
        h.Add(f.LowerConfidence).Add(f.UpperConfidence).Add(f.Residuals);
    }

    private static void Mgh()
    {
        var options = new SolverOptions { GradientTolerance = 1e-10, MaxIterations = 5000, MaxEvaluations = 20_000 };
        var problems = TestProblems.LeastSquares().Where(p => p.Name.StartsWith("mgh-", StringComparison.Ordinal) && p.KnownMinimum is not null).ToArray();
        foreach (var method in new[] { "bfgs", "lbfgs", "newton-tr", "lm" })
            foreach (var info in problems)
            {
                var h = new Hash();
                var reasons = new List<string>();
                foreach (double factor in new[] { 1.0, 10.0 })
                {
                    var p = TestProblems.Get(info.Name, info.Dimension);
                    var x0 = p.StandardStart();
                    for (int k = 0; k < x0.Length; k++) x0[k] *= factor;
                    var r = Methods.Minimize(method, p, x0, options);
                    h.Add(r.Solution).Add(r.Value).Add(r.GradientNorm).Add(r.Iterations).Add(r.Evaluations.Objective);
                    reasons.Add(r.Reason.ToString());
                }
                Line($"mgh {method} {info.Name}", h, string.Join(",", reasons));
            }
    }

    /// <summary>L-BFGS-B on bound-constrained MGH problems and auglag/sqp on the Hock–Schittkowski subset.</summary>
    private static void Constrained()
    {
        foreach (var (name, n, lo, hi) in new[] { ("mgh-extended-rosenbrock", 10, -2.0, 0.5), ("mgh-wood", 4, -3.0, 0.8), ("mgh-penalty1", 10, 0.0, 0.1) })
        {
            var p = TestProblems.Get(name, n);
            var r = Methods.Minimize("lbfgsb", new BoundedGradientObjective(p, BoxBounds.Uniform(n, lo, hi)), p.StandardStart(), new SolverOptions { GradientTolerance = 1e-10 });
            Line($"lbfgsb {name}", new Hash().Add(r.Solution).Add(r.Value).Add(r.GradientNorm).Add(r.Iterations).Add(r.Evaluations.Objective), r.Reason.ToString());
        }
        foreach (var method in new[] { "auglag", "sqp" })
        {
            var h = new Hash();
            int converged = 0;
            foreach (var hs in HockSchittkowski.All)
            {
                var r = Methods.Minimize(method, hs.Create(), hs.Start);
                h.Add(r.Solution).Add(r.Value).Add(r.Constraints!.Multipliers).Add(r.Iterations).Add(r.Evaluations.Objective);
                if (r.IsConverged) converged++;
            }
            Line($"hock-schittkowski {method}", h, $"{converged} converged");
        }
    }

    private static void Iterative(string dir, int threads)
    {
        foreach (var name in new[] { "bcsstk15", "1138_bus" })
        {
            string path = Path.Combine(dir, name + ".mtx");
            if (!File.Exists(path)) { Console.WriteLine($"cg {name}: SKIPPED (no file)"); continue; }
            var a = MatrixMarket.ReadSparse(path);
            var b = new double[a.Rows];
            for (int i = 0; i < b.Length; i++) b[i] = 1.0 + (i % 7) * 0.25;
            foreach (var (label, pre) in new[] { ("cg", "none"), ("pcg-ic", "ic0"), ("pcg-jacobi", "jacobi") })
            {
                var r = LinearSolvers.Solve(a, b, new LinearSolveOptions
                {
                    Method = pre == "none" ? LinearSolverKind.ConjugateGradient : LinearSolverKind.PreconditionedConjugateGradient,
                    Preconditioner = pre, Tolerance = 1e-10, MaxIterations = 400,
                    Compute = new() { Threads = threads > 0 ? threads : null },
                });
                var h = new Hash().Add(r.Solution).Add(r.Iterations).Add(r.RelativeResidual);
                Line($"{label} {name}", h, r.Reason.ToString());
            }
        }
    }

    // A 5-point Laplacian on a 250×250 grid: 312 000 non-zeros, above CsrMatrix.ParallelThreshold, so the
    // parallel sparse product runs (and must give the one-thread bits).
    private static void Laplacian(int threads)
    {
        const int g = 250;
        int n = g * g;
        var ri = new List<int>();
        var ci = new List<int>();
        var va = new List<double>();
        for (int i = 0; i < g; i++)
            for (int j = 0; j < g; j++)
            {
                int k = i * g + j;
                ri.Add(k); ci.Add(k); va.Add(4.0);
                if (i > 0) { ri.Add(k); ci.Add(k - g); va.Add(-1.0); }
                if (i < g - 1) { ri.Add(k); ci.Add(k + g); va.Add(-1.0); }
                if (j > 0) { ri.Add(k); ci.Add(k - 1); va.Add(-1.0); }
                if (j < g - 1) { ri.Add(k); ci.Add(k + 1); va.Add(-1.0); }
            }
        var a = CsrMatrix.FromCoordinates(n, n, ri.ToArray(), ci.ToArray(), va.ToArray());
        var b = new double[n];
        for (int k = 0; k < n; k++) b[k] = Math.Sin(0.01 * k);
        var r = LinearSolvers.Solve(a, b, new LinearSolveOptions
        {
            Method = LinearSolverKind.ConjugateGradient, Tolerance = 1e-10, MaxIterations = 150, Compute = new() { Threads = threads > 0 ? threads : null },
        });
        Line("cg laplacian 250x250 (parallel spmv)", new Hash().Add(r.Solution).Add(r.Iterations).Add(r.RelativeResidual), r.Reason.ToString());
    }

    // A fit with more rows than FitProblem.LargeRows: the parallel (streamed-QR) evaluation path.
    private static void LargeFit(int threads)
    {
        int m = 6000;
        var x = new double[m];
        var y = new double[m];
        for (int i = 0; i < m; i++)
        {
            x[i] = i * 1e-3;
            y[i] = 2.5 * Math.Exp(-1.3 * x[i]) + 0.3 * x[i] + 0.001 * Math.Sin(7.0 * i);
        }
        var f = CurveFit.Fit("a*exp(-b*x) + c*x", x, y, [1.0, 1.0, 0.0], new FitOptions { Compute = new() { Threads = threads > 0 ? threads : null } });
        var h = new Hash();
        AddFit(h, f);
        Line("curvefit 6000 rows (parallel path)", h, f.Reason.ToString());
    }

    private static void Dense(int threads)
    {
        const int n = 300;
        var rng = new Random(7);
        var a = new DenseMatrix(n, n);
        var spd = new DenseMatrix(n, n);
        var tall = new DenseMatrix(n + 40, n);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) a[i, j] = rng.NextDouble() - 0.5;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n + 40; i++) tall[i, j] = rng.NextDouble() - 0.5;
        // SPD: AᵀA + n·I through the library's GEMM.
        DenseBlas.Gemm(1.0, a, true, a, false, 0.0, spd, threads);
        for (int i = 0; i < n; i++) spd[i, i] += n;
        var b = new double[n];
        var bt = new double[n + 40];
        for (int i = 0; i < n; i++) b[i] = Math.Sin(i + 1.0);
        for (int i = 0; i < bt.Length; i++) bt[i] = Math.Cos(i + 1.0);
        var options = new DenseFactorizationOptions { MaxDegreeOfParallelism = threads };
        Line("gemm AtA 300", new Hash().Add(spd.Data), "-");
        Line("lu 300", new Hash().Add(LuFactorization.Factorize(a, options).Solve(b)), "-");
        Line("cholesky 300", new Hash().Add(CholeskyFactorization.Factorize(spd, options).Solve(b)), "-");
        Line("qr 340x300", new Hash().Add(QrFactorization.Factorize(tall, options).Solve(bt)), "-");
        Line("frobenius", new Hash().Add(a.FrobeniusNorm()).Add(spd.FrobeniusNorm()), "-");
    }

    private static LabeledData Classes(int count, int features, int classes, ulong seed)
    {
        var rng = new Random((int)seed);
        var x = new double[count * features];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int c = i % classes;
            labels[i] = c;
            for (int j = 0; j < features; j++) x[i * features + j] = rng.NextDouble() - 0.5 + (j % classes == c ? 0.8 : 0.0);
        }
        return new LabeledData(x, features, labels, classes);
    }

    private static void FirstOrder(int threads)
    {
        var data = Classes(256, 12, 3, 3);
        var model = new Mlp(data, [10], threads);
        double[] start = model.InitialParameters(5);
        var start32 = Array.ConvertAll(start, v => (float)v);
        var options = new TrainingOptions { Epochs = 100, MaxIterations = 200, BatchSize = 32, Seed = 11 };
        foreach (var name in Optimizers.Names)
        {
            var r64 = Training.Run(model, start, name, options);
            Line($"optimizer {name} float64", new Hash().Add(r64.Parameters).Add(r64.Steps), r64.Reason.ToString());
            var r32 = Training.Run(model, start32, name, options);
            var h = new Hash();
            foreach (float v in r32.SingleParameters!) h.Add(v);
            Line($"optimizer {name} float32", h.Add(r32.Steps), r32.Reason.ToString());
        }
        // Clipping by the global norm and weight decay go through the reductions too.
        var clipped = Training.Run(model, start, "adamw", options, Optimizers.Defaults("adamw") with { ClipNorm = 0.5 });
        Line("optimizer adamw clip-norm float64", new Hash().Add(clipped.Parameters), clipped.Reason.ToString());
        var regression = new LinearRegression(data.Features, data.FeatureCount, Array.ConvertAll(data.Labels, l => (double)l), l2: 1e-3);
        var lr = Training.Run(regression, new double[regression.Dimension], "sgd", options);
        Line("optimizer sgd linear-regression", new Hash().Add(lr.Parameters), lr.Reason.ToString());
    }

    private static void Mlp(int threads)
    {
        var data = Classes(600, 20, 4, 9);
        var model = new Mlp(data, [32, 16], threads);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 50, Seed = 2 };
        var r = Training.Run(model, model.InitialParameters(1), "adam", options);
        var h = new Hash().Add(r.Parameters);
        foreach (var e in r.History) h.Add(e.TrainLoss);
        Line("mlp 20-32-16-4 adam", h, r.Reason.ToString());
        var r32 = Training.Run(model, Array.ConvertAll(model.InitialParameters(1), v => (float)v), "adam", options);
        var h32 = new Hash();
        foreach (float v in r32.SingleParameters!) h32.Add(v);
        Line("mlp 20-32-16-4 adam float32", h32, r32.Reason.ToString());
    }

    private static void CurveFitWithStatistics()
    {
        int m = 200;
        var x = new double[m];
        var y = new double[m];
        for (int i = 0; i < m; i++)
        {
            x[i] = i * 0.05;
            y[i] = 3.0 * Math.Exp(-0.7 * x[i]) + 0.5 * Math.Sin(3 * x[i]) + 0.2 + 0.01 * Math.Sin(17.0 * i);
        }
        var f = CurveFit.Fit("a*exp(-b*x) + c*sin(d*x) + e", x, y, [1.0, 1.0, 1.0, 2.8, 0.0]);
        var h = new Hash();
        AddFit(h, f);
        Line("curvefit exp+sin statistics", h, f.Reason.ToString());
    }

    /// <summary>A 3-D target for the samplers: a banana in (x₀, x₁) and x₂ | x₀ ~ N(0.3·x₀, 0.5).</summary>
    private sealed class BananaTarget : IGradientObjective
    {
        public int Dimension => 3;

        public double Value(ReadOnlySpan<double> x)
        {
            double r = x[1] - 0.5 * x[0] * x[0], s = x[2] - 0.3 * x[0];
            return 0.5 * x[0] * x[0] + 2.0 * r * r + s * s;
        }

        public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
        {
            double r = x[1] - 0.5 * x[0] * x[0], s = x[2] - 0.3 * x[0];
            gradient[0] = x[0] - 4.0 * r * x[0] - 0.6 * s;
            gradient[1] = 4.0 * r;
            gradient[2] = 2.0 * s;
            return Value(x);
        }
    }

    private static void AddSampling(Hash h, SamplingResult r)
    {
        foreach (var chain in r.Samples) h.Add(chain);
        foreach (var u in r.NegativeLogDensities) h.Add(u);
        h.Add(r.AcceptanceRates).Add(r.Scales).Add(r.Evaluations).Add(r.GradientEvaluations);
        foreach (var s in r.Summary) h.Add(s.Mean).Add(s.StandardDeviation).Add(s.EffectiveSampleSize).Add(s.Rhat);
    }

    /// <summary>Metropolis–Hastings and HMC: four chains on the banana, run in parallel (the draws must not depend on it).</summary>
    private static void Samplers(int threads)
    {
        var options = new SamplerOptions
        {
            Samples = 500, Warmup = 500, Chains = 4, Seed = 17, InitialSpread = 0.5,
            Compute = new() { Threads = threads > 0 ? threads : Environment.ProcessorCount },
        };
        var target = new BananaTarget();
        double[] start = [0.3, -0.2, 0.1];
        var mh = new MetropolisHastings().Sample(target, start, options);
        var hm = new HamiltonianMonteCarlo().Sample(target, start, options);
        var h1 = new Hash();
        AddSampling(h1, mh);
        Line("sample mh banana 3-d", h1, mh.Reason.ToString());
        var h2 = new Hash();
        AddSampling(h2, hm);
        Line("sample hmc banana 3-d", h2, hm.Reason.ToString());
    }

    private static void AddConvex(Hash h, ConvexResult r)
    {
        h.Add(r.X).Add(r.Objective).Add(r.Iterations).Add(r.PrimalResidual).Add(r.DualResidual).Add(r.Rho);
        if (r.Dual is not null) h.Add(r.Dual);
    }

    /// <summary>ADMM lasso, the OSQP-style QP solver, PDHG TV denoising and consensus ADMM on small problems.</summary>
    private static void Convex(int threads)
    {
        var compute = new ComputeOptions { Threads = threads > 0 ? threads : null };
        var rng = new Random(23);
        const int m = 60, n = 20;
        var a = new DenseMatrix(m, n);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++) a[i, j] = rng.NextDouble() - 0.5;
        var b = new double[m];
        for (int i = 0; i < m; i++)
        {
            double s = 0;
            for (int j = 0; j < n; j += 4) s += (j % 8 == 0 ? 1.5 : -2.0) * a[i, j];
            b[i] = s + 0.01 * Math.Sin(i + 1.0);
        }
        var lasso = Admm.Lasso(a, b, 0.05, new AdmmOptions { Compute = compute });
        var h = new Hash();
        AddConvex(h, lasso);
        Line("admm lasso 60x20", h, lasso.Reason.ToString());

        // A QP: min ½xᵀPx + qᵀx with P = MᵀM + I, box and one equality and two general inequality rows.
        const int nq = 8;
        var mq = new DenseMatrix(nq, nq);
        for (int j = 0; j < nq; j++)
            for (int i = 0; i < nq; i++) mq[i, j] = rng.NextDouble() - 0.5;
        var p = new DenseMatrix(nq, nq);
        for (int i = 0; i < nq; i++)
            for (int j = 0; j < nq; j++)
            {
                double s = i == j ? 1.0 : 0.0;
                for (int k = 0; k < nq; k++) s += mq[k, i] * mq[k, j];
                p[i, j] = s;
            }
        var q = new double[nq];
        for (int i = 0; i < nq; i++) q[i] = Math.Cos(i + 1.0);
        var ac = new DenseMatrix(nq + 3, nq);
        var lower = new double[nq + 3];
        var upper = new double[nq + 3];
        for (int i = 0; i < nq; i++) { ac[i, i] = 1.0; lower[i] = -0.4; upper[i] = 0.6; }
        for (int j = 0; j < nq; j++) { ac[nq, j] = 1.0; ac[nq + 1, j] = j % 2 == 0 ? 1.0 : -1.0; ac[nq + 2, j] = 0.1 * (j + 1); }
        lower[nq] = upper[nq] = 0.5;
        lower[nq + 1] = -0.2; upper[nq + 1] = 0.2;
        lower[nq + 2] = double.NegativeInfinity; upper[nq + 2] = 0.3;
        var qp = QpSolver.Solve(new QuadraticProgram(p, q, ac, lower, upper), new QpOptions { Compute = compute });
        h = new Hash();
        AddConvex(h, qp);
        Line($"qp osqp {nq} vars {nq + 3} rows", h.Add(qp.Polished ? 1 : 0), qp.Reason.ToString());

        // TV denoising of a 16×12 two-level image with a deterministic ripple as the noise.
        const int w = 16, ht = 12;
        var image = new double[w * ht];
        for (int r = 0; r < ht; r++)
            for (int c = 0; c < w; c++) image[r * w + c] = (c > 5 && r > 3 && r < 9 ? 1.0 : 0.0) + 0.1 * Math.Sin(3.7 * (r * w + c));
        var tv = TotalVariation.Denoise(image, w, ht, 0.15, new PdhgOptions { Compute = compute });
        h = new Hash();
        AddConvex(h, tv);
        Line("pdhg tv denoise 16x12", h.Add(tv.DualityGap), tv.Reason.ToString());

        // Consensus lasso: the rows of the lasso problem in three blocks.
        var blocks = new List<ConsensusBlock>();
        for (int k = 0; k < 3; k++)
        {
            var ak = new DenseMatrix(m / 3, n);
            var bk = new double[m / 3];
            for (int i = 0; i < m / 3; i++)
            {
                for (int j = 0; j < n; j++) ak[i, j] = a[k * (m / 3) + i, j];
                bk[i] = b[k * (m / 3) + i];
            }
            blocks.Add(new LeastSquaresBlock(ak, bk));
        }
        var consensus = Admm.Consensus(blocks, new L1Norm(0.05), new AdmmOptions { Compute = compute });
        h = new Hash();
        AddConvex(h, consensus);
        Line("admm consensus lasso 3 blocks", h, consensus.Reason.ToString());
    }

    /// <summary>The MCMC posterior of a small curve fit (Metropolis–Hastings, two chains).</summary>
    private static void FitPosteriorItem(int threads)
    {
        int m = 40;
        var x = new double[m];
        var y = new double[m];
        for (int i = 0; i < m; i++)
        {
            x[i] = i * 0.1;
            y[i] = 2.0 * Math.Exp(-0.8 * x[i]) + 0.1 + 0.02 * Math.Sin(13.0 * i);
        }
        var f = CurveFit.Fit("a*exp(-b*x) + c", x, y, [1.0, 1.0, 0.0]);
        var post = f.Posterior(new SamplerOptions { Samples = 300, Warmup = 300, Chains = 2, Seed = 5, Compute = new() { Threads = threads > 0 ? threads : Environment.ProcessorCount } }, PosteriorSampler.MetropolisHastings);
        var h = new Hash();
        AddSampling(h, post.Sampling);
        foreach (var p in post.Parameters) h.Add(p.Mean).Add(p.StandardDeviation).Add(p.Lower).Add(p.Upper);
        h.Add(post.Sigma.Mean).Add(post.Sigma.Lower).Add(post.Sigma.Upper);
        Line("curvefit posterior mh", h, post.Sampling.Reason.ToString());
    }

    /// <summary>FNV-1a over the exact bits of the values added.</summary>
    private sealed class Hash
    {
        public ulong Value { get; private set; } = 14695981039346656037UL;

        public Hash Add(long bits)
        {
            ulong v = Value;
            for (int k = 0; k < 8; k++)
            {
                v ^= (ulong)(bits >> (8 * k)) & 0xff;
                v *= 1099511628211UL;
            }
            Value = v;
            return this;
        }

        public Hash Add(double x) => Add(BitConverter.DoubleToInt64Bits(x));

        public Hash Add(float x) => Add(BitConverter.SingleToInt32Bits(x));

        public Hash Add(int x) => Add((long)x);

        public Hash Add(ReadOnlySpan<double> xs)
        {
            foreach (double x in xs) Add(x);
            return this;
        }
    }
}
