using Optima.LinearAlgebra;
using Optima.LinearAlgebra.IO;
using Xunit;

namespace Optima.Tests.LinearAlgebra;

public class MatrixMarketTests
{
    private static CsrMatrix Read(string text) => MatrixMarket.ReadSparse(new StringReader(text), "test.mtx");

    [Fact]
    public void Coordinate_Symmetric_ExpandsBothTriangles()
    {
        var a = Read("%%MatrixMarket matrix coordinate real symmetric\n% comment\n3 3 4\n1 1 2.0\n2 1 -1\n3 3 .5\n3 2 1e-1\n");
        Assert.Equal(6, a.NonZeroCount);
        Assert.Equal(-1.0, a[0, 1]);
        Assert.Equal(-1.0, a[1, 0]);
        Assert.Equal(0.1, a[1, 2]);
        Assert.Equal(0.5, a[2, 2]);
    }

    [Fact]
    public void Array_General_And_Symmetric()
    {
        var d = MatrixMarket.ReadDense(new StringReader("%%MatrixMarket matrix array real general\n2 3\n1\n2\n3\n4\n5\n6\n"));
        Assert.Equal(3.0, d[0, 1]);
        Assert.Equal(6.0, d[1, 2]);
        var s = MatrixMarket.ReadDense(new StringReader("%%MatrixMarket matrix array real symmetric\n2 2\n1\n2\n3\n"));
        Assert.Equal(2.0, s[0, 1]);
        Assert.Equal(2.0, s[1, 0]);
        Assert.Equal(3.0, s[1, 1]);
    }

    [Fact]
    public void Integer_Field_IsRead()
    {
        var a = Read("%%MatrixMarket matrix coordinate integer general\n2 2 2\n1 1 3\n2 2 -4\n");
        Assert.Equal(-4.0, a[1, 1]);
    }

    [Theory]
    [InlineData("%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 1\n", 1, "pattern")]
    [InlineData("%%MatrixMarket matrix coordinate complex general\n2 2 1\n1 1 1 0\n", 1, "complex")]
    [InlineData("%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1.0\n3 1 2.0\n", 4, "row index 3")]
    [InlineData("%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1.0\n% c\n1 x 2.0\n", 5, "column index 'x'")]
    [InlineData("%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1.0\n2 2 2.0\n", 4, "declares 3")]
    [InlineData("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 1.0\n2 2 2.0\n", 4, "more entries")]
    [InlineData("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 abc\n", 3, "'abc'")]
    [InlineData("%%MatrixMarket matrix coordinate real symmetric\n2 3 1\n1 1 1.0\n", 2, "square")]
    [InlineData("MatrixMarket matrix coordinate real general\n2 2 1\n1 1 1.0\n", 1, "%%MatrixMarket")]
    [InlineData("%%MatrixMarket matrix coordinate real general\n2 2\n", 2, "entry count")]
    [InlineData("", 1, "empty")]
    public void Malformed_Input_NamesTheLine(string text, int line, string fragment)
    {
        var ex = Assert.Throws<MatrixMarketFormatException>(() => Read(text));
        Assert.Equal(line, ex.LineNumber);
        Assert.Contains($"line {line}", ex.Message);
        Assert.Contains(fragment, ex.Message);
    }

    [Fact]
    public void WriteRead_RoundTrip_IsExact()
    {
        var a = Generators.DiagonallyDominant(30, 5, symmetric: true);
        foreach (bool sym in new[] { false, true })
        {
            var sw = new StringWriter();
            MatrixMarket.Write(sw, a, symmetric: sym, comment: "round trip");
            var b = Read(sw.ToString());
            Assert.Equal(a.RowPointers, b.RowPointers);
            Assert.Equal(a.ColumnIndices, b.ColumnIndices);
            Assert.Equal(a.Values, b.Values);
        }
        var d = Generators.Random(4, 3, 9);
        var dw = new StringWriter();
        MatrixMarket.Write(dw, d);
        Assert.Equal(d.Data, MatrixMarket.ReadDense(new StringReader(dw.ToString())).Data);
        var v = Generators.Vector(7, 2);
        var vw = new StringWriter();
        MatrixMarket.WriteVector(vw, v);
        Assert.Equal(v, MatrixMarket.ReadVector(new StringReader(vw.ToString())));
    }

    [Fact]
    public void Write_SymmetricBannerOnNonSymmetricMatrix_Throws()
    {
        var a = Generators.DiagonallyDominant(10, 5, symmetric: false);
        Assert.Throws<ArgumentException>(() => MatrixMarket.Write(new StringWriter(), a, symmetric: true));
    }

    [SkippableTheory]
    [InlineData("bcsstk03.mtx", 112, 640, true)]
    [InlineData("plat362.mtx", 362, 5786, true)]
    [InlineData("gr_30_30.mtx", 900, 7744, true)]
    [InlineData("1138_bus.mtx", 1138, 4054, true)]
    [InlineData("bcsstk15.mtx", 3948, 117816, true)]
    [InlineData("orsirr_1.mtx", 1030, 6858, false)]
    [InlineData("hor_131.mtx", 434, 4710, false)]
    [InlineData("sherman5.mtx", 3312, 20793, false)]
    public void RealMatrices_HaveTheDocumentedShape(string file, int n, int entries, bool symmetric)
    {
        string path = TestSupport.RequireSharedFile("matrices", file);
        var a = MatrixMarket.ReadSparse(path);
        Assert.Equal(n, a.Rows);
        Assert.Equal(n, a.Columns);
        Assert.Equal(entries, a.NonZeroCount);
        Assert.Equal(symmetric, a.IsSymmetric());
        Assert.True(a.IsFinite());
    }
}
