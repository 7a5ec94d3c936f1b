using FsCheck;
using FsCheck.Fluent;
using Optima.Problems;
using Optima.Problems.Data;
using Optima.Solvers.Fitting;
using Xunit;

namespace Optima.Tests.Fitting;

public class ProfileLikelihoodTests
{
    private static Arbitrary<ulong> Seeds => Gen.Choose(0, int.MaxValue).Select(i => (ulong)i).ToArbitrary();

    [Fact]
    public void For_a_model_linear_in_its_parameters_the_profile_interval_is_the_covariance_interval()
    {
        // χ²(θ) is exactly quadratic, so (χ²(θ)/χ̂² − 1)·ν = t² at θ̂ ± t·SE.
        Prop.ForAll(Seeds, seed =>
        {
            var rng = new Xoshiro256StarStar(seed);
            int m = 8 + (int)(rng.NextDouble() * 30);
            double[] truth = [rng.NextDouble(-2, 2), rng.NextDouble(-2, 2), rng.NextDouble(-1, 1)];
            double noise = rng.NextDouble(0.01, 1);
            var x = Enumerable.Range(0, m).Select(i => -1 + 3.0 * i / (m - 1)).ToArray();
            var y = x.Select(v => truth[0] + truth[1] * v + truth[2] * v * v + noise * rng.NextGaussian()).ToArray();
            double level = rng.NextDouble(0.5, 0.99);
            var fit = CurveFit.Fit("a + b*x + c*x^2", x, y, [0.0, 0.0, 0.0], new FitOptions { ConfidenceLevel = level });
            Assert.True(fit.IsConverged, fit.FullReport());
            foreach (var interval in fit.ProfileIntervals())
            {
                int k = fit.IndexOf(interval.Parameter);
                double se = fit.StandardErrors[k];
                Assert.Null(interval.Message);
                Assert.Equal(level, interval.Level);
                Assert.Equal(fit.LowerConfidence[k], interval.CovarianceLower);
                Assert.Equal(fit.Parameters[k] - fit.TQuantile * se, interval.Lower, 1e-6 * se);
                Assert.Equal(fit.Parameters[k] + fit.TQuantile * se, interval.Upper, 1e-6 * se);
                Assert.False(interval.LowerOpen || interval.UpperOpen);
            }
        }).Check(TestSupport.Quick(15));
    }

    [Fact]
    public void A_curved_model_gives_the_intervals_of_a_tight_profile_computed_with_scipy_and_lmfit()
    {
        // y = a·exp(−b·x) + c on x = 0…11 (the data below). Reference ends: scipy 1.10.1 least_squares (tolerances 1e-15)
        // re-fits and brentq (xtol = rtol = 1e-13) on the F-test (χ²(θ)/χ̂² − 1)·ν = t²₀.₉₇₅,ν, the criterion of lmfit 1.1.0's
        // conf_interval(sigmas=[0.95]), whose own ends (brentq rtol 5e-5) agree to 6 digits:
        // a 4.874404477858569 … 5.230913048103014, b 0.3700961317625301 … 0.4418698072011109, c 0.8919865654596274 … 1.1109612974765235.
        double[] x = [.. Enumerable.Range(0, 12).Select(i => (double)i)];
        double[] y = [6.093, 4.285600230178196, 3.261644820586108, 2.62897105956101, 1.8984825899732767, 1.7126764161830634,
            1.4295897664470623, 1.3850503131260896, 1.104811019891831, 1.1936186122364627, 1.058578194443671, 1.0673866995153423];
        var fit = CurveFit.Fit("a*exp(-b*x) + c", x, y, [4.0, 0.3, 0.5]);
        Assert.True(fit.IsConverged, fit.FullReport());
        var reference = new Dictionary<string, (double Lower, double Upper)>
        {
            ["a"] = (4.874404483017844, 5.230913042893446),
            ["b"] = (0.3700961318473538, 0.44186980482360705),
            ["c"] = (0.8919865716993047, 1.110961297405443),
        };
        var intervals = fit.ProfileIntervals();
        Assert.Equal(3, intervals.Count);
        foreach (var interval in intervals)
        {
            var (lower, upper) = reference[interval.Parameter];
            double width = upper - lower;
            Assert.Null(interval.Message);
            Assert.Equal(lower, interval.Lower, 1e-7 * width);
            Assert.Equal(upper, interval.Upper, 1e-7 * width);
            Assert.InRange(interval.Fits, 4, 60);
            // The curvature shows: the profile interval is not the symmetric covariance one.
            Assert.NotEqual(interval.CovarianceUpper - interval.Value, interval.Upper - interval.Value, 1e-6 * width);
        }
    }

    [Fact]
    public void A_profile_that_stays_below_the_level_up_to_a_bound_is_open_there()
    {
        // A decay rate the data cannot pin down from above: y barely changes once b·x ≫ 1 at every x but 0.
        double[] x = [0, 5, 6, 7, 8, 9, 10];
        double[] y = [2.01, 0.02, -0.01, 0.0, 0.01, -0.02, 0.01];
        var options = new FitOptions { Bounds = new Dictionary<string, ParameterBounds> { ["b"] = new(0.1, 10) } };
        var fit = CurveFit.Fit("a*exp(-b*x)", x, y, [2.0, 1.0], options);
        var b = fit.ProfileIntervals(["b"]).Single();
        Assert.True(b.UpperOpen, b.ToString());
        Assert.Equal(10, b.Upper);
        Assert.Contains("open", b.Message);
        Assert.False(b.LowerOpen);
        Assert.True(b.Lower < fit["b"] && b.Lower > 0.1, b.ToString());
    }

    [Fact]
    public void Bad_requests_name_the_cause()
    {
        double[] x = [0, 1, 2, 3, 4];
        double[] y = [1.0, 2.1, 2.9, 4.2, 5.0];
        var fit = CurveFit.Fit("a + b*x", x, y, [0.0, 0.0], new FitOptions { Fixed = ["a"] });
        var a = fit.ProfileIntervals(["a"]).Single();
        Assert.True(double.IsNaN(a.Lower) && double.IsNaN(a.Upper));
        Assert.Contains("fixed", a.Message);
        // The only free parameter: its profile is the cost itself (a linear model: the covariance interval).
        var b = Assert.Single(fit.ProfileIntervals());
        Assert.Equal("b", b.Parameter);
        Assert.Equal(fit.LowerConfidence[1], b.Lower, 1e-9);
        Assert.Equal(fit.UpperConfidence[1], b.Upper, 1e-9);
        Assert.Contains("No parameter named", Assert.ThrowsAny<ArgumentException>(() => fit.ProfileIntervals(["q"])).Message);
        Assert.Contains("(0, 1)", Assert.Throws<ArgumentException>(() => fit.ProfileIntervals(level: 1.0)).Message);
        var exact = CurveFit.Fit("a + b*x", [0.0, 1.0], [1.0, 2.0], [0.0, 0.0]);
        Assert.Contains("degrees of freedom", Assert.Throws<ArgumentException>(() => exact.ProfileIntervals()).Message);
    }
}
