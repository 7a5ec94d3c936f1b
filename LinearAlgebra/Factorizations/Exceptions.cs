namespace Optima.LinearAlgebra.Factorizations;

/// <summary>
/// The matrix is singular, or singular to working precision: the factorization met a pivot (or a diagonal of R)
/// no larger than the tolerance. <see cref="Column"/> names where.
/// </summary>
public sealed class SingularMatrixException : ArithmeticException
{
    /// <summary>Creates the exception for the (zero-based) column whose pivot failed.</summary>
    public SingularMatrixException(int column, double pivot, double tolerance, string factorization)
        : base($"{factorization}: the matrix is singular to working precision: pivot {pivot:G6} in column {column} " +
               $"(|pivot| ≤ {tolerance:G3}).")
    {
        Column = column;
        Pivot = pivot;
        Tolerance = tolerance;
    }

    /// <summary>Zero-based column (and row, after pivoting) of the failing pivot.</summary>
    public int Column { get; }

    /// <summary>The pivot value met.</summary>
    public double Pivot { get; }

    /// <summary>The absolute tolerance the pivot was compared with.</summary>
    public double Tolerance { get; }
}

/// <summary>Cholesky met a non-positive (or non-finite) pivot: the matrix is not symmetric positive definite.</summary>
public sealed class NotPositiveDefiniteException : ArithmeticException
{
    /// <summary>Creates the exception for the (zero-based) column whose pivot failed.</summary>
    public NotPositiveDefiniteException(int column)
        : base($"Cholesky: the matrix is not positive definite: the pivot in column {column} is not positive.")
    {
        Column = column;
    }

    /// <summary>Zero-based column where the factorization broke down.</summary>
    public int Column { get; }
}

/// <summary>Settings shared by the dense factorizations. Immutable; vary with <c>with { }</c>.</summary>
public sealed record DenseFactorizationOptions
{
    /// <summary>The defaults: automatic threading, copy the input, relative singularity tolerance n·ε.</summary>
    public static DenseFactorizationOptions Default { get; } = new();

    /// <summary>Largest number of threads: -1 (default) decides by size, 1 runs on the calling thread only.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>When true the input matrix's storage is overwritten by the factors (no copy). Default false.</summary>
    public bool Overwrite { get; init; }

    /// <summary>
    /// Relative pivot tolerance: a pivot with |p| ≤ tol·max|a_ij| counts as singular. NaN (default) means n·ε;
    /// 0 reports only exact zeros.
    /// </summary>
    public double SingularityTolerance { get; init; } = double.NaN;

    /// <summary>Checks every setting; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (MaxDegreeOfParallelism == 0 || MaxDegreeOfParallelism < -1)
            throw new ArgumentException($"MaxDegreeOfParallelism must be -1 or positive, not {MaxDegreeOfParallelism}.", nameof(MaxDegreeOfParallelism));
        if (!double.IsNaN(SingularityTolerance) && (SingularityTolerance < 0 || double.IsInfinity(SingularityTolerance)))
            throw new ArgumentException($"SingularityTolerance must be non-negative and finite (or NaN for the default), not {SingularityTolerance}.", nameof(SingularityTolerance));
    }

    internal double RelativeTolerance(int n) =>
        double.IsNaN(SingularityTolerance) ? Math.Max(n, 1) * MachineEpsilon : SingularityTolerance;

    /// <summary>Unit roundoff 2⁻⁵² (the gap between 1 and the next double).</summary>
    public const double MachineEpsilon = 2.220446049250313e-16;
}

/// <summary>A factorization that can solve A·x = b for many right-hand sides.</summary>
public interface IDenseFactorization
{
    /// <summary>Number of rows of the factored matrix (the length of b).</summary>
    int Rows { get; }

    /// <summary>Number of columns of the factored matrix (the length of x).</summary>
    int Columns { get; }

    /// <summary>Solves A·x = b (least squares for a tall QR); b and x must not overlap.</summary>
    void Solve(ReadOnlySpan<double> b, Span<double> x);

    /// <summary>An estimate of the 1-norm condition number κ₁ (Hager/Higham; within a small factor, cheap: O(n²)).</summary>
    double EstimateConditionNumber();
}

internal static class Check
{
    internal static void Finite(DenseMatrix a, string name)
    {
        ArgumentNullException.ThrowIfNull(a, name);
        var d = a.Data;
        for (int k = 0; k < d.Length; k++)
            if (!double.IsFinite(d[k]))
                throw new ArgumentException($"{name} has a non-finite entry {d[k]} at ({k % Math.Max(a.Rows, 1)}, {k / Math.Max(a.Rows, 1)}).", name);
    }

    internal static void Finite(ReadOnlySpan<double> v, string name)
    {
        for (int i = 0; i < v.Length; i++)
            if (!double.IsFinite(v[i]))
                throw new ArgumentException($"{name} has a non-finite entry {v[i]} at index {i}.", name);
    }

    internal static void Square(DenseMatrix a, string name)
    {
        if (a.Rows != a.Columns)
            throw new ArgumentException($"{name} must be square but is {a.Rows}×{a.Columns}.", name);
    }

    internal static void Length(int actual, int expected, string name)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has length {actual}; expected {expected}.", name);
    }

    internal static double NormOne(DenseMatrix a)
    {
        double best = 0;
        for (int j = 0; j < a.Columns; j++)
        {
            double s = Reproducible.SumOfMagnitudes(a.Column(j));
            if (s > best) best = s;
        }
        return best;
    }
}
