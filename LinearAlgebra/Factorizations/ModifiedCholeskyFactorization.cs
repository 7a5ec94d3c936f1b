using System.Runtime.CompilerServices;
using Optima.LinearAlgebra.Kernels;

namespace Optima.LinearAlgebra.Factorizations;

/// <summary>
/// The Gill–Murray–Wright modified Cholesky factorization L·D·Lᵀ = A + E of a symmetric (possibly indefinite)
/// matrix, with E a non-negative diagonal chosen during the factorization so that A + E is positive definite and
/// the factors stay bounded (Gill, Murray and Wright, Practical Optimization, 1981, §4.4.2.2; Nocedal and Wright,
/// Numerical Optimization, §3.4). E = 0 when A is sufficiently positive definite, so a Newton method can use it
/// on any Hessian: the step solves (A + E)·x = −g and is a descent direction.
/// </summary>
/// <remarks>Unpivoted variant; only the lower triangle of A is read. Cost n³/3 flops.</remarks>
public sealed class ModifiedCholeskyFactorization : IDenseFactorization
{
    private readonly DenseMatrix _l;   // unit lower triangular L below the diagonal, D on the diagonal
    private readonly double[] _d;
    private readonly double[] _e;
    private readonly double _normOne;
    private double _condition = double.NaN;

    private ModifiedCholeskyFactorization(DenseMatrix l, double[] d, double[] e, double normOne)
    {
        _l = l;
        _d = d;
        _e = e;
        _normOne = normOne;
        foreach (double v in e)
        {
            MaxShift = Math.Max(MaxShift, v);
            TotalShift += v;
        }
    }

    /// <summary>Factors A + E = L·D·Lᵀ.</summary>
    /// <exception cref="ArgumentException">Not square, or NaN/∞ entries.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ModifiedCholeskyFactorization Factorize(DenseMatrix matrix)
    {
        Check.Finite(matrix, nameof(matrix));
        Check.Square(matrix, nameof(matrix));
        int n = matrix.Rows;
        var w = matrix.Clone();
        double[] a = w.Data;
        double gamma = 0, xi = 0;
        for (int j = 0; j < n; j++)
        {
            gamma = Math.Max(gamma, Math.Abs(a[j + j * n]));
            for (int i = j + 1; i < n; i++) xi = Math.Max(xi, Math.Abs(a[i + j * n]));
        }
        const double eps = DenseFactorizationOptions.MachineEpsilon;
        double delta = eps * Math.Max(gamma + xi, 1.0);
        double beta2 = Math.Max(Math.Max(gamma, n > 1 ? xi / Math.Sqrt((double)n * n - 1) : 0.0), eps);
        var d = new double[n];
        var e = new double[n];
        unsafe
        {
            fixed (double* pa = a)
            {
                for (int j = 0; j < n; j++)
                {
                    double* col = pa + (long)j * n;
                    double cjj = col[j];
                    double theta = 0;
                    for (int i = j + 1; i < n; i++) theta = Math.Max(theta, Math.Abs(col[i]));
                    double dj = Math.Max(Math.Max(Math.Abs(cjj), theta * theta / beta2), delta);
                    d[j] = dj;
                    e[j] = dj - cjj;
                    col[j] = dj;
                    // Trailing update with the unscaled column c: A[t.., t] -= c_t·c[t..]/d_j, then L column = c/d_j.
                    double inv = 1.0 / dj;
                    for (int t = j + 1; t < n; t++)
                    {
                        double ct = col[t];
                        if (ct != 0.0) Dense.Axpy(n - t, -ct * inv, col + t, pa + t + (long)t * n);
                    }
                    Dense.Scale(n - j - 1, inv, col + j + 1);
                }
            }
        }
        for (int j = 1; j < n; j++) Array.Clear(a, j * n, j);
        return new ModifiedCholeskyFactorization(w, d, e, CholeskyFactorization.SymmetricNormOne(matrix));
    }

    /// <inheritdoc/>
    public int Rows => _l.Rows;

    /// <inheritdoc/>
    public int Columns => _l.Rows;

    /// <summary>The diagonal factor D (all entries positive).</summary>
    public ReadOnlySpan<double> D => _d;

    /// <summary>The diagonal modification E ≥ 0 that was added: the factors are of A + diag(E).</summary>
    public ReadOnlySpan<double> Shift => _e;

    /// <summary>max_j E_jj: 0 when A was factored unmodified.</summary>
    public double MaxShift { get; }

    /// <summary>Σ_j E_jj.</summary>
    public double TotalShift { get; }

    /// <summary>True when E ≠ 0, i.e. A itself was not (sufficiently) positive definite.</summary>
    public bool IsModified => MaxShift > 0;

    /// <summary>The unit lower triangular factor L (a new matrix).</summary>
    public DenseMatrix L()
    {
        var l = _l.Clone();
        for (int j = 0; j < Rows; j++) l.Data[j + j * Rows] = 1.0;
        return l;
    }

    /// <summary>Solves (A + E)·x = b.</summary>
    public void Solve(ReadOnlySpan<double> b, Span<double> x)
    {
        Check.Length(b.Length, Rows, nameof(b));
        Check.Length(x.Length, Rows, nameof(x));
        Check.Finite(b, nameof(b));
        b.CopyTo(x);
        SolveInPlace(x);
    }

    /// <summary>Solves (A + E)·x = b and returns x.</summary>
    public double[] Solve(ReadOnlySpan<double> b)
    {
        var x = new double[Rows];
        Solve(b, x);
        return x;
    }

    /// <summary>Estimate of κ₁(A + E).</summary>
    public double EstimateConditionNumber()
    {
        if (double.IsNaN(_condition))
        {
            double norm = _normOne + MaxShift; // ‖A + E‖₁ ≤ ‖A‖₁ + max E
            _condition = norm * ConditionEstimator.EstimateOneNorm(Rows, SolveInPlace, SolveInPlace);
        }
        return _condition;
    }

    private void SolveInPlace(Span<double> x)
    {
        int n = Rows;
        unsafe
        {
            fixed (double* a = _l.Data, px = x)
            {
                for (int k = 0; k < n; k++)
                {
                    double xk = px[k];
                    if (xk != 0.0) Dense.Axpy(n - k - 1, -xk, a + k + 1 + (long)k * n, px + k + 1);
                }
                for (int k = 0; k < n; k++) px[k] /= _d[k];
                for (int k = n - 1; k >= 0; k--)
                    px[k] -= Dense.Dot(n - k - 1, a + k + 1 + (long)k * n, px + k + 1);
            }
        }
    }
}
