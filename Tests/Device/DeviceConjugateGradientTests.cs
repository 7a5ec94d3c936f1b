using FsCheck;
using ILGPU.Runtime;
using FsCheck.Fluent;
using Optima.Device;
using Optima.LinearAlgebra;
using Optima.LinearAlgebra.IO;
using Optima.LinearAlgebra.Iterative;
using Optima.Tests.LinearAlgebra;
using Xunit;
using Xunit.Abstractions;

namespace Optima.Tests.Device;

/// <summary>Device CG/PCG on ILGPU's CPU accelerator against the CPU CG: same contract, results to tolerances.</summary>
[Collection(DeviceCollection.Name)]
public class DeviceConjugateGradientTests(CpuAcceleratorFixture fixture, ITestOutputHelper output)
{
    private DeviceContext Device => fixture.Device;

    private static double MaxAbs(ReadOnlySpan<double> v)
    {
        double m = 0;
        foreach (double e in v) m = Math.Max(m, Math.Abs(e));
        return m;
    }

    [Fact]
    public void Agrees_with_the_cpu_cg_on_random_sparse_spd_systems_Property()
    {
        Prop.ForAll(Gen.Choose(1, 40).ToArbitrary(), Gen.Choose(0, 100000).ToArbitrary(), Gen.Elements(false, true).ToArbitrary(), (n, seed, jacobi) =>
        {
            var a = Generators.DiagonallyDominant(n, seed, symmetric: true, perRow: 3);
            var b = Generators.Vector(n, seed + 1);
            var options = new IterativeOptions { Tolerance = 1e-10 };
            var xCpu = new double[n];
            var cpu = jacobi ? ConjugateGradient.Solve(a, new JacobiPreconditioner(a), b, xCpu, options) : ConjugateGradient.Solve(a, b, xCpu, options);
            var xDev = new double[n];
            using var cg = new DeviceConjugateGradient(Device, a, jacobi);
            var dev = cg.Solve(b, xDev, options);
            bool close = Generators.MaxAbsDiff(xCpu, xDev) <= 1e-8 * Math.Max(1, MaxAbs(xCpu));
            bool residual = Generators.ResidualNorm(a, xDev, b) <= 1e-9 * Generators.Norm(b);
            return (dev.IsConverged && cpu.IsConverged && close && residual && Math.Abs(dev.Iterations - cpu.Iterations) <= 1
                    && dev.Device == Device.Usage)
                .Label($"n={n} seed={seed} jacobi={jacobi}: cpu {cpu}, device {dev}");
        }).Check(TestSupport.Quick(8));
    }

    [Fact]
    public void Honours_the_iteration_limit_history_and_cancellation_as_the_cpu_cg()
    {
        var a = CsrMatrix.Poisson2D(6, 6);
        var b = Generators.Vector(a.Rows, 5);
        var limited = new IterativeOptions { MaxIterations = 3, RecordHistory = true };
        var cpu = ConjugateGradient.Solve(a, b, new double[a.Rows], limited);
        using var cg = new DeviceConjugateGradient(Device, a);
        var x = new double[a.Rows];
        var dev = cg.Solve(b, x, limited);
        Assert.Equal(TerminationReason.MaxIterations, dev.Reason);
        Assert.Equal(3, dev.Iterations);
        Assert.Equal(cpu.ResidualHistory!.Count, dev.ResidualHistory!.Count);
        for (int i = 0; i < cpu.ResidualHistory.Count; i++)
            Assert.Equal(cpu.ResidualHistory[i], dev.ResidualHistory[i], 1e-12);

        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var cancelled = cg.Solve(b, new double[a.Rows], new IterativeOptions { CancellationToken = cts.Token });
        Assert.Equal(TerminationReason.Cancelled, cancelled.Reason);
        Assert.Equal(0, cancelled.Iterations);
    }

    [Fact]
    public void Is_deterministic_and_warm_starts()
    {
        var a = Generators.DiagonallyDominant(16, 7, symmetric: true);
        var b = Generators.Vector(16, 8);
        using var cg = new DeviceConjugateGradient(Device, a, jacobi: true);
        var x1 = new double[16];
        var x2 = new double[16];
        var r1 = cg.Solve(b, x1);
        var r2 = cg.Solve(b, x2);
        Assert.Equal(x1, x2);
        Assert.Equal(r1.Iterations, r2.Iterations);
        var again = cg.Solve(b, x1); // from the solution: converged at once
        Assert.Equal(TerminationReason.ResidualTolerance, again.Reason);
        Assert.True(again.Iterations <= 1, again.ToString());
    }

    [Fact]
    public void Failures_are_results_and_misuse_is_named()
    {
        using (var cg = new DeviceConjugateGradient(Device, CsrMatrix.Poisson2D(3, 3)))
        {
            var x = new double[9];
            x[0] = 5;
            var zero = cg.Solve(new double[9], x);
            Assert.Equal(TerminationReason.ResidualTolerance, zero.Reason);
            Assert.All(x, v => Assert.Equal(0.0, v));
            Assert.Throws<ArgumentException>(() => cg.Solve(new double[8], new double[9]));
            var nan = new double[9];
            nan[2] = double.NaN;
            Assert.Throws<ArgumentException>(() => cg.Solve(nan, new double[9]));
        }
        var nonsymmetric = Generators.DiagonallyDominant(10, 3, symmetric: false);
        using (var cg = new DeviceConjugateGradient(Device, nonsymmetric))
        {
            var r = cg.Solve(Generators.Vector(10, 1), new double[10]);
            Assert.Equal(TerminationReason.NumericalFailure, r.Reason);
            Assert.Contains("not symmetric", r.Note);
        }
        var indefinite = CsrMatrix.FromCoordinates(2, 2, [0, 1], [0, 1], [1.0, -1.0]);
        using (var cg = new DeviceConjugateGradient(Device, indefinite, jacobi: true))
        {
            var r = cg.Solve([1.0, 1.0], new double[2]);
            Assert.Equal(TerminationReason.NumericalFailure, r.Reason);
            Assert.Contains("row 1", r.Note);
        }
        using (var cg = new DeviceConjugateGradient(Device, indefinite))
        {
            var r = cg.Solve([1.0, 1.0], new double[2]);
            Assert.Equal(TerminationReason.NumericalFailure, r.Reason);
            Assert.Contains("not positive definite", r.Note);
        }
        Assert.Throws<ArgumentException>(() => new DeviceConjugateGradient(Device, CsrMatrix.FromCoordinates(2, 3, [0], [0], [1.0])));
    }

    [Fact]
    public void The_two_pass_dot_of_the_gpu_agrees_with_the_one_pass_dot_and_the_cpu()
    {
        // The CPU accelerator runs one group per dot; a GPU runs many and then SumPartials: run that path here too.
        var k = Device.Kernels;
        int saved = k.MaxBlocks;
        var a = Device.Accelerator;
        int n = 2000;
        var xs = Generators.Vector(n, 3);
        var ys = Generators.Vector(n, 4);
        using var x = a.Allocate1D(xs);
        using var y = a.Allocate1D(ys);
        using var partials = a.Allocate1D<double>(8);
        using var result = a.Allocate1D<double>(2);
        try
        {
            k.MaxBlocks = 8;
            Assert.True(k.Blocks(n) > 1);
            k.Dot(x.View, y.View, partials.View, result.View, 0);
            k.MaxBlocks = 1;
            k.Dot(x.View, y.View, partials.View, result.View, 1);
        }
        finally
        {
            k.MaxBlocks = saved;
        }
        var dots = result.GetAsArray1D();
        double exact = 0;
        for (int i = 0; i < n; i++) exact += xs[i] * ys[i];
        Assert.Equal(exact, dots[0], 1e-12);
        Assert.Equal(exact, dots[1], 1e-12);
    }

    [SkippableFact]
    public void Agrees_with_the_cpu_pcg_on_a_real_matrix()
    {
        string path = TestSupport.RequireSharedFile("matrices", "gr_30_30.mtx");
        var a = MatrixMarket.ReadSparse(path);
        var b = new double[a.Rows];
        a.Multiply(Enumerable.Repeat(1.0, a.Rows).ToArray(), b);
        var options = new IterativeOptions { Tolerance = 1e-10 };
        var xCpu = new double[a.Rows];
        var cpu = ConjugateGradient.Solve(a, new JacobiPreconditioner(a), b, xCpu, options);
        var xDev = new double[a.Rows];
        using var cg = new DeviceConjugateGradient(Device, a, jacobi: true);
        var dev = cg.Solve(b, xDev, options);
        output.WriteLine($"cpu: {cpu}\ndevice: {dev}");
        Assert.True(dev.IsConverged, dev.ToString());
        Assert.InRange(dev.Iterations, cpu.Iterations - 2, cpu.Iterations + 2);
        Assert.True(Generators.MaxAbsDiff(xCpu, xDev) <= 1e-8, $"max |x_cpu − x_dev| = {Generators.MaxAbsDiff(xCpu, xDev):G3}");
    }
}
