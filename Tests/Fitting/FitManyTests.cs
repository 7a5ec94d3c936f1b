using System.Numerics;
using Optima.Problems.Data;
using Optima.Solvers.Fitting;
using Xunit;

namespace Optima.Tests.Fitting;

internal readonly struct GaussianPeak : IScalarFitModel
{
    public T Evaluate<T>(T x, ReadOnlySpan<T> p) where T : IFloatingPointIeee754<T>
    {
        T z = (x - p[1]) / p[2];
        return p[0] * T.Exp(-z * z / (T.One + T.One)) + p[3];
    }
}

public class FitManyTests
{
    private static (double[][] X, double[][] Y, double[][] Truth) Peaks(int count, ulong seed)
    {
        var rng = new Xoshiro256StarStar(seed);
        var x = Enumerable.Range(0, 50).Select(i => i / 49.0 * 10 - 5).ToArray();
        var xs = new double[count][];
        var ys = new double[count][];
        var truth = new double[count][];
        for (int k = 0; k < count; k++)
        {
            double[] t = [rng.NextDouble(1, 3), rng.NextDouble(-1, 1), rng.NextDouble(0.5, 1.5), rng.NextDouble(-0.2, 0.2)];
            truth[k] = t;
            xs[k] = x;
            ys[k] = x.Select(v => t[0] * Math.Exp(-0.5 * ((v - t[1]) / t[2]) * ((v - t[1]) / t[2])) + t[3] + 0.01 * rng.NextGaussian()).ToArray();
        }
        return (xs, ys, truth);
    }

    [Fact]
    public void Parallel_fits_are_the_same_bits_as_one_by_one_fits()
    {
        var (x, y, truth) = Peaks(64, 1);
        double[][] start = [[2.0, 0.0, 1.0, 0.0]];
        var many = CurveFit.FitMany(new GaussianPeak(), x, y, start);
        var manyExpression = CurveFit.FitMany("a*exp(-((x-c)/s)^2/2) + b", x, y, start, parameters: ["a", "c", "s", "b"], options: new FitOptions { Compute = new() { Threads = 2 } });
        Assert.Equal(64, many.Length);
        for (int k = 0; k < 64; k += 7)
        {
            var one = CurveFit.Fit(new GaussianPeak(), x[k], y[k], start[0]);
            Assert.Equal(one.Parameters, many[k].Parameters);
            Assert.Equal(one.StandardErrors, many[k].StandardErrors);
        }
        for (int k = 0; k < 64; k++)
        {
            Assert.True(many[k].IsConverged, $"fit {k}: {many[k].Reason}");
            for (int j = 0; j < 4; j++)
            {
                Assert.True(Math.Abs(many[k].Parameters[j] - truth[k][j]) <= 6 * many[k].StandardErrors[j], $"fit {k}, parameter {j}");
                Assert.Equal(many[k].Parameters[j], manyExpression[k].Parameters[j], 1e-7 * Math.Max(1, Math.Abs(many[k].Parameters[j])));
            }
        }
    }

    [Fact]
    public void Bad_data_set_is_named_and_cancellation_is_data()
    {
        var (x, y, _) = Peaks(8, 2);
        y[5] = (double[])y[5].Clone();
        y[5][3] = double.NaN;
        var e = Assert.Throws<ArgumentException>(() => CurveFit.FitMany(new GaussianPeak(), x, y, [[2.0, 0.0, 1.0, 0.0]]));
        Assert.Contains("Data set 5", e.Message);
        Assert.Contains("point 4", e.Message);
        Assert.Throws<ArgumentException>(() => CurveFit.FitMany(new GaussianPeak(), x, y, [[2.0, 0.0, 1.0, 0.0], [1.0, 0, 1, 0]]));

        var (x2, y2, _) = Peaks(8, 3);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var cancelled = CurveFit.FitMany(new GaussianPeak(), x2, y2, [[2.0, 0.0, 1.0, 0.0]], options: new FitOptions { CancellationToken = cts.Token });
        Assert.All(cancelled, r => Assert.Equal(TerminationReason.Cancelled, r.Reason));
    }
}
