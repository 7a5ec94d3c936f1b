using FsCheck;
using FsCheck.Fluent;
using Optima.Problems;
using Optima.Problems.Derivatives;
using Xunit;

namespace Optima.Tests.Problems;

public class FiniteSumTests
{
    /// <summary>Linear regression as a finite sum: fᵢ(w) = (aᵢ·w − bᵢ)².</summary>
    private static FiniteSum Regression(double[][] a, double[] b) => new(a[0].Length, a.Length, (i, w, g) =>
    {
        double r = -b[i];
        for (int k = 0; k < w.Length; k++) r += a[i][k] * w[k];
        for (int k = 0; k < w.Length; k++) g[k] = 2 * r * a[i][k];
        return r * r;
    });

    [Fact]
    public void Full_batch_equals_the_mean_and_batches_average_their_terms()
    {
        var gen = from n in Gen.Choose(1, 4)
                  from m in Gen.Choose(1, 12)
                  from rows in Gen.ArrayOf(Gen.ArrayOf(TestSupport.Uniform(-2, 2), n), m)
                  from b in Gen.ArrayOf(TestSupport.Uniform(-2, 2), m)
                  from w in Gen.ArrayOf(TestSupport.Uniform(-2, 2), n)
                  from batch in Gen.ArrayOf(Gen.Choose(0, m - 1), 3)
                  select (rows, b, w, batch);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var f = Regression(t.rows, t.b);
            var g = new double[t.w.Length];
            double full = f.ValueAndGradient(t.w, g);
            bool gradientOk = GradientCheck.Run(f, t.w).Passed;
            double batchValue = f.BatchValueAndGradient(t.w, t.batch, g);
            var one = new double[t.w.Length];
            double expected = t.batch.Average(i => f.BatchValueAndGradient(t.w, [i], one));
            return Math.Abs(full - f.Value(t.w)) <= 1e-12 * Math.Max(1, full)
                && Math.Abs(batchValue - expected) <= 1e-12 * Math.Max(1, expected) && gradientOk;
        }).Check(TestSupport.Quick());
    }

    [Fact]
    public void Bad_batches_are_rejected()
    {
        var f = Regression([[1.0], [2.0]], [1, 2]);
        var g = new double[1];
        Assert.Throws<ArgumentException>(() => f.BatchValueAndGradient([0.0], [], g));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => f.BatchValueAndGradient([0.0], [0, 2], g));
        Assert.Contains("[0, 2)", e.Message);
    }
}
