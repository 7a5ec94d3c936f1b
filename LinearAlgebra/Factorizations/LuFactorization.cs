using Optima.LinearAlgebra.Kernels;

namespace Optima.LinearAlgebra.Factorizations;

/// <summary>
/// LU factorization with partial (row) pivoting, P·A = L·U, of a square matrix: recursive (Toledo 1997, LAPACK
/// dgetrf2), so almost all work is in the blocked GEMM micro-kernel and the recursive TRSM.
/// Factor once, then <see cref="Solve(ReadOnlySpan{double}, Span{double})"/> any number of right-hand sides.
/// </summary>
public sealed class LuFactorization : IDenseFactorization
{
    private readonly DenseMatrix _lu;      // L strictly below the diagonal (unit diagonal implied), U on and above
    private readonly int[] _ipiv;          // LAPACK-style: row k was swapped with row _ipiv[k], in order
    private readonly int[] _perm;          // P·A = L·U with (P·A) row i = A row _perm[i]
    private readonly double _normOne;
    private double _condition = double.NaN;

    private LuFactorization(DenseMatrix lu, int[] ipiv, double normOne)
    {
        _lu = lu;
        _ipiv = ipiv;
        _normOne = normOne;
        int n = lu.Rows;
        _perm = new int[n];
        for (int i = 0; i < n; i++) _perm[i] = i;
        for (int k = 0; k < n; k++)
        {
            int p = ipiv[k];
            if (p != k) (_perm[k], _perm[p]) = (_perm[p], _perm[k]);
        }
        int swaps = 0;
        for (int k = 0; k < n; k++) if (ipiv[k] != k) swaps++;
        PermutationSign = swaps % 2 == 0 ? 1 : -1;
    }

    /// <summary>
    /// Factors a square matrix.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="matrix"/> is not square or has NaN/∞ entries.</exception>
    /// <exception cref="SingularMatrixException">A pivot is zero or below the tolerance; names the column.</exception>
    public static LuFactorization Factorize(DenseMatrix matrix, DenseFactorizationOptions? options = null)
    {
        options ??= DenseFactorizationOptions.Default;
        options.Validate();
        Check.Finite(matrix, nameof(matrix));
        Check.Square(matrix, nameof(matrix));
        int n = matrix.Rows;
        double normOne = Check.NormOne(matrix);
        double maxAbs = matrix.MaxAbs();
        var lu = options.Overwrite ? matrix : matrix.Clone();
        var ipiv = new int[n];
        unsafe
        {
            fixed (double* a = lu.Data)
            fixed (int* ip = ipiv)
                Dense.LuRecursive(n, n, a, Math.Max(n, 1), ip, options.MaxDegreeOfParallelism);
        }
        double tol = options.RelativeTolerance(n) * maxAbs;
        for (int k = 0; k < n; k++)
        {
            double u = lu.Data[k + k * n];
            if (!(Math.Abs(u) > tol) || !double.IsFinite(u))
                throw new SingularMatrixException(k, u, tol, "LU");
        }
        return new LuFactorization(lu, ipiv, normOne);
    }

    /// <inheritdoc/>
    public int Rows => _lu.Rows;

    /// <inheritdoc/>
    public int Columns => _lu.Columns;

    /// <summary>Order n of the matrix.</summary>
    public int Order => _lu.Rows;

    /// <summary>The packed factors: L strictly below the diagonal (unit diagonal implied), U on and above.</summary>
    public DenseMatrix Factors => _lu;

    /// <summary>Row permutation: row i of P·A is row <c>Permutation[i]</c> of A.</summary>
    public ReadOnlySpan<int> Permutation => _perm;

    /// <summary>LAPACK-style pivot indices: at step k, row k was interchanged with row <c>Pivots[k]</c>.</summary>
    public ReadOnlySpan<int> Pivots => _ipiv;

    /// <summary>Sign (±1) of the permutation P.</summary>
    public int PermutationSign { get; }

    /// <summary>The unit lower triangular factor L (a new matrix).</summary>
    public DenseMatrix L()
    {
        int n = Order;
        var l = new DenseMatrix(n, n);
        for (int j = 0; j < n; j++)
        {
            l.Data[j + j * n] = 1.0;
            for (int i = j + 1; i < n; i++) l.Data[i + j * n] = _lu.Data[i + j * n];
        }
        return l;
    }

    /// <summary>The upper triangular factor U (a new matrix).</summary>
    public DenseMatrix U()
    {
        int n = Order;
        var u = new DenseMatrix(n, n);
        for (int j = 0; j < n; j++)
            for (int i = 0; i <= j; i++) u.Data[i + j * n] = _lu.Data[i + j * n];
        return u;
    }

    /// <summary>det(A) = sign(P)·∏ u_kk (may overflow for large n: see <see cref="LogAbsDeterminant"/>).</summary>
    public double Determinant()
    {
        double d = PermutationSign;
        for (int k = 0; k < Order; k++) d *= _lu.Data[k + k * Order];
        return d;
    }

    /// <summary>ln|det(A)|, which does not overflow; the sign is <see cref="DeterminantSign"/>.</summary>
    public double LogAbsDeterminant()
    {
        double s = 0;
        for (int k = 0; k < Order; k++) s += Math.Log(Math.Abs(_lu.Data[k + k * Order]));
        return s;
    }

    /// <summary>The sign of det(A): ±1.</summary>
    public int DeterminantSign
    {
        get
        {
            int s = PermutationSign;
            for (int k = 0; k < Order; k++) if (_lu.Data[k + k * Order] < 0) s = -s;
            return s;
        }
    }

    /// <summary>Solves A·x = b.</summary>
    /// <exception cref="ArgumentException">A length does not match, or b has NaN/∞ entries.</exception>
    public void Solve(ReadOnlySpan<double> b, Span<double> x)
    {
        Check.Length(b.Length, Order, nameof(b));
        Check.Length(x.Length, Order, nameof(x));
        Check.Finite(b, nameof(b));
        for (int i = 0; i < Order; i++) x[i] = b[_perm[i]];
        SolveInPlace(x);
    }

    /// <summary>Solves A·x = b and returns x.</summary>
    public double[] Solve(ReadOnlySpan<double> b)
    {
        var x = new double[Order];
        Solve(b, x);
        return x;
    }

    /// <summary>Solves A·X = B for every column of B; returns X.</summary>
    public DenseMatrix Solve(DenseMatrix b)
    {
        ArgumentNullException.ThrowIfNull(b);
        if (b.Rows != Order) throw new ArgumentException($"b has {b.Rows} rows; expected {Order}.", nameof(b));
        Check.Finite(b, nameof(b));
        var x = new DenseMatrix(Order, b.Columns);
        for (int j = 0; j < b.Columns; j++)
        {
            var bj = b.Column(j);
            var xj = x.Column(j);
            for (int i = 0; i < Order; i++) xj[i] = bj[_perm[i]];
            SolveInPlace(xj);
        }
        return x;
    }

    /// <summary>Solves Aᵀ·x = b.</summary>
    public void SolveTranspose(ReadOnlySpan<double> b, Span<double> x)
    {
        Check.Length(b.Length, Order, nameof(b));
        Check.Length(x.Length, Order, nameof(x));
        Check.Finite(b, nameof(b));
        var y = new double[Order];
        b.CopyTo(y);
        SolveTransposeInPlace(y);
        for (int i = 0; i < Order; i++) x[_perm[i]] = y[i];
    }

    /// <summary>The 1-norm of the original matrix, ‖A‖₁.</summary>
    public double NormOne => _normOne;

    /// <inheritdoc/>
    public double EstimateConditionNumber()
    {
        if (double.IsNaN(_condition))
        {
            int n = Order;
            var tmp = new double[n];
            double inv = ConditionEstimator.EstimateOneNorm(n,
                v => { for (int i = 0; i < n; i++) tmp[i] = v[_perm[i]]; SolveInPlace(tmp); tmp.CopyTo(v); },
                v => { SolveTransposeInPlace(v); v.CopyTo(tmp); for (int i = 0; i < n; i++) v[_perm[i]] = tmp[i]; });
            _condition = inv * _normOne;
        }
        return _condition;
    }

    // x ← U⁻¹ L⁻¹ x (x already permuted).
    private void SolveInPlace(Span<double> x)
    {
        int n = Order;
        unsafe
        {
            fixed (double* a = _lu.Data, px = x)
            {
                for (int k = 0; k < n - 1; k++)
                {
                    double xk = px[k];
                    if (xk != 0.0) Dense.Axpy(n - k - 1, -xk, a + k + 1 + (long)k * n, px + k + 1);
                }
                for (int k = n - 1; k >= 0; k--)
                {
                    double xk = px[k] / a[k + (long)k * n];
                    px[k] = xk;
                    if (xk != 0.0) Dense.Axpy(k, -xk, a + (long)k * n, px);
                }
            }
        }
    }

    // y ← L⁻ᵀ U⁻ᵀ y.
    private void SolveTransposeInPlace(Span<double> y)
    {
        int n = Order;
        unsafe
        {
            fixed (double* a = _lu.Data, py = y)
            {
                for (int k = 0; k < n; k++)
                    py[k] = (py[k] - Dense.Dot(k, a + (long)k * n, py)) / a[k + (long)k * n];
                for (int k = n - 2; k >= 0; k--)
                    py[k] -= Dense.Dot(n - k - 1, a + k + 1 + (long)k * n, py + k + 1);
            }
        }
    }
}
