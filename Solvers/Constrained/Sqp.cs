using System.Diagnostics;
using System.Globalization;
using Optima.LinearAlgebra;
using Optima.Problems;
using Optima.Solvers.QuasiNewton;

namespace Optima.Solvers.Constrained;

/// <summary>
/// Sequential quadratic programming for small dense problems (Nocedal and Wright §18.4–18.6; the SLSQP/NLPQL lineage):
/// each iteration solves the QP min ½dᵀBd + ∇fᵀd subject to the linearised constraints cᵢ + ∇cᵢᵀd = 0, hᵢ + ∇hᵢᵀd ≤ 0 and
/// the box (by <see cref="DenseQp"/>, a primal–dual interior-point method), takes a backtracking step on the ℓ1 merit
/// function φ = f + ν·(Σ|cᵢ| + Σ max(hᵢ, 0)) with ν ≥ 1.5·‖λ_QP‖∞, and updates B by BFGS with Powell's damping
/// (θ chosen so that sᵀr ≥ 0.2·sᵀBs), which keeps B positive definite. When the linearised constraints are inconsistent
/// the step instead decreases the violation ½Σcᵢ² + ½Σmax(hᵢ, 0)² (a projected gradient step with backtracking on that
/// function); a point where that cannot decrease while still
/// violated is reported as <see cref="TerminationReason.Infeasible"/>.
/// </summary>
/// <remarks>Its own loop (not <see cref="IterativeDriver"/>): the tests are the KKT residuals and the merit function changes with ν.
/// n·n and (n + m)² matrices are formed; meant for n up to a few hundred.</remarks>
/// <param name="OptimalityTolerance">Stationarity tolerance, relative to max(1, ‖∇f‖∞). Default 1e-8.</param>
/// <param name="FeasibilityTolerance">Largest violation allowed. Default 1e-9.</param>
public sealed record Sqp(double OptimalityTolerance = 1e-8, double FeasibilityTolerance = 1e-9) : IMinimizer<ConstrainedProblem>
{
    /// <inheritdoc/>
    public string Name => "sqp";

    /// <inheritdoc/>
    public OptimizationResult Minimize(ConstrainedProblem problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (start.Length != problem.Dimension)
            throw new ArgumentException($"The start has length {start.Length} but the problem has dimension {problem.Dimension}.", nameof(start));
        IterativeDriver.RequireFiniteStart(start);
        options ??= new SolverOptions();
        options.Validate();
        var clock = Stopwatch.StartNew();
        var ev = new ConstrainedEvaluator(problem);
        int n = ev.N, m = ev.M;
        var x = start.ToArray();
        var warnings = new List<string>();
        if (problem.Bounds is { } box && !box.Contains(x))
        {
            box.Clamp(x);
            warnings.Add(Lbfgsb.ProjectedStartWarning);
        }
        int me = 0;
        for (int i = 0; i < m; i++) if (ev.Kind(i) == ConstraintKind.Equality) me++;
        int nb = 0;
        for (int j = 0; j < n; j++) nb += (double.IsFinite(ev.Lower[j]) ? 1 : 0) + (double.IsFinite(ev.Upper[j]) ? 1 : 0);
        int mi = m - me + nb;
        var b = DenseMatrix.Identity(n);
        var e = new DenseMatrix(Math.Max(me, 1), n);
        var gi = new DenseMatrix(Math.Max(mi, 1), n);
        var eRhs = new double[me];
        var giRhs = new double[mi];
        var lambda = new double[m];
        var xNew = new double[n];
        var s = new double[n];
        var yv = new double[n];
        var bs = new double[n];
        var gradOld = new double[n];
        var lambdaQp = new double[m];
        var violationGradient = new double[n];
        var jOld = new DenseMatrix(Math.Max(m, 1), n);
        double f = ev.Objective(x);
        ev.Constraints(x);
        double initialValue = f;
        double nu = 1;
        int iter = 0;
        bool scaled = false;
        TerminationReason reason = TerminationReason.MaxIterations;
        string? message = null;
        if (!double.IsFinite(f)) { reason = TerminationReason.NonFiniteValue; message = "The objective is not finite at the start."; }
        while (reason == TerminationReason.MaxIterations)
        {
            var (stat, feas, compl) = ev.Residuals(x, lambda);
            if (stat <= OptimalityTolerance * Math.Max(1, AugmentedLagrangian.GradientScale(ev)) && feas <= FeasibilityTolerance && compl <= OptimalityTolerance) { reason = TerminationReason.MethodTolerance; break; }
            if (options.CancellationToken.IsCancellationRequested) { reason = TerminationReason.Cancelled; break; }
            if (options.TimeLimit is { } limit && clock.Elapsed >= limit) { reason = TerminationReason.TimeLimit; break; }
            if (iter >= options.MaxIterations) break;
            if (ev.ObjectiveEvaluations >= options.MaxEvaluations) { reason = TerminationReason.MaxEvaluations; break; }
            iter++;

            // The QP's linearised constraints (rows of E, G) and the box as rows of G.
            int re = 0, ri = 0;
            for (int i = 0; i < m; i++)
            {
                if (ev.Kind(i) == ConstraintKind.Equality)
                {
                    for (int j = 0; j < n; j++) e[re, j] = ev.Jacobian[i, j];
                    eRhs[re++] = -ev.Values[i];
                }
                else
                {
                    for (int j = 0; j < n; j++) gi[ri, j] = ev.Jacobian[i, j];
                    giRhs[ri++] = -ev.Values[i];
                }
            }
            for (int j = 0; j < n; j++)
            {
                if (double.IsFinite(ev.Lower[j])) { for (int q = 0; q < n; q++) gi[ri, q] = q == j ? -1 : 0; giRhs[ri++] = x[j] - ev.Lower[j]; }
                if (double.IsFinite(ev.Upper[j])) { for (int q = 0; q < n; q++) gi[ri, q] = q == j ? 1 : 0; giRhs[ri++] = ev.Upper[j] - x[j]; }
            }
            var qp = DenseQp.Solve(b, ev.Gradient, e, eRhs, gi, giRhs, me, mi);
            var d = qp.D;
            Array.Clear(lambdaQp);
            bool restoration = !qp.Converged;
            if (restoration)
            {
                // Inconsistent linearisation: a damped Gauss–Newton step on ½‖violation‖², kept in the box.
                var gv = violationGradient;
                Array.Clear(gv);
                for (int i = 0; i < m; i++)
                {
                    double v = ev.Kind(i) == ConstraintKind.Equality ? ev.Values[i] : Math.Max(ev.Values[i], 0);
                    for (int j = 0; j < n; j++) gv[j] += v * ev.Jacobian[i, j];
                }
                double pg = Lbfgsb.ProjectedGradientNorm(x, gv, ev.Lower, ev.Upper);
                if (pg <= 1e-10 * Math.Max(1, feas))
                {
                    reason = TerminationReason.Infeasible;
                    message = string.Create(CultureInfo.InvariantCulture,
                        $"The linearised constraints are inconsistent and the violation {feas:G3} is stationary: the constraints look infeasible; the least infeasible point found is returned.");
                    break;
                }
                for (int j = 0; j < n; j++) d[j] = Math.Clamp(x[j] - gv[j], ev.Lower[j], ev.Upper[j]) - x[j];
            }
            else
            {
                int ke = 0, ki = 0;
                for (int i = 0; i < m; i++) lambdaQp[i] = ev.Kind(i) == ConstraintKind.Equality ? qp.Y[ke++] : qp.Z[ki++];
                double lmax = 0;
                for (int i = 0; i < m; i++) lmax = Math.Max(lmax, Math.Abs(lambdaQp[i]));
                nu = Math.Max(nu, 1.5 * lmax + 1e-3);
            }
            // A negligible QP step at a feasible point: B·d ≈ ∇ₓL, so the point is stationary to the QP's accuracy (the
            // test SLSQP makes on its step); without it the run would crawl at the interior-point QP's precision.
            double dMax = 0, xMax = 0;
            for (int j = 0; j < n; j++) { dMax = Math.Max(dMax, Math.Abs(d[j])); xMax = Math.Max(xMax, Math.Abs(x[j])); }
            if (!restoration && dMax <= 1e-10 * Math.Max(1, xMax) && feas <= FeasibilityTolerance && compl <= 1e-6)
            {
                lambdaQp.CopyTo(lambda, 0);
                reason = TerminationReason.MethodTolerance;
                message = "The QP step is negligible (‖d‖∞ ≤ 1e-10·max(1, ‖x‖∞)) at a feasible point.";
                break;
            }
            // ℓ1 merit line search (restoration: on the violation alone).
            // Restoration measures progress by ½‖violation‖², the function its step descends (the ℓ1 violation can rise along it).
            double violation = L1Violation(ev, m);
            double merit = restoration ? HalfSquaredViolation(ev, m) : f + nu * violation;
            double slope = restoration ? Dot(violationGradient, d) : Dot(ev.Gradient, d) - nu * violation;
            slope = Math.Min(slope, 0); // ≤ −dᵀBd in exact arithmetic once ν ≥ ‖λ_QP‖∞ (Nocedal and Wright (18.29))
            double alpha = 1, fNew = f;
            ev.Gradient.CopyTo(gradOld, 0);
            ev.Jacobian.CopyTo(jOld);
            bool accepted = false;
            for (int k = 0; k < 40; k++)
            {
                for (int j = 0; j < n; j++) xNew[j] = Math.Clamp(x[j] + alpha * d[j], ev.Lower[j], ev.Upper[j]);
                fNew = ev.Objective(xNew);
                ev.Constraints(xNew);
                double meritNew = restoration ? HalfSquaredViolation(ev, m) : fNew + nu * L1Violation(ev, m);
                if (double.IsFinite(meritNew) && meritNew <= merit + 1e-4 * alpha * slope) { accepted = true; break; }
                alpha *= 0.5;
            }
            if (!accepted)
            {
                // Return to the last iterate and its derivatives.
                f = ev.Objective(x);
                ev.Constraints(x);
                var (st, fe, _) = ev.Residuals(x, lambda);
                reason = restoration && fe > FeasibilityTolerance ? TerminationReason.Infeasible : TerminationReason.LineSearchFailed;
                message = restoration
                    ? "No step decreases the constraint violation: the constraints look infeasible; the least infeasible point found is returned."
                    : string.Create(CultureInfo.InvariantCulture, $"The ℓ1 merit line search found no decrease (stationarity {st:G3}, feasibility {fe:G3}).");
                if (!restoration && st <= 1e3 * OptimalityTolerance && fe <= 1e3 * FeasibilityTolerance) reason = TerminationReason.PrecisionLimit;
                break;
            }
            for (int j = 0; j < n; j++) s[j] = xNew[j] - x[j];
            xNew.CopyTo(x, 0);
            f = fNew;
            // The QP's multipliers replace the estimate whatever the step length (as SLSQP): they are the first-order
            // estimate at the linearisation, and a short step must not leave stale ones behind.
            if (!restoration) lambdaQp.CopyTo(lambda, 0);
            // y = ∇ₓL(x₊, λ₊) − ∇ₓL(x, λ₊), Powell-damped BFGS update of B.
            for (int j = 0; j < n; j++)
            {
                double v = ev.Gradient[j] - gradOld[j];
                for (int i = 0; i < m; i++) v += lambda[i] * (ev.Jacobian[i, j] - jOld[i, j]);
                yv[j] = v;
            }
            double sy = Dot(s, yv), ss = Dot(s, s);
            if (!scaled && sy > 0 && ss > 0)
            {
                // Scale B₀ = I to the observed curvature before the first update (Nocedal and Wright (6.20)).
                double yy = Dot(yv, yv);
                for (int a = 0; a < n; a++) b[a, a] = yy / sy;
                scaled = true;
            }
            double sBs = 0;
            for (int a = 0; a < n; a++) { double v = 0; for (int q = 0; q < n; q++) v += b[a, q] * s[q]; bs[a] = v; sBs += s[a] * v; }
            if (sBs > 0 && double.IsFinite(sy))
            {
                double theta = sy >= 0.2 * sBs ? 1 : 0.8 * sBs / (sBs - sy);
                for (int j = 0; j < n; j++) yv[j] = theta * yv[j] + (1 - theta) * bs[j];
                double sr = Dot(s, yv);
                if (sr > 0)
                    for (int a = 0; a < n; a++)
                        for (int q = 0; q < n; q++) b[a, q] += yv[a] * yv[q] / sr - bs[a] * bs[q] / sBs;
            }
        }
        clock.Stop();
        f = ev.Objective(x);
        ev.Constraints(x);
        var report = ev.Report(x, lambda);
        return new OptimizationResult
        {
            Method = Name,
            Solution = x,
            Value = f,
            InitialValue = initialValue,
            GradientNorm = report.Stationarity,
            Iterations = iter,
            Evaluations = ev.Counts,
            Reason = reason,
            Message = message,
            Elapsed = clock.Elapsed,
            Warnings = warnings,
            Constraints = report,
            ConvergenceTests =
            [
                new("stationarity", OptimalityTolerance, report.Stationarity, reason == TerminationReason.MethodTolerance),
                new("feasibility", FeasibilityTolerance, report.Feasibility, reason == TerminationReason.MethodTolerance),
                new("complementarity", OptimalityTolerance, report.Complementarity, reason == TerminationReason.MethodTolerance),
            ],
        };
    }

    private static double L1Violation(ConstrainedEvaluator ev, int m)
    {
        double v = 0;
        for (int i = 0; i < m; i++) v += ev.Kind(i) == ConstraintKind.Equality ? Math.Abs(ev.Values[i]) : Math.Max(ev.Values[i], 0);
        return v;
    }

    private static double HalfSquaredViolation(ConstrainedEvaluator ev, int m)
    {
        double v = 0;
        for (int i = 0; i < m; i++)
        {
            double r = ev.Kind(i) == ConstraintKind.Equality ? ev.Values[i] : Math.Max(ev.Values[i], 0);
            v += 0.5 * r * r;
        }
        return v;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
