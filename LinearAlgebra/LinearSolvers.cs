using System.Diagnostics;
using Optima.LinearAlgebra.Factorizations;
using Optima.LinearAlgebra.Iterative;

namespace Optima.LinearAlgebra;

/// <summary>The linear solvers <see cref="LinearSolvers.Solve(CsrMatrix, ReadOnlySpan{double}, LinearSolveOptions?)"/> can run.</summary>
public enum LinearSolverKind
{
    /// <summary>LU with partial pivoting (<see cref="LuFactorization"/>), any nonsingular square matrix.</summary>
    Lu,
    /// <summary>Householder QR (<see cref="QrFactorization"/>); least squares for tall matrices.</summary>
    Qr,
    /// <summary>Cholesky (<see cref="CholeskyFactorization"/>), symmetric positive definite matrices.</summary>
    Cholesky,
    /// <summary>Gill–Murray–Wright modified Cholesky: solves (A + E)·x = b with E ≥ 0 diagonal, for indefinite symmetric A.</summary>
    ModifiedCholesky,
    /// <summary>Jacobi iteration.</summary>
    Jacobi,
    /// <summary>Gauss-Seidel iteration.</summary>
    GaussSeidel,
    /// <summary>Successive over-relaxation (ω from <see cref="IterativeOptions.Omega"/>).</summary>
    Sor,
    /// <summary>Symmetric SOR iteration.</summary>
    Ssor,
    /// <summary>Conjugate gradient (symmetric positive definite).</summary>
    ConjugateGradient,
    /// <summary>Preconditioned conjugate gradient (preconditioner from <see cref="LinearSolveOptions.Preconditioner"/>).</summary>
    PreconditionedConjugateGradient,
}

/// <summary>
/// Options of the <see cref="LinearSolvers"/> facade: the method, its preconditioner and the dense limit, on top of
/// the iterative solvers' options (tolerance, ω, limits, history, cancellation, and the threads of the dense kernels
/// and the sparse product from <see cref="RunOptions.Compute"/>); immutable, checked by <see cref="Validate"/>.
/// </summary>
public sealed record LinearSolveOptions : IterativeOptions
{
    /// <summary>The method. Default <see cref="LinearSolverKind.Lu"/>.</summary>
    public LinearSolverKind Method { get; init; } = LinearSolverKind.Lu;

    /// <summary>The PCG preconditioner, by <see cref="Preconditioners"/> name. Default "ic0".</summary>
    public string Preconditioner { get; init; } = "ic0";

    /// <summary>Largest order a sparse matrix is converted to dense for a direct method. Default 20 000.</summary>
    public int MaxDenseOrder { get; init; } = 20_000;

    /// <inheritdoc/>
    public override void Validate()
    {
        if (!Enum.IsDefined(Method)) throw new ArgumentException($"Unknown method {Method}.", nameof(Method));
        if (Preconditioners.Find(Preconditioner) is null)
            throw new ArgumentException($"Unknown preconditioner '{Preconditioner}'. Known preconditioners: {string.Join(", ", Preconditioners.Names)}.", nameof(Preconditioner));
        if (MaxDenseOrder < 0) throw new ArgumentException($"MaxDenseOrder must be non-negative, not {MaxDenseOrder}.", nameof(MaxDenseOrder));
        base.Validate();
    }
}

/// <summary>What <see cref="LinearSolvers"/> returns: the solution and how it was obtained.</summary>
public sealed record LinearSolveResult : IRunResult
{
    /// <summary>The solution x (zeros when a direct method found the matrix singular).</summary>
    public required double[] Solution { get; init; }

    /// <summary>The method that ran.</summary>
    public required LinearSolverKind Method { get; init; }

    /// <summary>A readable description, e.g. "PCG(IC(0))" or "LU (partial pivoting)".</summary>
    public required string MethodDescription { get; init; }

    /// <summary>The registry name of the preconditioner used ("none" except for PCG).</summary>
    public string Preconditioner { get; init; } = "none";

    /// <summary>
    /// Why the solve stopped: <see cref="TerminationReason.Completed"/> for a successful direct solve,
    /// <see cref="TerminationReason.ResidualTolerance"/> for a converged iterative one, <see cref="TerminationReason.NumericalFailure"/>
    /// for a singular matrix or a breakdown (the <see cref="Note"/> says which).
    /// </summary>
    public required TerminationReason Reason { get; init; }

    /// <summary>Iterations (0 for direct methods).</summary>
    public int Iterations { get; init; }

    long IRunResult.Iterations => Iterations;

    /// <summary>‖b − A·x‖₂/‖b‖₂, recomputed from the returned x (0 when b = 0).</summary>
    public required double RelativeResidual { get; init; }

    /// <summary>Wall time of the solve, including factorization or preconditioner setup.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Relative residual per iteration, when recorded.</summary>
    public IReadOnlyList<double>? ResidualHistory { get; init; }

    /// <summary>Estimated 1-norm condition number (direct methods only).</summary>
    public double? ConditionEstimate { get; init; }

    /// <summary>Extra information: an IC(0) shift, the singular column, a modified-Cholesky shift, a breakdown cause.</summary>
    public string? Note { get; init; }

    /// <summary>The device asked for and the one that ran (null: the CPU solvers, which run on the host only).</summary>
    public DeviceUsage? Device { get; init; }

    /// <summary>True when the solve succeeded (a direct solve completed, or the iteration reached its tolerance).</summary>
    public bool IsConverged => Reason.IsConverged();

    /// <summary>True when <see cref="Solution"/> can be used (converged, or stopped at a limit the caller set).</summary>
    public bool IsUsable => Reason.IsUsable();

    string? IRunResult.Message => Note;
}

/// <summary>
/// One entry point for every linear solver, selected by <see cref="LinearSolverKind"/> (or by the command-line
/// names of <see cref="TryParseMethod"/>): the CLI's <c>optima solve</c> is a thin wrapper over it.
/// Misuse (shapes, NaN/∞, invalid options) throws <see cref="ArgumentException"/>; a singular matrix, a breakdown
/// or the iteration limit is reported in the result.
/// </summary>
public static class LinearSolvers
{
    private static readonly (string Name, LinearSolverKind Kind)[] MethodNames =
    [
        ("lu", LinearSolverKind.Lu), ("qr", LinearSolverKind.Qr), ("cholesky", LinearSolverKind.Cholesky),
        ("modified-cholesky", LinearSolverKind.ModifiedCholesky), ("jacobi", LinearSolverKind.Jacobi),
        ("gauss-seidel", LinearSolverKind.GaussSeidel), ("sor", LinearSolverKind.Sor), ("ssor", LinearSolverKind.Ssor),
        ("cg", LinearSolverKind.ConjugateGradient), ("pcg", LinearSolverKind.PreconditionedConjugateGradient),
    ];

    /// <summary>The command-line method names: lu, qr, cholesky, modified-cholesky, jacobi, gauss-seidel, sor, ssor, cg, pcg.</summary>
    public static IReadOnlyList<string> MethodNamesList => MethodNames.Select(m => m.Name).ToArray();

    /// <summary>Parses a method name (case-insensitive; also "gs", "ldlt" and the enum names).</summary>
    public static bool TryParseMethod(string? name, out LinearSolverKind kind)
    {
        kind = default;
        if (string.IsNullOrWhiteSpace(name)) return false;
        string s = name.Trim().ToLowerInvariant();
        if (s == "gs") s = "gauss-seidel";
        if (s is "ldlt" or "mcholesky") s = "modified-cholesky";
        foreach (var (n, k) in MethodNames)
            if (n == s) { kind = k; return true; }
        return Enum.TryParse(name, ignoreCase: true, out kind) && Enum.IsDefined(kind);
    }

    /// <summary>The command-line name of a method, e.g. "gauss-seidel".</summary>
    public static string NameOf(LinearSolverKind kind) => MethodNames.First(m => m.Kind == kind).Name;

    /// <summary>True for the iterative methods.</summary>
    public static bool IsIterative(LinearSolverKind kind) => kind >= LinearSolverKind.Jacobi;

    /// <summary>Solves A·x = b with a sparse matrix (direct methods convert it to dense up to <see cref="LinearSolveOptions.MaxDenseOrder"/>).</summary>
    /// <exception cref="ArgumentException">Shapes disagree, NaN/∞ entries, the matrix is too large for a direct method, or invalid options.</exception>
    public static LinearSolveResult Solve(CsrMatrix a, ReadOnlySpan<double> b, LinearSolveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        options ??= new LinearSolveOptions();
        options.Validate();
        CheckInputs(a.Rows, a.Columns, a.IsFinite(), b, options.Method);
        var sw = Stopwatch.StartNew();
        if (!IsIterative(options.Method))
        {
            if (Math.Max(a.Rows, a.Columns) > options.MaxDenseOrder)
                throw new ArgumentException($"A direct {NameOf(options.Method)} solve converts the matrix to dense, but its order {Math.Max(a.Rows, a.Columns)} exceeds MaxDenseOrder = {options.MaxDenseOrder}; use an iterative method.", nameof(a));
            return Direct(a.ToDense(), a, b, options, sw);
        }
        int saved = a.MaxDegreeOfParallelism;
        a.MaxDegreeOfParallelism = options.Compute.MaxDegreeOfParallelism;
        try { return Iterative(a, a, b, options, sw); }
        finally { a.MaxDegreeOfParallelism = saved; }
    }

    /// <summary>Solves A·x = b with a dense matrix (stationary methods and preconditioners use its CSR form).</summary>
    public static LinearSolveResult Solve(DenseMatrix a, ReadOnlySpan<double> b, LinearSolveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        options ??= new LinearSolveOptions();
        options.Validate();
        CheckInputs(a.Rows, a.Columns, a.IsFinite(), b, options.Method);
        var sw = Stopwatch.StartNew();
        if (!IsIterative(options.Method)) return Direct(a, a, b, options, sw);
        var csr = CsrMatrix.FromDense(a);
        csr.MaxDegreeOfParallelism = options.Compute.MaxDegreeOfParallelism;
        return Iterative(csr, csr, b, options, sw);
    }

    /// <summary>Solves A·x = b matrix-free (CG, or PCG without a matrix-based preconditioner).</summary>
    public static LinearSolveResult Solve(ILinearOperator a, ReadOnlySpan<double> b, LinearSolveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a is CsrMatrix csr) return Solve(csr, b, options);
        if (a is DenseMatrix dense) return Solve(dense, b, options);
        options ??= new LinearSolveOptions();
        options.Validate();
        bool ok = options.Method == LinearSolverKind.ConjugateGradient
            || (options.Method == LinearSolverKind.PreconditionedConjugateGradient && Preconditioners.Get(options.Preconditioner).Name == "none");
        if (!ok)
            throw new ArgumentException($"Method {NameOf(options.Method)} needs the matrix entries; a matrix-free operator supports cg only.", nameof(a));
        CheckInputs(a.Rows, a.Columns, true, b, options.Method);
        return Iterative(a, null, b, options with { Method = LinearSolverKind.ConjugateGradient }, Stopwatch.StartNew());
    }

    private static void CheckInputs(int rows, int columns, bool finite, ReadOnlySpan<double> b, LinearSolverKind method)
    {
        if (!finite) throw new ArgumentException("The matrix has a non-finite (NaN or ∞) entry.", "a");
        if (b.Length != rows) throw new ArgumentException($"b has length {b.Length}; the matrix has {rows} rows.", nameof(b));
        Check.Finite(b, nameof(b));
        if (rows != columns && method != LinearSolverKind.Qr)
            throw new ArgumentException($"Method {NameOf(method)} needs a square matrix but it is {rows}×{columns} (qr solves least squares).", "a");
    }

    private static LinearSolveResult Direct(DenseMatrix dense, ILinearOperator a, ReadOnlySpan<double> b, LinearSolveOptions o, Stopwatch sw)
    {
        var fo = new DenseFactorizationOptions { MaxDegreeOfParallelism = o.Compute.MaxDegreeOfParallelism };
        var x = new double[dense.Columns];
        string description;
        string? note = null;
        double? cond = null;
        try
        {
            IDenseFactorization f;
            switch (o.Method)
            {
                case LinearSolverKind.Lu:
                    f = LuFactorization.Factorize(dense, fo);
                    description = "LU (partial pivoting)";
                    break;
                case LinearSolverKind.Qr:
                    f = QrFactorization.Factorize(dense, fo);
                    description = dense.Rows > dense.Columns ? "Householder QR (least squares)" : "Householder QR";
                    break;
                case LinearSolverKind.Cholesky:
                    f = CholeskyFactorization.Factorize(dense, fo);
                    description = "Cholesky";
                    break;
                default:
                    var mc = ModifiedCholeskyFactorization.Factorize(dense);
                    f = mc;
                    description = "modified Cholesky (Gill-Murray-Wright)";
                    note = mc.IsModified ? $"the matrix was not positive definite: solved (A + E)x = b with max E = {mc.MaxShift:G3}" : null;
                    break;
            }
            f.Solve(b, x);
            cond = f.EstimateConditionNumber();
        }
        catch (SingularMatrixException e)
        {
            return Failed(o, e.Message, b, x, sw);
        }
        catch (NotPositiveDefiniteException e)
        {
            return Failed(o, e.Message, b, x, sw);
        }
        return new LinearSolveResult
        {
            Solution = x,
            Method = o.Method,
            MethodDescription = description,
            Reason = TerminationReason.Completed,
            RelativeResidual = RelativeResidual(a, x, b),
            Elapsed = sw.Elapsed,
            ConditionEstimate = cond,
            Note = note,
        };
    }

    private static LinearSolveResult Failed(LinearSolveOptions o, string message, ReadOnlySpan<double> b, double[] x, Stopwatch sw)
    {
        Array.Clear(x);
        return new LinearSolveResult
        {
            Solution = x,
            Method = o.Method,
            MethodDescription = NameOf(o.Method),
            Reason = TerminationReason.NumericalFailure,
            RelativeResidual = b.Length == 0 ? 0 : 1,
            Elapsed = sw.Elapsed,
            Note = message,
        };
    }

    private static LinearSolveResult Iterative(ILinearOperator a, CsrMatrix? csr, ReadOnlySpan<double> b, LinearSolveOptions o, Stopwatch sw)
    {
        IterativeOptions io = o;
        var x = new double[a.Columns];
        IterativeResult r;
        string? note = null;
        string pk = "none";
        switch (o.Method)
        {
            case LinearSolverKind.Jacobi: r = StationaryMethods.Jacobi(csr!, b, x, io); break;
            case LinearSolverKind.GaussSeidel: r = StationaryMethods.GaussSeidel(csr!, b, x, io); break;
            case LinearSolverKind.Sor: r = StationaryMethods.Sor(csr!, b, x, io); break;
            case LinearSolverKind.Ssor: r = StationaryMethods.Ssor(csr!, b, x, io); break;
            case LinearSolverKind.ConjugateGradient: r = ConjugateGradient.Solve(a, b, x, io); break;
            default:
                var entry = Preconditioners.Get(o.Preconditioner);
                pk = entry.Name;
                // A matrix that defeats the preconditioner is not positive definite: that is a breakdown of PCG (a
                // result), not misuse — the preconditioners themselves throw, since they promise a usable factor.
                IPreconditioner? m;
                try
                {
                    m = entry.Create(csr!, io);
                }
                catch (ArgumentException) when (NonPositiveDiagonal(csr!) is { } row)
                {
                    return Breakdown(o, pk, $"row {row} has a diagonal entry ≤ 0 (or none), so the matrix is not positive definite and {pk} cannot be formed", x, b, a, sw);
                }
                catch (ArithmeticException e)
                {
                    return Breakdown(o, pk, e.Message, x, b, a, sw);
                }
                if (m is IncompleteCholeskyPreconditioner ic && ic.Shift > 0) note = ic.Description;
                r = m is null ? ConjugateGradient.Solve(a, b, x, io) : ConjugateGradient.Solve(a, m, b, x, io);
                break;
        }
        if (r.Note is not null) note = note is null ? r.Note : $"{note}; {r.Note}";
        return new LinearSolveResult
        {
            Solution = x,
            Method = o.Method,
            MethodDescription = r.Method,
            Preconditioner = pk,
            Reason = r.Reason,
            Iterations = r.Iterations,
            RelativeResidual = RelativeResidual(a, x, b),
            Elapsed = sw.Elapsed,
            ResidualHistory = r.ResidualHistory,
            Note = note,
        };
    }

    /// <summary>The first row whose diagonal entry is missing or not positive, or null.</summary>
    private static int? NonPositiveDiagonal(CsrMatrix a)
    {
        int[] rp = a.RowPointers, ci = a.ColumnIndices;
        double[] v = a.Values;
        for (int i = 0; i < a.Rows; i++)
        {
            bool positive = false;
            for (int k = rp[i]; k < rp[i + 1]; k++)
                if (ci[k] == i) positive = v[k] > 0;
            if (!positive) return i;
        }
        return null;
    }

    private static LinearSolveResult Breakdown(LinearSolveOptions o, string pk, string note, double[] x, ReadOnlySpan<double> b, ILinearOperator a, Stopwatch sw) => new()
    {
        Solution = x,
        Method = o.Method,
        MethodDescription = $"PCG({pk})",
        Preconditioner = pk,
        Reason = TerminationReason.NumericalFailure,
        Iterations = 0,
        RelativeResidual = RelativeResidual(a, x, b),
        Elapsed = sw.Elapsed,
        Note = note,
    };

    private static double RelativeResidual(ILinearOperator a, double[] x, ReadOnlySpan<double> b)
    {
        double bn = VectorKernels.Norm(b);
        var ax = new double[a.Rows];
        a.Apply(x, ax);
        double s = 0;
        for (int i = 0; i < ax.Length; i++) { double d = b[i] - ax[i]; s += d * d; }
        return bn == 0 ? Math.Sqrt(s) : Math.Sqrt(s) / bn;
    }
}
