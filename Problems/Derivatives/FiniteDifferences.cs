using Optima.LinearAlgebra;

namespace Optima.Problems.Derivatives;

/// <summary>The finite-difference formula.</summary>
public enum DifferenceScheme
{
    /// <summary>(f(x+h) − f(x))/h: one extra evaluation per variable, error O(h) ≈ √ε relative.</summary>
    Forward,

    /// <summary>(f(x+h) − f(x−h))/(2h): two evaluations per variable, error O(h²) ≈ ε^(2/3) relative.</summary>
    Central,
}

/// <summary>
/// Finite-difference derivatives with steps scaled to x and to machine epsilon:
/// hᵢ = ε^(1/2)·max(|xᵢ|, 1) for forward and ε^(1/3)·max(|xᵢ|, 1) for central differences, which balance truncation
/// against rounding error (Nocedal &amp; Wright, §8.1). Each step is rounded so that x + h is exactly representable,
/// so the denominator is the step actually taken.
/// </summary>
public static class FiniteDifferences
{
    private static readonly double SqrtEpsilon = Math.Sqrt(Math.ScaleB(1.0, -52));
    private static readonly double CbrtEpsilon = Math.Cbrt(Math.ScaleB(1.0, -52));
    private static readonly double FourthRootEpsilon = Math.Pow(Math.ScaleB(1.0, -52), 0.25);

    /// <summary>The step used for variable value <paramref name="x"/> by <paramref name="scheme"/>.</summary>
    public static double Step(double x, DifferenceScheme scheme) => Step(x, scheme, 1.0);

    /// <summary>The step scaled by <paramref name="scale"/> (Richardson extrapolation halves it).</summary>
    internal static double Step(double x, DifferenceScheme scheme, double scale)
    {
        double h = scale * (scheme == DifferenceScheme.Forward ? SqrtEpsilon : CbrtEpsilon) * Math.Max(Math.Abs(x), 1.0);
        return RepresentableStep(x, h);
    }

    /// <summary>Gradient of a scalar function; returns f(x).</summary>
    /// <param name="f">The function.</param>
    /// <param name="x">The point (not modified).</param>
    /// <param name="gradient">Receives ∇f(x).</param>
    /// <param name="scheme">Forward (n evaluations) or central (2n evaluations).</param>
    public static double Gradient(IObjective f, ReadOnlySpan<double> x, Span<double> gradient, DifferenceScheme scheme = DifferenceScheme.Central) =>
        Gradient(f, x, gradient, scheme, 1.0);

    internal static double Gradient(IObjective f, ReadOnlySpan<double> x, Span<double> gradient, DifferenceScheme scheme, double stepScale)
    {
        ArgumentNullException.ThrowIfNull(f);
        Guard.Length(x.Length, f.Dimension, nameof(x));
        Guard.Length(gradient.Length, f.Dimension, nameof(gradient));
        double[] work = x.ToArray();
        double fx = f.Value(x);
        for (int i = 0; i < work.Length; i++)
        {
            double xi = work[i];
            double h = Step(xi, scheme, stepScale);
            work[i] = xi + h;
            double fp = f.Value(work);
            if (scheme == DifferenceScheme.Forward)
            {
                gradient[i] = (fp - fx) / h;
            }
            else
            {
                work[i] = xi - h;
                double fm = f.Value(work);
                gradient[i] = (fp - fm) / (2 * h);
            }
            work[i] = xi;
        }
        return fx;
    }

    /// <summary>The m×n Jacobian of residuals r(x) given by <paramref name="residuals"/>; also writes r(x) into <paramref name="r"/>.</summary>
    public static void Jacobian(ResidualFunction residuals, ReadOnlySpan<double> x, Span<double> r, DenseMatrix jacobian,
        DifferenceScheme scheme = DifferenceScheme.Central) => Jacobian(residuals, x, r, jacobian, scheme, 1.0);

    internal static void Jacobian(ResidualFunction residuals, ReadOnlySpan<double> x, Span<double> r, DenseMatrix jacobian,
        DifferenceScheme scheme, double stepScale)
    {
        ArgumentNullException.ThrowIfNull(residuals);
        ArgumentNullException.ThrowIfNull(jacobian);
        Guard.Length(jacobian.Columns, x.Length, nameof(jacobian) + ".Columns");
        Guard.Length(jacobian.Rows, r.Length, nameof(jacobian) + ".Rows");
        int m = r.Length;
        double[] work = x.ToArray();
        double[] rp = new double[m], rm = new double[m];
        residuals(x, r);
        for (int j = 0; j < work.Length; j++)
        {
            double xj = work[j];
            double h = Step(xj, scheme, stepScale);
            work[j] = xj + h;
            residuals(work, rp);
            var col = jacobian.Column(j);
            if (scheme == DifferenceScheme.Forward)
            {
                for (int i = 0; i < m; i++) col[i] = (rp[i] - r[i]) / h;
            }
            else
            {
                work[j] = xj - h;
                residuals(work, rm);
                for (int i = 0; i < m; i++) col[i] = (rp[i] - rm[i]) / (2 * h);
            }
            work[j] = xj;
        }
    }

    /// <summary>
    /// The Hessian by central differences of an analytic gradient (n·2 gradient evaluations), symmetrised as
    /// (H + Hᵀ)/2.
    /// </summary>
    public static void HessianFromGradient(IGradientObjective f, ReadOnlySpan<double> x, DenseMatrix hessian) =>
        HessianFromGradient(f, x, hessian, 1.0);

    internal static void HessianFromGradient(IGradientObjective f, ReadOnlySpan<double> x, DenseMatrix hessian, double stepScale)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(hessian);
        int n = f.Dimension;
        Guard.Length(x.Length, n, nameof(x));
        RequireSquare(hessian, n);
        double[] work = x.ToArray(), gp = new double[n], gm = new double[n];
        for (int j = 0; j < n; j++)
        {
            double xj = work[j];
            double h = Step(xj, DifferenceScheme.Central, stepScale);
            work[j] = xj + h;
            f.ValueAndGradient(work, gp);
            work[j] = xj - h;
            f.ValueAndGradient(work, gm);
            work[j] = xj;
            var col = hessian.Column(j);
            for (int i = 0; i < n; i++) col[i] = (gp[i] - gm[i]) / (2 * h);
        }
        Symmetrize(hessian);
    }

    /// <summary>
    /// The Hessian from function values alone by second differences with hᵢ = ε^(1/4)·max(|xᵢ|, 1)
    /// (accuracy about √ε relative: use only when no gradient is available).
    /// </summary>
    public static void HessianFromValues(IObjective f, ReadOnlySpan<double> x, DenseMatrix hessian)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(hessian);
        int n = f.Dimension;
        Guard.Length(x.Length, n, nameof(x));
        RequireSquare(hessian, n);
        double[] w = x.ToArray();
        double[] h = new double[n];
        for (int i = 0; i < n; i++) h[i] = RepresentableStep(w[i], FourthRootEpsilon * Math.Max(Math.Abs(w[i]), 1.0));
        double f0 = f.Value(x);
        for (int i = 0; i < n; i++)
        {
            double xi = w[i];
            w[i] = xi + h[i];
            double fp = f.Value(w);
            w[i] = xi - h[i];
            double fm = f.Value(w);
            w[i] = xi;
            hessian[i, i] = (fp - 2 * f0 + fm) / (h[i] * h[i]);
            for (int j = i + 1; j < n; j++)
            {
                double xj = w[j];
                w[i] = xi + h[i]; w[j] = xj + h[j]; double fpp = f.Value(w);
                w[j] = xj - h[j]; double fpm = f.Value(w);
                w[i] = xi - h[i]; double fmm = f.Value(w);
                w[j] = xj + h[j]; double fmp = f.Value(w);
                w[i] = xi; w[j] = xj;
                double hij = (fpp - fpm - fmp + fmm) / (4 * h[i] * h[j]);
                hessian[i, j] = hij;
                hessian[j, i] = hij;
            }
        }
    }

    /// <summary>
    /// ∇²f(x)·v by a central difference of the gradient along v: (∇f(x+hv) − ∇f(x−hv))/(2h), two gradient evaluations.
    /// </summary>
    public static void HessianVector(IGradientObjective f, ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> result) =>
        HessianVector(f, x, v, result, 1.0);

    internal static void HessianVector(IGradientObjective f, ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> result, double stepScale)
    {
        ArgumentNullException.ThrowIfNull(f);
        int n = f.Dimension;
        Guard.Length(x.Length, n, nameof(x));
        Guard.Length(v.Length, n, nameof(v));
        Guard.Length(result.Length, n, nameof(result));
        double vnorm = 0, xnorm = 0;
        for (int i = 0; i < n; i++) { vnorm = Math.Max(vnorm, Math.Abs(v[i])); xnorm = Math.Max(xnorm, Math.Abs(x[i])); }
        if (vnorm == 0) { result.Clear(); return; }
        double h = stepScale * CbrtEpsilon * Math.Max(xnorm, 1.0) / vnorm;
        double[] w = new double[n], gm = new double[n];
        for (int i = 0; i < n; i++) w[i] = x[i] + h * v[i];
        f.ValueAndGradient(w, result);
        for (int i = 0; i < n; i++) w[i] = x[i] - h * v[i];
        f.ValueAndGradient(w, gm);
        for (int i = 0; i < n; i++) result[i] = (result[i] - gm[i]) / (2 * h);
    }

    /// <summary>
    /// Richardson extrapolation of a central-difference estimate: D = (4·D(h/2) − D(h))/3 cancels the h² error
    /// term, leaving O(h⁴) — accurate enough to check derivatives of badly scaled functions.
    /// <paramref name="estimate"/> returns the estimate computed with the steps multiplied by its argument.
    /// </summary>
    internal static double[] Richardson(Func<double, double[]> estimate)
    {
        double[] coarse = estimate(1.0), fine = estimate(0.5);
        for (int i = 0; i < fine.Length; i++) fine[i] = (4 * fine[i] - coarse[i]) / 3;
        return fine;
    }

    private static double RepresentableStep(double x, double h)
    {
        double t = x + h;
        double actual = t - x;
        return actual != 0 ? actual : h;
    }

    private static void Symmetrize(DenseMatrix a)
    {
        int n = a.Rows;
        for (int j = 0; j < n; j++)
            for (int i = j + 1; i < n; i++)
            {
                double s = 0.5 * (a[i, j] + a[j, i]);
                a[i, j] = s;
                a[j, i] = s;
            }
    }

    private static void RequireSquare(DenseMatrix a, int n)
    {
        if (a.Rows != n || a.Columns != n)
            throw new ArgumentException($"The Hessian must be {n}×{n} but is {a.Rows}×{a.Columns}.", "hessian");
    }
}
