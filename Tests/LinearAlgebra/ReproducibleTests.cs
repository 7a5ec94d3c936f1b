using FsCheck;
using FsCheck.Fluent;
using Optima.LinearAlgebra;
using Xunit;

namespace Optima.Tests.LinearAlgebra;

/// <summary>
/// The fixed-order reductions: every vector path (the one this machine takes, whatever DOTNET_Enable* says) gives the
/// bits of a plain scalar transcription of the documented order, for any length and any alignment; and they are
/// accurate. Run under DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0 and DOTNET_EnableHWIntrinsic=0 these tests check the
/// other paths against the same reference (scripts/fingerprint.sh checks whole computations across them).
/// </summary>
public class ReproducibleTests
{
    private static readonly Config Quick = TestSupport.Quick(200);

    // The documented order, written as plainly as possible: entry i into partial sum i mod 16, then the pairwise tree.
    private static double Reference(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Func<double, double, double, double> step)
    {
        var p = new double[16];
        for (int i = 0; i < x.Length; i++) p[i % 16] = step(x[i], y[i], p[i % 16]);
        var t = new double[8];
        for (int j = 0; j < 8; j++) t[j] = p[j] + p[j + 8];
        var u = new double[4];
        for (int j = 0; j < 4; j++) u[j] = t[j] + t[j + 4];
        double v0 = u[0] + u[2], v1 = u[1] + u[3];
        return v0 + v1;
    }

    private static double RefDot(ReadOnlySpan<double> x, ReadOnlySpan<double> y) => Reference(x, y, Math.FusedMultiplyAdd);

    /// <summary>(data, offset, length): a slice at any alignment of a vector with entries of mixed sign and magnitude.</summary>
    private static Arbitrary<(double[] X, double[] Y, int Offset, int Length)> Vectors() =>
        Arb.From(from n in Gen.Choose(0, 300)
                 from offset in Gen.Choose(0, 7)
                 from seed in Gen.Choose(0, int.MaxValue)
                 select Make(n, offset, seed));

    private static (double[], double[], int, int) Make(int n, int offset, int seed)
    {
        var rng = new Random(seed);
        var x = new double[n + offset];
        var y = new double[n + offset];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-3, 4));
            y[i] = (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-3, 4));
        }
        return (x, y, offset, n);
    }

    private static bool Same(double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);

    [Fact]
    public void Every_reduction_has_the_bits_of_the_scalar_reference_order()
    {
        Check.One(Quick, Prop.ForAll(Vectors(), v =>
        {
            var x = v.X.AsSpan(v.Offset, v.Length);
            var y = v.Y.AsSpan(v.Offset, v.Length);
            Assert.True(Same(RefDot(x, y), Reproducible.Dot(x, y)), $"Dot, n = {v.Length}, offset {v.Offset}");
            Assert.True(Same(RefDot(x, x), Reproducible.SumOfSquares(x)), "SumOfSquares");
            Assert.True(Same(Reference(x, x, (a, _, s) => s + a), Reproducible.Sum(x)), "Sum");
            Assert.True(Same(Reference(x, x, (a, _, s) => s + Math.Abs(a)), Reproducible.SumOfMagnitudes(x)), "SumOfMagnitudes");
            Assert.True(Same(Math.Sqrt(RefDot(x, x)), Reproducible.Norm(x)) || v.Length == 0, "Norm");
        }));
    }

    [Fact]
    public unsafe void The_fused_passes_give_the_bits_of_separate_dots()
    {
        Check.One(Quick, Prop.ForAll(Vectors(), v =>
        {
            var x = v.X.AsSpan(v.Offset, v.Length);
            var y = v.Y.AsSpan(v.Offset, v.Length);
            var z = new double[v.Length];
            for (int i = 0; i < z.Length; i++) z[i] = Math.Cos(i);
            fixed (double* px = x, py = y, pz = z)
            {
                Reproducible.DotPair(v.Length, px, py, pz, out double xy, out double xz);
                Assert.True(Same(RefDot(x, y), xy) && Same(RefDot(x, z), xz), "DotPair");
                Reproducible.Dot3(v.Length, px, py, out double xx, out double xy3, out double yy);
                Assert.True(Same(RefDot(x, x), xx) && Same(RefDot(x, y), xy3) && Same(RefDot(y, y), yy), "Dot3");
                var r = y.ToArray();
                var expected = new double[r.Length];
                for (int i = 0; i < r.Length; i++) expected[i] = Math.FusedMultiplyAdd(-0.75, x[i], r[i]);
                fixed (double* pr = r)
                {
                    double rr = Reproducible.UpdateAndSquare(v.Length, 0.75, px, pr);
                    Assert.Equal(expected, r);
                    Assert.True(Same(RefDot(expected, expected), rr), "UpdateAndSquare");
                }
            }
        }));
    }

    [Fact]
    public void Dot_is_accurate_to_a_few_ulps_of_the_sum_of_magnitudes()
    {
        Check.One(Quick, Prop.ForAll(Vectors(), v =>
        {
            var x = v.X.AsSpan(v.Offset, v.Length);
            var y = v.Y.AsSpan(v.Offset, v.Length);
            // The exact dot product in decimal (products of these doubles are exact in 28 digits only approximately,
            // so compare against a compensated double-double sum instead).
            double s = 0, c = 0, magnitude = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double p = x[i] * y[i], pe = Math.FusedMultiplyAdd(x[i], y[i], -p);
                double t = s + p;
                c += Math.Abs(s) >= Math.Abs(p) ? (s - t) + p : (p - t) + s;
                c += pe;
                s = t;
                magnitude += Math.Abs(p);
            }
            double exact = s + c;
            // 16 chains of ⌈n/16⌉ terms plus a 4-level tree: error ≤ (n/16 + 4)·ε·Σ|xᵢyᵢ|.
            double bound = (v.Length / 16.0 + 5) * Math.ScaleB(1.0, -53) * magnitude;
            Assert.True(Math.Abs(Reproducible.Dot(x, y) - exact) <= bound, $"n = {v.Length}");
        }));
    }

    [Fact]
    public void Norm_neither_overflows_nor_underflows()
    {
        var big = new double[37];
        var small = new double[37];
        for (int i = 0; i < big.Length; i++)
        {
            big[i] = 1e300 * (1 + i % 3);
            small[i] = 1e-300 * (1 + i % 3);
        }
        double unit = Reproducible.Norm(big.Select(v => v / 1e300).ToArray());
        Assert.Equal(unit * 1e300, Reproducible.Norm(big), 1e-14 * unit * 1e300);
        Assert.Equal(unit * 1e-300, Reproducible.Norm(small), 1e-14 * unit * 1e-300);
        Assert.True(double.IsPositiveInfinity(Reproducible.Norm([1.0, double.PositiveInfinity])));
        Assert.True(double.IsNaN(Reproducible.Norm([1.0, double.NaN, 1e300, 1e300])));
        Assert.Equal(0.0, Reproducible.Norm(new double[20]));
        Assert.Equal(5.0, Reproducible.Norm([3.0, 4.0]));
    }

    [Fact]
    public void Sparse_product_with_dot_is_the_same_bits_serial_parallel_and_as_two_steps()
    {
        // A random SPD-pattern matrix large enough for the parallel path, with long rows (the gather path) and short ones.
        var rng = new Random(3);
        int n = 25_000; // 11.4·n non-zeros: above CsrMatrix.ParallelThreshold
        var ri = new List<int>();
        var ci = new List<int>();
        var va = new List<double>();
        for (int i = 0; i < n; i++)
        {
            int len = i % 5 == 0 ? 40 : 3;
            for (int k = 0; k < len; k++) { ri.Add(i); ci.Add(rng.Next(n)); va.Add(rng.NextDouble() - 0.5); }
            ri.Add(i); ci.Add(i); va.Add(10.0);
        }
        var serial = CsrMatrix.FromCoordinates(n, n, ri.ToArray(), ci.ToArray(), va.ToArray());
        var parallel = CsrMatrix.FromCoordinates(n, n, ri.ToArray(), ci.ToArray(), va.ToArray());
        Assert.True(parallel.NonZeroCount >= CsrMatrix.ParallelThreshold);
        serial.MaxDegreeOfParallelism = 1;
        parallel.MaxDegreeOfParallelism = 4;
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = Math.Sin(i);
        double[] y1 = new double[n], y2 = new double[n], y3 = new double[n];
        double d1 = serial.MultiplyDot(x, y1), d2 = parallel.MultiplyDot(x, y2);
        serial.Multiply(x, y3);
        Assert.Equal(y1, y2);
        Assert.Equal(y1, y3);
        Assert.True(Same(d1, d2) && Same(d1, Reproducible.Dot(x, y3)), $"{d1:R} {d2:R}");
    }
}
