using Optima.Problems;
using Optima.Solvers.Internal;
using Optima.Solvers.LineSearches;

namespace Optima.Solvers.QuasiNewton;

/// <summary>
/// L-BFGS-B (Byrd, Lu, Nocedal and Zhu 1995): limited-memory BFGS on a box l ≤ x ≤ u. Each iteration
/// <list type="number">
/// <item>finds the generalized Cauchy point: the first local minimiser of the quadratic model along the projected
/// steepest-descent path P(x − t·g), walking the breakpoints in order and updating the model's slope and curvature with
/// the compact representation B = θI − W·M·Wᵀ, W = [Y θS], M = [[−D, Lᵀ], [L, θSᵀS]]⁻¹ (Byrd, Nocedal and Schnabel 1994);</item>
/// <item>minimises the model over the variables still free at that point by the direct primal method (the reduced
/// system through the Sherman–Morrison–Woodbury formula, a 2m × 2m solve), truncated to the box;</item>
/// <item>searches along the step to that point with Moré–Thuente (c₁ = 1e-4, c₂ = 0.9, as the other line-search methods
/// here; the Fortran code's c₁ = 1e-3 and xtol = 0.1 left inner augmented-Lagrangian solves stalled at ‖∇‖ ≈ 1e-4), the step
/// capped at 1 so the iterate stays in the box.</item>
/// </list>
/// Convergence is measured on the projected gradient: the result's <see cref="OptimizationResult.GradientNorm"/> is
/// ‖P(x − ∇f) − x‖∞, which is 0 exactly at a KKT point of the box problem. A start outside the box is projected onto it
/// and the result says so (<see cref="OptimizationResult.Warnings"/>). Without bounds it is L-BFGS with the same memory.
/// The inverse compact form that <see cref="Lbfgs"/> uses gives H·g, but the Cauchy search needs B itself, so the state
/// keeps the small matrices SᵀY and SᵀS of the direct form; pairs are stored under the same curvature test as Lbfgs.
/// Storage is 2·m·n doubles plus O(m²) and O(n) work arrays, allocated once per run.
/// </summary>
/// <param name="Memory">Number of (s, y) pairs m ≥ 1. Default 10 (scipy's default is 10 as well).</param>
/// <param name="Bounds">The box; null takes <see cref="IBoundedObjective.Bounds"/> from the problem when it has one, else no bounds.</param>
public sealed record Lbfgsb(int Memory = 10, BoxBounds? Bounds = null) : IMinimizer<IGradientObjective>
{
    /// <inheritdoc/>
    public string Name => "lbfgsb";

    /// <summary>The warning a result carries when the start was outside the box.</summary>
    public const string ProjectedStartWarning = "The start was outside the bounds and was projected onto the box.";

    /// <inheritdoc/>
    public OptimizationResult Minimize(IGradientObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null) =>
        Minimize(problem, Bounds ?? (problem as IBoundedObjective)?.Bounds, start, options);

    /// <summary>Minimises <paramref name="problem"/> over <paramref name="bounds"/> (null: no bounds) from <paramref name="start"/>.</summary>
    /// <exception cref="ArgumentException">Sizes differ, the start is not finite, or Memory &lt; 1. (lower &gt; upper cannot reach here: <see cref="BoxBounds"/> refuses it.)</exception>
    public OptimizationResult Minimize(IGradientObjective problem, BoxBounds? bounds, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        MethodChecks.Start(problem, start);
        if (Memory < 1) throw new ArgumentOutOfRangeException(nameof(Memory), Memory, "Memory must be at least 1.");
        int n = start.Length;
        bounds?.RequireLength(n);
        var x0 = start.ToArray();
        bool projected = bounds is not null && !bounds.Contains(x0);
        if (projected) bounds!.Clamp(x0);
        var lower = new double[n];
        var upper = new double[n];
        for (int i = 0; i < n; i++)
        {
            lower[i] = bounds?.Lower[i] ?? double.NegativeInfinity;
            upper[i] = bounds?.Upper[i] ?? double.PositiveInfinity;
        }
        var result = IterativeDriver.Run(Name, problem, x0, (p, x) => new State(p, x, lower, upper, Memory), options);
        return projected ? result with { Warnings = [.. result.Warnings, ProjectedStartWarning] } : result;
    }

    /// <summary>‖P(x − g) − x‖∞ over the box [<paramref name="lower"/>, <paramref name="upper"/>]: 0 exactly at a KKT point.</summary>
    public static double ProjectedGradientNorm(ReadOnlySpan<double> x, ReadOnlySpan<double> g, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper)
    {
        double worst = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double p = Math.Abs(Math.Clamp(x[i] - g[i], lower[i], upper[i]) - x[i]);
            if (!(p <= worst)) worst = p; // NaN propagates
        }
        return worst;
    }

    private sealed class State : MethodState
    {
        private readonly IGradientObjective _problem;
        private readonly double[] _l, _u, _g, _pg, _xc, _d, _xBar, _du, _gOld, _xOld, _s, _y;
        private readonly double[] _keys;
        private readonly int[] _order, _free;
        private readonly bool _bounded;
        private readonly ObjectiveLine _line;
        private readonly MoreThuente _capped, _uncapped;
        private readonly int _m;
        private readonly double[][] _sMem, _yMem;
        private int _count, _newest = -1;
        private double _theta = 1;
        // Slot-indexed products: _sy[i·m + j] = sᵢᵀyⱼ, _ss[i·m + j] = sᵢᵀsⱼ.
        private readonly double[] _sy, _ss;
        // M (2k × 2k, logical order oldest → newest), its build matrix, and small work vectors.
        private readonly double[] _mMat, _work, _nMat, _p, _c, _wb, _v, _mv, _z;
        private readonly int[] _pivot;

        public State(IGradientObjective problem, ReadOnlySpan<double> start, double[] lower, double[] upper, int m) : base(start)
        {
            _problem = problem;
            int n = start.Length;
            _l = lower;
            _u = upper;
            for (int i = 0; i < n; i++) _bounded |= double.IsFinite(lower[i]) || double.IsFinite(upper[i]);
            _g = new double[n]; _pg = new double[n]; _xc = new double[n]; _d = new double[n]; _xBar = new double[n];
            _du = new double[n]; _gOld = new double[n]; _xOld = new double[n]; _s = new double[n]; _y = new double[n];
            _keys = new double[n];
            _order = new int[n];
            _free = new int[n];
            _line = new ObjectiveLine(problem);
            // Steps beyond 1 would leave the box (x̄ is the farthest point of the segment the model vouches for).
            _capped = new MoreThuente(C1: 1e-4, C2: 0.9, MaxStep: 1.0);
            _uncapped = new MoreThuente(C1: 1e-4, C2: 0.9);
            _m = m;
            _sMem = new double[m][];
            _yMem = new double[m][];
            for (int i = 0; i < m; i++) { _sMem[i] = new double[n]; _yMem[i] = new double[n]; }
            _sy = new double[m * m];
            _ss = new double[m * m];
            int w = 2 * m;
            _mMat = new double[w * w]; _work = new double[w * w]; _nMat = new double[w * w];
            _p = new double[w]; _c = new double[w]; _wb = new double[w]; _v = new double[w]; _mv = new double[w]; _z = new double[w];
            _pivot = new int[w];
        }

        public override ReadOnlySpan<double> Gradient => _pg;

        public override bool Initialize()
        {
            Value = _problem.ValueAndGradient(X, _g);
            UpdateProjectedGradient();
            return double.IsFinite(Value) && Vec.AllFinite<double>(_g);
        }

        private void UpdateProjectedGradient()
        {
            for (int i = 0; i < X.Length; i++) _pg[i] = X[i] - Math.Clamp(X[i] - _g[i], _l[i], _u[i]);
            GradientNorm = ProjectedGradientNorm(X, _g, _l, _u);
        }

        private int Slot(int k) => (_newest - _count + 1 + k + _m) % _m;

        /// <summary>Row i of W = [Y θS] in logical order, into <paramref name="w"/> (length 2k).</summary>
        private void RowOfW(int i, Span<double> w)
        {
            int k = _count;
            for (int j = 0; j < k; j++)
            {
                int sj = Slot(j);
                w[j] = _yMem[sj][i];
                w[k + j] = _theta * _sMem[sj][i];
            }
        }

        /// <summary>v ← M·a (2k).</summary>
        private void MulM(ReadOnlySpan<double> a, Span<double> v)
        {
            int w = 2 * _count;
            for (int r = 0; r < w; r++)
            {
                double sum = 0;
                for (int c = 0; c < w; c++) sum += _mMat[r * w + c] * a[c];
                v[r] = sum;
            }
        }

        private double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int len)
        {
            double sum = 0;
            for (int i = 0; i < len; i++) sum += a[i] * b[i];
            return sum;
        }

        /// <summary>Forms M = [[−D, Lᵀ], [L, θSᵀS]]⁻¹ after the memory changed. False when it is singular.</summary>
        private bool FormMiddle()
        {
            int k = _count, w = 2 * k;
            var a = _work.AsSpan(0, w * w);
            for (int i = 0; i < k; i++)
            {
                int si = Slot(i);
                for (int j = 0; j < k; j++)
                {
                    int sj = Slot(j);
                    a[i * w + j] = i == j ? -_sy[si * _m + si] : 0;                      // −D
                    a[i * w + k + j] = j < i ? 0 : j > i ? _sy[sj * _m + si] : 0;        // Lᵀ: (Lᵀ)ᵢⱼ = Lⱼᵢ = sⱼᵀyᵢ for j > i
                    a[(k + i) * w + j] = j < i ? _sy[si * _m + sj] : 0;                  // L: sᵢᵀyⱼ for i > j
                    a[(k + i) * w + k + j] = _theta * _ss[si * _m + sj];                 // θSᵀS
                }
            }
            // M = A⁻¹ by Gauss–Jordan with partial pivoting (2k ≤ 2m is small).
            var inv = _mMat.AsSpan(0, w * w);
            inv.Clear();
            for (int i = 0; i < w; i++) inv[i * w + i] = 1;
            return GaussJordan(a, inv, w);
        }

        /// <summary>Replaces b (w × cols, row-major) by A⁻¹·b, destroying a. False when A is singular.</summary>
        private static bool GaussJordan(Span<double> a, Span<double> b, int w, int cols = -1)
        {
            if (cols < 0) cols = w;
            double scale = 0;
            for (int i = 0; i < w * w; i++) scale = Math.Max(scale, Math.Abs(a[i]));
            for (int col = 0; col < w; col++)
            {
                int piv = col;
                for (int r = col + 1; r < w; r++) if (Math.Abs(a[r * w + col]) > Math.Abs(a[piv * w + col])) piv = r;
                double pv = a[piv * w + col];
                if (!(Math.Abs(pv) > 1e-14 * scale)) return false;
                if (piv != col)
                {
                    for (int c = 0; c < w; c++) (a[col * w + c], a[piv * w + c]) = (a[piv * w + c], a[col * w + c]);
                    for (int c = 0; c < cols; c++) (b[col * cols + c], b[piv * cols + c]) = (b[piv * cols + c], b[col * cols + c]);
                }
                double inv = 1 / pv;
                for (int c = 0; c < w; c++) a[col * w + c] *= inv;
                for (int c = 0; c < cols; c++) b[col * cols + c] *= inv;
                for (int r = 0; r < w; r++)
                {
                    if (r == col) continue;
                    double f = a[r * w + col];
                    if (f == 0) continue;
                    for (int c = 0; c < w; c++) a[r * w + c] -= f * a[col * w + c];
                    for (int c = 0; c < cols; c++) b[r * cols + c] -= f * b[col * cols + c];
                }
            }
            return true;
        }

        /// <summary>The generalized Cauchy point into _xc, with c = Wᵀ(xc − x) into _c (Byrd et al. 1995, Algorithm CP).</summary>
        private void CauchyPoint()
        {
            int n = X.Length, k = _count, w = 2 * k;
            double fp = 0;
            int nbreak = 0;
            for (int i = 0; i < n; i++)
            {
                double gi = _g[i], t;
                if (gi < 0 && double.IsFinite(_u[i])) t = (X[i] - _u[i]) / gi;
                else if (gi > 0 && double.IsFinite(_l[i])) t = (X[i] - _l[i]) / gi;
                else t = double.PositiveInfinity;
                _d[i] = t == 0 ? 0 : -gi;
                if (t > 0 && double.IsFinite(t)) { _keys[nbreak] = t; _order[nbreak] = i; nbreak++; }
                fp -= _d[i] * _d[i];
            }
            X.CopyTo(_xc, 0);
            var p = _p.AsSpan(0, w);
            var c = _c.AsSpan(0, w);
            c.Clear();
            if (fp == 0) { p.Clear(); return; }
            for (int j = 0; j < k; j++)
            {
                int sj = Slot(j);
                p[j] = Vec.Dot(_yMem[sj], _d);
                p[k + j] = _theta * Vec.Dot(_sMem[sj], _d);
            }
            var mv = _mv.AsSpan(0, w);
            MulM(p, mv);
            double fpp0 = -_theta * fp;
            double fpp = fpp0 - Dot(p, mv, w);
            double dtm = fpp > 0 ? -fp / fpp : double.PositiveInfinity;
            Array.Sort(_keys, _order, 0, nbreak);
            double told = 0;
            var wb = _wb.AsSpan(0, w);
            for (int b = 0; b < nbreak; b++)
            {
                double tj = _keys[b], dt = tj - told;
                if (dtm < dt) break;
                int i = _order[b];
                double xb = _d[i] > 0 ? _u[i] : _l[i];
                double zb = xb - X[i], gb = _g[i];
                _xc[i] = xb;
                for (int r = 0; r < w; r++) c[r] += dt * p[r];
                RowOfW(i, wb);
                MulM(wb, mv); // M·w_b (M symmetric: w_bᵀM·c = (M·w_b)ᵀc)
                double wMc = Dot(mv, c, w), wMp = Dot(mv, p, w), wMw = Dot(mv, wb, w);
                fp += dt * fpp + gb * gb + _theta * gb * zb - gb * wMc;
                fpp -= _theta * gb * gb + 2 * gb * wMp + gb * gb * wMw;
                fpp = Math.Max(1.1102230246251565e-16 * fpp0, fpp); // the Fortran code's guard against lost curvature
                for (int r = 0; r < w; r++) p[r] += gb * wb[r];
                _d[i] = 0;
                dtm = -fp / fpp;
                told = tj;
            }
            if (!double.IsFinite(dtm)) dtm = 0; // only when every direction entry is 0
            dtm = Math.Max(0, dtm);
            told += dtm;
            for (int r = 0; r < w; r++) c[r] += dtm * p[r];
            for (int i = 0; i < n; i++)
                if (_d[i] != 0) _xc[i] = Math.Clamp(X[i] + told * _d[i], _l[i], _u[i]);
        }

        /// <summary>
        /// Direct primal subspace minimisation over the variables free at the Cauchy point, truncated to the box: x̄ into _xBar.
        /// </summary>
        private bool SubspaceMinimization()
        {
            int n = X.Length, k = _count, w = 2 * k, nf = 0;
            _xc.CopyTo(_xBar, 0);
            for (int i = 0; i < n; i++)
                if (_xc[i] > _l[i] && _xc[i] < _u[i]) _free[nf++] = i;
            if (nf == 0) return true;
            var c = _c.AsSpan(0, w);
            var mc = _mv.AsSpan(0, w);
            MulM(c, mc);
            var wb = _wb.AsSpan(0, w);
            var v = _v.AsSpan(0, w);
            v.Clear();
            var nMat = _nMat.AsSpan(0, w * w);
            nMat.Clear();
            // Reduced gradient r = Zᵀ(g + θ(xc − x) − W·M·c) into _du, v = WᵀZ·r, A = WᵀZZᵀW into _nMat.
            for (int f = 0; f < nf; f++)
            {
                int i = _free[f];
                double r = _g[i] + _theta * (_xc[i] - X[i]);
                if (k > 0)
                {
                    RowOfW(i, wb);
                    r -= Dot(wb, mc, w);
                    for (int a = 0; a < w; a++)
                    {
                        v[a] += wb[a] * r;
                        for (int b = 0; b < w; b++) nMat[a * w + b] += wb[a] * wb[b];
                    }
                }
                _du[i] = r;
            }
            if (k > 0)
            {
                // (B̂)⁻¹ = I/θ + ZᵀW·(I − M·WᵀZZᵀW/θ)⁻¹·M·WᵀZ/θ² (Sherman–Morrison–Woodbury); solve N·z = M·v.
                var mvv = _z.AsSpan(0, w);
                MulM(v, mvv);
                var nn = _work.AsSpan(0, w * w);
                for (int a = 0; a < w; a++)
                    for (int b = 0; b < w; b++)
                    {
                        double sum = 0;
                        for (int q = 0; q < w; q++) sum += _mMat[a * w + q] * nMat[q * w + b];
                        nn[a * w + b] = (a == b ? 1 : 0) - sum / _theta;
                    }
                if (!GaussJordan(nn, mvv, w, 1)) return false;
                for (int f = 0; f < nf; f++)
                {
                    int i = _free[f];
                    RowOfW(i, wb);
                    _du[i] = -_du[i] / _theta - Dot(wb, mvv, w) / (_theta * _theta);
                }
            }
            else
                for (int f = 0; f < nf; f++) _du[_free[f]] = -_du[_free[f]] / _theta;
            double alpha = 1;
            for (int f = 0; f < nf; f++)
            {
                int i = _free[f];
                double di = _du[i];
                if (di < 0 && double.IsFinite(_l[i])) alpha = Math.Min(alpha, (_l[i] - _xc[i]) / di);
                else if (di > 0 && double.IsFinite(_u[i])) alpha = Math.Min(alpha, (_u[i] - _xc[i]) / di);
            }
            alpha = Math.Max(alpha, 0);
            for (int f = 0; f < nf; f++)
            {
                int i = _free[f];
                _xBar[i] = Math.Clamp(_xc[i] + alpha * _du[i], _l[i], _u[i]);
            }
            return true;
        }

        private void ClearMemory()
        {
            _count = 0;
            _newest = -1;
            _theta = 1;
        }

        public override StepStatus Iterate()
        {
            for (int attempt = 0; attempt < 2; attempt++)
            {
                bool retry = attempt == 0 && _count > 0;
                CauchyPoint();
                if (!SubspaceMinimization())
                {
                    if (retry) { ClearMemory(); continue; }
                    FailureReason = TerminationReason.NumericalFailure;
                    Message = "The reduced L-BFGS-B system is singular.";
                    return StepStatus.Failed;
                }
                Vec.Subtract(_xBar, X, _d);
                double slope = Vec.Dot(_g, _d);
                if (!(slope < 0))
                {
                    if (retry) { ClearMemory(); continue; }
                    FailureReason = TerminationReason.LineSearchFailed;
                    Message = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"The L-BFGS-B step is not a descent direction (∇fᵀd = {slope:G6}) even from the projected steepest-descent path.");
                    return StepStatus.Failed;
                }
                double initial = 1;
                if (Accepted == 0 && !_bounded) initial = Math.Min(1.0, 1.0 / Math.Max(Vec.Norm2(_d), double.Epsilon));
                _line.Reset(X, _d);
                var search = (_bounded ? _capped : _uncapped).Search(_line, Value, slope, initial);
                // A failed search that still found sufficient, strict decrease (the step capped at 1, rounding-limited
                // intervals) is taken, as the Fortran code takes dcsrch's warnings.
                bool armijo = search.Step > 0 && search.Value < Value && search.Value <= Value + 1e-3 * search.Step * slope;
                if (search.Succeeded || (armijo && search.Status != LineSearchStatus.NonFinite && double.IsFinite(search.Value)))
                {
                    X.CopyTo(_xOld, 0);
                    _g.CopyTo(_gOld, 0);
                    Value = _line.Accept(search.Step, X, _g);
                    for (int i = 0; i < X.Length; i++) X[i] = Math.Clamp(X[i], _l[i], _u[i]); // rounding of x + d
                    Vec.Subtract(X, _xOld, _s);
                    Vec.Subtract(_g, _gOld, _y);
                    StepSize = search.Step;
                    Accepted++;
                    UpdateProjectedGradient();
                    StorePair();
                    return StepStatus.Accepted;
                }
                if (search.Status == LineSearchStatus.NonFinite)
                {
                    FailureReason = TerminationReason.NonFiniteValue;
                    Message = $"Line search: {search.Message} The last finite iterate is returned.";
                    return StepStatus.Failed;
                }
                if (retry) { ClearMemory(); continue; }
                FailureReason = TerminationReason.LineSearchFailed;
                Message = $"Line search (more-thuente) failed: {search.Status}. {search.Message}";
                return StepStatus.Failed;
            }
            return StepStatus.Failed;
        }

        private int Accepted { get; set; }

        /// <summary>Stores (s, y) when yᵀs is safely positive (<see cref="CurvaturePair"/>, as Lbfgs), then updates θ, the products and M.</summary>
        private void StorePair()
        {
            if (!CurvaturePair.Accept(_s, _y, out double ss, out double ys, out double yy)) return;
            int m = _m;
            _newest = (_newest + 1) % m;
            _s.CopyTo(_sMem[_newest], 0);
            _y.CopyTo(_yMem[_newest], 0);
            _count = Math.Min(_count + 1, m);
            for (int j = 0; j < _count; j++)
            {
                int sj = Slot(j);
                double sjy = sj == _newest ? ys : Vec.Dot(_sMem[sj], _y);
                double sjs = sj == _newest ? ss : Vec.Dot(_sMem[sj], _s);
                _sy[sj * m + _newest] = sjy;
                _sy[_newest * m + sj] = sj == _newest ? ys : Vec.Dot(_s, _yMem[sj]);
                _ss[sj * m + _newest] = _ss[_newest * m + sj] = sjs;
            }
            _theta = yy / ys;
            if (!FormMiddle()) ClearMemory();
        }
    }
}
