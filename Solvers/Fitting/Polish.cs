using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;
using Optima.Problems;

namespace Optima.Solvers.Fitting;

public static partial class CurveFit
{
    /// <summary>
    /// Runs the polish (<see cref="PolishState"/>) under the driver after the least-squares method stopped converged or
    /// stalled, and merges the two phases into one result: the polished point, its cost and gradient norm, the
    /// iterations, evaluations, time and history of both, the method's convergence tests followed by the polish's.
    /// </summary>
    /// <remarks>
    /// The reason: a converged method keeps its reason. A stalled one (<see cref="TerminationReason.TrustRegionTooSmall"/>,
    /// <see cref="TerminationReason.LineSearchFailed"/>) takes the polish's: <see cref="TerminationReason.PrecisionLimit"/>
    /// when the polish ends at a point that meets one of its tests (the driver's classification of a stall), else the
    /// stall; a limit or cancellation that stops the polish is reported as such.
    /// </remarks>
    private static OptimizationResult Polish(FitProblem problem, OptimizationResult solved, FitOptions options)
    {
        PolishState? state = null;
        // The polish ends by itself (at most 35 steps): only the caller's limits, cancellation, progress and history
        // apply, no convergence test of the driver's.
        var polishOptions = new SolverOptions
        {
            GradientTolerance = 0,
            MaxIterations = int.MaxValue,
            MaxEvaluations = (int)Math.Clamp(options.MaxEvaluations - solved.Evaluations.Objective, 1, int.MaxValue),
            TimeLimit = options.TimeLimit is { } limit ? (limit > solved.Elapsed ? limit - solved.Elapsed : TimeSpan.Zero) : null,
            CancellationToken = options.CancellationToken,
            Progress = options.Progress,
            RecordHistory = options.RecordHistory,
            RecordPath = options.RecordPath,
            Compute = options.Compute,
            Seed = options.Seed,
        };
        var polished = IterativeDriver.Run<ILeastSquaresProblem>("polish", problem, solved.Solution,
            (counted, start) => state = new PolishState(problem, counted, start, solved.Reason, solved.Message), polishOptions);
        var e = solved.Evaluations;
        var p = polished.Evaluations;
        var evaluations = e with { Residuals = e.Residuals + p.Residuals, Jacobians = e.Jacobians + p.Jacobians };
        // Not finite where the method stopped (the polish could not start): the method's result stands.
        if (!state!.Started) return solved with { Evaluations = evaluations };
        bool stalled = Statistics.IsStall(solved.Reason);
        bool limited = polished.Reason is TerminationReason.MaxEvaluations or TerminationReason.TimeLimit or TerminationReason.Cancelled;
        string? message = stalled || !limited ? (stalled ? polished.Message : solved.Message)
            : $"{solved.Message}{(solved.Message is null ? "" : " ")}The polish stopped early: {polished.Reason.Describe()}.";
        return solved with
        {
            Solution = polished.Solution,
            Value = polished.Value,
            GradientNorm = polished.GradientNorm,
            Iterations = solved.Iterations + polished.Iterations,
            Evaluations = evaluations,
            Reason = stalled ? polished.Reason : solved.Reason,
            Message = message,
            Elapsed = solved.Elapsed + polished.Elapsed,
            History = solved.History is null && polished.History is null ? null : [.. solved.History ?? [], .. polished.History ?? []],
            ConvergenceTests = [.. solved.ConvergenceTests, .. polished.ConvergenceTests.Skip(3)],
        };
    }

    /// <summary>
    /// The Gauss-Newton step δ = argmin ‖Jδ + r‖. From <see cref="FitProblem.LargeRows"/> points on, the streamed QR of [J r] (<see cref="TallSkinnyQr"/>, one pass over
    /// J) gives the triangle [T t]; δ is the basic least-squares solution of Tδ = −t by pivoted QR, with the rank
    /// tolerance the m×n factorization would use (max(m, n)·ε relative to |r₀₀|).
    /// </summary>
    private static void GaussNewtonStep(DenseMatrix j, double[] r, double[] triangle, double[] delta, int threads)
    {
        int n = j.Columns, q = n + 1;
        if (j.Rows < FitProblem.LargeRows)
        {
            // Small: factor J itself (it fits in cache).
            var neg = new double[r.Length];
            for (int i = 0; i < r.Length; i++) neg[i] = -r[i];
            PivotedQrFactorization.Factorize(j).Solve(neg, delta);
            return;
        }
        TallSkinnyQr.Factorize(j, r, triangle, threads);
        var rhs = new double[n];
        for (int i = 0; i < n; i++) rhs[i] = -triangle[n * q + i];
        Statistics.PivotedQrOfTriangle(triangle, q, n, j.Rows, null).Solve(rhs, delta);
    }

    /// <summary>max over columns of |Jₖᵀr|/(‖Jₖ‖‖r‖): MINPACK's gtol measure.</summary>
    private static double Cosine(DenseMatrix j, double[] r)
    {
        double rn = Math.Sqrt(AccurateSum.SumOfSquares(r)), worst = 0;
        if (rn == 0) return 0;
        for (int k = 0; k < j.Columns; k++)
        {
            var c = j.Column(k);
            double dot = 0, norm = 0;
            for (int i = 0; i < r.Length; i++)
            {
                dot += c[i] * r[i];
                norm += c[i] * c[i];
            }
            if (norm > 0) worst = Math.Max(worst, Math.Abs(dot) / (Math.Sqrt(norm) * rn));
        }
        return worst;
    }

    /// <summary>
    /// Gauss-Newton polishing after the trust-region method stops, as a second state under the driver: near the
    /// solution the full Gauss-Newton step (by pivoted QR) is accurate even where the decrease of the sum of squares is
    /// below its rounding noise, which is what ends the trust-region iteration. A step is kept only when it is small
    /// (≤ 1e-6 relative per variable) and either lowers the cost or keeps it (to 1e-10 relative) while making the
    /// gradient more orthogonal to the residuals; up to 30 such steps, then (where Gauss-Newton stalls short of the
    /// rounding level) up to 5 Newton steps with the exact Hessian under the same rule. Each accepted step is one
    /// iteration; the iteration in which no step is kept ends the polish.
    /// </summary>
    /// <remarks>
    /// Its own convergence tests (<see cref="MethodState.ConvergenceTests"/>), judged when the polish ends — MINPACK's
    /// "tolerances too small" ending: the gradient cosine max|Jₖᵀr|/(‖Jₖ‖‖r‖) ≤ 1e-6, or the last Gauss-Newton step
    /// ≤ 1e-10 relative to the parameters (for near-zero residuals the cosine cannot get below ulp(p)/‖r‖). The polish
    /// ends by handing back the method's reason as a failure: the driver turns a stall whose point meets a test into
    /// <see cref="TerminationReason.PrecisionLimit"/>. Its gradient (<see cref="MethodState.GradientNorm"/> = ‖2Jᵀr‖∞) is
    /// kept fresh but not offered to the driver's own stall tests, so only these two decide.
    /// </remarks>
    private sealed class PolishState : MethodState
    {
        private const int GaussNewtonSteps = 30, NewtonSteps = 5;
        private const double CosineTolerance = 1e-6, StepTolerance = 1e-10;
        private readonly FitProblem _problem;
        private readonly ILeastSquaresProblem _counted; // the same problem, its evaluations counted by the driver
        private readonly string? _solverMessage;
        private readonly int _m, _n;
        private readonly double[] _delta, _trial, _triangle, _grad;
        private readonly ConvergenceTest[] _tests = new ConvergenceTest[2];
        private double[] _r;
        private double[]? _rt;
        private DenseMatrix _j = null!;
        private DenseMatrix? _jt, _h;
        private double[]? _g;
        private bool _extended, _newtonPhase, _done;
        private double _cost, _cosine, _lastStep = double.NaN;
        private int _gaussNewton, _newton;

        public PolishState(FitProblem problem, ILeastSquaresProblem counted, ReadOnlySpan<double> start, TerminationReason solverReason,
            string? solverMessage) : base(start)
        {
            _problem = problem;
            _counted = counted;
            _solverMessage = solverMessage;
            _m = problem.Residuals;
            _n = problem.Parameters;
            _r = new double[_m];
            _delta = new double[_n];
            _trial = new double[_n];
            _triangle = new double[(_n + 1) * (_n + 1)];
            _grad = new double[_n];
            FailureReason = solverReason;
        }

        /// <summary>True when the start was finite (the polish ran).</summary>
        public bool Started { get; private set; }

        public override ReadOnlySpan<ConvergenceTest> ConvergenceTests => _tests;

        public override bool Initialize()
        {
            // The solver's last Jacobian is usually at its solution: start from it (and the model values there).
            if (_problem.TryLastJacobian(X, out var last, out var values))
            {
                _j = last;
                _problem.ResidualsFromValues(values, _r);
            }
            else
            {
                _j = new DenseMatrix(_m, _n);
                _counted.Evaluate(X, _r, _j);
            }
            if (!_j.IsFinite()) return false;
            _extended = _problem.RoundingMatters(_r) && _problem.ExtendedResiduals(X, _r);
            _cost = AccurateSum.SumOfSquares(_r);
            _cosine = Cosine(_j, _r);
            if (!double.IsFinite(_cost)) return false;
            Started = true;
            Update();
            return true;
        }

        public override StepStatus Iterate()
        {
            while (!_done)
            {
                if (!_newtonPhase)
                {
                    if (_gaussNewton++ < GaussNewtonSteps && GaussNewtonAccepted()) return Accepted();
                    // Where Gauss-Newton stalls short of the rounding level (large residuals curve the cost: MGH09),
                    // Newton steps with the exact Hessian JᵀJ + Σ rᵢ∇²rᵢ, kept under the same rule.
                    _newtonPhase = true;
                    _done = _lastStep <= StepTolerance || !(_cosine > 1e-13);
                }
                else if (_newton++ < NewtonSteps && NewtonAccepted()) return Accepted();
                else _done = true;
            }
            // Done: judge the tests and hand the method's reason back (the driver classifies a stall).
            _tests[0] = new("gradient cosine", CosineTolerance, _cosine, _cosine <= CosineTolerance);
            _tests[1] = new("gauss-newton step", StepTolerance, _lastStep, _lastStep <= StepTolerance);
            Message = _solverMessage ?? "the polish kept no further step";
            return StepStatus.Failed;
        }

        private StepStatus Accepted()
        {
            Update();
            return StepStatus.Accepted;
        }

        private void Update()
        {
            Value = _cost;
            _j.TransposeMultiply(_r, _grad);
            GradientNorm = 2 * MaxNorm(_grad);
            StepSize = _lastStep;
            _tests[0] = new("gradient cosine", CosineTolerance, _cosine, false);
            _tests[1] = new("gauss-newton step", StepTolerance, _lastStep, false);
        }

        private bool GaussNewtonAccepted()
        {
            GaussNewtonStep(_j, _r, _triangle, _delta, _problem.Threads);
            double uMax = 0;
            foreach (double x in X) uMax = Math.Max(uMax, Math.Abs(x));
            bool small = true, moves = false;
            _lastStep = 0;
            for (int k = 0; k < _n; k++)
            {
                double relative = Math.Abs(_delta[k]) / Math.Max(Math.Abs(X[k]), 1e-3 * uMax);
                _lastStep = double.IsFinite(_delta[k]) ? Math.Max(_lastStep, relative) : double.NaN;
                if (!double.IsFinite(_delta[k]) || relative > 1e-6) small = false;
                _trial[k] = X[k] + _delta[k];
                if (_trial[k] != X[k]) moves = true;
            }
            if (!small || !moves) return false;
            // Where rounding of the residuals does not matter, a step below 1e-13 relative cannot change anything reported.
            if (!_extended && _lastStep <= 1e-13) return false;
            // Residuals first: a step that raises the cost needs no Jacobian.
            _rt ??= new double[_m];
            _jt ??= new DenseMatrix(_m, _n);
            _counted.Evaluate(_trial, _rt, null);
            if (_extended) _problem.ExtendedResiduals(_trial, _rt);
            double costT = AccurateSum.SumOfSquares(_rt);
            if (!(costT <= _cost * (1 + 1e-10))) return false;
            _counted.Evaluate(_trial, _rt, _jt);
            if (!_jt.IsFinite()) return false;
            if (_extended) _problem.ExtendedResiduals(_trial, _rt);
            double cosT = Cosine(_jt, _rt);
            if (!(costT < _cost || cosT < _cosine)) return false;
            Keep(costT, cosT);
            return true;
        }

        private bool NewtonAccepted()
        {
            _h ??= new DenseMatrix(_n, _n);
            _g ??= new double[_n];
            if (!_problem.ExactHessian(X, _r, _j, _h) || !_h.IsFinite()) return false;
            var chol = CholeskyFactorization.TryFactorize(_h, out _);
            if (chol is null) return false;
            _j.TransposeMultiply(_r, _g);
            for (int k = 0; k < _n; k++) _g[k] = -_g[k];
            chol.Solve(_g, _delta);
            bool moves = false;
            for (int k = 0; k < _n; k++)
            {
                _trial[k] = X[k] + _delta[k];
                if (_trial[k] != X[k]) moves = true;
            }
            if (!moves || !_delta.All(double.IsFinite)) return false;
            _rt ??= new double[_m];
            _jt ??= new DenseMatrix(_m, _n);
            _counted.Evaluate(_trial, _rt, _jt);
            if (!_jt.IsFinite()) return false;
            if (_extended) _problem.ExtendedResiduals(_trial, _rt);
            double costT = AccurateSum.SumOfSquares(_rt), cosT = Cosine(_jt, _rt);
            if (!(costT < _cost || (costT <= _cost * (1 + 1e-10) && cosT < _cosine))) return false;
            Keep(costT, cosT);
            return true;
        }

        private void Keep(double cost, double cosine)
        {
            (_r, _rt) = (_rt!, _r);
            (_j, _jt) = (_jt!, _j);
            _trial.CopyTo(X, 0);
            _cost = cost;
            _cosine = cosine;
        }
    }
}
