using FsCheck;
using FsCheck.Fluent;
using Optima.Solvers.Stochastic;
using Xunit;

namespace Optima.Tests.Stochastic;

public class ScheduleTests
{
    private static void Near(double expected, double actual) => Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void Values_at_key_steps()
    {
        Near(0.1, Schedule.Constant(0.1).At(12345));
        var step = Schedule.Step(1.0, 10, 0.5);
        Near(1.0, step.At(9)); Near(0.5, step.At(10)); Near(0.25, step.At(25));
        var multi = Schedule.MultiStep(1.0, [3, 7]);
        Near(1.0, multi.At(2)); Near(0.1, multi.At(3)); Near(0.1, multi.At(6)); Near(0.01, multi.At(7));
        Near(0.5 * Math.Pow(0.9, 5), Schedule.Exponential(0.5, 0.9).At(5));
        Near(1.0 / 3, Schedule.InverseTime(1.0).At(2));
        Near(1.0 / Math.Pow(1.5, 0.6), Schedule.InverseTime(1.0, 10, 0.6).At(5));
        var poly = Schedule.Polynomial(1.0, 10, 2.0, 0.1);
        Near(1.0, poly.At(0)); Near(0.1 + 0.9 * 0.25, poly.At(5)); Near(0.1, poly.At(10)); Near(0.1, poly.At(100));
        var cos = Schedule.Cosine(1.0, 100, 0.1);
        Near(1.0, cos.At(0)); Near(0.55, cos.At(50)); Near(0.1, cos.At(100)); Near(0.1, cos.At(150));
        var warm = Schedule.LinearWarmup(0, 1, 4);
        Near(0, warm.At(0)); Near(0.5, warm.At(2)); Near(1, warm.At(4)); Near(1, warm.At(9));
        var tri = Schedule.Triangular(0.1, 1.0, 5);
        Near(0.1, tri.At(0));
        Near(0.46, tri.At(2)); Near(1.0, tri.At(5)); Near(0.1, tri.At(10)); Near(1.0, tri.At(15));
        var sgdr = Schedule.Sgdr(1.0, 10, 2, 0.0);
        Near(1.0, sgdr.At(0)); Near(0.5, sgdr.At(5)); Near(1.0, sgdr.At(10)); Near(0.5, sgdr.At(20)); Near(1.0, sgdr.At(30)); Near(1.0, sgdr.At(70));
        var one = Schedule.OneCycle(1.0, 100);
        Near(1.0 / 25, one.At(0)); Near(1.0, one.At(29)); Near(1.0 / 25 / 1e4, one.At(99)); Near(1.0 / 25 / 1e4, one.At(500));
        var joined = Schedule.WarmupThen(10, Schedule.Cosine(2.0, 20));
        Near(0, joined.At(0)); Near(1.0, joined.At(5)); Near(2.0, joined.At(10)); Near(1.0, joined.At(20)); Near(0, joined.At(30));
    }

    [Fact]
    public void Shapes_bounds_monotone_pieces_and_restarts()
    {
        var gen = from lr in TestSupport.Uniform(1e-4, 1)
                  from min in TestSupport.Uniform(0, 1e-4)
                  from period in Gen.Choose(2, 200)
                  select (lr, min, period);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (lr, min, period) = t;
            var cos = Schedule.Cosine(lr, period, min);
            var sgdr = Schedule.Sgdr(lr, period, 2, min);
            var one = Schedule.OneCycle(lr, 4 * period);
            var tri = Schedule.Triangular(min, lr, period);
            bool ok = true;
            for (long s = 1; s < 4 * period; s++)
            {
                ok &= cos.At(s) <= cos.At(s - 1) + 1e-15 && cos.At(s) >= min - 1e-15 && cos.At(s) <= lr + 1e-15;
                double v = sgdr.At(s);
                ok &= v >= min - 1e-15 && v <= lr + 1e-15;
                bool restart = s == period || s == 3L * period; // cycles of T, 2T, 4T …
                ok &= restart ? Math.Abs(v - lr) < 1e-12 : v <= sgdr.At(s - 1) + 1e-15;
                ok &= one.At(s) <= lr + 1e-15 && one.At(s) > 0;
                ok &= tri.At(s) >= min - 1e-15 && tri.At(s) <= lr + 1e-15;
            }
            return ok;
        }).Check(TestSupport.Quick(30));
    }

    [Fact]
    public void Robbins_Monro_conditions_hold_for_inverse_time_powers_in_the_half_open_interval()
    {
        // Σγ diverges (partial sums keep growing like t^(1−p) or log t) while Σγ² converges (tail bound).
        foreach (double p in new[] { 0.6, 0.8, 1.0 })
        {
            var s = Schedule.InverseTime(1.0, 1.0, p);
            double sum1 = 0, sum2 = 0;
            for (long t = 0; t < 1_000_000; t++) { double g = s.At(t); sum1 += g; sum2 += g * g; }
            Assert.True(sum1 > 10, $"p = {p}: Σγ = {sum1}");
            Assert.True(sum2 < 1 + 1 / (2 * p - 1) + 1, $"p = {p}: Σγ² = {sum2}");
        }
    }

    [Fact]
    public void Invalid_arguments_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedule.Constant(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedule.Constant(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedule.Cosine(1, 0));
        Assert.Throws<ArgumentException>(() => Schedule.MultiStep(1, [5, 3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedule.OneCycle(1, 100, pctStart: 1.5));
    }

    [Fact]
    public void Named_schedules_are_the_builders_after_the_warm_up()
    {
        foreach (var name in Schedule.Names)
        {
            var named = Schedule.Named(name, 0.1, 10, 110, 20);
            Assert.Equal(0.0, named.At(0));
            Assert.Equal(Schedule.Named(name, 0.1, 0, 100, 20).At(0), named.At(10));   // the warm-up ends at the schedule's first value
            Assert.True(Enumerable.Range(0, 300).All(t => named.At(t) is >= 0 and <= 0.1 + 1e-15), name);
        }
        Assert.Equal(Schedule.Cosine(0.1, 100).At(37), Schedule.Named("cosine", 0.1, 10, 110, 20).At(47));
        Assert.Equal(Schedule.Named("onecycle", 0.1, 0, 50, 5).At(7), Schedule.Named("One-Cycle", 0.1, 0, 50, 5).At(7));
        Assert.True(Schedule.SpansRun("cosine") && !Schedule.SpansRun("sgdr"));
        Assert.False(Schedule.IsKnown("warp"));
        Assert.Contains("Known schedules", Assert.Throws<ArgumentException>(() => Schedule.Named("warp", 0.1, 0, 10, 1)).Message);
    }
}
