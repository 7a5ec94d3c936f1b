using System.Runtime.CompilerServices;
using Optima.LinearAlgebra.Kernels;

namespace Optima.LinearAlgebra.Factorizations;

/// <summary>
/// Householder QR with column pivoting, A·P = Q·R (Businger and Golub 1965; LAPACK dgeqpf with the
/// Drmač–Bujanović safeguarded norm downdating), which reveals the numerical rank: |r_kk| is non-increasing and
/// <see cref="Rank"/> counts the diagonal entries above tol·|r_00|. Solves rank-deficient least squares problems
/// (the basic solution, with zeros in the columns beyond the rank).
/// </summary>
public sealed class PivotedQrFactorization : IDenseFactorization
{
    private readonly DenseMatrix _qr;
    private readonly double[] _tau;
    private readonly int[] _perm;
    private double _condition = double.NaN;

    private PivotedQrFactorization(DenseMatrix qr, double[] tau, int[] perm, int rank, double tolerance)
    {
        _qr = qr;
        _tau = tau;
        _perm = perm;
        Rank = rank;
        RankTolerance = tolerance;
    }

    /// <summary>
    /// Factors an m×n matrix with column pivoting. <paramref name="rankTolerance"/> is relative to |r_00|
    /// (default max(m, n)·ε).
    /// </summary>
    /// <exception cref="ArgumentException">NaN/∞ entries, or a negative tolerance.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static PivotedQrFactorization Factorize(DenseMatrix matrix, double rankTolerance = double.NaN)
    {
        Check.Finite(matrix, nameof(matrix));
        if (rankTolerance < 0 || double.IsInfinity(rankTolerance))
            throw new ArgumentException($"rankTolerance must be non-negative and finite, not {rankTolerance}.", nameof(rankTolerance));
        int m = matrix.Rows, n = matrix.Columns, k = Math.Min(m, n);
        var qr = matrix.Clone();
        var tau = new double[k];
        var perm = new int[n];
        for (int j = 0; j < n; j++) perm[j] = j;
        var vn1 = new double[n];
        var vn2 = new double[n];
        double tol3z = Math.Sqrt(DenseFactorizationOptions.MachineEpsilon);
        unsafe
        {
            fixed (double* a = qr.Data)
            {
                for (int j = 0; j < n; j++)
                {
                    vn1[j] = Householder.Norm(m, a + (long)j * m);
                    vn2[j] = vn1[j];
                }
                for (int i = 0; i < k; i++)
                {
                    int p = i;
                    for (int j = i + 1; j < n; j++) if (vn1[j] > vn1[p]) p = j;
                    if (p != i)
                    {
                        for (int r = 0; r < m; r++) (a[r + (long)p * m], a[r + (long)i * m]) = (a[r + (long)i * m], a[r + (long)p * m]);
                        (perm[p], perm[i]) = (perm[i], perm[p]);
                        vn1[p] = vn1[i];
                        vn2[p] = vn2[i];
                    }
                    double* col = a + (long)i * m;
                    double t = Householder.Generate(m - i - 1, col + i, col + i + 1);
                    tau[i] = t;
                    for (int j = i + 1; j < n; j++)
                    {
                        double* cj = a + (long)j * m;
                        Householder.Apply(m - i, t, col + i + 1, cj + i);
                        if (vn1[j] != 0.0)
                        {
                            double temp = Math.Abs(cj[i]) / vn1[j];
                            temp = Math.Max(0.0, (1.0 + temp) * (1.0 - temp));
                            double ratio = vn1[j] / vn2[j];
                            double temp2 = temp * ratio * ratio;
                            if (temp2 <= tol3z)
                            {
                                vn1[j] = Householder.Norm(m - i - 1, cj + i + 1);
                                vn2[j] = vn1[j];
                            }
                            else vn1[j] *= Math.Sqrt(temp);
                        }
                    }
                }
            }
        }
        double rel = double.IsNaN(rankTolerance) ? Math.Max(m, n) * DenseFactorizationOptions.MachineEpsilon : rankTolerance;
        double r00 = k > 0 ? Math.Abs(qr.Data[0]) : 0.0;
        double tol = rel * r00;
        int rank = 0;
        while (rank < k && Math.Abs(qr.Data[rank + rank * m]) > tol) rank++;
        return new PivotedQrFactorization(qr, tau, perm, rank, tol);
    }

    /// <summary>The numerical rank: the number of |r_kk| above <see cref="RankTolerance"/>.</summary>
    public int Rank { get; }

    /// <summary>The absolute threshold the diagonal of R was compared with.</summary>
    public double RankTolerance { get; }

    /// <inheritdoc/>
    public int Rows => _qr.Rows;

    /// <inheritdoc/>
    public int Columns => _qr.Columns;

    /// <summary>Column permutation: column j of A·P is column <c>Permutation[j]</c> of A.</summary>
    public ReadOnlySpan<int> Permutation => _perm;

    /// <summary>The min(m,n)×n factor R (of A·P).</summary>
    public DenseMatrix R() => Householder.UpperTrapezoid(_qr);

    /// <summary>The thin m×min(m,n) orthonormal factor Q.</summary>
    public DenseMatrix ThinQ() => Householder.ThinQ(_qr, _tau);

    /// <summary>
    /// The basic least-squares solution: x minimizing ‖A·x − b‖₂ using the leading <see cref="Rank"/> columns of
    /// A·P, with zeros for the others. Works for any shape and rank.
    /// </summary>
    public void Solve(ReadOnlySpan<double> b, Span<double> x)
    {
        int m = Rows, n = Columns, r = Rank;
        Check.Length(b.Length, m, nameof(b));
        Check.Length(x.Length, n, nameof(x));
        Check.Finite(b, nameof(b));
        var y = b.ToArray();
        Householder.ApplyQTranspose(_qr, _tau, y);
        unsafe
        {
            fixed (double* a = _qr.Data, py = y)
            {
                for (int k = r - 1; k >= 0; k--)
                {
                    double yk = py[k] / a[k + (long)k * m];
                    py[k] = yk;
                    if (yk != 0.0) Dense.Axpy(k, -yk, a + (long)k * m, py);
                }
            }
        }
        x.Clear();
        for (int j = 0; j < r; j++) x[_perm[j]] = y[j];
    }

    /// <summary>The basic least-squares solution as a new array.</summary>
    public double[] Solve(ReadOnlySpan<double> b)
    {
        var x = new double[Columns];
        Solve(b, x);
        return x;
    }

    /// <summary>Estimate of κ₁ of the leading rank×rank block of R (infinite when the rank is 0).</summary>
    public double EstimateConditionNumber()
    {
        if (double.IsNaN(_condition))
        {
            int r = Rank, m = Rows;
            if (r == 0) return _condition = double.PositiveInfinity;
            double norm = 0;
            for (int j = 0; j < r; j++)
            {
                double s = 0;
                for (int i = 0; i <= j; i++) s += Math.Abs(_qr.Data[i + j * m]);
                norm = Math.Max(norm, s);
            }
            _condition = norm * ConditionEstimator.EstimateOneNorm(r,
                v => { for (int k = r - 1; k >= 0; k--) { v[k] /= _qr.Data[k + k * m]; for (int i = 0; i < k; i++) v[i] -= _qr.Data[i + k * m] * v[k]; } },
                v => { for (int k = 0; k < r; k++) { double s = v[k]; for (int i = 0; i < k; i++) s -= _qr.Data[i + k * m] * v[i]; v[k] = s / _qr.Data[k + k * m]; } });
        }
        return _condition;
    }
}
