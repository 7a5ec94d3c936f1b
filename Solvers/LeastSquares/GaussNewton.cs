using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;
using Optima.Problems;
using Optima.Solvers.Internal;
using Optima.Solvers.LineSearches;

namespace Optima.Solvers.LeastSquares;

/// <summary>
/// Gauss-Newton with a line search for min S(x) = Σ rᵢ(x)²: the direction solves min ‖J·p + r‖₂ by column-pivoted
/// Householder QR of J (never forming JᵀJ, whose condition number is the square of J's; rank-deficient J gives the
/// basic solution), then a backtracking Armijo search on S along p (Björck, Numerical Methods for Least Squares
/// Problems, §9.2). With <see cref="UseNormalEquations"/> the step comes from Cholesky of JᵀJ instead (faster, less
/// accurate). Solves a linear least-squares problem in one iteration.
/// </summary>
/// <param name="LineSearch">The line search on S; default backtracking Armijo (values only, first step 1).</param>
/// <param name="UseNormalEquations">Solve JᵀJ·p = −Jᵀr by Cholesky instead of QR. Default false.</param>
public sealed record GaussNewton(ILineSearch? LineSearch = null, bool UseNormalEquations = false) : IMinimizer<ILeastSquaresProblem>
{
    /// <inheritdoc/>
    public string Name => "gauss-newton";

    /// <inheritdoc/>
    public OptimizationResult Minimize(ILeastSquaresProblem problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        MethodChecks.Start(problem, start);
        return IterativeDriver.Run(Name, problem, start, (p, x) => new State(p, x, LineSearch ?? new BacktrackingArmijo(), UseNormalEquations), options);
    }

    private sealed class State : LeastSquaresState, ILineFunction
    {
        private readonly ILineSearch _search;
        private readonly bool _normal;
        private readonly double[] _p, _trial, _negR, _jp;
        private readonly DenseMatrix? _jtj;
        private DenseMatrix? _jTrial;

        public State(ILeastSquaresProblem problem, ReadOnlySpan<double> start, ILineSearch search, bool normal)
            : base(problem, start)
        {
            _search = search;
            _normal = normal;
            int n = start.Length;
            _p = new double[n];
            _trial = new double[n];
            _negR = new double[problem.Residuals];
            _jp = new double[problem.Residuals];
            _jtj = normal ? new DenseMatrix(n, n) : null;
        }

        public override StepStatus Iterate()
        {
            if (!_normal)
            {
                Vec.Negate(R, _negR);
                PivotedQrFactorization.Factorize(J).Solve(_negR, _p);
            }
            else
            {
                DenseBlas.Gemm(1.0, J, true, J, false, 0.0, _jtj!, 1);
                var chol = CholeskyFactorization.TryFactorize(_jtj!, out int column, new DenseFactorizationOptions { Overwrite = true });
                if (chol is null)
                {
                    FailureReason = TerminationReason.NumericalFailure;
                    Message = $"JᵀJ is singular (Cholesky failed at column {column}); use the QR variant for rank-deficient Jacobians.";
                    return StepStatus.Failed;
                }
                for (int i = 0; i < Grad.Length; i++) _trial[i] = -0.5 * Grad[i];
                chol.Solve(_trial, _p);
            }
            double slope0 = Vec.Dot(Grad, _p);
            var result = slope0 < 0
                ? _search.Search(this, Value, slope0, 1.0)
                : new LineSearchResult(0, Value, slope0, 0, LineSearchStatus.NotDescentDirection,
                    $"The Gauss-Newton step is not a descent direction (∇Sᵀp = {slope0:G6}): J is (numerically) rank deficient at a stationary point.");
            if (!result.Succeeded)
            {
                FailureReason = result.Status == LineSearchStatus.NonFinite ? TerminationReason.NonFiniteValue : TerminationReason.LineSearchFailed;
                Message = $"Line search ({_search.Name}) failed: {result.Status}. {result.Message}";
                return StepStatus.Failed;
            }
            Vec.Axpy(result.Step, _p, X);
            StepSize = result.Step;
            EvaluateWithJacobian();   // when r or J is not finite there the driver restores the previous iterate
            return StepStatus.Accepted;
        }

        double ILineFunction.Value(double alpha)
        {
            Vec.AddScaled(X, alpha, _p, _trial);
            return TrialCost(_trial);
        }

        double ILineFunction.ValueAndSlope(double alpha, out double slope)
        {
            // The slope needs J at the trial point (a search that asks for slopes costs a Jacobian per trial).
            Vec.AddScaled(X, alpha, _p, _trial);
            var jt = _jTrial ??= new DenseMatrix(RTrial.Length, _p.Length);
            Problem.Evaluate(_trial, RTrial, jt);
            jt.Multiply(_p, _jp);
            slope = 2 * Vec.Dot(RTrial, _jp);
            return SumOfSquares(RTrial);
        }
    }
}
