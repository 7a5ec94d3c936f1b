using Optima.LinearAlgebra.Kernels;

namespace Optima.LinearAlgebra.Factorizations;

/// <summary>
/// Cholesky factorization A = L·Lᵀ of a symmetric positive definite matrix (only the lower triangle is read),
/// recursive (LAPACK dpotrf2 structure) with GEMM-based TRSM and SYRK.
/// </summary>
public sealed class CholeskyFactorization : IDenseFactorization
{
    private readonly DenseMatrix _l;
    private readonly double _normOne;
    private double _condition = double.NaN;

    private CholeskyFactorization(DenseMatrix l, double normOne)
    {
        _l = l;
        _normOne = normOne;
    }

    /// <summary>Factors an SPD matrix, reading its lower triangle.</summary>
    /// <exception cref="ArgumentException">Not square, or NaN/∞ entries (the message names the argument).</exception>
    /// <exception cref="NotPositiveDefiniteException">A pivot is not positive; names the column.</exception>
    public static CholeskyFactorization Factorize(DenseMatrix matrix, DenseFactorizationOptions? options = null)
    {
        var f = TryFactorize(matrix, out int failedColumn, options);
        return f ?? throw new NotPositiveDefiniteException(failedColumn);
    }

    /// <summary>
    /// Factors an SPD matrix, or returns null with the failing column when it is not positive definite
    /// (the cheap test Newton-type methods use before falling back to a modified factorization).
    /// </summary>
    public static CholeskyFactorization? TryFactorize(DenseMatrix matrix, out int failedColumn, DenseFactorizationOptions? options = null)
    {
        options ??= DenseFactorizationOptions.Default;
        options.Validate();
        Check.Finite(matrix, nameof(matrix));
        Check.Square(matrix, nameof(matrix));
        int n = matrix.Rows;
        double normOne = SymmetricNormOne(matrix);
        var l = options.Overwrite ? matrix : matrix.Clone();
        int failed;
        unsafe
        {
            fixed (double* a = l.Data)
                failed = Dense.CholeskyRecursive(n, a, Math.Max(n, 1), options.MaxDegreeOfParallelism);
        }
        failedColumn = failed;
        if (failed >= 0) return null;
        // Clear the strictly upper triangle (the input's, left untouched) so L is a proper lower factor.
        for (int j = 1; j < n; j++) Array.Clear(l.Data, j * n, j);
        return new CholeskyFactorization(l, normOne);
    }

    /// <inheritdoc/>
    public int Rows => _l.Rows;

    /// <inheritdoc/>
    public int Columns => _l.Rows;

    /// <summary>Order n.</summary>
    public int Order => _l.Rows;

    /// <summary>The lower triangular factor L (shared; zero above the diagonal).</summary>
    public DenseMatrix L => _l;

    /// <summary>det(A) = ∏ l_kk² (may overflow; see <see cref="LogDeterminant"/>).</summary>
    public double Determinant()
    {
        double d = 1;
        for (int k = 0; k < Order; k++) { double v = _l.Data[k + k * Order]; d *= v * v; }
        return d;
    }

    /// <summary>ln det(A) = 2 Σ ln l_kk.</summary>
    public double LogDeterminant()
    {
        double s = 0;
        for (int k = 0; k < Order; k++) s += Math.Log(_l.Data[k + k * Order]);
        return 2 * s;
    }

    /// <summary>Solves A·x = b.</summary>
    public void Solve(ReadOnlySpan<double> b, Span<double> x)
    {
        Check.Length(b.Length, Order, nameof(b));
        Check.Length(x.Length, Order, nameof(x));
        Check.Finite(b, nameof(b));
        b.CopyTo(x);
        SolveInPlace(x);
    }

    /// <summary>Solves A·x = b and returns x.</summary>
    public double[] Solve(ReadOnlySpan<double> b)
    {
        var x = new double[Order];
        Solve(b, x);
        return x;
    }

    /// <summary>Solves A·X = B for every column of B.</summary>
    public DenseMatrix Solve(DenseMatrix b)
    {
        ArgumentNullException.ThrowIfNull(b);
        if (b.Rows != Order) throw new ArgumentException($"b has {b.Rows} rows; expected {Order}.", nameof(b));
        Check.Finite(b, nameof(b));
        var x = b.Clone();
        for (int j = 0; j < x.Columns; j++) SolveInPlace(x.Column(j));
        return x;
    }

    /// <inheritdoc/>
    public double EstimateConditionNumber()
    {
        if (double.IsNaN(_condition))
            _condition = _normOne * ConditionEstimator.EstimateOneNorm(Order, SolveInPlace, SolveInPlace);
        return _condition;
    }

    internal void SolveInPlace(Span<double> x)
    {
        int n = Order;
        unsafe
        {
            fixed (double* a = _l.Data, px = x)
            {
                for (int k = 0; k < n; k++)
                {
                    double xk = px[k] / a[k + (long)k * n];
                    px[k] = xk;
                    if (xk != 0.0) Dense.Axpy(n - k - 1, -xk, a + k + 1 + (long)k * n, px + k + 1);
                }
                for (int k = n - 1; k >= 0; k--)
                    px[k] = (px[k] - Dense.Dot(n - k - 1, a + k + 1 + (long)k * n, px + k + 1)) / a[k + (long)k * n];
            }
        }
    }

    internal static double SymmetricNormOne(DenseMatrix a)
    {
        int n = a.Rows;
        var sums = new double[n];
        var tmp = new double[n];
        for (int j = 0; j < n; j++)
        {
            var below = a.Data.AsSpan(j * n + j, n - j);
            var t = tmp.AsSpan(0, n - j);
            System.Numerics.Tensors.TensorPrimitives.Abs(below, t);
            sums[j] += Reproducible.Sum(t);
            if (n - j > 1)
                System.Numerics.Tensors.TensorPrimitives.Add(sums.AsSpan(j + 1, n - j - 1), t[1..], sums.AsSpan(j + 1, n - j - 1));
        }
        return n == 0 ? 0.0 : System.Numerics.Tensors.TensorPrimitives.Max<double>(sums);
    }
}
