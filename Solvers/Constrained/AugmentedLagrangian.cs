using System.Diagnostics;
using System.Globalization;
using Optima.Problems;
using Optima.Solvers.QuasiNewton;

namespace Optima.Solvers.Constrained;

/// <summary>
/// The augmented-Lagrangian method in the style of ALGENCAN (Andreani, Birgin, Martínez and Schuverdt 2008; Birgin and
/// Martínez 2014): each outer iteration minimises, over the box, the Powell–Hestenes–Rockafellar function
/// L_ρ(x) = f(x) + (ρ/2)·[Σ (cᵢ + λᵢ/ρ)² + Σ max(0, hᵢ + μᵢ/ρ)²] with L-BFGS-B (warm-started, its tolerance tightened from
/// 1e-2 to <see cref="OptimalityTolerance"/>), then updates the multipliers λ ← λ + ρc, μ ← max(0, μ + ρh), safeguarded
/// in [−<see cref="MultiplierBound"/>, <see cref="MultiplierBound"/>], and multiplies ρ by 10 when the infeasibility–
/// complementarity measure max(|cᵢ|, |min(−hᵢ, μᵢ/ρ)|) did not fall below half its previous value.
/// The run converges when the KKT residuals (<see cref="ConstraintReport"/>) meet the tolerances; when ρ passes
/// <see cref="MaxPenalty"/> with the constraints still violated it stops as <see cref="TerminationReason.Infeasible"/>,
/// returning the least infeasible point seen.
/// </summary>
/// <remarks>
/// The outer loop is its own, not <see cref="IterativeDriver.Run{TProblem}"/>: an outer iteration is a whole inner
/// minimisation (which does run under the driver) and the stopping tests are the KKT residuals, not f or a gradient.
/// The run's limits (<see cref="RunOptions.MaxIterations"/> …) apply to each inner run; <see cref="MaxOuterIterations"/>
/// bounds the outer loop.
/// </remarks>
/// <param name="OptimalityTolerance">Stationarity tolerance (projected Lagrangian gradient, ∞-norm, relative to max(1, ‖∇f‖∞)). Default 1e-7.</param>
/// <param name="FeasibilityTolerance">Largest violation allowed. Default 1e-8.</param>
/// <param name="MaxOuterIterations">Outer iterations. Default 60.</param>
/// <param name="MaxPenalty">ρ beyond which a still-violated problem is declared infeasible. Default 1e12.</param>
/// <param name="MultiplierBound">Safeguard on the multiplier estimates. Default 1e20.</param>
/// <param name="PenaltyOnly">
/// The quadratic penalty method instead, for comparison (registered as "penalty"): the subproblems keep λ = 0, ρ grows
/// tenfold every outer iteration while the constraints are violated, and the reported multipliers are the penalty
/// estimates ρ·c and max(0, ρ·h). Its minimisers are feasible only as ρ → ∞. Default false.
/// </param>
public sealed record AugmentedLagrangian(double OptimalityTolerance = 1e-7, double FeasibilityTolerance = 1e-8, int MaxOuterIterations = 60,
    double MaxPenalty = 1e12, double MultiplierBound = 1e20, bool PenaltyOnly = false) : IMinimizer<ConstrainedProblem>
{
    /// <inheritdoc/>
    public string Name => PenaltyOnly ? "penalty" : "auglag";

    /// <inheritdoc/>
    public OptimizationResult Minimize(ConstrainedProblem problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (start.Length != problem.Dimension)
            throw new ArgumentException($"The start has length {start.Length} but the problem has dimension {problem.Dimension}.", nameof(start));
        IterativeDriver.RequireFiniteStart(start);
        if (!(OptimalityTolerance > 0) || !(FeasibilityTolerance > 0) || MaxOuterIterations < 1 || !(MaxPenalty > 1) || !(MultiplierBound > 0))
            throw new ArgumentOutOfRangeException(nameof(OptimalityTolerance), "The tolerances, the penalty and multiplier bounds must be > 0 and MaxOuterIterations ≥ 1.");
        options ??= new SolverOptions();
        options.Validate();
        var clock = Stopwatch.StartNew();
        var eval = new ConstrainedEvaluator(problem);
        int n = eval.N, m = eval.M;
        var x = start.ToArray();
        var warnings = new List<string>();
        if (problem.Bounds is { } box && !box.Contains(x))
        {
            box.Clamp(x);
            warnings.Add(Lbfgsb.ProjectedStartWarning);
        }
        var lambda = new double[m];
        var estimate = PenaltyOnly ? new double[m] : lambda; // the multipliers reported and tested
        var subproblemMultipliers = PenaltyOnly ? new double[m] : lambda;
        var penalty = new PenaltyObjective(eval);
        double f0 = eval.Objective(x);
        eval.Constraints(x);
        double initialValue = f0;
        double sumSq = 0;
        for (int i = 0; i < m; i++)
            if (eval.Kind(i) == ConstraintKind.Equality || eval.Values[i] > 0) sumSq += eval.Values[i] * eval.Values[i];
        // ALGENCAN's initial penalty: balances f against the infeasibility at the start.
        double rho = Math.Clamp(10 * Math.Max(1, Math.Abs(f0)) / Math.Max(1, 0.5 * sumSq), 1e-8, 1e8);
        if (!double.IsFinite(rho)) rho = 10;
        double previousMeasure = double.PositiveInfinity, innerTolerance = 1e-2;
        var best = x.ToArray();
        double bestViolation = double.PositiveInfinity;
        long innerIterations = 0;
        int outer = 0;
        var inner = new Lbfgsb();
        TerminationReason reason = TerminationReason.MaxIterations;
        string? message = null;
        double stat = double.NaN, feas = double.NaN, compl = double.NaN;
        var innerEvaluations = new EvaluationCounts();
        while (true)
        {
            if (options.CancellationToken.IsCancellationRequested) { reason = TerminationReason.Cancelled; break; }
            if (options.TimeLimit is { } limit && clock.Elapsed >= limit) { reason = TerminationReason.TimeLimit; break; }
            if (outer >= MaxOuterIterations) { reason = TerminationReason.MaxIterations; message = $"{MaxOuterIterations} outer iterations."; break; }
            outer++;
            penalty.Set(subproblemMultipliers, rho);
            var r = inner.Minimize(penalty, problem.Bounds, x, options with
            {
                GradientTolerance = innerTolerance,
                RelativeGradientTolerance = 0, RecordHistory = false, RecordPath = false, Progress = null,
            });
            innerIterations += r.Iterations;
            innerEvaluations = Add(innerEvaluations, r.Evaluations);
            if (!double.IsFinite(r.Value) && r.Reason == TerminationReason.NonFiniteValue && outer == 1)
            {
                reason = TerminationReason.NonFiniteValue;
                message = r.Message;
                break;
            }
            r.Solution.CopyTo(x, 0);
            eval.Objective(x);
            eval.Constraints(x);
            // Multiplier update (first-order), safeguarded, and the measure that decides the penalty.
            double measure = 0;
            for (int i = 0; i < m; i++)
            {
                double v = eval.Values[i];
                if (eval.Kind(i) == ConstraintKind.Equality)
                {
                    measure = Math.Max(measure, Math.Abs(v));
                    estimate[i] = Math.Clamp(subproblemMultipliers[i] + rho * v, -MultiplierBound, MultiplierBound);
                }
                else
                {
                    measure = Math.Max(measure, Math.Abs(Math.Min(-v, subproblemMultipliers[i] / rho)));
                    estimate[i] = Math.Clamp(subproblemMultipliers[i] + rho * v, 0, MultiplierBound);
                }
            }
            (stat, feas, compl) = eval.Residuals(x, estimate);
            if (feas < bestViolation)
            {
                bestViolation = feas;
                x.CopyTo(best, 0);
            }
            if (stat <= OptimalityTolerance * Math.Max(1, GradientScale(eval)) && feas <= FeasibilityTolerance && compl <= Math.Max(FeasibilityTolerance, OptimalityTolerance))
            {
                reason = TerminationReason.MethodTolerance;
                break;
            }
            if (!double.IsFinite(measure) || !double.IsFinite(stat))
            {
                reason = TerminationReason.NonFiniteValue;
                message = "The objective or a constraint is not finite at the point the inner solve returned.";
                break;
            }
            if ((PenaltyOnly || measure > 0.5 * previousMeasure) && measure > FeasibilityTolerance) rho *= 10; // a feasible point needs no more penalty
            previousMeasure = measure;
            innerTolerance = Math.Max(OptimalityTolerance, 0.1 * innerTolerance);
            if (rho > MaxPenalty && feas > FeasibilityTolerance)
            {
                reason = TerminationReason.Infeasible;
                message = string.Create(CultureInfo.InvariantCulture,
                    $"The penalty passed {MaxPenalty:G3} with the constraints still violated by {bestViolation:G3} at best: the constraints look infeasible; the least infeasible point is returned.");
                best.CopyTo(x, 0);
                eval.Objective(x);
                eval.Constraints(x);
                (stat, feas, compl) = eval.Residuals(x, estimate);
                break;
            }
        }
        clock.Stop();
        double fx = eval.Objective(x);
        eval.Constraints(x);
        var report = eval.Report(x, estimate);
        return new OptimizationResult
        {
            Method = Name,
            Solution = x,
            Value = fx,
            InitialValue = initialValue,
            GradientNorm = report.Stationarity,
            Iterations = outer,
            Evaluations = Add(innerEvaluations, eval.Counts), // the inner runs' calls and the outer loop's own
            Reason = reason,
            Message = message ?? string.Create(CultureInfo.InvariantCulture, $"{outer} outer iterations, {innerIterations} inner L-BFGS-B iterations, final penalty ρ = {rho:G3}."),
            Elapsed = clock.Elapsed,
            Warnings = warnings,
            Constraints = report,
            ConvergenceTests =
            [
                new("stationarity", OptimalityTolerance, report.Stationarity, reason == TerminationReason.MethodTolerance),
                new("feasibility", FeasibilityTolerance, report.Feasibility, reason == TerminationReason.MethodTolerance),
                new("complementarity", Math.Max(FeasibilityTolerance, OptimalityTolerance), report.Complementarity, reason == TerminationReason.MethodTolerance),
            ],
        };
    }

    /// <summary>‖∇f‖∞ at the current point: stationarity is tested relative to it (f in the hundreds has gradients to match).</summary>
    internal static double GradientScale(ConstrainedEvaluator eval)
    {
        double m = 0;
        foreach (double g in eval.Gradient) m = Math.Max(m, Math.Abs(g));
        return double.IsFinite(m) ? m : 1;
    }

    internal static EvaluationCounts Add(EvaluationCounts a, EvaluationCounts b) =>
        new(a.Values + b.Values, a.Gradients + b.Gradients, a.Hessians + b.Hessians, a.HessianVectorProducts + b.HessianVectorProducts,
            a.Residuals + b.Residuals, a.Jacobians + b.Jacobians);

    /// <summary>The PHR augmented Lagrangian as an objective over x (multipliers and ρ fixed per outer iteration).</summary>
    private sealed class PenaltyObjective(ConstrainedEvaluator eval) : IGradientObjective
    {
        private double[] _lambda = [];
        private double _rho;

        public void Set(double[] lambda, double rho)
        {
            _lambda = lambda;
            _rho = rho;
        }

        public int Dimension => eval.N;

        public double Value(ReadOnlySpan<double> x)
        {
            double f = eval.Problem.Objective.Value(x);
            if (eval.M == 0) return f;
            eval.Constraints(x, jacobian: false);
            for (int i = 0; i < eval.M; i++)
            {
                double v = eval.Values[i], l = _lambda[i];
                double shifted = eval.Kind(i) == ConstraintKind.Equality ? v + l / _rho : Math.Max(0, v + l / _rho);
                f += 0.5 * _rho * shifted * shifted - 0.5 * l * l / _rho;
            }
            return f;
        }

        public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
        {
            double f = eval.Problem.Objective.ValueAndGradient(x, gradient);
            if (eval.M == 0) return f;
            eval.Constraints(x);
            double rho = _rho;
            for (int i = 0; i < eval.M; i++)
            {
                double v = eval.Values[i], l = _lambda[i];
                // Equality: (ρ/2)(c + λ/ρ)² − λ²/(2ρ); inequality: (ρ/2)max(0, h + μ/ρ)² − μ²/(2ρ). The constants keep L_ρ = f at feasible points with zero multipliers.
                double shifted = eval.Kind(i) == ConstraintKind.Equality ? v + l / rho : Math.Max(0, v + l / rho);
                f += 0.5 * rho * shifted * shifted - 0.5 * l * l / rho;
                double w = rho * shifted;
                if (w == 0) continue;
                for (int j = 0; j < eval.N; j++) gradient[j] += w * eval.Jacobian[i, j];
            }
            return f;
        }
    }
}
