namespace Optima.Solvers.LineSearches;

/// <summary>
/// The Moré–Thuente line search for the strong Wolfe conditions
/// φ(α) ≤ φ(0) + c₁·α·φ′(0) and |φ′(α)| ≤ c₂·|φ′(0)|
/// (J. J. Moré and D. J. Thuente, "Line search algorithms with guaranteed sufficient decrease", ACM TOMS 20 (1994)
/// 286–307; the MINPACK-2 routines dcsrch/dcstep). An interval of uncertainty is kept around a step satisfying the
/// conditions; trial steps come from safeguarded cubic and quadratic interpolation, extrapolating by 1.1–4× the
/// last step until a minimiser is bracketed, and bisecting when the interval does not shrink by a third.
/// </summary>
/// <remarks>
/// Non-finite values at a trial step are not interpolated: the step is halved towards the best step (up to the
/// evaluation budget), and no later trial goes beyond a step found non-finite.
/// </remarks>
/// <param name="C1">Sufficient-decrease constant (ftol), 0 &lt; c₁ &lt; c₂. Default 1e-4.</param>
/// <param name="C2">Curvature constant (gtol), c₁ &lt; c₂ &lt; 1. Default 0.9 (quasi-Newton); use 0.1 for nonlinear CG.</param>
/// <param name="XTol">Relative width of the interval below which the search stops with a warning. Default 1e-10.</param>
/// <param name="MaxEvaluations">Evaluation budget per search. Default 30.</param>
/// <param name="MinStep">Smallest step allowed. Default 0.</param>
/// <param name="MaxStep">Largest step allowed. Default 1e20.</param>
public sealed record MoreThuente(double C1 = 1e-4, double C2 = 0.9, double XTol = 1e-10, int MaxEvaluations = 30,
    double MinStep = 0.0, double MaxStep = 1e20) : ILineSearch
{
    private const double P5 = 0.5, P66 = 0.66, XTrapLower = 1.1, XTrapUpper = 4.0;

    /// <inheritdoc/>
    public string Name => "more-thuente";


    /// <inheritdoc/>
    public LineSearchResult Search(ILineFunction phi, double value0, double slope0, double initialStep)
    {
        ArgumentNullException.ThrowIfNull(phi);
        Validate();
        if (!(slope0 < 0))
            return new(0, value0, slope0, 0, LineSearchStatus.NotDescentDirection, $"φ′(0) = {slope0:G6} is not negative: not a descent direction.");
        if (!(initialStep > 0) || double.IsNaN(initialStep))
            throw new ArgumentOutOfRangeException(nameof(initialStep), initialStep, "The initial step must be a number > 0.");

        double stp = Math.Clamp(initialStep, Math.Max(MinStep, double.Epsilon), MaxStep);
        bool brackt = false;
        int stage = 1;
        double finit = value0, ginit = slope0, gtest = C1 * ginit;
        double width = MaxStep - MinStep, width1 = width / P5;
        double stx = 0, fx = finit, gx = ginit;
        double sty = 0, fy = finit, gy = ginit;
        double stmin = 0, stmax = stp + XTrapUpper * stp;
        double nonFiniteBound = double.PositiveInfinity;
        int evals = 0;
        double curF = double.NaN, curG = double.NaN;

        while (true)
        {
            double f = phi.ValueAndSlope(stp, out double g);
            evals++;
            while (!double.IsFinite(f) || !double.IsFinite(g))
            {
                nonFiniteBound = Math.Min(nonFiniteBound, stp);
                if (evals >= MaxEvaluations)
                    return Fail(LineSearchStatus.NonFinite, $"φ or φ′ was not finite at α = {stp:G6} and the budget of {MaxEvaluations} evaluations ran out.");
                stp = stx + P5 * (stp - stx);
                if (stp <= stx)
                    return Fail(LineSearchStatus.NonFinite, "φ or φ′ is not finite arbitrarily close to the best step.");
                brackt = false;
                stmin = stx;
                stmax = nonFiniteBound;
                f = phi.ValueAndSlope(stp, out g);
                evals++;
            }

            curF = f;
            curG = g;
            double ftest = finit + stp * gtest;
            if (stage == 1 && f <= ftest && g >= 0) stage = 2;

            if (f <= ftest && Math.Abs(g) <= C2 * -ginit)
                return new(stp, f, g, evals, LineSearchStatus.Success, null);
            if (brackt && (stp <= stmin || stp >= stmax))
                return Fail(LineSearchStatus.IntervalTooSmall, $"Rounding errors prevent progress: the interval [{stmin:G6}, {stmax:G6}] no longer contains new steps.");
            if (brackt && stmax - stmin <= XTol * stmax)
                return Fail(LineSearchStatus.IntervalTooSmall, $"The interval of uncertainty [{stmin:G6}, {stmax:G6}] is below the relative tolerance {XTol:G3}.");
            if (stp == MaxStep && f <= ftest && g <= gtest)
                return Fail(LineSearchStatus.StepAtMaximum, $"The step reached the maximum {MaxStep:G6} with φ still decreasing.");
            if (stp == MinStep && (f > ftest || g >= gtest))
                return Fail(LineSearchStatus.StepAtMinimum, $"The step reached the minimum {MinStep:G6} without sufficient decrease.");
            if (evals >= MaxEvaluations)
                return Fail(LineSearchStatus.MaxEvaluations,
                    $"No step satisfied the strong Wolfe conditions (c1 = {C1:G3}, c2 = {C2:G3}) within {MaxEvaluations} evaluations.");

            if (stage == 1 && f <= fx && f > ftest)
            {
                // Use the modified function ψ(α) = φ(α) − φ(0) − c₁αφ′(0) until a step with ψ ≤ 0 and φ′ ≥ 0 is seen.
                double fm = f - stp * gtest, fxm = fx - stx * gtest, fym = fy - sty * gtest;
                double gm = g - gtest, gxm = gx - gtest, gym = gy - gtest;
                Step(ref stx, ref fxm, ref gxm, ref sty, ref fym, ref gym, ref stp, fm, gm, ref brackt, stmin, stmax);
                fx = fxm + stx * gtest; fy = fym + sty * gtest;
                gx = gxm + gtest; gy = gym + gtest;
            }
            else
            {
                Step(ref stx, ref fx, ref gx, ref sty, ref fy, ref gy, ref stp, f, g, ref brackt, stmin, stmax);
            }

            if (brackt)
            {
                if (Math.Abs(sty - stx) >= P66 * width1) stp = stx + P5 * (sty - stx);
                width1 = width;
                width = Math.Abs(sty - stx);
                stmin = Math.Min(stx, sty);
                stmax = Math.Max(stx, sty);
            }
            else
            {
                stmin = stp + XTrapLower * (stp - stx);
                stmax = stp + XTrapUpper * (stp - stx);
            }

            stp = Math.Clamp(stp, MinStep, MaxStep);
            if (stp >= nonFiniteBound) stp = stx + P5 * (nonFiniteBound - stx);
            if ((brackt && (stp <= stmin || stp >= stmax)) || (brackt && stmax - stmin <= XTol * stmax)) stp = stx;
        }

        // A failed search returns the best step seen: the current trial when it is lower than the interval's best end.
        LineSearchResult Fail(LineSearchStatus status, string message) =>
            curF < fx ? new(stp, curF, curG, evals, status, message) : new(stx, fx, gx, evals, status, message);
    }

    /// <summary>
    /// One safeguarded step (dcstep): updates the interval [stx, sty] and proposes the next trial from the cubic and
    /// quadratic (secant) interpolants, following the four cases of Moré and Thuente §4.
    /// </summary>
    private static void Step(ref double stx, ref double fx, ref double dx, ref double sty, ref double fy, ref double dy,
        ref double stp, double fp, double dp, ref bool brackt, double stpmin, double stpmax)
    {
        double sgnd = dp * Math.Sign(dx);
        double stpf;
        if (fp > fx)
        {
            // Case 1: higher value. The minimiser is bracketed.
            double theta = 3 * (fx - fp) / (stp - stx) + dx + dp;
            double s = Max3(Math.Abs(theta), Math.Abs(dx), Math.Abs(dp));
            double gamma = s * Math.Sqrt(Math.Max(0, (theta / s) * (theta / s) - (dx / s) * (dp / s)));
            if (stp < stx) gamma = -gamma;
            double p = (gamma - dx) + theta, q = ((gamma - dx) + gamma) + dp;
            double stpc = stx + p / q * (stp - stx);
            double stpq = stx + dx / ((fx - fp) / (stp - stx) + dx) / 2 * (stp - stx);
            stpf = Math.Abs(stpc - stx) < Math.Abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
            brackt = true;
        }
        else if (sgnd < 0)
        {
            // Case 2: lower value, derivatives of opposite sign. Bracketed.
            double theta = 3 * (fx - fp) / (stp - stx) + dx + dp;
            double s = Max3(Math.Abs(theta), Math.Abs(dx), Math.Abs(dp));
            double gamma = s * Math.Sqrt(Math.Max(0, (theta / s) * (theta / s) - (dx / s) * (dp / s)));
            if (stp > stx) gamma = -gamma;
            double p = (gamma - dp) + theta, q = ((gamma - dp) + gamma) + dx;
            double stpc = stp + p / q * (stx - stp);
            double stpq = stp + dp / (dp - dx) * (stx - stp);
            stpf = Math.Abs(stpc - stp) > Math.Abs(stpq - stp) ? stpc : stpq;
            brackt = true;
        }
        else if (Math.Abs(dp) < Math.Abs(dx))
        {
            // Case 3: lower value, same-sign derivative decreasing in magnitude.
            double theta = 3 * (fx - fp) / (stp - stx) + dx + dp;
            double s = Max3(Math.Abs(theta), Math.Abs(dx), Math.Abs(dp));
            double gamma = s * Math.Sqrt(Math.Max(0, (theta / s) * (theta / s) - (dx / s) * (dp / s)));
            if (stp > stx) gamma = -gamma;
            double p = (gamma - dp) + theta, q = (gamma + (dx - dp)) + gamma;
            double r = p / q;
            double stpc = r < 0 && gamma != 0 ? stp + r * (stx - stp) : stp > stx ? stpmax : stpmin;
            double stpq = stp + dp / (dp - dx) * (stx - stp);
            if (brackt)
            {
                stpf = Math.Abs(stpc - stp) < Math.Abs(stpq - stp) ? stpc : stpq;
                stpf = stp > stx ? Math.Min(stp + P66 * (sty - stp), stpf) : Math.Max(stp + P66 * (sty - stp), stpf);
            }
            else
            {
                stpf = Math.Abs(stpc - stp) > Math.Abs(stpq - stp) ? stpc : stpq;
                stpf = Math.Clamp(stpf, stpmin, stpmax);
            }
        }
        else
        {
            // Case 4: lower value, derivative not decreasing in magnitude.
            if (brackt)
            {
                double theta = 3 * (fp - fy) / (sty - stp) + dy + dp;
                double s = Max3(Math.Abs(theta), Math.Abs(dy), Math.Abs(dp));
                double gamma = s * Math.Sqrt(Math.Max(0, (theta / s) * (theta / s) - (dy / s) * (dp / s)));
                if (stp > sty) gamma = -gamma;
                double p = (gamma - dp) + theta, q = ((gamma - dp) + gamma) + dy;
                stpf = stp + p / q * (sty - stp);
            }
            else stpf = stp > stx ? stpmax : stpmin;
        }

        if (fp > fx)
        {
            sty = stp; fy = fp; dy = dp;
        }
        else
        {
            if (sgnd < 0) { sty = stx; fy = fx; dy = dx; }
            stx = stp; fx = fp; dx = dp;
        }
        stp = stpf;
    }

    private static double Max3(double a, double b, double c) => Math.Max(a, Math.Max(b, c));

    private void Validate()
    {
        if (!(C1 > 0 && C1 < C2 && C2 < 1))
            throw new ArgumentOutOfRangeException(nameof(C1), C1, $"Need 0 < C1 < C2 < 1 (C1 = {C1}, C2 = {C2}).");
        if (!(XTol >= 0)) throw new ArgumentOutOfRangeException(nameof(XTol), XTol, "XTol must be ≥ 0.");
        if (MaxEvaluations < 1) throw new ArgumentOutOfRangeException(nameof(MaxEvaluations), MaxEvaluations, "MaxEvaluations must be ≥ 1.");
        if (!(MinStep >= 0 && MaxStep > MinStep))
            throw new ArgumentOutOfRangeException(nameof(MaxStep), MaxStep, "Need 0 ≤ MinStep < MaxStep.");
    }
}
