using Optima.LinearAlgebra.Factorizations;
using Optima.Problems;
using Optima.Solvers.Internal;
using Optima.Solvers.TrustRegions;

namespace Optima.Solvers.SecondOrder;

/// <summary>
/// Newton's method in a trust region (Nocedal and Wright Alg. 4.1) with the exact Hessian and a pluggable
/// strategy (default Steihaug–Toint CG; dogleg or Levenberg–Marquardt on request). A step is accepted when
/// ρ = (f(x) − f(x+p))/(m(0) − m(p)) &gt; 10⁻⁴. When the Hessian is indefinite a direction of negative curvature u is
/// computed and the boundary step ±Δu is taken whenever its model decrease beats the strategy's — so the method
/// leaves saddle points, where the gradient alone gives no decrease. A trial point where f is not finite is a rejected step.
/// </summary>
/// <param name="Strategy">The trust-region strategy. Default Steihaug–Toint CG.</param>
/// <param name="InitialRadius">Δ₀ &gt; 0. Default 1.</param>
public sealed record NewtonTrustRegion(TrustRegionKind Strategy = TrustRegionKind.SteihaugCg, double InitialRadius = 1.0)
    : IMinimizer<IHessianObjective>
{
    /// <inheritdoc/>
    public string Name => "newton-tr";

    /// <inheritdoc/>
    public OptimizationResult Minimize(IHessianObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        MethodChecks.Start(problem, start);
        MethodChecks.Positive(InitialRadius, nameof(InitialRadius));
        var counter = new EvaluationCounter();
        var strategy = TrustRegionStrategies.Create(Strategy, InitialRadius, start.Length);
        return IterativeDriver.Run(Name, new State(problem, start, strategy), options ?? new SolverOptions(), counter);
    }

    private sealed class State(IHessianObjective problem, ReadOnlySpan<double> start, ITrustRegionStrategy strategy) : MethodState(start)
    {
        private readonly DenseModel _model = new(start.Length);
        private readonly double[] _p = new double[start.Length], _u = new double[start.Length];
        private readonly double[] _trial = new double[start.Length], _gTrial = new double[start.Length];
        private bool _indefinite;
        private bool _lastNonFinite;

        /// <summary>Steps taken along a direction of negative curvature.</summary>
        public int NegativeCurvatureSteps { get; private set; }

        public override bool Initialize(EvaluationCounter counter)
        {
            counter.Gradients++;
            Value = problem.ValueAndGradient(X, _model.G);
            GradientNorm = MaxNorm(_model.G);
            StepSize = strategy.Radius;
            return double.IsFinite(Value) && Vec.AllFinite(_model.G) && UpdateHessian(counter);
        }

        private bool UpdateHessian(EvaluationCounter counter)
        {
            counter.Hessians++;
            problem.Hessian(X, _model.H);
            if (!_model.H.IsFinite()) return false;
            var chol = CholeskyFactorization.TryFactorize(_model.H, out _);
            _indefinite = chol is null;
            return true;
        }

        public override StepStatus Iterate(EvaluationCounter counter)
        {
            var step = strategy.ComputeStep(_model, _p);
            double pred = step.PredictedReduction;
            if (_indefinite)
            {
                double curvature = _model.NegativeCurvatureDirection(_u);
                if (curvature < 0)
                {
                    double radius = strategy.Radius;
                    double gu = Vec.Dot(_model.G, _u);
                    double sign = gu > 0 ? -1 : 1;
                    double predU = -(sign * radius * gu + 0.5 * radius * radius * curvature);
                    if (predU > pred)
                    {
                        for (int i = 0; i < _p.Length; i++) _p[i] = sign * radius * _u[i];
                        pred = predU;
                        NegativeCurvatureSteps++;
                    }
                }
            }

            Vec.AddScaled(X, 1.0, _p, _trial);
            counter.Gradients++;
            double f = problem.ValueAndGradient(_trial, _gTrial);
            bool finite = double.IsFinite(f) && Vec.AllFinite(_gTrial);
            double rho = !finite ? double.NegativeInfinity : pred > 0 ? (Value - f) / pred : f < Value ? 1.0 : double.NegativeInfinity;
            _lastNonFinite = !finite;
            if (rho > 1e-4)
            {
                _trial.CopyTo(X, 0);
                _gTrial.CopyTo(_model.G, 0);
                Value = f;
                GradientNorm = MaxNorm(_model.G);
                strategy.StepAccepted(rho);
                StepSize = strategy.Radius;
                if (!UpdateHessian(counter))
                {
                    FailureReason = TerminationReason.NonFiniteValue;
                    Message = "The Hessian has a non-finite entry at the current iterate, which is returned.";
                    return StepStatus.Failed;
                }
                return StepStatus.Accepted;
            }
            strategy.StepRejected(rho);
            StepSize = strategy.Radius;
            if (strategy.Radius < 1e-15 * Math.Max(1.0, MaxNorm(X)))
            {
                FailureReason = _lastNonFinite ? TerminationReason.NonFiniteValue : TerminationReason.TrustRegionTooSmall;
                Message = _lastNonFinite
                    ? "f was not finite at every trial point down to a vanishing radius; the last finite iterate is returned."
                    : $"The trust radius fell to {strategy.Radius:G3} without an acceptable step ({strategy.Name}).";
                return StepStatus.Failed;
            }
            return StepStatus.Rejected;
        }
    }
}
