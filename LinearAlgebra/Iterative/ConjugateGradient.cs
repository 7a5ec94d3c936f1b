using System.Numerics.Tensors;

namespace Optima.LinearAlgebra.Iterative;

/// <summary>What a truncated CG solve (<see cref="ConjugateGradient.SolveTruncated"/>) did.</summary>
/// <param name="Iterations">Products with A.</param>
/// <param name="Converged">‖r‖₂ reached the tolerance.</param>
/// <param name="NegativeCurvature">A direction p with pᵀA·p ≤ 0 (or not finite) stopped the solve.</param>
/// <param name="OnBoundary">x was moved along p to the boundary ‖x‖₂ = radius: at negative curvature, or where the next iterate would have left the ball.</param>
public readonly record struct TruncatedSolve(int Iterations, bool Converged, bool NegativeCurvature, bool OnBoundary);

/// <summary>
/// The conjugate gradient method (Hestenes and Stiefel 1952) and its preconditioned form, for symmetric positive
/// definite A (Saad, Iterative Methods for Sparse Linear Systems, 2nd ed., Alg. 6.18 and 9.1), with the truncated
/// form optimization methods use (<see cref="SolveTruncated"/>: Newton-CG, Steihaug–Toint trust regions). One loop
/// serves both. Each iteration is one product with A (fused with pᵀA·p for a <see cref="CsrMatrix"/>), one
/// preconditioner application, and two vector passes: r ← r − α·q with ‖r‖², then x ← x + α·p with p ← z + β·p.
/// An instance holds the work vectors of one order, so repeated solves do not allocate.
/// </summary>
public sealed class ConjugateGradient
{
    private readonly double[] _r, _q, _p;
    private double[]? _z, _trial;

    /// <summary>Work vectors for solves of order <paramref name="size"/>.</summary>
    public ConjugateGradient(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        _r = new double[size];
        _q = new double[size];
        _p = new double[size];
    }

    /// <summary>The order of the systems this instance solves.</summary>
    public int Size => _r.Length;

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

    /// <summary>
    /// Truncated CG on A·x = b from x = 0, for a symmetric A that need not be positive definite (Steihaug 1983; Toint
    /// 1981; Nocedal and Wright Alg. 7.1 and 7.2). It stops when ‖r‖₂ ≤ <paramref name="tolerance"/> (absolute), after
    /// <paramref name="maxIterations"/> products, at the first direction p with pᵀA·p ≤ 0 (x is then the last iterate,
    /// 0 when that was the first direction), or — with a finite <paramref name="radius"/> — where x would leave the
    /// ball ‖x‖₂ ≤ radius; at negative curvature or the boundary x then moves along p to ‖x‖₂ = radius. With a
    /// preconditioner the iterates are those of PCG and the radius still bounds the Euclidean norm.
    /// </summary>
    /// <param name="a">The symmetric operator (a Hessian, a Gauss-Newton matrix …).</param>
    /// <param name="b">The right-hand side (−∇f for a Newton step).</param>
    /// <param name="x">Receives the solution; its content on entry is ignored.</param>
    /// <param name="tolerance">The residual norm to reach, ≥ 0.</param>
    /// <param name="maxIterations">The product limit, ≥ 1.</param>
    /// <param name="radius">The trust-region radius &gt; 0; +∞ (default) for none.</param>
    /// <param name="preconditioner">M ≈ A (symmetric positive definite), or null.</param>
    /// <param name="fusedUpdates">True (default): the updates of x, r and p are fused multiply-adds, as in
    /// <see cref="Solve(ILinearOperator, ReadOnlySpan{double}, Span{double}, IterativeOptions?)"/>. False: the product
    /// and the sum are rounded separately (the arithmetic Newton-CG and Steihaug–Toint have always used, kept so their
    /// results stay the same bits). Either way the bits do not depend on the CPU.</param>
    /// <exception cref="ArgumentException">Sizes disagree, or an invalid tolerance, limit or radius.</exception>
    public TruncatedSolve SolveTruncated(ILinearOperator a, ReadOnlySpan<double> b, Span<double> x, double tolerance, int maxIterations,
        double radius = double.PositiveInfinity, IPreconditioner? preconditioner = null, bool fusedUpdates = true)
    {
        ArgumentNullException.ThrowIfNull(a);
        CheckShapes(a, preconditioner, b, x, Size);
        if (!(tolerance >= 0)) throw new ArgumentException($"tolerance must be ≥ 0, not {tolerance}.", nameof(tolerance));
        if (maxIterations < 1) throw new ArgumentException($"maxIterations must be ≥ 1, not {maxIterations}.", nameof(maxIterations));
        if (!(radius > 0)) throw new ArgumentException($"radius must be > 0, not {radius}.", nameof(radius));
        x.Clear();
        if (Reproducible.Norm(b) == 0) return new(0, true, false, false);
        b.CopyTo(_r); // r = b − A·0
        var limits = new Limits(-1, tolerance, double.PositiveInfinity, maxIterations, radius);
        var o = fusedUpdates
            ? Iterate<Fused>(a, preconditioner, x, Reproducible.Dot(_r, _r), 1, limits, null)
            : Iterate<Rounded>(a, preconditioner, x, Reproducible.Dot(_r, _r), 1, limits, null);
        return new(o.Iterations, o.Reason == TerminationReason.ResidualTolerance && !o.OnBoundary, o.NegativeCurvature, o.OnBoundary);
    }

    private static void CheckShapes(ILinearOperator a, IPreconditioner? m, ReadOnlySpan<double> b, ReadOnlySpan<double> x, int n)
    {
        if (a.Rows != n || a.Columns != n) throw new ArgumentException($"The operator is {a.Rows}×{a.Columns}; expected {n}×{n}.", nameof(a));
        if (b.Length != n) throw new ArgumentException($"b has length {b.Length}; expected {n}.", nameof(b));
        if (x.Length != n) throw new ArgumentException($"x has length {x.Length}; expected {n}.", nameof(x));
        if (m is not null && m.Size != n) throw new ArgumentException($"The preconditioner has size {m.Size}; expected {n}.", "preconditioner");
    }

    private static IterativeResult Run(ILinearOperator a, IPreconditioner? m, ReadOnlySpan<double> b, Span<double> x, IterativeOptions? options)
    {
        ArgumentNullException.ThrowIfNull(a);
        options ??= IterativeOptions.Default;
        options.Validate();
        int n = a.Rows;
        if (a.Columns != n) throw new ArgumentException($"The operator must be square but is {a.Rows}×{a.Columns}.", nameof(a));
        CheckShapes(a, m, b, x, n);
        Factorizations.Check.Finite(b, nameof(b));
        Factorizations.Check.Finite(x, nameof(x));
        string method = m is null ? "CG" : $"PCG({m.Name})";
        int limit = options.IterationLimit(n, krylov: true);
        var history = new ResidualRecorder(options.RecordHistory, limit);

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

        var cg = new ConjugateGradient(n);
        a.Apply(x, cg._r);
        double rr = VectorKernels.ResidualFromProduct(b, cg._r);
        var o = cg.Iterate<Fused>(a, m, x, rr, bnorm, new Limits(options.Tolerance, -1, options.DivergenceLimit, limit, double.PositiveInfinity), history, options);
        return IterativeResult.Create(method, o.Reason, o.Iterations, o.RelativeResidual, options, history, o.Note);
    }

    private readonly record struct Limits(double RelativeTolerance, double Tolerance, double DivergenceLimit, int MaxIterations, double Radius);

    private readonly record struct Outcome(TerminationReason Reason, int Iterations, double RelativeResidual, string? Note,
        bool NegativeCurvature = false, bool OnBoundary = false);

    /// <summary>
    /// The CG loop from r = b − A·x (in _r, rr = rᵀr): stops at ‖r‖/‖b‖ ≤ the relative tolerance or ‖r‖ ≤ the absolute
    /// one, at pᵀA·p ≤ 0, at a non-positive rᵀM⁻¹r, on divergence, or — with a finite radius — at the boundary.
    /// </summary>
    private Outcome Iterate<TU>(ILinearOperator a, IPreconditioner? m, Span<double> x, double rr, double bnorm, Limits lim, ResidualRecorder? history,
        IterativeOptions? options = null) where TU : struct, IUpdates
    {
        double[] r = _r, q = _q, p = _p;
        double[] z = m is null ? r : _z ??= new double[r.Length];
        bool truncated = history is null, ball = double.IsFinite(lim.Radius);
        double[] trial = ball ? _trial ??= new double[r.Length] : r;
        var csr = a as CsrMatrix;
        double r0 = Math.Sqrt(rr);
        double rel = r0 / bnorm;
        history?.Add(rel);
        if (!truncated)
        {
            if (!double.IsFinite(rr)) return new(TerminationReason.NonFiniteValue, 0, rel, null);
            if (rel <= lim.RelativeTolerance) return new(TerminationReason.ResidualTolerance, 0, rel, null);
        }

        double rz;
        if (m is null) rz = rr;
        else
        {
            m.Apply(r, z);
            rz = VectorKernels.Dot(r, z);
            if (!(rz > 0))
                return new(double.IsNaN(rz) ? TerminationReason.NonFiniteValue : TerminationReason.NumericalFailure, 0, rel,
                    "rᵀM⁻¹r ≤ 0: the preconditioner is not positive definite");
        }
        z.AsSpan().CopyTo(p);

        for (int it = 1; it <= lim.MaxIterations; it++)
        {
            if (history is not null && options?.Interrupted(history) is { } interrupted) return new(interrupted, it - 1, rel, null);
            double pq = csr is not null ? csr.MultiplyDot(p, q) : ApplyDot(a, p, q);
            if (!(pq > 0))
            {
                bool nan = double.IsNaN(pq) || double.IsInfinity(pq);
                if (truncated)
                {
                    // Steihaug–Toint: follow the direction of non-positive curvature to the boundary.
                    if (ball) TU.Axpy(ToBoundary(x, p, lim.Radius), p, x);
                    return new(TerminationReason.NumericalFailure, it - 1, rel, null, NegativeCurvature: true, OnBoundary: ball);
                }
                return new(nan ? TerminationReason.NonFiniteValue : TerminationReason.NumericalFailure, it - 1, rel,
                    nan ? "pᵀA·p is not finite" : $"pᵀA·p = {pq:G3} ≤ 0: the operator is not positive definite");
            }
            double alpha = rz / pq;
            if (ball)
            {
                TU.AddScaled(x, alpha, p, trial);
                if (Reproducible.Norm(trial) >= lim.Radius)
                {
                    TU.Axpy(ToBoundary(x, p, lim.Radius), p, x);
                    return new(TerminationReason.ResidualTolerance, it, rel, null, OnBoundary: true);
                }
                trial.AsSpan().CopyTo(x);
            }
            rr = TU.UpdateResidual(alpha, q, r);
            rel = Math.Sqrt(rr) / bnorm;
            history?.Add(rel);
            TerminationReason? stop = !double.IsFinite(rr) ? TerminationReason.NonFiniteValue
                : rel <= lim.RelativeTolerance || Math.Sqrt(rr) <= lim.Tolerance ? TerminationReason.ResidualTolerance
                : Math.Sqrt(rr) > lim.DivergenceLimit * r0 ? TerminationReason.Diverged
                : null;
            if (stop is { } reason)
            {
                if (!ball) TU.Axpy(alpha, p, x);
                return new(reason, it, rel, null);
            }
            double rzNew;
            if (m is null) rzNew = rr;
            else
            {
                m.Apply(r, z);
                rzNew = VectorKernels.Dot(r, z);
                if (!(rzNew > 0))
                {
                    if (!ball) TU.Axpy(alpha, p, x);
                    return new(double.IsNaN(rzNew) ? TerminationReason.NonFiniteValue : TerminationReason.NumericalFailure, it, rel,
                        "rᵀM⁻¹r ≤ 0: the preconditioner is not positive definite");
                }
            }
            double beta = rzNew / rz;
            rz = rzNew;
            if (ball) TU.UpdateDirection(beta, p, z);
            else TU.UpdateSolutionAndDirection(alpha, beta, x, p, z);
        }
        return new(TerminationReason.MaxIterations, lim.MaxIterations, rel, null);
    }

    /// <summary>τ ≥ 0 with ‖x + τp‖₂ = radius (the numerically stable root of pᵀp·τ² + 2xᵀp·τ + xᵀx − Δ² = 0).</summary>
    private static double ToBoundary(ReadOnlySpan<double> x, ReadOnlySpan<double> p, double radius)
    {
        double pp = Reproducible.Dot(p, p), xp = Reproducible.Dot(x, p), xx = Reproducible.Dot(x, x);
        double disc = Math.Sqrt(Math.Max(0, xp * xp + pp * (radius * radius - xx)));
        return xp >= 0 ? (radius * radius - xx) / (xp + disc) : (disc - xp) / pp;
    }

    private static double ApplyDot(ILinearOperator a, double[] p, double[] q)
    {
        a.Apply(p, q);
        return VectorKernels.Dot(p, q);
    }

    /// <summary>The loop's vector updates; each implementation gives the same bits on every CPU.</summary>
    private interface IUpdates
    {
        /// <summary>r ← r − α·q; returns rᵀr in <see cref="Reproducible"/>'s order.</summary>
        static abstract double UpdateResidual(double alpha, ReadOnlySpan<double> q, Span<double> r);

        /// <summary>x ← x + α·p, then p ← z + β·p.</summary>
        static abstract void UpdateSolutionAndDirection(double alpha, double beta, Span<double> x, Span<double> p, ReadOnlySpan<double> z);

        /// <summary>p ← z + β·p.</summary>
        static abstract void UpdateDirection(double beta, Span<double> p, ReadOnlySpan<double> z);

        /// <summary>x ← x + α·p.</summary>
        static abstract void Axpy(double alpha, ReadOnlySpan<double> p, Span<double> x);

        /// <summary>t ← x + α·p.</summary>
        static abstract void AddScaled(ReadOnlySpan<double> x, double alpha, ReadOnlySpan<double> p, Span<double> t);
    }

    /// <summary>Fused multiply-adds (one rounding each), in single passes.</summary>
    private readonly struct Fused : IUpdates
    {
        public static double UpdateResidual(double alpha, ReadOnlySpan<double> q, Span<double> r) => VectorKernels.UpdateResidual(alpha, q, r);

        public static void UpdateSolutionAndDirection(double alpha, double beta, Span<double> x, Span<double> p, ReadOnlySpan<double> z) =>
            VectorKernels.UpdateSolutionAndDirection(alpha, beta, x, p, z);

        public static void UpdateDirection(double beta, Span<double> p, ReadOnlySpan<double> z) => TensorPrimitives.FusedMultiplyAdd(p, beta, z, p);

        public static void Axpy(double alpha, ReadOnlySpan<double> p, Span<double> x) => VectorKernels.Axpy(alpha, p, x);

        public static void AddScaled(ReadOnlySpan<double> x, double alpha, ReadOnlySpan<double> p, Span<double> t) =>
            TensorPrimitives.FusedMultiplyAdd(p, alpha, x, t);
    }

    /// <summary>The product and the sum rounded separately (TensorPrimitives.MultiplyAdd does not fuse on any ISA).</summary>
    private readonly struct Rounded : IUpdates
    {
        public static double UpdateResidual(double alpha, ReadOnlySpan<double> q, Span<double> r)
        {
            TensorPrimitives.MultiplyAdd(q, -alpha, r, r);
            return Reproducible.Dot(r, r);
        }

        public static void UpdateSolutionAndDirection(double alpha, double beta, Span<double> x, Span<double> p, ReadOnlySpan<double> z)
        {
            TensorPrimitives.MultiplyAdd(p, alpha, x, x);
            TensorPrimitives.MultiplyAdd(p, beta, z, p);
        }

        public static void UpdateDirection(double beta, Span<double> p, ReadOnlySpan<double> z) => TensorPrimitives.MultiplyAdd(p, beta, z, p);

        public static void Axpy(double alpha, ReadOnlySpan<double> p, Span<double> x) => TensorPrimitives.MultiplyAdd(p, alpha, x, x);

        public static void AddScaled(ReadOnlySpan<double> x, double alpha, ReadOnlySpan<double> p, Span<double> t) =>
            TensorPrimitives.MultiplyAdd(p, alpha, x, t);
    }
}
