using FsCheck;
using FsCheck.Fluent;
using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;
using Optima.Solvers.Convex;
using Xunit;
using static Optima.Tests.Convex.ConvexTestData;

namespace Optima.Tests.Convex;

public sealed class QpSolverTests
{
    private static Arbitrary<int> Seeds => Gen.Choose(0, 1_000_000).ToArbitrary();
    private static readonly QpOptions Tight = new() { AbsoluteTolerance = 1e-9, RelativeTolerance = 1e-9, MaxIterations = 20_000 };

    private static DenseMatrix RandomSpd(Random rng, int n, int rank, double shift)
    {
        var b = Gaussian(rng, rank, n);
        var p = new DenseMatrix(n, n);
        DenseBlas.Gemm(1, b, true, b, false, 0, p);
        for (int i = 0; i < n; i++) p[i, i] += shift;
        return p;
    }

    /// <summary>
    /// A QP with a known strictly complementary solution: x* and y* are drawn, rows are made active at their lower
    /// bound (y &lt; 0), their upper bound (y &gt; 0), equalities (any y), or inactive (y = 0, slack ≥ 0.1), and q = −Px* − Aᵀy*.
    /// </summary>
    private static (QuadraticProgram Qp, double[] X, int[] Active) KnownQp(Random rng, bool equalitiesOnly)
    {
        int n = rng.Next(2, 10), m = equalitiesOnly ? rng.Next(1, n) : rng.Next(1, 2 * n);
        var p = RandomSpd(rng, n, n, 0.1);
        var a = Gaussian(rng, m, n);
        var x = Vector(rng, n);
        var ax = new double[m];
        a.Multiply(x, ax);
        double[] l = new double[m], u = new double[m], y = new double[m];
        var active = new List<int>();
        int maxActive = n - 1; // keep the active rows independent (A is Gaussian, so fewer than n rows are)
        for (int i = 0; i < m; i++)
        {
            int kind = equalitiesOnly ? 0 : active.Count >= maxActive ? 3 : rng.Next(0, 4);
            double slack() => 0.1 + rng.NextDouble();
            switch (kind)
            {
                case 0: l[i] = u[i] = ax[i]; y[i] = Normal(rng); active.Add(i); break;
                case 1: l[i] = ax[i]; u[i] = rng.Next(0, 2) == 0 ? double.PositiveInfinity : ax[i] + slack(); y[i] = -(0.1 + rng.NextDouble()); active.Add(i); break;
                case 2: u[i] = ax[i]; l[i] = rng.Next(0, 2) == 0 ? double.NegativeInfinity : ax[i] - slack(); y[i] = 0.1 + rng.NextDouble(); active.Add(i); break;
                default: l[i] = rng.Next(0, 3) == 0 ? double.NegativeInfinity : ax[i] - slack(); u[i] = ax[i] + slack(); break;
            }
        }
        var px = new double[n];
        p.Multiply(x, px);
        var aty = new double[n];
        a.TransposeMultiply(y, aty);
        var q = new double[n];
        for (int j = 0; j < n; j++) q[j] = -px[j] - aty[j];
        return (new QuadraticProgram(p, q, a, l, u), x, active.ToArray());
    }

    /// <summary>The dense KKT solve [P, A_𝒜ᵀ; A_𝒜, 0]·[x; y_𝒜] = [−q; b_𝒜] of the active set (LU with pivoting).</summary>
    private static double[] ActiveSetKkt(QuadraticProgram qp, int[] active, double[] xStar)
    {
        int n = qp.Variables, k = active.Length;
        var kkt = new DenseMatrix(n + k, n + k);
        var rhs = new double[n + k];
        for (int r = 0; r < n; r++) { rhs[r] = -qp.Q[r]; for (int c = 0; c < n; c++) kkt[r, c] = qp.P[r, c]; }
        var ax = new double[qp.Constraints];
        qp.A.Multiply(xStar, ax);
        for (int t = 0; t < k; t++)
        {
            for (int c = 0; c < n; c++) kkt[n + t, c] = kkt[c, n + t] = qp.A[active[t], c];
            int i = active[t];
            rhs[n + t] = Math.Abs(qp.Lower[i] - ax[i]) <= Math.Abs(qp.Upper[i] - ax[i]) ? qp.Lower[i] : qp.Upper[i];
        }
        return LuFactorization.Factorize(kkt).Solve(rhs)[..n];
    }

    [Fact]
    public void FeasibleQps_MatchTheDenseKktSolveOfTheActiveSet_Property()
    {
        Prop.ForAll(Seeds, seed =>
        {
            var rng = new Random(seed);
            var (qp, xStar, active) = KnownQp(rng, equalitiesOnly: false);
            var reference = ActiveSetKkt(qp, active, xStar);
            var result = QpSolver.Solve(qp, Tight);
            return result.IsConverged && MaxAbsDiff(reference, xStar) <= 1e-8 && MaxAbsDiff(result.X, reference) <= 1e-6
                && Math.Abs(result.Objective - qp.Objective(reference)) <= 1e-6 * (1 + Math.Abs(result.Objective));
        }).Check(TestSupport.Quick(60));
    }

    [Fact]
    public void EqualityOnlyQps_MatchTheKktSolve_Property()
    {
        Prop.ForAll(Seeds, seed =>
        {
            var rng = new Random(seed);
            var (qp, xStar, active) = KnownQp(rng, equalitiesOnly: true);
            var result = QpSolver.Solve(qp, Tight);
            return result.IsConverged && MaxAbsDiff(result.X, ActiveSetKkt(qp, active, xStar)) <= 1e-6;
        }).Check(TestSupport.Quick(40));
    }

    [Fact]
    public void PrimalInfeasibleQps_ReturnACheckedCertificate_Property()
    {
        Prop.ForAll(Seeds, seed =>
        {
            var rng = new Random(seed);
            int n = rng.Next(2, 8), m = rng.Next(2, 8);
            var a0 = Gaussian(rng, m, n);
            // Add the row Σ cᵢaᵢ (cᵢ > 0) with a lower bound above Σ cᵢuᵢ: no x meets all rows.
            var a = new DenseMatrix(m + 1, n);
            double[] l = new double[m + 1], u = new double[m + 1];
            double cap = 0;
            for (int i = 0; i < m; i++)
            {
                double c = 0.5 + rng.NextDouble();
                for (int j = 0; j < n; j++) { a[i, j] = a0[i, j]; a[m, j] += c * a0[i, j]; }
                u[i] = Normal(rng);
                l[i] = rng.Next(0, 2) == 0 ? double.NegativeInfinity : u[i] - 1 - rng.NextDouble();
                cap += c * u[i];
            }
            l[m] = cap + 0.5 + rng.NextDouble();
            u[m] = double.PositiveInfinity;
            var qp = new QuadraticProgram(RandomSpd(rng, n, n, 0.1), Vector(rng, n), a, l, u);
            var result = QpSolver.Solve(qp, Tight);
            if (result.Reason != TerminationReason.Infeasible || result.IsConverged || result.IsUsable) return false;
            var dy = result.Certificate!;
            var atdy = new double[n];
            a.TransposeMultiply(dy, atdy);
            double support = 0;
            for (int i = 0; i <= m; i++)
                support += dy[i] > 0 ? u[i] * dy[i] : dy[i] < 0 ? l[i] * dy[i] : 0;
            return atdy.Max(Math.Abs) <= 1e-4 && support < 0 && Math.Abs(dy.Max(Math.Abs) - 1) < 1e-12;
        }).Check(TestSupport.Quick(40));
    }

    [Fact]
    public void DualInfeasibleQps_ReturnACheckedCertificate_Property()
    {
        Prop.ForAll(Seeds, seed =>
        {
            var rng = new Random(seed);
            int n = rng.Next(2, 8), m = rng.Next(1, 8);
            var d = Vector(rng, n);
            double dd = d.Sum(v => v * v);
            // P = (I − ddᵀ/‖d‖²)·BᵀB·(I − ddᵀ/‖d‖²) has d in its null space.
            var proj = DenseMatrix.Identity(n);
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) proj[i, j] -= d[i] * d[j] / dd;
            var bb = RandomSpd(rng, n, n, 0);
            var tmp = DenseBlas.Multiply(proj, bb);
            var p = DenseBlas.Multiply(tmp, proj);
            for (int i = 0; i < n; i++) for (int j = 0; j < i; j++) p[i, j] = p[j, i] = 0.5 * (p[i, j] + p[j, i]);
            var q = Vector(rng, n);
            double qd = q.Zip(d, (x, y) => x * y).Sum();
            for (int j = 0; j < n; j++) q[j] -= (qd + 1) / dd * d[j]; // qᵀd = −1
            // Rows open in the direction of d (so Ad lies in the recession cone); x = 0 is feasible.
            var a = Gaussian(rng, m, n);
            double[] l = new double[m], u = new double[m];
            var ad = new double[m];
            a.Multiply(d, ad);
            for (int i = 0; i < m; i++)
            {
                if (ad[i] >= 0) { l[i] = -1 - rng.NextDouble(); u[i] = double.PositiveInfinity; }
                else { l[i] = double.NegativeInfinity; u[i] = 1 + rng.NextDouble(); }
            }
            var qp = new QuadraticProgram(p, q, a, l, u);
            var result = QpSolver.Solve(qp, Tight);
            if (result.Reason != TerminationReason.Unbounded || result.IsUsable) return false;
            var dx = result.Certificate!;
            var pdx = new double[n];
            p.Multiply(dx, pdx);
            var adx = new double[m];
            a.Multiply(dx, adx);
            bool cone = true;
            for (int i = 0; i < m; i++)
            {
                if (!double.IsPositiveInfinity(u[i]) && adx[i] > 1e-4) cone = false;
                if (!double.IsNegativeInfinity(l[i]) && adx[i] < -1e-4) cone = false;
            }
            return pdx.Max(Math.Abs) <= 1e-4 && q.Zip(dx, (x, y) => x * y).Sum() < 0 && cone;
        }).Check(TestSupport.Quick(40));
    }

    [Fact]
    public void KnownSmallQp_PolishesToMachinePrecision_AndHonoursLimits()
    {
        // min ½(x² + y²) − x − y s.t. x + y = 1, 0 ≤ x ≤ 0.3 → x = 0.3, y = 0.7.
        var qp = new QuadraticProgram(DenseMatrix.Identity(2), [-1, -1], DenseMatrix.FromRows(new double[,] { { 1, 1 }, { 1, 0 } }), [1, 0], [1, 0.3]);
        var result = QpSolver.Solve(qp);
        Assert.True(result.IsConverged, result.ToString());
        Assert.True(result.Polished);
        Assert.Equal(0.3, result.X[0], 12);
        Assert.Equal(0.7, result.X[1], 12);
        Assert.True(result.Dual![1] > 0); // upper bound of row 1 active
        var unpolished = QpSolver.Solve(qp, new QpOptions { Polish = false });
        Assert.False(unpolished.Polished);
        Assert.Equal(0.3, unpolished.X[0], 5);
        var limited = QpSolver.Solve(qp, new QpOptions { MaxIterations = 2, RecordHistory = true });
        Assert.Equal(TerminationReason.MaxIterations, limited.Reason);
        Assert.Equal(2, limited.History!.Count);
        Assert.Equal(1, QpSolver.Solve(qp, new QpOptions { AdaptiveRho = false }).Factorizations);
    }

    [Fact]
    public void ThreadCount_DoesNotChangeTheBits()
    {
        var (qp, _, _) = KnownQp(new Random(99), false);
        var one = QpSolver.Solve(qp, Tight with { Compute = ComputeOptions.Sequential });
        var two = QpSolver.Solve(qp, Tight with { Compute = new ComputeOptions { Threads = 2 } });
        Assert.Equal(one.X, two.X);
        Assert.Equal(one.Iterations, two.Iterations);
    }

    [Fact]
    public void BadInput_AndNonconvexP()
    {
        var i2 = DenseMatrix.Identity(2);
        var a = DenseMatrix.FromRows(new double[,] { { 1, 1 } });
        Assert.Contains("l = 2 > u = 1", Assert.Throws<ArgumentException>(() => new QuadraticProgram(i2, [0, 0], a, [2], [1])).Message);
        Assert.Contains("P is", Assert.Throws<ArgumentException>(() => new QuadraticProgram(DenseMatrix.Identity(3), [0, 0], a, [0], [1])).Message);
        Assert.Contains("columns", Assert.Throws<ArgumentException>(() => new QuadraticProgram(i2, [0, 0], new DenseMatrix(1, 3), [0], [1])).Message);
        Assert.Contains("u has", Assert.Throws<ArgumentException>(() => new QuadraticProgram(i2, [0, 0], a, [0], [1, 2])).Message);
        Assert.Contains("symmetric", Assert.Throws<ArgumentException>(() => new QuadraticProgram(DenseMatrix.FromRows(new double[,] { { 1, 2 }, { 0, 1 } }), [0, 0], a, [0], [1])).Message);
        Assert.Throws<ArgumentException>(() => new QuadraticProgram(i2, [0, 0], a, [double.NaN], [1]));
        var ok = new QuadraticProgram(i2, [0, 0], a, [0], [1]);
        Assert.Contains("Rho", Assert.Throws<ArgumentOutOfRangeException>(() => QpSolver.Solve(ok, new QpOptions { Rho = 0 })).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => QpSolver.Solve(ok, new QpOptions { Sigma = -1 }));
        var nonconvex = new QuadraticProgram(DenseMatrix.FromRows(new double[,] { { -5, 0 }, { 0, 1 } }), [0, 0], a, [0], [1]);
        var failed = QpSolver.Solve(nonconvex);
        Assert.Equal(TerminationReason.NumericalFailure, failed.Reason);
        Assert.Contains("not positive semidefinite", failed.Message);
    }
}
