using System.Globalization;
using Optima.LinearAlgebra;

namespace Optima.Problems.Derivatives;

/// <summary>
/// The outcome of comparing an analytic derivative with finite differences. The error of each entry is
/// |a − d| / max(1, |a|, |d|): relative for entries of magnitude ≥ 1, absolute below, so entries that are zero
/// analytically do not produce spurious huge relative errors.
/// </summary>
/// <param name="Kind">"gradient", "Jacobian", "Hessian" or "Hessian-vector".</param>
/// <param name="Passed">True when every entry's error is within <paramref name="Tolerance"/>.</param>
/// <param name="WorstRow">Row (or component) index of the worst entry.</param>
/// <param name="WorstColumn">Column of the worst entry (0 for vectors).</param>
/// <param name="Analytic">The analytic value of the worst entry.</param>
/// <param name="Numeric">The finite-difference value of the worst entry.</param>
/// <param name="Error">The worst entry's error.</param>
/// <param name="Tolerance">The tolerance used.</param>
/// <param name="Entries">Number of entries compared.</param>
public sealed record DerivativeCheckResult(
    string Kind, bool Passed, int WorstRow, int WorstColumn, double Analytic, double Numeric, double Error, double Tolerance, int Entries)
{
    /// <summary>One readable line.</summary>
    public override string ToString()
    {
        string where = Kind is "gradient" or "Hessian-vector" ? $"[{WorstRow}]" : $"[{WorstRow},{WorstColumn}]";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Kind} check {(Passed ? "passed" : "FAILED")}: worst entry {where} analytic {Analytic:G10} vs numeric {Numeric:G10}, error {Error:G3} (tolerance {Tolerance:G3}, {Entries} entries)");
    }

    internal static DerivativeCheckResult Compare(string kind, ReadOnlySpan<double> analytic, ReadOnlySpan<double> numeric,
        int rows, double tolerance)
    {
        int worst = 0;
        double worstError = -1;
        for (int k = 0; k < analytic.Length; k++)
        {
            double a = analytic[k], d = numeric[k];
            double error = Math.Abs(a - d) / Math.Max(1.0, Math.Max(Math.Abs(a), Math.Abs(d)));
            if (double.IsNaN(error)) error = double.PositiveInfinity;
            if (error > worstError)
            {
                worstError = error;
                worst = k;
            }
        }
        if (analytic.Length == 0) worstError = 0;
        return new DerivativeCheckResult(kind, worstError <= tolerance, worst % rows, worst / rows,
            analytic.Length == 0 ? 0 : analytic[worst], numeric.Length == 0 ? 0 : numeric[worst], worstError, tolerance, analytic.Length);
    }

    internal static void RequireTolerance(double tolerance)
    {
        if (!(tolerance > 0) || double.IsInfinity(tolerance))
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The tolerance must be a finite number > 0.");
    }

    internal static void RequireFinitePoint(ReadOnlySpan<double> x, int dimension)
    {
        if (x.Length != dimension)
            throw new ArgumentException($"x has length {x.Length}; the problem has dimension {dimension}.", nameof(x));
        for (int i = 0; i < x.Length; i++)
            if (!double.IsFinite(x[i]))
                throw new ArgumentException($"x[{i}] = {x[i]} is not finite.", nameof(x));
    }
}

/// <summary>
/// Checks an analytic gradient against central finite differences of the value (like torch.autograd.gradcheck),
/// Richardson-extrapolated (steps h and h/2) so the reference is accurate to O(h⁴) even for badly scaled functions.
/// </summary>
public static class GradientCheck
{
    /// <summary>Compares ∇f(x) from <see cref="IGradientObjective.ValueAndGradient"/> with central differences of <see cref="IObjective.Value"/>.</summary>
    /// <param name="f">The objective.</param>
    /// <param name="x">Where to check (choose a generic point, not a stationary one).</param>
    /// <param name="tolerance">Allowed error per entry (see <see cref="DerivativeCheckResult"/>). Default 1e-6.</param>
    public static DerivativeCheckResult Run(IGradientObjective f, ReadOnlySpan<double> x, double tolerance = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(f);
        DerivativeCheckResult.RequireTolerance(tolerance);
        DerivativeCheckResult.RequireFinitePoint(x, f.Dimension);
        int n = f.Dimension;
        var analytic = new double[n];
        f.ValueAndGradient(x, analytic);
        var point = x.ToArray();
        double[] numeric = FiniteDifferences.Richardson(scale =>
        {
            var g = new double[n];
            FiniteDifferences.Gradient(f, point, g, DifferenceScheme.Central, scale);
            return g;
        });
        return DerivativeCheckResult.Compare("gradient", analytic, numeric, n, tolerance);
    }
}

/// <summary>Checks an analytic Jacobian against central finite differences of the residuals.</summary>
public static class JacobianCheck
{
    /// <summary>Compares J(x) from <see cref="ILeastSquaresProblem.Evaluate"/> with central differences of the residuals.</summary>
    /// <param name="problem">The least-squares problem.</param>
    /// <param name="x">Where to check.</param>
    /// <param name="tolerance">Allowed error per entry. Default 1e-6.</param>
    public static DerivativeCheckResult Run(ILeastSquaresProblem problem, ReadOnlySpan<double> x, double tolerance = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(problem);
        DerivativeCheckResult.RequireTolerance(tolerance);
        DerivativeCheckResult.RequireFinitePoint(x, problem.Parameters);
        int m = problem.Residuals, n = problem.Parameters;
        var analytic = new DenseMatrix(m, n);
        problem.Evaluate(x, new double[m], analytic);
        var point = x.ToArray();
        double[] numeric = FiniteDifferences.Richardson(scale =>
        {
            var j = new DenseMatrix(m, n);
            FiniteDifferences.Jacobian((p, res) => problem.Evaluate(p, res, null), point, new double[m], j, DifferenceScheme.Central, scale);
            return j.Data;
        });
        return DerivativeCheckResult.Compare("Jacobian", analytic.Data, numeric, m, tolerance);
    }
}

/// <summary>Checks second derivatives against finite differences of the analytic gradient (like torch.autograd.gradgradcheck).</summary>
public static class HessianCheck
{
    /// <summary>Compares the Hessian with central differences of the gradient. Default tolerance 1e-5.</summary>
    public static DerivativeCheckResult Run(IHessianObjective f, ReadOnlySpan<double> x, double tolerance = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(f);
        DerivativeCheckResult.RequireTolerance(tolerance);
        DerivativeCheckResult.RequireFinitePoint(x, f.Dimension);
        int n = f.Dimension;
        var analytic = new DenseMatrix(n, n);
        f.Hessian(x, analytic);
        var point = x.ToArray();
        double[] numeric = FiniteDifferences.Richardson(scale =>
        {
            var h = new DenseMatrix(n, n);
            FiniteDifferences.HessianFromGradient(f, point, h, scale);
            return h.Data;
        });
        return DerivativeCheckResult.Compare("Hessian", analytic.Data, numeric, n, tolerance);
    }

    /// <summary>Compares the Hessian-vector product ∇²f(x)·v with a central difference of the gradient along v.</summary>
    public static DerivativeCheckResult RunProduct(IHessianObjective f, ReadOnlySpan<double> x, ReadOnlySpan<double> v, double tolerance = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(f);
        DerivativeCheckResult.RequireTolerance(tolerance);
        DerivativeCheckResult.RequireFinitePoint(x, f.Dimension);
        if (v.Length != f.Dimension)
            throw new ArgumentException($"v has length {v.Length}; the problem has dimension {f.Dimension}.", nameof(v));
        int n = f.Dimension;
        var analytic = new double[n];
        f.HessianVector(x, v, analytic);
        double[] point = x.ToArray(), direction = v.ToArray();
        double[] numeric = FiniteDifferences.Richardson(scale =>
        {
            var hv = new double[n];
            FiniteDifferences.HessianVector(f, point, direction, hv, scale);
            return hv;
        });
        return DerivativeCheckResult.Compare("Hessian-vector", analytic, numeric, n, tolerance);
    }
}
