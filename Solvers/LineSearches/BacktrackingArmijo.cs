namespace Optima.Solvers.LineSearches;

/// <summary>
/// Backtracking with the Armijo (sufficient-decrease) condition φ(α) ≤ φ(0) + c₁·α·φ′(0), shrinking the step by
/// safeguarded quadratic then cubic interpolation (Nocedal and Wright, Numerical Optimization, 2nd ed., §3.5;
/// Dennis and Schnabel, Alg. A6.3.1). Needs only values: the slope is not evaluated at trial steps.
/// </summary>
/// <param name="C1">Sufficient-decrease constant c₁ ∈ (0, 1). Default 1e-4.</param>
/// <param name="ShrinkMin">Smallest factor a step may shrink by in one trial (the new step is ≥ ShrinkMin·α). Default 0.1.</param>
/// <param name="ShrinkMax">Largest factor (the new step is ≤ ShrinkMax·α). Default 0.5.</param>
/// <param name="MaxEvaluations">Evaluation budget per search. Default 50.</param>
/// <param name="MinStep">The search fails below this step. Default 1e-20.</param>
public sealed record BacktrackingArmijo(double C1 = 1e-4, double ShrinkMin = 0.1, double ShrinkMax = 0.5, int MaxEvaluations = 50,
    double MinStep = 1e-20) : ILineSearch
{
    /// <inheritdoc/>
    public string Name => "armijo";


    /// <inheritdoc/>
    public LineSearchResult Search(ILineFunction phi, double value0, double slope0, double initialStep)
    {
        ArgumentNullException.ThrowIfNull(phi);
        Validate();
        if (!(slope0 < 0))
            return new(0, value0, slope0, 0, LineSearchStatus.NotDescentDirection, $"φ′(0) = {slope0:G6} is not negative: not a descent direction.");
        if (!(initialStep > 0) || double.IsInfinity(initialStep))
            throw new ArgumentOutOfRangeException(nameof(initialStep), initialStep, "The initial step must be a finite number > 0.");

        double alpha = initialStep, prevAlpha = 0, prevValue = value0;
        double bestAlpha = 0, bestValue = value0;
        for (int evals = 1; ; evals++)
        {
            double f = phi.Value(alpha);
            bool finite = double.IsFinite(f);
            // A decrease below rounding (φ(0) + c₁αφ′(0) == φ(0) and φ(α) == φ(0)) is not progress.
            if (finite && f <= value0 + C1 * alpha * slope0 && (f < value0 || value0 + C1 * alpha * slope0 < value0))
                return new(alpha, f, double.NaN, evals, LineSearchStatus.Success, null);
            if (finite && f < bestValue) { bestValue = f; bestAlpha = alpha; }
            if (evals >= MaxEvaluations)
                return new(bestAlpha, bestValue, double.NaN, evals, finite ? LineSearchStatus.MaxEvaluations : LineSearchStatus.NonFinite,
                    $"No step satisfied the Armijo condition (c1 = {C1:G3}) within {MaxEvaluations} evaluations; last step {alpha:G6}.");

            double next;
            if (!finite) next = ShrinkMax * alpha;
            else if (prevAlpha == 0) next = -slope0 * alpha * alpha / (2 * (f - value0 - slope0 * alpha));
            else next = Cubic(alpha, f, prevAlpha, prevValue, value0, slope0);
            if (!double.IsFinite(next)) next = ShrinkMax * alpha;
            next = Math.Clamp(next, ShrinkMin * alpha, ShrinkMax * alpha);
            if (finite) { prevAlpha = alpha; prevValue = f; }
            alpha = next;
            if (alpha < MinStep)
                return new(bestAlpha, bestValue, double.NaN, evals, finite ? LineSearchStatus.StepAtMinimum : LineSearchStatus.NonFinite,
                    finite ? $"The step fell below {MinStep:G3} without sufficient decrease (φ′(0) = {slope0:G6})."
                           : "φ was not finite at every trial step down to the minimum step.");
        }
    }

    /// <summary>Minimiser of the cubic through φ(0), φ′(0), φ(a1), φ(a0) (Nocedal and Wright eq. 3.59 area).</summary>
    private static double Cubic(double a1, double f1, double a0, double f0, double value0, double slope0)
    {
        double d1 = f1 - value0 - slope0 * a1, d0 = f0 - value0 - slope0 * a0;
        double denom = a0 * a0 * a1 * a1 * (a1 - a0);
        double a = (a0 * a0 * d1 - a1 * a1 * d0) / denom;
        double b = (-a0 * a0 * a0 * d1 + a1 * a1 * a1 * d0) / denom;
        if (a == 0) return -slope0 / (2 * b);
        double disc = b * b - 3 * a * slope0;
        if (disc < 0) return double.NaN;
        return (-b + Math.Sqrt(disc)) / (3 * a);
    }

    private void Validate()
    {
        if (!(C1 > 0 && C1 < 1)) throw new ArgumentOutOfRangeException(nameof(C1), C1, "C1 must lie in (0, 1).");
        if (!(ShrinkMin > 0 && ShrinkMin <= ShrinkMax && ShrinkMax < 1))
            throw new ArgumentOutOfRangeException(nameof(ShrinkMin), ShrinkMin, "Need 0 < ShrinkMin ≤ ShrinkMax < 1.");
        if (MaxEvaluations < 1) throw new ArgumentOutOfRangeException(nameof(MaxEvaluations), MaxEvaluations, "MaxEvaluations must be ≥ 1.");
        if (!(MinStep >= 0)) throw new ArgumentOutOfRangeException(nameof(MinStep), MinStep, "MinStep must be ≥ 0.");
    }
}

/// <summary>
/// Exact minimisation along the line by the secant method on φ′: the first secant through φ′(0) and φ′(t) (t the
/// initial step) is the exact minimiser α* = −φ′(0)/φ″ when φ is quadratic; further secant steps (through the last
/// two slopes) remove rounding errors and handle mildly non-quadratic lines, until |φ′(α)| ≤ tol·|φ′(0)|. This is the
/// exact line search of the textbook theory: with it linear CG and BFGS terminate in at most n iterations on a
/// strictly convex quadratic. Fails when the measured curvature is not positive.
/// </summary>
/// <param name="Tolerance">Stop when |φ′(α)| ≤ Tolerance·|φ′(0)|. Default 1e-10.</param>
/// <param name="MaxEvaluations">Evaluation budget per search. Default 6.</param>
public sealed record ExactQuadraticLineSearch(double Tolerance = 1e-10, int MaxEvaluations = 6) : ILineSearch
{
    /// <inheritdoc/>
    public string Name => "exact-quadratic";


    /// <inheritdoc/>
    public LineSearchResult Search(ILineFunction phi, double value0, double slope0, double initialStep)
    {
        ArgumentNullException.ThrowIfNull(phi);
        if (!(slope0 < 0))
            return new(0, value0, slope0, 0, LineSearchStatus.NotDescentDirection, $"φ′(0) = {slope0:G6} is not negative: not a descent direction.");
        if (MaxEvaluations < 2) throw new ArgumentOutOfRangeException(nameof(MaxEvaluations), MaxEvaluations, "MaxEvaluations must be ≥ 2.");
        double a0 = 0, s0 = slope0;
        double a1 = initialStep > 0 && double.IsFinite(initialStep) ? initialStep : 1.0;
        double f1 = phi.ValueAndSlope(a1, out double s1);
        int evals = 1;
        if (!double.IsFinite(f1) || !double.IsFinite(s1))
            return new(0, value0, slope0, evals, LineSearchStatus.NonFinite, $"φ({a1:G6}) is not finite.");
        while (true)
        {
            if (Math.Abs(s1) <= Tolerance * -slope0 && f1 <= value0)
                return new(a1, f1, s1, evals, LineSearchStatus.Success, null);
            double curvature = (s1 - s0) / (a1 - a0);
            if (!(curvature > 0))
                return new(0, value0, slope0, evals, LineSearchStatus.InvalidModel,
                    $"The measured curvature φ″ = {curvature:G6} is not positive: no minimiser along the line.");
            if (evals >= MaxEvaluations)
                return f1 <= value0 && Math.Abs(s1) <= 1e-3 * -slope0
                    ? new(a1, f1, s1, evals, LineSearchStatus.Success, null)
                    : new(0, value0, slope0, evals, LineSearchStatus.MaxEvaluations,
                        $"|φ′| did not fall to {Tolerance:G3}·|φ′(0)| within {MaxEvaluations} secant steps: the line is far from quadratic.");
            double a2 = a1 - s1 / curvature;
            if (!(a2 > 0) || a2 == a1)
                return f1 <= value0
                    ? new(a1, f1, s1, evals, LineSearchStatus.Success, null)
                    : new(0, value0, slope0, evals, LineSearchStatus.InvalidModel, $"The secant step left the half-line (α = {a2:G6}).");
            double f2 = phi.ValueAndSlope(a2, out double s2);
            evals++;
            if (!double.IsFinite(f2) || !double.IsFinite(s2))
                return new(0, value0, slope0, evals, LineSearchStatus.NonFinite, $"φ({a2:G6}) is not finite.");
            (a0, s0, a1, f1, s1) = (a1, s1, a2, f2, s2);
        }
    }
}
