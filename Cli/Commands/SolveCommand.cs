using System.CommandLine;
using System.Globalization;
using Optima.Device;
using Optima.LinearAlgebra;
using Optima.LinearAlgebra.IO;
using Optima.LinearAlgebra.Iterative;

namespace Optima.Cli;

internal static partial class Commands
{
    private static Command SolveCommand(CliContext context)
    {
        var json = JsonOption();
        var matrix = new Option<string>("--matrix") { Description = "A in Matrix Market format (coordinate or array).", Required = true };
        var rhs = new Option<string?>("--rhs") { Description = "b in Matrix Market format (default: b = A·1)." };
        var method = new Option<string>("--method") { Description = $"One of: {string.Join(", ", LinearSolvers.MethodNamesList)}.", DefaultValueFactory = _ => "lu" };
        var precond = new Option<string?>("--precond") { Description = $"PCG preconditioner: {string.Join(", ", Preconditioners.Names)} (default ic0)." };
        var tol = new Option<double>("--tol") { Description = "Relative residual ‖b − Ax‖/‖b‖ to reach (iterative methods).", DefaultValueFactory = _ => 1e-10 };
        var maxIter = new Option<int?>("--max-iter") { Description = "Iteration limit (iterative methods; default depends on the method)." };
        var omega = new Option<double>("--omega") { Description = "Relaxation factor ω for SOR/SSOR.", DefaultValueFactory = _ => 1.0 };
        var output = new Option<string?>("--out") { Description = "Write x to this Matrix Market file." };
        var device = DeviceOption("cg and pcg --precond jacobi run on the device");
        var command = new Command("solve", "Solve A·x = b with a direct (LU, QR, Cholesky) or iterative (Jacobi, Gauss-Seidel, SOR, CG, PCG) method.")
            { matrix, rhs, method, precond, tol, maxIter, omega, output, device, json };
        command.SetAction(parse =>
        {
            string methodName = parse.GetValue(method)!;
            if (!LinearSolvers.TryParseMethod(methodName, out var kind))
                throw new ArgumentException($"Unknown method '{methodName}'. Known methods: {string.Join(", ", LinearSolvers.MethodNamesList)}.");
            string preconditioner = "ic0";
            if (parse.GetValue(precond) is { } p)
            {
                preconditioner = Preconditioners.Find(p)?.Name
                    ?? throw new ArgumentException($"Unknown preconditioner '{p}'. Known preconditioners: {string.Join(", ", Preconditioners.Names)}.");
                if (kind != LinearSolverKind.PreconditionedConjugateGradient)
                    throw new ArgumentException("--precond applies only to --method pcg.");
            }
            var computeDevice = ParseDevice(parse.GetValue(device));
            if (computeDevice is ComputeDevice.Cuda or ComputeDevice.CpuAccelerator && !DeviceLinearSolvers.RunsOnDevice(kind, preconditioner))
                throw new ArgumentException($"--device {DeviceUsage.NameOf(computeDevice)} runs cg and pcg with --precond jacobi (or none) only; use --device cpu or auto for {LinearSolvers.NameOf(kind)}{(kind == LinearSolverKind.PreconditionedConjugateGradient ? $" with {preconditioner}" : "")}.");
            string path = parse.GetValue(matrix)!;
            // Sizes first: the size lines decide whether the system can be held before any entry is read.
            var header = MatrixMarket.ReadHeader(path);
            CheckSize(header, Path.GetFileName(path), kind, new LinearSolveOptions().MaxDenseOrder);
            string? rhsFile = parse.GetValue(rhs);
            if (rhsFile is not null)
            {
                var rh = MatrixMarket.ReadHeader(rhsFile);
                if (Math.Min(rh.Rows, rh.Columns) != 1 || Math.Max(rh.Rows, rh.Columns) != header.Rows)
                    throw new ArgumentException($"--rhs {rhsFile} is {rh.Rows}×{rh.Columns}; b must be a vector of {header.Rows} entries (A has {header.Rows} rows).");
            }
            CsrMatrix a = MatrixMarket.ReadSparse(path);
            double[] b;
            if (rhsFile is { } rhsPath)
            {
                b = MatrixMarket.ReadVector(rhsPath);
                if (b.Length != a.Rows) throw new ArgumentException($"--rhs has {b.Length} entries but A has {a.Rows} rows.");
            }
            else
            {
                b = new double[a.Rows];
                a.Multiply(Enumerable.Repeat(1.0, a.Columns).ToArray(), b);
            }
            var options = new LinearSolveOptions
            {
                Method = kind,
                Preconditioner = preconditioner,
                Tolerance = parse.GetValue(tol),
                MaxIterations = parse.GetValue(maxIter) ?? 0,
                Omega = parse.GetValue(omega),
                Compute = new ComputeOptions { Device = computeDevice },
            };
            LinearSolveResult r;
            try
            {
                // The CPU path stays exactly the old call (and never loads ILGPU).
                r = computeDevice == ComputeDevice.Cpu ? LinearSolvers.Solve(a, b, options) : DeviceLinearSolvers.Solve(a, b, options);
            }
            catch (DeviceUnavailableException e)
            {
                throw new ArgumentException($"--device {DeviceUsage.NameOf(computeDevice)}: {e.Message}.", e);
            }
            var used = r.Device ?? DeviceUsage.Cpu;
            if (used.FellBack) context.Error.WriteLine($"optima: {used.Why}");
            if (parse.GetValue(output) is { } outPath)
                MatrixMarket.WriteVector(outPath, r.Solution, $"optima solve --method {LinearSolvers.NameOf(kind)}: solution of {Path.GetFileName(path)}");
            if (parse.GetValue(json))
            {
                context.WriteJson(new
                {
                    matrix = path,
                    rows = a.Rows,
                    columns = a.Columns,
                    nonzeros = a.NonZeroCount,
                    method = LinearSolvers.NameOf(r.Method),
                    description = r.MethodDescription,
                    preconditioner = kind == LinearSolverKind.PreconditionedConjugateGradient ? r.Preconditioner : null,
                    reason = r.Reason,
                    converged = r.IsConverged,
                    iterations = r.Iterations,
                    relativeResidual = r.RelativeResidual,
                    conditionEstimate = r.ConditionEstimate,
                    seconds = r.Elapsed.TotalSeconds,
                    note = r.Note,
                    device = new { asked = DeviceUsage.NameOf(used.Asked), used = DeviceUsage.NameOf(used.Used), why = used.Why, name = used.Name },
                    output = parse.GetValue(output),
                });
            }
            else
            {
                var ci = CultureInfo.InvariantCulture;
                var o = context.Out;
                o.WriteLine($"matrix              {path} ({a.Rows}×{a.Columns}, {a.NonZeroCount} nonzeros)");
                o.WriteLine($"method              {r.MethodDescription}");
                if (used.Asked != ComputeDevice.Cpu) o.WriteLine($"device              {used}");
                o.WriteLine($"result              {r.Reason}");
                if (LinearSolvers.IsIterative(r.Method)) o.WriteLine($"iterations          {r.Iterations}");
                o.WriteLine(string.Create(ci, $"relative residual   {r.RelativeResidual:0.000E+00}   (‖b − Ax‖/‖b‖)"));
                if (r.ConditionEstimate is { } c) o.WriteLine(string.Create(ci, $"condition estimate  {c:0.000E+00}"));
                o.WriteLine(string.Create(ci, $"time                {r.Elapsed.TotalMilliseconds:F2} ms"));
                if (r.Note is not null) o.WriteLine($"note                {r.Note}");
                if (parse.GetValue(output) is { } written) o.WriteLine($"x written to        {written}");
            }
            return r.IsConverged ? OptimaCli.Ok : OptimaCli.NotConverged;
        });
        return command;
    }

    /// <summary>The --device option: cpu (default), cuda, auto, or cpu-accelerator (ILGPU's CPU emulator, for tests).</summary>
    private static Option<string> DeviceOption(string what) => new("--device")
    {
        Description = $"cpu (default), cuda, auto (cuda when a GPU can be used, else cpu; says so on stderr) or cpu-accelerator (ILGPU's CPU emulator, for tests): {what}.",
        DefaultValueFactory = _ => "cpu",
    };

    private static ComputeDevice ParseDevice(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "cpu" => ComputeDevice.Cpu,
        "cuda" or "gpu" => ComputeDevice.Cuda,
        "auto" => ComputeDevice.Auto,
        "cpu-accelerator" => ComputeDevice.CpuAccelerator,
        _ => throw new ArgumentException($"--device must be cpu, cuda, auto or cpu-accelerator, not '{name}'."),
    };

    /// <summary>
    /// Refuses, from the size line alone, a system the method cannot hold or that cannot have a unique solution:
    /// a direct method's dense copy is limited to <paramref name="maxDenseOrder"/>; every row of a square system
    /// with a unique solution (and every column of a full-rank least-squares one) holds a stored entry, so a matrix
    /// declaring more rows than it stores entries is singular. Together with the reader's check that the declared
    /// entries fit in the file, this bounds the memory by a small multiple of the file's size.
    /// </summary>
    private static void CheckSize(MatrixMarketHeader h, string file, LinearSolverKind kind, int maxDenseOrder)
    {
        int order = Math.Max(h.Rows, h.Columns);
        if (!LinearSolvers.IsIterative(kind) && order > maxDenseOrder)
            throw new ArgumentException($"{file} is {h.Rows}×{h.Columns}: a direct {LinearSolvers.NameOf(kind)} solve holds the matrix densely, up to order {maxDenseOrder}; use an iterative method (cg, pcg, gauss-seidel, ...).");
        if (kind != LinearSolverKind.Qr && h.Rows != h.Columns)
            throw new ArgumentException($"{file} is {h.Rows}×{h.Columns}; method {LinearSolvers.NameOf(kind)} needs a square matrix (qr solves least squares).");
        long stored = h.Symmetry == MatrixMarketSymmetry.General ? h.Entries : 2 * h.Entries;
        int needed = kind == LinearSolverKind.Qr ? h.Columns : order;
        if (stored < needed)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{file} is {h.Rows}×{h.Columns} but stores only {h.Entries} entries, so some {(kind == LinearSolverKind.Qr ? "column" : "row")} is empty and the system has no unique solution."));
    }
}
