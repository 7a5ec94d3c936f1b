using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;
using Optima.Solvers.TrustRegions;

namespace Optima.Solvers.Internal;

/// <summary>The model gᵀp + ½pᵀHp over a dense symmetric H, with shifted solves by Cholesky.</summary>
internal sealed class DenseModel : ITrustRegionModel
{
    public readonly DenseMatrix H;
    public readonly double[] G;
    private readonly DenseMatrix _work;
    private readonly double[] _u, _v;

    public DenseModel(int n)
    {
        H = new DenseMatrix(n, n);
        G = new double[n];
        _work = new DenseMatrix(n, n);
        _u = new double[n];
        _v = new double[n];
    }

    public int Rows => G.Length;

    public int Columns => G.Length;

    public ReadOnlySpan<double> Gradient => G;

    public void Apply(ReadOnlySpan<double> v, Span<double> result) => H.Multiply(v, result);

    public bool TrySolveShifted(double lambda, Span<double> step)
    {
        H.CopyTo(_work);
        for (int i = 0; i < G.Length; i++) _work[i, i] += lambda;
        var chol = CholeskyFactorization.TryFactorize(_work, out _, new DenseFactorizationOptions { Overwrite = true });
        if (chol is null) return false;
        Vec.Negate(G, _u);
        chol.Solve(_u, step);
        return true;
    }

    /// <summary>
    /// A unit direction u with uᵀHu &lt; 0 when H is indefinite (power iteration on σI − H, σ a Gershgorin bound,
    /// started from the most negative diagonal and stopped as soon as the Rayleigh quotient settles below zero);
    /// returns the curvature uᵀHu (≥ 0 when none was found).
    /// </summary>
    public double NegativeCurvatureDirection(Span<double> u)
    {
        int n = G.Length;
        double sigma = 0;
        int jmin = 0;
        for (int i = 0; i < n; i++)
        {
            double row = 0;
            for (int j = 0; j < n; j++) row += Math.Abs(H[i, j]);
            sigma = Math.Max(sigma, row);
            if (H[i, i] < H[jmin, jmin]) jmin = i;
        }
        if (sigma == 0) return 0;
        // Start: e_jmin plus a small deterministic spread so that the start is not orthogonal to the eigenvector.
        for (int i = 0; i < n; i++) u[i] = i == jmin ? 1.0 : 1e-3 / (1 + i);
        Vec.Scale(u, 1 / Vec.Norm2(u));
        double rayleigh = double.NaN;
        for (int it = 0; it < 200; it++)
        {
            H.Multiply(u, _v);
            double q = Vec.Dot(u, _v);
            if (q < 0 && Math.Abs(q - rayleigh) <= 1e-3 * Math.Abs(q)) return q;
            rayleigh = q;
            for (int i = 0; i < n; i++) _v[i] = sigma * u[i] - _v[i];
            double norm = Vec.Norm2(_v);
            if (!(norm > 0)) break;
            for (int i = 0; i < n; i++) u[i] = _v[i] / norm;
        }
        H.Multiply(u, _v);
        return Vec.Dot(u, _v);
    }
}
