using Optima.LinearAlgebra;
using Xunit;

namespace Optima.Tests.Core;

public class DenseMatrixBasicsTests
{
    [Fact]
    public void Layout_is_column_major_and_shared_with_MathNet()
    {
        var a = DenseMatrix.FromRows(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal([1, 4, 2, 5, 3, 6], a.Data);
        var m = a.ToMathNet();
        m[1, 2] = 60;
        Assert.Equal(60, a[1, 2]);                 // same storage, no copy
        var back = DenseMatrix.FromMathNet(m);
        Assert.Same(a.Data, back.Data);
    }

    [Fact]
    public void Multiply_and_transpose_multiply_match_MathNet()
    {
        var rng = new Random(7);
        var a = new DenseMatrix(5, 3);
        for (int k = 0; k < a.Data.Length; k++) a.Data[k] = rng.NextDouble() - 0.5;
        double[] x = [0.3, -1.2, 2.0], y = new double[5], z = new double[3];
        a.Multiply(x, y);
        var expected = a.ToMathNet() * MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(x);
        for (int i = 0; i < 5; i++) Assert.Equal(expected[i], y[i], 1e-14);
        a.TransposeMultiply(y, z);
        var expectedT = a.ToMathNet().TransposeThisAndMultiply(expected);
        for (int i = 0; i < 3; i++) Assert.Equal(expectedT[i], z[i], 1e-13);
    }

    [Fact]
    public void Bad_shapes_and_indices_name_the_sizes()
    {
        var a = new DenseMatrix(2, 3);
        var e = Assert.Throws<ArgumentException>(() => a.Multiply(new double[2], new double[2]));
        Assert.Contains("length 2; expected 3", e.Message);
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => a[2, 0]);
        Assert.Contains("(2, 0)", r.Message);
        Assert.Throws<ArgumentException>(() => new DenseMatrix(2, 2, new double[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DenseMatrix(-1, 2));
    }
}
