using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;
using Optima.Problems;
using Optima.Solvers.Internal;
using Optima.Solvers.TrustRegions;

namespace Optima.Solvers.SecondOrder;

/// <summary>
/// Newton's method in a trust region (Nocedal and Wright Alg. 4.1) with the exact Hessian and a pluggable
/// strategy from <see cref="TrustRegionStrategies"/> (default Steihaug–Toint CG; "dogleg", "levenberg" or a registered one on request). A step is accepted when
/// ρ = (f(x) − f(x+p))/(m(0) − m(p)) &gt; 10⁻⁴. When the Hessian is indefinite a direction of negative curvature u is
/// computed and the boundary step ±Δu is taken whenever its model decrease beats the strategy's — so the method
/// leaves saddle points, where the gradient alone gives no decrease. A trial point where f is not finite is a rejected step.
/// </summary>
/// <remarks>
/// With <see cref="ScaleVariables"/> (the default) the region is the ellipsoid ‖D·p‖₂ ≤ Δ of Moré's scaled trust
/// region (J. J. Moré, "Recent developments in algorithms and software for trust region methods", Mathematical
/// Programming: The State of the Art, 1983; MINPACK's <c>diag</c>, mode 1), with dᵢ the running maximum over the
/// iterations of √|∂²f/∂xᵢ²| (1 for a variable whose curvature is 0 at the start). The strategy works on the model
/// in the variables p̃ = D·p — gradient D⁻¹g and Hessian D⁻¹HD⁻¹, which has unit diagonal wherever H is positive —
/// so a variable of size 10³ and one of size 10⁻³ (Meyer's problem) get comparable steps. <see cref="InitialRadius"/>
/// and the reported step size are in the scaled norm. <c>ScaleVariables: false</c> gives the plain ball ‖p‖₂ ≤ Δ.
/// </remarks>
/// <param name="Strategy">The trust-region strategy's <see cref="TrustRegionStrategies"/> name. Default "steihaug-cg".</param>
/// <param name="InitialRadius">Δ₀ &gt; 0 (in the scaled norm when <paramref name="ScaleVariables"/>). Default 1.</param>
/// <param name="ScaleVariables">Use the ellipsoidal region ‖D·p‖ ≤ Δ with D from the Hessian diagonal. Default true.</param>
public sealed record NewtonTrustRegion(string Strategy = "steihaug-cg", double InitialRadius = 1.0,
    bool ScaleVariables = true)
    : IMinimizer<IHessianObjective>
{
    /// <inheritdoc/>
    public string Name => "newton-tr";

    /// <inheritdoc/>
    public OptimizationResult Minimize(IHessianObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        MethodChecks.Start(problem, start);
        MethodChecks.Positive(InitialRadius, nameof(InitialRadius));
        var strategy = TrustRegionStrategies.Create(Strategy, InitialRadius, start.Length);
        return IterativeDriver.Run(Name, problem, start, (p, x) => new State(p, x, strategy, ScaleVariables), options);
    }

    private sealed class State(IHessianObjective problem, ReadOnlySpan<double> start, ITrustRegionStrategy strategy, bool scale)
        : MethodState(start)
    {
        private readonly int _n = start.Length;
        private readonly DenseModel _model = new(start.Length);           // the model in the scaled variables p̃ = D·p
        private readonly DenseMatrix _h = new(start.Length, start.Length); // ∇²f at X
        private readonly double[] _g = new double[start.Length];           // ∇f at X
        private readonly double[] _d = new double[start.Length];           // the scaling D (all 1 when not scaling)
        private readonly double[] _p = new double[start.Length], _u = new double[start.Length];
        private readonly double[] _trial = new double[start.Length], _gTrial = new double[start.Length];
        private bool _indefinite;
        private bool _lastNonFinite;

        /// <summary>Steps taken along a direction of negative curvature.</summary>
        public int NegativeCurvatureSteps { get; private set; }

        public override ReadOnlySpan<double> Gradient => _g;

        public override bool Initialize()
        {
            Value = problem.ValueAndGradient(X, _g);
            GradientNorm = MaxNorm(_g);
            StepSize = strategy.Radius;
            return double.IsFinite(Value) && Vec.AllFinite(_g) && UpdateHessian();
        }

        /// <summary>Evaluates ∇²f at X, updates D, and forms the scaled model D⁻¹g, D⁻¹HD⁻¹.</summary>
        private bool UpdateHessian()
        {
            problem.Hessian(X, _h);
            if (!_h.IsFinite()) return false;
            for (int j = 0; j < _n; j++)
            {
                double dj = scale ? Math.Sqrt(Math.Abs(_h[j, j])) : 1.0;
                // Running maximum (MINPACK mode 1); a variable with zero curvature at the start gets 1.
                _d[j] = _d[j] == 0 ? (dj > 0 ? dj : 1.0) : Math.Max(_d[j], dj);
            }
            for (int j = 0; j < _n; j++)
            {
                _model.G[j] = _g[j] / _d[j];
                for (int i = 0; i < _n; i++) _model.H[i, j] = _h[i, j] / (_d[i] * _d[j]);
            }
            var chol = CholeskyFactorization.TryFactorize(_model.H, out _);
            _indefinite = chol is null;
            return true;
        }

        public override StepStatus Iterate()
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

            // Back from the scaled variables: x + D⁻¹p̃.
            for (int i = 0; i < _n; i++) _trial[i] = X[i] + _p[i] / _d[i];
            double f = problem.ValueAndGradient(_trial, _gTrial);
            bool finite = double.IsFinite(f) && Vec.AllFinite(_gTrial);
            double rho = !finite ? double.NegativeInfinity : pred > 0 ? (Value - f) / pred : f < Value ? 1.0 : double.NegativeInfinity;
            _lastNonFinite = !finite;
            if (rho > 1e-4)
            {
                _trial.CopyTo(X, 0);
                _gTrial.CopyTo(_g, 0);
                Value = f;
                GradientNorm = MaxNorm(_g);
                strategy.StepAccepted(rho);
                StepSize = strategy.Radius;
                if (!UpdateHessian())
                {
                    FailureReason = TerminationReason.NonFiniteValue;
                    Message = "The Hessian has a non-finite entry at the current iterate, which is returned.";
                    return StepStatus.Failed;
                }
                return StepStatus.Accepted;
            }
            strategy.StepRejected(rho);
            StepSize = strategy.Radius;
            double dx = 0;
            for (int i = 0; i < _n; i++) dx = Math.Max(dx, Math.Abs(_d[i] * X[i]));
            if (strategy.Radius < 1e-15 * Math.Max(1.0, dx))
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
