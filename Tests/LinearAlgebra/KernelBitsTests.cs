using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;
using Optima.LinearAlgebra.Kernels;
using Xunit;

namespace Optima.Tests.LinearAlgebra;

/// <summary>
/// Same bits from every GEMM micro-kernel (scalar FMA, Vector128, Vector256, Vector512 — each callable on any machine,
/// a kind that is not accelerated runs in software) and every thread count: GEMM against a scalar reference that
/// performs the documented per-element order; TRSM, SYRK, LU, Cholesky and QR across kernels and thread counts.
/// </summary>
public class KernelBitsTests
{
    private static readonly int[] Kinds = [Gemm.Scalar, Gemm.V128, Gemm.V256, Gemm.V512];

    private static T WithKernel<T>(int kind, Func<T> body)
    {
        Gemm.UseKernelOnThisThread(kind);
        try { return body(); }
        finally { Gemm.UseKernelOnThisThread(-1); }
    }

    private static T[] RandomArray<T>(int length, Random rng) where T : IFloatingPointIeee754<T>
    {
        var x = new T[length];
        for (int i = 0; i < length; i++) x[i] = T.CreateTruncating(2 * rng.NextDouble() - 1);
        return x;
    }

    // The order Gemm documents: per KC-block of k, acc = +0, acc = fma(α·a, b, acc) over p, then c += acc.
    private static T[] Reference<T>(int m, int n, int k, T alpha, T[] a, int lda, bool ta, T[] b, int ldb, bool tb, T[] c0, int ldc)
        where T : IFloatingPointIeee754<T>
    {
        var c = (T[])c0.Clone();
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                T cij = c[i + j * ldc];
                for (int pc = 0; pc < k; pc += Gemm.KC)
                {
                    T acc = T.Zero;
                    for (int p = pc; p < Math.Min(k, pc + Gemm.KC); p++)
                    {
                        T x = alpha * (ta ? a[p + i * lda] : a[i + p * lda]);
                        T y = tb ? b[j + p * ldb] : b[p + j * ldb];
                        acc = T.FusedMultiplyAdd(x, y, acc);
                    }
                    cij += acc;
                }
                c[i + j * ldc] = cij;
            }
        return c;
    }

    private static unsafe T[] Run<T>(int kind, int threads, int m, int n, int k, T alpha, T[] a, int lda, bool ta, T[] b, int ldb, bool tb, T[] c0, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var c = (T[])c0.Clone();
        WithKernel(kind, () =>
        {
            fixed (T* pa = a, pb = b, pc = c)
                Gemm.Update(m, n, k, alpha, pa, lda, ta, pb, ldb, tb, pc, ldc, threads);
            return 0;
        });
        return c;
    }

    private static string CompareGemm<T>(int m, int n, int k, int seed, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(seed);
        bool ta = seed % 2 == 1, tb = seed / 2 % 2 == 1;
        int lda = (ta ? k : m) + seed % 3, ldb = (tb ? n : k) + seed / 3 % 2, ldc = m + seed % 2;
        var a = RandomArray<T>(lda * (ta ? m : k), rng);
        var b = RandomArray<T>(ldb * (tb ? k : n), rng);
        var c0 = RandomArray<T>(ldc * n, rng);
        if (seed % 5 == 0) c0[0] = T.NegativeZero; // a signed zero must survive the edge tiles like the interior ones
        T alpha = T.CreateTruncating(seed % 3 == 0 ? 1.0 : -0.7);
        var expected = Reference(m, n, k, alpha, a, lda, ta, b, ldb, tb, c0, ldc);
        foreach (int kind in Kinds)
        {
            var got = Run(kind, threads, m, n, k, alpha, a, lda, ta, b, ldb, tb, c0, ldc);
            for (int i = 0; i < got.Length; i++)
                if (!got[i].Equals(expected[i]) || T.IsNegative(got[i]) != T.IsNegative(expected[i]))
                    return $"{typeof(T).Name} kind {kind} m={m} n={n} k={k} ta={ta} tb={tb} threads={threads}: [{i}] = {got[i]} vs reference {expected[i]}";
        }
        return "";
    }

    [Fact]
    public void Every_gemm_kernel_gives_the_reference_bits_for_random_shapes()
    {
        // Sizes cross every tile remainder (MR up to 32, NR 4/6/8) and k crosses the KC = 256 depth block.
        FsCheck.Check.One(TestSupport.Quick(40), Prop.ForAll(Gen.Choose(1, 41).ToArbitrary(), Gen.Choose(1, 19).ToArbitrary(), Gen.Choose(0, 100000).ToArbitrary(), (m, n, seed) =>
        {
            int k = seed % 4 == 0 ? 250 + seed % 270 : 1 + seed % 40;
            string why = CompareGemm<double>(m, n, k, seed, 1);
            if (why.Length == 0) why = CompareGemm<float>(m, n, k, seed, 1);
            return (why.Length == 0).Label(why);
        }));
    }

    [Theory]
    [InlineData(161, 150, 200, 1)]
    [InlineData(161, 150, 200, 2)] // m·n·k above the parallel threshold: row blocks shared by threads
    [InlineData(97, 61, 513, 2)]
    public void Gemm_bits_do_not_depend_on_the_thread_count(int m, int n, int k, int seed)
    {
        Assert.Equal("", CompareGemm<double>(m, n, k, seed, 1));
        Assert.Equal("", CompareGemm<double>(m, n, k, seed, 2));
        Assert.Equal("", CompareGemm<float>(m, n, k, seed, 2));
    }

    private static DenseMatrix RandomMatrix(int m, int n, int seed)
    {
        var rng = new Random(seed);
        var a = new DenseMatrix(m, n);
        for (int i = 0; i < a.Data.Length; i++) a.Data[i] = 2 * rng.NextDouble() - 1;
        return a;
    }

    private static DenseMatrix Spd(int n, int seed)
    {
        var b = RandomMatrix(n, n, seed);
        var a = new DenseMatrix(n, n);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                a.Data[i + j * n] = b.Data[i + j * n] + b.Data[j + i * n] + (i == j ? n : 0.0);
        return a;
    }

    private static double[] Factors(string which, DenseMatrix a, int threads)
    {
        var opts = new DenseFactorizationOptions { MaxDegreeOfParallelism = threads };
        return which switch
        {
            "LU" => LuFactorization.Factorize(a, opts).Factors.Data.Concat(LuFactorization.Factorize(a, opts).Pivots.ToArray().Select(p => (double)p)).ToArray(),
            "Cholesky" => CholeskyFactorization.Factorize(a, opts).L.Data,
            _ => QrFactorization.Factorize(a, opts).Factors.Data.Concat(QrFactorization.Factorize(a, opts).Tau.ToArray()).ToArray(),
        };
    }

    [Theory]
    [InlineData("LU", 203, 7)]
    [InlineData("LU", 130, 8)]
    [InlineData("Cholesky", 211, 9)]
    [InlineData("Cholesky", 97, 10)]
    [InlineData("QR", 187, 11)]
    [InlineData("QR", 70, 12)]
    public void Factorizations_give_the_same_bits_with_every_kernel(string which, int n, int seed)
    {
        // Sizes past the recursion bases (TRSM 32, SYRK 96, LU 16) and the QR block (64), odd so every edge tile occurs.
        var a = which == "Cholesky" ? Spd(n, seed) : RandomMatrix(n, n, seed);
        var expected = WithKernel(Gemm.Scalar, () => Factors(which, a, 1));
        foreach (int kind in Kinds.Skip(1))
        {
            var got = WithKernel(kind, () => Factors(which, a, 1));
            Assert.Equal(BitsOf(expected), BitsOf(got));
        }
    }

    [Theory]
    [InlineData("LU", 517)]
    [InlineData("Cholesky", 611)]
    [InlineData("QR", 455)]
    public void Factorizations_give_the_same_bits_with_one_and_two_threads(string which, int n)
    {
        var a = which == "Cholesky" ? Spd(n, n) : RandomMatrix(n, n, n);
        Assert.Equal(BitsOf(Factors(which, a, 1)), BitsOf(Factors(which, a, 2)));
    }

    [Fact]
    public unsafe void Trsm_and_syrk_give_the_same_bits_with_every_kernel_and_thread_count()
    {
        const int m = 131, n = 77;
        var l = RandomMatrix(n, n, 3);
        for (int i = 0; i < n; i++) l.Data[i + i * n] = 2 + i % 3; // well conditioned triangle
        var b0 = RandomMatrix(m, n, 4);
        long[]? expected = null;
        foreach (int kind in Kinds)
            foreach (int threads in new[] { 1, 2 })
            {
                var b = b0.Clone();
                var c = RandomMatrix(m, m, 5);
                var lu = RandomMatrix(m, m, 6);
                WithKernel(kind, () =>
                {
                    fixed (double* pl = l.Data, pb = b.Data, pc = c.Data, plu = lu.Data)
                    {
                        Dense.TrsmRightLowerTrans(m, n, pl, n, pb, m, threads);
                        Dense.SyrkLowerMinus(m, n, pb, m, pc, m, threads);
                        Dense.TrsmLeftLowerUnit(m, m, plu, m, pc, m, threads);
                    }
                    return 0;
                });
                var bits = BitsOf(b.Data.Concat(c.Data).ToArray());
                if (expected is null) expected = bits;
                else Assert.Equal(expected, bits);
            }
    }

    [Theory]
    [InlineData(131, 300, 1)] // one lower-only GEMM, two KC blocks
    [InlineData(230, 97, 2)]  // two threads above the parallel threshold: the recursion
    [InlineData(7, 5, 1)]     // smaller than one tile
    public unsafe void Syrk_updates_exactly_the_lower_triangle_with_the_bits_of_the_full_gemm(int n, int k, int threads)
    {
        var a = RandomMatrix(n, k, 11);
        var c0 = RandomMatrix(n, n, 12);
        foreach (int kind in Kinds)
        {
            var full = c0.Clone();
            var syrk = c0.Clone();
            WithKernel(kind, () =>
            {
                fixed (double* pa = a.Data, pf = full.Data, ps = syrk.Data)
                {
                    Gemm.Update(n, n, k, -1.0, pa, n, false, pa, n, true, pf, n, 1);
                    Dense.SyrkLowerMinus(n, k, pa, n, ps, n, threads);
                }
                return 0;
            });
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++)
                {
                    double expected = i >= j ? full[i, j] : c0[i, j];
                    Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(syrk[i, j]),
                        $"kind {kind}, ({i}, {j}): {syrk[i, j]} vs {expected}");
                }
        }
    }

    [Theory]
    [InlineData(29, 31, 1)]
    [InlineData(67, 13, 2)]
    [InlineData(203, 29, 3)]
    [InlineData(17, 200, 4)]
    public unsafe void Trsm_equals_a_scalar_reference_of_the_documented_order(int m, int n, int seed)
    {
        // Left, unit lower: b_ij = fma(−b_kj, l_ik, b_ij) for k < i ascending, skipped where b_kj = 0.
        // Right, lower transposed: b_ij = fma(−l_jk, x_ik, b_ij) for k < j ascending (skipped where l_jk = 0), then · (1/l_jj).
        // Below the recursion base (32) these are the base kernels alone (vector, four-column and row-block paths with
        // scalar remainders); above it GEMM joins in, with its own order, so compare those sizes across kernels only.
        var rng = new Random(seed);
        var l = RandomMatrix(Math.Max(m, n), Math.Max(m, n), seed);
        int ld = l.Rows;
        for (int i = 0; i < ld; i++) l.Data[i + i * ld] = 2 + rng.Next(3);
        for (int z = 0; z < ld; z++) l.Data[rng.Next(ld) + rng.Next(ld) * ld] = 0.0; // some zeros take the skip path
        var b = RandomMatrix(m, n, seed + 1);
        for (int z = 0; z < 5; z++) b.Data[rng.Next(m * n)] = 0.0;
        if (m <= 32)
        {
            var left = b.Clone();
            var refLeft = b.Clone();
            for (int j = 0; j < n; j++)
                for (int k = 0; k < m; k++)
                {
                    double bk = refLeft.Data[k + j * m];
                    if (bk == 0.0) continue;
                    for (int i = k + 1; i < m; i++)
                        refLeft.Data[i + j * m] = Math.FusedMultiplyAdd(-bk, l.Data[i + k * ld], refLeft.Data[i + j * m]);
                }
            fixed (double* pl = l.Data, pb = left.Data) Dense.TrsmLeftLowerUnit(m, n, pl, ld, pb, m, 1);
            Assert.Equal(BitsOf(refLeft.Data), BitsOf(left.Data));
        }
        if (n <= 32)
        {
            var right = b.Clone();
            var refRight = b.Clone();
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = refRight.Data[i + j * m];
                    for (int k = 0; k < j; k++)
                    {
                        double ljk = l.Data[j + k * ld];
                        if (ljk != 0.0) s = Math.FusedMultiplyAdd(-ljk, refRight.Data[i + k * m], s);
                    }
                    refRight.Data[i + j * m] = s * (1.0 / l.Data[j + j * ld]);
                }
            fixed (double* pl = l.Data, pb = right.Data) Dense.TrsmRightLowerTrans(m, n, pl, ld, pb, m, 1);
            Assert.Equal(BitsOf(refRight.Data), BitsOf(right.Data));
        }
    }

    private static long[] BitsOf(double[] x) => x.Select(BitConverter.DoubleToInt64Bits).ToArray();
}
