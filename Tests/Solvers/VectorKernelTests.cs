using FsCheck;
using FsCheck.Fluent;
using Optima.Solvers.Internal;
using Xunit;

namespace Optima.Tests.Solvers;

public class VectorKernelTests
{
    [Fact]
    public void ScaleAxpyDot_equals_the_separate_update_scale_and_dot()
    {
        var gen = from n in Gen.Choose(0, 70)
                  from x in Gen.ArrayOf(TestSupport.Uniform(-3, 3), n)
                  from src in Gen.ArrayOf(TestSupport.Uniform(-3, 3), n)
                  from z in Gen.ArrayOf(TestSupport.Uniform(-3, 3), n)
                  from a in TestSupport.Uniform(-2, 2)
                  from scale in Gen.Elements(1.0, -1.0, 0.37)
                  from inPlace in Gen.Elements(true, false)
                  select (x, src, z, a, scale, inPlace);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            int n = t.x.Length;
            var expected = new double[n];
            double dot = 0, magnitude = 0;
            for (int i = 0; i < n; i++)
            {
                expected[i] = t.scale * (t.src[i] + t.a * t.x[i]);
                dot += t.z[i] * expected[i];
                magnitude += Math.Abs(t.z[i] * expected[i]);
            }
            var dst = t.inPlace ? (double[])t.src.Clone() : new double[n];
            double got = Vec.ScaleAxpyDot(t.scale, t.a, t.x, t.inPlace ? dst : t.src, dst, t.z);
            var noDot = new double[n];
            double zero = Vec.ScaleAxpyDot(t.scale, t.a, t.x, t.src, noDot, default);
            return expected.Zip(dst).All(p => Math.Abs(p.First - p.Second) <= 1e-14 * Math.Max(1, Math.Abs(p.First)))
                && Math.Abs(got - dot) <= 1e-13 * Math.Max(1, magnitude) && zero == 0 && noDot.SequenceEqual(dst);
        }).Check(TestSupport.Quick(200));
    }
}
