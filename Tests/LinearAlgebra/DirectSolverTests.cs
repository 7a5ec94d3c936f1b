using FsCheck;
using FsCheck.Fluent;
using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;
using Xunit;
using Xunit.Abstractions;
using MathNetDenseMatrix = MathNet.Numerics.LinearAlgebra.Double.DenseMatrix;

namespace Optima.Tests.LinearAlgebra;

public class DirectSolverTests
{
    private const double Eps = DenseFactorizationOptions.MachineEpsilon;

    private static double NormInf(DenseMatrix a)
    {
        double best = 0;
        for (int i = 0; i < a.Rows; i++)
        {
            double s = 0;
            for (int j = 0; j < a.Columns; j++) s += Math.Abs(a[i, j]);
            best = Math.Max(best, s);
        }
        return best;
    }

    private static double NormInf(ReadOnlySpan<double> v)
    {
        double m = 0;
        foreach (double x in v) m = Math.Max(m, Math.Abs(x));
        return m;
    }

    /// <summary>Normwise backward error ‖Ax−b‖∞ / (‖A‖∞‖x‖∞ + ‖b‖∞).</summary>
    private static double BackwardError(DenseMatrix a, ReadOnlySpan<double> x, ReadOnlySpan<double> b)
    {
        var r = new double[a.Rows];
        a.Multiply(x, r);
        for (int i = 0; i < r.Length; i++) r[i] -= b[i];
        return NormInf(r) / (NormInf(a) * NormInf(x) + NormInf(b));
    }

    private static DenseMatrix Product(DenseMatrix a, DenseMatrix b)
    {
        var c = new DenseMatrix(a.Rows, b.Columns);
        for (int j = 0; j < b.Columns; j++) a.Multiply(b.Column(j), c.Column(j));
        return c;
    }

    private static DenseMatrix Transpose(DenseMatrix a)
    {
        var t = new DenseMatrix(a.Columns, a.Rows);
        for (int j = 0; j < a.Columns; j++)
            for (int i = 0; i < a.Rows; i++) t[j, i] = a[i, j];
        return t;
    }

    private static double MaxDiff(DenseMatrix a, DenseMatrix b) => Generators.MaxAbsDiff(a.Data, b.Data);

    private static Arbitrary<int> Sizes(int max) => Gen.Choose(1, max).ToArbitrary();
    private static Arbitrary<int> Seeds => Gen.Choose(0, 1_000_000).ToArbitrary();

    [Fact]
    public void Lu_BackwardError_And_PA_Equals_LU_Property()
    {
        Prop.ForAll(Sizes(120), Seeds, (n, seed) =>
        {
            var a = Generators.Random(n, n, seed);
            var b = Generators.Vector(n, seed + 1);
            var lu = LuFactorization.Factorize(a);
            var x = lu.Solve(b);
            bool backward = BackwardError(a, x, b) <= 4 * n * Eps;
            var pa = new DenseMatrix(n, n);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) pa[i, j] = a[lu.Permutation[i], j];
            bool factors = MaxDiff(pa, Product(lu.L(), lu.U())) <= 4 * n * Eps * a.MaxAbs();
            return backward && factors;
        }).Check(TestSupport.Quick());
    }

    [Theory]
    [InlineData(257)]
    [InlineData(600)]
    public void Lu_LargerThanBlocks_AgreesWithMathNet(int n)
    {
        var a = Generators.Random(n, n, n);
        var b = Generators.Vector(n, 2 * n);
        var x = LuFactorization.Factorize(a).Solve(b);
        Assert.True(BackwardError(a, x, b) <= 4 * n * Eps);
        var xm = a.ToMathNet().LU().Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(b)).ToArray();
        Assert.True(Generators.MaxAbsDiff(x, xm) <= 1e-10 * Math.Max(1, NormInf(xm)));
        Assert.Equal(a.ToMathNet().Determinant(), LuFactorization.Factorize(a).Determinant(), 1e-8 * Math.Abs(a.ToMathNet().Determinant()));
    }

    [Fact]
    public void Lu_Parallel_MatchesSequential()
    {
        int n = 400;
        var a = Generators.Random(n, n, 5);
        var b = Generators.Vector(n, 6);
        var x1 = LuFactorization.Factorize(a, new DenseFactorizationOptions { MaxDegreeOfParallelism = 1 }).Solve(b);
        var x2 = LuFactorization.Factorize(a, new DenseFactorizationOptions { MaxDegreeOfParallelism = 2 }).Solve(b);
        Assert.True(Generators.MaxAbsDiff(x1, x2) <= 1e-10 * NormInf(x1));
    }

    [Fact]
    public void Lu_SolveMatrix_SolveTranspose_Determinant()
    {
        var a = DenseMatrix.FromRows(new double[,] { { 2, 1, 1 }, { 4, -6, 0 }, { -2, 7, 2 } });
        var lu = LuFactorization.Factorize(a);
        Assert.Equal(-16.0, lu.Determinant(), 12);
        Assert.Equal(Math.Log(16), lu.LogAbsDeterminant(), 12);
        Assert.Equal(-1, lu.DeterminantSign);
        var b = new double[] { 5, -2, 9 };
        var x = new double[3];
        lu.SolveTranspose(b, x);
        var atx = new double[3];
        a.TransposeMultiply(x, atx);
        Assert.True(Generators.MaxAbsDiff(atx, b) < 1e-13);
        var bm = Generators.Random(3, 4, 1);
        var xm = lu.Solve(bm);
        Assert.True(MaxDiff(Product(a, xm), bm) < 1e-13);
    }

    [Fact]
    public void Lu_ConditionEstimate_IsWithinFactorOfTrue()
    {
        foreach (int seed in new[] { 1, 2, 3 })
        {
            int n = 30;
            var a = Generators.Random(n, n, seed);
            double est = LuFactorization.Factorize(a).EstimateConditionNumber();
            var inv = a.ToMathNet().Inverse();
            double trueCond = a.ToMathNet().L1Norm() * inv.L1Norm();
            Assert.InRange(est, trueCond / 10, trueCond * 1.0000001);
        }
    }

    [Fact]
    public void Lu_Singular_NamesTheColumn()
    {
        var a = DenseMatrix.FromRows(new double[,] { { 1, 2, 3 }, { 2, 4, 6 }, { 1, 0, 1 } });
        var ex = Assert.Throws<SingularMatrixException>(() => LuFactorization.Factorize(a));
        Assert.Equal(2, ex.Column);
        Assert.Contains("column 2", ex.Message);
        var zero = new DenseMatrix(3, 3);
        Assert.Equal(0, Assert.Throws<SingularMatrixException>(() => LuFactorization.Factorize(zero)).Column);
        // Numerically singular: the third column is the sum of the first two up to rounding.
        var near = DenseMatrix.FromRows(new double[,] { { 1, 2, 3 + 1e-17 }, { 4, 5, 9 }, { 7, 8, 15 } });
        Assert.Throws<SingularMatrixException>(() => LuFactorization.Factorize(near));
    }

    [Fact]
    public void BadInput_IsArgumentException_NamingTheArgument()
    {
        var rect = new DenseMatrix(3, 2);
        Assert.Equal("matrix", Assert.Throws<ArgumentException>(() => LuFactorization.Factorize(rect)).ParamName);
        Assert.Equal("matrix", Assert.Throws<ArgumentException>(() => CholeskyFactorization.Factorize(rect)).ParamName);
        var nan = DenseMatrix.Identity(3);
        nan[1, 2] = double.NaN;
        Assert.Equal("matrix", Assert.Throws<ArgumentException>(() => LuFactorization.Factorize(nan)).ParamName);
        var inf = DenseMatrix.Identity(3);
        inf[0, 0] = double.PositiveInfinity;
        Assert.Equal("matrix", Assert.Throws<ArgumentException>(() => CholeskyFactorization.Factorize(inf)).ParamName);
        var lu = LuFactorization.Factorize(DenseMatrix.Identity(3));
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => lu.Solve(new double[4])).ParamName);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => lu.Solve(new[] { 1.0, double.NaN, 0 })).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => lu.Solve(new double[3], new double[2])).ParamName);
        Assert.Equal("MaxDegreeOfParallelism", Assert.Throws<ArgumentException>(() =>
            LuFactorization.Factorize(DenseMatrix.Identity(2), new DenseFactorizationOptions { MaxDegreeOfParallelism = 0 })).ParamName);
    }

    [Fact]
    public void Cholesky_LLt_BackwardError_MathNet_Property()
    {
        Prop.ForAll(Sizes(100), Seeds, (n, seed) =>
        {
            var a = Generators.Spd(n, seed);
            var b = Generators.Vector(n, seed + 7);
            var ch = CholeskyFactorization.Factorize(a);
            var x = ch.Solve(b);
            bool backward = BackwardError(a, x, b) <= 4 * n * Eps;
            bool factors = MaxDiff(Product(ch.L, Transpose(ch.L)), a) <= 4 * n * Eps * a.MaxAbs();
            var xm = a.ToMathNet().Cholesky().Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(b)).ToArray();
            bool agree = Generators.MaxAbsDiff(x, xm) <= 1e-10 * Math.Max(1, NormInf(xm));
            return backward && factors && agree;
        }).Check(TestSupport.Quick());
    }

    [Theory]
    [InlineData(300)]
    [InlineData(513)]
    public void Cholesky_Large_LogDeterminantMatchesLu(int n)
    {
        var a = Generators.Spd(n, n);
        var ch = CholeskyFactorization.Factorize(a);
        var lu = LuFactorization.Factorize(a);
        Assert.Equal(lu.LogAbsDeterminant(), ch.LogDeterminant(), 1e-9 * Math.Abs(ch.LogDeterminant()));
        var b = Generators.Vector(n, 1);
        Assert.True(BackwardError(a, ch.Solve(b), b) <= 4 * n * Eps);
        double cond = ch.EstimateConditionNumber();
        double condLu = lu.EstimateConditionNumber();
        Assert.InRange(cond / condLu, 0.3, 3.0);
    }

    [Fact]
    public void Cholesky_NotPositiveDefinite_NamesTheColumn()
    {
        var a = DenseMatrix.FromRows(new double[,] { { 4, 2, 0 }, { 2, 5, 3 }, { 0, 3, 1 } });
        var ex = Assert.Throws<NotPositiveDefiniteException>(() => CholeskyFactorization.Factorize(a));
        Assert.Equal(2, ex.Column);
        Assert.Contains("column 2", ex.Message);
        Assert.Null(CholeskyFactorization.TryFactorize(a, out int col));
        Assert.Equal(2, col);
        // Large indefinite matrix: the failure surfaces deep inside the recursion.
        int n = 200;
        var big = Generators.Spd(n, 3);
        big[150, 150] = -1e6;
        Assert.Equal(150, Assert.Throws<NotPositiveDefiniteException>(() => CholeskyFactorization.Factorize(big)).Column);
    }
}
