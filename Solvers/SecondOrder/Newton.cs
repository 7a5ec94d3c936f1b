using Optima.LinearAlgebra.Factorizations;
using Optima.Problems;
using Optima.Solvers.Internal;
using Optima.Solvers.LineSearches;

namespace Optima.Solvers.SecondOrder;

/// <summary>
/// Newton's method with a line search, safeguarded by the Gill–Murray–Wright modified Cholesky factorization:
/// the direction solves (∇²f + E)d = −∇f with E ≥ 0 diagonal and E = 0 when the Hessian is safely positive definite,
/// so d is always a descent direction and no factorization throws (Nocedal and Wright §3.4). When E ≠ 0 the Hessian
/// is indefinite and a direction of negative curvature u (uᵀ∇²f u &lt; 0, oriented downhill) is added to d — the
/// explicit step that leaves saddle points, where −∇f alone is tiny (Moré and Sorensen 1979).
/// Converges quadratically near a minimiser with a nonsingular Hessian; solves a strictly convex quadratic in one step.
/// </summary>
/// <param name="LineSearch">The line search; default Moré–Thuente (c₁ = 1e-4, c₂ = 0.9), first trial step 1.</param>
public sealed record Newton(ILineSearch? LineSearch = null) : IMinimizer<IHessianObjective>
{
    /// <inheritdoc/>
    public string Name => "newton";

    /// <inheritdoc/>
    public OptimizationResult Minimize(IHessianObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        MethodChecks.Start(problem, start);
        return IterativeDriver.Run(Name, problem, start, (p, x) => new State(p, x, LineSearch ?? new MoreThuente()), options);
    }

    private sealed class State(IHessianObjective hessianProblem, ReadOnlySpan<double> start, ILineSearch lineSearch)
        : LineSearchState(hessianProblem, start, lineSearch)
    {
        private IHessianObjective HessianProblem => (IHessianObjective)Problem;
        private readonly DenseModel _model = new(start.Length);
        private readonly double[] _u = new double[start.Length];
        private bool _hessianFailed;

        /// <summary>Iterations whose Hessian needed the modification (indefinite or nearly singular).</summary>
        public int Modified { get; private set; }

        protected override double ComputeDirection()
        {
            HessianProblem.Hessian(X, _model.H);
            if (!_model.H.IsFinite())
            {
                _hessianFailed = true;
                D.AsSpan().Clear();
                return 1.0;
            }
            var mc = ModifiedCholeskyFactorization.Factorize(_model.H);
            Vec.Negate(G, _u);
            mc.Solve(_u, D);
            if (mc.IsModified)
            {
                Modified++;
                G.CopyTo(_model.G, 0);
                double curvature = _model.NegativeCurvatureDirection(_u);
                if (curvature < 0)
                {
                    double gu = Vec.Dot(G, _u);
                    double scale = Math.Max(Vec.Norm2(D), 1e-3) * (gu > 0 ? -1 : 1);
                    Vec.Axpy(scale, _u, D);
                }
            }
            return 1.0;
        }

        public override StepStatus Iterate()
        {
            var status = base.Iterate();
            if (_hessianFailed)
            {
                FailureReason = TerminationReason.NonFiniteValue;
                Message = "The Hessian has a non-finite entry at the current iterate, which is returned.";
                return StepStatus.Failed;
            }
            return status;
        }
    }
}
