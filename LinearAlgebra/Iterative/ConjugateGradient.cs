namespace Optima.LinearAlgebra.Iterative;

/// <summary>
/// The conjugate gradient method (Hestenes and Stiefel 1952) and its preconditioned form, for symmetric positive
/// definite A (Saad, Iterative Methods for Sparse Linear Systems, 2nd ed., Alg. 6.18 and 9.1).
/// Each iteration is one product with A (fused with pᵀA·p for a <see cref="CsrMatrix"/>), one preconditioner
/// application, and two fused vector passes: r ← r − α·q with ‖r‖², then x ← x + α·p with p ← z + β·p.
/// All work vectors are allocated once before the loop; the loop itself allocates nothing.
/// </summary>
public static class ConjugateGradient
{
    /// <summary>Solves A·x = b by CG, starting from the x passed in (use zeros when there is no guess).</summary>
    /// <exception cref="ArgumentException">Shapes disagree, NaN/∞ in b or x, or invalid options (named).</exception>
    public static IterativeResult Solve(ILinearOperator a, ReadOnlySpan<double> b, Span<double> x, IterativeOptions? options = null) =>
        Run(a, null, b, x, options);

    /// <summary>Solves A·x = b by CG preconditioned with M (symmetric positive definite), starting from x.</summary>
    public static IterativeResult Solve(ILinearOperator a, IPreconditioner preconditioner, ReadOnlySpan<double> b, Span<double> x, IterativeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(preconditioner);
        return Run(a, preconditioner, b, x, options);
    }

    private static IterativeResult Run(ILinearOperator a, IPreconditioner? m, ReadOnlySpan<double> b, Span<double> x, IterativeOptions? options)
    {
        ArgumentNullException.ThrowIfNull(a);
        options ??= IterativeOptions.Default;
        options.Validate();
        int n = a.Rows;
        if (a.Columns != n) throw new ArgumentException($"The operator must be square but is {a.Rows}×{a.Columns}.", nameof(a));
        if (b.Length != n) throw new ArgumentException($"b has length {b.Length}; expected {n}.", nameof(b));
        if (x.Length != n) throw new ArgumentException($"x has length {x.Length}; expected {n}.", nameof(x));
        if (m is not null && m.Size != n) throw new ArgumentException($"The preconditioner has size {m.Size}; expected {n}.", "preconditioner");
        Factorizations.Check.Finite(b, nameof(b));
        Factorizations.Check.Finite(x, nameof(x));
        string method = m is null ? "CG" : $"PCG({m.Name})";
        int limit = options.IterationLimit(n, krylov: true);
        var history = new History(options.RecordHistory, limit);

        double bnorm = VectorKernels.Norm(b);
        if (bnorm == 0)
        {
            x.Clear();
            history.Add(0);
            return IterativeResult.Create(method, TerminationReason.ResidualTolerance, 0, 0, options, history, "b = 0, so x = 0");
        }
        if (options.CheckSymmetry && a is CsrMatrix csrCheck && !csrCheck.IsSymmetric(1e-12))
            return IterativeResult.Create(method, TerminationReason.NumericalFailure, 0, double.NaN, options, history,
                "the matrix is not symmetric; CG needs a symmetric positive definite operator");

        var r = new double[n];
        var q = new double[n];
        var p = new double[n];
        var z = m is null ? r : new double[n];
        var csr = a as CsrMatrix;

        a.Apply(x, r);
        double rr = VectorKernels.ResidualFromProduct(b, r);
        double r0 = Math.Sqrt(rr);
        double rel = r0 / bnorm;
        history.Add(rel);
        if (!double.IsFinite(rr)) return IterativeResult.Create(method, TerminationReason.NonFiniteValue, 0, rel, options, history, null);
        if (rel <= options.Tolerance) return IterativeResult.Create(method, TerminationReason.ResidualTolerance, 0, rel, options, history, null);

        double rz;
        if (m is null) rz = rr;
        else
        {
            m.Apply(r, z);
            rz = VectorKernels.Dot(r, z);
            if (!(rz > 0))
                return IterativeResult.Create(method, double.IsNaN(rz) ? TerminationReason.NonFiniteValue : TerminationReason.NumericalFailure, 0, rel, options, history,
                    "rᵀM⁻¹r ≤ 0: the preconditioner is not positive definite");
        }
        z.AsSpan().CopyTo(p);

        for (int it = 1; it <= limit; it++)
        {
            if (options.Interrupted(history) is { } stop) return IterativeResult.Create(method, stop, it - 1, rel, options, history, null);
            double pq = csr is not null ? csr.MultiplyDot(p, q) : ApplyDot(a, p, q);
            if (!(pq > 0))
            {
                bool nan = double.IsNaN(pq) || double.IsInfinity(pq);
                return IterativeResult.Create(method, nan ? TerminationReason.NonFiniteValue : TerminationReason.NumericalFailure, it - 1, rel, options, history,
                    nan ? "pᵀA·p is not finite" : $"pᵀA·p = {pq:G3} ≤ 0: the operator is not positive definite");
            }
            double alpha = rz / pq;
            rr = VectorKernels.UpdateResidual(alpha, q, r);
            rel = Math.Sqrt(rr) / bnorm;
            history.Add(rel);
            if (!double.IsFinite(rr))
            {
                VectorKernels.Axpy(alpha, p, x);
                return IterativeResult.Create(method, TerminationReason.NonFiniteValue, it, rel, options, history, null);
            }
            if (rel <= options.Tolerance)
            {
                VectorKernels.Axpy(alpha, p, x);
                return IterativeResult.Create(method, TerminationReason.ResidualTolerance, it, rel, options, history, null);
            }
            if (Math.Sqrt(rr) > options.DivergenceLimit * r0)
            {
                VectorKernels.Axpy(alpha, p, x);
                return IterativeResult.Create(method, TerminationReason.Diverged, it, rel, options, history, null);
            }
            double rzNew;
            if (m is null) rzNew = rr;
            else
            {
                m.Apply(r, z);
                rzNew = VectorKernels.Dot(r, z);
                if (!(rzNew > 0))
                {
                    VectorKernels.Axpy(alpha, p, x);
                    return IterativeResult.Create(method, double.IsNaN(rzNew) ? TerminationReason.NonFiniteValue : TerminationReason.NumericalFailure, it, rel, options, history,
                        "rᵀM⁻¹r ≤ 0: the preconditioner is not positive definite");
                }
            }
            double beta = rzNew / rz;
            rz = rzNew;
            VectorKernels.UpdateSolutionAndDirection(alpha, beta, x, p, z);
        }
        return IterativeResult.Create(method, TerminationReason.MaxIterations, limit, rel, options, history, null);
    }

    private static double ApplyDot(ILinearOperator a, double[] p, double[] q)
    {
        a.Apply(p, q);
        return VectorKernels.Dot(p, q);
    }
}
