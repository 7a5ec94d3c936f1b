namespace Optima.LinearAlgebra.Factorizations;

/// <summary>
/// Hager's 1-norm estimator with Higham's refinements (Higham, "FORTRAN codes for estimating the one-norm of a
/// real or complex matrix", ACM TOMS 14(4), 1988; LAPACK xLACN2): estimates ‖B‖₁ from a few products with B and Bᵀ.
/// Used with B = A⁻¹ (products are solves with an existing factorization), so κ₁(A) ≈ ‖A‖₁·est costs O(n²).
/// </summary>
public static class ConditionEstimator
{
    /// <summary>Estimates ‖B‖₁ for an n×n operator known through in-place products x ← B·x and x ← Bᵀ·x.</summary>
    /// <param name="n">Order of B.</param>
    /// <param name="apply">Overwrites its argument with B times it.</param>
    /// <param name="applyTranspose">Overwrites its argument with Bᵀ times it.</param>
    /// <returns>A lower bound on ‖B‖₁, usually within a factor 3 of it.</returns>
    public static double EstimateOneNorm(int n, Action<Span<double>> apply, Action<Span<double>> applyTranspose)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentNullException.ThrowIfNull(apply);
        ArgumentNullException.ThrowIfNull(applyTranspose);
        if (n == 0) return 0.0;
        var x = new double[n];
        var xi = new double[n];
        var oldSign = new double[n];
        Array.Fill(x, 1.0 / n);
        apply(x);
        double est = Norm1(x);
        if (n == 1) return est;
        for (int i = 0; i < n; i++) oldSign[i] = x[i] >= 0 ? 1.0 : -1.0;
        oldSign.CopyTo(xi, 0);
        applyTranspose(xi);
        int j = ArgMaxAbs(xi);
        for (int iter = 2; iter <= 5; iter++)
        {
            Array.Clear(x);
            x[j] = 1.0;
            apply(x);
            double previous = est;
            est = Norm1(x);
            bool same = true;
            for (int i = 0; i < n; i++)
            {
                double s = x[i] >= 0 ? 1.0 : -1.0;
                if (s != oldSign[i]) same = false;
                xi[i] = s;
            }
            if (same || est <= previous) { est = Math.Max(est, previous); break; }
            xi.CopyTo(oldSign, 0);
            applyTranspose(xi);
            int jNew = ArgMaxAbs(xi);
            if (Math.Abs(xi[jNew]) == Math.Abs(xi[j]) || jNew == j) break;
            j = jNew;
        }
        // Higham's extra test vector guards against the estimator's known worst cases.
        for (int i = 0; i < n; i++) x[i] = (i % 2 == 0 ? 1.0 : -1.0) * (1.0 + (double)i / (n - 1));
        apply(x);
        double alt = 2.0 * Norm1(x) / (3.0 * n);
        return Math.Max(est, alt);
    }

    private static double Norm1(ReadOnlySpan<double> v) => Reproducible.SumOfMagnitudes(v);

    private static int ArgMaxAbs(ReadOnlySpan<double> v) => System.Numerics.Tensors.TensorPrimitives.IndexOfMaxMagnitude(v);
}
