using FsCheck;
using FsCheck.Fluent;
using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;
using Optima.LinearAlgebra.Iterative;
using Optima.LinearAlgebra.IO;
using Xunit;
using Xunit.Abstractions;

namespace Optima.Tests.LinearAlgebra;

public class IterativeSolverTests(ITestOutputHelper output)
{
    private static double[] ExactSolve(CsrMatrix a, double[] b) => LuFactorization.Factorize(a.ToDense()).Solve(b);

    [Fact]
    public void Cg_OnRandomSpd_ConvergesWithinNIterations_Property()
    {
        Prop.ForAll(Gen.Choose(1, 30).ToArbitrary(), Gen.Choose(0, 100000).ToArbitrary(), (n, seed) =>
        {
            var a = Generators.Spd(n, seed, shift: 0.5);
            var b = Generators.Vector(n, seed + 1);
            var x = new double[n];
            var res = ConjugateGradient.Solve(a, b, x, new IterativeOptions { Tolerance = 1e-10 });
            bool residualOk = Generators.ResidualNorm(a, x, b) <= 1e-9 * Generators.Norm(b);
            return res.IsConverged && res.Iterations <= n && residualOk;
        }).Check(TestSupport.Quick());
    }

    [Fact]
    public void Pcg_AllPreconditioners_Converge_ToTheSameSolution_Property()
    {
        Prop.ForAll(Gen.Choose(5, 200).ToArbitrary(), Gen.Choose(0, 100000).ToArbitrary(), (n, seed) =>
        {
            var a = Generators.DiagonallyDominant(n, seed, symmetric: true);
            var b = Generators.Vector(n, seed + 3);
            var exact = ExactSolve(a, b);
            double scale = Math.Max(1, Generators.Norm(exact));
            var opts = new IterativeOptions { Tolerance = 1e-12 };
            bool ok = true;
            foreach (IPreconditioner? m in new IPreconditioner?[] { null, new JacobiPreconditioner(a), new SsorPreconditioner(a, 1.2), new IncompleteCholeskyPreconditioner(a) })
            {
                var x = new double[n];
                var res = m is null ? ConjugateGradient.Solve(a, b, x, opts) : ConjugateGradient.Solve(a, m, b, x, opts);
                ok &= res.IsConverged && Generators.MaxAbsDiff(x, exact) <= 1e-9 * scale;
            }
            return ok;
        }).Check(TestSupport.Quick());
    }

    [Fact]
    public void Stationary_OnDiagonallyDominant_Converge_Property()
    {
        Prop.ForAll(Gen.Choose(2, 150).ToArbitrary(), Gen.Choose(0, 100000).ToArbitrary(), (n, seed) =>
        {
            var a = Generators.DiagonallyDominant(n, seed, symmetric: false);
            var b = Generators.Vector(n, seed + 5);
            var exact = ExactSolve(a, b);
            var opts = new IterativeOptions { Tolerance = 1e-11 };
            bool ok = true;
            foreach (var solve in new Func<double[], IterativeResult>[]
            {
                x => StationaryMethods.Jacobi(a, b, x, opts),
                x => StationaryMethods.GaussSeidel(a, b, x, opts),
                x => StationaryMethods.Sor(a, b, x, opts with { Omega = 0.9 }),
                x => StationaryMethods.Ssor(a, b, x, opts with { Omega = 1.1 }),
            })
            {
                var x = new double[n];
                var res = solve(x);
                ok &= res.IsConverged && Generators.MaxAbsDiff(x, exact) <= 1e-9 * Math.Max(1, Generators.Norm(exact));
            }
            return ok;
        }).Check(TestSupport.Quick());
    }

    [Fact]
    public void GaussSeidel_NeedsFewerIterationsThanJacobi_AndRecordsHistory()
    {
        var a = CsrMatrix.Poisson2D(12, 12);
        var b = Generators.Vector(a.Rows, 1);
        var opts = new IterativeOptions { Tolerance = 1e-8, RecordHistory = true };
        var j = StationaryMethods.Jacobi(a, b, new double[a.Rows], opts);
        var gs = StationaryMethods.GaussSeidel(a, b, new double[a.Rows], opts);
        var sor = StationaryMethods.Sor(a, b, new double[a.Rows], opts with { Omega = 1.6 });
        Assert.True(j.IsConverged && gs.IsConverged && sor.IsConverged);
        Assert.True(gs.Iterations < j.Iterations);
        Assert.True(sor.Iterations < gs.Iterations);
        Assert.Equal(j.Iterations + 1, j.ResidualHistory!.Count);
        Assert.Equal(j.RelativeResidual, j.ResidualHistory[^1]);
    }

    [Fact]
    public void Jacobi_OnNonConvergentMatrix_StopsWithReason_NotAHang()
    {
        var a = CsrMatrix.FromDense(DenseMatrix.FromRows(new double[,] { { 1, 3 }, { 3, 1 } }));
        var res = StationaryMethods.Jacobi(a, [1.0, 2.0], new double[2]);
        Assert.Equal(TerminationReason.Diverged, res.Reason);
        var slow = CsrMatrix.FromDense(DenseMatrix.FromRows(new double[,] { { 1, 1 }, { -1, 1 } })); // spectral radius 1
        var res2 = StationaryMethods.Jacobi(slow, [1.0, 2.0], new double[2], new IterativeOptions { MaxIterations = 50 });
        Assert.Equal(TerminationReason.MaxIterations, res2.Reason);
        Assert.Equal(50, res2.Iterations);
    }

    [Fact]
    public void Cg_OnIndefiniteMatrix_ReportsBreakdown()
    {
        var a = CsrMatrix.FromDense(DenseMatrix.FromRows(new double[,] { { 1, 0, 0 }, { 0, -2, 0 }, { 0, 0, 3 } }));
        var res = ConjugateGradient.Solve(a, [1.0, 1.0, 1.0], new double[3]);
        Assert.Equal(TerminationReason.NumericalFailure, res.Reason);
        Assert.Contains("pᵀA·p", res.Note);
        // Matrix-free: the same operator through ILinearOperator (DenseMatrix).
        var dense = DenseMatrix.FromRows(new double[,] { { 0, 1 }, { 1, 0 } });
        Assert.Equal(TerminationReason.NumericalFailure, ConjugateGradient.Solve(dense, [1.0, 0.0], new double[2]).Reason);
    }

    [Fact]
    public void Cg_OnNonSymmetricCsr_ReportsBreakdown_NamingSymmetry()
    {
        var a = Generators.DiagonallyDominant(20, 3, symmetric: false);
        var res = ConjugateGradient.Solve(a, Generators.Vector(20, 1), new double[20]);
        Assert.Equal(TerminationReason.NumericalFailure, res.Reason);
        Assert.Contains("not symmetric", res.Note);
        Assert.Equal(0, res.Iterations);
    }

    [Fact]
    public void Options_AreValidatedUpFront_NamingTheSetting()
    {
        var a = CsrMatrix.Identity(3);
        var b = new[] { 1.0, 2, 3 };
        Assert.Equal("Tolerance", Assert.Throws<ArgumentException>(() => ConjugateGradient.Solve(a, b, new double[3], new IterativeOptions { Tolerance = -1 })).ParamName);
        Assert.Equal("Tolerance", Assert.Throws<ArgumentException>(() => StationaryMethods.Jacobi(a, b, new double[3], new IterativeOptions { Tolerance = double.NaN })).ParamName);
        Assert.Equal("MaxIterations", Assert.ThrowsAny<ArgumentException>(() => ConjugateGradient.Solve(a, b, new double[3], new IterativeOptions { MaxIterations = -5 })).ParamName);
        Assert.Equal("Omega", Assert.Throws<ArgumentException>(() => StationaryMethods.Sor(a, b, new double[3], new IterativeOptions { Omega = 2.0 })).ParamName);
        Assert.Equal("DivergenceLimit", Assert.Throws<ArgumentException>(() => StationaryMethods.Sor(a, b, new double[3], new IterativeOptions { DivergenceLimit = 0.5 })).ParamName);
    }

    [Fact]
    public void BadInput_IsArgumentException_NamingTheArgument()
    {
        var a = CsrMatrix.Identity(3);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => ConjugateGradient.Solve(a, new double[2], new double[3])).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => ConjugateGradient.Solve(a, new double[3], new double[4])).ParamName);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => ConjugateGradient.Solve(a, [1.0, double.NaN, 0], new double[3])).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => StationaryMethods.Jacobi(a, [1.0, 1, 0], [0, double.PositiveInfinity, 0])).ParamName);
        var zeroDiag = CsrMatrix.FromDense(DenseMatrix.FromRows(new double[,] { { 1, 2 }, { 2, 0 } }));
        var ex = Assert.Throws<ArgumentException>(() => StationaryMethods.GaussSeidel(zeroDiag, [1.0, 1], new double[2]));
        Assert.Contains("row 1", ex.Message);
        Assert.Throws<ArgumentException>(() => new JacobiPreconditioner(zeroDiag));
        Assert.Throws<ArgumentException>(() => new IncompleteCholeskyPreconditioner(zeroDiag));
        Assert.Equal("preconditioner", Assert.Throws<ArgumentException>(() =>
            ConjugateGradient.Solve(a, new JacobiPreconditioner(CsrMatrix.Identity(4)), new double[3], new double[3])).ParamName);
    }

    [Fact]
    public void Iterations_DoNotAllocate()
    {
        var a = CsrMatrix.Poisson2D(30, 30);
        a.MaxDegreeOfParallelism = 1;
        var b = Generators.Vector(a.Rows, 3);
        var x = new double[a.Rows];
        var ic = new IncompleteCholeskyPreconditioner(a);
        var ssor = new SsorPreconditioner(a, 1.3);
        var jac = new JacobiPreconditioner(a);
        var solvers = new (string Name, Func<int, IterativeResult> Run)[]
        {
            ("CG", k => ConjugateGradient.Solve(a, b, x, new IterativeOptions { Tolerance = 0, MaxIterations = k })),
            ("PCG IC0", k => ConjugateGradient.Solve(a, ic, b, x, new IterativeOptions { Tolerance = 0, MaxIterations = k })),
            ("PCG SSOR", k => ConjugateGradient.Solve(a, ssor, b, x, new IterativeOptions { Tolerance = 0, MaxIterations = k })),
            ("PCG Jacobi", k => ConjugateGradient.Solve(a, jac, b, x, new IterativeOptions { Tolerance = 0, MaxIterations = k })),
            ("Jacobi", k => StationaryMethods.Jacobi(a, b, x, new IterativeOptions { Tolerance = 0, MaxIterations = k })),
            ("SSOR", k => StationaryMethods.Ssor(a, b, x, new IterativeOptions { Tolerance = 0, MaxIterations = k })),
        };
        foreach (var (name, run) in solvers)
        {
            long Measure(int k)
            {
                Array.Clear(x);
                long before = GC.GetAllocatedBytesForCurrentThread();
                var res = run(k);
                long used = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.Equal(k, res.Iterations);
                return used;
            }
            // JIT warm-up, long enough that on-stack replacement of the iteration loops happens here. Tiered compilation's
            // one-off bookkeeping (OSR, PGO, call counting) can still allocate a few bytes on the calling thread in any
            // run, so each count is the least of three runs: a per-iteration allocation would show in every one of them.
            Measure(3);
            Measure(60);
            long few = Math.Min(Measure(5), Math.Min(Measure(5), Measure(5)));
            long many = Math.Min(Measure(45), Math.Min(Measure(45), Measure(45)));
            output.WriteLine($"{name}: {few} bytes for 5 iterations, {many} for 45");
            Assert.Equal(few, many);
        }
    }

    [Fact]
    public void Cg_WithParallelSparseProduct_DoesNotAllocatePerIteration()
    {
        var a = CsrMatrix.Poisson2D(300, 300); // above the parallel threshold
        a.MaxDegreeOfParallelism = 2;
        var b = Generators.Vector(a.Rows, 3);
        var x = new double[a.Rows];
        long Measure(int k)
        {
            Array.Clear(x);
            // Parallel.For would allocate on the calling thread; the fork-join team must not.
            long before = GC.GetAllocatedBytesForCurrentThread();
            ConjugateGradient.Solve(a, b, x, new IterativeOptions { Tolerance = 0, MaxIterations = k, CheckSymmetry = false });
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Measure(2);
        // Minimum over a few trials: a garbage collection triggered by tests running beside this one occasionally
        // shows up as a few kB on this thread's counter.
        long best = long.MaxValue;
        for (int trial = 0; trial < 3 && best >= 20 * 64; trial++)
        {
            long few = Measure(3), many = Measure(23);
            output.WriteLine($"{few} bytes for 3 iterations, {many} for 23");
            best = Math.Min(best, many - few);
        }
        Assert.True(best < 20 * 64, $"{best / 20.0} bytes per iteration");
    }

    [Fact]
    public void ZeroRightHandSide_GivesZeroSolution()
    {
        var x = new[] { 1.0, 2, 3 };
        var res = ConjugateGradient.Solve(CsrMatrix.Identity(3), new double[3], x);
        Assert.True(res.IsConverged);
        Assert.Equal(new double[3], x);
    }

    [Fact]
    public void Pcg_IC0_OnPoisson_NeedsAtMostHalfTheIterationsOfCg()
    {
        var a = CsrMatrix.Poisson2D(60, 60);
        var b = new double[a.Rows];
        a.Multiply(Enumerable.Repeat(1.0, a.Rows).ToArray(), b);
        var opts = new IterativeOptions { Tolerance = 1e-8 };
        var cg = ConjugateGradient.Solve(a, b, new double[a.Rows], opts);
        var ic = new IncompleteCholeskyPreconditioner(a);
        Assert.Equal(0, ic.Shift);
        var x = new double[a.Rows];
        var pcg = ConjugateGradient.Solve(a, ic, b, x, opts);
        output.WriteLine($"{cg}\n{pcg}");
        Assert.True(cg.IsConverged && pcg.IsConverged);
        Assert.True(2 * pcg.Iterations <= cg.Iterations);
        Assert.True(Generators.MaxAbsDiff(x, Enumerable.Repeat(1.0, a.Rows).ToArray()) < 1e-6);
    }

    [SkippableTheory]
    [InlineData("bcsstk03.mtx")]
    [InlineData("plat362.mtx")]
    [InlineData("gr_30_30.mtx")]
    [InlineData("1138_bus.mtx")]
    [InlineData("bcsstk15.mtx")]
    public void RealSpdMatrices_PcgWithRobustIC0_Converges(string file)
    {
        string path = TestSupport.RequireSharedFile("matrices", file);
        var a = MatrixMarket.ReadSparse(path);
        var ones = Enumerable.Repeat(1.0, a.Rows).ToArray();
        var b = new double[a.Rows];
        a.Multiply(ones, b);
        var ic = new IncompleteCholeskyPreconditioner(a);
        output.WriteLine($"{file}: {ic.Description}");
        var x = new double[a.Rows];
        var res = ConjugateGradient.Solve(a, ic, b, x, new IterativeOptions { Tolerance = 1e-8, MaxIterations = 20000 });
        output.WriteLine(res.ToString());
        Assert.True(res.IsConverged, res.ToString());
        Assert.True(Generators.ResidualNorm(a, x, b) <= 1e-7 * Generators.Norm(b));
    }

    [SkippableFact]
    public void RealSpdMatrices_SomeBreakPlainIC0_AndTheShiftIsReported()
    {
        int shifted = 0;
        foreach (var file in new[] { "bcsstk03.mtx", "plat362.mtx", "gr_30_30.mtx", "1138_bus.mtx", "bcsstk15.mtx" })
        {
            string path = TestSupport.RequireSharedFile("matrices", file);
            var ic = new IncompleteCholeskyPreconditioner(MatrixMarket.ReadSparse(path));
            output.WriteLine($"{file}: {ic.Description}");
            if (ic.Shift > 0)
            {
                shifted++;
                Assert.NotNull(ic.FirstBreakdownRow);
                Assert.True(ic.Attempts > 1);
                Assert.Contains("shift", ic.Description);
            }
        }
        Assert.True(shifted >= 1, "expected at least one shared SPD matrix to break plain IC(0)");
    }

    [SkippableTheory]
    [InlineData("orsirr_1.mtx")]
    [InlineData("hor_131.mtx")]
    public void RealGeneralMatrices_LuSolves_AndQrAgrees(string file)
    {
        string path = TestSupport.RequireSharedFile("matrices", file);
        var a = MatrixMarket.ReadSparse(path);
        var dense = a.ToDense();
        var b = new double[a.Rows];
        a.Multiply(Enumerable.Repeat(1.0, a.Rows).ToArray(), b);
        var lu = LuFactorization.Factorize(dense);
        var x = lu.Solve(b);
        output.WriteLine($"{file}: κ₁ ≈ {lu.EstimateConditionNumber():G3}, relative residual {Generators.ResidualNorm(a, x, b) / Generators.Norm(b):G3}");
        Assert.True(Generators.ResidualNorm(a, x, b) <= 1e-10 * Generators.Norm(b));
        var xq = QrFactorization.Factorize(dense).Solve(b);
        Assert.True(Generators.ResidualNorm(a, xq, b) <= 1e-10 * Generators.Norm(b));
    }
}
