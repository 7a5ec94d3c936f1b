using Optima.LinearAlgebra.Factorizations;
using Optima.Problems;
using Optima.Solvers.Internal;

namespace Optima.Solvers.LeastSquares;

/// <summary>
/// Levenberg–Marquardt as in MINPACK's lmder (J. J. Moré, "The Levenberg-Marquardt algorithm: implementation and
/// theory", Numerical Analysis, LNM 630, 1978): a trust region ‖D·p‖ ≤ Δ with D = diag of the running maximum of J's
/// column norms (so λ effectively scales diag(JᵀJ)), the step from the column-pivoted QR of J and Givens eliminations
/// of √λ·D (never the normal equations), λ found by Moré's safeguarded Newton iteration on ‖D·p(λ)‖ = Δ, and the
/// radius updated from ρ with MINPACK's rules. A step is accepted only when ρ ≥ 10⁻⁴, so the cost S = Σ rᵢ² never
/// increases. Like lmder it stops (info 6) at the first rejected step whose actual and predicted relative reductions of
/// S are both ≤ ε. All work arrays are allocated once per run; iterations do not allocate.
/// </summary>
/// <param name="StepBound">MINPACK's factor: Δ₀ = factor·‖D·x₀‖ (or factor when that is 0). Default 100.</param>
/// <param name="ScaleVariables">Use the adaptive scaling D (MINPACK mode 1); false gives D = I. Default true.</param>
/// <param name="Threads">Threads for the streamed QR of [J r] from 4096 residuals on: null (default) takes the run's
/// <see cref="ComputeOptions.Threads"/> (automatic there: all cores), 1 = the calling thread only, k = at most k. The row chunks are combined in a fixed order, so the iterates are the same bits on
/// any count. Only Optima's own code runs on the other threads (the problem is always evaluated on the calling thread).</param>
public sealed record LevenbergMarquardt(double StepBound = 100, bool ScaleVariables = true, int? Threads = null)
    : IMinimizer<ILeastSquaresProblem>
{
    /// <inheritdoc/>
    public string Name => "lm";

    /// <inheritdoc/>
    public OptimizationResult Minimize(ILeastSquaresProblem problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        MethodChecks.Start(problem, start);
        MethodChecks.Positive(StepBound, nameof(StepBound));
        if (Threads is < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Threads must be null (the run's Compute.Threads), 1 (the calling thread only) or a positive count.");
        int threads = Threads ?? options?.Compute.Threads ?? 0; // 0: all cores (ForkJoin's convention)
        return IterativeDriver.Run(Name, problem, start, (p, x) => new State(p, x, StepBound, ScaleVariables, threads), options);
    }

    private sealed class State : LeastSquaresState
    {
        /// <summary>From this many residuals on, J is factored by the streamed QR of [J r] (below it J fits in cache, and is copied).</summary>
        public const int StreamRows = 4096;

        /// <summary>Threads for the streamed QR of [J r] (the row chunks are combined in a fixed order: same bits on any count).</summary>
        private readonly int _threads;

        private const double Dwarf = 2.2250738585072014e-308;
        private const double Epsilon = 2.220446049250313e-16;
        private readonly int _n, _rows;
        private readonly double _factor;
        private readonly bool _scale, _streamed;
        private readonly double[] _a;          // rows×n working copy of J or of its triangle (column-major), Householder vectors below the diagonal
        private readonly double[] _t;          // (n+1)×(n+1) triangle of the streamed QR of [J r]
        private readonly double[] _rmat;       // n×n: R in the upper triangle; qrsolv's S in the strict lower triangle
        private readonly int[] _ipvt;
        private readonly double[] _acnorm, _diag, _qtf, _sdiag, _rv, _wa1, _wa2, _wa3, _wa4, _colNorm, _trial;
        private double _delta, _par, _fnorm, _xnorm;
        private bool _first = true;

        public State(ILeastSquaresProblem problem, ReadOnlySpan<double> start, double factor, bool scale, int threads)
            : base(problem, start)
        {
            _threads = threads;
            _n = problem.Parameters;
            _streamed = problem.Residuals >= StreamRows;
            _rows = _streamed ? _n : Math.Max(problem.Residuals, _n);   // streamed: the pivoted QR runs on the n×n triangle
            _t = _streamed ? new double[(_n + 1) * (_n + 1)] : [];
            _factor = factor;
            _scale = scale;
            _a = new double[_rows * _n];
            _rmat = new double[_n * _n];
            _ipvt = new int[_n];
            _acnorm = new double[_n]; _diag = new double[_n]; _qtf = new double[_n]; _sdiag = new double[_n];
            _rv = new double[_rows];
            _wa1 = new double[_n]; _wa2 = new double[_n]; _wa3 = new double[_n]; _wa4 = new double[_n];
            _colNorm = new double[_n];
            _trial = new double[_n];
        }

        public override bool Initialize()
        {
            if (!EvaluateWithJacobian()) return false;
            _fnorm = Math.Sqrt(Value);
            Factor();
            return true;
        }

        /// <summary>
        /// QR with column pivoting of J (qrfac), Qᵀr into _qtf, scaling and (first time) the radius. Small problems copy
        /// J and r and factor them directly. From <see cref="StreamRows"/> residuals on, J is read once instead: a
        /// streamed QR of [J r] by row blocks (<see cref="TallSkinnyQr"/>) gives the (n+1)×(n+1) triangle T, and the
        /// pivoted Householder QR runs on its leading n×n block with right-hand side T[0:n, n]. Column pivoting depends
        /// only on JᵀJ = TᵀT, so this is MINPACK's factorization of J, reached without an m×n working copy.
        /// </summary>
        private void Factor()
        {
            int n = _n, rows = _rows;
            if (_streamed)
            {
                int q = n + 1;
                TallSkinnyQr.Factorize(J, R, _t, _threads);
                Array.Clear(_a);
                for (int j = 0; j < n; j++)
                {
                    var col = _t.AsSpan(j * q, j + 1);
                    col.CopyTo(_a.AsSpan(j * rows, j + 1));
                    _acnorm[j] = Vec.Norm2(col);
                    _ipvt[j] = j;
                }
                _t.AsSpan(n * q, n).CopyTo(_rv);
            }
            else
            {
                int m = J.Rows;
                Array.Clear(_a);
                for (int j = 0; j < n; j++)
                {
                    var col = J.Column(j);
                    col.CopyTo(_a.AsSpan(j * rows, m));
                    _acnorm[j] = Vec.Norm2(col);
                    _ipvt[j] = j;
                }
                Array.Clear(_rv);
                R.AsSpan().CopyTo(_rv);
            }
            for (int k = 0; k < n; k++)
            {
                // Pivot: the remaining column with the largest norm below row k.
                int best = k;
                double bestNorm = -1;
                for (int j = k; j < n; j++)
                {
                    double s = Vec.Norm2(_a.AsSpan(j * rows + k, rows - k));
                    _colNorm[j] = s;
                    if (s > bestNorm) { bestNorm = s; best = j; }
                }
                if (best != k)
                {
                    for (int i = 0; i < rows; i++) (_a[k * rows + i], _a[best * rows + i]) = (_a[best * rows + i], _a[k * rows + i]);
                    (_ipvt[k], _ipvt[best]) = (_ipvt[best], _ipvt[k]);
                }
                // Householder reflection of column k below the diagonal.
                var v = _a.AsSpan(k * rows + k, rows - k);
                double norm = Vec.Norm2(v);
                if (norm == 0) continue;
                if (v[0] < 0) norm = -norm;
                Vec.Scale(v, 1 / norm);
                v[0] += 1;                                      // v = x/‖x‖ ± e₁, H = I − v vᵀ / v₀
                for (int j = k + 1; j < n; j++)
                {
                    var c = _a.AsSpan(j * rows + k, rows - k);
                    double t = Vec.Dot(v, c) / v[0];
                    Vec.Axpy(-t, v, c);
                }
                {
                    var c = _rv.AsSpan(k, rows - k);
                    double t = Vec.Dot(v, c) / v[0];
                    Vec.Axpy(-t, v, c);
                }
                _a[k * rows + k] = -norm;                       // r_kk (v₀ is not needed after the updates)
            }
            // R (n×n upper) and Qᵀr.
            Array.Clear(_rmat);
            for (int j = 0; j < n; j++)
                for (int i = 0; i <= j; i++) _rmat[i + j * n] = _a[i + j * rows];
            for (int i = 0; i < n; i++) _qtf[i] = _rv[i];

            if (_first)
            {
                for (int j = 0; j < n; j++) _diag[j] = !_scale || _acnorm[j] == 0 ? 1.0 : _acnorm[j];
                _xnorm = ScaledNorm(X);
                _delta = _xnorm == 0 ? _factor : _factor * _xnorm;
                _first = false;
            }
            else if (_scale)
            {
                for (int j = 0; j < n; j++) _diag[j] = Math.Max(_diag[j], _acnorm[j]);
            }
            StepSize = _delta;
        }

        private double ScaledNorm(ReadOnlySpan<double> x)
        {
            double s = 0;
            for (int j = 0; j < _n; j++) s += (_diag[j] * x[j]) * (_diag[j] * x[j]);
            return Math.Sqrt(s);
        }

        public override StepStatus Iterate()
        {
            int n = _n;
            LmPar();                                            // _wa1 ← p (the step is −_wa1 in MINPACK's sign)
            for (int j = 0; j < n; j++)
            {
                _wa1[j] = -_wa1[j];
                _trial[j] = X[j] + _wa1[j];
                _wa3[j] = _diag[j] * _wa1[j];
            }
            double pnorm = Vec.Norm2(_wa3);
            if (Accepted == 0) _delta = Math.Min(_delta, pnorm);

            double cost = TrialCost(_trial);
            double fnorm1 = Math.Sqrt(cost);
            bool finite = double.IsFinite(fnorm1);
            double actred = finite && 0.1 * fnorm1 < _fnorm ? 1 - (fnorm1 / _fnorm) * (fnorm1 / _fnorm) : -1;

            // Predicted reduction and directional derivative from R·Pᵀp.
            for (int j = 0; j < n; j++)
            {
                _wa3[j] = 0;
            }
            for (int j = 0; j < n; j++)
            {
                double t = _wa1[_ipvt[j]];
                for (int i = 0; i <= j; i++) _wa3[i] += _rmat[i + j * n] * t;
            }
            double temp1 = Vec.Norm2(_wa3) / _fnorm, temp2 = Math.Sqrt(_par) * pnorm / _fnorm;
            double prered = temp1 * temp1 + temp2 * temp2 / 0.5;
            double dirder = -(temp1 * temp1 + temp2 * temp2);
            double ratio = prered != 0 ? actred / prered : 0;

            if (ratio <= 0.25)
            {
                double temp = actred >= 0 ? 0.5 : 0.5 * dirder / (dirder + 0.5 * actred);
                if (0.1 * fnorm1 >= _fnorm || temp < 0.1 || !finite) temp = 0.1;
                _delta = temp * Math.Min(_delta, pnorm / 0.1);
                _par /= temp;
            }
            else if (_par == 0 || ratio >= 0.75)
            {
                _delta = pnorm / 0.5;
                _par *= 0.5;
            }
            StepSize = _delta;

            if (ratio >= 1e-4 && finite && cost < Value)
            {
                _trial.CopyTo(X, 0);
                _xnorm = ScaledNorm(X);
                Accepted++;
                if (!EvaluateWithJacobian()) return StepStatus.Accepted;   // the driver restores the previous iterate
                _fnorm = Math.Sqrt(Value);
                Factor();
                StepSize = _delta;
                return StepStatus.Accepted;
            }
            Rejected++;
            // MINPACK's info 6 (Moré 1978): the actual and the predicted relative reductions are both at the rounding
            // level, so no step can reduce S any more in floating point (the radius would only shrink on, step by step).
            if (finite && Math.Abs(actred) <= Epsilon && prered <= Epsilon && 0.5 * ratio <= 1)
            {
                FailureReason = TerminationReason.TrustRegionTooSmall;
                Message = $"No step can reduce S = Σr² at machine precision: the actual and predicted relative reductions ({actred:G3}, {prered:G3}) are both below ε (MINPACK's 'ftol too small').";
                return StepStatus.Failed;
            }
            if (_delta <= 2.2e-16 * Math.Max(_xnorm, 1e-300) || _delta == 0 || !double.IsFinite(_delta))
            {
                FailureReason = finite ? TerminationReason.TrustRegionTooSmall : TerminationReason.NonFiniteValue;
                Message = finite
                    ? $"The trust region collapsed (Δ = {_delta:G3}): no step decreases S = Σr² within machine precision."
                    : "The residuals were not finite at every trial point down to a vanishing radius; the last finite iterate is returned.";
                return StepStatus.Failed;
            }
            return StepStatus.Rejected;
        }

        private int Accepted, Rejected;

        /// <summary>Moré's lmpar: λ (= _par) and the step _wa1 with ‖D·p‖ ≈ Δ, or the Gauss-Newton step when it fits.</summary>
        private void LmPar()
        {
            int n = _n;
            double[] r = _rmat, x = _wa1;
            // Gauss-Newton direction (least squares in the rank-deficient case).
            int nsing = n;
            for (int j = 0; j < n; j++)
            {
                _wa3[j] = _qtf[j];
                if (r[j + j * n] == 0 && nsing == n) nsing = j;
                if (nsing < n) _wa3[j] = 0;
            }
            for (int j = nsing - 1; j >= 0; j--)
            {
                _wa3[j] /= r[j + j * n];
                double t = _wa3[j];
                for (int i = 0; i < j; i++) _wa3[i] -= r[i + j * n] * t;
            }
            for (int j = 0; j < n; j++) x[_ipvt[j]] = _wa3[j];

            int iter = 0;
            for (int j = 0; j < n; j++) _wa2[j] = _diag[j] * x[j];
            double dxnorm = Vec.Norm2(_wa2);
            double fp = dxnorm - _delta;
            if (fp <= 0.1 * _delta)
            {
                _par = 0;
                return;
            }

            double parl = 0;
            if (nsing == n)
            {
                for (int j = 0; j < n; j++)
                {
                    int l = _ipvt[j];
                    _wa3[j] = _diag[l] * (_wa2[l] / dxnorm);
                }
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int i = 0; i < j; i++) sum += r[i + j * n] * _wa3[i];
                    _wa3[j] = (_wa3[j] - sum) / r[j + j * n];
                }
                double t = Vec.Norm2(_wa3);
                parl = fp / _delta / t / t;
            }
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int i = 0; i <= j; i++) sum += r[i + j * n] * _qtf[i];
                _wa3[j] = sum / _diag[_ipvt[j]];
            }
            double gnorm = Vec.Norm2(_wa3);
            double paru = gnorm / _delta;
            if (paru == 0) paru = Dwarf / Math.Min(_delta, 0.1);

            _par = Math.Max(_par, parl);
            _par = Math.Min(_par, paru);
            if (_par == 0) _par = gnorm / dxnorm;

            while (true)
            {
                iter++;
                if (_par == 0) _par = Math.Max(Dwarf, 0.001 * paru);
                double sp = Math.Sqrt(_par);
                for (int j = 0; j < n; j++) _wa3[j] = sp * _diag[j];
                QrSolve(_wa3, x);
                for (int j = 0; j < n; j++) _wa2[j] = _diag[j] * x[j];
                dxnorm = Vec.Norm2(_wa2);
                double temp = fp;
                fp = dxnorm - _delta;
                if (Math.Abs(fp) <= 0.1 * _delta || (parl == 0 && fp <= temp && temp < 0) || iter == 10) break;

                for (int j = 0; j < n; j++)
                {
                    int l = _ipvt[j];
                    _wa3[j] = _diag[l] * (_wa2[l] / dxnorm);
                }
                for (int j = 0; j < n; j++)
                {
                    _wa3[j] /= _sdiag[j];
                    double t = _wa3[j];
                    for (int i = j + 1; i < n; i++) _wa3[i] -= r[i + j * n] * t;
                }
                double tn = Vec.Norm2(_wa3);
                double parc = fp / _delta / tn / tn;
                if (fp > 0) parl = Math.Max(parl, _par);
                if (fp < 0) paru = Math.Min(paru, _par);
                _par = Math.Max(parl, _par + parc);
            }
        }

        /// <summary>
        /// qrsolv: solves min ‖[R; D̃]z − [Qᵀr; 0]‖ with D̃ = <paramref name="d"/> (already √λ·D) by Givens rotations,
        /// leaving Sᵀ in the strict lower triangle of R and its diagonal in _sdiag; x ← P·z.
        /// </summary>
        private void QrSolve(double[] d, double[] x)
        {
            int n = _n;
            double[] r = _rmat, wa = _wa4;
            for (int j = 0; j < n; j++)
            {
                for (int i = j; i < n; i++) r[i + j * n] = r[j + i * n];
                x[j] = r[j + j * n];
                wa[j] = _qtf[j];
            }
            for (int j = 0; j < n; j++)
            {
                int l = _ipvt[j];
                if (d[l] != 0)
                {
                    for (int k = j; k < n; k++) _sdiag[k] = 0;
                    _sdiag[j] = d[l];
                    double qtbpj = 0;
                    for (int k = j; k < n; k++)
                    {
                        if (_sdiag[k] == 0) continue;
                        double rkk = r[k + k * n], sn, cs;
                        if (Math.Abs(rkk) < Math.Abs(_sdiag[k]))
                        {
                            double cot = rkk / _sdiag[k];
                            sn = 0.5 / Math.Sqrt(0.25 + 0.25 * cot * cot);
                            cs = sn * cot;
                        }
                        else
                        {
                            double tan = _sdiag[k] / rkk;
                            cs = 0.5 / Math.Sqrt(0.25 + 0.25 * tan * tan);
                            sn = cs * tan;
                        }
                        r[k + k * n] = cs * rkk + sn * _sdiag[k];
                        double t = cs * wa[k] + sn * qtbpj;
                        qtbpj = -sn * wa[k] + cs * qtbpj;
                        wa[k] = t;
                        for (int i = k + 1; i < n; i++)
                        {
                            double rik = r[i + k * n];
                            t = cs * rik + sn * _sdiag[i];
                            _sdiag[i] = -sn * rik + cs * _sdiag[i];
                            r[i + k * n] = t;
                        }
                    }
                }
                _sdiag[j] = r[j + j * n];
                r[j + j * n] = x[j];
            }
            int nsing = n;
            for (int j = 0; j < n; j++)
            {
                if (_sdiag[j] == 0 && nsing == n) nsing = j;
                if (nsing < n) wa[j] = 0;
            }
            for (int j = nsing - 1; j >= 0; j--)
            {
                double sum = 0;
                for (int i = j + 1; i < nsing; i++) sum += r[i + j * n] * wa[i];
                wa[j] = (wa[j] - sum) / _sdiag[j];
            }
            for (int j = 0; j < n; j++) x[_ipvt[j]] = wa[j];
        }
    }
}
