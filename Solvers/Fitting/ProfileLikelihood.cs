using System.Globalization;

namespace Optima.Solvers.Fitting;

/// <summary>
/// A profile-likelihood confidence interval of one parameter (<see cref="FitResult.ProfileIntervals"/>), beside the
/// covariance-based one.
/// </summary>
/// <param name="Parameter">The parameter's name.</param>
/// <param name="Value">Its fitted value.</param>
/// <param name="Lower">The lower end; the lower bound when <paramref name="LowerOpen"/>; NaN when it could not be found (see <paramref name="Message"/>).</param>
/// <param name="Upper">The upper end; the upper bound when <paramref name="UpperOpen"/>; NaN when it could not be found.</param>
/// <param name="Level">The confidence level.</param>
/// <param name="CovarianceLower">The covariance-based interval's lower end (value − t·SE), for comparison.</param>
/// <param name="CovarianceUpper">The covariance-based interval's upper end.</param>
/// <param name="LowerOpen">The profile stays below the threshold down to the parameter's bound (or 2⁶⁰ standard errors): the interval is open there.</param>
/// <param name="UpperOpen">The same at the upper end.</param>
/// <param name="Fits">Re-fits spent on this parameter.</param>
/// <param name="Message">Why an end is NaN or open; null when both ends were found.</param>
public sealed record ProfileInterval(string Parameter, double Value, double Lower, double Upper, double Level,
    double CovarianceLower, double CovarianceUpper, bool LowerOpen, bool UpperOpen, int Fits, string? Message);

/// <summary>
/// Profile-likelihood intervals as lmfit's <c>conf_interval</c> computes them: a parameter θ is held at trial values and
/// the others re-fitted; an end of the interval is where the F-test of the constrained fit against the best one reaches
/// the level, (χ²(θ)/χ²̂ − 1)·ν = F⁻¹(level; 1, ν) = t²_{(1+level)/2, ν} with ν the degrees of freedom. For a model
/// linear in its parameters χ²(θ) is quadratic and the interval is exactly the covariance-based θ̂ ± t·SE; for a curved
/// model it follows the curvature, and it may be asymmetric or open where the covariance approximation is poor.
/// </summary>
internal static class ProfileLikelihood
{
    // Brackets grow by this factor from t·SE until the threshold is crossed, at most MaxExpansions times.
    private const double Growth = 2;
    private const int MaxExpansions = 60;
    private const int MaxRootSteps = 60;

    public static ProfileInterval Interval(FitResult fit, FitSetup setup, int k, double level)
    {
        string name = fit.ParameterNames[k];
        double theta = fit.Parameters[k], se = fit.StandardErrors[k];
        int dof = fit.DegreesOfFreedom;
        double t = Statistics.TQuantile(dof, level);
        double best = fit.Cost;
        double covLower = theta - t * se, covUpper = theta + t * se;
        if (fit.IsFixed[k])
            return new(name, theta, double.NaN, double.NaN, level, covLower, covUpper, false, false, 0, $"{name} is fixed in the fit.");

        var profile = new Profile(fit, setup, k, t * t, best);
        // The first trial step: the covariance's half-width, or, for a parameter on a bound (SE = 0), a small relative one.
        double step = se > 0 && double.IsFinite(se) ? t * se : Math.Max(Math.Abs(theta), 1.0) * 1e-3;
        var lower = profile.End(theta, -step, setup.Bounds[k].Lower);
        var upper = profile.End(theta, step, setup.Bounds[k].Upper);
        string? message = (lower.Message, upper.Message) switch
        {
            (null, null) => null,
            (string a, null) => "lower end: " + a,
            (null, string b) => "upper end: " + b,
            (string a, string b) => "lower end: " + a + " Upper end: " + b,
        };
        return new(name, theta, lower.Value, upper.Value, level, covLower, covUpper, lower.Open, upper.Open, profile.Fits, message);
    }

    /// <summary>χ²(θ) − threshold along one parameter, by re-fits warm-started from the nearest profile point.</summary>
    private sealed class Profile(FitResult fit, FitSetup setup, int k, double tSquared, double best)
    {
        private readonly FitOptions _options = setup.Options with
        {
            Fixed = [.. setup.Options.Fixed ?? Array.Empty<string>(), fit.ParameterNames[k]],
            Progress = null,
            RecordHistory = false,
            RecordPath = false,
        };

        public int Fits { get; private set; }

        /// <summary>g(θ) = (χ²(θ)/χ̂² − 1)·ν − t²: negative inside the interval, zero at its ends.</summary>
        private double G(double value, double[] warm, out double[] parameters)
        {
            var start = (double[])warm.Clone();
            start[k] = value;
            Fits++;
            double cost;
            if (setup.Free.Length == 1)
            {
                // The profiled parameter is the only free one: nothing to re-fit, χ²(θ) is the cost at θ.
                parameters = start;
                cost = CostAt(start);
            }
            else
            {
                var refit = CurveFit.Run(setup.Model, setup.ModelText, setup.Names, setup.Rows, setup.Variables, setup.Y, start, _options);
                parameters = refit.Parameters;
                cost = refit.IsUsable ? refit.Cost : double.NaN;
            }
            if (!double.IsFinite(cost)) return double.NaN;
            return best > 0 ? (cost / best - 1) * fit.DegreesOfFreedom - tSquared : double.PositiveInfinity;
        }

        /// <summary>The fit's cost Σ ρ((w(y − f))²) at <paramref name="parameters"/>, as the statistics compute it.</summary>
        private double CostAt(double[] parameters)
        {
            int m = setup.Y.Length;
            var f = new double[m];
            setup.Model.Evaluate(setup.Rows, setup.Variables, parameters, f, null);
            var loss = setup.Options.Loss;
            for (int i = 0; i < m; i++)
            {
                double r = (setup.ResidualWeights is { } w ? w[i] : 1) * (f[i] - setup.Y[i]);
                f[i] = loss.Kind == LossKind.Linear ? r : loss.Transform(r).Value;
            }
            return AccurateSum.SumOfSquares(f);
        }

        /// <summary>The end of the interval from θ̂ in the direction of <paramref name="step"/>, stopping at <paramref name="bound"/>.</summary>
        public (double Value, bool Open, string? Message) End(double theta, double step, double bound)
        {
            // Bracket: grow the step until g ≥ 0, the bound is reached, or the re-fit fails.
            double inside = theta, gInside = -tSquared;
            double[] warm = fit.Parameters;
            double outside = double.NaN, gOutside = double.NaN;
            for (int e = 0; e < MaxExpansions; e++)
            {
                double trial = theta + step;
                bool atBound = step < 0 ? trial <= bound : trial >= bound;
                if (atBound) trial = bound;
                if (!double.IsFinite(trial)) break;
                double g = G(trial, warm, out var parameters);
                if (double.IsNaN(g))
                    return (double.NaN, false, string.Create(CultureInfo.InvariantCulture,
                        $"the re-fit with {fit.ParameterNames[k]} = {trial:G6} did not converge, so the profile is unknown beyond {inside:G6}."));
                if (g >= 0) { outside = trial; gOutside = g; break; }
                inside = trial; gInside = g; warm = parameters;
                if (atBound) return (bound, true, string.Create(CultureInfo.InvariantCulture,
                    $"the profile stays below the level up to the bound {bound:G6}: the interval is open there."));
                step *= Growth;
            }
            if (double.IsNaN(outside))
                return (step < 0 ? double.NegativeInfinity : double.PositiveInfinity, true,
                    "the profile stays below the level as far as it was followed: the interval is open there.");

            // Illinois regula falsi on the bracket [inside, outside] (g < 0 inside, ≥ 0 outside), warm-started from the
            // inner end, to a width of 1e-10 relative to the bracket.
            double tolerance = 1e-10 * Math.Max(Math.Abs(outside - theta), Math.Abs(theta) * 1e-6);
            int side = 0;
            for (int i = 0; i < MaxRootSteps && Math.Abs(outside - inside) > tolerance; i++)
            {
                double trial = (inside * gOutside - outside * gInside) / (gOutside - gInside);
                if (!(Math.Min(inside, outside) < trial && trial < Math.Max(inside, outside))) trial = 0.5 * (inside + outside);
                double g = G(trial, warm, out var parameters);
                if (double.IsNaN(g))
                    return (double.NaN, false, string.Create(CultureInfo.InvariantCulture,
                        $"the re-fit with {fit.ParameterNames[k]} = {trial:G6} did not converge."));
                if (g >= 0)
                {
                    outside = trial; gOutside = g;
                    if (side == 1) gInside *= 0.5; // Illinois: halve the stale end's value so it moves too
                    side = 1;
                }
                else
                {
                    inside = trial; gInside = g; warm = parameters;
                    if (side == -1) gOutside *= 0.5;
                    side = -1;
                }
            }
            return (gOutside == 0 ? outside : inside - gInside * (outside - inside) / (gOutside - gInside), false, null);
        }
    }
}
