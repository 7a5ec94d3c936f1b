using System.Globalization;

namespace Optima.Solvers.Comparison;

/// <summary>The measured order of convergence of an error sequence eₖ → 0.</summary>
public enum ConvergenceOrder
{
    /// <summary>Too few error values above the round-off floor to say anything.</summary>
    Undetermined,
    /// <summary>The error did not decrease over the tail of the run.</summary>
    None,
    /// <summary>eₖ₊₁/eₖ → 1: slower than any geometric sequence (or a linear rate indistinguishable from 1).</summary>
    Sublinear,
    /// <summary>eₖ₊₁ ≈ r·eₖ with 0 &lt; r &lt; 1 (the rate r is reported).</summary>
    Linear,
    /// <summary>eₖ₊₁/eₖ → 0: a fitted order p between 1.2 and 1.8, or ratios that shrink across the tail.</summary>
    Superlinear,
    /// <summary>eₖ₊₁ ≈ C·eₖ² (fitted order p ≥ 1.8).</summary>
    Quadratic,
    /// <summary>The error reached the round-off floor within two steps (Newton on a quadratic, Gauss-Newton on a linear model).</summary>
    Finite,
}

/// <summary>
/// The measured order of convergence of one run.
/// </summary>
/// <param name="Order">The classification.</param>
/// <param name="Rate">The linear rate r: the geometric mean of eₖ₊₁/eₖ over the rate window (NaN when undetermined).</param>
/// <param name="Exponent">The fitted order p: the least-squares slope of log eₖ₊₁ against log eₖ over the slope window (NaN when not fitted).</param>
/// <param name="Points">How many error values above the floor the estimate used.</param>
/// <param name="Steps">For <see cref="ConvergenceOrder.Finite"/>: the number of steps to the floor; otherwise 0.</param>
public readonly record struct ConvergenceEstimate(ConvergenceOrder Order, double Rate, double Exponent, int Points, int Steps = 0)
{
    /// <summary>A short phrase for tables: "linear, rate 0.67", "quadratic (p ≈ 2.0)", "exact in 1 step" …</summary>
    public string Describe()
    {
        var ci = CultureInfo.InvariantCulture;
        return Order switch
        {
            ConvergenceOrder.Linear => string.Create(ci, $"linear, rate {Rate:0.###}"),
            ConvergenceOrder.Superlinear => string.Create(ci, $"superlinear (p ≈ {Exponent:0.0})"),
            ConvergenceOrder.Quadratic => string.Create(ci, $"quadratic (p ≈ {Exponent:0.0})"),
            ConvergenceOrder.Sublinear => string.Create(ci, $"sublinear (rate → 1, {Rate:0.####})"),
            ConvergenceOrder.Finite => Steps == 0 ? "at the minimum from the start" : $"exact in {Steps} step{(Steps == 1 ? "" : "s")}",
            ConvergenceOrder.None => "no convergence",
            _ => "too few points",
        };
    }
}

/// <summary>
/// Estimates the order of convergence from an error sequence e₀, e₁, … (f − f*, ‖x − x*‖ or ‖∇f‖).
/// </summary>
/// <remarks>
/// <para>The estimator, step by step:</para>
/// <list type="number">
/// <item>Non-finite values and repeats (eₖ₊₁ = eₖ: rejected trust-region steps) are dropped; the sequence is cut at
/// the first value at or below the round-off floor (values there measure rounding, not the method).</item>
/// <item>If the floor was reached after at most two values above it, the method is <see cref="ConvergenceOrder.Finite"/>
/// (exact in that many steps). With fewer than three values above the floor the order is undetermined.</item>
/// <item>The order p is the least-squares slope of log eₖ₊₁ against log eₖ over the last (up to) six pairs — the
/// regression form of the textbook definition eₖ₊₁ ≈ C·eₖᵖ. The slope is trusted only when those log eₖ span at
/// least two decades; a slowly converging (linear) tail spans less and its slope would be noise.</item>
/// <item>p ≥ 1.8 is <see cref="ConvergenceOrder.Quadratic"/>, 1.2 ≤ p &lt; 1.8 <see cref="ConvergenceOrder.Superlinear"/>,
/// and so is a window whose contraction per step (geometric mean over pairs of steps r₁, r₂, r₃) improves twice,
/// r₂ ≤ r₁, r₃ ≤ 0.3·r₂ and r₃ &lt; 0.5: ratios eₖ₊₁/eₖ → 0 with a fitted p near 1, as BFGS shows; otherwise the order is linear with rate r = (e_last/e_first)^(1/m), the geometric mean ratio over the last half of
/// the pairs (at least 5), which averages out the oscillation of momentum methods.</item>
/// <item>Neither superlinear rule applies when the last three ratios eₖ₊₁/eₖ agree within a factor of 3: a steady
/// ratio is linear convergence, even after a sudden drop.</item>
/// <item>A rate ≥ 0.999 whose second half is slower than its first half is <see cref="ConvergenceOrder.Sublinear"/>; a
/// tail that does not decrease is <see cref="ConvergenceOrder.None"/>.</item>
/// </list>
/// </remarks>
public static class ConvergenceOrderEstimator
{
    /// <summary>Pairs used for the slope fit.</summary>
    public const int SlopeWindow = 6;

    /// <summary>Estimates the order of <paramref name="errors"/>.</summary>
    /// <param name="errors">e₀, e₁, … (non-negative; the first is the error at the start).</param>
    /// <param name="floor">Values at or below this are round-off (default 0: only exact zeros and negatives are cut).</param>
    public static ConvergenceEstimate Estimate(IReadOnlyList<double> errors, double floor = 0)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!(floor >= 0)) floor = 0;
        var e = new List<double>();
        bool reachedFloor = false;
        foreach (double v in errors)
        {
            if (double.IsNaN(v)) continue;
            if (v <= floor) { reachedFloor = true; break; }
            if (double.IsInfinity(v)) continue;
            if (e.Count > 0 && v == e[^1]) continue;
            e.Add(v);
        }
        if (reachedFloor && e.Count <= 2) return new(ConvergenceOrder.Finite, 0, double.NaN, e.Count, e.Count);
        if (e.Count < 3) return new(ConvergenceOrder.Undetermined, double.NaN, double.NaN, e.Count);

        int pairs = e.Count - 1;
        int rateWindow = Math.Min(pairs, Math.Max(5, pairs / 2));
        double rate = GeometricRate(e, e.Count - 1 - rateWindow, e.Count - 1);
        if (!(rate < 1)) return new(ConvergenceOrder.None, rate, double.NaN, e.Count);

        int slopeWindow = Math.Min(pairs, SlopeWindow);
        int first = e.Count - 1 - slopeWindow;
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int k = first; k < e.Count - 1; k++)
        {
            double l = Math.Log(e[k]);
            lo = Math.Min(lo, l);
            hi = Math.Max(hi, l);
        }
        double p = double.NaN;
        // A constant ratio over the last three steps is linear convergence by definition, whatever came before
        // (a single lucky step of an inexact line search makes the log-log slope exceed 1).
        bool steady = pairs >= 3 && Steady(e[^4] / e[^3], e[^3] / e[^2], e[^2] / e[^1]);
        if (!steady && hi - lo >= Math.Log(100) && slopeWindow >= 2)
        {
            double sx = 0, sy = 0, sxx = 0, sxy = 0;
            for (int k = first; k < e.Count - 1; k++)
            {
                double x = Math.Log(e[k]), y = Math.Log(e[k + 1]);
                sx += x; sy += y; sxx += x * x; sxy += x * y;
            }
            double m = slopeWindow;
            p = (m * sxy - sx * sy) / (m * sxx - sx * sx);
            if (p >= 1.8) return new(ConvergenceOrder.Quadratic, rate, p, e.Count);
            if (p >= 1.2) return new(ConvergenceOrder.Superlinear, rate, p, e.Count);
            // Order 1 with ratios going to 0 (BFGS-like): over the window's three pairs of steps the contraction per
            // step improves twice, the last time at least threefold. (A single sudden drop followed by a steady
            // rate — a lucky line-search step — is linear, not superlinear.)
            if (slopeWindow >= 6)
            {
                int end = e.Count - 1;
                double r1 = GeometricRate(e, end - 6, end - 4), r2 = GeometricRate(e, end - 4, end - 2), r3 = GeometricRate(e, end - 2, end);
                if (r2 <= r1 && r3 <= 0.3 * r2 && r3 < 0.5) return new(ConvergenceOrder.Superlinear, rate, p, e.Count);
            }
        }
        if (rate >= 0.999 && rateWindow >= 4)
        {
            int mid = e.Count - 1 - rateWindow / 2;
            double early = GeometricRate(e, e.Count - 1 - rateWindow, mid), late = GeometricRate(e, mid, e.Count - 1);
            if (late > early) return new(ConvergenceOrder.Sublinear, rate, p, e.Count);
        }
        return new(ConvergenceOrder.Linear, rate, p, e.Count);
    }

    private static bool Steady(double a, double b, double c) => Math.Max(a, Math.Max(b, c)) <= 3 * Math.Min(a, Math.Min(b, c));

    private static double GeometricRate(List<double> e, int from, int to) =>
        to > from ? Math.Exp((Math.Log(e[to]) - Math.Log(e[from])) / (to - from)) : double.NaN;
}
