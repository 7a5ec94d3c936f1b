using FsCheck;
using FsCheck.Fluent;
using Optima.Solvers.Convex;
using Xunit;

namespace Optima.Tests.Convex;

public sealed class ProximalOperatorTests
{
    private static Arbitrary<int> Seeds => Gen.Choose(0, 1_000_000).ToArbitrary();

    private static double[] RandomVector(Random rng, int n, double scale = 3.0)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = scale * (2 * rng.NextDouble() - 1);
        return v;
    }

    private static IProximalOperator[] Operators(Random rng, int n)
    {
        var lo = RandomVector(rng, n, 1.0);
        var hi = new double[n];
        for (int i = 0; i < n; i++) hi[i] = lo[i] + rng.NextDouble();
        return
        [
            new L1Norm(0.1 + rng.NextDouble()),
            new ElasticNet(rng.NextDouble(), rng.NextDouble()),
            new SquaredL2(0.5 + rng.NextDouble(), RandomVector(rng, n)),
            new BoxProjection(lo, hi),
            NonnegativeOrthant.Instance,
            new L2Ball(0.5 + rng.NextDouble()),
            new SimplexProjection(0.5 + rng.NextDouble()),
        ];
    }

    private static double ProxObjective(IProximalOperator h, double[] x, double[] v, double t)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += (x[i] - v[i]) * (x[i] - v[i]);
        return h.Value(x) + s / (2 * t);
    }

    [Fact]
    public void Prox_MinimizesItsObjective_AgainstFeasibleCandidates_Property()
    {
        // prox(v) is the minimizer of h(x) + ‖x − v‖²/(2t): no candidate in h's domain (made by proxing other points,
        // and by mixing the answer with them, which stays in a convex domain) does better.
        Prop.ForAll(Seeds, seed =>
        {
            var rng = new Random(seed);
            int n = rng.Next(1, 9);
            double t = 0.1 + 2 * rng.NextDouble();
            foreach (var h in Operators(rng, n))
            {
                var v = RandomVector(rng, n);
                var p = new double[n];
                h.Prox(v, t, p);
                double best = ProxObjective(h, p, v, t);
                if (!double.IsFinite(best)) return false;
                for (int k = 0; k < 20; k++)
                {
                    var c = new double[n];
                    h.Prox(RandomVector(rng, n), 0.5, c);
                    double w = rng.NextDouble();
                    for (int i = 0; i < n; i++) c[i] = w * c[i] + (1 - w) * p[i];
                    double value = ProxObjective(h, c, v, t);
                    if (value < best - 1e-9 * (1 + Math.Abs(best))) return false;
                }
            }
            return true;
        }).Check(TestSupport.Quick(60));
    }

    [Fact]
    public void Prox_IsFirmlyNonexpansive_Property()
    {
        // ‖p(a) − p(b)‖² ≤ ⟨p(a) − p(b), a − b⟩ holds for the prox of every closed convex function.
        Prop.ForAll(Seeds, seed =>
        {
            var rng = new Random(seed);
            int n = rng.Next(1, 9);
            foreach (var h in Operators(rng, n))
            {
                var a = RandomVector(rng, n);
                var b = RandomVector(rng, n);
                var pa = new double[n];
                var pb = new double[n];
                h.Prox(a, 0.7, pa);
                h.Prox(b, 0.7, pb);
                double lhs = 0, rhs = 0;
                for (int i = 0; i < n; i++)
                {
                    lhs += (pa[i] - pb[i]) * (pa[i] - pb[i]);
                    rhs += (pa[i] - pb[i]) * (a[i] - b[i]);
                }
                if (lhs > rhs + 1e-12) return false;
            }
            return true;
        }).Check(TestSupport.Quick(60));
    }

    [Fact]
    public void KnownValues()
    {
        var r = new double[4];
        new L1Norm(1).Prox([3, -0.5, -2, 1], 0.5, r);
        Assert.Equal([2.5, 0, -1.5, 0.5], r);
        new ElasticNet(1, 1).Prox([3, -0.5, -2, 1], 1, r);
        Assert.Equal([1, 0, -0.5, 0], r);
        var s = new double[3];
        new SimplexProjection().Prox([0.5, 0.5, 0.5], 1, s);
        Assert.All(s, x => Assert.Equal(1.0 / 3, x, 15));
        new SimplexProjection().Prox([2, 0, -1], 1, s);
        Assert.Equal([1, 0, 0], s);
        var b = new double[2];
        new L2Ball(1).Prox([3, 4], 1, b);
        Assert.Equal(0.6, b[0], 15);
        Assert.Equal(0.8, b[1], 15);
        new SquaredL2(2, [1, 1]).Prox([0, 3], 0.5, b); // (v + tμc)/(1 + tμ)
        Assert.Equal([0.5, 2], b);
        // Moreau: the conjugate of λ‖·‖₁ is the indicator of the ∞-ball of radius λ, whose prox clamps.
        new ConjugateProx(new L1Norm(2)).Prox([3, -0.5, -5, 1], 0.3, r);
        Assert.Equal([2, -0.5, -2, 1], r.Select(x => Math.Round(x, 12)));
    }

    [Fact]
    public void BadInput_IsRejectedWithTheCause()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new L1Norm(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ElasticNet(1, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new L2Ball(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimplexProjection(-1));
        var e = Assert.Throws<ArgumentException>(() => new BoxProjection([0, 2], [1, 1]));
        Assert.Contains("Bound 1", e.Message);
        Assert.Throws<ArgumentException>(() => new BoxProjection([0], [1, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new L1Norm(1).Prox([1.0], 0, new double[1]));
        Assert.Throws<ArgumentException>(() => new L1Norm(1).Prox([1.0], 1, new double[2]));
    }
}
