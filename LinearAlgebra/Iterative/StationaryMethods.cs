namespace Optima.LinearAlgebra.Iterative;

/// <summary>
/// The classical stationary iterations on a <see cref="CsrMatrix"/> (Saad, Iterative Methods for Sparse Linear
/// Systems, §4.1): Jacobi, Gauss-Seidel, SOR and SSOR. They converge for strictly diagonally dominant matrices
/// (and Gauss-Seidel/SOR with 0 &lt; ω &lt; 2 for SPD ones); otherwise they stop as Diverged or at the iteration
/// limit. The true residual ‖b − A·x‖ is computed after every sweep.
/// </summary>
public static class StationaryMethods
{
    /// <summary>Jacobi: x ← x + D⁻¹(b − A·x).</summary>
    public static IterativeResult Jacobi(CsrMatrix a, ReadOnlySpan<double> b, Span<double> x, IterativeOptions? options = null) =>
        Run(a, b, x, options, Kind.Jacobi);

    /// <summary>Gauss-Seidel: forward sweeps using the newest values (SOR with ω = 1).</summary>
    public static IterativeResult GaussSeidel(CsrMatrix a, ReadOnlySpan<double> b, Span<double> x, IterativeOptions? options = null) =>
        Run(a, b, x, (options ?? IterativeOptions.Default) with { Omega = 1.0 }, Kind.Sor, "Gauss-Seidel");

    /// <summary>Successive over-relaxation with <see cref="IterativeOptions.Omega"/>.</summary>
    public static IterativeResult Sor(CsrMatrix a, ReadOnlySpan<double> b, Span<double> x, IterativeOptions? options = null) =>
        Run(a, b, x, options, Kind.Sor);

    /// <summary>Symmetric SOR: a forward then a backward sweep per iteration.</summary>
    public static IterativeResult Ssor(CsrMatrix a, ReadOnlySpan<double> b, Span<double> x, IterativeOptions? options = null) =>
        Run(a, b, x, options, Kind.Ssor);

    private enum Kind { Jacobi, Sor, Ssor }

    private static IterativeResult Run(CsrMatrix a, ReadOnlySpan<double> b, Span<double> x, IterativeOptions? options, Kind kind, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        options ??= IterativeOptions.Default;
        options.Validate();
        int n = a.Rows;
        if (a.Columns != n) throw new ArgumentException($"The matrix must be square but is {a.Rows}×{a.Columns}.", nameof(a));
        if (b.Length != n) throw new ArgumentException($"b has length {b.Length}; expected {n}.", nameof(b));
        if (x.Length != n) throw new ArgumentException($"x has length {x.Length}; expected {n}.", nameof(x));
        Factorizations.Check.Finite(b, nameof(b));
        Factorizations.Check.Finite(x, nameof(x));
        if (!a.IsFinite()) throw new ArgumentException("The matrix has a non-finite entry.", nameof(a));
        int[] diag = DiagonalPositions(a, nameof(a));
        double omega = options.Omega;
        string method = name ?? kind switch
        {
            Kind.Jacobi => "Jacobi",
            Kind.Sor => $"SOR(ω={omega:G3})",
            _ => $"SSOR(ω={omega:G3})",
        };
        int limit = options.IterationLimit(n, krylov: false);
        var history = new ResidualRecorder(options.RecordHistory, limit);
        double bnorm = VectorKernels.Norm(b);
        if (bnorm == 0)
        {
            x.Clear();
            return IterativeResult.Create(method, TerminationReason.ResidualTolerance, 0, 0, options, history, "b = 0, so x = 0");
        }
        var r = new double[n];
        int[] rp = a.RowPointers, ci = a.ColumnIndices;
        double[] va = a.Values;
        double r0 = double.NaN, rel = double.NaN;
        for (int it = 0; ; it++)
        {
            a.Multiply(x, r);
            double rr = VectorKernels.ResidualFromProduct(b, r);
            double rn = Math.Sqrt(rr);
            rel = rn / bnorm;
            history.Add(rel);
            if (it == 0) r0 = rn;
            if (!double.IsFinite(rr)) return IterativeResult.Create(method, TerminationReason.NonFiniteValue, it, rel, options, history, null);
            if (rel <= options.Tolerance) return IterativeResult.Create(method, TerminationReason.ResidualTolerance, it, rel, options, history, null);
            if (rn > options.DivergenceLimit * r0) return IterativeResult.Create(method, TerminationReason.Diverged, it, rel, options, history, null);
            if (it == limit) return IterativeResult.Create(method, TerminationReason.MaxIterations, it, rel, options, history, null);
            if (options.Interrupted(history) is { } stop) return IterativeResult.Create(method, stop, it, rel, options, history, null);
            switch (kind)
            {
                case Kind.Jacobi:
                    for (int i = 0; i < n; i++) x[i] += r[i] / va[diag[i]];
                    break;
                case Kind.Sor:
                    Sweep(rp, ci, va, diag, b, x, omega, forward: true);
                    break;
                default:
                    Sweep(rp, ci, va, diag, b, x, omega, forward: true);
                    Sweep(rp, ci, va, diag, b, x, omega, forward: false);
                    break;
            }
        }
    }

    private static void Sweep(int[] rp, int[] ci, double[] va, int[] diag, ReadOnlySpan<double> b, Span<double> x, double omega, bool forward)
    {
        int n = diag.Length;
        for (int t = 0; t < n; t++)
        {
            int i = forward ? t : n - 1 - t;
            double s = b[i];
            for (int k = rp[i]; k < rp[i + 1]; k++) s -= va[k] * x[ci[k]];
            // s = b_i − Σ_j a_ij x_j including the diagonal term; add it back through the correction.
            x[i] += omega * s / va[diag[i]];
        }
    }

    /// <summary>The position of each row's diagonal entry; ArgumentException naming the first row without a non-zero one.</summary>
    internal static int[] DiagonalPositions(CsrMatrix a, string name)
    {
        var diag = new int[a.Rows];
        for (int i = 0; i < a.Rows; i++)
        {
            int k = a.IndexOf(i, i);
            if (k < 0 || a.Values[k] == 0.0)
                throw new ArgumentException($"The diagonal entry in row {i} is zero; the method needs a non-zero diagonal.", name);
            diag[i] = k;
        }
        return diag;
    }
}
