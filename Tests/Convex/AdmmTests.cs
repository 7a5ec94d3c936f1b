using FsCheck;
using FsCheck.Fluent;
using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;
using Optima.Solvers.Convex;
using Xunit;
using static Optima.Tests.Convex.ConvexTestData;

namespace Optima.Tests.Convex;

public sealed class AdmmTests
{
    private static Arbitrary<int> Seeds => Gen.Choose(0, 1_000_000).ToArbitrary();
    private static readonly AdmmOptions Tight = new() { AbsoluteTolerance = 1e-10, RelativeTolerance = 1e-10, MaxIterations = 50_000 };

    [Fact]
    public void Lasso_MatchesCoordinateDescent_TallAndWide_Property()
    {
        Prop.ForAll(Seeds, seed =>
        {
            var rng = new Random(seed);
            int n = rng.Next(2, 16);
            int m = rng.Next(0, 2) == 0 ? n + rng.Next(1, 20) : Math.Max(1, n - rng.Next(1, n)); // tall or wide (inversion lemma)
            var a = Gaussian(rng, m, n);
            var b = Vector(rng, m, 3.0);
            var aTb = new double[n];
            a.TransposeMultiply(b, aTb);
            double lambda = (0.05 + 0.5 * rng.NextDouble()) * aTb.Max(Math.Abs); // below λ_max, so x ≠ 0
            var result = Admm.Lasso(a, b, lambda, Tight);
            var reference = CoordinateDescent(a, b, lambda, 0);
            return result.IsConverged && MaxAbsDiff(result.X, reference) <= 1e-6;
        }).Check(TestSupport.Quick(40));
    }

    [Fact]
    public void ElasticNet_MatchesCoordinateDescent_Property()
    {
        Prop.ForAll(Seeds, seed =>
        {
            var rng = new Random(seed);
            int n = rng.Next(2, 16), m = rng.Next(1, 30);
            var a = Gaussian(rng, m, n);
            var b = Vector(rng, m, 3.0);
            double l1 = 2 * rng.NextDouble(), l2 = 2 * rng.NextDouble();
            var result = Admm.ElasticNet(a, b, l1, l2, Tight);
            return result.IsConverged && MaxAbsDiff(result.X, CoordinateDescent(a, b, l1, l2)) <= 1e-6;
        }).Check(TestSupport.Quick(40));
    }

    private static (DenseMatrix A, double[] B) SklearnData()
    {
        // The closed-form data of Benchmarks/Convex/lasso_reference.py.
        const int m = 40, n = 12;
        var a = new DenseMatrix(m, n);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) a[i, j] = Math.Sin(1.3 * i + 0.7 * j * j + 0.1) + 0.5 * Math.Cos(0.37 * i * j);
        var w = new double[n];
        w[0] = 3; w[1] = -2; w[4] = 1.5;
        var b = new double[m];
        a.Multiply(w, b);
        for (int i = 0; i < m; i++) b[i] += 0.1 * Math.Sin(5 * i);
        return (a, b);
    }

    [Fact]
    public void Lasso_And_ElasticNet_Match_ScikitLearn()
    {
        // Reference: `/usr/bin/python3 Benchmarks/Convex/lasso_reference.py` (scikit-learn 1.2.1, coordinate descent,
        // tol=1e-15): Lasso(alpha=0.05) and ElasticNet(alpha=0.05, l1_ratio=0.5), fit_intercept=False, m = 40.
        double[] lasso = [2.7788057114306763, -1.8216567576688398, 0, 0, 1.4700684780525322, 0, 0, 0, 0, 0, 0, 0];
        double[] enet = [2.634141915153283, -1.6209205545810577, -0.02046249666136801, 0.0, 1.3913155797938772, 0.13520870181475061,
            0.0, 0, -0.04264123468424812, 0.0, -0.03902200070733774, 0];
        var (a, b) = SklearnData();
        var l = Admm.Lasso(a, b, 40 * 0.05, Tight);
        Assert.True(l.IsConverged, l.ToString());
        Assert.True(MaxAbsDiff(l.X, lasso) <= 1e-6, $"lasso differs by {MaxAbsDiff(l.X, lasso):G3}");
        for (int j = 0; j < lasso.Length; j++) if (lasso[j] == 0) Assert.Equal(0.0, l.X[j]); // exact zeros from the prox
        var e = Admm.ElasticNet(a, b, 1.0, 1.0, Tight);
        Assert.True(e.IsConverged, e.ToString());
        Assert.True(MaxAbsDiff(e.X, enet) <= 1e-6, $"elastic net differs by {MaxAbsDiff(e.X, enet):G3}");
    }

    [Fact]
    public void FixedRho_FactorsOnce_AdaptiveRho_RefactorsPerChange()
    {
        var rng = new Random(5);
        foreach (var (m, n) in new[] { (30, 10), (8, 25) })
        {
            var a = Gaussian(rng, m, n);
            var b = Vector(rng, m);
            var fixedRho = Admm.Lasso(a, b, 0.5, Tight with { AdaptiveRho = false });
            Assert.Equal(1, fixedRho.Factorizations);
            var adaptive = Admm.Lasso(a, b, 0.5, Tight with { Rho = 1e-3 });
            Assert.True(adaptive.IsConverged, adaptive.ToString());
            Assert.True(adaptive.Factorizations > 1 && adaptive.Factorizations <= 1 + Tight.MaxRhoUpdates, adaptive.Factorizations.ToString());
            Assert.True(MaxAbsDiff(adaptive.X, fixedRho.X) <= 1e-6);
        }
    }

    [Fact]
    public void Consensus_LeastSquares_EqualsCentralized_AndIgnoresThreadCount()
    {
        var rng = new Random(11);
        int n = 6, blocks = 5;
        var parts = new List<(DenseMatrix A, double[] B)>();
        for (int i = 0; i < blocks; i++) parts.Add((Gaussian(rng, 4 + i, n), Vector(rng, 4 + i)));
        const double ridge = 0.3;
        // Centralized: (Σ AᵢᵀAᵢ + ridge·I) x = Σ Aᵢᵀbᵢ.
        var normal = new DenseMatrix(n, n);
        var rhs = new double[n];
        foreach (var (a, b) in parts)
        {
            DenseBlas.Gemm(1, a, true, a, false, 1, normal);
            var atb = new double[n];
            a.TransposeMultiply(b, atb);
            for (int j = 0; j < n; j++) rhs[j] += atb[j];
        }
        for (int j = 0; j < n; j++) normal[j, j] += ridge;
        var central = CholeskyFactorization.Factorize(normal).Solve(rhs);

        ConvexResult Run(int threads) => Admm.Consensus(parts.Select(p => (ConsensusBlock)new LeastSquaresBlock(p.A, p.B)).ToList(),
            new SquaredL2(ridge), Tight with { Compute = new ComputeOptions { Threads = threads } });
        var one = Run(1);
        var two = Run(2);
        Assert.True(one.IsConverged, one.ToString());
        Assert.True(MaxAbsDiff(one.X, central) <= 1e-7, $"differs by {MaxAbsDiff(one.X, central):G3}");
        Assert.Equal(one.X, two.X); // to the bit
        Assert.Equal(one.Iterations, two.Iterations);
    }

    [Fact]
    public void Consensus_Logistic_EqualsCentralizedNewton()
    {
        var rng = new Random(3);
        int n = 4, blocks = 4;
        var truth = Vector(rng, n);
        var parts = new List<(DenseMatrix A, double[] Y)>();
        for (int k = 0; k < blocks; k++)
        {
            var a = Gaussian(rng, 25, n);
            var y = new double[25];
            for (int i = 0; i < 25; i++)
            {
                double margin = 0;
                for (int j = 0; j < n; j++) margin += a[i, j] * truth[j];
                y[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-margin)) ? 1 : -1;
            }
            parts.Add((a, y));
        }
        const double ridge = 0.5;
        var result = Admm.Consensus(parts.Select(p => (ConsensusBlock)new LogisticBlock(p.A, p.Y)).ToList(), new SquaredL2(ridge), Tight);
        Assert.True(result.IsConverged, result.ToString());

        // Centralized Newton on Σ log(1 + exp(−y aᵀx)) + ridge/2‖x‖².
        var x = new double[n];
        for (int iteration = 0; iteration < 50; iteration++)
        {
            var g = new double[n];
            var h = new DenseMatrix(n, n);
            for (int j = 0; j < n; j++) { g[j] = ridge * x[j]; h[j, j] = ridge; }
            foreach (var (a, y) in parts)
                for (int i = 0; i < a.Rows; i++)
                {
                    double margin = 0;
                    for (int j = 0; j < n; j++) margin += a[i, j] * x[j];
                    double p = 1 / (1 + Math.Exp(y[i] * margin));
                    for (int j = 0; j < n; j++)
                    {
                        g[j] -= y[i] * p * a[i, j];
                        for (int c = 0; c < n; c++) h[j, c] += p * (1 - p) * a[i, j] * a[i, c];
                    }
                }
            var step = CholeskyFactorization.Factorize(h).Solve(g);
            for (int j = 0; j < n; j++) x[j] -= step[j];
        }
        Assert.True(MaxAbsDiff(result.X, x) <= 1e-6, $"differs by {MaxAbsDiff(result.X, x):G3}");
    }

    [Fact]
    public void Limits_Cancellation_History_And_NonFinite()
    {
        var rng = new Random(2);
        var a = Gaussian(rng, 20, 8);
        var b = Vector(rng, 20);
        var limited = Admm.Lasso(a, b, 0.5, Tight with { MaxIterations = 3, RecordHistory = true });
        Assert.Equal(TerminationReason.MaxIterations, limited.Reason);
        Assert.Equal(3, limited.Iterations);
        Assert.Equal(3, limited.History!.Count);
        Assert.True(limited.IsUsable && !limited.IsConverged);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var cancelled = Admm.Lasso(a, b, 0.5, Tight with { CancellationToken = cts.Token });
        Assert.Equal(TerminationReason.Cancelled, cancelled.Reason);
        Assert.Equal(0, cancelled.Iterations);
        var converged = Admm.Lasso(a, b, 0.5, AdmmOptions.Default with { RecordHistory = true });
        Assert.Equal(TerminationReason.MethodTolerance, converged.Reason);
        Assert.Equal(converged.Iterations, converged.History!.Count);
        Assert.True(converged.PrimalResidual <= converged.PrimalTolerance && converged.DualResidual <= converged.DualTolerance);
        // A regularizer whose prox returns NaN: reported as data, with the last finite iterate.
        var bad = Admm.LeastSquares(a, b, new NaNProx(), Tight);
        Assert.Equal(TerminationReason.NonFiniteValue, bad.Reason);
        Assert.All(bad.X, v => Assert.True(double.IsFinite(v)));
    }

    private sealed class NaNProx : IProximalOperator
    {
        public void Prox(ReadOnlySpan<double> v, double t, Span<double> result) => result.Fill(double.NaN);
        public double Value(ReadOnlySpan<double> x) => 0;
    }

    [Fact]
    public void BadInput_IsRejectedWithTheCause()
    {
        var a = new DenseMatrix(3, 2);
        Assert.Contains("b has 2 entries", Assert.Throws<ArgumentException>(() => Admm.Lasso(a, [1, 2], 1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Admm.Lasso(a, [1, 2, 3], -1));
        Assert.Contains("Rho", Assert.Throws<ArgumentOutOfRangeException>(() => Admm.Lasso(a, [1, 2, 3], 1, new AdmmOptions { Rho = 0 })).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Admm.Lasso(a, [1, 2, 3], 1, new AdmmOptions { Rho = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Admm.Lasso(a, [1, 2, 3], 1, new AdmmOptions { Relaxation = 2 }));
        Assert.Throws<ArgumentException>(() => Admm.Lasso(a, [1, double.NaN, 3], 1));
        Assert.Throws<ArgumentException>(() => Admm.Consensus([]));
        var block = new LeastSquaresBlock(a, [1, 2, 3]);
        Assert.Contains("same instance", Assert.Throws<ArgumentException>(() => Admm.Consensus([block, block])).Message);
        Assert.Contains("dimension", Assert.Throws<ArgumentException>(() => Admm.Consensus([block, new LeastSquaresBlock(new DenseMatrix(2, 3), [1, 2])])).Message);
        Assert.Contains("labels", Assert.Throws<ArgumentException>(() => new LogisticBlock(a, [1, 0, -1])).Message);
    }
}
