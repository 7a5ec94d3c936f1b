using FsCheck;
using FsCheck.Fluent;
using Optima.LinearAlgebra;
using Xunit;

namespace Optima.Tests.LinearAlgebra;

public class CsrMatrixTests
{
    [Fact]
    public void FromCoordinates_SortsAndSumsDuplicates()
    {
        var a = CsrMatrix.FromCoordinates(2, 3, [1, 0, 0, 1], [2, 1, 1, 0], [5.0, 1.0, 2.0, 4.0]);
        Assert.Equal(3, a.NonZeroCount);
        Assert.Equal(3.0, a[0, 1]);
        Assert.Equal(4.0, a[1, 0]);
        Assert.Equal(5.0, a[1, 2]);
        Assert.Equal(0.0, a[0, 0]);
        Assert.Equal([0, 1, 3], a.RowPointers);
    }

    [Fact]
    public void Constructor_RejectsUnsortedRow_NamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => new CsrMatrix(2, 2, [0, 1, 3], [0, 1, 0], [1.0, 2.0, 3.0]));
        Assert.Contains("Row 1", ex.Message);
    }

    [Fact]
    public void Multiply_MatchesDenseAndMathNet_Property()
    {
        var prop = Prop.ForAll(Gen.Choose(1, 60).ToArbitrary(), Gen.Choose(0, 100000).ToArbitrary(), (n, seed) =>
        {
            var dense = Generators.Random(n, n + 3, seed);
            var rng = new Random(seed);
            foreach (ref double v in dense.AsSpan()) if (rng.NextDouble() < 0.7) v = 0;
            var csr = CsrMatrix.FromDense(dense);
            var x = Generators.Vector(n + 3, seed + 1);
            var y1 = new double[n];
            var y2 = new double[n];
            csr.Multiply(x, y1);
            dense.Multiply(x, y2);
            var y3 = csr.ToMathNet() * MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(x);
            var z1 = new double[n + 3];
            var z2 = new double[n + 3];
            csr.TransposeMultiply(y1, z1);
            dense.TransposeMultiply(y1, z2);
            return Generators.MaxAbsDiff(y1, y2) < 1e-12 && Generators.MaxAbsDiff(y1, y3.ToArray()) < 1e-12
                && Generators.MaxAbsDiff(z1, z2) < 1e-12;
        });
        prop.Check(TestSupport.Quick());
    }

    [Fact]
    public void ParallelMultiply_MatchesSequential()
    {
        var a = CsrMatrix.Poisson2D(300, 300); // 450k non-zeros: above the parallel threshold
        Assert.True(a.NonZeroCount >= CsrMatrix.ParallelThreshold);
        var x = Generators.Vector(a.Columns, 3);
        var y1 = new double[a.Rows];
        var y2 = new double[a.Rows];
        a.MaxDegreeOfParallelism = 2;
        a.Multiply(x, y1);
        a.MaxDegreeOfParallelism = 1;
        a.Multiply(x, y2);
        Assert.Equal(y2, y1);
        double dot = a.MultiplyDot(x, y2);
        double expected = 0;
        for (int i = 0; i < x.Length; i++) expected += x[i] * y1[i];
        Assert.Equal(expected, dot, 1e-9 * Math.Abs(expected));
    }

    [Fact]
    public void Multiply_LongRows_UseTheGatherPath_AndMatchDense()
    {
        var dense = Generators.Random(7, 203, 5);
        dense[3, 100] = 0; // an irregular row length
        var csr = CsrMatrix.FromDense(dense);
        var x = Generators.Vector(203, 6);
        var y1 = new double[7];
        var y2 = new double[7];
        csr.Multiply(x, y1);
        dense.Multiply(x, y2);
        Assert.True(Generators.MaxAbsDiff(y1, y2) < 1e-12);
    }

    [Fact]
    public void MathNetRoundTrip_PreservesEntries()
    {
        var a = Generators.DiagonallyDominant(50, 7, symmetric: false);
        var back = CsrMatrix.FromMathNet(a.ToMathNet());
        Assert.Equal(a.RowPointers, back.RowPointers);
        Assert.Equal(a.ColumnIndices, back.ColumnIndices);
        Assert.Equal(a.Values, back.Values);
        var fromDense = CsrMatrix.FromMathNet(a.ToDense().ToMathNet());
        Assert.Equal(a.Values, fromDense.Values);
    }

    [Fact]
    public void Transpose_Diagonal_Symmetry()
    {
        var a = Generators.DiagonallyDominant(40, 11, symmetric: true);
        Assert.True(a.IsSymmetric());
        var t = a.Transpose();
        Assert.Equal(a.ToDense().Data, t.ToDense().Data);
        var n = Generators.DiagonallyDominant(40, 12, symmetric: false);
        Assert.False(n.IsSymmetric());
        var d = n.Diagonal();
        for (int i = 0; i < 40; i++) Assert.Equal(n[i, i], d[i]);
        Assert.Equal(n.ToDense().Data, n.Transpose().Transpose().ToDense().Data);
    }

    [Fact]
    public void Multiply_LengthMismatch_NamesArgument()
    {
        var a = CsrMatrix.Identity(3);
        var ex = Assert.Throws<ArgumentException>(() => a.Multiply(new double[2], new double[3]));
        Assert.Equal("x", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => a.Multiply(new double[3], new double[4]));
        Assert.Equal("y", ex.ParamName);
    }
}
