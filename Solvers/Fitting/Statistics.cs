using System.Diagnostics;
using System.Numerics.Tensors;
using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;
using Optima.Problems;

namespace Optima.Solvers.Fitting;

/// <summary>Sums that do not lose the low-order digits: squares split exactly by FMA, added with Neumaier's compensated summation.</summary>
internal static class AccurateSum
{
    /// <summary>Σ vᵢ² with error bounded by a few ulps of the result (no cancellation: every term is ≥ 0).</summary>
    public static double SumOfSquares(ReadOnlySpan<double> v)
    {
        double sum = 0, compensation = 0;
        foreach (double x in v)
        {
            double square = x * x;
            compensation += Math.FusedMultiplyAdd(x, x, -square);
            Add(ref sum, ref compensation, square);
        }
        return sum + compensation;
    }

    /// <summary>Neumaier's TwoSum step: sum + term with the rounding error carried in <paramref name="compensation"/>.</summary>
    public static void Add(ref double sum, ref double compensation, double term)
    {
        double t = sum + term;
        compensation += Math.Abs(sum) >= Math.Abs(term) ? (sum - t) + term : (term - t) + sum;
        sum = t;
    }
}

/// <summary>What a fit was set up with, as the statistics need it.</summary>
/// <param name="Model">The model evaluator.</param>
/// <param name="ModelText">The model, as text.</param>
/// <param name="Names">The parameter names.</param>
/// <param name="Rows">The variables, point-major (<paramref name="Variables"/> per point).</param>
/// <param name="Variables">Variables per point.</param>
/// <param name="Y">The observations.</param>
/// <param name="ResidualWeights">Residual weights w = 1/σ or √W, or null.</param>
/// <param name="Start">The starting values.</param>
/// <param name="IsFixed">Fixed parameters.</param>
/// <param name="Bounds">Bounds per parameter.</param>
/// <param name="Free">Indices of the free parameters.</param>
/// <param name="Options">The fit's options.</param>
/// <param name="EffectivePoints">Points with nonzero weight.</param>
/// <param name="Problem">The least-squares problem the solver ran on (its last Jacobian may serve the covariance), or null.</param>
internal sealed record FitSetup(ModelEvaluator Model, string ModelText, string[] Names, double[] Rows, int Variables, double[] Y,
    double[]? ResidualWeights, double[] Start, bool[] IsFixed, ParameterBounds[] Bounds, int[] Free, FitOptions Options,
    int EffectivePoints, FitProblem? Problem);

/// <summary>The statistics of a finished fit: covariance from R⁻¹ of the pivoted QR of the weighted Jacobian, intervals, RSS, R².</summary>
internal static class Statistics
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int, double), double> s_quantiles = new();

    /// <summary>
    /// The two-sided Student-t quantile t_{(1+level)/2, dof} (MathNet's StudentT.InvCDF, an iterative inversion of the
    /// regularised incomplete beta function), cached per (dof, level) since many small fits ask for the same few.
    /// </summary>
    public static double TQuantile(int dof, double level)
    {
        if (s_quantiles.TryGetValue((dof, level), out double t)) return t;
        t = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, dof, 0.5 + 0.5 * level);
        if (s_quantiles.Count < 4096) s_quantiles[(dof, level)] = t;
        return t;
    }

    /// <summary>
    /// Column-pivoted QR of the first <paramref name="q"/> columns of <paramref name="j"/> (m×q); small matrices directly,
    /// from <see cref="FitProblem.LargeRows"/> rows on (or with column scales) through the triangle:
    /// the streamed QR (<see cref="TallSkinnyQr"/>, one pass over J) gives T with J = QT, column c of T is divided by
    /// <paramref name="columnScale"/>[c] when given (T·D⁻¹ is the triangle of J·D⁻¹), and the pivoted QR of the q×q
    /// triangle, with the rank tolerance of the m×q factorization (max(m, q)·ε relative to |r₀₀|), gives the same
    /// R (up to signs) and permutation as factoring J·D⁻¹ itself.
    /// </summary>
    private static PivotedQrFactorization TriangleQr(DenseMatrix j, int q, double[]? columnScale)
    {
        int m = j.Rows;
        if (m < FitProblem.LargeRows && columnScale is null) return PivotedQrFactorization.Factorize(j);
        var columns = j.Columns == q ? j : new DenseMatrix(m, q, j.Data[..(m * q)]);
        var triangle = new double[q * q];
        TallSkinnyQr.Factorize(columns, default, triangle);
        return PivotedQrOfTriangle(triangle, q, q, m, columnScale);
    }

    /// <summary>
    /// Column-pivoted QR of the leading n×n block of a streamed-QR triangle (column-major, leading dimension
    /// <paramref name="stride"/>), column c divided by <paramref name="columnScale"/>[c] when given, with the rank
    /// tolerance the factorization of the m-row matrix itself would use (max(m, n)·ε relative to |r₀₀|).
    /// </summary>
    internal static PivotedQrFactorization PivotedQrOfTriangle(ReadOnlySpan<double> triangle, int stride, int n, int m, double[]? columnScale)
    {
        var t = new DenseMatrix(n, n);
        for (int c = 0; c < n; c++)
        {
            var dst = t.Column(c);
            triangle.Slice(c * stride, c + 1).CopyTo(dst);
            if (columnScale is not null) TensorPrimitives.Divide(dst, columnScale[c], dst);
        }
        return PivotedQrFactorization.Factorize(t, Math.Max(m, n) * DenseFactorizationOptions.MachineEpsilon);
    }

    /// <summary>Endings where the method could not decrease the cost any more: a converged fit when the point is stationary.</summary>
    public static bool IsStall(TerminationReason reason) => reason is TerminationReason.TrustRegionTooSmall or TerminationReason.LineSearchFailed;

    /// <summary>The fit's result at <paramref name="parameters"/> (external) from the run <paramref name="solved"/> (method and polish).</summary>
    public static FitResult Compute(FitSetup setup, double[] parameters, OptimizationResult solved, int methodIterations, Stopwatch clock)
    {
        var (model, modelText, names, rows, v, y, w, start, isFixed, bounds, free, options, effectivePoints, problem) = setup;
        int m = y.Length, p = names.Length;
        var loss = options.Loss;

        // Which free parameters ended on a bound: they are held there for the covariance.
        var atBound = new bool[p];
        foreach (int k in free)
        {
            var b = bounds[k];
            if (b.IsUnbounded) continue;
            double width = double.IsFinite(b.Lower) && double.IsFinite(b.Upper) ? b.Upper - b.Lower : Math.Max(Math.Abs(start[k] - (double.IsFinite(b.Lower) ? b.Lower : b.Upper)), Math.Abs(parameters[k]));
            double tol = 1e-10 * Math.Max(width, double.Epsilon);
            atBound[k] = parameters[k] - b.Lower <= tol || b.Upper - parameters[k] <= tol;
        }
        int[] est = [.. free.Where(k => !atBound[k])];
        int q = est.Length;
        int dof = effectivePoints - free.Length;

        // The solver's (or the polish's) last Jacobian, when it is at the solution, serves the covariance: for plain
        // least squares its column k is w·∂f/∂pₖ·(dx/du)ₖ, so the triangle of the weighted Jacobian is its triangle with
        // column k divided by (dx/du)ₖ. Otherwise f and ∂f/∂p are evaluated here.
        DenseMatrix? internalJ = null;
        double[]? chain = null;
        double[] f;
        if (problem is not null && m >= FitProblem.LargeRows && loss.Kind == LossKind.Linear && q == free.Length
            && problem.TryLastJacobian(solved.Solution, out var last, out var lastValues))
        {
            chain = new double[q];
            for (int c = 0; c < q; c++) chain[c] = problem.Derivative(c, solved.Solution);
            if (chain.All(d => double.IsFinite(d) && Math.Abs(d) > 1e-150))
            {
                internalJ = last;
                f = lastValues.ToArray();
            }
            else f = new double[m];
        }
        else f = new double[m];
        DenseMatrix? jf = null;
        if (internalJ is null)
        {
            jf = new DenseMatrix(m, p);
            model.Evaluate(rows, v, parameters, f, jf);
        }

        // Residuals, the weighted residuals r = w(f − y) and the loss-transformed r̃ with their row scale dr̃/dp = scale·∂f/∂p.
        var residuals = new double[m];
        var weighted = new double[m];
        var transformed = loss.Kind == LossKind.Linear ? weighted : new double[m];
        var rowScale = internalJ is null ? new double[m] : null;
        // Residuals in double; in double-double where rounding of f could change the RSS in its first digits.
        double noise = 0, plain = 0;
        for (int i = 0; i < m; i++)
        {
            double wi = w is null ? 1 : w[i];
            double e = 2.2e-16 * Math.Abs(y[i]) * wi, r = wi * (y[i] - f[i]);
            noise += e * e;
            plain += r * r;
        }
        bool extended = noise > 1e-12 * plain && model.ExtendedResiduals(rows, v, parameters, y, residuals);
        for (int i = 0; i < m; i++)
        {
            if (!extended || !double.IsFinite(residuals[i])) residuals[i] = y[i] - f[i];
            double wi = w is null ? 1 : w[i];
            weighted[i] = -wi * residuals[i];
            if (loss.Kind == LossKind.Linear)
            {
                if (rowScale is not null) rowScale[i] = wi;
            }
            else
            {
                var (value, derivative) = loss.Transform(weighted[i]);
                transformed[i] = value;
                rowScale![i] = wi * derivative;
            }
        }
        double rss = AccurateSum.SumOfSquares(weighted);
        double cost = loss.Kind == LossKind.Linear ? rss : AccurateSum.SumOfSquares(transformed);

        // The weighted Jacobian of the estimated parameters (or the solver's, column-scaled: the cosine is scale-free)
        // and the gradient cosine.
        double rnorm = Math.Sqrt(AccurateSum.SumOfSquares(transformed));
        double cosine = 0;
        DenseMatrix jw;
        if (internalJ is not null)
        {
            jw = internalJ;
            for (int c = 0; c < q; c++)
            {
                var col = jw.Column(c);
                double dot = Reproducible.Dot(col, transformed), norm = Reproducible.SumOfSquares(col);
                if (norm > 0 && rnorm > 0) cosine = Math.Max(cosine, Math.Abs(dot) / (Math.Sqrt(norm) * rnorm));
            }
        }
        else
        {
            jw = new DenseMatrix(m, Math.Max(q, 1));
            for (int c = 0; c < q; c++)
            {
                var src = jf!.Column(est[c]);
                var dst = jw.Column(c);
                double dot = 0, norm = 0;
                for (int i = 0; i < m; i++)
                {
                    dst[i] = rowScale![i] * src[i];
                    dot += dst[i] * transformed[i];
                    norm += dst[i] * dst[i];
                }
                if (norm > 0 && rnorm > 0) cosine = Math.Max(cosine, Math.Abs(dot) / (Math.Sqrt(norm) * rnorm));
            }
        }

        double s2 = dof > 0 ? cost / dof : double.NaN;
        double factor = options.AbsoluteSigma ? 1.0 : s2;
        var covariance = new double[p, p];
        int rank = 0;
        string? rankNote = null;
        if (q > 0 && jw.IsFinite())
        {
            var qr = TriangleQr(jw, q, chain);
            rank = qr.Rank;
            var r = qr.R();
            int[] perm = qr.Permutation.ToArray();
            // R⁻¹ of the leading rank×rank block (upper triangular), then (JᵀJ)⁻¹ = P R⁻¹R⁻ᵀ Pᵀ.
            var rinv = new double[rank, rank];
            for (int j = 0; j < rank; j++)
            {
                rinv[j, j] = 1 / r[j, j];
                for (int i = j - 1; i >= 0; i--)
                {
                    double sum = 0;
                    for (int l = i + 1; l <= j; l++) sum += r[i, l] * rinv[l, j];
                    rinv[i, j] = -sum / r[i, i];
                }
            }
            for (int a = 0; a < q; a++)
                for (int b = 0; b < q; b++)
                {
                    double value;
                    if (a >= rank || b >= rank) value = double.NaN;
                    else
                    {
                        double sum = 0;
                        for (int l = Math.Max(a, b); l < rank; l++) sum += rinv[a, l] * rinv[b, l];
                        value = factor * sum;
                    }
                    covariance[est[perm[a]], est[perm[b]]] = value;
                }
            if (rank < q)
                rankNote = $"The Jacobian is rank deficient at the solution (rank {rank} of {q}): the standard errors of {string.Join(", ", Enumerable.Range(rank, q - rank).Select(a => names[est[perm[a]]]))} are undetermined (NaN).";
        }
        else if (q > 0)
        {
            for (int a = 0; a < q; a++) for (int b = 0; b < q; b++) covariance[est[a], est[b]] = double.NaN;
            rankNote = "The Jacobian is not finite at the solution: no covariance.";
        }

        var se = new double[p];
        for (int k = 0; k < p; k++) se[k] = covariance[k, k] >= 0 ? Math.Sqrt(covariance[k, k]) : double.NaN;
        var correlation = new double[p, p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
                correlation[i, j] = se[i] > 0 && se[j] > 0 ? (i == j ? 1.0 : covariance[i, j] / (se[i] * se[j])) : double.NaN;

        double level = options.ConfidenceLevel;
        double t = dof > 0 ? TQuantile(dof, level) : double.NaN;
        var lower = new double[p];
        var upper = new double[p];
        for (int k = 0; k < p; k++)
        {
            lower[k] = parameters[k] - t * se[k];
            upper[k] = parameters[k] + t * se[k];
            if (isFixed[k] || atBound[k]) { lower[k] = parameters[k]; upper[k] = parameters[k]; }
        }

        // R² against the weighted mean.
        double sw = 0, swy = 0;
        for (int i = 0; i < m; i++)
        {
            double wi = w is null ? 1 : w[i] * w[i];
            sw += wi;
            swy += wi * y[i];
        }
        double mean = sw > 0 ? swy / sw : 0;
        double tss = 0, tssCompensation = 0;
        for (int i = 0; i < m; i++)
        {
            double c = (w is null ? 1 : w[i]) * (y[i] - mean), square = c * c;
            tssCompensation += Math.FusedMultiplyAdd(c, c, -square);
            AccurateSum.Add(ref tss, ref tssCompensation, square);
        }
        tss += tssCompensation;
        double r2 = tss > 0 ? 1 - rss / tss : double.NaN;

        string? message = solved.Message;
        if (rankNote is not null) message = message is null ? rankNote : message + " " + rankNote;
        clock.Stop();
        return new FitResult(model, setup)
        {
            Model = modelText,
            Method = solved.Method,
            Derivatives = model.Description,
            ParameterNames = names,
            Parameters = parameters,
            Start = (double[])start.Clone(),
            StandardErrors = se,
            Covariance = covariance,
            Correlation = correlation,
            ConfidenceLevel = level,
            LowerConfidence = lower,
            UpperConfidence = upper,
            TQuantile = t,
            IsFixed = isFixed,
            AtBound = atBound,
            FittedValues = f,
            Residuals = residuals,
            ResidualSumOfSquares = rss,
            Cost = cost,
            InitialCost = solved.InitialValue,
            DegreesOfFreedom = dof,
            Points = m,
            RSquared = r2,
            Loss = loss,
            Optimization = solved,
            Iterations = methodIterations,
            GradientCosine = cosine,
            Message = message,
            JacobianRank = rank,
            Elapsed = clock.Elapsed,
        };
    }
}
