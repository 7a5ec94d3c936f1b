using FsCheck;
using FsCheck.Fluent;
using Optima.LinearAlgebra;
using Xunit;

namespace Optima.Tests.LinearAlgebra;

/// <summary>Single-precision GEMM (the float specialisation of the blocked kernel) against a naive double reference.</summary>
public class SgemmTests
{
    // Column-major m×n matrix with leading dimension ld at an offset inside a NaN-filled buffer (NaN padding must stay).
    private static (float[] Buffer, int Ld) Embedded(int rows, int cols, int offset, int pad, Random rng)
    {
        int ld = rows + pad;
        var buf = Enumerable.Repeat(float.NaN, offset + ld * cols).ToArray();
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++) buf[offset + i + j * ld] = (float)(2 * rng.NextDouble() - 1);
        return (buf, ld);
    }

    /// <summary>
    /// Checks C ← α·op(A)·op(B) + β·C against the product accumulated in double from the same float inputs, with the
    /// standard floating-point bound |error| ≤ c·(k + 2)·u·(|α|·Σ|a||b| + |β||c|), u = 2⁻²⁴, and that the padding
    /// rows are untouched. Returns an empty string on success, else what differs.
    /// </summary>
    private static string Check(int m, int n, int k, bool ta, bool tb, float alpha, float beta, int threads, int seed)
    {
        var rng = new Random(seed);
        var (ab, lda) = Embedded(ta ? k : m, ta ? m : k, 3, seed % 4, rng);
        var (bb, ldb) = Embedded(tb ? n : k, tb ? k : n, 1, (seed / 4) % 3, rng);
        var (cb, ldc) = Embedded(m, n, 2, 1 + seed % 2, rng);
        var c0 = (float[])cb.Clone();
        DenseBlas.Gemm(m, n, k, alpha, ab.AsSpan(3), lda, ta, bb.AsSpan(1), ldb, tb, beta, cb.AsSpan(2), ldc, threads);
        const double u = 1.0 / (1 << 24);
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < m; i++)
            {
                double s = 0, abs = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = ta ? ab[3 + p + i * lda] : ab[3 + i + p * lda];
                    double y = tb ? bb[1 + j + p * ldb] : bb[1 + p + j * ldb];
                    s += x * y;
                    abs += Math.Abs(x * y);
                }
                double cij = c0[2 + i + j * ldc];
                double expected = alpha * s + beta * cij;
                double bound = 2.0 * (k + 2) * u * (Math.Abs(alpha) * abs + Math.Abs(beta * cij)) + 1e-30;
                double got = cb[2 + i + j * ldc];
                if (!(Math.Abs(got - expected) <= bound))
                    return $"m={m} n={n} k={k} ta={ta} tb={tb} α={alpha} β={beta} threads={threads}: C[{i},{j}] = {got}, expected {expected} ± {bound}";
            }
            for (int i = m; i < ldc && 2 + i + j * ldc < cb.Length; i++)
                if (!float.IsNaN(cb[2 + i + j * ldc])) return $"padding row {i} of column {j} was written";
        }
        return "";
    }

    [Fact]
    public void Random_shapes_and_both_transposes_match_the_double_reference_to_float_precision()
    {
        // Sizes up to 70 cross the 32-row (AVX-512) / 16-row (AVX2) and 8/6-column tiles with every remainder;
        // k up to 300 crosses the KC = 256 depth block.
        Prop.ForAll(Gen.Choose(1, 70).ToArbitrary(), Gen.Choose(1, 70).ToArbitrary(), Gen.Choose(0, 100000).ToArbitrary(), (m, n, seed) =>
        {
            int k = seed % 5 == 0 ? 250 + seed % 51 : 1 + seed % 70;
            float alpha = (seed % 3) switch { 0 => 1f, 1 => -1f, _ => 0.75f };
            float beta = (seed % 7) switch { 0 => 0f, 1 => 1f, _ => -0.5f };
            string why = "";
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    if (why.Length == 0) why = Check(m, n, k, ta, tb, alpha, beta, 1, seed);
            return (why.Length == 0).Label(why);
        }).Check(TestSupport.Quick());
    }

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(32, 8, 256, 1)]
    [InlineData(33, 9, 257, 1)]
    [InlineData(256, 128, 784, 1)]   // the MLP's first layer, forward
    [InlineData(230, 170, 300, 2)]   // large enough for the parallel row-block path
    public void Fixed_shapes_including_the_network_and_parallel_paths(int m, int n, int k, int threads)
    {
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
                Assert.Equal("", Check(m, n, k, ta, tb, 1f, 0.5f, threads, m + n + k));
    }

    [Fact]
    public void Float_rejects_bad_arguments_like_double()
    {
        var buf = new float[100];
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => DenseBlas.Gemm(4, 4, 4, 1f, buf.AsSpan(0, 10), 4, false, buf.AsSpan(20, 16), 4, false, 0f, buf.AsSpan(40, 16), 4)).ParamName);
        Assert.Equal("ldb", Assert.Throws<ArgumentException>(() => DenseBlas.Gemm(4, 4, 4, 1f, buf.AsSpan(0, 16), 4, false, buf.AsSpan(20, 16), 3, false, 0f, buf.AsSpan(40, 16), 4)).ParamName);
        Assert.Equal("c", Assert.Throws<ArgumentException>(() => DenseBlas.Gemm(4, 4, 4, 1f, buf.AsSpan(0, 16), 4, false, buf.AsSpan(20, 16), 4, false, 0f, buf.AsSpan(10, 16), 4)).ParamName);
        Assert.False(string.IsNullOrEmpty(DenseBlas.SingleKernelDescription));
    }
}
