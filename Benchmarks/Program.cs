// Benchmark dispatcher: `dotnet run -c Release --project Benchmarks -- <mode> [options]`.
// Each mode lives in its own folder; add a line to the table below to register a new one.
var modes = new Dictionary<string, (string Help, Func<string[], int> Run)>(StringComparer.OrdinalIgnoreCase)
{
    ["linalg"] = ("dense LU/Cholesky/QR and CG GFLOP/s: Optima vs MathNet vs OpenBLAS (see Benchmarks/LinearAlgebra)",
        Optima.Benchmarks.LinearAlgebra.LinearAlgebraBenchmark.Run),
    ["optim"] = ("first-order optimizers ns/parameter/step and GB/s at 10^7 float64, one thread, vs torch.optim (see Benchmarks/Stochastic)",
        Optima.Benchmarks.Stochastic.OptimizerBenchmark.Run),
    ["mgh"] = ("Moré–Garbow–Hillstrom table, bfgs/lbfgs/newton-tr/lm from x0 and 10*x0; writes Docs/mgh-results.md (see Benchmarks/Mgh)",
        Optima.Benchmarks.Mgh.MghBenchmark.Run),
    ["lbfgs"] = ("L-BFGS on extended Rosenbrock n = 10^5: Optima vs scipy L-BFGS-B vs MathNet, time/iterations/evaluations/allocation (see Benchmarks/QuasiNewton)",
        Optima.Benchmarks.QuasiNewton.LbfgsBenchmark.Run),
    ["mnist"] = ("Fashion-MNIST MLP 784-256-10 + Adam: epoch time and test accuracy vs PyTorch CPU at the same thread count (see Benchmarks/Stochastic)",
        Optima.Benchmarks.Stochastic.MnistBenchmark.Run),
    ["fit"] = ("curve fitting: 10^6-point two-exponential fit (autodiff vs hand Jacobian vs expression, vs scipy least_squares) and FitMany fits/s (see Benchmarks/Fitting)",
        Optima.Benchmarks.Fitting.FitBenchmark.Run),
    ["global"] = ("GA/DE/CMA-ES/annealing on Rastrigin/Ackley/Schwefel/Griewank, 20 seeds, fixed budget: success rate and median best, beside scipy_global.py (see Benchmarks/Global)",
        Optima.Benchmarks.Global.GlobalBenchmark.Run),
    ["nm"] = ("Nelder-Mead and Powell on the MGH problems with n <= 4: successes and evaluations, beside SciPy's Nelder-Mead run in the same process tree on the same functions (see Benchmarks/Global)",
        Optima.Benchmarks.Global.GlobalBenchmark.RunLocal),
    ["fingerprint"] = ("one line per computation with a hash of its exact bits: NIST, MGH, CG, dense, optimizers, MLP, curve fit (see scripts/fingerprint.sh)",
        Optima.Benchmarks.Fingerprint.FingerprintBenchmark.Run),
    ["lasso"] = ("ADMM lasso vs scikit-learn coordinate descent: agreement and time on seeded Gaussian problems (see Benchmarks/Convex)",
        Optima.Benchmarks.Convex.LassoBenchmark.Run),
    ["allreduce"] = ("in-place sum of 1e3..1e7 doubles across MPI ranks: Optima's rank-order allreduce vs the library's MPI_Allreduce, and the α–β fit; run under mpirun -np P (see Benchmarks/Distributed)",
        Optima.Benchmarks.Distributed.AllreduceBenchmark.Run),
    ["reduce"] = ("fixed-order reductions (Reproducible.Dot/Sum/SumOfSquares) vs TensorPrimitives: ns per call and ratio",
        Optima.Benchmarks.Fingerprint.ReduceBenchmark.Run),
};

if (args.Length == 0 || !modes.TryGetValue(args[0], out var mode))
{
    Console.Error.WriteLine(args.Length == 0 ? "usage: Optima.Benchmarks <mode> [options]" : $"unknown mode '{args[0]}'");
    foreach (var (name, m) in modes) Console.Error.WriteLine($"  {name,-10} {m.Help}");
    return 2;
}
return mode.Run(args[1..]);
