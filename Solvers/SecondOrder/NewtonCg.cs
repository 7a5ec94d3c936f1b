using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Iterative;
using Optima.Problems;
using Optima.Solvers.Internal;
using Optima.Solvers.LineSearches;

namespace Optima.Solvers.SecondOrder;

/// <summary>
/// Line-search Newton-CG, the "truncated Newton" method (Nocedal and Wright Alg. 7.1): the direction is an
/// approximate solution of ∇²f·d = −∇f by conjugate gradients (<see cref="ConjugateGradient.SolveTruncated"/> on the
/// Hessian as an operator, products only), stopped when ‖r‖ ≤ min(½, √‖∇f‖)·‖∇f‖ (superlinear convergence) or at the
/// first direction of negative curvature (then the iterate so far, or −∇f on the first CG iteration). Never forms or
/// factorizes the Hessian.
/// </summary>
/// <param name="LineSearch">The line search; default Moré–Thuente (c₁ = 1e-4, c₂ = 0.9), first trial step 1.</param>
/// <param name="MaxInnerIterations">CG iteration limit per outer iteration; 0 means 2n (capped at 500). Default 0.</param>
/// <param name="Preconditioner">A preconditioner M ≈ ∇²f (symmetric positive definite, of order n) for the inner CG, or null (default).</param>
public sealed record NewtonCg(ILineSearch? LineSearch = null, int MaxInnerIterations = 0, IPreconditioner? Preconditioner = null)
    : IMinimizer<IHessianObjective>
{
    /// <inheritdoc/>
    public string Name => "newton-cg";

    /// <inheritdoc/>
    public OptimizationResult Minimize(IHessianObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        MethodChecks.Start(problem, start);
        if (MaxInnerIterations < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxInnerIterations), MaxInnerIterations, "MaxInnerIterations must be ≥ 0.");
        if (Preconditioner is not null && Preconditioner.Size != start.Length)
            throw new ArgumentException($"The preconditioner has size {Preconditioner.Size} but the problem has dimension {start.Length}.", nameof(Preconditioner));
        int inner = MaxInnerIterations > 0 ? MaxInnerIterations : Math.Min(2 * start.Length, 500);
        return IterativeDriver.Run(Name, problem, start, (p, x) => new State(p, x, LineSearch ?? new MoreThuente(), inner, Preconditioner), options);
    }

    private sealed class State : LineSearchState
    {
        private readonly ConjugateGradient _cg;
        private readonly ILinearOperator _hessian;
        private readonly double[] _b;
        private readonly int _maxInner;
        private readonly IPreconditioner? _preconditioner;

        public State(IHessianObjective problem, ReadOnlySpan<double> start, ILineSearch lineSearch, int maxInner, IPreconditioner? preconditioner)
            : base(problem, start, lineSearch)
        {
            _cg = new ConjugateGradient(start.Length);
            _hessian = new HessianOperator(problem, X);
            _b = new double[start.Length];
            _maxInner = maxInner;
            _preconditioner = preconditioner;
        }

        protected override double ComputeDirection()
        {
            double gnorm = Vec.Norm2(G);
            Vec.Negate(G, _b);
            var cg = _cg.SolveTruncated(_hessian, _b, D, Math.Min(0.5, Math.Sqrt(gnorm)) * gnorm, _maxInner,
                preconditioner: _preconditioner, fusedUpdates: false);
            if (cg.NegativeCurvature && cg.Iterations == 0) Vec.Negate(G, D);
            return Accepted == 0 && Vec.Dot(D, D) == Vec.Dot(G, G) ? SteepestDescentStep() : 1.0;
        }
    }
}
