using System.Diagnostics;
using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Iterative;

namespace Optima.Device;

/// <summary>
/// <see cref="LinearSolvers.Solve(CsrMatrix, ReadOnlySpan{double}, LinearSolveOptions?)"/> with the device the options'
/// <see cref="ComputeOptions.Device"/> asks for: CG, and PCG with the "jacobi" (or "none") preconditioner, run on the
/// device (<see cref="DeviceConjugateGradient"/>); everything else runs on the CPU. The result's
/// <see cref="LinearSolveResult.Device"/> says what was asked for, what ran, and why.
/// </summary>
public static class DeviceLinearSolvers
{
    /// <summary>True when the device can run this method and preconditioner.</summary>
    public static bool RunsOnDevice(LinearSolverKind method, string preconditioner) =>
        method == LinearSolverKind.ConjugateGradient
        || (method == LinearSolverKind.PreconditionedConjugateGradient && Preconditioners.Find(preconditioner)?.Name is "jacobi" or "none");

    /// <summary>Solves A·x = b on the device the options ask for (see the class remarks).</summary>
    /// <exception cref="ArgumentException">As <see cref="LinearSolvers"/>; also a method the device cannot run when
    /// <see cref="ComputeDevice.Cuda"/> or <see cref="ComputeDevice.CpuAccelerator"/> was asked for explicitly.</exception>
    /// <exception cref="DeviceUnavailableException">CUDA was asked for explicitly and cannot be used (the message says why).</exception>
    public static LinearSolveResult Solve(CsrMatrix a, ReadOnlySpan<double> b, LinearSolveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        options ??= new LinearSolveOptions();
        options.Validate();
        var asked = options.Compute.Device;
        if (asked == ComputeDevice.Cpu) return LinearSolvers.Solve(a, b, options) with { Device = DeviceUsage.Cpu };
        string what = options.Method == LinearSolverKind.PreconditionedConjugateGradient
            ? $"pcg with the {Preconditioners.Get(options.Preconditioner).Name} preconditioner" : LinearSolvers.NameOf(options.Method);
        if (!RunsOnDevice(options.Method, options.Preconditioner))
        {
            if (asked != ComputeDevice.Auto)
                throw new ArgumentException($"The device runs cg and pcg with the jacobi (or none) preconditioner only, not {what}; use the CPU (device cpu or auto).", nameof(options));
            return LinearSolvers.Solve(a, b, options) with
            {
                Device = new DeviceUsage(ComputeDevice.Auto, ComputeDevice.Cpu, $"the device runs cg and pcg(jacobi) only, so {what} ran on the CPU"),
            };
        }
        if (a.Rows != a.Columns) throw new ArgumentException($"Method {LinearSolvers.NameOf(options.Method)} needs a square matrix but it is {a.Rows}×{a.Columns}.", nameof(a));
        if (b.Length != a.Rows) throw new ArgumentException($"b has length {b.Length}; the matrix has {a.Rows} rows.", nameof(b));
        using var device = DeviceContext.Open(options.Compute, out var usage);
        if (device is null) return LinearSolvers.Solve(a, b, options) with { Device = usage };

        var sw = Stopwatch.StartNew();
        bool jacobi = options.Method == LinearSolverKind.PreconditionedConjugateGradient && Preconditioners.Get(options.Preconditioner).Name == "jacobi";
        var x = new double[a.Columns];
        IterativeResult r;
        using (var cg = new DeviceConjugateGradient(device, a, jacobi))
            r = cg.Solve(b, x, options);
        return new LinearSolveResult
        {
            Solution = x,
            Method = options.Method,
            MethodDescription = r.Method,
            Preconditioner = options.Method == LinearSolverKind.PreconditionedConjugateGradient ? (jacobi ? "jacobi" : "none") : "none",
            Reason = r.Reason,
            Iterations = r.Iterations,
            RelativeResidual = RelativeResidual(a, x, b),
            Elapsed = sw.Elapsed,
            ResidualHistory = r.ResidualHistory,
            Note = r.Note,
            Device = usage,
        };
    }

    /// <summary>‖b − A·x‖₂/‖b‖₂ from the returned x, on the host (as LinearSolvers reports it).</summary>
    private static double RelativeResidual(CsrMatrix a, double[] x, ReadOnlySpan<double> b)
    {
        var ax = new double[a.Rows];
        a.Multiply(x, ax);
        double s = 0;
        for (int i = 0; i < ax.Length; i++) { double d = b[i] - ax[i]; s += d * d; }
        double bn = Optima.LinearAlgebra.Reproducible.Norm(b);
        return bn == 0 ? Math.Sqrt(s) : Math.Sqrt(s) / bn;
    }
}
