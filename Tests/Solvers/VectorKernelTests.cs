using FsCheck;
using FsCheck.Fluent;
using Optima.Solvers.Internal;
using Xunit;

namespace Optima.Tests.Solvers;

/// <summary>The fused kernels of the L-BFGS history passes equal the separate dot products and updates.</summary>
public class VectorKernelTests
{
    private static Gen<double[][]> Vectors(int count) =>
        from n in Gen.Choose(0, 70)
        from v in Gen.ArrayOf(Gen.ArrayOf(TestSupport.Uniform(-3, 3), n), count)
        select v;

    private static bool Close(double got, double expected, double magnitude) =>
        Math.Abs(got - expected) <= 1e-13 * Math.Max(1, magnitude);

    private static (double Dot, double Magnitude) Dot(double[] a, double[] b) =>
        (a.Zip(b).Sum(p => p.First * p.Second), a.Zip(b).Sum(p => Math.Abs(p.First * p.Second)));

    [Fact]
    public void Dot4_adds_the_four_dot_products_to_the_sums()
    {
        Prop.ForAll(Vectors(4).ToArbitrary(), v =>
        {
            double sg = 1, yg = 2, sz = 3, yz = 4;
            Vec.Dot4(v[0], v[1], v[2], v[3], ref sg, ref yg, ref sz, ref yz);
            var (e0, m0) = Dot(v[0], v[2]);
            var (e1, m1) = Dot(v[1], v[2]);
            var (e2, m2) = Dot(v[0], v[3]);
            var (e3, m3) = Dot(v[1], v[3]);
            return Close(sg, 1 + e0, m0) && Close(yg, 2 + e1, m1) && Close(sz, 3 + e2, m2) && Close(yz, 4 + e3, m3);
        }).Check(TestSupport.Quick(200));
    }

    [Fact]
    public void Dot3_returns_ss_sy_and_yy()
    {
        Prop.ForAll(Vectors(2).ToArbitrary(), v =>
        {
            Vec.Dot3(v[0], v[1], out double ss, out double sy, out double yy);
            var (e0, m0) = Dot(v[0], v[0]);
            var (e1, m1) = Dot(v[0], v[1]);
            var (e2, m2) = Dot(v[1], v[1]);
            return Close(ss, e0, m0) && Close(sy, e1, m1) && Close(yy, e2, m2);
        }).Check(TestSupport.Quick(200));
    }

    [Fact]
    public void Axpy2_adds_both_scaled_vectors()
    {
        var gen = from v in Vectors(3) from a in TestSupport.Uniform(-2, 2) from b in TestSupport.Uniform(-2, 2) select (v, a, b);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var d = (double[])t.v[2].Clone();
            Vec.Axpy2(t.a, t.v[0], t.b, t.v[1], d);
            return d.Select((di, i) => (di, e: t.v[2][i] + t.a * t.v[0][i] + t.b * t.v[1][i], m: Math.Abs(t.v[2][i]) + Math.Abs(t.a * t.v[0][i]) + Math.Abs(t.b * t.v[1][i])))
                .All(p => Close(p.di, p.e, p.m));
        }).Check(TestSupport.Quick(200));
    }
}
