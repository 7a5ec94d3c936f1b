namespace Optima.LinearAlgebra.Iterative;

/// <summary>Why a linear solve stopped.</summary>
public enum LinearTerminationReason
{
    /// <summary>The relative residual ‖b − A·x‖/‖b‖ reached the tolerance (or a direct solve succeeded).</summary>
    Converged,
    /// <summary>The iteration limit was reached first; x is the last iterate.</summary>
    MaxIterations,
    /// <summary>
    /// The method cannot continue: for CG/PCG pᵀA·p ≤ 0 (the operator is indefinite or not symmetric) or a
    /// non-positive rᵀM⁻¹r (the preconditioner is not positive definite).
    /// </summary>
    Breakdown,
    /// <summary>The residual grew beyond <see cref="IterativeOptions.DivergenceLimit"/> times the initial one.</summary>
    Diverged,
    /// <summary>A NaN or infinity appeared in the iteration.</summary>
    NonFinite,
    /// <summary>A direct factorization found the matrix singular (or not positive definite, for Cholesky).</summary>
    Singular,
}

/// <summary>Options shared by the iterative solvers; immutable, vary with <c>with { }</c>, checked by <see cref="Validate"/>.</summary>
public sealed record IterativeOptions
{
    /// <summary>The defaults.</summary>
    public static IterativeOptions Default { get; } = new();

    /// <summary>Target relative residual ‖b − A·x‖₂/‖b‖₂. Default 1e-10.</summary>
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>
    /// Iteration limit; 0 (default) picks one by method: CG/PCG max(100, min(2n, 100 000)), stationary methods 10 000.
    /// </summary>
    public int MaxIterations { get; init; }

    /// <summary>Relaxation factor ω ∈ (0, 2) for SOR/SSOR (1 gives Gauss-Seidel / symmetric Gauss-Seidel). Default 1.</summary>
    public double Omega { get; init; } = 1.0;

    /// <summary>Record ‖r_k‖/‖b‖ for every iteration in <see cref="IterativeResult.ResidualHistory"/>. Default false.</summary>
    public bool RecordHistory { get; init; }

    /// <summary>Stop as <see cref="LinearTerminationReason.Diverged"/> when ‖r‖ exceeds this multiple of ‖r₀‖. Default 1e8.</summary>
    public double DivergenceLimit { get; init; } = 1e8;

    /// <summary>CG/PCG on a <see cref="CsrMatrix"/>: check symmetry first and stop with Breakdown if it fails. Default true.</summary>
    public bool CheckSymmetry { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!(Tolerance >= 0) || double.IsInfinity(Tolerance))
            throw new ArgumentException($"Tolerance must be a non-negative finite number, not {Tolerance}.", nameof(Tolerance));
        if (MaxIterations < 0)
            throw new ArgumentException($"MaxIterations must be non-negative (0 = automatic), not {MaxIterations}.", nameof(MaxIterations));
        if (!(Omega > 0 && Omega < 2))
            throw new ArgumentException($"Omega must lie strictly between 0 and 2, not {Omega}.", nameof(Omega));
        if (!(DivergenceLimit > 1))
            throw new ArgumentException($"DivergenceLimit must be greater than 1, not {DivergenceLimit}.", nameof(DivergenceLimit));
    }

    internal int IterationLimit(int n, bool krylov) =>
        MaxIterations > 0 ? MaxIterations : krylov ? Math.Max(100, Math.Min(2 * n, 100_000)) : 10_000;
}

/// <summary>The outcome of an iterative solve (the solution itself is written to the caller's x).</summary>
public sealed record IterativeResult
{
    /// <summary>The result of a run, with the residual history when it was recorded.</summary>
    internal static IterativeResult Create(string method, LinearTerminationReason reason, int iterations, double relativeResidual,
        IterativeOptions options, History history, string? note) => new()
        {
            Method = method,
            Reason = reason,
            Iterations = iterations,
            RelativeResidual = relativeResidual,
            Tolerance = options.Tolerance,
            ResidualHistory = history.ToList(),
            Note = note,
        };

    /// <summary>Method name, e.g. "CG", "PCG(IC(0))", "Jacobi".</summary>
    public required string Method { get; init; }

    /// <summary>Why the iteration stopped.</summary>
    public required LinearTerminationReason Reason { get; init; }

    /// <summary>Iterations performed (matrix-vector products after the initial residual, for CG).</summary>
    public required int Iterations { get; init; }

    /// <summary>‖b − A·x‖₂/‖b‖₂ at the returned x (the recursively updated residual for CG/PCG).</summary>
    public required double RelativeResidual { get; init; }

    /// <summary>The tolerance that was asked for.</summary>
    public required double Tolerance { get; init; }

    /// <summary>Relative residual after each iteration (index 0: the initial one), when recording was asked for.</summary>
    public IReadOnlyList<double>? ResidualHistory { get; init; }

    /// <summary>Extra information, e.g. the diagonal shift an incomplete Cholesky needed, or the cause of a breakdown.</summary>
    public string? Note { get; init; }

    /// <summary>True when <see cref="Reason"/> is <see cref="LinearTerminationReason.Converged"/>.</summary>
    public bool IsConverged => Reason == LinearTerminationReason.Converged;

    /// <summary>A one-line summary.</summary>
    public override string ToString() =>
        $"{Method}: {Reason} after {Iterations} iterations, relative residual {RelativeResidual:G3} (tolerance {Tolerance:G3})" +
        (Note is null ? "" : $"; {Note}");
}

/// <summary>A preconditioner M ≈ A applied as z = M⁻¹·r (symmetric positive definite for PCG).</summary>
public interface IPreconditioner
{
    /// <summary>Order of M.</summary>
    int Size { get; }

    /// <summary>Short name used in results, e.g. "Jacobi", "SSOR(1.2)", "IC(0)".</summary>
    string Name { get; }

    /// <summary>z = M⁻¹·r; must not allocate. r and z do not overlap.</summary>
    void Apply(ReadOnlySpan<double> r, Span<double> z);
}

internal sealed class History
{
    private readonly double[]? _values;
    private int _count;

    public History(bool record, int limit) => _values = record ? new double[limit + 1] : null;

    public void Add(double v)
    {
        if (_values is not null && _count < _values.Length) _values[_count++] = v;
    }

    public IReadOnlyList<double>? ToList() => _values is null ? null : new ArraySegment<double>(_values, 0, _count).ToArray();
}
