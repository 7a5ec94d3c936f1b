using System.Runtime.CompilerServices;
using Optima.LinearAlgebra.Kernels;

namespace Optima.LinearAlgebra.Factorizations;

/// <summary>
/// Householder QR factorization A = Q·R of an m×n matrix (m ≥ n for least squares), blocked: each panel of
/// <see cref="BlockSize"/> reflectors is aggregated into the compact WY form Q = I − V·T·Vᵀ (Schreiber and
/// Van Loan 1989; LAPACK dgeqrf/dlarft/dlarfb), so the trailing update is two GEMMs.
/// Q is kept implicitly (the reflectors); <see cref="ThinQ"/> forms the m×min(m,n) factor on demand.
/// </summary>
public sealed class QrFactorization : IDenseFactorization
{
    /// <summary>Panel width of the blocked algorithm.</summary>
    public const int BlockSize = 64;

    private readonly DenseMatrix _qr;   // R on and above the diagonal, reflector tails below
    private readonly double[] _tau;
    private readonly double _tolerance;
    private double _condition = double.NaN;

    private QrFactorization(DenseMatrix qr, double[] tau, double tolerance)
    {
        _qr = qr;
        _tau = tau;
        _tolerance = tolerance;
    }

    /// <summary>Factors an m×n matrix.</summary>
    /// <exception cref="ArgumentException">NaN/∞ entries (the message names the argument and the entry).</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static QrFactorization Factorize(DenseMatrix matrix, DenseFactorizationOptions? options = null)
    {
        options ??= DenseFactorizationOptions.Default;
        options.Validate();
        Check.Finite(matrix, nameof(matrix));
        int m = matrix.Rows, n = matrix.Columns, k = Math.Min(m, n);
        double maxAbs = matrix.MaxAbs();
        var qr = options.Overwrite ? matrix : matrix.Clone();
        var tau = new double[k];
        int threads = options.MaxDegreeOfParallelism;
        int lda = Math.Max(m, 1);
        unsafe
        {
            fixed (double* a = qr.Data, t = tau)
            {
                double[] vBuf = new double[Math.Max(m, 1) * BlockSize];
                double[] wBuf = new double[BlockSize * Math.Max(n, 1)];
                double[] tBuf = new double[BlockSize * BlockSize]; // strictly lower part stays 0 (FormT writes r ≤ i)
                double[] w2Buf = new double[BlockSize * Math.Max(n, 1)];
                fixed (double* vb = vBuf, wb = wBuf, tb = tBuf, w2 = w2Buf)
                {
                    for (int j0 = 0; j0 < k; j0 += BlockSize)
                    {
                        int jb = Math.Min(BlockSize, k - j0);
                        Panel(m, j0, jb, a, lda, t);
                        int nc = n - j0 - jb;
                        if (nc <= 0) continue;
                        int mv = m - j0;
                        // V explicitly (unit diagonal, zeros above), mv×jb with leading dimension mv.
                        for (int c = 0; c < jb; c++)
                        {
                            double* vc = vb + (long)c * mv;
                            new Span<double>(vc, c).Clear();
                            vc[c] = 1.0;
                            new ReadOnlySpan<double>(a + j0 + c + 1 + (long)(j0 + c) * lda, mv - c - 1).CopyTo(new Span<double>(vc + c + 1, mv - c - 1));
                        }
                        FormT(mv, jb, vb, t + j0, tb);
                        double* cPtr = a + j0 + (long)(j0 + jb) * lda;
                        // W = Vᵀ·C (jb×nc), W ← Tᵀ·W, C ← C − V·W.
                        new Span<double>(wb, jb * nc).Clear();
                        Gemm.Update(jb, nc, mv, 1.0, vb, mv, true, cPtr, lda, false, wb, jb, threads);
                        // Tᵀ·W as a GEMM with the whole jb×jb block of T (zeros below the diagonal): twice the flops of a
                        // triangular product but at GEMM speed, and the same fixed-order bits on every CPU.
                        new Span<double>(w2, jb * nc).Clear();
                        Gemm.Update(jb, nc, jb, 1.0, tb, BlockSize, true, wb, jb, false, w2, jb, threads);
                        Gemm.Update(mv, nc, jb, -1.0, vb, mv, false, w2, jb, false, cPtr, lda, threads);
                    }
                }
            }
        }
        double tol = options.RelativeTolerance(Math.Max(m, n)) * maxAbs;
        return new QrFactorization(qr, tau, tol);
    }

    // Unblocked Householder QR of columns j0..j0+jb (rows j0..m).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Panel(int m, int j0, int jb, double* a, int lda, double* tau)
    {
        for (int i = j0; i < j0 + jb; i++)
        {
            double* col = a + (long)i * lda;
            double t = Householder.Generate(m - i - 1, col + i, col + i + 1);
            tau[i] = t;
            for (int c = i + 1; c < j0 + jb; c++)
                Householder.Apply(m - i, t, col + i + 1, a + i + (long)c * lda);
        }
    }

    // T (jb×jb upper triangular, leading dimension BlockSize) with H_0⋯H_{jb−1} = I − V·T·Vᵀ (dlarft, forward, columnwise).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void FormT(int mv, int jb, double* v, double* tau, double* t)
    {
        for (int i = 0; i < jb; i++)
        {
            double ti = tau[i];
            double* tcol = t + i * BlockSize;
            if (ti == 0.0)
            {
                for (int r = 0; r <= i; r++) tcol[r] = 0.0;
                continue;
            }
            double* vi = v + (long)i * mv;
            // tcol[0..i) = −τ_i·V[:,0..i)ᵀ·v_i (v_i is zero above row i).
            for (int c = 0; c < i; c++)
                tcol[c] = -ti * Dense.Dot(mv - i, v + (long)c * mv + i, vi + i);
            // tcol[0..i) ← T[0..i,0..i)·tcol (upper triangular, computed top-down in place).
            for (int r = 0; r < i; r++)
            {
                double s = 0;
                for (int c = r; c < i; c++) s += t[r + c * BlockSize] * tcol[c];
                tcol[r] = s;
            }
            tcol[i] = ti;
        }
    }

    /// <inheritdoc/>
    public int Rows => _qr.Rows;

    /// <inheritdoc/>
    public int Columns => _qr.Columns;

    /// <summary>The packed factors: R on and above the diagonal, Householder vectors below it.</summary>
    public DenseMatrix Factors => _qr;

    /// <summary>The Householder scalars τ (length min(m, n)).</summary>
    public ReadOnlySpan<double> Tau => _tau;

    /// <summary>The min(m,n)×n upper triangular (trapezoidal) factor R.</summary>
    public DenseMatrix R() => Householder.UpperTrapezoid(_qr);

    /// <summary>The thin m×min(m,n) factor Q with orthonormal columns (formed on demand, O(m·n²)).</summary>
    public DenseMatrix ThinQ() => Householder.ThinQ(_qr, _tau);

    /// <summary>y ← Qᵀ·y for an m-vector.</summary>
    public void ApplyQTranspose(Span<double> y)
    {
        Check.Length(y.Length, Rows, nameof(y));
        Householder.ApplyQTranspose(_qr, _tau, y);
    }

    /// <summary>y ← Q·y for an m-vector.</summary>
    public void ApplyQ(Span<double> y)
    {
        Check.Length(y.Length, Rows, nameof(y));
        Householder.ApplyQ(_qr, _tau, y);
    }

    /// <summary>
    /// Least squares: x minimizing ‖A·x − b‖₂ (the solution of A·x = b when A is square).
    /// Needs m ≥ n and full column rank; use <see cref="PivotedQrFactorization"/> for rank-deficient problems.
    /// </summary>
    /// <exception cref="SingularMatrixException">R has a diagonal entry below the tolerance (rank deficient).</exception>
    public void Solve(ReadOnlySpan<double> b, Span<double> x)
    {
        int m = Rows, n = Columns;
        if (m < n) throw new InvalidOperationException($"QR least squares needs rows ≥ columns but the matrix is {m}×{n}.");
        Check.Length(b.Length, m, nameof(b));
        Check.Length(x.Length, n, nameof(x));
        Check.Finite(b, nameof(b));
        CheckFullRank();
        var y = b.ToArray();
        ApplyQTranspose(y);
        y.AsSpan(0, n).CopyTo(x);
        SolveR(x);
    }

    /// <summary>Least squares solution x (length n) of A·x ≈ b.</summary>
    public double[] Solve(ReadOnlySpan<double> b)
    {
        var x = new double[Columns];
        Solve(b, x);
        return x;
    }

    /// <summary>det(A) for a square matrix: (−1)^(number of non-trivial reflectors)·∏ r_kk.</summary>
    public double Determinant()
    {
        if (Rows != Columns) throw new InvalidOperationException("The determinant needs a square matrix.");
        double d = 1;
        for (int k = 0; k < Rows; k++)
        {
            d *= _qr.Data[k + k * Rows];
            if (_tau[k] != 0.0) d = -d;
        }
        return d;
    }

    /// <summary>
    /// Estimate of κ₁(R) (equal to κ₂(A) = κ₂(R) up to a factor of order n), for the leading n×n block of R.
    /// </summary>
    public double EstimateConditionNumber()
    {
        if (double.IsNaN(_condition))
        {
            int n = Math.Min(Rows, Columns), m = Rows;
            double norm = 0;
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int i = 0; i <= j; i++) s += Math.Abs(_qr.Data[i + j * m]);
                norm = Math.Max(norm, s);
            }
            bool singular = false;
            for (int k = 0; k < n; k++) if (_qr.Data[k + k * m] == 0.0) singular = true;
            _condition = singular ? double.PositiveInfinity
                : norm * ConditionEstimator.EstimateOneNorm(n, v => SolveR(v), v => SolveRTranspose(v));
        }
        return _condition;
    }

    private void CheckFullRank()
    {
        int m = Rows;
        for (int k = 0; k < Columns; k++)
        {
            double r = _qr.Data[k + k * m];
            if (!(Math.Abs(r) > _tolerance))
                throw new SingularMatrixException(k, r, _tolerance, "QR");
        }
    }

    // x ← R⁻¹·x using the leading len(x)×len(x) block of R.
    private void SolveR(Span<double> x)
    {
        int m = Rows, n = x.Length;
        unsafe
        {
            fixed (double* a = _qr.Data, px = x)
                for (int k = n - 1; k >= 0; k--)
                {
                    double xk = px[k] / a[k + (long)k * m];
                    px[k] = xk;
                    if (xk != 0.0) Dense.Axpy(k, -xk, a + (long)k * m, px);
                }
        }
    }

    private void SolveRTranspose(Span<double> x)
    {
        int m = Rows, n = x.Length;
        unsafe
        {
            fixed (double* a = _qr.Data, px = x)
                for (int k = 0; k < n; k++)
                    px[k] = (px[k] - Dense.Dot(k, a + (long)k * m, px)) / a[k + (long)k * m];
        }
    }
}
