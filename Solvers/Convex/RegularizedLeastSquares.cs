using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;

namespace Optima.Solvers.Convex;

/// <summary>
/// Solves (AᵀA + ρI)·x = q for a fixed A and changing ρ, the x-update of every least-squares ADMM. The Gram matrix is
/// formed once; the Cholesky factor is cached and recomputed only when ρ changes. When A is wide (m &lt; n) it factors the
/// m×m matrix I + AAᵀ/ρ instead and applies the matrix-inversion lemma
/// (AᵀA + ρI)⁻¹q = q/ρ − Aᵀ(I + AAᵀ/ρ)⁻¹Aq/ρ² (Boyd et al. 2011, §4.2.4).
/// </summary>
internal sealed class RegularizedLeastSquares
{
    private readonly DenseMatrix _a;
    private readonly DenseMatrix _gram;      // AᵀA (n×n) or AAᵀ (m×m)
    private readonly DenseMatrix _shifted;   // the matrix handed to the factorization (overwritten by it)
    private readonly double[] _work;         // m doubles for the wide case
    private readonly DenseFactorizationOptions _factorOptions;
    private CholeskyFactorization? _factor;

    public RegularizedLeastSquares(DenseMatrix a, int maxDegreeOfParallelism)
    {
        _a = a;
        Wide = a.Rows < a.Columns;
        int k = Wide ? a.Rows : a.Columns;
        _gram = new DenseMatrix(k, k);
        DenseBlas.Gemm(1.0, a, !Wide, a, Wide, 0.0, _gram, maxDegreeOfParallelism);
        _shifted = new DenseMatrix(k, k);
        _work = new double[Wide ? a.Rows : 0];
        _factorOptions = new DenseFactorizationOptions { Overwrite = true, MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Rho = double.NaN;
    }

    /// <summary>True when the m×m inversion-lemma system is the one factored.</summary>
    public bool Wide { get; }

    /// <summary>The ρ of the cached factor (NaN before the first).</summary>
    public double Rho { get; private set; }

    /// <summary>How many factorizations have been computed.</summary>
    public int Factorizations { get; private set; }

    /// <summary>Factors for <paramref name="rho"/> unless the cached factor already is for it.</summary>
    public void Prepare(double rho)
    {
        if (rho == Rho && _factor is not null) return;
        int k = _gram.Rows;
        _gram.CopyTo(_shifted);
        var d = _shifted.Data;
        if (Wide)
        {
            double inv = 1.0 / rho;
            for (int i = 0; i < d.Length; i++) d[i] *= inv;
            for (int i = 0; i < k; i++) d[i + i * k] += 1.0;
        }
        else
        {
            for (int i = 0; i < k; i++) d[i + i * k] += rho;
        }
        // I + AAᵀ/ρ and AᵀA + ρI are positive definite for every ρ > 0, so the factorization cannot fail short of overflow.
        _factor = CholeskyFactorization.Factorize(_shifted, _factorOptions);
        Rho = rho;
        Factorizations++;
    }

    /// <summary>x ← (AᵀA + ρI)⁻¹q for the prepared ρ; q must be finite.</summary>
    public void Solve(ReadOnlySpan<double> q, Span<double> x)
    {
        var factor = _factor ?? throw new InvalidOperationException("Prepare must be called before Solve.");
        if (!Wide)
        {
            factor.Solve(q, x);
            return;
        }
        double rho = Rho;
        _a.Multiply(q, _work);
        factor.Solve(_work, _work);
        _a.TransposeMultiply(_work, x);
        double r1 = 1.0 / rho, r2 = 1.0 / (rho * rho);
        for (int i = 0; i < x.Length; i++) x[i] = q[i] * r1 - x[i] * r2;
    }
}
