using Optima.LinearAlgebra;
using Optima.Problems;

namespace Optima.Solvers.Constrained;

/// <summary>
/// The constraint side of a constrained run's result: each constraint's value and Lagrange multiplier, and the three
/// KKT residuals that are the stopping tests. With L(x, λ) = f(x) + Σ λᵢ gᵢ(x) (gᵢ = cᵢ for equalities, hᵢ for
/// inequalities, λᵢ ≥ 0 on those) and the box B = [l, u]:
/// stationarity ‖P_B(x − ∇ₓL) − x‖∞ (the bound multipliers are implicit in the projection),
/// feasibility max(|cᵢ|, max(hᵢ, 0), distance to the box),
/// complementarity max(|λᵢ·hᵢ|, max(−λᵢ, 0)) over the inequalities.
/// </summary>
/// <param name="Names">Each constraint as stated (its expression, or "c[i]"/"h[i]").</param>
/// <param name="Kinds">Each constraint's kind.</param>
/// <param name="Values">cᵢ(x) or hᵢ(x) at the solution (the sign convention of <see cref="ConstraintKind"/>).</param>
/// <param name="Multipliers">The Lagrange multipliers λᵢ (≥ 0 for inequalities).</param>
/// <param name="Stationarity">The projected Lagrangian gradient ‖P_B(x − ∇ₓL) − x‖∞.</param>
/// <param name="Feasibility">The largest constraint or bound violation.</param>
/// <param name="Complementarity">The largest |λᵢ·hᵢ| or negative inequality multiplier.</param>
public sealed record ConstraintReport(IReadOnlyList<string> Names, IReadOnlyList<ConstraintKind> Kinds, double[] Values, double[] Multipliers,
    double Stationarity, double Feasibility, double Complementarity);

/// <summary>Evaluates f, ∇f, the constraints and their Jacobian of a <see cref="ConstrainedProblem"/>, and the KKT residuals.</summary>
internal sealed class ConstrainedEvaluator
{
    private readonly ConstrainedProblem _problem;
    public readonly int N, M;
    public readonly double[] Lower, Upper, Gradient, Values, LagrangianGradient;
    public readonly DenseMatrix Jacobian;
    public long ObjectiveEvaluations, ConstraintEvaluations;

    public ConstrainedEvaluator(ConstrainedProblem problem)
    {
        _problem = problem;
        N = problem.Dimension;
        M = problem.ConstraintCount;
        Lower = new double[N];
        Upper = new double[N];
        for (int i = 0; i < N; i++)
        {
            Lower[i] = problem.Bounds?.Lower[i] ?? double.NegativeInfinity;
            Upper[i] = problem.Bounds?.Upper[i] ?? double.PositiveInfinity;
        }
        Gradient = new double[N];
        Values = new double[M];
        LagrangianGradient = new double[N];
        Jacobian = new DenseMatrix(Math.Max(M, 1), N);
    }

    public ConstrainedProblem Problem => _problem;

    public ConstraintKind Kind(int i) => _problem.Constraints!.Kind(i);

    /// <summary>f and ∇f into <see cref="Gradient"/>.</summary>
    public double Objective(ReadOnlySpan<double> x)
    {
        ObjectiveEvaluations++;
        return _problem.Objective.ValueAndGradient(x, Gradient);
    }

    /// <summary>The constraint values into <see cref="Values"/> and (when asked) the Jacobian.</summary>
    public void Constraints(ReadOnlySpan<double> x, bool jacobian = true)
    {
        if (M == 0) return;
        ConstraintEvaluations++;
        _problem.Constraints!.Evaluate(x, Values, jacobian ? Jacobian : null);
    }

    /// <summary>∇ₓL = ∇f + Jᵀλ into <see cref="LagrangianGradient"/> (uses the current <see cref="Gradient"/> and <see cref="Jacobian"/>).</summary>
    public void Lagrangian(ReadOnlySpan<double> multipliers)
    {
        Gradient.CopyTo(LagrangianGradient, 0);
        for (int i = 0; i < M; i++)
        {
            double l = multipliers[i];
            if (l == 0) continue;
            for (int j = 0; j < N; j++) LagrangianGradient[j] += l * Jacobian[i, j];
        }
    }

    /// <summary>Largest violation of the constraints (current <see cref="Values"/>) and of the box at x.</summary>
    public double Violation(ReadOnlySpan<double> x)
    {
        double v = 0;
        for (int i = 0; i < M; i++)
            v = Math.Max(v, Kind(i) == ConstraintKind.Equality ? Math.Abs(Values[i]) : Math.Max(Values[i], 0));
        for (int j = 0; j < N; j++) v = Math.Max(v, Math.Max(Lower[j] - x[j], x[j] - Upper[j]));
        return double.IsNaN(v) ? double.PositiveInfinity : v;
    }

    /// <summary>The three KKT residuals at x with multipliers λ (Gradient, Jacobian and Values current at x).</summary>
    public (double Stationarity, double Feasibility, double Complementarity) Residuals(ReadOnlySpan<double> x, ReadOnlySpan<double> multipliers)
    {
        Lagrangian(multipliers);
        double stat = Optima.Solvers.QuasiNewton.Lbfgsb.ProjectedGradientNorm(x, LagrangianGradient, Lower, Upper);
        double compl = 0;
        for (int i = 0; i < M; i++)
            if (Kind(i) == ConstraintKind.Inequality)
                compl = Math.Max(compl, Math.Max(Math.Abs(multipliers[i] * Values[i]), Math.Max(-multipliers[i], 0)));
        return (stat, Violation(x), compl);
    }

    public ConstraintReport Report(ReadOnlySpan<double> x, ReadOnlySpan<double> multipliers)
    {
        var (s, f, c) = Residuals(x, multipliers);
        var names = new string[M];
        var kinds = new ConstraintKind[M];
        for (int i = 0; i < M; i++)
        {
            names[i] = _problem.Constraints!.Describe(i);
            kinds[i] = Kind(i);
        }
        return new ConstraintReport(names, kinds, Values.ToArray(), multipliers.ToArray(), s, f, c);
    }

    public EvaluationCounts Counts => new(0, ObjectiveEvaluations, 0, 0, 0, 0);
}
