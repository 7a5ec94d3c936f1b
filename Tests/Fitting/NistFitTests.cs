using System.Diagnostics;
using System.Globalization;
using Optima.Problems.Nist;
using Optima.Solvers.Fitting;
using Xunit;
using Xunit.Abstractions;

namespace Optima.Tests.Fitting;

public class NistFitTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Every_problem_from_both_starts_meets_the_LRE_bounds_with_default_options()
    {
        string dir = TestSupport.RequireSharedData("nist");
        var all = NistDataset.LoadAll(dir);
        NistRunner.Run(all[0], 1);   // warm-up (JIT)
        var clock = Stopwatch.StartNew();
        var outcomes = NistRunner.RunAll(all);
        clock.Stop();
        var ci = CultureInfo.InvariantCulture;
        foreach (var o in outcomes)
            output.WriteLine(string.Create(ci, $"{o.Problem,-10} {o.Start}  params {o.ParameterLre,5:F1}  sd {o.StandardErrorLre,5:F1}  rss {o.ResidualSumOfSquaresLre,5:F1}  {o.Fit.Reason} it={o.Fit.Iterations} cos={o.Fit.GradientCosine:G2} conv={o.Fit.IsConverged}"));
        output.WriteLine(string.Create(ci, $"params >= 6: {outcomes.Count(o => o.ParameterLre >= 6)}, >= 8: {outcomes.Count(o => o.ParameterLre >= 8)}, sd >= 4: {outcomes.Count(o => o.StandardErrorLre >= 4)}, rss >= 4: {outcomes.Count(o => o.ResidualSumOfSquaresLre >= 4)}; {clock.Elapsed.TotalSeconds:F3} s"));
        Assert.Equal(54, outcomes.Count);
        Assert.All(outcomes, o =>
        {
            // Required: 6 digits; measured: 8 or more on every solve, which this guards.
            Assert.True(o.ParameterLre >= 8, $"{o.Problem} start {o.Start}: parameter LRE {o.ParameterLre:F2}");
            Assert.True(o.StandardErrorLre >= 4, $"{o.Problem} start {o.Start}: standard-deviation LRE {o.StandardErrorLre:F2}");
            Assert.True(o.ResidualSumOfSquaresLre >= 4, $"{o.Problem} start {o.Start}: RSS LRE {o.ResidualSumOfSquaresLre:F2}");
            Assert.True(o.Fit.IsConverged, $"{o.Problem} start {o.Start}: {o.Fit.Reason}");
        });
    }
}
