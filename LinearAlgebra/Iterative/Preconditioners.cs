namespace Optima.LinearAlgebra.Iterative;

/// <summary>Jacobi (diagonal) preconditioner M = diag(A).</summary>
public sealed class JacobiPreconditioner : IPreconditioner
{
    private readonly double[] _inverseDiagonal;

    /// <summary>Builds M from the diagonal of a square matrix.</summary>
    /// <exception cref="ArgumentException">A diagonal entry is zero, negative or not finite (the row is named).</exception>
    public JacobiPreconditioner(CsrMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var d = matrix.Diagonal();
        _inverseDiagonal = new double[d.Length];
        for (int i = 0; i < d.Length; i++)
        {
            if (!(d[i] > 0) || !double.IsFinite(d[i]))
                throw new ArgumentException($"The Jacobi preconditioner needs a positive diagonal, but row {i} has {d[i]}.", nameof(matrix));
            _inverseDiagonal[i] = 1.0 / d[i];
        }
    }

    /// <inheritdoc/>
    public int Size => _inverseDiagonal.Length;

    /// <inheritdoc/>
    public string Name => "Jacobi";

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> r, Span<double> z) =>
        System.Numerics.Tensors.TensorPrimitives.Multiply(r, _inverseDiagonal, z);
}

/// <summary>
/// Symmetric SOR preconditioner M = (D + ωL)·D⁻¹·(D + ωU) / (ω(2 − ω)) for symmetric A with positive diagonal
/// (Saad §10.2); z = M⁻¹r costs one forward and one backward triangular sweep.
/// </summary>
public sealed class SsorPreconditioner : IPreconditioner
{
    private readonly CsrMatrix _a;
    private readonly int[] _diag;
    private readonly double _omega;

    /// <summary>Builds the preconditioner; ω ∈ (0, 2), default 1 (symmetric Gauss-Seidel).</summary>
    public SsorPreconditioner(CsrMatrix matrix, double omega = 1.0)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (!(omega > 0 && omega < 2)) throw new ArgumentException($"omega must lie strictly between 0 and 2, not {omega}.", nameof(omega));
        if (matrix.Rows != matrix.Columns) throw new ArgumentException("The matrix must be square.", nameof(matrix));
        _a = matrix;
        _omega = omega;
        _diag = StationaryMethods.DiagonalPositions(matrix, nameof(matrix));
        for (int i = 0; i < _diag.Length; i++)
            if (!(matrix.Values[_diag[i]] > 0))
                throw new ArgumentException($"SSOR needs a positive diagonal, but row {i} has {matrix.Values[_diag[i]]}.", nameof(matrix));
    }

    /// <inheritdoc/>
    public int Size => _diag.Length;

    /// <inheritdoc/>
    public string Name => $"SSOR(ω={_omega:G3})";

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> r, Span<double> z)
    {
        int n = Size;
        int[] rp = _a.RowPointers, ci = _a.ColumnIndices;
        double[] va = _a.Values;
        double w = _omega, scale = w * (2 - w);
        // (D + ωL)·y = ω(2−ω)·r
        for (int i = 0; i < n; i++)
        {
            double s = scale * r[i];
            int d = _diag[i];
            for (int k = rp[i]; k < d; k++) s -= w * va[k] * z[ci[k]];
            z[i] = s / va[d];
        }
        // y ← D·y, then (D + ωU)·z = y
        for (int i = 0; i < n; i++) z[i] *= va[_diag[i]];
        for (int i = n - 1; i >= 0; i--)
        {
            int d = _diag[i];
            double s = z[i];
            for (int k = d + 1; k < rp[i + 1]; k++) s -= w * va[k] * z[ci[k]];
            z[i] = s / va[d];
        }
    }
}

/// <summary>
/// Incomplete Cholesky IC(0): L with the sparsity of the lower triangle of A and L·Lᵀ ≈ A (Meijerink and van der
/// Vorst 1977). A plain IC(0) can meet a non-positive pivot even on SPD matrices; this one then restarts on
/// A + α·diag(A) with α = 10⁻³, doubling α until it succeeds (Manteuffel 1980; Lin and Moré 1999), and reports the
/// shift it needed in <see cref="Shift"/> and <see cref="Attempts"/>.
/// </summary>
public sealed class IncompleteCholeskyPreconditioner : IPreconditioner
{
    private readonly int[] _rp;
    private readonly int[] _ci;
    private readonly double[] _l;   // row i of L: columns ascending, diagonal last

    /// <summary>Factors the lower triangle of a symmetric matrix with a positive diagonal.</summary>
    /// <param name="matrix">Symmetric matrix (only the lower triangle is read).</param>
    /// <param name="initialShift">First α to try after a breakdown (default 1e-3).</param>
    /// <param name="maxAttempts">Factorizations to try before giving up (default 40).</param>
    /// <exception cref="ArgumentException">Not square, a missing or non-positive diagonal entry (row named), or non-finite values.</exception>
    /// <exception cref="ArithmeticException">No shift up to the attempt limit gave positive pivots.</exception>
    public IncompleteCholeskyPreconditioner(CsrMatrix matrix, double initialShift = 1e-3, int maxAttempts = 40)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.Rows != matrix.Columns) throw new ArgumentException("The matrix must be square.", nameof(matrix));
        if (!(initialShift > 0) || double.IsInfinity(initialShift)) throw new ArgumentException($"initialShift must be positive and finite, not {initialShift}.", nameof(initialShift));
        if (maxAttempts < 1) throw new ArgumentException($"maxAttempts must be at least 1, not {maxAttempts}.", nameof(maxAttempts));
        if (!matrix.IsFinite()) throw new ArgumentException("The matrix has a non-finite entry.", nameof(matrix));
        int n = matrix.Rows;
        int[] arp = matrix.RowPointers, aci = matrix.ColumnIndices;
        double[] ava = matrix.Values;
        _rp = new int[n + 1];
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            bool hasDiagonal = false;
            for (int k = arp[i]; k < arp[i + 1] && aci[k] <= i; k++)
            {
                count++;
                if (aci[k] == i)
                {
                    hasDiagonal = true;
                    if (!(ava[k] > 0)) throw new ArgumentException($"IC(0) needs a positive diagonal, but row {i} has {ava[k]}.", nameof(matrix));
                }
            }
            if (!hasDiagonal) throw new ArgumentException($"IC(0) needs a positive diagonal, but row {i} has none stored.", nameof(matrix));
            _rp[i + 1] = count;
        }
        _ci = new int[count];
        var aLower = new double[count];
        for (int i = 0, p = 0; i < n; i++)
            for (int k = arp[i]; k < arp[i + 1] && aci[k] <= i; k++, p++)
            {
                _ci[p] = aci[k];
                aLower[p] = ava[k];
            }
        _l = new double[count];
        var marker = new int[n];
        Array.Fill(marker, -1);
        double alpha = 0;
        for (int attempt = 1; attempt <= maxAttempts; attempt++)
        {
            int failedRow = TryFactor(n, aLower, alpha, marker);
            if (failedRow < 0)
            {
                Shift = alpha;
                Attempts = attempt;
                return;
            }
            FirstBreakdownRow ??= failedRow;
            alpha = alpha == 0 ? initialShift : 2 * alpha;
        }
        throw new ArithmeticException($"IC(0) broke down in every one of {maxAttempts} attempts (last shift α = {alpha / 2:G3}); first breakdown at row {FirstBreakdownRow}.");
    }

    /// <summary>The relative diagonal shift α that was needed (0 when plain IC(0) worked): L·Lᵀ ≈ A + α·diag(A).</summary>
    public double Shift { get; }

    /// <summary>Number of factorizations tried (1 when plain IC(0) worked).</summary>
    public int Attempts { get; }

    /// <summary>The row where the unshifted factorization first met a non-positive pivot, or null if it did not.</summary>
    public int? FirstBreakdownRow { get; }

    /// <inheritdoc/>
    public int Size => _rp.Length - 1;

    /// <inheritdoc/>
    public string Name => "IC(0)";

    /// <summary>A one-line description including the shift, e.g. "IC(0) with diagonal shift α = 0.004 after 3 attempts".</summary>
    public string Description => Shift == 0 ? "IC(0) without shift"
        : $"IC(0) broke down at row {FirstBreakdownRow}; succeeded with diagonal shift α = {Shift:G3} (A + α·diag(A)) after {Attempts} attempts";

    // Returns -1 on success, or the row with a non-positive pivot.
    private int TryFactor(int n, double[] a, double alpha, int[] marker)
    {
        int[] rp = _rp, ci = _ci;
        double[] l = _l;
        for (int i = 0; i < n; i++)
        {
            int start = rp[i], end = rp[i + 1], diagPos = end - 1;
            for (int k = start; k < end; k++) marker[ci[k]] = k;
            for (int k = start; k < diagPos; k++)
            {
                int col = ci[k];
                // l_ik = (a_ik − Σ_{j<col} l_ij·l_col,j) / l_col,col over the common pattern.
                double s = a[k];
                int kEnd = rp[col + 1] - 1;
                for (int t = rp[col]; t < kEnd; t++)
                {
                    int m = marker[ci[t]];
                    if (m >= start && m < k) s -= l[m] * l[t];
                }
                l[k] = s / l[kEnd];
            }
            double d = a[diagPos] * (1 + alpha);
            for (int k = start; k < diagPos; k++) d -= l[k] * l[k];
            for (int k = start; k < end; k++) marker[ci[k]] = -1;
            if (!(d > 0) || !double.IsFinite(d)) return i;
            l[diagPos] = Math.Sqrt(d);
        }
        return -1;
    }

    /// <inheritdoc/>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public unsafe void Apply(ReadOnlySpan<double> r, Span<double> z)
    {
        int n = Size;
        if (r.Length != n) throw new ArgumentException($"r has length {r.Length}; expected {n}.", nameof(r));
        if (z.Length != n) throw new ArgumentException($"z has length {z.Length}; expected {n}.", nameof(z));
        EnsureTranspose();
        fixed (int* rp = _rp, ci = _ci, up = _urp!, uc = _uci!)
        fixed (double* l = _l, u = _u!, dinv = _inverseDiagonal!, pr = r, pz = z)
        {
            // L·y = r by rows of L (diagonal last in each row).
            for (int i = 0; i < n; i++)
            {
                double s = pr[i];
                int d = rp[i + 1] - 1;
                for (int k = rp[i]; k < d; k++) s -= l[k] * pz[ci[k]];
                pz[i] = s * dinv[i];
            }
            // Lᵀ·z = y by rows of Lᵀ (diagonal first in each row), a gather instead of a scatter.
            for (int i = n - 1; i >= 0; i--)
            {
                int d = up[i];
                double s = pz[i];
                for (int k = up[i + 1] - 1; k > d; k--) s -= u[k] * pz[uc[k]];
                pz[i] = s * dinv[i];
            }
        }
    }

    private int[]? _urp;
    private int[]? _uci;
    private double[]? _u;
    private double[]? _inverseDiagonal;

    // Lᵀ in CSR form (the upper factor by rows), built once on first use.
    private void EnsureTranspose()
    {
        if (_u is not null) return;
        int n = Size;
        var urp = new int[n + 1];
        foreach (int c in _ci) urp[c + 1]++;
        for (int i = 0; i < n; i++) urp[i + 1] += urp[i];
        var next = (int[])urp.Clone();
        var uci = new int[_ci.Length];
        var u = new double[_ci.Length];
        for (int i = 0; i < n; i++)
            for (int k = _rp[i]; k < _rp[i + 1]; k++)
            {
                int p = next[_ci[k]]++;
                uci[p] = i;
                u[p] = _l[k];
            }
        var dinv = new double[n];
        for (int i = 0; i < n; i++) dinv[i] = 1.0 / _l[_rp[i + 1] - 1];
        _inverseDiagonal = dinv;
        _urp = urp;
        _uci = uci;
        _u = u;
    }
}

/// <summary>
/// The preconditioner registry: PCG's preconditioners by name, for <see cref="LinearSolveOptions.Preconditioner"/>, the
/// CLI's <c>--precond</c>, and anyone who builds one from a matrix. Built in: "none", "jacobi", "ssor" (ω from the
/// options) and "ic0" (aliases "ic", "ichol", "ic(0)"). Names are case-insensitive; <see cref="Register"/> adds one.
/// </summary>
public static class Preconditioners
{
    /// <summary>A registered preconditioner.</summary>
    /// <param name="Name">The registry name.</param>
    /// <param name="Description">One line for help text.</param>
    /// <param name="Create">Builds M from a square matrix and the solve's options (null for no preconditioning); throws
    /// <see cref="ArgumentException"/> when the matrix does not suit it and <see cref="ArithmeticException"/> when the
    /// construction broke down.</param>
    /// <param name="Aliases">Other accepted names.</param>
    public sealed record Entry(string Name, string Description, Func<CsrMatrix, IterativeOptions, IPreconditioner?> Create, params string[] Aliases);

    private static readonly Lock Gate = new();
    private static Entry[] _entries =
    [
        new("none", "no preconditioning (PCG is then CG)", (_, _) => null),
        new("jacobi", "diagonal (Jacobi) preconditioner M = diag(A)", (a, _) => new JacobiPreconditioner(a)),
        new("ssor", "symmetric SOR preconditioner, ω from the options", (a, o) => new SsorPreconditioner(a, o.Omega)),
        new("ic0", "incomplete Cholesky IC(0), with a diagonal shift on breakdown", (a, _) => new IncompleteCholeskyPreconditioner(a), "ic", "ichol", "ic(0)"),
    ];

    /// <summary>The registered names, in registry order.</summary>
    public static IReadOnlyList<string> Names => Array.ConvertAll(_entries, e => e.Name);

    /// <summary>The entry called <paramref name="name"/> or one of its aliases (case-insensitive), or null.</summary>
    public static Entry? Find(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        string s = name.Trim();
        foreach (var e in _entries)
            if (string.Equals(e.Name, s, StringComparison.OrdinalIgnoreCase) || e.Aliases.Contains(s, StringComparer.OrdinalIgnoreCase)) return e;
        return null;
    }

    /// <summary>The entry called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static Entry Get(string name) => Find(name)
        ?? throw new ArgumentException($"Unknown preconditioner '{name}'. Known preconditioners: {string.Join(", ", Names)}.", nameof(name));

    /// <summary>Builds the preconditioner called <paramref name="name"/> from <paramref name="matrix"/> (null for "none").</summary>
    /// <exception cref="ArgumentException">Unknown name, or a matrix the preconditioner cannot be built from.</exception>
    public static IPreconditioner? Create(string name, CsrMatrix matrix, IterativeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return Get(name).Create(matrix, options ?? IterativeOptions.Default);
    }

    /// <summary>Adds a preconditioner under a new name; disposing the returned object removes it again.</summary>
    /// <exception cref="ArgumentException">The name (or an alias) is empty or already taken.</exception>
    public static IDisposable Register(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.Create);
        lock (Gate)
        {
            foreach (string n in entry.Aliases.Prepend(entry.Name))
            {
                ArgumentException.ThrowIfNullOrWhiteSpace(n, nameof(entry));
                if (Find(n) is not null) throw new ArgumentException($"A preconditioner named '{n}' is already registered.", nameof(entry));
            }
            _entries = [.. _entries, entry];
        }
        return new Registration(() => { lock (Gate) _entries = Array.FindAll(_entries, e => e != entry); });
    }

    private sealed class Registration(Action remove) : IDisposable
    {
        private Action? _remove = remove;

        public void Dispose() => Interlocked.Exchange(ref _remove, null)?.Invoke();
    }
}
