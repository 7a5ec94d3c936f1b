using Optima.LinearAlgebra;
using Optima.Problems;

namespace Optima.Solvers.Analysis;

/// <summary>What kind of point the second-order test finds.</summary>
public enum CriticalPointKind
{
    /// <summary>The gradient is not (numerically) zero: not a critical point.</summary>
    NotCritical,
    /// <summary>Positive definite Hessian: a strict local minimum.</summary>
    Minimum,
    /// <summary>Negative definite Hessian: a strict local maximum.</summary>
    Maximum,
    /// <summary>Eigenvalues of both signs: a saddle point.</summary>
    Saddle,
    /// <summary>A (numerically) zero eigenvalue: the second-order test cannot decide (e.g. the monkey saddle).</summary>
    Degenerate,
}

/// <summary>The analysis of a point: gradient, Hessian, its spectrum, the classification, and at a saddle an escape direction.</summary>
public sealed record CriticalPointReport
{
    /// <summary>The point analysed.</summary>
    public required double[] Point { get; init; }
    /// <summary>f at the point.</summary>
    public required double Value { get; init; }
    /// <summary>∇f at the point.</summary>
    public required double[] Gradient { get; init; }
    /// <summary>‖∇f‖∞.</summary>
    public required double GradientNorm { get; init; }
    /// <summary>The Hessian.</summary>
    public required DenseMatrix Hessian { get; init; }
    /// <summary>Hessian eigenvalues, ascending.</summary>
    public required double[] Eigenvalues { get; init; }
    /// <summary>Eigenvectors (column k for eigenvalue k).</summary>
    public required DenseMatrix Eigenvectors { get; init; }
    /// <summary>max|λ| / min|λ| (∞ when an eigenvalue is zero).</summary>
    public required double ConditionNumber { get; init; }
    /// <summary>The classification.</summary>
    public required CriticalPointKind Kind { get; init; }
    /// <summary>Tolerance below which an eigenvalue counts as zero.</summary>
    public required double EigenvalueTolerance { get; init; }
    /// <summary>At a saddle (or a degenerate point with a negative eigenvalue): the unit eigenvector of the most negative eigenvalue.</summary>
    public double[]? EscapeDirection { get; init; }
    /// <summary>The step length t used to show the decrease along <see cref="EscapeDirection"/>.</summary>
    public double EscapeStep { get; init; }
    /// <summary>f(x + t·d) for the escape step (less than <see cref="Value"/> at a saddle).</summary>
    public double EscapeValue { get; init; } = double.NaN;
    /// <summary>The second-order prediction f(x) + ½λ_min·t².</summary>
    public double PredictedEscapeValue { get; init; } = double.NaN;
    /// <summary>A sentence explaining the classification.</summary>
    public required string Explanation { get; init; }
}

/// <summary>
/// The second-order test at a point: ∇f = 0 and the signs of the Hessian's eigenvalues decide minimum, maximum or
/// saddle; a zero eigenvalue leaves it undecided. At a saddle the eigenvector of the most negative eigenvalue is a
/// direction of negative curvature, and a step along it decreases f — how Newton-type methods leave saddles.
/// </summary>
public static class CriticalPoints
{
    /// <summary>Analyses <paramref name="f"/> at <paramref name="x"/>.</summary>
    /// <param name="f">An objective with a Hessian (exact by autodiff or analytic).</param>
    /// <param name="x">The point.</param>
    /// <param name="gradientTolerance">‖∇f‖∞ at or below this counts as zero (default 1e-8·max(1, |f|)).</param>
    public static CriticalPointReport Analyze(IHessianObjective f, ReadOnlySpan<double> x, double? gradientTolerance = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        IterativeDriver.RequireFiniteStart(x, nameof(x));
        int n = f.Dimension;
        if (x.Length != n) throw new ArgumentException($"x has length {x.Length}; the objective has dimension {n}.", nameof(x));
        if (gradientTolerance is { } gt && !(gt >= 0))
            throw new ArgumentOutOfRangeException(nameof(gradientTolerance), gt, "The gradient tolerance must be ≥ 0.");
        var point = x.ToArray();
        var g = new double[n];
        double value = f.ValueAndGradient(point, g);
        var h = new DenseMatrix(n, n);
        f.Hessian(point, h);
        if (!double.IsFinite(value) || g.Any(v => !double.IsFinite(v)) || !h.IsFinite())
            throw new ArgumentException("The objective, its gradient or its Hessian is not finite at this point.", nameof(x));

        // −0 and +0 are the same number; show students one of them.
        for (int i = 0; i < n; i++) g[i] += 0.0;
        for (int k = 0; k < h.Data.Length; k++) h.Data[k] += 0.0;
        var eig = SymmetricEigen.Decompose(h);
        double[] lambda = eig.Values.Select(l => l + 0.0).ToArray();
        double scale = lambda.Length == 0 ? 0 : Math.Max(Math.Abs(lambda[0]), Math.Abs(lambda[^1]));
        double tol = Math.Max(1e-10, 1e3 * n * Math.ScaleB(1.0, -52)) * Math.Max(scale, 1.0);
        double gnorm = g.Max(Math.Abs);
        double gtol = gradientTolerance ?? 1e-8 * Math.Max(1, Math.Abs(value));
        double minAbs = lambda.Min(Math.Abs);
        double condition = minAbs == 0 ? double.PositiveInfinity : scale / minAbs;

        CriticalPointKind kind;
        string why;
        bool anyZero = lambda.Any(l => Math.Abs(l) <= tol);
        bool anyNegative = lambda[0] < -tol, anyPositive = lambda[^1] > tol;
        if (gnorm > gtol)
        {
            kind = CriticalPointKind.NotCritical;
            why = $"‖∇f‖∞ = {gnorm:G3} exceeds the tolerance {gtol:G3}: not a critical point.";
        }
        else if (anyNegative && anyPositive)
        {
            kind = CriticalPointKind.Saddle;
            why = $"The Hessian has eigenvalues of both signs (λmin = {lambda[0]:G6}, λmax = {lambda[^1]:G6}): a saddle point.";
        }
        else if (anyZero)
        {
            kind = CriticalPointKind.Degenerate;
            why = "The Hessian has a zero eigenvalue: the second-order test cannot decide; higher-order terms do.";
        }
        else if (anyPositive)
        {
            kind = CriticalPointKind.Minimum;
            why = $"Every Hessian eigenvalue is positive (λmin = {lambda[0]:G6}): a strict local minimum.";
        }
        else
        {
            kind = CriticalPointKind.Maximum;
            why = $"Every Hessian eigenvalue is negative (λmax = {lambda[^1]:G6}): a strict local maximum.";
        }

        var report = new CriticalPointReport
        {
            Point = point, Value = value, Gradient = g, GradientNorm = gnorm, Hessian = h, Eigenvalues = lambda,
            Eigenvectors = eig.Vectors, ConditionNumber = condition, Kind = kind, EigenvalueTolerance = tol, Explanation = why,
        };
        if (kind is not (CriticalPointKind.Saddle or CriticalPointKind.Degenerate) || !anyNegative) return report;

        // Escape along the most negative curvature: f(x + t·d) ≈ f(x) + ½λ t² < f(x). Pick the largest t (from a
        // scale-aware start, halving) whose actual decrease agrees in sign with the prediction.
        double[] d = eig.Vectors.Column(0).ToArray();
        if (g.Zip(d).Sum(p => p.First * p.Second) > 0) for (int i = 0; i < n; i++) d[i] = -d[i];   // also downhill to first order
        double xnorm = point.Max(Math.Abs);
        double t = Math.Max(1e-3, 1e-3 * xnorm) * Math.Max(1, Math.Sqrt(Math.Abs(value)) / Math.Sqrt(Math.Abs(lambda[0])));
        var trial = new double[n];
        double ft = double.NaN;
        for (int k = 0; k < 60; k++, t *= 0.5)
        {
            for (int i = 0; i < n; i++) trial[i] = point[i] + t * d[i];
            ft = f.Value(trial);
            if (ft < value) break;
        }
        return report with
        {
            EscapeDirection = d,
            EscapeStep = t,
            EscapeValue = ft,
            PredictedEscapeValue = value + 0.5 * lambda[0] * t * t,
        };
    }
}
