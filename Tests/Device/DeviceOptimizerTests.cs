using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using Optima.Device;
using Optima.Solvers.Stochastic;
using Xunit;

namespace Optima.Tests.Device;

/// <summary>The fused device steps on ILGPU's CPU accelerator against Optima's CPU optimizers (torch.optim semantics).</summary>
[Collection(DeviceCollection.Name)]
public class DeviceOptimizerTests(CpuAcceleratorFixture fixture)
{
    private DeviceContext Device => fixture.Device;

    /// <summary>The CPU optimizer and the device one from the same settings, over <paramref name="steps"/> seeded gradients; the largest relative difference.</summary>
    private double Run<T>(OptimizerSettings cpuSettings, string cpuName, DeviceOptimizerSettings deviceSettings, int n, int seed, int steps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(seed);
        var start = Enumerable.Range(0, n).Select(_ => T.CreateChecked(rng.NextDouble() * 4 - 2)).ToArray();
        var cpu = Optimizers.Create(cpuName, n, cpuSettings);
        var ours = (T[])start.Clone();
        using var device = new DeviceOptimizer<T>(Device, start, deviceSettings);
        var g = new T[n];
        for (int s = 0; s < steps; s++)
        {
            for (int i = 0; i < n; i++) g[i] = T.CreateChecked(rng.NextDouble() * 2 - 1) + T.CreateChecked(0.1) * ours[i];
            Assert.True(cpu.Step<T>(ours, g));
            Assert.True(device.Step(g));
        }
        Assert.Equal(steps, device.StepCount);
        var theirs = new T[n];
        device.CopyParametersTo(theirs);
        double worst = 0;
        for (int i = 0; i < n; i++)
        {
            double a = double.CreateChecked(ours[i]), b = double.CreateChecked(theirs[i]);
            worst = Math.Max(worst, Math.Abs(a - b) / Math.Max(1, Math.Abs(a)));
        }
        return worst;
    }

    private static Gen<(int N, int Seed, double Lr)> Cases =>
        from n in Gen.Choose(1, 40)
        from seed in Gen.Choose(0, 100000)
        from lr in Gen.Elements(1e-3, 1e-2, 0.1)
        select (n, seed, lr);

    [Fact]
    public void Adam_matches_the_cpu_rule_in_double_and_float_Property()
    {
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var cpu64 = Optimizers.Defaults("adam") with { LearningRate = c.Lr };
            var cpu32 = Optimizers.Settings("adam", [], OptimizerPrecision.Float32) with { LearningRate = c.Lr };
            var dev = new DeviceOptimizerSettings { Rule = DeviceRule.Adam, LearningRate = c.Lr };
            double d64 = Run<double>(cpu64, "adam", dev, c.N, c.Seed, 8);
            double d32 = Run<float>(cpu32, "adam", dev, c.N, c.Seed, 8);
            return (d64 <= 1e-13 && d32 <= 2e-6).Label($"{c}: double {d64:G3}, float {d32:G3}");
        }).Check(TestSupport.Quick(8));
    }

    [Fact]
    public void Sgd_momentum_and_nesterov_match_the_cpu_rule_Property()
    {
        Prop.ForAll(Cases.ToArbitrary(), Gen.Elements(false, true).ToArbitrary(), (c, nesterov) =>
        {
            var cpu64 = new SgdSettings { LearningRate = c.Lr, Momentum = 0.9, Nesterov = nesterov, Dampening = 0 };
            var damped = new SgdSettings { LearningRate = c.Lr, Momentum = 0.5, Dampening = 0.3, Precision = OptimizerPrecision.Float32 };
            var dev = new DeviceOptimizerSettings { Rule = DeviceRule.Sgd, LearningRate = c.Lr, Momentum = 0.9, Nesterov = nesterov };
            var devDamped = new DeviceOptimizerSettings { Rule = DeviceRule.Sgd, LearningRate = c.Lr, Momentum = 0.5, Dampening = 0.3 };
            double d64 = Run<double>(cpu64, "sgd", dev, c.N, c.Seed, 6);
            double d32 = Run<float>(damped, "sgd", devDamped, c.N, c.Seed, 6);
            return (d64 <= 1e-13 && d32 <= 2e-6).Label($"{c} nesterov={nesterov}: double {d64:G3}, float {d32:G3}");
        }).Check(TestSupport.Quick(8));
    }

    [Fact]
    public void Adam_state_is_the_torch_moments_after_one_step()
    {
        // One step from m = v = 0: m = (1 − β₁)g, v = (1 − β₂)g², θ ← θ − γ·g/(|g| + ε·1) (bias-corrected).
        double[] g = [0.5, -2.0, 0.0];
        using var opt = new DeviceOptimizer<double>(Device, [1.0, 1.0, 1.0], new DeviceOptimizerSettings { LearningRate = 0.1 });
        Assert.True(opt.Step(g));
        var m = new double[3];
        var v = new double[3];
        var p = new double[3];
        opt.CopyStateTo(0, m);
        opt.CopyStateTo(1, v);
        opt.CopyParametersTo(p);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(0.1 * g[i], m[i], 1e-15);
            Assert.Equal(0.001 * g[i] * g[i], v[i], 1e-15);
            Assert.Equal(1 - 0.1 * g[i] / (Math.Abs(g[i]) + 1e-8), p[i], 1e-12);
        }
    }

    [Fact]
    public void Non_finite_gradients_are_refused_and_misuse_is_named()
    {
        using var opt = new DeviceOptimizer<float>(Device, [1f, 2f], new DeviceOptimizerSettings { Rule = DeviceRule.Sgd });
        Assert.False(opt.Step([float.NaN, 0f]));
        Assert.Equal(0, opt.StepCount);
        var p = new float[2];
        opt.CopyParametersTo(p);
        Assert.Equal([1f, 2f], p);
        Assert.Throws<ArgumentException>(() => opt.Step([1f]));
        Assert.Throws<ArgumentException>(() => opt.CopyStateTo(1, p));
        Assert.Throws<ArgumentOutOfRangeException>(() => opt.LearningRate = -1);
        Assert.Throws<ArgumentException>(() => new DeviceOptimizer<int>(Device, [1]));
        Assert.Throws<ArgumentException>(() => new DeviceOptimizer<double>(Device, [1.0], new DeviceOptimizerSettings { Beta1 = 1 }));
        Assert.Throws<ArgumentException>(() => new DeviceOptimizer<double>(Device, [1.0], new DeviceOptimizerSettings { Rule = DeviceRule.Sgd, Nesterov = true, Dampening = 0.5 }));
    }
}
