using System.Diagnostics;

namespace Optima.LinearAlgebra.Iterative;

/// <summary>
/// Options of the iterative solvers, on top of the shared run options (<see cref="RunOptions"/>); immutable, vary with
/// <c>with { }</c>, checked by <see cref="Validate"/>.
/// </summary>
/// <remarks>
/// From the shared options: <see cref="RunOptions.MaxIterations"/> (here 0, the default, picks the limit by method:
/// CG/PCG max(100, min(2n, 100 000)), stationary methods 10 000); <see cref="RunOptions.MaxEvaluations"/> counts one
/// operator product per iteration, so it caps the iteration limit (reported as <see cref="TerminationReason.MaxIterations"/>);
/// <see cref="RunOptions.TimeLimit"/> and <see cref="RunOptions.CancellationToken"/> are checked before every iteration;
/// <see cref="RunOptions.RecordHistory"/> keeps ‖r_k‖/‖b‖ in <see cref="IterativeResult.ResidualHistory"/>;
/// <see cref="RunOptions.Compute"/> sets the threads of the sparse product (<see cref="LinearSolvers"/>).
/// </remarks>
public record IterativeOptions : RunOptions
{
    /// <summary>The defaults.</summary>
    public static IterativeOptions Default { get; } = new();

    /// <summary>The linear solvers' defaults where they differ from <see cref="RunOptions"/>: an automatic iteration limit (0).</summary>
    public IterativeOptions() => MaxIterations = 0;

    /// <summary>Target relative residual ‖b − A·x‖₂/‖b‖₂. Default 1e-10.</summary>
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>Relaxation factor ω ∈ (0, 2) for SOR/SSOR (1 gives Gauss-Seidel / symmetric Gauss-Seidel). Default 1.</summary>
    public double Omega { get; init; } = 1.0;

    /// <summary>Stop as <see cref="TerminationReason.Diverged"/> when ‖r‖ exceeds this multiple of ‖r₀‖. Default 1e8.</summary>
    public double DivergenceLimit { get; init; } = 1e8;

    /// <summary>CG/PCG on a <see cref="CsrMatrix"/>: check symmetry first and stop with Breakdown if it fails. Default true.</summary>
    public bool CheckSymmetry { get; init; } = true;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (!(Tolerance >= 0) || double.IsInfinity(Tolerance))
            throw new ArgumentException($"Tolerance must be a non-negative finite number, not {Tolerance}.", nameof(Tolerance));
        if (!(Omega > 0 && Omega < 2))
            throw new ArgumentException($"Omega must lie strictly between 0 and 2, not {Omega}.", nameof(Omega));
        if (!(DivergenceLimit > 1))
            throw new ArgumentException($"DivergenceLimit must be greater than 1, not {DivergenceLimit}.", nameof(DivergenceLimit));
    }

    /// <summary>The iteration limit for a system of size <paramref name="n"/>: <see cref="RunOptions.MaxIterations"/>, or when that is 0 the default (Krylov: max(100, min(2n, 100 000)); stationary: 10 000), capped by the evaluation limit.</summary>
    public int IterationLimit(int n, bool krylov) =>
        Math.Min(MaxIterations > 0 ? MaxIterations : krylov ? Math.Max(100, Math.Min(2 * n, 100_000)) : 10_000, MaxEvaluations);

    /// <summary>Cancelled or out of time (checked before each iteration), else null.</summary>
    public TerminationReason? Interrupted(ResidualRecorder history) =>
        CancellationToken.IsCancellationRequested ? TerminationReason.Cancelled
        : TimeLimit is { } limit && history.Elapsed >= limit ? TerminationReason.TimeLimit
        : null;
}

/// <summary>The outcome of an iterative solve (the solution itself is written to the caller's x).</summary>
public sealed record IterativeResult : IRunResult
{
    /// <summary>The result of a run, with the residual history when it was recorded (for iterative solvers outside this assembly, e.g. the device backend's).</summary>
    public static IterativeResult Create(string method, TerminationReason reason, int iterations, double relativeResidual,
        IterativeOptions options, ResidualRecorder history, string? note) => new()
        {
            Method = method,
            Reason = reason,
            Iterations = iterations,
            RelativeResidual = relativeResidual,
            Tolerance = options.Tolerance,
            ResidualHistory = history.ToList(),
            Note = note,
            Elapsed = history.Elapsed,
        };

    /// <summary>Method name, e.g. "CG", "PCG(IC(0))", "Jacobi".</summary>
    public required string Method { get; init; }

    /// <summary>Why the iteration stopped (<see cref="TerminationReason.ResidualTolerance"/> when it converged).</summary>
    public required TerminationReason Reason { get; init; }

    /// <summary>Iterations performed (matrix-vector products after the initial residual, for CG).</summary>
    public required int Iterations { get; init; }

    long IRunResult.Iterations => Iterations;

    /// <summary>Wall time of the solve.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>‖b − A·x‖₂/‖b‖₂ at the returned x (the recursively updated residual for CG/PCG).</summary>
    public required double RelativeResidual { get; init; }

    /// <summary>The tolerance that was asked for.</summary>
    public required double Tolerance { get; init; }

    /// <summary>Relative residual after each iteration (index 0: the initial one), when recording was asked for.</summary>
    public IReadOnlyList<double>? ResidualHistory { get; init; }

    /// <summary>Extra information, e.g. the diagonal shift an incomplete Cholesky needed, or the cause of a breakdown.</summary>
    public string? Note { get; init; }

    /// <summary>The device asked for and the one that ran (null: the CPU solvers, which run on the host only).</summary>
    public DeviceUsage? Device { get; init; }

    /// <summary>True when the relative residual reached the tolerance.</summary>
    public bool IsConverged => Reason.IsConverged();

    /// <summary>True when x can be used (converged, or stopped at a limit the caller set).</summary>
    public bool IsUsable => Reason.IsUsable();

    string? IRunResult.Message => Note;

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

/// <summary>
/// The residual history of one solve, and its clock (started when the solve starts): what an iterative solver records
/// for <see cref="IterativeResult.Create"/>; public so solvers outside this assembly (the device backend) share the contract.
/// </summary>
public sealed class ResidualRecorder
{
    private readonly double[]? _values;
    private readonly long _start = Stopwatch.GetTimestamp();
    private int _count;

    /// <summary>Starts the clock; keeps up to <paramref name="limit"/> + 1 residuals when <paramref name="record"/> is set.</summary>
    public ResidualRecorder(bool record, int limit) => _values = record ? new double[limit + 1] : null;

    /// <summary>Time since the solve started.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

    /// <summary>Records one relative residual (ignored when not recording, or past the limit).</summary>
    public void Add(double v)
    {
        if (_values is not null && _count < _values.Length) _values[_count++] = v;
    }

    /// <summary>The recorded residuals, or null when not recording.</summary>
    public IReadOnlyList<double>? ToList() => _values is null ? null : new ArraySegment<double>(_values, 0, _count).ToArray();
}
