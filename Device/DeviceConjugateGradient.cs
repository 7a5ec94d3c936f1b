using ILGPU;
using ILGPU.Runtime;
using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Iterative;

namespace Optima.Device;

/// <summary>
/// CG and Jacobi-preconditioned CG with the matrix and every vector in device memory: per iteration one CSR product,
/// two (PCG: three) fixed-order dot products and two fused vector passes run on the device, and only the dot products'
/// scalars cross to the host. The options and stopping rules are those of <see cref="ConjugateGradient.Solve(ILinearOperator, ReadOnlySpan{double}, Span{double}, IterativeOptions?)"/>
/// (relative tolerance ‖r‖/‖b‖, the same automatic iteration limit, divergence limit, symmetry check, time limit,
/// cancellation, history), and so is the result. Device arithmetic differs from the CPU's (no fused multiply-adds,
/// another summation order): results agree to tolerances, not bits.
/// </summary>
/// <remarks>
/// An instance uploads one matrix and allocates its work vectors once, so repeated solves with it allocate nothing on
/// the device. Dispose it (or its <see cref="DeviceContext"/>) to release the device memory.
/// </remarks>
public sealed class DeviceConjugateGradient : IDisposable
{
    private readonly DeviceContext _device;
    private readonly DeviceKernels _k;
    private readonly CsrMatrix _matrix;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _rowPointers, _columns;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _values, _inverseDiagonal, _b, _x, _r, _q, _p, _z, _partials, _scalars;
    private readonly double[] _scalar = new double[1];
    private readonly string? _breakdown;

    /// <summary>Uploads A (square; symmetric positive definite for CG) and allocates the work vectors.</summary>
    /// <param name="device">An open device.</param>
    /// <param name="matrix">A.</param>
    /// <param name="jacobi">Precondition with M = diag(A) (PCG(Jacobi)); else plain CG.</param>
    /// <exception cref="ArgumentException">A is not square or has a non-finite entry.</exception>
    public DeviceConjugateGradient(DeviceContext device, CsrMatrix matrix, bool jacobi = false)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.Rows != matrix.Columns) throw new ArgumentException($"CG needs a square matrix but it is {matrix.Rows}×{matrix.Columns}.", nameof(matrix));
        if (!matrix.IsFinite()) throw new ArgumentException("The matrix has a non-finite (NaN or ∞) entry.", nameof(matrix));
        _device = device;
        _matrix = matrix;
        Jacobi = jacobi;
        var a = device.Accelerator;
        _k = device.Kernels;
        int n = matrix.Rows;
        double[]? inverse = null;
        if (jacobi)
        {
            // As the CPU's JacobiPreconditioner: a diagonal that is not positive makes PCG break down (a result, not misuse).
            var d = matrix.Diagonal();
            inverse = new double[n];
            for (int i = 0; i < n && _breakdown is null; i++)
            {
                if (!(d[i] > 0) || !double.IsFinite(d[i]))
                    _breakdown = $"row {i} has a diagonal entry ≤ 0 (or none), so the matrix is not positive definite and jacobi cannot be formed";
                inverse[i] = 1.0 / d[i];
            }
        }
        var allocated = new List<IDisposable>();
        try
        {
            _rowPointers = Track(a.Allocate1D(matrix.RowPointers), allocated);
            _columns = Track(a.Allocate1D(matrix.ColumnIndices.Length == 0 ? [0] : matrix.ColumnIndices), allocated);
            _values = Track(a.Allocate1D(matrix.Values.Length == 0 ? [0.0] : matrix.Values), allocated);
            _inverseDiagonal = Track(inverse is null ? a.Allocate1D<double>(1) : a.Allocate1D(inverse), allocated);
            int len = Math.Max(n, 1);
            _b = Track(a.Allocate1D<double>(len), allocated);
            _x = Track(a.Allocate1D<double>(len), allocated);
            _r = Track(a.Allocate1D<double>(len), allocated);
            _q = Track(a.Allocate1D<double>(len), allocated);
            _p = Track(a.Allocate1D<double>(len), allocated);
            _z = jacobi ? Track(a.Allocate1D<double>(len), allocated) : _r;
            _partials = Track(a.Allocate1D<double>(_k.MaxBlocks), allocated);
            _scalars = Track(a.Allocate1D<double>(1), allocated);
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            foreach (var buffer in allocated) buffer.Dispose();
            throw new DeviceUnavailableException(device.Kind, DeviceFailure.IlgpuError,
                $"could not allocate the {n}×{n} system ({matrix.NonZeroCount} nonzeros) on {device.Name}: {e.Message}", e);
        }
    }

    private static T Track<T>(T buffer, List<IDisposable> list) where T : IDisposable
    {
        list.Add(buffer);
        return buffer;
    }

    /// <summary>The order of A.</summary>
    public int Size => _matrix.Rows;

    /// <summary>True for PCG(Jacobi).</summary>
    public bool Jacobi { get; }

    /// <summary>Solves A·x = b from the x passed in (zeros when there is no guess); x receives the solution.</summary>
    /// <exception cref="ArgumentException">Shapes disagree, NaN/∞ in b or x, or invalid options (named).</exception>
    public IterativeResult Solve(ReadOnlySpan<double> b, Span<double> x, IterativeOptions? options = null)
    {
        options ??= IterativeOptions.Default;
        options.Validate();
        int n = Size;
        if (b.Length != n) throw new ArgumentException($"b has length {b.Length}; expected {n}.", nameof(b));
        if (x.Length != n) throw new ArgumentException($"x has length {x.Length}; expected {n}.", nameof(x));
        RequireFinite(b, nameof(b));
        RequireFinite(x, nameof(x));
        string method = (Jacobi ? "PCG(Jacobi)" : "CG") + $" on {DeviceUsage.NameOf(_device.Kind)}";
        int limit = options.IterationLimit(n, krylov: true);
        var history = new ResidualRecorder(options.RecordHistory, limit);
        var o = Run(b, x, options, limit, history);
        return IterativeResult.Create(method, o.Reason, o.Iterations, o.RelativeResidual, options, history, o.Note) with { Device = _device.Usage };
    }

    private readonly record struct Outcome(TerminationReason Reason, int Iterations, double RelativeResidual, string? Note);

    private static void RequireFinite(ReadOnlySpan<double> v, string name)
    {
        for (int i = 0; i < v.Length; i++)
            if (!double.IsFinite(v[i])) throw new ArgumentException($"{name} has a non-finite entry {v[i]} at index {i}.", name);
    }

    private Outcome Run(ReadOnlySpan<double> bHost, Span<double> xHost, IterativeOptions options, int limit, ResidualRecorder history)
    {
        int n = Size;
        if (_breakdown is not null) return new(TerminationReason.NumericalFailure, 0, double.NaN, _breakdown);
        if (options.CheckSymmetry && !_matrix.IsSymmetric(1e-12))
            return new(TerminationReason.NumericalFailure, 0, double.NaN, "the matrix is not symmetric; CG needs a symmetric positive definite operator");
        ArrayView<double> b = _b.View, x = _x.View, r = _r.View, q = _q.View, p = _p.View, z = _z.View;
        b.SubView(0, n).CopyFromCPU(bHost);
        double bnorm = Math.Sqrt(Dot(b, b));
        if (bnorm == 0)
        {
            xHost.Clear();
            history.Add(0);
            return new(TerminationReason.ResidualTolerance, 0, 0, "b = 0, so x = 0");
        }
        x.SubView(0, n).CopyFromCPU(xHost);
        _k.Spmv(n, _rowPointers.View, _columns.View, _values.View, x, r);
        _k.ResidualFromProduct(n, b, r);
        double rr = Dot(r, r);
        try
        {
            return Iterate(x, r, q, p, z, rr, bnorm, options, limit, history);
        }
        finally
        {
            x.SubView(0, n).CopyToCPU(xHost);
        }
    }

    private Outcome Iterate(ArrayView<double> x, ArrayView<double> r, ArrayView<double> q, ArrayView<double> p, ArrayView<double> z,
        double rr, double bnorm, IterativeOptions options, int limit, ResidualRecorder history)
    {
        int n = Size;
        double r0 = Math.Sqrt(rr), rel = r0 / bnorm;
        history.Add(rel);
        if (!double.IsFinite(rr)) return new(TerminationReason.NonFiniteValue, 0, rel, null);
        if (rel <= options.Tolerance) return new(TerminationReason.ResidualTolerance, 0, rel, null);
        double rz = rr;
        if (Jacobi)
        {
            _k.Scale(n, _inverseDiagonal.View, r, z);
            rz = Dot(r, z);
            if (!(rz > 0))
                return new(double.IsNaN(rz) ? TerminationReason.NonFiniteValue : TerminationReason.NumericalFailure, 0, rel,
                    "rᵀM⁻¹r ≤ 0: the preconditioner is not positive definite");
        }
        p.SubView(0, n).CopyFrom(z.SubView(0, n));
        for (int it = 1; it <= limit; it++)
        {
            if (options.Interrupted(history) is { } interrupted) return new(interrupted, it - 1, rel, null);
            _k.Spmv(n, _rowPointers.View, _columns.View, _values.View, p, q);
            double pq = Dot(p, q);
            if (!(pq > 0))
            {
                bool nan = double.IsNaN(pq) || double.IsInfinity(pq);
                return new(nan ? TerminationReason.NonFiniteValue : TerminationReason.NumericalFailure, it - 1, rel,
                    nan ? "pᵀA·p is not finite" : $"pᵀA·p = {pq:G3} ≤ 0: the operator is not positive definite");
            }
            double alpha = rz / pq;
            _k.UpdateResidual(n, alpha, q, r);
            rr = Dot(r, r);
            rel = Math.Sqrt(rr) / bnorm;
            history.Add(rel);
            TerminationReason? stop = !double.IsFinite(rr) ? TerminationReason.NonFiniteValue
                : rel <= options.Tolerance ? TerminationReason.ResidualTolerance
                : Math.Sqrt(rr) > options.DivergenceLimit * r0 ? TerminationReason.Diverged
                : null;
            if (stop is { } reason)
            {
                _k.Axpy(n, alpha, p, x);
                return new(reason, it, rel, null);
            }
            double rzNew = rr;
            if (Jacobi)
            {
                _k.Scale(n, _inverseDiagonal.View, r, z);
                rzNew = Dot(r, z);
                if (!(rzNew > 0))
                {
                    _k.Axpy(n, alpha, p, x);
                    return new(double.IsNaN(rzNew) ? TerminationReason.NonFiniteValue : TerminationReason.NumericalFailure, it, rel,
                        "rᵀM⁻¹r ≤ 0: the preconditioner is not positive definite");
                }
            }
            double beta = rzNew / rz;
            rz = rzNew;
            _k.UpdateSolutionAndDirection(n, alpha, beta, x, p, z);
        }
        return new(TerminationReason.MaxIterations, limit, rel, null);
    }

    /// <summary>xᵀy on the device (first Size entries); only the scalar crosses.</summary>
    private double Dot(ArrayView<double> x, ArrayView<double> y)
    {
        int n = Size;
        _k.Dot(x.SubView(0, n), y.SubView(0, n), _partials.View, _scalars.View, 0);
        ((ArrayView<double>)_scalars.View).CopyToCPU(_scalar.AsSpan());
        return _scalar[0];
    }

    /// <summary>Releases the device memory of the matrix and the work vectors.</summary>
    public void Dispose()
    {
        _rowPointers.Dispose();
        _columns.Dispose();
        _values.Dispose();
        _inverseDiagonal.Dispose();
        _b.Dispose();
        _x.Dispose();
        _r.Dispose();
        _q.Dispose();
        _p.Dispose();
        if (Jacobi) _z.Dispose();
        _partials.Dispose();
        _scalars.Dispose();
    }
}
