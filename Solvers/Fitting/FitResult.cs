using System.Globalization;
using System.Text;
using Optima.LinearAlgebra;

namespace Optima.Solvers.Fitting;

/// <summary>
/// The outcome of a curve fit: the parameters with their standard errors, covariance, correlation and confidence
/// intervals, the residuals and goodness-of-fit statistics, and how the solver ran. Failure is data: a fit that did
/// not converge still returns its best parameters with <see cref="IsConverged"/> false and the reason. How the run went —
/// reason, convergence tests, evaluations, history — is its <see cref="Optimization"/>, which the fit reports as is.
/// </summary>
/// <remarks>
/// Statistics follow NIST StRD and gnuplot: the residual variance is s² = RSS/dof with dof = n − (free parameters),
/// and cov = s²·(JᵀWJ)⁻¹ (unscaled when <see cref="FitOptions.AbsoluteSigma"/>), computed from the column-pivoted QR
/// factor R of the weighted Jacobian at the solution as R⁻¹R⁻ᵀ — never by inverting JᵀJ. Fixed parameters and
/// parameters that end on a bound have standard error 0 and take no part in the covariance.
/// </remarks>
public sealed class FitResult : IRunResult
{
    private readonly ModelEvaluator _model;

    // What the fit was given (data, weights, bounds, options), for re-fits such as the profile likelihood; without the
    // solver's work arrays, so a result holds no more than its data.
    private readonly FitSetup? _setup;

    internal FitResult(ModelEvaluator model, FitSetup? setup = null)
    {
        _model = model;
        _setup = setup is null ? null : setup with { Problem = null };
    }

    /// <summary>The model, as text.</summary>
    public required string Model { get; init; }

    /// <summary>The method that ran ("lm", "gauss-newton", "dogleg-ls").</summary>
    public required string Method { get; init; }

    /// <summary>Parameter names, in the order of every parameter-indexed array.</summary>
    public required IReadOnlyList<string> ParameterNames { get; init; }

    /// <summary>The fitted parameters (fixed ones at their given values).</summary>
    public required double[] Parameters { get; init; }

    /// <summary>The starting values.</summary>
    public required double[] Start { get; init; }

    /// <summary>Standard errors √cov_kk (0 for fixed parameters and parameters on a bound; NaN where J is rank deficient).</summary>
    public required double[] StandardErrors { get; init; }

    /// <summary>The p×p covariance matrix of the parameters (rows and columns of fixed or bound parameters are 0).</summary>
    public required double[,] Covariance { get; init; }

    /// <summary>The p×p correlation matrix cov_ij/(σᵢσⱼ) (NaN where a standard error is 0 or NaN, 1 on the diagonal of estimated parameters).</summary>
    public required double[,] Correlation { get; init; }

    /// <summary>The confidence level of <see cref="LowerConfidence"/>/<see cref="UpperConfidence"/>, e.g. 0.95.</summary>
    public required double ConfidenceLevel { get; init; }

    /// <summary>Lower ends of the two-sided Student-t confidence intervals pₖ ± t·σₖ.</summary>
    public required double[] LowerConfidence { get; init; }

    /// <summary>Upper ends of the confidence intervals.</summary>
    public required double[] UpperConfidence { get; init; }

    /// <summary>The Student-t quantile t_{(1+level)/2, dof} used for the intervals.</summary>
    public required double TQuantile { get; init; }

    /// <summary>True for parameters held fixed.</summary>
    public required bool[] IsFixed { get; init; }

    /// <summary>True for free parameters that ended on one of their bounds.</summary>
    public required bool[] AtBound { get; init; }

    /// <summary>The model at the data points, f(xᵢ; p̂).</summary>
    public required double[] FittedValues { get; init; }

    /// <summary>Residuals yᵢ − f(xᵢ; p̂), data minus model, unweighted.</summary>
    public required double[] Residuals { get; init; }

    /// <summary>
    /// The residual sum of squares Σ Wᵢ(yᵢ − f)² (χ² when σ was given; plain Σ(yᵢ − f)² without weights),
    /// accumulated with error-free transformations (FMA products, compensated sums).
    /// </summary>
    public required double ResidualSumOfSquares { get; init; }

    /// <summary>The minimised cost Σ ρ(rᵢ²) (equal to <see cref="ResidualSumOfSquares"/> without a robust loss).</summary>
    public required double Cost { get; init; }

    /// <summary>The cost at the start.</summary>
    public required double InitialCost { get; init; }

    /// <summary>Degrees of freedom n − p_free (points with weight 0 do not count).</summary>
    public required int DegreesOfFreedom { get; init; }

    /// <summary>Number of data points.</summary>
    public required int Points { get; init; }

    /// <summary>The reduced χ² = cost/dof (the residual variance s² when no σ was given).</summary>
    public double ReducedChiSquare => DegreesOfFreedom > 0 ? Cost / DegreesOfFreedom : double.NaN;

    /// <summary>The residual standard deviation s = √(cost/dof).</summary>
    public double ResidualStandardDeviation => Math.Sqrt(ReducedChiSquare);

    /// <summary>Parameters that were estimated (not fixed; those ending on a bound count, as in the degrees of freedom).</summary>
    public int FreeParameters => IsFixed.Count(f => !f);

    /// <summary>Points that carry weight (n of the information criteria): <see cref="DegreesOfFreedom"/> + <see cref="FreeParameters"/>.</summary>
    public int EffectivePoints => DegreesOfFreedom + FreeParameters;

    /// <summary>
    /// Akaike's information criterion n·ln(χ²/n) + 2k with χ² = <see cref="ResidualSumOfSquares"/>, n =
    /// <see cref="EffectivePoints"/> and k = <see cref="FreeParameters"/>: lmfit's definition (−2 ln L of a Gaussian
    /// likelihood with the variance estimated, constants dropped). Lower is better; only differences between models fitted
    /// to the same data mean anything.
    /// </summary>
    public double Aic => EffectivePoints * Math.Log(ResidualSumOfSquares / EffectivePoints) + 2.0 * FreeParameters;

    /// <summary>The Bayesian (Schwarz) information criterion n·ln(χ²/n) + ln(n)·k, with the quantities of <see cref="Aic"/> (lmfit's definition).</summary>
    public double Bic => EffectivePoints * Math.Log(ResidualSumOfSquares / EffectivePoints) + Math.Log(EffectivePoints) * FreeParameters;

    /// <summary>The coefficient of determination 1 − RSS/TSS with the weighted total sum of squares about the weighted mean.</summary>
    public required double RSquared { get; init; }

    /// <summary>The robust loss in force.</summary>
    public required RobustLoss Loss { get; init; }

    /// <summary>
    /// The run of the least-squares method followed by the polish (Gauss-Newton, then Newton steps near the solution),
    /// merged: the internal (scaled) solution, the reason, each convergence test with the value reached, the iterations,
    /// evaluations, time and, with <see cref="RunOptions.RecordHistory"/>, the history of both phases.
    /// </summary>
    public required OptimizationResult Optimization { get; init; }

    /// <summary>Iterations of the least-squares method (the polish's steps are counted in <see cref="Optimization"/>'s).</summary>
    public required int Iterations { get; init; }

    long IRunResult.Iterations => Optimization.Iterations;

    /// <summary>Evaluations of the residuals (with and without Jacobian), the polish's included.</summary>
    public EvaluationCounts Evaluations => Optimization.Evaluations;

    /// <summary>Why the run stopped (<see cref="Optimization"/>'s reason).</summary>
    public TerminationReason Reason => Optimization.Reason;

    /// <summary>True when a convergence test was met (<see cref="TerminationReasonExtensions.IsConverged"/> of <see cref="Reason"/>).</summary>
    public bool IsConverged => Reason.IsConverged();

    /// <summary>True when <see cref="Parameters"/> can be used: converged, or stopped at a limit the caller set (iterations, time, cancellation).</summary>
    public bool IsUsable => Reason.IsUsable();

    /// <summary>max over free parameters of |Jₖᵀr|/(‖Jₖ‖‖r‖) at the solution: MINPACK's gtol measure, 0 at an exact stationary point.</summary>
    public required double GradientCosine { get; init; }

    /// <summary>A detail about the stop, or about rank deficiency of the Jacobian.</summary>
    public string? Message { get; init; }

    /// <summary>Numerical rank of the weighted Jacobian of the estimated parameters at the solution.</summary>
    public required int JacobianRank { get; init; }

    /// <summary>Wall time of the whole fit (solve and statistics).</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>How the Jacobian was obtained.</summary>
    public required string Derivatives { get; init; }

    /// <summary>The index of parameter <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No parameter has that name.</exception>
    public int IndexOf(string name)
    {
        for (int k = 0; k < ParameterNames.Count; k++) if (ParameterNames[k] == name) return k;
        throw new ArgumentException($"No parameter named '{name}'. Parameters: {string.Join(", ", ParameterNames)}.", nameof(name));
    }

    /// <summary>The fitted parameter called <paramref name="name"/>.</summary>
    public double this[string name] => Parameters[IndexOf(name)];

    /// <summary>The fitted model at the variables <paramref name="x"/> of one point.</summary>
    public double Predict(ReadOnlySpan<double> x) => _model.Value(x, Parameters);

    /// <summary>The fitted model at a scalar <paramref name="x"/>.</summary>
    public double Predict(double x) => _model.Value([x], Parameters);

    /// <summary>
    /// Confidence and prediction bands of the fitted curve at scalar points <paramref name="x"/> (a model of one
    /// variable), by the delta method. See <see cref="Bands(IReadOnlyList{double[]}, double?)"/>.
    /// </summary>
    public FitBands Bands(double[] x, double? level = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Bands([x], level);
    }

    /// <summary>
    /// Confidence and prediction bands of the fitted curve at new points given as one column per model variable, by the
    /// delta method: with g = ∂f/∂p at a point (exact, from the model's own Jacobian) and C = <see cref="Covariance"/>,
    /// Var f = gᵀCg; the confidence band is f ± t·√(gᵀCg) and the prediction band f ± t·√(gᵀCg + s²) with s² =
    /// <see cref="ReducedChiSquare"/> (lmfit's <c>eval_uncertainty</c>/<c>dely_predicted</c> conventions; with σ given,
    /// s² is the reduced χ², as there). t is the two-sided Student-t quantile at <paramref name="level"/> (default
    /// <see cref="ConfidenceLevel"/>) with <see cref="DegreesOfFreedom"/> degrees of freedom.
    /// </summary>
    /// <exception cref="ArgumentException">No columns, columns of different lengths, or a level outside (0, 1).</exception>
    public FitBands Bands(IReadOnlyList<double[]> columns, double? level = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) throw new ArgumentException("At least one variable column is needed.", nameof(columns));
        int m = columns[0].Length, v = columns.Count, p = Parameters.Length;
        foreach (var c in columns)
            if (c is null || c.Length != m) throw new ArgumentException("Every variable column must have the same length.", nameof(columns));
        double lv = level ?? ConfidenceLevel;
        if (!(lv > 0 && lv < 1)) throw new ArgumentException($"The level must lie in (0, 1), not {lv}.", nameof(level));
        var rows = new double[m * v];
        for (int i = 0; i < m; i++) for (int c = 0; c < v; c++) rows[i * v + c] = columns[c][i];
        var f = new double[m];
        var jacobian = new DenseMatrix(Math.Max(m, 1), Math.Max(p, 1));
        if (m > 0) _model.Evaluate(rows, v, Parameters, f, jacobian);
        double t = DegreesOfFreedom > 0 ? Statistics.TQuantile(DegreesOfFreedom, lv) : double.NaN;
        double s2 = ReducedChiSquare;
        var confidence = new double[m];
        var prediction = new double[m];
        var data = jacobian.AsSpan();
        for (int i = 0; i < m; i++)
        {
            double variance = 0;
            for (int a = 0; a < p; a++)
            {
                double ga = data[a * m + i];
                if (ga == 0) continue;
                for (int b = 0; b < p; b++)
                {
                    double c = Covariance[a, b];
                    if (c != 0) variance += ga * c * data[b * m + i];
                }
            }
            variance = Math.Max(variance, 0);
            confidence[i] = t * Math.Sqrt(variance);
            prediction[i] = t * Math.Sqrt(variance + s2);
        }
        return new FitBands(f, confidence, prediction, lv, t);
    }

    /// <summary>
    /// Profile-likelihood confidence intervals (lmfit's <c>conf_interval</c>): each chosen parameter is held at trial
    /// values while the others are re-fitted, and an end of its interval is where the F-test of that fit against this
    /// one reaches <paramref name="level"/>: (χ²(θ)/χ̂² − 1)·ν = t²_{(1+level)/2, ν}. They equal the covariance-based
    /// intervals for a model linear in its parameters and follow the χ² surface where the covariance is a poor
    /// approximation (asymmetric, or open up to a bound). Each end costs some ten re-fits, warm-started along the profile.
    /// </summary>
    /// <param name="parameters">The parameters (default: every free one).</param>
    /// <param name="level">The confidence level in (0, 1) (default <see cref="ConfidenceLevel"/>).</param>
    /// <exception cref="ArgumentException">An unknown parameter name, a level outside (0, 1), or a fit with no degrees of freedom.</exception>
    /// <exception cref="InvalidOperationException">A result built without its data (not made by <see cref="CurveFit"/>).</exception>
    public IReadOnlyList<ProfileInterval> ProfileIntervals(IEnumerable<string>? parameters = null, double? level = null)
    {
        var setup = _setup ?? throw new InvalidOperationException("This fit result does not hold its data, so it cannot be re-fitted.");
        double lv = level ?? ConfidenceLevel;
        if (!(lv > 0 && lv < 1)) throw new ArgumentException($"The level must lie in (0, 1), not {lv}.", nameof(level));
        if (DegreesOfFreedom < 1) throw new ArgumentException("The fit has no degrees of freedom (as many points as free parameters): there is no profile to follow.");
        var names = parameters?.ToArray() ?? ParameterNames.Where((_, k) => !IsFixed[k]).ToArray();
        return names.Select(n => ProfileLikelihood.Interval(this, setup, IndexOf(n), lv)).ToArray();
    }

    /// <summary>
    /// Samples the posterior of the parameters around this least-squares solution by MCMC, as lmfit's <c>emcee</c> does:
    /// Gaussian errors, flat priors within the bounds, and the noise scale sampled as a nuisance parameter (flat in its
    /// log) unless <see cref="FitOptions.AbsoluteSigma"/> (see <see cref="FitPosterior"/>). Reports posterior means, standard
    /// deviations and equal-tailed credible intervals beside the covariance-based ones.
    /// </summary>
    /// <param name="options">Chains, draws, warm-up, seed, threads (default: 4 chains × 1000 draws after 1000 warm-up, seed 1).</param>
    /// <param name="method">The sampler (default HMC with the model's Jacobian: on Misra1a it gave ~10× the effective samples of Metropolis–Hastings for the same draws).</param>
    /// <param name="level">The credible level in (0, 1) (default <see cref="ConfidenceLevel"/>).</param>
    /// <exception cref="ArgumentException">A robust loss, an unusable fit, zero residuals or no degrees of freedom with σ unknown, a bad level or options.</exception>
    /// <exception cref="InvalidOperationException">A result built without its data (not made by <see cref="CurveFit"/>).</exception>
    public FitPosterior Posterior(Sampling.SamplerOptions? options = null, PosteriorSampler method = PosteriorSampler.Hmc, double? level = null)
    {
        var setup = _setup ?? throw new InvalidOperationException("This fit result does not hold its data, so its posterior cannot be sampled.");
        return FitPosterior.Sample(this, setup, options, method, level ?? ConfidenceLevel);
    }

    /// <summary>One line: converged or not, cost, parameters, iterations.</summary>
    public string Brief()
    {
        var ci = CultureInfo.InvariantCulture;
        var ps = string.Join(", ", ParameterNames.Select((n, k) => string.Create(ci, $"{n} = {Parameters[k]:G8} ± {StandardErrors[k]:G3}")));
        return string.Create(ci, $"{Method}: {(IsConverged ? "converged" : "not converged")} ({Reason}) — RSS = {ResidualSumOfSquares:G10}, {ps}, {Iterations} iterations");
    }

    /// <summary>A report a person can read, in the spirit of Ceres' FullReport and gnuplot's fit log.</summary>
    public string FullReport()
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(ci, $"Model                  {Model}");
        sb.AppendLine(ci, $"Derivatives            {Derivatives}");
        sb.AppendLine(ci, $"Method                 {Method}");
        if (Loss.Kind != LossKind.Linear) sb.AppendLine(ci, $"Loss                   {Loss}");
        sb.AppendLine(ci, $"Termination            {Reason} ({Reason.Describe()})");
        if (!string.IsNullOrEmpty(Message)) sb.AppendLine(ci, $"Message                {Message}");
        sb.AppendLine(ci, $"Converged              {(IsConverged ? "yes" : "no")}");
        sb.AppendLine(ci, $"Iterations             {Iterations}");
        sb.AppendLine(ci, $"Evaluations            {Evaluations}");
        sb.AppendLine(ci, $"Time                   {Elapsed.TotalMilliseconds:F3} ms");
        sb.AppendLine(ci, $"Points                 {Points}");
        sb.AppendLine(ci, $"Free parameters        {IsFixed.Count(f => !f)} of {Parameters.Length}");
        sb.AppendLine(ci, $"Degrees of freedom     {DegreesOfFreedom}");
        sb.AppendLine(ci, $"Initial cost           {InitialCost:G12}");
        if (Loss.Kind != LossKind.Linear) sb.AppendLine(ci, $"Final cost Σρ          {Cost:G12}");
        sb.AppendLine(ci, $"RSS                    {ResidualSumOfSquares:G12}");
        sb.AppendLine(ci, $"Reduced χ² (s²)        {ReducedChiSquare:G12}");
        sb.AppendLine(ci, $"Residual std. dev. s   {ResidualStandardDeviation:G12}");
        sb.AppendLine(ci, $"R²                     {RSquared:G10}");
        sb.AppendLine(ci, $"AIC, BIC               {Aic:G10}, {Bic:G10}");
        sb.AppendLine(ci, $"Gradient cosine        {GradientCosine:G3}");
        sb.AppendLine(ci, $"Jacobian rank          {JacobianRank}");
        sb.AppendLine();
        string level = (ConfidenceLevel * 100).ToString("G4", ci) + "%";
        // The name column widens for long names (gaussian_amplitude in a built-in model sum), 12 at least as before.
        int w = Math.Max(12, ParameterNames.Select(n => n.Length).DefaultIfEmpty(0).Max());
        sb.Append("parameter".PadRight(w));
        sb.AppendLine(ci, $" {"value",-22} {"std. error",-14} {"rel. error",-10} {level + " interval (t = " + TQuantile.ToString("G5", ci) + ")",-40} ");
        for (int k = 0; k < Parameters.Length; k++)
        {
            string note = IsFixed[k] ? "fixed" : AtBound[k] ? "at bound" : "";
            double rel = StandardErrors[k] / Math.Abs(Parameters[k]);
            string interval = IsFixed[k] || AtBound[k] ? "" : string.Create(ci, $"[{LowerConfidence[k]:G10}, {UpperConfidence[k]:G10}]");
            sb.Append(ParameterNames[k].PadRight(w));
            sb.AppendLine(ci, $" {Parameters[k],-22:G15} {StandardErrors[k],-14:G6} {(IsFixed[k] || AtBound[k] ? "" : (rel * 100).ToString("F3", ci) + "%"),-10} {interval,-40} {note}");
        }
        int p = Parameters.Length;
        if (p > 1)
        {
            sb.AppendLine();
            sb.AppendLine("Correlation matrix");
            for (int i = 0; i < p; i++)
            {
                sb.Append(ParameterNames[i].PadRight(w));
                for (int j = 0; j <= i; j++) sb.Append(ci, $" {Correlation[i, j],7:F3}");
                sb.AppendLine();
            }
        }
        return sb.ToString();
    }
}

/// <summary>
/// Delta-method bands of a fitted curve at some points (<see cref="FitResult.Bands(IReadOnlyList{double[]}, double?)"/>):
/// the fitted values and the half-widths of the confidence band (where the true curve lies) and of the prediction band
/// (where a new observation lies) at <see cref="Level"/>.
/// </summary>
/// <param name="Values">The fitted model f(x; p̂) at each point.</param>
/// <param name="ConfidenceHalfWidth">t·√(gᵀCg) at each point.</param>
/// <param name="PredictionHalfWidth">t·√(gᵀCg + s²) at each point.</param>
/// <param name="Level">The confidence level, e.g. 0.95.</param>
/// <param name="TQuantile">The Student-t quantile used.</param>
public sealed record FitBands(double[] Values, double[] ConfidenceHalfWidth, double[] PredictionHalfWidth, double Level, double TQuantile)
{
    /// <summary>Values − confidence half-width.</summary>
    public double[] ConfidenceLower => [.. Values.Select((v, i) => v - ConfidenceHalfWidth[i])];

    /// <summary>Values + confidence half-width.</summary>
    public double[] ConfidenceUpper => [.. Values.Select((v, i) => v + ConfidenceHalfWidth[i])];

    /// <summary>Values − prediction half-width.</summary>
    public double[] PredictionLower => [.. Values.Select((v, i) => v - PredictionHalfWidth[i])];

    /// <summary>Values + prediction half-width.</summary>
    public double[] PredictionUpper => [.. Values.Select((v, i) => v + PredictionHalfWidth[i])];
}
