using FsCheck;
using FsCheck.Fluent;
using Optima.Problems.Data;
using Optima.Solvers.Fitting;
using Xunit;

namespace Optima.Tests.Fitting;

public class GlobalFitTests
{
    private static Arbitrary<ulong> Seeds => Gen.Choose(0, int.MaxValue).Select(i => (ulong)i).ToArbitrary();

    /// <summary>S decay traces yₛ = aₛ·exp(−k·x) + cₛ with one shared rate k.</summary>
    private static (FitDataSet[] Sets, Dictionary<string, double> Truth) Traces(ulong seed, double noise, bool sigma = false)
    {
        var rng = new Xoshiro256StarStar(seed);
        int s = 2 + (int)(rng.NextDouble() * 4);
        double k = rng.NextDouble(0.3, 2);
        var truth = new Dictionary<string, double> { ["k"] = k };
        var sets = new FitDataSet[s];
        for (int j = 0; j < s; j++)
        {
            double a = rng.NextDouble(0.5, 5), c = rng.NextDouble(-1, 1);
            truth[$"a{j}"] = a;
            truth[$"c{j}"] = c;
            int m = 10 + (int)(rng.NextDouble() * 30);
            var x = Enumerable.Range(0, m).Select(i => 4.0 * i / (m - 1)).ToArray();
            var y = x.Select(v => a * Math.Exp(-k * v) + c + noise * rng.NextGaussian()).ToArray();
            sets[j] = new FitDataSet($"a{j}*exp(-k*x) + c{j}", x, y, sigma ? [.. x.Select(_ => noise * rng.NextDouble(0.5, 2))] : null);
        }
        return (sets, truth);
    }

    private static Dictionary<string, double> Near(Dictionary<string, double> truth) =>
        truth.ToDictionary(p => p.Key, p => p.Value * 1.2 + 0.1);

    [Fact]
    public void Noise_free_traces_give_the_shared_and_the_per_set_parameters()
    {
        Prop.ForAll(Seeds, seed =>
        {
            var (sets, truth) = Traces(seed, 0);
            var fit = CurveFit.FitGlobal(sets, Near(truth));
            Assert.True(fit.IsConverged, fit.FullReport());
            Assert.Equal(1 + 2 * sets.Length, fit.Parameters.Length);
            Assert.Equal(sets.Sum(s => s.Y.Length), fit.Points);
            foreach (var (name, value) in truth) Assert.Equal(value, fit[name], 1e-8 * Math.Max(1, Math.Abs(value)));
            // The result evaluates each data set's own model at (set, x).
            Assert.Equal(sets[1].Y[3], fit.Predict([1.0, sets[1].X[3]]), 1e-8);
        }).Check(TestSupport.Quick(20));
    }

    [Fact]
    public void Without_shared_parameters_a_global_fit_is_the_separate_fits_and_with_absolute_sigma_their_errors_too()
    {
        Prop.ForAll(Seeds, seed =>
        {
            var (sets, truth) = Traces(seed, 0.05, sigma: true);
            // Rename k per data set: nothing is shared any more.
            var separate = sets.Select((s, j) => s with { Model = s.Model.Replace("k", $"k{j}") }).ToArray();
            var start = Near(truth);
            double k0 = start["k"];
            start.Remove("k");
            for (int j = 0; j < sets.Length; j++) start[$"k{j}"] = k0;
            var options = new FitOptions { AbsoluteSigma = true };
            var global = CurveFit.FitGlobal(separate, start, options);
            Assert.True(global.IsConverged, global.FullReport());
            for (int j = 0; j < sets.Length; j++)
            {
                var s = separate[j];
                string[] names = [$"a{j}", $"k{j}", $"c{j}"];
                var one = CurveFit.Fit(s.Model, s.X, s.Y, names.ToDictionary(n => n, n => start[n]), options with { Sigma = s.Sigma });
                Assert.True(one.IsConverged, one.FullReport());
                foreach (var n in names)
                {
                    int g = global.IndexOf(n), o = one.IndexOf(n);
                    Assert.Equal(one.Parameters[o], global.Parameters[g], 1e-7 * one.StandardErrors[o]);
                    Assert.Equal(one.StandardErrors[o], global.StandardErrors[g], 1e-6 * one.StandardErrors[o]);
                }
            }
        }).Check(TestSupport.Quick(15));
    }

    [Fact]
    public void One_model_shared_by_every_data_set_is_the_fit_of_the_pooled_data()
    {
        var (sets, truth) = Traces(7, 0.05);
        var same = sets.Select(s => s with { Model = "a*exp(-k*x) + c" }).ToArray();
        var start = new Dictionary<string, double> { ["a"] = 2, ["k"] = 1, ["c"] = 0 };
        var global = CurveFit.FitGlobal(same, start);
        var pooled = CurveFit.Fit("a*exp(-k*x) + c", [.. sets.SelectMany(s => s.X)], [.. sets.SelectMany(s => s.Y)], start);
        Assert.True(global.IsConverged && pooled.IsConverged);
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(pooled.Parameters[k], global.Parameters[k], 1e-9 * Math.Max(1, Math.Abs(pooled.Parameters[k])));
            Assert.Equal(pooled.StandardErrors[k], global.StandardErrors[k], 1e-6 * pooled.StandardErrors[k]);
        }
        Assert.Equal(pooled.ResidualSumOfSquares, global.ResidualSumOfSquares, 1e-10 * pooled.ResidualSumOfSquares);
        Assert.Equal(string.Join(" | ", same.Select(_ => "a*exp(-k*x) + c")), global.Model);
    }

    [Fact]
    public void Bad_global_fits_name_the_data_set_or_parameter()
    {
        double[] x = [0, 1, 2, 3], y = [1, 2, 3, 4];
        var start = new Dictionary<string, double> { ["a"] = 1, ["b"] = 1 };
        ArgumentException Fails(IReadOnlyList<FitDataSet> sets, IReadOnlyDictionary<string, double>? s = null, FitOptions? o = null) =>
            Assert.ThrowsAny<ArgumentException>(() => CurveFit.FitGlobal(sets, s ?? start, o));
        Assert.Contains("at least one data set", Fails([]).Message);
        Assert.Contains("Data set 1 has 3 x values", Fails([new("a*x", x, y), new("b*x", [0, 1, 2], y)]).Message);
        Assert.Contains("Data set 1 has σ", Fails([new("a*x", x, y), new("b*x", x, y, [1, 1, 1, 1])]).Message);
        Assert.Contains("Data set 1:", Fails([new("a*x", x, y), new("b*", x, y)]).Message);
        Assert.Contains("No start value for b", Fails([new("a*x", x, y), new("b*x", x, y)], new Dictionary<string, double> { ["a"] = 1 }).Message);
        Assert.Contains("Unknown parameter 'q'", Fails([new("a*x + b", x, y)], new Dictionary<string, double> { ["a"] = 1, ["b"] = 1, ["q"] = 1 }).Message);
        Assert.Contains("per data set", Fails([new("a*x + b", x, y)], o: new FitOptions { Sigma = [1, 1, 1, 1] }).Message);
        Assert.Contains("reserved", Fails([new("a*dataset + b", x, y)]).Message);
    }
}
