using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;

namespace Optima.Solvers.Convex;

/// <summary>
/// ADMM for convex quadratic programs in the OSQP formulation (Stellato, Banjac, Goulart, Bemporad, Boyd, "OSQP: an
/// operator splitting solver for quadratic programs", Math. Prog. Comp. 2020, Algorithm 1): one factorization of the
/// KKT matrix per ρ, cached across iterations; a ρ per constraint (equality rows 1e3·ρ, free rows 1e-6); adaptive ρ;
/// primal and dual infeasibility detection with certificates; optional polishing.
/// </summary>
/// <remarks>
/// The linear system. OSQP solves the quasi-definite KKT system [P + σI, Aᵀ; A, −diag(1/ρ)]·[x̃; ν] = [σx − q; z − y/ρ]
/// by a sparse LDLᵀ. LinearAlgebra has no sparse LDLᵀ, so this solver eliminates ν instead (the Schur complement of the
/// −diag(1/ρ) block): (P + σI + Aᵀdiag(ρ)A)·x̃ = σx − q + Aᵀ(ρ∘z − y) and z̃ = Ax̃. That matrix is symmetric positive
/// definite whenever P is positive semidefinite, so LinearAlgebra's dense Cholesky factors it, once per ρ. The cost is
/// O(mn² + n³) per factorization and O(mn + n²) per iteration: dense, for small and medium problems. No Ruiz scaling
/// is done (OSQP's preconditioning); badly scaled data take more iterations.
/// <para>Stopping (OSQP §3.4, ∞-norms): ‖Ax − z‖ ≤ ε_abs + ε_rel·max(‖Ax‖, ‖z‖) and
/// ‖Px + q + Aᵀy‖ ≤ ε_abs + ε_rel·max(‖Px‖, ‖Aᵀy‖, ‖q‖) → <see cref="TerminationReason.MethodTolerance"/>.
/// With δy = y_k − y_{k−1}: ‖Aᵀδy‖ ≤ ε_pinf‖δy‖ and uᵀmax(δy, 0) + lᵀmin(δy, 0) ≤ −ε_pinf‖δy‖ →
/// <see cref="TerminationReason.Infeasible"/>. With δx = x_k − x_{k−1}: ‖Pδx‖ ≤ ε_dinf‖δx‖, qᵀδx ≤ −ε_dinf‖δx‖ and
/// Aδx in the recession cone of [l, u] (to ε_dinf‖δx‖) → <see cref="TerminationReason.Unbounded"/>.</para>
/// </remarks>
public static class QpSolver
{
    private const double RhoMin = 1e-6, RhoMax = 1e6, PolishDelta = 1e-6;

    /// <summary>Solves the QP. Failures (infeasible, unbounded, a nonconvex P) are reported in the result, not thrown.</summary>
    public static ConvexResult Solve(QuadraticProgram qp, QpOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(qp);
        options ??= QpOptions.Default;
        options.Validate();
        return new Run(qp, options).Execute();
    }

    private sealed class Run
    {
        private readonly QuadraticProgram _qp;
        private readonly QpOptions _o;
        private readonly int _n, _m;
        private readonly double[] _x, _z, _y, _xt, _zt, _rhs, _w, _ax, _px, _aty, _xPrev, _yPrev, _axPrev, _pxPrev, _atyPrev;
        private readonly double[] _rho, _dx, _dy;
        private readonly DenseMatrix _kkt, _scaledA;
        private readonly DenseFactorizationOptions _factorOptions;
        private CholeskyFactorization? _factor;
        private double _rhoBar;
        private int _factorizations;

        public Run(QuadraticProgram qp, QpOptions options)
        {
            _qp = qp;
            _o = options;
            _n = qp.Variables;
            _m = qp.Constraints;
            double[] N() => new double[_n];
            double[] M() => new double[_m];
            (_x, _xt, _rhs, _px, _aty, _xPrev, _pxPrev, _atyPrev, _dx) = (N(), N(), N(), N(), N(), N(), N(), N(), N());
            (_z, _y, _zt, _w, _ax, _yPrev, _axPrev, _rho, _dy) = (M(), M(), M(), M(), M(), M(), M(), M(), M());
            _kkt = new DenseMatrix(_n, _n);
            _scaledA = new DenseMatrix(_m, _n);
            _factorOptions = new DenseFactorizationOptions { Overwrite = true, MaxDegreeOfParallelism = options.Compute.MaxDegreeOfParallelism };
            _rhoBar = options.Rho;
        }

        private void SetRho(double rhoBar)
        {
            _rhoBar = Math.Clamp(rhoBar, RhoMin, RhoMax);
            for (int i = 0; i < _m; i++)
            {
                double l = _qp.Lower[i], u = _qp.Upper[i];
                _rho[i] = double.IsNegativeInfinity(l) && double.IsPositiveInfinity(u) ? RhoMin
                    : l == u ? _o.EqualityRhoScale * _rhoBar : _rhoBar;
            }
        }

        // P + σI + Aᵀdiag(ρ)A, factored by Cholesky; false when it is not positive definite (P not PSD).
        private bool Factor()
        {
            var a = _qp.A;
            for (int j = 0; j < _n; j++)
                for (int i = 0; i < _m; i++) _scaledA.Data[i + j * _m] = a.Data[i + j * _m] * Math.Sqrt(_rho[i]);
            DenseBlas.Gemm(1.0, _scaledA, true, _scaledA, false, 0.0, _kkt, _o.Compute.MaxDegreeOfParallelism);
            var k = _kkt.Data;
            var p = _qp.P.Data;
            for (int i = 0; i < k.Length; i++) k[i] += p[i];
            for (int i = 0; i < _n; i++) k[i + i * _n] += _o.Sigma;
            _factorizations++;
            _factor = CholeskyFactorization.TryFactorize(_kkt, out _, _factorOptions);
            return _factor is not null;
        }

        public ConvexResult Execute()
        {
            var monitor = new SplittingMonitor(_o);
            var a = _qp.A;
            var q = _qp.Q;
            double[] l = _qp.Lower, u = _qp.Upper;
            double alpha = _o.Relaxation, sigma = _o.Sigma;
            int k = 0;
            double primal = double.NaN, dual = double.NaN, epsPrimal = double.NaN, epsDual = double.NaN;
            TerminationReason reason;
            string? message = null;
            double[]? certificate = null;
            bool polished = false;
            SetRho(_rhoBar);
            if (!Factor())
                return Finish(TerminationReason.NumericalFailure, "P + σI + AᵀRA is not positive definite: P is not positive semidefinite (the QP is not convex).");

            while (true)
            {
                if (monitor.LimitReached(k) is { } stop) { reason = stop; break; }
                // x̃ from the reduced KKT system; z̃ = Ax̃.
                for (int i = 0; i < _m; i++) _w[i] = _rho[i] * _z[i] - _y[i];
                a.TransposeMultiply(_w, _rhs);
                for (int j = 0; j < _n; j++) _rhs[j] += sigma * _x[j] - q[j];
                if (!AllFinite(_rhs)) { reason = TerminationReason.NonFiniteValue; message = "An iterate became NaN or infinite; the last finite iterate is returned."; break; }
                _factor!.Solve(_rhs, _xt);
                a.Multiply(_xt, _zt);
                _x.CopyTo(_xPrev);
                _y.CopyTo(_yPrev);
                _ax.CopyTo(_axPrev);
                _px.CopyTo(_pxPrev);
                _aty.CopyTo(_atyPrev);
                for (int j = 0; j < _n; j++) _x[j] = alpha * _xt[j] + (1 - alpha) * _xPrev[j];
                for (int i = 0; i < _m; i++)
                {
                    double zh = alpha * _zt[i] + (1 - alpha) * _z[i];
                    double zn = Math.Min(Math.Max(zh + _y[i] / _rho[i], l[i]), u[i]);
                    _y[i] += _rho[i] * (zh - zn);
                    _z[i] = zn;
                }
                k++;
                Residuals(out primal, out dual, out epsPrimal, out epsDual);
                if (!double.IsFinite(primal) || !double.IsFinite(dual))
                {
                    _xPrev.CopyTo(_x);
                    _yPrev.CopyTo(_y);
                    reason = TerminationReason.NonFiniteValue;
                    message = "An iterate became NaN or infinite; the last finite iterate is returned.";
                    break;
                }
                if (monitor.History is not null) monitor.Record(k, primal, dual, _qp.Objective(_x), _rhoBar);
                if (primal <= epsPrimal && dual <= epsDual)
                {
                    reason = TerminationReason.MethodTolerance;
                    message = "primal and dual residuals below their tolerances";
                    if (_o.Polish && TryPolish(primal, dual, epsPrimal, epsDual))
                    {
                        polished = true;
                        Residuals(out primal, out dual, out epsPrimal, out epsDual);
                        message += "; polished on the guessed active set";
                    }
                    break;
                }
                if (PrimalInfeasible(out double pinfMargin))
                {
                    reason = TerminationReason.Infeasible;
                    certificate = Normalized(_dy);
                    message = $"primal infeasibility certificate δy: ‖Aᵀδy‖∞/‖δy‖∞ small and uᵀmax(δy,0) + lᵀmin(δy,0) = {pinfMargin:G3}·‖δy‖∞ < 0";
                    break;
                }
                if (DualInfeasible(out double qdx))
                {
                    reason = TerminationReason.Unbounded;
                    certificate = Normalized(_dx);
                    message = $"dual infeasibility certificate δx: Pδx ≈ 0, qᵀδx = {qdx:G3}·‖δx‖∞ < 0, Aδx in the recession cone of [l, u]";
                    break;
                }
                if (_o.AdaptiveRho && k % _o.AdaptiveRhoInterval == 0 && _m > 0)
                {
                    double scaledPrimal = primal / Math.Max(Math.Max(NormInf(_ax), NormInf(_z)), 1e-30);
                    double scaledDual = dual / Math.Max(Math.Max(NormInf(_px), Math.Max(NormInf(_aty), NormInf(q))), 1e-30);
                    double proposed = Math.Clamp(_rhoBar * Math.Sqrt(scaledPrimal / Math.Max(scaledDual, 1e-30)), RhoMin, RhoMax);
                    if (proposed > _o.AdaptiveRhoTolerance * _rhoBar || proposed * _o.AdaptiveRhoTolerance < _rhoBar)
                    {
                        // y is unscaled in OSQP's form, so only the KKT matrix changes.
                        SetRho(proposed);
                        if (!Factor())
                            return Finish(TerminationReason.NumericalFailure, "P + σI + AᵀRA is not positive definite: P is not positive semidefinite (the QP is not convex).");
                    }
                }
            }
            return Finish(reason, message, certificate, polished);

            ConvexResult Finish(TerminationReason r, string? text, double[]? cert = null, bool pol = false) => new()
            {
                Method = "OSQP-style QP (ADMM)",
                Reason = r,
                X = (double[])_x.Clone(),
                Dual = (double[])_y.Clone(),
                Objective = _qp.Objective(_x),
                Iterations = k,
                Elapsed = monitor.Elapsed,
                PrimalResidual = primal,
                DualResidual = dual,
                PrimalTolerance = epsPrimal,
                DualTolerance = epsDual,
                Rho = _rhoBar,
                Factorizations = _factorizations,
                Certificate = cert,
                Polished = pol,
                History = monitor.History,
                Message = text,
            };
        }

        // Ax, Px, Aᵀy and the OSQP residuals/tolerances at the current (x, z, y).
        private void Residuals(out double primal, out double dual, out double epsPrimal, out double epsDual)
        {
            _qp.A.Multiply(_x, _ax);
            _qp.P.Multiply(_x, _px);
            _qp.A.TransposeMultiply(_y, _aty);
            primal = 0;
            for (int i = 0; i < _m; i++) primal = Math.Max(primal, Math.Abs(_ax[i] - _z[i]));
            dual = 0;
            for (int j = 0; j < _n; j++) dual = Math.Max(dual, Math.Abs(_px[j] + _qp.Q[j] + _aty[j]));
            if (double.IsNaN(primal + dual)) { primal = dual = double.NaN; }
            epsPrimal = _o.AbsoluteTolerance + _o.RelativeTolerance * Math.Max(NormInf(_ax), NormInf(_z));
            epsDual = _o.AbsoluteTolerance + _o.RelativeTolerance * Math.Max(NormInf(_px), Math.Max(NormInf(_aty), NormInf(_qp.Q)));
        }

        private bool PrimalInfeasible(out double margin)
        {
            margin = 0;
            if (_m == 0) return false;
            for (int i = 0; i < _m; i++) _dy[i] = _y[i] - _yPrev[i];
            double size = NormInf(_dy);
            if (!(size > 1e-30)) return false;
            double eps = _o.PrimalInfeasibilityTolerance * size;
            // Aᵀδy = Aᵀy − Aᵀy_prev, both already computed.
            for (int j = 0; j < _n; j++) if (Math.Abs(_aty[j] - _atyPrev[j]) > eps) return false;
            double support = 0;
            for (int i = 0; i < _m; i++)
            {
                double d = _dy[i];
                if (d > 0) { if (double.IsPositiveInfinity(_qp.Upper[i])) return false; support += _qp.Upper[i] * d; }
                else if (d < 0) { if (double.IsNegativeInfinity(_qp.Lower[i])) return false; support += _qp.Lower[i] * d; }
            }
            margin = support / size;
            return support < -eps;
        }

        private bool DualInfeasible(out double qdx)
        {
            qdx = 0;
            for (int j = 0; j < _n; j++) _dx[j] = _x[j] - _xPrev[j];
            double size = NormInf(_dx);
            if (!(size > 1e-30)) return false;
            double eps = _o.DualInfeasibilityTolerance * size;
            double slope = Reproducible.Dot(_qp.Q, _dx);
            if (!(slope < -eps)) return false;
            for (int j = 0; j < _n; j++) if (Math.Abs(_px[j] - _pxPrev[j]) > eps) return false;
            for (int i = 0; i < _m; i++)
            {
                double adx = _ax[i] - _axPrev[i];
                bool lowerFinite = !double.IsNegativeInfinity(_qp.Lower[i]), upperFinite = !double.IsPositiveInfinity(_qp.Upper[i]);
                if (upperFinite && adx > eps) return false;
                if (lowerFinite && adx < -eps) return false;
            }
            qdx = slope / size;
            return true;
        }

        // OSQP §4.3: guess the active set from (z, y), solve the equality-constrained QP
        // [P + δI, A_𝒜ᵀ; A_𝒜, −δI]·[x; y_𝒜] = [−q; b_𝒜] by LU with iterative refinement against δ = 0, and keep it when
        // its residuals are no worse and its multipliers have the right signs.
        private bool TryPolish(double primal, double dual, double epsPrimal, double epsDual)
        {
            var active = new List<int>();
            var bound = new List<double>();
            var kind = new List<int>(); // −1 lower, +1 upper, 0 equality
            for (int i = 0; i < _m; i++)
            {
                double l = _qp.Lower[i], u = _qp.Upper[i];
                if (l == u) { active.Add(i); bound.Add(l); kind.Add(0); }
                else if (_z[i] - l < -_y[i]) { active.Add(i); bound.Add(l); kind.Add(-1); }
                else if (u - _z[i] < _y[i]) { active.Add(i); bound.Add(u); kind.Add(1); }
            }
            int na = active.Count, size = _n + na;
            var exact = new DenseMatrix(size, size);
            for (int c = 0; c < _n; c++)
                for (int r = 0; r < _n; r++) exact[r, c] = _qp.P[r, c];
            for (int t = 0; t < na; t++)
                for (int c = 0; c < _n; c++)
                {
                    double v = _qp.A[active[t], c];
                    exact[_n + t, c] = v;
                    exact[c, _n + t] = v;
                }
            var regularized = exact.Clone();
            for (int j = 0; j < _n; j++) regularized[j, j] += PolishDelta;
            for (int t = 0; t < na; t++) regularized[_n + t, _n + t] -= PolishDelta;
            LuFactorization lu;
            try { lu = LuFactorization.Factorize(regularized, new DenseFactorizationOptions { MaxDegreeOfParallelism = _o.Compute.MaxDegreeOfParallelism }); }
            catch (SingularMatrixException) { return false; }
            var rhs = new double[size];
            for (int j = 0; j < _n; j++) rhs[j] = -_qp.Q[j];
            for (int t = 0; t < na; t++) rhs[_n + t] = bound[t];
            var sol = lu.Solve(rhs);
            var residual = new double[size];
            var correction = new double[size];
            for (int pass = 0; pass < 5; pass++)
            {
                exact.Multiply(sol, residual);
                for (int i = 0; i < size; i++) residual[i] = rhs[i] - residual[i];
                if (!AllFinite(residual)) return false;
                lu.Solve(residual, correction);
                for (int i = 0; i < size; i++) sol[i] += correction[i];
            }
            if (!AllFinite(sol)) return false;
            double signTolerance = epsDual;
            for (int t = 0; t < na; t++)
            {
                double yt = sol[_n + t];
                if (kind[t] == 1 && yt < -signTolerance) return false;
                if (kind[t] == -1 && yt > signTolerance) return false;
            }
            // Keep the ADMM iterate to restore it when the polished point is worse.
            var (x0, z0, y0) = ((double[])_x.Clone(), (double[])_z.Clone(), (double[])_y.Clone());
            for (int j = 0; j < _n; j++) _x[j] = sol[j];
            Array.Clear(_y);
            for (int t = 0; t < na; t++) _y[active[t]] = kind[t] switch { 1 => Math.Max(sol[_n + t], 0), -1 => Math.Min(sol[_n + t], 0), _ => sol[_n + t] };
            _qp.A.Multiply(_x, _z);
            for (int i = 0; i < _m; i++) _z[i] = Math.Min(Math.Max(_z[i], _qp.Lower[i]), _qp.Upper[i]);
            Residuals(out double pPrimal, out double pDual, out _, out _);
            if (pPrimal <= Math.Max(primal, epsPrimal) && pDual <= Math.Max(dual, epsDual)) return true;
            x0.CopyTo(_x);
            z0.CopyTo(_z);
            y0.CopyTo(_y);
            return false;
        }

        private static double NormInf(ReadOnlySpan<double> v)
        {
            double s = 0;
            foreach (double a in v) s = Math.Max(s, Math.Abs(a));
            return s;
        }

        private static bool AllFinite(ReadOnlySpan<double> v)
        {
            foreach (double a in v) if (!double.IsFinite(a)) return false;
            return true;
        }

        private static double[] Normalized(ReadOnlySpan<double> v)
        {
            double s = NormInf(v);
            var r = v.ToArray();
            for (int i = 0; i < r.Length; i++) r[i] /= s;
            return r;
        }
    }
}
