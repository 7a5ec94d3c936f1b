using Optima.Problems;
using Optima.Solvers.Internal;
using Optima.Solvers.LineSearches;

namespace Optima.Solvers.SecondOrder;

/// <summary>
/// Line-search Newton-CG, the "truncated Newton" method (Nocedal and Wright Alg. 7.1): the direction is an
/// approximate solution of ∇²f·d = −∇f by conjugate gradients using only Hessian-vector products, stopped when
/// ‖r‖ ≤ min(½, √‖∇f‖)·‖∇f‖ (superlinear convergence) or at the first direction of negative curvature (then the
/// iterate so far, or −∇f on the first CG iteration). Never forms or factorizes the Hessian.
/// </summary>
/// <param name="LineSearch">The line search; default Moré–Thuente (c₁ = 1e-4, c₂ = 0.9), first trial step 1.</param>
/// <param name="MaxInnerIterations">CG iteration limit per outer iteration; 0 means 2n (capped at 500). Default 0.</param>
public sealed record NewtonCg(ILineSearch? LineSearch = null, int MaxInnerIterations = 0) : IMinimizer<IHessianObjective>
{
    /// <inheritdoc/>
    public string Name => "newton-cg";

    /// <inheritdoc/>
    public OptimizationResult Minimize(IHessianObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        MethodChecks.Start(problem, start);
        if (MaxInnerIterations < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxInnerIterations), MaxInnerIterations, "MaxInnerIterations must be ≥ 0.");
        int inner = MaxInnerIterations > 0 ? MaxInnerIterations : Math.Min(2 * start.Length, 500);
        return IterativeDriver.Run(Name, problem, start, (p, x) => new State(p, x, LineSearch ?? new MoreThuente(), inner), options);
    }

    private sealed class State(IHessianObjective hessianProblem, ReadOnlySpan<double> start, ILineSearch lineSearch, int maxInner)
        : LineSearchState(hessianProblem, start, lineSearch)
    {
        private readonly double[] _r = new double[start.Length], _p = new double[start.Length], _bp = new double[start.Length];

        protected override double ComputeDirection()
        {
            var h = (IHessianObjective)Problem;
            int n = D.Length;
            Array.Clear(D);
            G.CopyTo(_r, 0);
            Vec.Negate(_r, _p);
            double gnorm = Vec.Norm2(G);
            double tol = Math.Min(0.5, Math.Sqrt(gnorm)) * gnorm;
            double rr = Vec.Dot(_r, _r);
            for (int j = 0; j < maxInner; j++)
            {
                h.HessianVector(X, _p, _bp);
                double curvature = Vec.Dot(_p, _bp);
                if (!(curvature > 0))
                {
                    if (j == 0) Vec.Negate(G, D);
                    break;
                }
                double alpha = rr / curvature;
                Vec.Axpy(alpha, _p, D);
                Vec.Axpy(alpha, _bp, _r);
                double rrNew = Vec.Dot(_r, _r);
                if (Math.Sqrt(rrNew) <= tol) break;
                double beta = rrNew / rr;
                rr = rrNew;
                for (int i = 0; i < n; i++) _p[i] = -_r[i] + beta * _p[i];
            }
            return Accepted == 0 && Vec.Dot(D, D) == Vec.Dot(G, G) ? SteepestDescentStep() : 1.0;
        }
    }
}
