using Optima.Problems;
using Optima.Solvers.Internal;
using Optima.Solvers.TrustRegions;

namespace Optima.Solvers.LeastSquares;

/// <summary>
/// Levenberg's method (1944): the step solves (2JᵀJ + λI)p = −2Jᵀr, i.e. the Gauss-Newton model with an undamped
/// identity shift, run as the <see cref="LevenbergStrategy"/> trust region (λ = 1/Δ, Nielsen's update).
/// A step is accepted only when it decreases S = Σ rᵢ².
/// </summary>
/// <param name="InitialLambda">λ₀ &gt; 0 (relative to the scale of 2JᵀJ). Default 1e-3·max diag(2JᵀJ) when 0. Default 0.</param>
public sealed record Levenberg(double InitialLambda = 0) : IMinimizer<ILeastSquaresProblem>
{
    /// <inheritdoc/>
    public string Name => "levenberg";

    /// <inheritdoc/>
    public OptimizationResult Minimize(ILeastSquaresProblem problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        MethodChecks.Start(problem, start);
        if (!(InitialLambda >= 0) || double.IsInfinity(InitialLambda))
            throw new ArgumentOutOfRangeException(nameof(InitialLambda), InitialLambda, "InitialLambda must be a finite number ≥ 0.");
        return IterativeDriver.Run(Name, problem, start,
            (p, x) => new TrustRegionLeastSquaresState(p, x, levenberg: true, InitialLambda), options);
    }
}

/// <summary>
/// Dogleg least squares (Powell 1970; Madsen, Nielsen and Tingleff §3.3): a trust region on the Gauss-Newton model
/// whose step runs from the Cauchy point along −Jᵀr to the Gauss-Newton point (QR of J), cut at the radius.
/// </summary>
/// <param name="InitialRadius">Δ₀ &gt; 0; 0 means max(1, ‖x₀‖). Default 0.</param>
public sealed record DoglegLeastSquares(double InitialRadius = 0) : IMinimizer<ILeastSquaresProblem>
{
    /// <inheritdoc/>
    public string Name => "dogleg-ls";

    /// <inheritdoc/>
    public OptimizationResult Minimize(ILeastSquaresProblem problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        MethodChecks.Start(problem, start);
        if (!(InitialRadius >= 0) || double.IsInfinity(InitialRadius))
            throw new ArgumentOutOfRangeException(nameof(InitialRadius), InitialRadius, "InitialRadius must be a finite number ≥ 0.");
        return IterativeDriver.Run(Name, problem, start, (p, x) => new TrustRegionLeastSquaresState(p, x, levenberg: false, InitialRadius), options);
    }
}

/// <summary>
/// The "levenberg" or "dogleg" trust-region strategy over the Gauss-Newton model of S = Σ rᵢ² (for Levenberg the
/// initial value is λ₀, and the radius 1/λ).
/// </summary>
internal sealed class TrustRegionLeastSquaresState : LeastSquaresState
{
    private readonly bool _levenberg;
    private readonly double _initial;
    private readonly GaussNewtonModel _model;
    private readonly double[] _p, _trial;
    private ITrustRegionStrategy? _strategy;

    public TrustRegionLeastSquaresState(ILeastSquaresProblem problem, ReadOnlySpan<double> start,
        bool levenberg, double initial) : base(problem, start)
    {
        _levenberg = levenberg;
        _initial = initial;
        _model = new GaussNewtonModel(J, R, Grad);
        _p = new double[start.Length];
        _trial = new double[start.Length];
    }

    public override bool Initialize()
    {
        if (!EvaluateWithJacobian()) return false;
        double radius = _initial;
        if (_levenberg)
        {
            double maxDiag = 0;
            for (int j = 0; j < J.Columns; j++)
            {
                var c = J.Column(j);
                maxDiag = Math.Max(maxDiag, 2 * Vec.Dot(c, c));
            }
            double lambda = _initial > 0 ? _initial : 1e-3 * Math.Max(maxDiag, 1e-300);
            radius = 1 / lambda;
        }
        else if (radius == 0) radius = Math.Max(1.0, Vec.Norm2(X));
        _strategy = TrustRegionStrategies.Create(_levenberg ? "levenberg" : "dogleg", radius, X.Length);
        StepSize = _strategy.Radius;
        return true;
    }

    public override StepStatus Iterate()
    {
        var strategy = _strategy!;
        var step = strategy.ComputeStep(_model, _p);
        Vec.AddScaled(X, 1.0, _p, _trial);
        double f = TrialCost(_trial);
        double pred = step.PredictedReduction;
        bool finite = double.IsFinite(f);
        double rho = finite && pred > 0 ? (Value - f) / pred : double.NegativeInfinity;
        if (rho > 1e-4 && f < Value)
        {
            _trial.CopyTo(X, 0);
            strategy.StepAccepted(rho);
            StepSize = strategy.Radius;
            _model.Invalidate();
            EvaluateWithJacobian();   // when r or J is not finite there the driver restores the previous iterate
            return StepStatus.Accepted;
        }
        strategy.StepRejected(rho);
        StepSize = strategy.Radius;
        double tiny = _levenberg ? 1e-300 : 1e-15 * Math.Max(1.0, MaxNorm(X));
        if (strategy.Radius < tiny || !double.IsFinite(strategy.Radius) || (pred <= 0 && Vec.Norm2(_p) == 0))
        {
            FailureReason = finite ? TerminationReason.TrustRegionTooSmall : TerminationReason.NonFiniteValue;
            Message = finite
                ? $"No step decreases S = Σr² any more ({strategy.Name}, radius {strategy.Radius:G3})."
                : "The residuals were not finite at every trial point down to a vanishing radius; the last finite iterate is returned.";
            return StepStatus.Failed;
        }
        return StepStatus.Rejected;
    }
}
