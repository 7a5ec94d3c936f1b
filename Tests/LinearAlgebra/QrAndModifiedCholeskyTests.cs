using FsCheck;
using FsCheck.Fluent;
using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;
using Xunit;

namespace Optima.Tests.LinearAlgebra;

public class QrAndModifiedCholeskyTests
{
    private const double Eps = DenseFactorizationOptions.MachineEpsilon;

    private static DenseMatrix Product(DenseMatrix a, DenseMatrix b, bool transposeA = false)
    {
        var c = new DenseMatrix(transposeA ? a.Columns : a.Rows, b.Columns);
        DenseBlas.Gemm(1, a, transposeA, b, false, 0, c);
        return c;
    }

    private static DenseMatrix Naive(DenseMatrix a, bool ta, DenseMatrix b, bool tb)
    {
        int m = ta ? a.Columns : a.Rows, k = ta ? a.Rows : a.Columns, n = tb ? b.Rows : b.Columns;
        var c = new DenseMatrix(m, n);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += (ta ? a[p, i] : a[i, p]) * (tb ? b[j, p] : b[p, j]);
                c[i, j] = s;
            }
        return c;
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(17, 9, 5)]
    [InlineData(33, 70, 300)]
    [InlineData(200, 31, 257)]
    public void Gemm_AllTransposeCombinations_MatchNaive(int m, int n, int k)
    {
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                var a = ta ? Generators.Random(k, m, 1) : Generators.Random(m, k, 1);
                var b = tb ? Generators.Random(n, k, 2) : Generators.Random(k, n, 2);
                var c = Generators.Random(m, n, 3);
                var expected = Naive(a, ta, b, tb);
                for (int i = 0; i < expected.Data.Length; i++) expected.Data[i] = 2.0 * expected.Data[i] + 0.5 * c.Data[i];
                DenseBlas.Gemm(2.0, a, ta, b, tb, 0.5, c);
                Assert.True(Generators.MaxAbsDiff(c.Data, expected.Data) < 1e-12 * k, $"ta={ta} tb={tb}");
            }
    }

    [Fact]
    public void Span_gemm_on_submatrices_with_leading_dimensions_equals_the_naive_product()
    {
        Prop.ForAll(Gen.Choose(1, 40).ToArbitrary(), Gen.Choose(1, 40).ToArbitrary(), Gen.Choose(0, 10000).ToArbitrary(), (m, n, seed) =>
        {
            int k = 1 + seed % 40;
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                {
                    var a = Generators.Random(ta ? k : m, ta ? m : k, seed);
                    var b = Generators.Random(tb ? n : k, tb ? k : n, seed + 1);
                    // Embed a, b and c in larger buffers at an offset with leading dimension rows + 3.
                    static (double[] Buffer, int Ld) Embed(DenseMatrix x, int offset)
                    {
                        int ld = x.Rows + 3;
                        var buf = Enumerable.Repeat(double.NaN, offset + ld * x.Columns).ToArray();
                        for (int j = 0; j < x.Columns; j++)
                            for (int i = 0; i < x.Rows; i++) buf[offset + i + j * ld] = x[i, j];
                        return (buf, ld);
                    }
                    var (ab, lda) = Embed(a, 5);
                    var (bb, ldb) = Embed(b, 2);
                    var c0 = Generators.Random(m, n, seed + 2);
                    var (cb, ldc) = Embed(c0, 1);
                    DenseBlas.Gemm(m, n, k, 2.0, ab.AsSpan(5), lda, ta, bb.AsSpan(2), ldb, tb, 0.5, cb.AsSpan(1), ldc, 1);
                    var expected = Naive(a, ta, b, tb);
                    for (int j = 0; j < n; j++)
                    {
                        for (int i = 0; i < m; i++)
                            if (Math.Abs(cb[1 + i + j * ldc] - (2 * expected[i, j] + 0.5 * c0[i, j])) > 1e-12 * k) return false;
                        for (int i = m; i < ldc && 1 + i + j * ldc < cb.Length; i++)
                            if (!double.IsNaN(cb[1 + i + j * ldc])) return false; // the padding rows are not touched
                    }
                }
            return true;
        }).Check(TestSupport.Quick());
    }

    [Fact]
    public void Span_gemm_rejects_short_spans_small_leading_dimensions_and_overlap()
    {
        var buf = new double[100];
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => DenseBlas.Gemm(4, 4, 4, 1, buf.AsSpan(0, 10), 4, false, buf.AsSpan(20, 16), 4, false, 0, buf.AsSpan(40, 16), 4)).ParamName);
        Assert.Equal("ldb", Assert.Throws<ArgumentException>(() => DenseBlas.Gemm(4, 4, 4, 1, buf.AsSpan(0, 16), 4, false, buf.AsSpan(20, 16), 3, false, 0, buf.AsSpan(40, 16), 4)).ParamName);
        Assert.Equal("c", Assert.Throws<ArgumentException>(() => DenseBlas.Gemm(4, 4, 4, 1, buf.AsSpan(0, 16), 4, false, buf.AsSpan(20, 16), 4, false, 0, buf.AsSpan(10, 16), 4)).ParamName);
    }

    [Fact]
    public void Gemm_ShapeMismatch_NamesArgument()
    {
        var ex = Assert.Throws<ArgumentException>(() => DenseBlas.Gemm(1, new DenseMatrix(2, 3), false, new DenseMatrix(4, 2), false, 0, new DenseMatrix(2, 2)));
        Assert.Equal("b", ex.ParamName);
    }

    [Fact]
    public void Qr_QtQ_IsIdentity_And_A_Equals_QR_Property()
    {
        Prop.ForAll(Gen.Choose(1, 150).ToArbitrary(), Gen.Choose(1, 90).ToArbitrary(), Gen.Choose(0, 100000).ToArbitrary(), (m, n, seed) =>
        {
            var a = Generators.Random(m, n, seed);
            var qr = QrFactorization.Factorize(a);
            var q = qr.ThinQ();
            var r = qr.R();
            int k = Math.Min(m, n);
            var qtq = Product(q, q, transposeA: true);
            bool orthonormal = Generators.MaxAbsDiff(qtq.Data, DenseMatrix.Identity(k).Data) <= 10 * m * Eps;
            bool reconstruct = Generators.MaxAbsDiff(Product(q, r).Data, a.Data) <= 10 * m * Eps * Math.Max(1, a.MaxAbs());
            bool upper = true;
            for (int j = 0; j < n; j++) for (int i = j + 1; i < k; i++) upper &= r[i, j] == 0.0;
            return orthonormal && reconstruct && upper;
        }).Check(TestSupport.Quick());
    }

    [Theory]
    [InlineData(300, 120)]
    [InlineData(200, 200)]
    public void Qr_LeastSquares_AgreesWithMathNet_AndNormalEquations(int m, int n)
    {
        var a = Generators.Random(m, n, m + n);
        var b = Generators.Vector(m, 4);
        var x = QrFactorization.Factorize(a).Solve(b);
        var xm = a.ToMathNet().QR().Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(b)).ToArray();
        Assert.True(Generators.MaxAbsDiff(x, xm) < 1e-10 * Math.Max(1, Generators.Norm(xm)));
        // Optimality: Aᵀ(b − Ax) = 0.
        var r = new double[m];
        a.Multiply(x, r);
        for (int i = 0; i < m; i++) r[i] = b[i] - r[i];
        var g = new double[n];
        a.TransposeMultiply(r, g);
        Assert.True(Generators.Norm(g) < 1e-10 * Generators.Norm(b) * a.FrobeniusNorm());
        if (m == n)
            Assert.Equal(a.ToMathNet().Determinant(), QrFactorization.Factorize(a).Determinant(), 1e-8 * Math.Abs(a.ToMathNet().Determinant()));
    }

    [Fact]
    public void Qr_RankDeficient_SolveThrowsNamingColumn_PivotedFindsRank()
    {
        int m = 40, n = 10;
        var a = Generators.Random(m, n, 8);
        for (int i = 0; i < m; i++) a[i, 6] = a[i, 2] - 2 * a[i, 4]; // column 6 depends on 2 and 4
        var b = Generators.Vector(m, 9);
        var ex = Assert.Throws<SingularMatrixException>(() => QrFactorization.Factorize(a).Solve(b));
        Assert.Equal(6, ex.Column);
        var pqr = PivotedQrFactorization.Factorize(a);
        Assert.Equal(9, pqr.Rank);
        var x = pqr.Solve(b);
        // The basic solution is a least-squares minimizer: the residual is orthogonal to range(A).
        var r = new double[m];
        a.Multiply(x, r);
        for (int i = 0; i < m; i++) r[i] = b[i] - r[i];
        var g = new double[n];
        a.TransposeMultiply(r, g);
        Assert.True(Generators.Norm(g) < 1e-10);
        // A·P = Q·R
        var q = pqr.ThinQ();
        var qr = Product(q, pqr.R());
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
                Assert.Equal(a[i, pqr.Permutation[j]], qr[i, j], 1e-12);
        // |r_kk| is non-increasing.
        var rr = pqr.R();
        for (int k = 1; k < n; k++) Assert.True(Math.Abs(rr[k, k]) <= Math.Abs(rr[k - 1, k - 1]) * (1 + 1e-12));
    }

    [Fact]
    public void PivotedQr_FullRank_MatchesQrSolution_AndConditionIsFinite()
    {
        var a = Generators.Random(60, 25, 3);
        var b = Generators.Vector(60, 4);
        var p = PivotedQrFactorization.Factorize(a);
        Assert.Equal(25, p.Rank);
        Assert.True(Generators.MaxAbsDiff(p.Solve(b), QrFactorization.Factorize(a).Solve(b)) < 1e-11);
        Assert.True(double.IsFinite(p.EstimateConditionNumber()));
        Assert.Equal(0, PivotedQrFactorization.Factorize(new DenseMatrix(5, 3)).Rank);
        Assert.Equal("rankTolerance", Assert.Throws<ArgumentException>(() => PivotedQrFactorization.Factorize(a, -1)).ParamName);
    }

    [Fact]
    public void ModifiedCholesky_OnSpd_AddsNothing_AndMatchesCholesky()
    {
        var a = Generators.Spd(50, 4);
        var mc = ModifiedCholeskyFactorization.Factorize(a);
        Assert.False(mc.IsModified);
        var b = Generators.Vector(50, 1);
        Assert.True(Generators.MaxAbsDiff(mc.Solve(b), CholeskyFactorization.Factorize(a).Solve(b)) < 1e-10);
    }

    [Fact]
    public void ModifiedCholesky_OnIndefinite_ReportsShift_And_LDLt_Equals_APlusE_Property()
    {
        Prop.ForAll(Gen.Choose(1, 60).ToArbitrary(), Gen.Choose(0, 100000).ToArbitrary(), (n, seed) =>
        {
            var a = Generators.Random(n, n, seed);
            for (int j = 0; j < n; j++) for (int i = 0; i < j; i++) a[i, j] = a[j, i]; // symmetric, usually indefinite
            var mc = ModifiedCholeskyFactorization.Factorize(a);
            var l = mc.L();
            var ld = l.Clone();
            for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) ld[i, j] *= mc.D[j];
            var ldlt = new DenseMatrix(n, n);
            DenseBlas.Gemm(1, ld, false, l, true, 0, ldlt);
            var ae = a.Clone();
            for (int i = 0; i < n; i++) ae[i, i] += mc.Shift[i];
            bool factors = Generators.MaxAbsDiff(ldlt.Data, ae.Data) <= 1e-10 * Math.Max(1, ae.MaxAbs());
            bool positive = true;
            foreach (double d in mc.D) positive &= d > 0;
            foreach (double e in mc.Shift) positive &= e >= 0;
            // A + E is positive definite: plain Cholesky must succeed on it.
            bool spd = CholeskyFactorization.TryFactorize(ae, out _) is not null;
            return factors && positive && spd;
        }).Check(TestSupport.Quick());
        var indefinite = DenseMatrix.FromRows(new double[,] { { 1, 2 }, { 2, 1 } });
        var f = ModifiedCholeskyFactorization.Factorize(indefinite);
        Assert.True(f.IsModified);
        Assert.True(f.MaxShift > 0);
    }
}
