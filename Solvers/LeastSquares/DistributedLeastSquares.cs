using Optima.Distributed;
using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;
using Optima.Problems;

namespace Optima.Solvers.LeastSquares;

/// <summary>
/// A least-squares problem whose residuals are spread over the ranks of a communicator, presented to any least-squares
/// method (<see cref="LevenbergMarquardt"/>, <see cref="GaussNewton"/> …) as the p+1 <em>reduced</em> residuals of the
/// triangle T of [J r] — the communication-avoiding TSQR (Demmel et al. 2012). Each rank evaluates its own residuals and
/// Jacobian (the local problem), folds them into its (p+1)×(p+1) triangle with the streamed QR
/// (<see cref="TallSkinnyQr"/>), the ranks exchange the triangles (one allgather of (p+1)² doubles each), and every
/// rank factors the stack of triangles in rank order into the same T. Since [J r] = Q·T, ‖J·s + r‖ = ‖T[:, :p]·s + T[:, p]‖
/// for every step s: the method's steps, costs and gradients are those of the whole problem, up to rounding, while only
/// parameter-sized data cross the network. Every rank runs the same method and ends with the same bits.
/// </summary>
/// <remarks>
/// An evaluation without the Jacobian (a trial point) reduces only the sum of squares (one rank-order allreduce of one
/// double) and reports the reduced residual vector (‖r‖, 0, …, 0), whose norm is all a method takes from a trial.
/// <see cref="Residuals"/> is p+1; <see cref="TotalResiduals"/> is the number of residuals over all ranks (for degrees of
/// freedom). A fit's statistics from the reduced problem use JᵀJ = TᵀT (the same matrix) but must take their degrees of
/// freedom from <see cref="TotalResiduals"/>.
/// </remarks>
public sealed class DistributedLeastSquares : ILeastSquaresProblem
{
    private readonly ILeastSquaresProblem _local;
    private readonly ICommunicator _ranks;
    private readonly int _p, _q, _threads;
    private readonly double[] _r, _triangle, _triangles, _stackLast, _reduced, _sum = new double[1];
    private readonly DenseMatrix _j, _stack;

    /// <summary>Wraps this rank's share <paramref name="local"/> of the residuals; every rank must construct it (a collective).</summary>
    /// <param name="local">This rank's residuals (any number, 0 included) of the same parameters on every rank.</param>
    /// <param name="ranks">The ranks sharing the problem.</param>
    /// <param name="threads">Threads for the local streamed QR (≤ 0: all cores); the result's bits do not depend on it.</param>
    /// <exception cref="ArgumentException">The ranks disagree on the number of parameters.</exception>
    public DistributedLeastSquares(ILeastSquaresProblem local, ICommunicator ranks, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(ranks);
        _local = local;
        _ranks = ranks;
        _threads = threads;
        _p = local.Parameters;
        _q = _p + 1;
        var counts = new long[ranks.Size * 2];
        ranks.Allgather<long>([local.Parameters, local.Residuals], counts);
        for (int k = 0; k < ranks.Size; k++)
            if (counts[2 * k] != _p) throw new ArgumentException($"Rank {k} has {counts[2 * k]} parameters; rank {ranks.Rank} has {_p}. Every rank must share the same parameters.", nameof(local));
        for (int k = 0; k < ranks.Size; k++) TotalResiduals += counts[2 * k + 1];
        _r = new double[local.Residuals];
        _j = new DenseMatrix(local.Residuals, _p);
        _triangle = new double[_q * _q];
        _triangles = new double[ranks.Size * _q * _q];
        _stack = new DenseMatrix(ranks.Size * _q, _p);
        _stackLast = new double[ranks.Size * _q];
        _reduced = new double[_q * _q];
    }

    /// <inheritdoc/>
    public int Parameters => _p;

    /// <summary>p + 1: the rows of the reduced triangle.</summary>
    public int Residuals => _q;

    /// <summary>The number of residuals over all ranks.</summary>
    public long TotalResiduals { get; }

    /// <summary>The ranks.</summary>
    public ICommunicator Ranks => _ranks;

    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> parameters, Span<double> residuals, DenseMatrix? jacobian)
    {
        if (residuals.Length != _q) throw new ArgumentException($"The reduced residuals have length {_q}, not {residuals.Length}.", nameof(residuals));
        if (jacobian is null)
        {
            _local.Evaluate(parameters, _r, null);
            _sum[0] = Reproducible.SumOfSquares(_r);
            _ranks.Allreduce(_sum);
            residuals.Clear();
            residuals[0] = Math.Sqrt(_sum[0]);
            return;
        }
        if (jacobian.Rows != _q || jacobian.Columns != _p)
            throw new ArgumentException($"The reduced Jacobian is {_q}×{_p}, not {jacobian.Rows}×{jacobian.Columns}.", nameof(jacobian));
        _local.Evaluate(parameters, _r, _j);
        TallSkinnyQr.Factorize(_j, _r, _triangle, _threads);
        _ranks.Allgather<double>(_triangle, _triangles);
        // The stack of triangles in rank order: rows k·q … k·q+q−1 hold rank k's triangle.
        int size = _ranks.Size, q = _q;
        for (int k = 0; k < size; k++)
        {
            for (int c = 0; c < _p; c++)
                _triangles.AsSpan(k * q * q + c * q, q).CopyTo(_stack.Column(c).Slice(k * q, q));
            _triangles.AsSpan(k * q * q + _p * q, q).CopyTo(_stackLast.AsSpan(k * q, q));
        }
        TallSkinnyQr.Factorize(_stack, _stackLast, _reduced, 1);
        for (int c = 0; c < _p; c++) _reduced.AsSpan(c * q, q).CopyTo(jacobian.Column(c));
        _reduced.AsSpan(_p * q, q).CopyTo(residuals);
    }
}
