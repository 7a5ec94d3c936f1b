namespace Optima.LinearAlgebra;

/// <summary>
/// Eigenvalues and eigenvectors of a real symmetric matrix by the cyclic Jacobi method: A = V·diag(λ)·Vᵀ with V
/// orthogonal. Jacobi is slow for large n (O(n³) per sweep, several sweeps) but delivers eigenvalues to high
/// relative accuracy, which is what classifying a critical point needs (is this small eigenvalue really
/// negative?). Use it for n up to a few hundred.
/// </summary>
public sealed class SymmetricEigen
{
    private SymmetricEigen(double[] values, DenseMatrix vectors, int sweeps)
    {
        Values = values;
        Vectors = vectors;
        Sweeps = sweeps;
    }

    /// <summary>Eigenvalues in ascending order.</summary>
    public double[] Values { get; }

    /// <summary>Orthonormal eigenvectors: column k belongs to <see cref="Values"/>[k].</summary>
    public DenseMatrix Vectors { get; }

    /// <summary>Jacobi sweeps used.</summary>
    public int Sweeps { get; }

    /// <summary>Decomposes the symmetric matrix <paramref name="matrix"/> (only its lower triangle is read; it is not modified).</summary>
    /// <exception cref="ArgumentException">Not square, or a non-finite entry.</exception>
    public static SymmetricEigen Decompose(DenseMatrix matrix, int maxSweeps = 60)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (!matrix.IsSquare) throw new ArgumentException($"The matrix must be square but is {matrix.Rows}×{matrix.Columns}.", nameof(matrix));
        int n = matrix.Rows;
        var a = new DenseMatrix(n, n);
        for (int j = 0; j < n; j++)
            for (int i = j; i < n; i++)
            {
                double v = matrix[i, j];
                if (!double.IsFinite(v)) throw new ArgumentException($"The matrix has a non-finite entry at ({i}, {j}).", nameof(matrix));
                a[i, j] = v;
                a[j, i] = v;
            }
        var vectors = DenseMatrix.Identity(n);
        int sweep = 0;
        for (; sweep < maxSweeps; sweep++)
        {
            double off = 0, diag = 0;
            for (int j = 0; j < n; j++)
            {
                diag += a[j, j] * a[j, j];
                for (int i = j + 1; i < n; i++) off += a[i, j] * a[i, j];
            }
            if (off <= 1e-32 * diag || off == 0) break;
            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[p, q];
                    if (apq == 0) continue;
                    // Rotation that zeroes a[p,q] (Golub & Van Loan, Algorithm 8.4.1, stable form of tan θ).
                    double theta = (a[q, q] - a[p, p]) / (2 * apq);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k, p], akq = a[k, q];
                        a[k, p] = c * akp - s * akq;
                        a[k, q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p, k], aqk = a[q, k];
                        a[p, k] = c * apk - s * aqk;
                        a[q, k] = s * apk + c * aqk;
                    }
                    var vp = vectors.Column(p);
                    var vq = vectors.Column(q);
                    for (int k = 0; k < n; k++)
                    {
                        double x = vp[k], y = vq[k];
                        vp[k] = c * x - s * y;
                        vq[k] = s * x + c * y;
                    }
                }
        }
        var order = Enumerable.Range(0, n).OrderBy(k => a[k, k]).ToArray();
        var values = order.Select(k => a[k, k]).ToArray();
        var sorted = new DenseMatrix(n, n);
        for (int k = 0; k < n; k++) vectors.Column(order[k]).CopyTo(sorted.Column(k));
        return new SymmetricEigen(values, sorted, sweep);
    }
}
