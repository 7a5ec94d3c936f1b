using System.Diagnostics;
using System.Globalization;
using Optima.Problems.Expressions;
using Optima.Problems.Nist;
using Optima.Solvers.Fitting;
using Optima.Tests.Derivatives;
using Xunit;
using Xunit.Abstractions;

namespace Optima.Tests.Fitting;

/// <summary>
/// The NIST StRD models written as generic-math models (the expression tree walked on any number type) and fitted with
/// the Jacobian by autodiff: on jets (one evaluation per point) the fit is, to the bit, the fit with one
/// <c>Dual&lt;double&gt;</c> evaluation per parameter, as autodiff ran before jets.
/// </summary>
public class NistAutoDiffFitTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Autodiff_fits_on_jets_are_the_dual_pass_fits_to_the_bit()
    {
        string dir = TestSupport.RequireSharedData("nist");
        var ci = CultureInfo.InvariantCulture;
        int atLeast8 = 0, count = 0;
        double worst = double.PositiveInfinity;
        var clock = Stopwatch.StartNew();
        foreach (var d in NistDataset.LoadAll(dir))
        {
            var model = new GenericExpressionModel(Expression.Parse(d.Model), d.PredictorNames, d.ParameterNames);
            FitFunctionWithGradient dualPasses = model.DualPasses;
            for (int s = 1; s <= 2; s++)
            {
                var jets = CurveFit.Fit(model, d.Predictors, d.Response, d.Start(s));
                var duals = CurveFit.Fit(dualPasses, d.Predictors, d.Response, d.Start(s));
                Assert.Equal(duals.Iterations, jets.Iterations);
                for (int k = 0; k < d.ParameterCount; k++)
                    Assert.True(BitConverter.DoubleToInt64Bits(jets.Parameters[k]) == BitConverter.DoubleToInt64Bits(duals.Parameters[k]),
                        $"{d.Name} start {s}: {d.ParameterNames[k]} = {jets.Parameters[k]:R} (jets) vs {duals.Parameters[k]:R} (dual passes)");
                double lre = Enumerable.Range(0, d.ParameterCount)
                    .Min(k => NistDataset.LogRelativeError(jets.Parameters[k], d.CertifiedValues[k]));
                output.WriteLine(string.Create(ci, $"{d.Name,-10} {s}  params LRE {lre,5:F1}  {jets.Reason} it={jets.Iterations}"));
                worst = Math.Min(worst, lre);
                count++;
                if (lre >= 8) atLeast8++;
            }
        }
        output.WriteLine(string.Create(ci, $"{count} fits, parameter LRE >= 8: {atLeast8}, worst {worst:F1}; {clock.Elapsed.TotalSeconds:F2} s"));
        Assert.Equal(54, count);
        // Measured: 53 of 54 at parameter LRE ≥ 8, Thurber from start 1 at 7.6. The generic model has no double-double
        // residuals (the expression path's polish uses them and reaches ≥ 8 on all 54); dual passes gave the same bits.
        Assert.True(atLeast8 >= 53, $"{atLeast8} of 54 at parameter LRE >= 8");
        Assert.True(worst >= 7.5, $"worst parameter LRE {worst:F2}");
    }
}
