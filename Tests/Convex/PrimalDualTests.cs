using FsCheck;
using FsCheck.Fluent;
using Optima.LinearAlgebra;
using Optima.Solvers.Convex;
using Xunit;
using static Optima.Tests.Convex.ConvexTestData;

namespace Optima.Tests.Convex;

public sealed class PrimalDualTests
{
    private static Arbitrary<int> Seeds => Gen.Choose(0, 1_000_000).ToArbitrary();

    [Fact]
    public void Gradient2D_TransposeIsTheAdjoint_Property()
    {
        Prop.ForAll(Seeds, seed =>
        {
            var rng = new Random(seed);
            var k = new Gradient2D(rng.Next(1, 12), rng.Next(1, 12));
            var u = Vector(rng, k.Columns);
            var p = Vector(rng, k.Rows);
            var ku = new double[k.Rows];
            var ktp = new double[k.Columns];
            k.Apply(u, ku);
            k.ApplyTranspose(p, ktp);
            double lhs = ku.Zip(p, (a, b) => a * b).Sum(), rhs = u.Zip(ktp, (a, b) => a * b).Sum();
            return Math.Abs(lhs - rhs) <= 1e-12 * (1 + Math.Abs(lhs));
        }).Check(TestSupport.Quick(50));
    }

    [Fact]
    public void OperatorNorm_ByPowerIteration()
    {
        var d = new DenseMatrix(3, 3);
        d[0, 0] = 1; d[1, 1] = -4; d[2, 2] = 2;
        Assert.Equal(4.0, PrimalDual.OperatorNorm(new MatrixOperator(d)), 6);
        double g = PrimalDual.OperatorNorm(new Gradient2D(30, 30));
        Assert.InRange(g, 2.7, Math.Sqrt(8)); // ‖∇‖² → 8 as the image grows
        Assert.Equal(4.0, PrimalDual.OperatorNorm(new MatrixOperator(CsrMatrix.FromDense(d))), 6);
    }

    private static double[] NoisySquare(int w, int h, int seed)
    {
        var rng = new Random(seed);
        var f = new double[w * h];
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
                f[r * w + c] = (r >= h / 4 && r < 3 * h / 4 && c >= w / 4 && c < 3 * w / 4 ? 1.0 : 0.0) + 0.1 * Normal(rng);
        return f;
    }

    [Fact]
    public void TvDenoising_GapGoesToZero_AndMatchesALongRunReference()
    {
        const int w = 24, h = 20;
        const double lambda = 8;
        var f = NoisySquare(w, h, 7);
        var result = TotalVariation.Denoise(f, w, h, lambda, new PdhgOptions { GapTolerance = 1e-7, RecordHistory = true, MaxIterations = 50_000 });
        Assert.True(result.IsConverged, result.ToString());
        Assert.True(result.DualityGap >= 0 && result.DualityGap <= 1e-7 * Math.Max(1, result.Objective), result.ToString());
        // The gap the loop saw fell by orders of magnitude from the start (the history keeps the primal value; the gap is
        // checked against the first evaluation).
        var first = TotalVariation.Denoise(f, w, h, lambda, new PdhgOptions { MaxIterations = 10 });
        Assert.True(first.DualityGap > 1e3 * result.DualityGap, $"{first.DualityGap} vs {result.DualityGap}");
        var reference = TotalVariation.Denoise(f, w, h, lambda, new PdhgOptions
        {
            GapTolerance = 1e-12, AbsoluteTolerance = 1e-12, RelativeTolerance = 1e-12, MaxIterations = 200_000,
        });
        // P is λ-strongly convex, so ‖u − u*‖₂ ≤ √(2·gap/λ) for each run.
        double bound = Math.Sqrt(2 * result.DualityGap / lambda) + Math.Sqrt(2 * reference.DualityGap / lambda);
        double distance = Math.Sqrt(result.X.Zip(reference.X, (a, b) => (a - b) * (a - b)).Sum());
        Assert.True(distance <= bound, $"‖u − u_ref‖ = {distance:G3} > {bound:G3}");
        Assert.True(Math.Abs(result.Objective - reference.Objective) <= 1e-6 * reference.Objective);
        // The plain method (fixed steps, θ = 1) converges too, more slowly (O(1/N) against the accelerated O(1/N²)).
        var plain = TotalVariation.Denoise(f, w, h, lambda, new PdhgOptions { StrongConvexity = 0, GapTolerance = 1e-5, MaxIterations = 50_000 });
        Assert.True(plain.IsConverged, plain.ToString());
        Assert.True(plain.Iterations > result.Iterations / 4, $"plain {plain.Iterations}, accelerated {result.Iterations}");
        Assert.True(Math.Sqrt(plain.X.Zip(reference.X, (a, b) => (a - b) * (a - b)).Sum()) <= Math.Sqrt(2 * plain.DualityGap / lambda) + Math.Sqrt(2 * reference.DualityGap / lambda));
        // Denoising: the result is closer to the clean square than the data were, and flat inside.
        Assert.True(TotalVariation.Objective(result.X, w, h, f, lambda) < TotalVariation.Objective(f, w, h, f, lambda));
    }

    [Fact]
    public void LinearProgram_ReachesTheKnownOptimum()
    {
        // Hillier & Lieberman's Wyndor Glass LP: max 3x₁ + 5x₂ s.t. x₁ ≤ 4, 2x₂ ≤ 12, 3x₁ + 2x₂ ≤ 18, x ≥ 0, with slacks:
        // optimum x = (2, 6), slacks (2, 0, 0), value 36; shadow prices (0, 3/2, 1).
        var a = DenseMatrix.FromRows(new double[,] { { 1, 0, 1, 0, 0 }, { 0, 2, 0, 1, 0 }, { 3, 2, 0, 0, 1 } });
        var result = LinearProgram.Solve(a, [4, 12, 18], [-3, -5, 0, 0, 0], new PdhgOptions { AbsoluteTolerance = 1e-9, RelativeTolerance = 1e-9, GapTolerance = 1e-9, MaxIterations = 100_000 });
        Assert.True(result.IsConverged, result.ToString());
        Assert.True(MaxAbsDiff(result.X, [2, 6, 2, 0, 0]) <= 1e-6, string.Join(", ", result.X));
        Assert.Equal(-36, result.Objective, 6);
        Assert.True(MaxAbsDiff(result.Dual, [0, -1.5, -1]) <= 1e-6, string.Join(", ", result.Dual!));
    }

    [Fact]
    public void Limits_AndBadInput()
    {
        var f = NoisySquare(8, 8, 1);
        var limited = TotalVariation.Denoise(f, 8, 8, 5, new PdhgOptions { MaxIterations = 7, RecordHistory = true });
        Assert.Equal(TerminationReason.MaxIterations, limited.Reason);
        Assert.Equal(7, limited.History!.Count);
        Assert.True(double.IsFinite(limited.DualityGap));
        Assert.Throws<ArgumentException>(() => TotalVariation.Denoise(f, 8, 7, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => TotalVariation.Denoise(f, 8, 8, 0));
        Assert.Contains("Tau", Assert.Throws<ArgumentException>(() => TotalVariation.Denoise(f, 8, 8, 5, new PdhgOptions { Tau = 0.1 })).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => TotalVariation.Denoise(f, 8, 8, 5, new PdhgOptions { Theta = 1.5 }));
        Assert.Throws<ArgumentException>(() => LinearProgram.Solve(new DenseMatrix(2, 3), [1, 2], [1, 2]));
        // Steps far beyond τσ‖K‖² < 1 make the iteration blow up: reported as data.
        var blown = TotalVariation.Denoise(f, 8, 8, 5, new PdhgOptions { Tau = 1e3, Sigma = 1e3, Theta = 1, MaxIterations = 5000 });
        Assert.False(blown.IsConverged);
    }
}
