using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using Optima.Problems;
using Optima.Problems.Data;
using Optima.Solvers;
using Optima.Solvers.Fitting;
using Xunit;

namespace Optima.Tests.Fitting;

/// <summary>y = b1·exp(−b2·x) + b3, written once with generic math (exact Jacobian by autodiff).</summary>
internal readonly struct DecayModel : IScalarFitModel
{
    public T Evaluate<T>(T x, ReadOnlySpan<T> p) where T : IFloatingPointIeee754<T> => p[0] * T.Exp(-p[1] * x) + p[2];
}

/// <summary>y = b1 + b2·x1 + b3·x1·x2 (a vector-x model).</summary>
internal readonly struct SurfaceModel : IFitModel
{
    public T Evaluate<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> p) where T : IFloatingPointIeee754<T> => p[0] + p[1] * x[0] + p[2] * x[0] * x[1];
}

public class CurveFitTests
{
    /// <summary>A random instance of the decay model and its data: x on [0, 4], σ = noise.</summary>
    private sealed record Instance(double[] Truth, double[] X, double[] Y, double[] Start);

    private static Instance Make(ulong seed, double noise, int points = 40)
    {
        var rng = new Xoshiro256StarStar(seed);
        double[] truth = [rng.NextDouble(0.5, 5), rng.NextDouble(0.3, 2), rng.NextDouble(-1, 1)];
        var x = Enumerable.Range(0, points).Select(i => 4.0 * i / (points - 1)).ToArray();
        var y = x.Select(v => truth[0] * Math.Exp(-truth[1] * v) + truth[2] + noise * rng.NextGaussian()).ToArray();
        double[] start = [truth[0] * rng.NextDouble(0.6, 1.5), truth[1] * rng.NextDouble(0.6, 1.5), truth[2] + rng.NextDouble(-0.5, 0.5)];
        return new Instance(truth, x, y, start);
    }

    private static Arbitrary<ulong> Seeds => Gen.Choose(0, int.MaxValue).Select(i => (ulong)i).ToArbitrary();

    [Fact]
    public void Small_noise_recovers_the_generating_parameters_within_a_few_standard_errors()
    {
        Prop.ForAll(Seeds, seed =>
        {
            var d = Make(seed, 0.01);
            var fit = CurveFit.Fit(new DecayModel(), d.X, d.Y, d.Start);
            Assert.True(fit.IsConverged, fit.FullReport());
            for (int k = 0; k < 3; k++)
                Assert.True(Math.Abs(fit.Parameters[k] - d.Truth[k]) <= 5 * fit.StandardErrors[k],
                    $"seed {seed}: {fit.ParameterNames[k]} = {fit.Parameters[k]} ± {fit.StandardErrors[k]}, truth {d.Truth[k]}");
            // The expression model gives the same fit.
            var viaExpression = CurveFit.Fit("b1*exp(-b2*x) + b3", d.X, d.Y, d.Start);
            for (int k = 0; k < 3; k++)
                Assert.Equal(fit.Parameters[k], viaExpression.Parameters[k], 1e-7 * Math.Max(1, Math.Abs(fit.Parameters[k])));
        }).Check(TestSupport.Quick(40));
    }

    [Fact]
    public void Zero_noise_recovers_the_parameters_to_1e_8_with_every_derivative_source()
    {
        Prop.ForAll(Seeds, seed =>
        {
            var d = Make(seed, 0);
            var fits = new[]
            {
                CurveFit.Fit(new DecayModel(), d.X, d.Y, d.Start),
                CurveFit.Fit("b1*exp(-b2*x) + b3", d.X, d.Y, d.Start),
                CurveFit.Fit((x, p) => p[0] * Math.Exp(-p[1] * x[0]) + p[2], d.X, d.Y, d.Start),
                CurveFit.Fit((ReadOnlySpan<double> x, ReadOnlySpan<double> p, Span<double> g) =>
                {
                    double e = Math.Exp(-p[1] * x[0]);
                    g[0] = e;
                    g[1] = -p[0] * x[0] * e;
                    g[2] = 1;
                    return p[0] * e + p[2];
                }, d.X, d.Y, d.Start),
            };
            foreach (var fit in fits)
            {
                Assert.True(fit.IsConverged, fit.FullReport());
                for (int k = 0; k < 3; k++)
                    Assert.True(Math.Abs(fit.Parameters[k] - d.Truth[k]) <= 1e-8 * Math.Max(1, Math.Abs(d.Truth[k])),
                        $"seed {seed}, {fit.Derivatives}: {fit.ParameterNames[k]} = {fit.Parameters[k]:R}, truth {d.Truth[k]:R}");
            }
        }).Check(TestSupport.Quick(25));
    }

    [Fact]
    public void Weights_scale_the_covariance_as_theory_says()
    {
        Prop.ForAll(Seeds, seed =>
        {
            var d = Make(seed, 0.02);
            var rng = new Xoshiro256StarStar(seed + 1);
            var sigma = d.X.Select(_ => rng.NextDouble(0.01, 0.05)).ToArray();
            double c = rng.NextDouble(0.1, 10);
            var a = CurveFit.Fit(new DecayModel(), d.X, d.Y, d.Start, new FitOptions { Sigma = sigma });
            // Relative weights: multiplying every σ by c changes neither the parameters nor the (s²-scaled) covariance.
            var b = CurveFit.Fit(new DecayModel(), d.X, d.Y, d.Start, new FitOptions { Sigma = [.. sigma.Select(s => c * s)] });
            // Absolute σ: cov = (JᵀWJ)⁻¹, so it scales with c² …
            var abs1 = CurveFit.Fit(new DecayModel(), d.X, d.Y, d.Start, new FitOptions { Sigma = sigma, AbsoluteSigma = true });
            var absC = CurveFit.Fit(new DecayModel(), d.X, d.Y, d.Start, new FitOptions { Sigma = [.. sigma.Select(s => c * s)], AbsoluteSigma = true });
            // … and statistical weights W = 1/σ² are the same fit as σ.
            var w = CurveFit.Fit(new DecayModel(), d.X, d.Y, d.Start, new FitOptions { Weights = [.. sigma.Select(s => 1 / (s * s))] });
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(a.Parameters[i], b.Parameters[i], 1e-8 * Math.Max(1, Math.Abs(a.Parameters[i])));
                for (int j = 0; j < 3; j++)
                {
                    double scale = Math.Abs(a.Covariance[i, i] * a.Covariance[j, j]) is var s2 && s2 > 0 ? Math.Sqrt(s2) : 1;
                    Assert.True(Math.Abs(a.Covariance[i, j] - b.Covariance[i, j]) <= 1e-6 * scale, $"seed {seed}: relative weights changed cov[{i},{j}]");
                    Assert.True(Math.Abs(a.Covariance[i, j] - w.Covariance[i, j]) <= 1e-6 * scale, $"seed {seed}: weights ≠ σ");
                    Assert.True(Math.Abs(c * c * abs1.Covariance[i, j] - absC.Covariance[i, j]) <= 1e-6 * c * c * Math.Sqrt(abs1.Covariance[i, i] * abs1.Covariance[j, j]),
                        $"seed {seed}: absolute σ·{c} should scale cov by {c * c}");
                }
            }
            // Scaled vs absolute differ exactly by the reduced χ².
            Assert.Equal(a.Covariance[0, 0], abs1.Covariance[0, 0] * a.ReducedChiSquare, 1e-6 * a.Covariance[0, 0]);
        }).Check(TestSupport.Quick(25));
    }

    [Fact]
    public void A_fixed_parameter_stays_exactly_fixed_and_leaves_the_degrees_of_freedom()
    {
        Prop.ForAll(Seeds, seed =>
        {
            var d = Make(seed, 0.01);
            double[] start = [d.Start[0], d.Start[1], d.Truth[2]];
            var fit = CurveFit.Fit("b1*exp(-b2*x) + b3", d.X, d.Y, start, new FitOptions { Fixed = ["b3"] });
            Assert.Equal(start[2], fit.Parameters[2]);                   // bit for bit
            Assert.True(fit.IsFixed[2]);
            Assert.Equal(0, fit.StandardErrors[2]);
            Assert.Equal(d.X.Length - 2, fit.DegreesOfFreedom);
            Assert.Equal(fit.Parameters[2], fit.LowerConfidence[2]);
            Assert.True(fit.StandardErrors[0] > 0 && fit.StandardErrors[1] > 0);
        }).Check(TestSupport.Quick(25));
    }

    [Fact]
    public void Fits_with_bounds_never_evaluate_or_end_outside_them()
    {
        Prop.ForAll(Seeds, seed =>
        {
            var d = Make(seed, 0.01);
            var rng = new Xoshiro256StarStar(seed + 7);
            // Bounds around the start; the truth may lie outside, so fits often end on a bound.
            var lo = d.Start.Select(s => s - Math.Abs(s) * rng.NextDouble(0, 0.3) - 1e-3).ToArray();
            var hi = d.Start.Select(s => s + Math.Abs(s) * rng.NextDouble(0, 0.3) + 1e-3).ToArray();
            var bounds = new Dictionary<string, ParameterBounds>
            {
                ["p1"] = new(lo[0], hi[0]), ["p2"] = new(lo[1], double.PositiveInfinity), ["p3"] = new(double.NegativeInfinity, hi[2]),
            };
            bool outside = false;
            FitFunction model = (x, p) =>
            {
                if (p[0] < lo[0] || p[0] > hi[0] || p[1] < lo[1] || p[2] > hi[2]) outside = true;
                return p[0] * Math.Exp(-p[1] * x[0]) + p[2];
            };
            foreach (var method in new[] { FitMethod.LevenbergMarquardt, FitMethod.Dogleg, FitMethod.GaussNewton })
            {
                var fit = CurveFit.Fit(model, d.X, d.Y, d.Start, new FitOptions { Bounds = bounds, Method = method });
                Assert.False(outside, $"seed {seed}, {method}: the model was evaluated outside the bounds");
                Assert.InRange(fit.Parameters[0], lo[0], hi[0]);
                Assert.True(fit.Parameters[1] >= lo[1]);
                Assert.True(fit.Parameters[2] <= hi[2]);
                // Gauss-Newton is not globally convergent (a bound makes J singular in the transformed variable), so only
                // the trust-region methods must end usable.
                if (method != FitMethod.GaussNewton) Assert.True(fit.IsUsable, $"seed {seed}, {method}: {fit.Reason}");
            }
        }).Check(TestSupport.Quick(20));
    }

    [Fact]
    public void Bounds_that_do_not_bind_give_the_unbounded_fit_and_its_covariance()
    {
        var d = Make(42, 0.01);
        var free = CurveFit.Fit("b1*exp(-b2*x) + b3", d.X, d.Y, d.Start);
        var bounded = CurveFit.Fit("b1*exp(-b2*x) + b3", d.X, d.Y, d.Start, new FitOptions
        {
            Bounds = new Dictionary<string, ParameterBounds> { ["b1"] = new(0, 100), ["b2"] = new(0, double.PositiveInfinity) },
        });
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(free.Parameters[k], bounded.Parameters[k], 1e-7 * Math.Max(1, Math.Abs(free.Parameters[k])));
            Assert.Equal(free.StandardErrors[k], bounded.StandardErrors[k], 1e-5 * free.StandardErrors[k]);
            Assert.False(bounded.AtBound[k]);
        }
    }

    [Fact]
    public void A_binding_bound_is_reported_and_held_out_of_the_covariance()
    {
        var d = Make(3, 0.01);
        double cap = d.Truth[0] * 0.8;
        var fit = CurveFit.Fit("b1*exp(-b2*x) + b3", d.X, d.Y, [cap * 0.9, d.Start[1], d.Start[2]], new FitOptions
        {
            Bounds = new Dictionary<string, ParameterBounds> { ["b1"] = new(0, cap) },
        });
        Assert.True(fit.AtBound[0], fit.FullReport());
        Assert.True(fit.Parameters[0] <= cap && fit.Parameters[0] >= cap * (1 - 1e-9));
        Assert.Equal(0, fit.StandardErrors[0]);
        Assert.True(fit.StandardErrors[1] > 0);
    }

    [Fact]
    public void Robust_losses_resist_outliers()
    {
        var d = Make(11, 0.01, 60);
        var y = (double[])d.Y.Clone();
        for (int i = 5; i < y.Length; i += 10) y[i] += 3;   // 6 gross outliers
        var plain = CurveFit.Fit(new DecayModel(), d.X, y, d.Start);
        foreach (var kind in new[] { LossKind.Huber, LossKind.SoftL1, LossKind.Cauchy, LossKind.Arctan })
        {
            var robust = CurveFit.Fit(new DecayModel(), d.X, y, d.Start, new FitOptions { Loss = new RobustLoss(kind, 0.05) });
            Assert.True(robust.IsUsable, $"{kind}: {robust.Reason}");
            double errRobust = Math.Abs(robust.Parameters[2] - d.Truth[2]), errPlain = Math.Abs(plain.Parameters[2] - d.Truth[2]);
            Assert.True(errRobust < 0.5 * errPlain, $"{kind}: offset error {errRobust} vs least squares {errPlain}");
            Assert.True(robust.Cost < robust.ResidualSumOfSquares, kind.ToString());
        }
        Assert.Equal(RobustLoss.Parse("huber:1.5"), new RobustLoss(LossKind.Huber, 1.5));
        Assert.Equal(LossKind.SoftL1, RobustLoss.Parse("soft-l1").Kind);
    }

    [Fact]
    public void Vector_x_models_fit_with_autodiff_and_expressions()
    {
        var rng = new Xoshiro256StarStar(5);
        var x1 = Enumerable.Range(0, 30).Select(_ => rng.NextDouble(-2, 2)).ToArray();
        var x2 = Enumerable.Range(0, 30).Select(_ => rng.NextDouble(-2, 2)).ToArray();
        var y = x1.Select((a, i) => 1.5 - 0.5 * a + 2 * a * x2[i]).ToArray();
        var g = CurveFit.Fit(new SurfaceModel(), [x1, x2], y, [0.0, 0.0, 0.0]);
        var e = CurveFit.Fit("c0 + c1*x1 + c2*x1*x2", ["x1", "x2"], [x1, x2], y, new Dictionary<string, double> { ["c0"] = 0, ["c1"] = 0, ["c2"] = 0 });
        foreach (var fit in new[] { g, e })
        {
            Assert.Equal(1.5, fit.Parameters[0], 1e-10);
            Assert.Equal(-0.5, fit.Parameters[1], 1e-10);
            Assert.Equal(2, fit.Parameters[2], 1e-10);
            Assert.Equal(1.0, fit.RSquared, 1e-12);
        }
    }

    [Fact]
    public void Every_method_converges_and_the_report_names_what_ran()
    {
        var d = Make(9, 0.01);
        foreach (var method in new[] { FitMethod.LevenbergMarquardt, FitMethod.GaussNewton, FitMethod.Dogleg })
        {
            var fit = CurveFit.Fit("b1*exp(-b2*x) + b3", d.X, d.Y, d.Start, new FitOptions { Method = method, ConfidenceLevel = 0.9 });
            Assert.True(fit.IsConverged, $"{method}: {fit.Reason} {fit.Message}");
            string report = fit.FullReport();
            Assert.Contains("90% interval", report);
            Assert.Contains("b2", report);
            Assert.Contains("Correlation matrix", report);
            // t quantile of the 90% interval with 37 dof.
            Assert.Equal(1.6870936, fit.TQuantile, 1e-6);
            Assert.Equal(fit.Parameters[1] + fit.TQuantile * fit.StandardErrors[1], fit.UpperConfidence[1], 1e-12);
            Assert.Equal(1.0, fit.Correlation[0, 0]);
            Assert.InRange(fit.Correlation[0, 1], -1, 1);
        }
    }

    [Fact]
    public void Cancellation_and_progress_are_honoured()
    {
        var d = Make(2, 0.01);
        var records = new List<IterationRecord>();
        var fit = CurveFit.Fit("b1*exp(-b2*x) + b3", d.X, d.Y, d.Start, new FitOptions { Progress = new SyncProgress(records.Add) });
        Assert.True(records.Count >= 2);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var cancelled = CurveFit.Fit("b1*exp(-b2*x) + b3", d.X, d.Y, d.Start, new FitOptions { CancellationToken = cts.Token });
        Assert.Equal(TerminationReason.Cancelled, cancelled.Reason);
        Assert.False(cancelled.IsConverged);
        Assert.Equal(d.Start, cancelled.Parameters);
    }

    private sealed class SyncProgress(Action<IterationRecord> action) : IProgress<IterationRecord>
    {
        public void Report(IterationRecord value) => action(value);
    }

    public static TheoryData<string, Func<FitResult>> BadInputs()
    {
        double[] x = [1, 2, 3, 4, 5], y = [1, 2, 3, 4, 5];
        var start = new Dictionary<string, double> { ["a"] = 1, ["b"] = 0.1 };
        return new()
        {
            { "values of x but 4 values of y", () => CurveFit.Fit("a*exp(b*x)", x, [1, 2, 3, 4], start) },
            { "at least as many points as free parameters", () => CurveFit.Fit("a*exp(b*x)", [1.0], [2.0], start) },
            { "y at point 3", () => CurveFit.Fit("a*exp(b*x)", x, [1, 2, double.NaN, 4, 5], start) },
            { "x at point 2", () => CurveFit.Fit("a*exp(b*x)", [1, double.PositiveInfinity, 3, 4, 5], y, start) },
            { "σ at point 1", () => CurveFit.Fit("a*exp(b*x)", x, y, start, new FitOptions { Sigma = [0, 1, 1, 1, 1] }) },
            { "σ at point 5", () => CurveFit.Fit("a*exp(b*x)", x, y, start, new FitOptions { Sigma = [1, 1, 1, 1, -2] }) },
            { "a = 1, b = -10", () => CurveFit.Fit("a*log(x + b)", x, y, new Dictionary<string, double> { ["a"] = 1, ["b"] = -10 }) },
            { "Unknown parameter 'c'", () => CurveFit.Fit("a*exp(b*x)", x, y, new Dictionary<string, double> { ["a"] = 1, ["b"] = 0.1, ["c"] = 2 }) },
            { "No start value for b", () => CurveFit.Fit("a*exp(b*x)", x, y, new Dictionary<string, double> { ["a"] = 1 }) },
            { "lower 2 > upper 1", () => CurveFit.Fit("a*exp(b*x)", x, y, start, new FitOptions { Bounds = new Dictionary<string, ParameterBounds> { ["a"] = new(2, 1) } }) },
            { "lies outside its bounds", () => CurveFit.Fit("a*exp(b*x)", x, y, start, new FitOptions { Bounds = new Dictionary<string, ParameterBounds> { ["b"] = new(1, 2) } }) },
            { "Unknown parameter 'q' in bounds", () => CurveFit.Fit("a*exp(b*x)", x, y, start, new FitOptions { Bounds = new Dictionary<string, ParameterBounds> { ["q"] = new(1, 2) } }) },
            { "Unknown parameter 'z' in --fix", () => CurveFit.Fit("a*exp(b*x)", x, y, start, new FitOptions { Fixed = ["z"] }) },
            { "Every parameter is fixed", () => CurveFit.Fit("a*exp(b*x)", x, y, start, new FitOptions { Fixed = ["a", "b"] }) },
            { "either Sigma or Weights", () => CurveFit.Fit("a*exp(b*x)", x, y, start, new FitOptions { Sigma = [1, 1, 1, 1, 1], Weights = [1, 1, 1, 1, 1] }) },
            { "strictly between 0 and 1", () => CurveFit.Fit("a*exp(b*x)", x, y, start, new FitOptions { ConfidenceLevel = 1.5 }) },
            { "more parameters than the 1 start values", () => CurveFit.Fit(new DecayModel(), x, y, [1.0]) },
        };
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_throws_an_argument_exception_that_names_the_cause(string expected, Func<FitResult> fit)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => fit());
        Assert.Contains(expected, e.Message);
    }
}

