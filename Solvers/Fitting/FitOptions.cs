using System.Globalization;
using Optima.Problems;

namespace Optima.Solvers.Fitting;

/// <summary>The least-squares method a fit runs.</summary>
public enum FitMethod
{
    /// <summary>Levenberg–Marquardt after MINPACK's lmder (scaled trust region, QR of J). The default.</summary>
    LevenbergMarquardt,
    /// <summary>Gauss-Newton with a backtracking line search (QR of J).</summary>
    GaussNewton,
    /// <summary>Powell's dogleg trust region on the Gauss-Newton model.</summary>
    Dogleg,
}

/// <summary>The shape of a robust loss ρ (see <see cref="RobustLoss"/>).</summary>
public enum LossKind
{
    /// <summary>Plain least squares, ρ(s) = s.</summary>
    Linear,
    /// <summary>Huber: ρ(s) = s for s ≤ a², 2a√s − a² beyond.</summary>
    Huber,
    /// <summary>Soft L1 (pseudo-Huber): ρ(s) = 2a²(√(1 + s/a²) − 1).</summary>
    SoftL1,
    /// <summary>Cauchy (Lorentzian): ρ(s) = a² log(1 + s/a²).</summary>
    Cauchy,
    /// <summary>Arctan: ρ(s) = a² atan(s/a²) (bounded by a²π/2).</summary>
    Arctan,
}

/// <summary>
/// A robust loss ρ applied to each squared (weighted) residual s = rᵢ²: the fit minimises Σ ρ(rᵢ²) instead of Σ rᵢ².
/// Every loss behaves like s for |r| ≪ <see cref="Scale"/> a and grows more slowly beyond, so outliers pull less
/// (the same family and scaling convention as Ceres and scipy's <c>least_squares</c>: ρ(s) = a²·ρ̂(s/a²)).
/// </summary>
/// <remarks>
/// The fit solves the equivalent least-squares problem in r̃ᵢ = sign(rᵢ)·√ρ(rᵢ²) with its exact Jacobian
/// (Σ r̃ᵢ² = Σ ρ(rᵢ²)), so every method minimises the robust cost itself. The reported covariance is the
/// Gauss-Newton one of that problem at the solution (s² = Σρ/dof): an approximation, as for any M-estimator.
/// </remarks>
/// <param name="Kind">The loss shape.</param>
/// <param name="Scale">The residual size a &gt; 0 where the loss starts to flatten (in units of the weighted residual).</param>
public sealed record RobustLoss(LossKind Kind, double Scale = 1.0)
{
    /// <summary>Plain least squares.</summary>
    public static RobustLoss None { get; } = new(LossKind.Linear, 1.0);

    /// <summary>
    /// Parses "huber", "huber:1.5", "soft_l1:2", "soft-l1", "cauchy:0.1", "arctan:3", "linear" (scale default 1).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name or a scale that is not a finite number &gt; 0.</exception>
    public static RobustLoss Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        string[] parts = text.Split(':', 2);
        string name = parts[0].Trim().ToLowerInvariant().Replace('-', '_');
        var kind = name switch
        {
            "linear" or "none" or "l2" => LossKind.Linear,
            "huber" => LossKind.Huber,
            "soft_l1" or "softl1" or "pseudo_huber" => LossKind.SoftL1,
            "cauchy" or "lorentz" => LossKind.Cauchy,
            "arctan" or "atan" => LossKind.Arctan,
            _ => throw new ArgumentException($"Unknown loss '{parts[0]}'. Known losses: linear, huber, soft_l1, cauchy, arctan (optionally ':scale', e.g. huber:1.0)."),
        };
        double scale = 1.0;
        if (parts.Length == 2 && !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out scale))
            throw new ArgumentException($"The loss scale '{parts[1]}' in '{text}' is not a number.");
        var loss = new RobustLoss(kind, scale);
        loss.Validate();
        return loss;
    }

    /// <summary>Throws when the scale is not a finite number &gt; 0.</summary>
    public void Validate()
    {
        if (!(Scale > 0) || double.IsInfinity(Scale))
            throw new ArgumentException($"The loss scale must be a finite number > 0, not {Scale.ToString(CultureInfo.InvariantCulture)}.");
    }

    /// <summary>ρ(s) for a squared residual s ≥ 0.</summary>
    public double Rho(double s)
    {
        double a2 = Scale * Scale, z = s / a2;
        return a2 * RhoHat(z);
    }

    internal double RhoHat(double z) => Kind switch
    {
        LossKind.Linear => z,
        LossKind.Huber => z <= 1 ? z : 2 * Math.Sqrt(z) - 1,
        LossKind.SoftL1 => 2 * z / (Math.Sqrt(1 + z) + 1),
        LossKind.Cauchy => Log1P(z),
        LossKind.Arctan => Math.Atan(z),
        _ => z,
    };

    internal double RhoHatPrime(double z) => Kind switch
    {
        LossKind.Linear => 1,
        LossKind.Huber => z <= 1 ? 1 : 1 / Math.Sqrt(z),
        LossKind.SoftL1 => 1 / Math.Sqrt(1 + z),
        LossKind.Cauchy => 1 / (1 + z),
        LossKind.Arctan => 1 / (1 + z * z),
        _ => 1,
    };

    /// <summary>The transformed residual r̃ = sign(r)·√ρ(r²) and its derivative dr̃/dr.</summary>
    internal (double Value, double Derivative) Transform(double r)
    {
        if (Kind == LossKind.Linear) return (r, 1);
        double a = Scale, t = r / a, z = t * t;
        if (z == 0) return (r, 1);
        double rhoHat = RhoHat(z);
        double root = Math.Sqrt(rhoHat);
        double value = a * Math.CopySign(root, r);
        double derivative = RhoHatPrime(z) * Math.Abs(t) / root;
        return (value, derivative);
    }

    private static double Log1P(double z)
    {
        double u = 1 + z;
        return u == 1 ? z : Math.Log(u) * z / (u - 1);
    }

    /// <inheritdoc/>
    public override string ToString() => Kind == LossKind.Linear
        ? "linear"
        : string.Create(CultureInfo.InvariantCulture, $"{Kind switch { LossKind.SoftL1 => "soft_l1", _ => Kind.ToString().ToLowerInvariant() }}:{Scale:G6}");
}

/// <summary>
/// Options of a curve fit: data weighting, the method, bounds, fixed parameters, robust loss, parameter scaling and the
/// confidence level of the intervals, on top of the optimization options it derives from (tolerances, limits,
/// cancellation, progress, history, compute). Create variants with <c>with { }</c>; every option is checked before
/// the fit starts.
/// </summary>
/// <remarks>
/// <para>The default tolerances are tight on purpose (they are what certifies the fit on the NIST StRD problems): the
/// iteration stops when a step changes no parameter by more than <see cref="SolverOptions.StepTolerance"/> (default
/// 1e-15) relative to its size (in the scaled norm of MINPACK), when the relative reduction of the sum of squares is
/// below <see cref="SolverOptions.FunctionTolerance"/> (default 0, off), when ‖∇S‖∞ falls below
/// <see cref="SolverOptions.RelativeGradientTolerance"/> times its value at the start (default 0, off), or when no step
/// can decrease the sum of squares any more at machine precision. Default iteration limit 2000.</para>
/// <para>Threads (<see cref="RunOptions.Compute"/>) for a large fit (from 4096 points on; smaller fits always run on the
/// calling thread): the model's values and Jacobian are evaluated in ranges of rows on several threads, and
/// Levenberg–Marquardt's streamed QR of the Jacobian runs its row chunks in parallel. Automatic (the default) means all
/// cores for expression models (compiled by Optima, pure, safe to run on several threads) and the calling thread only
/// for user code (<see cref="FitFunction"/>, <see cref="FitFunctionWithGradient"/>, <see cref="IFitModel"/> and
/// <see cref="IScalarFitModel"/> models), which Optima cannot know to be thread-safe. With any other limit than 1 a
/// user model is called from several threads at once (each point from one thread, each call with its own gradient
/// span): it must then be thread-safe, i.e. must not write shared state. The result is the same to the bit for every
/// thread count: each point is computed by the same code, and the QR combines its row chunks in a fixed order.</para>
/// </remarks>
public sealed record FitOptions : SolverOptions
{
    /// <summary>The method. Default <see cref="FitMethod.LevenbergMarquardt"/>.</summary>
    public FitMethod Method { get; init; } = FitMethod.LevenbergMarquardt;

    /// <summary>
    /// Measurement standard deviations σᵢ (each finite and &gt; 0), one per point: the fit minimises
    /// χ² = Σ ((yᵢ − f)/σᵢ)². Give either this or <see cref="Weights"/>, not both.
    /// </summary>
    public double[]? Sigma { get; init; }

    /// <summary>
    /// Statistical weights Wᵢ ≥ 0 (the NIST and gnuplot sense; Wᵢ = 1/σᵢ² for measurement errors): the fit
    /// minimises Σ Wᵢ(yᵢ − f)². A weight of 0 removes a point. Give either this or <see cref="Sigma"/>.
    /// </summary>
    public double[]? Weights { get; init; }

    /// <summary>
    /// When true, the given σ (or weights) are absolute: the covariance is (JᵀWJ)⁻¹ and is not rescaled by the reduced
    /// χ². When false (the default, as NIST, gnuplot and scipy's <c>curve_fit</c>), cov = s²·(JᵀWJ)⁻¹ with
    /// s² = RSS/dof, so multiplying every weight by a constant leaves the covariance unchanged.
    /// </summary>
    public bool AbsoluteSigma { get; init; }

    /// <summary>Parameter names for generic-math and delegate models (default p1, p2, …); expression models name their own.</summary>
    public IReadOnlyList<string>? ParameterNames { get; init; }

    /// <summary>Bounds by parameter name; parameters not listed are unbounded. The start must lie inside.</summary>
    public IReadOnlyDictionary<string, ParameterBounds>? Bounds { get; init; }

    /// <summary>Names of parameters held exactly at their start value; they are excluded from the degrees of freedom and the covariance.</summary>
    public IReadOnlyCollection<string>? Fixed { get; init; }

    /// <summary>
    /// Typical magnitudes of the parameters by name: the solver works in pₖ/scaleₖ. LM already scales adaptively by
    /// the Jacobian's column norms, so this matters mostly for Gauss-Newton, dogleg and one-sided bounds.
    /// </summary>
    public IReadOnlyDictionary<string, double>? ParameterScales { get; init; }

    /// <summary>A robust loss (default plain least squares).</summary>
    public RobustLoss Loss { get; init; } = RobustLoss.None;

    /// <summary>The confidence level of the parameter intervals, in (0, 1). Default 0.95.</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>
    /// The fit's defaults where they differ from <see cref="SolverOptions"/>: no absolute gradient test
    /// (<see cref="SolverOptions.GradientTolerance"/> 0; <see cref="SolverOptions.RelativeGradientTolerance"/> is the
    /// scale-free one a fit can use), <see cref="SolverOptions.StepTolerance"/> 1e-15 and 2000 iterations.
    /// </summary>
    public FitOptions()
    {
        GradientTolerance = 0;
        StepTolerance = 1e-15;
        MaxIterations = 2000;
    }

    /// <inheritdoc/>
    public override void Validate()
    {
        if (Sigma is not null && Weights is not null)
            throw new ArgumentException("Give either Sigma or Weights, not both.");
        if (!(ConfidenceLevel > 0 && ConfidenceLevel < 1))
            throw new ArgumentOutOfRangeException(nameof(ConfidenceLevel), ConfidenceLevel, "The confidence level must lie strictly between 0 and 1.");
        Loss.Validate();
        base.Validate();
        if (ParameterScales is not null)
            foreach (var (name, s) in ParameterScales)
                if (!(s > 0) || double.IsInfinity(s))
                    throw new ArgumentException($"The scale of parameter '{name}' must be a finite number > 0, not {s.ToString(CultureInfo.InvariantCulture)}.");
    }

}
