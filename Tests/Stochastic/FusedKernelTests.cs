using FsCheck;
using FsCheck.Fluent;
using Optima.Problems.Data;
using Optima.Problems.Models;
using Optima.Solvers.Stochastic;
using Xunit;

namespace Optima.Tests.Stochastic;

/// <summary>The single-pass fused kernels equal the blocked transform chain bit for bit, and refuse non-finite gradients the same way.</summary>
public class FusedKernelTests
{
    private static readonly (string Name, Flat Settings, string Kernel)[] Cases =
    [
        ("adam", new(), "fused adam"),
        ("adam", new() { WeightDecay = 1e-2 }, "fused adam"),
        ("adamw", new(), "fused adam"),
        ("adamw", new() { WeightDecay = 0.1, Beta1 = 0.5, Beta2 = 0.9, Epsilon = 1e-3 }, "fused adam"),
        ("amsgrad", new(), "fused amsgrad"),
        ("amsgrad", new() { WeightDecay = 1e-3, DecoupledWeightDecay = true }, "fused amsgrad"),
        ("sgd", new(), "fused sgd"),
        ("sgd", new() { WeightDecay = 1e-2 }, "fused sgd"),
        ("sgd", new() { WeightDecay = 1e-2, DecoupledWeightDecay = true }, "fused sgd"),
        ("momentum", new(), "fused momentum"),
        ("momentum", new() { Dampening = 0.3, WeightDecay = 1e-3 }, "fused momentum"),
        ("nesterov", new(), "fused nesterov"),
        ("nesterov", new() { WeightDecay = 1e-3 }, "fused nesterov"),
        ("sgdw", new(), "fused momentum"),
        ("sgdw", new() { Momentum = 0.5, WeightDecay = 0.2 }, "fused momentum"),
        ("heavy-ball", new(), "fused heavy ball"),
        ("heavy-ball", new() { Momentum = 0.5, WeightDecay = 1e-2 }, "fused heavy ball"),
        ("adagrad", new(), "fused adagrad"),
        ("adagrad", new() { WeightDecay = 1e-2, LearningRateDecay = 0.3, InitialAccumulator = 0.2, Epsilon = 1e-3 }, "fused adagrad"),
        ("adagrad", new() { WeightDecay = 1e-2, DecoupledWeightDecay = true }, "fused adagrad"),
        ("rmsprop", new(), "fused rmsprop"),
        ("rmsprop", new() { WeightDecay = 1e-2, Alpha = 0.9, Epsilon = 1e-4 }, "fused rmsprop"),
        ("rmsprop", new() { Momentum = 0.7, WeightDecay = 1e-3, DecoupledWeightDecay = true }, "fused rmsprop + momentum"),
        ("rmsprop-centred", new(), "fused centred rmsprop"),
        ("rmsprop-centred", new() { Momentum = 0.5, WeightDecay = 1e-2 }, "fused centred rmsprop + momentum"),
        ("adadelta", new(), "fused adadelta"),
        ("adadelta", new() { Rho = 0.5, Epsilon = 1e-3, WeightDecay = 1e-2 }, "fused adadelta"),
        ("adamax", new(), "fused adamax"),
        ("adamax", new() { WeightDecay = 1e-2, Beta1 = 0.5, Beta2 = 0.9 }, "fused adamax"),
        ("adamax", new() { WeightDecay = 1e-2, DecoupledWeightDecay = true }, "fused adamax"),
        ("nadam", new(), "fused nadam"),
        ("nadam", new() { WeightDecay = 1e-2, MomentumDecay = 0.1 }, "fused nadam"),
        ("adabound", new(), "fused adabound"),
        ("adabound", new() { WeightDecay = 1e-2, FinalLearningRate = 0.5, BoundGamma = 0.1 }, "fused adabound"),
        ("adabound", new() { WeightDecay = 1e-2, DecoupledWeightDecay = true }, "fused adabound"),
        ("radam", new(), "fused radam"),
        ("radam", new() { WeightDecay = 1e-2, Beta1 = 0.5, Beta2 = 0.9 }, "fused radam"),
        ("radam", new() { WeightDecay = 1e-2, DecoupledWeightDecay = true, Beta2 = 0.95 }, "fused radam"),
        ("rprop", new(), "fused rprop"),
        ("rprop", new() { WeightDecay = 1e-2 }, "fused rprop"),
    ];

    [Fact]
    public void Fused_kernels_equal_the_chain_bit_for_bit() =>
        Prop.ForAll(Gen.Choose(1, 70).ToArbitrary(), Gen.Choose(0, 100000).ToArbitrary(), (n, seed) =>
        {
            var rng = new Random(seed);
            foreach (var (name, settings, kernel) in Cases)
            {
                var fused = (ChainOptimizer)Flat.Create(name, n, settings with { LearningRate = 0.05 });
                var chain = (ChainOptimizer)Flat.Create(name, n, settings with { LearningRate = 0.05 });
                chain.UseFusedKernel = false;
                if (fused.FusedKernelName != kernel) return false.Label($"{name}: kernel {fused.FusedKernelName}, expected {kernel}");
                var x1 = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
                var x2 = (double[])x1.Clone();
                for (int t = 0; t < 5; t++)
                {
                    var g = Enumerable.Range(0, n).Select(i => rng.NextDouble() - 0.5 + 0.3 * x1[i]).ToArray();
                    fused.LearningRate = chain.LearningRate = 0.05 / (1 + t); // a schedule changes γ between steps
                    if (!fused.Step(x1, g) || !chain.Step(x2, g)) return false.Label($"{name}: refused");
                    for (int i = 0; i < n; i++)
                        if (BitConverter.DoubleToInt64Bits(x1[i]) != BitConverter.DoubleToInt64Bits(x2[i])) return false.Label($"{name}: θ[{i}] at step {t + 1}");
                }
                for (int k = 0; k < fused.State.VectorCount; k++)
                    for (int i = 0; i < n; i++)
                        if (BitConverter.DoubleToInt64Bits(fused.State.Vector<double>(k)[i]) != BitConverter.DoubleToInt64Bits(chain.State.Vector<double>(k)[i])) return false.Label($"{name}: state {k}");
            }
            return true.ToProperty();
        }).Check(TestSupport.Quick());

    [Fact]
    public void Float32_fused_kernels_equal_the_float32_chain_bit_for_bit() =>
        Prop.ForAll(Gen.Choose(1, 70).ToArbitrary(), Gen.Choose(0, 100000).ToArbitrary(), (n, seed) =>
        {
            var rng = new Random(seed);
            foreach (var (name, settings, kernel) in Cases)
            {
                var s32 = settings with { LearningRate = 0.05, Precision = OptimizerPrecision.Float32 };
                var fused = (ChainOptimizer)Flat.Create(name, n, s32);
                var chain = (ChainOptimizer)Flat.Create(name, n, s32);
                chain.UseFusedKernel = false;
                if (fused.FusedKernelName != kernel) return false.Label($"{name}: kernel {fused.FusedKernelName}, expected {kernel}");
                var x1 = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
                var x2 = (float[])x1.Clone();
                for (int t = 0; t < 5; t++)
                {
                    var g = Enumerable.Range(0, n).Select(i => (float)(rng.NextDouble() - 0.5 + 0.3 * x1[i])).ToArray();
                    fused.LearningRate = chain.LearningRate = 0.05 / (1 + t);
                    if (!fused.Step(x1, g) || !chain.Step(x2, g)) return false.Label($"{name}: refused");
                    for (int i = 0; i < n; i++)
                        if (BitConverter.SingleToInt32Bits(x1[i]) != BitConverter.SingleToInt32Bits(x2[i])) return false.Label($"{name}: θ[{i}] at step {t + 1}");
                }
                for (int k = 0; k < fused.State.VectorCount; k++)
                    for (int i = 0; i < n; i++)
                        if (BitConverter.SingleToInt32Bits(fused.State.Vector<float>(k)[i]) != BitConverter.SingleToInt32Bits(chain.State.Vector<float>(k)[i])) return false.Label($"{name}: state {k}");
            }
            return true.ToProperty();
        }).Check(TestSupport.Quick());

    [Fact]
    public void Chains_without_a_fused_form_report_none_and_clipping_disables_fusion()
    {
        Assert.Null(((ChainOptimizer)Flat.Create("rmsprop", 10, new() { ClipValue = 1 })).FusedKernelName);
        Assert.Null(((ChainOptimizer)Flat.Create("adam", 10, new() { ClipNorm = 1 })).FusedKernelName);
    }

    [Fact]
    public void A_nonfinite_gradient_anywhere_is_refused_by_the_fused_kernel_with_nothing_changed()
    {
        const int n = 1003;
        foreach (var (name, settings, _) in Cases)
        {
            var opt = (ChainOptimizer)Flat.Create(name, n, settings);
            var x = Enumerable.Range(0, n).Select(i => Math.Cos(i)).ToArray();
            var g = Enumerable.Range(0, n).Select(i => Math.Sin(i)).ToArray();
            Assert.True(opt.Step(x, g));
            foreach (int bad in new[] { 0, 517, n - 1 })
                foreach (double value in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
                {
                    var before = (double[])x.Clone();
                    var state = Enumerable.Range(0, opt.State.VectorCount).Select(k => opt.State.Vector<double>(k).ToArray()).ToArray();
                    var gb = (double[])g.Clone();
                    gb[bad] = value;
                    Assert.False(opt.Step(x, gb));
                    Assert.Equal(before, x);
                    for (int k = 0; k < state.Length; k++) Assert.Equal(state[k], opt.State.Vector<double>(k).ToArray());
                    Assert.Equal(1, opt.StepCount);
                }
        }
    }

    [Fact]
    public void The_backward_finiteness_scan_finds_any_nonfinite_entry_at_any_length()
    {
        Prop.ForAll(Gen.Choose(0, 200).ToArbitrary(), Gen.Choose(0, 1_000_000).ToArbitrary(), (n, seed) =>
        {
            var rng = new Random(seed);
            var x = Enumerable.Range(0, n).Select(_ => (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-300, 300))).ToArray();
            var xf = x.Select(v => (float)(v % 1e30)).ToArray();
            bool ok = FusedKernel.AllFiniteBackward<double>(x) && FusedKernel.AllFiniteBackward<float>(xf);
            if (n > 0)
            {
                int at = rng.Next(n);
                double bad = (seed % 3) switch { 0 => double.NaN, 1 => double.PositiveInfinity, _ => double.NegativeInfinity };
                x[at] = bad;
                xf[at] = (float)bad;
                ok &= !FusedKernel.AllFiniteBackward<double>(x) && !FusedKernel.AllFiniteBackward<float>(xf);
            }
            return ok.Label($"n = {n}, seed = {seed}");
        }).Check(TestSupport.Quick());
    }

    [Fact]
    public void A_nonfinite_float32_gradient_is_refused_by_both_paths_with_nothing_changed()
    {
        const int n = 1003;
        foreach (var (name, settings, _) in Cases)
            foreach (bool fusedPath in new[] { true, false })
            {
                var opt = (ChainOptimizer)Flat.Create(name, n, settings with { Precision = OptimizerPrecision.Float32 });
                opt.UseFusedKernel = fusedPath;
                var x = Enumerable.Range(0, n).Select(i => MathF.Cos(i)).ToArray();
                var g = Enumerable.Range(0, n).Select(i => MathF.Sin(i)).ToArray();
                Assert.True(opt.Step(x, g));
                foreach (int bad in new[] { 0, 517, n - 1 })
                    foreach (float value in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
                    {
                        var before = (float[])x.Clone();
                        var state = Enumerable.Range(0, opt.State.VectorCount).Select(k => opt.State.Vector<float>(k).ToArray()).ToArray();
                        var gb = (float[])g.Clone();
                        gb[bad] = value;
                        Assert.False(opt.Step(x, gb));
                        Assert.Equal(before, x);
                        for (int k = 0; k < state.Length; k++) Assert.Equal(state[k], opt.State.Vector<float>(k).ToArray());
                        Assert.Equal(1, opt.StepCount);
                    }
            }
    }

    [Fact]
    public void An_mlp_gradient_and_adam_step_allocate_nothing_per_batch()
    {
        var rng = new Random(5);
        const int samples = 300, features = 20;
        var data = new LabeledData(Enumerable.Range(0, samples * features).Select(_ => rng.NextDouble()).ToArray(), features,
            Enumerable.Range(0, samples).Select(i => i % 3).ToArray(), 3);
        var mlp = new Mlp(data, [16, 8], maxDegreeOfParallelism: 1);
        var x = mlp.InitialParameters(1);
        var g = new double[mlp.Dimension];
        var opt = Optimizers.Create("adam", mlp.Dimension);
        int[] batch = Enumerable.Range(0, 64).Select(i => (i * 7) % samples).ToArray();
        mlp.BatchValueAndGradient(x, batch, g);
        opt.Step(x, g);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 5; t++)
        {
            mlp.BatchValueAndGradient(x, batch, g);
            opt.Step(x, g);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
