using Optima.LinearAlgebra;
using Optima.Problems;
using Optima.Problems.Data;
using Optima.Solvers;
using Optima.Solvers.LeastSquares;
using Optima.Solvers.Stochastic;
using Xunit;

namespace Optima.Tests.Distributed;

/// <summary>Least squares over ranks (threads as ranks): the reduced [J r] triangle gives the single-process fit.</summary>
public class DistributedLeastSquaresTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>rᵢ = b₁·exp(−b₂·xᵢ) + b₃ − yᵢ over the points [start, start + count) of a fixed noisy data set.</summary>
    private sealed class Decay(double[] x, double[] y, int start, int count) : ILeastSquaresProblem
    {
        public int Parameters => 3;

        public int Residuals => count;

        public void Evaluate(ReadOnlySpan<double> b, Span<double> r, DenseMatrix? jacobian)
        {
            for (int i = 0; i < count; i++)
            {
                double xi = x[start + i], e = Math.Exp(-b[1] * xi);
                r[i] = b[0] * e + b[2] - y[start + i];
                if (jacobian is null) continue;
                jacobian[i, 0] = e;
                jacobian[i, 1] = -b[0] * xi * e;
                jacobian[i, 2] = 1;
            }
        }
    }

    private static (double[] X, double[] Y) Data(int m, ulong seed)
    {
        var rng = new Xoshiro256StarStar(seed);
        var x = new double[m];
        var y = new double[m];
        for (int i = 0; i < m; i++)
        {
            x[i] = 3.0 * i / m;
            y[i] = 2.5 * Math.Exp(-1.3 * x[i]) + 0.4 + 0.01 * rng.NextGaussian();
        }
        return (x, y);
    }

    private static readonly double[] Start = [1, 0.5, 0];

    [Theory]
    [InlineData(1, 6000, 1UL)]
    [InlineData(2, 6000, 2UL)]
    [InlineData(3, 6000, 3UL)]
    [InlineData(4, 200, 4UL)]
    public void A_fit_over_ranks_equals_the_single_process_fit_to_1e_10(int size, int m, ulong seed)
    {
        var (x, y) = Data(m, seed);
        var options = new SolverOptions { MaxIterations = 200 };
        var alone = new LevenbergMarquardt().Minimize(new Decay(x, y, 0, m), Start, options);
        Assert.True(alone.IsConverged, alone.Reason.ToString());

        var results = new LocalGroup(size).Run(ranks =>
        {
            var (start, count) = MinibatchTrainer.Shard(m, ranks.Rank, ranks.Size);
            var problem = new DistributedLeastSquares(new Decay(x, y, start, count), ranks);
            Assert.Equal(m, problem.TotalResiduals);
            return new LevenbergMarquardt().Minimize(problem, Start, options);
        });
        double worst = results.Max(r => Enumerable.Range(0, 3).Max(k => Math.Abs(r.Solution[k] - alone.Solution[k]) / Math.Abs(alone.Solution[k])));
        output.WriteLine($"{size} ranks, {m} points: largest relative difference from the single-process fit {worst:E2}, {results[0].Iterations} vs {alone.Iterations} iterations; b1 {results[0].Solution[0]:R} vs {alone.Solution[0]:R}, S {results[0].Value:R} vs {alone.Value:R}, {results[0].Reason}");
        foreach (var r in results)
        {
            Assert.True(r.IsConverged, r.Reason.ToString());
            Assert.Equal(results[0].Solution, r.Solution); // the same bits on every rank
            for (int k = 0; k < 3; k++)
                Assert.True(Math.Abs(r.Solution[k] - alone.Solution[k]) <= 1e-10 * Math.Abs(alone.Solution[k]), $"b{k + 1}: {r.Solution[k]:R} vs {alone.Solution[k]:R}");
            Assert.True(Math.Abs(r.Value - alone.Value) <= 1e-10 * alone.Value, $"cost {r.Value:R} vs {alone.Value:R}");
        }
    }

    [Fact]
    public void A_rank_without_residuals_takes_part_and_Gauss_Newton_works_on_the_reduced_problem_too()
    {
        var (x, y) = Data(3, 9); // four ranks, three points: rank 0 holds none
        var results = new LocalGroup(4).Run(ranks =>
        {
            var (start, count) = MinibatchTrainer.Shard(3, ranks.Rank, ranks.Size);
            return new GaussNewton().Minimize(new DistributedLeastSquares(new Decay(x, y, start, count), ranks), Start, new SolverOptions { MaxIterations = 100 });
        });
        Assert.All(results, r => Assert.Equal(results[0].Solution, r.Solution));
        Assert.True(results[0].IsUsable, results[0].Reason.ToString());
        Assert.True(results[0].Value < 1e-20, $"{results[0].Value}"); // three points, three parameters: an exact fit
    }

    [Fact]
    public void Ranks_that_disagree_on_the_parameters_are_refused()
    {
        var (x, y) = Data(10, 1);
        var errors = new LocalGroup(2).Run(ranks =>
        {
            ILeastSquaresProblem local = ranks.Rank == 0 ? new Decay(x, y, 0, 5) : new Wider();
            return Record.Exception(() => new DistributedLeastSquares(local, ranks));
        });
        Assert.All(errors, e => Assert.Contains("Every rank must share the same parameters", e?.Message));
    }

    private sealed class Wider : ILeastSquaresProblem
    {
        public int Parameters => 4;

        public int Residuals => 5;

        public void Evaluate(ReadOnlySpan<double> p, Span<double> r, DenseMatrix? jacobian) => throw new NotSupportedException();
    }
}
