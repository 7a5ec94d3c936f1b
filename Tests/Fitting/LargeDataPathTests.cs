using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;
using Optima.Problems;
using Optima.Problems.Data;
using Optima.Problems.Expressions;
using Optima.Solvers;
using Optima.Solvers.Fitting;
using Optima.Solvers.LeastSquares;
using Xunit;

namespace Optima.Tests.Fitting;

/// <summary>
/// The large-data paths of the fit (from <c>FitProblem.LargeRows</c> points): batched expression evaluation, the
/// streamed QR, statistics from the solver's last Jacobian — each against the per-point / direct path.
/// </summary>
public class LargeDataPathTests
{
    private static double[] Grid(int m, double lo, double hi) => [.. Enumerable.Range(0, m).Select(i => lo + (hi - lo) * i / (m - 1))];

    public static TheoryData<string, string, double, double> Models => new()
    {
        { "a1*exp(-k1*x) + a2*exp(-k2*x) + c", "a1=3,k1=1.3,a2=1.5,k2=0.2,c=0.5", 0, 10 },
        { "b1*(1-exp(-b2*x))", "b1=500,b2=1e-4", 0, 800 },
        { "b1 / (1 + exp(b2 - b3*x))", "b1=700,b2=5,b3=0.75", -2, 12 },
        { "(b1 + b2*x + b3*x^2 + b4*x^3) / (1 + b5*x + b6*x^2 + b7*x^3)", "b1=1288,b2=1491,b3=583,b4=75,b5=0.97,b6=0.4,b7=0.05", -3, 2 },
        { "b1*cos(2*pi*x/12) + b2*sin(2*pi*x/b3) - atan(b4/(x-b5))/pi + sqrt(abs(x))*b6 + log(x+20)^b7", "b1=10,b2=-3,b3=26,b4=2,b5=-40,b6=0.1,b7=1.5", 1, 160 },
        { "-b1*x*b2^2 / (x + b3) - b4 + b5^x", "b1=2,b2=0.5,b3=3,b4=1,b5=1.01", 0.5, 30 },
    };

    private static (CompiledExpression Compiled, double[] P) Compile(string model, string values)
    {
        var expression = Expression.Parse(model);
        var names = expression.Identifiers.Where(n => n != "x").ToArray();
        var given = values.Split(',').Select(s => s.Split('=')).ToDictionary(a => a[0], a => double.Parse(a[1], System.Globalization.CultureInfo.InvariantCulture));
        return (expression.Compile(["x"], names), [.. names.Select(n => given[n])]);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Batched_values_and_jacobian_equal_the_per_point_delegate(string model, string values, double lo, double hi)
    {
        var (compiled, p) = Compile(model, values);
        int m = 3 * BatchBlock + 17, np = p.Length;
        var x = Grid(m, lo, hi);
        var f = new double[m];
        var fOnly = new double[m];
        var j = new double[m * np];
        compiled.EvaluateBatch(x, p, f, j);
        compiled.EvaluateBatch(x, p, fOnly);
        var g = new double[np];
        for (int i = 0; i < m; i++)
        {
            double expected = compiled.Evaluate(x.AsSpan(i, 1), p, g);
            AssertClose(expected, f[i], $"f at x = {x[i]}");
            Assert.Equal(expected, f[i]);                      // the same operations: the same bits
            Assert.Equal(f[i], fOnly[i]);
            for (int k = 0; k < np; k++)
            {
                AssertClose(g[k], j[k * m + i], $"∂f/∂{compiled.Parameters[k]} at x = {x[i]}");
                Assert.Equal(g[k], j[k * m + i]);
            }
        }
    }

    [Fact]
    public void Batched_evaluation_of_several_variables_reads_point_major_rows()
    {
        var compiled = Expression.Parse("p1 + p2*u*exp(-p3*v) + p4/v").Compile(["u", "v"], ["p1", "p2", "p3", "p4"]);
        double[] p = [0.5, 2, 0.3, -1.5];
        int m = 1000;
        var rng = new Xoshiro256StarStar(5);
        var rows = new double[2 * m];
        for (int i = 0; i < rows.Length; i++) rows[i] = rng.NextDouble(0.5, 4);
        var f = new double[m];
        var j = new double[4 * m];
        compiled.EvaluateBatch(rows, p, f, j);
        var g = new double[4];
        for (int i = 0; i < m; i++)
        {
            AssertClose(compiled.Evaluate(rows.AsSpan(2 * i, 2), p, g), f[i], "f");
            for (int k = 0; k < 4; k++) AssertClose(g[k], j[k * m + i], "J");
        }
        // Scaled: (∂f/∂pₖ·wᵢ)·sₖ.
        var w = Enumerable.Range(0, m).Select(i => 1.0 / (1 + i % 7)).ToArray();
        double[] scales = [0.25, 3, 1, 1e-3];
        var js = new double[4 * m];
        var fs = new double[m];
        compiled.EvaluateBatch(rows, p, fs, js, w, scales);
        Assert.Equal(f, fs);
        for (int k = 0; k < 4; k++)
            for (int i = 0; i < m; i++) Assert.Equal(j[k * m + i] * w[i] * scales[k], js[k * m + i]);
        Assert.Throws<ArgumentException>(() => compiled.EvaluateBatch(rows, p, fs, js, w.AsSpan(1), scales));
        Assert.Throws<ArgumentException>(() => compiled.EvaluateBatch(rows.AsSpan(1), p, f));
        Assert.Throws<ArgumentException>(() => compiled.EvaluateBatch(rows, p, f, new double[3 * m]));
    }

    private const int BatchBlock = 256;

    /// <summary>Equal to 1e-14 relative to the value (or absolutely, for values below 1e-300).</summary>
    private static void AssertClose(double expected, double actual, string what)
    {
        if (double.IsNaN(expected)) { Assert.True(double.IsNaN(actual), what); return; }
        double scale = Math.Max(Math.Abs(expected), 1e-300);
        Assert.True(Math.Abs(actual - expected) <= 1e-14 * scale, $"{what}: batched {actual:R}, per point {expected:R}");
    }

    [Theory]
    [InlineData(5, 3, false)]
    [InlineData(300, 4, true)]
    [InlineData(70_000, 5, true)]
    [InlineData(140_001, 3, false)]
    public void Streamed_QR_triangle_has_the_Gram_matrix_and_diagonal_of_Householder_QR(int m, int n, bool extra)
    {
        var rng = new Xoshiro256StarStar((ulong)(m + n));
        var a = new DenseMatrix(m, n);
        for (int c = 0; c < n; c++)
            for (int i = 0; i < m; i++) a[i, c] = rng.NextGaussian() * (c + 1) + (c == 1 ? 3 * a[i, 0] : 0);
        var r = extra ? Enumerable.Range(0, m).Select(_ => rng.NextGaussian()).ToArray() : [];
        int q = n + (extra ? 1 : 0);
        var full = new DenseMatrix(m, q);
        for (int c = 0; c < n; c++) a.Column(c).CopyTo(full.Column(c));
        if (extra) r.CopyTo(full.Column(n));
        var t = new double[q * q];
        TallSkinnyQr.Factorize(a, r, t);
        var t2 = new double[q * q];
        TallSkinnyQr.Factorize(a, r, t2, threads: 0);
        Assert.Equal(t, t2);                                   // the same bits on any number of threads
        var reference = QrFactorization.Factorize(full).R();
        for (int c = 0; c < q; c++)
            for (int i = 0; i < q; i++)
            {
                if (i > c) { Assert.Equal(0.0, t[i + c * q]); continue; }
                // Rows of R are unique up to sign.
                double sign = Math.Sign(t[i + i * q]) * Math.Sign(reference[i, i]);
                Assert.True(Math.Abs(sign * t[i + c * q] - reference[i, c]) <= 1e-12 * Math.Abs(reference[c, c]) + 1e-12 * Math.Abs(reference[i, i]),
                    $"R[{i},{c}] streamed {t[i + c * q]:R}, Householder {reference[i, c]:R}");
            }
    }

    private static (double[] X, double[] Y) TwoExponentials(int m, ulong seed)
    {
        var rng = new Xoshiro256StarStar(seed);
        var x = Grid(m, 0, 10);
        var y = x.Select(t => 3 * Math.Exp(-1.3 * t) + 1.5 * Math.Exp(-0.2 * t) + 0.5 + 0.01 * rng.NextGaussian()).ToArray();
        return (x, y);
    }

    private static readonly double[] Start = [2.5, 1.0, 1.2, 0.25, 0.4];

    [Fact]
    public void A_large_expression_fit_matches_the_per_point_fit_and_an_independent_covariance()
    {
        var (x, y) = TwoExponentials(20_000, 11);
        var batched = CurveFit.Fit("a1*exp(-k1*x) + a2*exp(-k2*x) + c", x, y, Start);
        FitFunctionWithGradient hand = (xs, p, g) =>
        {
            double t = xs[0], e1 = Math.Exp(-p[1] * t), e2 = Math.Exp(-p[3] * t);
            g[0] = e1; g[1] = -p[0] * t * e1; g[2] = e2; g[3] = -p[2] * t * e2; g[4] = 1;
            return p[0] * e1 + p[2] * e2 + p[4];
        };
        var perPoint = CurveFit.Fit(hand, x, y, Start);
        Assert.True(batched.IsConverged && perPoint.IsConverged);
        Assert.True(x.Length >= 4096);
        for (int k = 0; k < 5; k++)
        {
            Assert.Equal(perPoint.Parameters[k], batched.Parameters[k], 1e-10 * Math.Abs(perPoint.Parameters[k]));
            Assert.Equal(perPoint.StandardErrors[k], batched.StandardErrors[k], 1e-8 * perPoint.StandardErrors[k]);
        }
        Assert.Equal(perPoint.ResidualSumOfSquares, batched.ResidualSumOfSquares, 1e-12 * perPoint.ResidualSumOfSquares);

        // Covariance from scratch: s²(JᵀJ)⁻¹ at the solution by MathNet's QR.
        int m = x.Length;
        var j = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(m, 5);
        var g = new double[5];
        for (int i = 0; i < m; i++)
        {
            hand(x.AsSpan(i, 1), batched.Parameters, g);
            for (int k = 0; k < 5; k++) j[i, k] = g[k];
        }
        var rInv = j.QR().R.SubMatrix(0, 5, 0, 5).Inverse();
        var cov = rInv * rInv.Transpose() * (batched.ResidualSumOfSquares / (m - 5));
        for (int a = 0; a < 5; a++)
            for (int b = 0; b < 5; b++)
                Assert.Equal(cov[a, b], batched.Covariance[a, b], 1e-8 * Math.Sqrt(cov[a, a] * cov[b, b]));
    }

    [Fact]
    public void Weighted_and_bounded_large_fits_match_their_small_path_statistics()
    {
        // The same fit with m ≥ LargeRows (statistics from the solver's Jacobian, column-scaled triangle) and the
        // covariance recomputed from scratch at its solution with the direct pivoted QR.
        var (x, y) = TwoExponentials(6000, 3);
        var sigma = x.Select(t => 0.01 * (1 + 0.1 * t)).ToArray();
        var options = new FitOptions
        {
            Sigma = sigma,
            Bounds = new Dictionary<string, ParameterBounds> { ["k1"] = new(0.5, 3), ["c"] = new(0, double.PositiveInfinity) },
        };
        var fit = CurveFit.Fit("a1*exp(-k1*x) + a2*exp(-k2*x) + c", x, y, Start, options);
        Assert.True(fit.IsConverged);
        Assert.DoesNotContain(true, fit.AtBound);
        var compiled = Expression.Parse("a1*exp(-k1*x) + a2*exp(-k2*x) + c").Compile(["x"], ["a1", "k1", "a2", "k2", "c"]);
        int m = x.Length;
        var jw = new DenseMatrix(m, 5);
        var g = new double[5];
        for (int i = 0; i < m; i++)
        {
            compiled.Evaluate(x.AsSpan(i, 1), fit.Parameters, g);
            for (int k = 0; k < 5; k++) jw[i, k] = g[k] / sigma[i];
        }
        var qr = PivotedQrFactorization.Factorize(jw);
        var r = qr.R();
        var perm = qr.Permutation.ToArray();
        var rm = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(5, 5, (i, c) => r[i, c]);
        var inv = rm.Inverse();
        var unpermuted = inv * inv.Transpose() * (fit.ResidualSumOfSquares / (m - 5));
        for (int a = 0; a < 5; a++)
            for (int b = 0; b < 5; b++)
            {
                double expected = unpermuted[a, b];
                double actual = fit.Covariance[perm[a], perm[b]];
                Assert.Equal(expected, actual, 1e-8 * Math.Sqrt(unpermuted[a, a] * unpermuted[b, b]));
            }
    }

    /// <summary>y = a·exp(−k·x) + c on many points, as a plain least-squares problem.</summary>
    private sealed class Decay(double[] x, double[] y) : Optima.Problems.ILeastSquaresProblem
    {
        public int Parameters => 3;
        public int Residuals => x.Length;
        public void Evaluate(ReadOnlySpan<double> p, Span<double> r, DenseMatrix? j)
        {
            for (int i = 0; i < x.Length; i++)
            {
                double e = Math.Exp(-p[1] * x[i]);
                r[i] = p[0] * e + p[2] - y[i];
                if (j is null) continue;
                j[i, 0] = e; j[i, 1] = -p[0] * x[i] * e; j[i, 2] = 1;
            }
        }
    }

    [Fact]
    public void LM_iterations_allocate_nothing_proportional_to_the_number_of_points()
    {
        int m = 200_000;
        var x = Grid(m, 0, 5);
        var y = x.Select(t => 2 * Math.Exp(-0.7 * t) + 0.3 + 1e-3 * Math.Sin(37 * t)).ToArray();
        var problem = new Decay(x, y);
        long Allocated(int iterations)
        {
            var options = new SolverOptions { MaxIterations = iterations, StepTolerance = 0, FunctionTolerance = 0 };
            new LevenbergMarquardt().Minimize(problem, [1, 1, 0], options);   // warm-up (JIT, pools)
            long before = GC.GetAllocatedBytesForCurrentThread();
            var result = new LevenbergMarquardt().Minimize(problem, [1, 1, 0], options);
            Assert.Equal(iterations, result.Iterations);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        long two = Allocated(2), five = Allocated(5);
        // Three more iterations, each touching m-vectors: far below one m-vector (1.6 MB) of extra allocation.
        Assert.True(five - two < 16 * 1024, $"2 iterations allocated {two} B, 5 iterations {five} B");
    }
}
