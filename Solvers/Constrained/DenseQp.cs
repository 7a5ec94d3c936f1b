using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;

namespace Optima.Solvers.Constrained;

/// <summary>
/// A small dense convex QP, min ½dᵀHd + gᵀd subject to E·d = e and G·d ≤ h, by Mehrotra's primal–dual
/// predictor–corrector interior-point method (Nocedal and Wright §16.6) with slacks s = h − G·d ≥ 0. Each iteration
/// solves the reduced KKT system [[H + GᵀS⁻¹ZG, Eᵀ], [E, −δI]] by LU (δ = 1e-12 regularises dependent equalities).
/// H must be positive semidefinite (SQP passes its positive definite quasi-Newton matrix).
/// </summary>
internal static class DenseQp
{
    public readonly record struct Solution(bool Converged, double[] D, double[] Y, double[] Z, int Iterations);

    /// <param name="h2">H (n × n).</param>
    /// <param name="g">g (n).</param>
    /// <param name="e">E (me × n), may have 0 rows.</param>
    /// <param name="eRhs">e (me).</param>
    /// <param name="gi">G (mi × n).</param>
    /// <param name="giRhs">h (mi).</param>
    /// <param name="me">Rows of E in use.</param>
    /// <param name="mi">Rows of G in use.</param>
    /// <param name="maxIterations">Iteration limit.</param>
    /// <param name="tolerance">Residual and μ tolerance, relative to 1 + the data's largest entry.</param>
    public static Solution Solve(DenseMatrix h2, ReadOnlySpan<double> g, DenseMatrix e, ReadOnlySpan<double> eRhs, DenseMatrix gi, ReadOnlySpan<double> giRhs,
        int me, int mi, int maxIterations = 100, double tolerance = 1e-11)
    {
        int n = g.Length, size = n + me;
        var d = new double[n];
        var y = new double[me];
        var z = new double[mi];
        var s = new double[mi];
        for (int i = 0; i < mi; i++)
        {
            s[i] = Math.Max(giRhs[i], 1.0);
            z[i] = 1.0;
        }
        var rd = new double[n];
        var re = new double[me];
        var ri = new double[mi];
        var rhs = new double[size];
        var sol = new double[size];
        var dsAff = new double[mi];
        var dzAff = new double[mi];
        var ds = new double[mi];
        var dz = new double[mi];
        var k = new DenseMatrix(size, size);
        double scale = 1 + MaxAbs(g) + MaxAbs(eRhs) + MaxAbs(giRhs);
        for (int it = 1; it <= maxIterations; it++)
        {
            // Residuals.
            for (int j = 0; j < n; j++)
            {
                double v = g[j];
                for (int q = 0; q < n; q++) v += h2[j, q] * d[q];
                for (int i = 0; i < me; i++) v += e[i, j] * y[i];
                for (int i = 0; i < mi; i++) v += gi[i, j] * z[i];
                rd[j] = v;
            }
            for (int i = 0; i < me; i++)
            {
                double v = -eRhs[i];
                for (int j = 0; j < n; j++) v += e[i, j] * d[j];
                re[i] = v;
            }
            double mu = 0;
            for (int i = 0; i < mi; i++)
            {
                double v = s[i] - giRhs[i];
                for (int j = 0; j < n; j++) v += gi[i, j] * d[j];
                ri[i] = v;
                mu += s[i] * z[i];
            }
            mu = mi > 0 ? mu / mi : 0;
            if (MaxAbs(rd) <= tolerance * scale && MaxAbs(re) <= tolerance * scale && MaxAbs(ri) <= tolerance * scale && mu <= tolerance * scale)
                return new(true, d, y, z, it);
            if (!double.IsFinite(mu) || MaxAbs(d) > 1e15) break;

            // Reduced matrix.
            for (int a = 0; a < n; a++)
                for (int b = 0; b < n; b++)
                {
                    double v = h2[a, b];
                    for (int i = 0; i < mi; i++) v += gi[i, a] * (z[i] / s[i]) * gi[i, b];
                    k[a, b] = v;
                }
            for (int i = 0; i < me; i++)
                for (int j = 0; j < n; j++)
                {
                    k[n + i, j] = e[i, j];
                    k[j, n + i] = e[i, j];
                }
            for (int i = 0; i < me; i++)
                for (int q = 0; q < me; q++) k[n + i, n + q] = i == q ? -1e-12 : 0;
            for (int j = 0; j < n; j++) k[j, j] += 1e-12;
            LuFactorization lu;
            try { lu = LuFactorization.Factorize(k); }
            catch (Exception) { break; }

            // Predictor (σ = 0), then corrector with σ = (μ_aff/μ)³ and the second-order term.
            Direction(lu, 0, null, null);
            double aAff = Math.Min(StepTo(s, dsAff = CopyDs(), 1), StepTo(z, dzAff = CopyDz(), 1));
            double muAff = 0;
            for (int i = 0; i < mi; i++) muAff += (s[i] + aAff * dsAff[i]) * (z[i] + aAff * dzAff[i]);
            muAff = mi > 0 ? muAff / mi : 0;
            double sigma = mu > 0 ? Math.Pow(muAff / mu, 3) : 0;
            Direction(lu, sigma * mu, dsAff, dzAff);
            double alpha = Math.Min(StepTo(s, ds, 0.995), StepTo(z, dz, 0.995));
            for (int j = 0; j < n; j++) d[j] += alpha * sol[j];
            for (int i = 0; i < me; i++) y[i] += alpha * sol[n + i];
            for (int i = 0; i < mi; i++)
            {
                s[i] = Math.Max(s[i] + alpha * ds[i], 1e-300);
                z[i] = Math.Max(z[i] + alpha * dz[i], 1e-300);
            }
        }
        return new(false, d, y, z, maxIterations);

        double[] CopyDs() => (double[])ds.Clone();
        double[] CopyDz() => (double[])dz.Clone();

        // Solves for (Δd, Δy) and recovers Δs, Δz with rc = SZe − σμe (+ ΔSaffΔZaff e).
        void Direction(LuFactorization lu, double target, double[]? dsA, double[]? dzA)
        {
            for (int j = 0; j < n; j++) rhs[j] = -rd[j];
            for (int i = 0; i < mi; i++)
            {
                double rc = s[i] * z[i] - target + (dsA is null ? 0 : dsA[i] * dzA![i]);
                double w = (rc - z[i] * ri[i]) / s[i];
                for (int j = 0; j < n; j++) rhs[j] += gi[i, j] * w;
            }
            for (int i = 0; i < me; i++) rhs[n + i] = -re[i];
            lu.Solve(rhs, sol);
            for (int i = 0; i < mi; i++)
            {
                double gd = 0;
                for (int j = 0; j < n; j++) gd += gi[i, j] * sol[j];
                ds[i] = -ri[i] - gd;
                double rc = s[i] * z[i] - target + (dsA is null ? 0 : dsA[i] * dzA![i]);
                dz[i] = (-rc - z[i] * ds[i]) / s[i];
            }
        }
    }

    private static double StepTo(ReadOnlySpan<double> v, ReadOnlySpan<double> dv, double fraction)
    {
        double a = 1;
        for (int i = 0; i < v.Length; i++)
            if (dv[i] < 0) a = Math.Min(a, -fraction * v[i] / dv[i]);
        return a;
    }

    private static double MaxAbs(ReadOnlySpan<double> v)
    {
        double m = 0;
        for (int i = 0; i < v.Length; i++) m = Math.Max(m, Math.Abs(v[i]));
        return m;
    }
}
