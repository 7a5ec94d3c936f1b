using Optima.Solvers.Stochastic;
using Xunit;

namespace Optima.Tests.Stochastic;

/// <summary>Transforms are pure values (state and step constants live in the optimizer); state is saved by name.</summary>
public class PureTransformTests
{
    private static double[] Gradient(int n, int t, int seed) =>
        Enumerable.Range(0, n).Select(i => Math.Sin(1.3 * i + 0.7 * t + seed) + 0.1 * seed).ToArray();

    /// <summary>Steps <paramref name="a"/> and <paramref name="b"/> in turn with different gradients; returns both parameter vectors.</summary>
    private static (double[], double[]) Interleave(IOptimizer a, IOptimizer b, int n)
    {
        var xa = new double[n];
        var xb = Enumerable.Repeat(1.0, n).ToArray();
        for (int t = 1; t <= 6; t++)
        {
            Assert.True(a.Step(xa, Gradient(n, t, 0)));
            Assert.True(b.Step(xb, Gradient(n, t, 3)));
        }
        return (xa, xb);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void One_transform_instance_serves_two_optimizers(bool fused)
    {
        const int n = 37;
        // Scalar state (NAdam's product), step constants (clipping scale, bias corrections, the trace's first step) and
        // vectors: all would be shared through the instances if a transform kept them.
        GradientTransform[] Shared() => [new ClipByGlobalNorm(0.5), new ScaleByNadam(), new ScaleByLearningRate()];
        GradientTransform[] Fusable() => [new ScaleByAdam(0.8, 0.99), new Trace(0.9), new ScaleByLearningRate()];
        foreach (var make in new Func<GradientTransform[]>[] { Shared, Fusable })
        {
            var shared = make();
            var a = new ChainOptimizer("a", n, 0.01, shared) { UseFusedKernel = fused };
            var b = new ChainOptimizer("b", n, 0.02, shared) { UseFusedKernel = fused };
            var (xa, xb) = Interleave(a, b, n);
            var alone = Interleave(new ChainOptimizer("a", n, 0.01, make()) { UseFusedKernel = fused },
                new ChainOptimizer("b", n, 0.02, make()) { UseFusedKernel = fused }, n);
            Assert.Equal(alone.Item1, xa);
            Assert.Equal(alone.Item2, xb);
        }
    }

    [Fact]
    public void One_settings_instance_serves_two_optimizers()
    {
        var settings = new AdamSettings { LearningRate = 0.05, AmsGrad = true };
        var (xa, xb) = Interleave(Optimizers.Create("amsgrad", 9, settings), Optimizers.Create("amsgrad", 9, settings), 9);
        var alone = Interleave(Optimizers.Create("amsgrad", 9, settings with { }), Optimizers.Create("amsgrad", 9, settings with { }), 9);
        Assert.Equal(alone.Item1, xa);
        Assert.Equal(alone.Item2, xb);
    }

    [Theory]
    [InlineData("nadam")]
    [InlineData("amsgrad")]
    [InlineData("rmsprop-centred")]
    public void State_is_named_and_first_format_checkpoints_still_load(string name)
    {
        const int n = 13;
        var original = (ChainOptimizer)Optimizers.Create(name, n);
        var x = new double[n];
        for (int t = 1; t <= 3; t++) original.Step(x, Gradient(n, t, 1));
        Assert.All(original.State.VectorNames, v => Assert.Contains('.', v));

        // The first format ("OPTM"): the same fields, buffers and scalars by position without names.
        var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, true))
        {
            w.Write(0x4F50544D);
            w.Write(original.Name);
            w.Write(n);
            w.Write(original.StepCount);
            w.Write(original.LearningRate);
            w.Write(original.State.VectorCount);
            for (int k = 0; k < original.State.VectorCount; k++) foreach (double v in original.State.Vector<double>(k)) w.Write(v);
            w.Write(original.State.ScalarValues.Length);
            foreach (double s in original.State.ScalarValues) w.Write(s);
        }
        var current = new MemoryStream();
        using (var w = new BinaryWriter(current, System.Text.Encoding.UTF8, true)) original.SaveState(w);
        foreach (var stream in new[] { ms, current })
        {
            stream.Position = 0;
            var resumed = Optimizers.Create(name, n);
            resumed.LoadState(new BinaryReader(stream));
            var (x1, x2) = ((double[])x.Clone(), (double[])x.Clone());
            var copy = Optimizers.Create(name, n);
            current.Position = 0;
            copy.LoadState(new BinaryReader(current));
            for (int t = 4; t <= 6; t++)
            {
                original.Step(x1, Gradient(n, t, 1));
                resumed.Step(x2, Gradient(n, t, 1));
            }
            Assert.Equal(x1, x2);
            // Put the original back to step 3 for the next stream.
            original = (ChainOptimizer)copy;
        }
    }

    [Fact]
    public void Settings_by_name_refuse_options_of_other_optimizers()
    {
        var e = Assert.Throws<ArgumentException>(() => Optimizers.Settings("sgd", [("beta1", 0.5)]));
        Assert.Contains("does not apply to sgd", e.Message);
        Assert.Contains("adam", e.Message);
        var adam = Assert.IsType<AdamSettings>(Optimizers.Settings("adamw", [("beta1", 0.5), ("lr", 0.1)]));
        Assert.Equal((0.5, 0.1, 1e-2, true), (adam.Beta1, adam.LearningRate, adam.WeightDecay, adam.DecoupledWeightDecay));
        Assert.Throws<ArgumentException>(() => Optimizers.Create("adam", 3, new SgdSettings()));
    }
}
