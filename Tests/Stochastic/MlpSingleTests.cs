using FsCheck;
using FsCheck.Fluent;
using Optima.Problems.Data;
using Optima.Problems.Models;
using Xunit;

namespace Optima.Tests.Stochastic;

/// <summary>The float32 MLP (SGEMM backprop) against the double one on the same parameters.</summary>
public class MlpSingleTests
{
    private static LabeledData RandomData(int samples, int features, int classes, Random rng)
    {
        var x = new double[samples * features];
        for (int i = 0; i < x.Length; i++) x[i] = 2 * rng.NextDouble() - 1;
        var y = new int[samples];
        for (int i = 0; i < samples; i++) y[i] = rng.Next(classes);
        return new LabeledData(x, features, y, classes);
    }

    [Fact]
    public void Float_batch_gradient_equals_the_double_gradient_to_float_precision()
    {
        Prop.ForAll(Gen.Choose(0, 1_000_000).ToArbitrary(), seed =>
        {
            var rng = new Random(seed);
            int features = rng.Next(1, 41), classes = rng.Next(2, 13), samples = rng.Next(1, 320);
            int[] hidden = Enumerable.Range(0, rng.Next(0, 3)).Select(_ => rng.Next(1, 41)).ToArray();
            var data = RandomData(samples, features, classes, rng);
            var mlp = new Mlp(data, hidden, 1);
            var xf = mlp.InitialParametersSingle((ulong)seed);
            var xd = Array.ConvertAll(xf, v => (double)v); // the very same network in double
            // Batches with repeats, larger than the 256-sample chunk now and then.
            var batch = Enumerable.Range(0, rng.Next(1, 300)).Select(_ => rng.Next(samples)).ToArray();
            var gd = new double[mlp.Dimension];
            var gf = new float[mlp.Dimension];
            double vd = mlp.BatchValueAndGradient(xd, batch, gd);
            double vf = mlp.BatchValueAndGradient(xf, batch, gf);
            double scale = Math.Max(gd.Max(Math.Abs), 1e-3);
            double worst = 0;
            for (int k = 0; k < gd.Length; k++) worst = Math.Max(worst, Math.Abs(gf[k] - gd[k]) / scale);
            string why = $"features {features}, hidden [{string.Join(",", hidden)}], classes {classes}, batch {batch.Length}: " +
                         $"loss {vf} vs {vd}, worst gradient difference {worst:G3} of ‖g‖∞ = {scale:G3}";
            return (worst < 1e-4 && Math.Abs(vf - vd) <= 1e-5 * Math.Max(1, Math.Abs(vd))).Label(why);
        }).Check(TestSupport.Quick(60));
    }

    [Fact]
    public void Float_evaluation_agrees_with_double_and_float_calls_reuse_the_converted_features()
    {
        var rng = new Random(5);
        var train = RandomData(300, 20, 4, rng);
        var test = RandomData(500, 20, 4, rng);
        var mlp = new Mlp(train, [16], 1);
        var xf = mlp.InitialParametersSingle(7);
        var xd = Array.ConvertAll(xf, v => (double)v);
        var (ld, ad) = mlp.Evaluate(xd, test);
        var (lf, af) = mlp.Evaluate(xf, test);
        Assert.Equal(ld, lf, 5);
        Assert.True(Math.Abs(ad - af) <= 2.0 / test.Count, $"accuracy {af} vs {ad}");

        // After the first call (conversion, work buffers) a float step allocates nothing.
        var g = new float[mlp.Dimension];
        int[] batch = [1, 5, 9, 200, 299];
        mlp.BatchValueAndGradient(xf, batch, g);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 3; i++) mlp.BatchValueAndGradient(xf, batch, g);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Throws<ArgumentException>(() => mlp.BatchValueAndGradient(xf, batch, new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => mlp.BatchValueAndGradient(xf, [300], g));
    }
}
