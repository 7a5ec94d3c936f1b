using Optima.Problems;
using Optima.Solvers.Global;

namespace Optima.Solvers.DerivativeFree;

/// <summary>
/// Powell's conjugate-direction method (Powell, Comput. J. 7, 1964) with the direction-replacement safeguard of
/// Numerical Recipes §10.7 (Press et al.): each driver iteration minimises f along each of n directions in turn (Brent's
/// parabolic/golden line search, Brent 1973, after a golden-section bracket), then replaces the direction of largest
/// decrease by the sweep's net displacement when that keeps the set from becoming linearly dependent. On a quadratic the
/// directions become conjugate, so n sweeps minimise it; no derivatives are used.
/// </summary>
/// <remarks>
/// The run converges when one sweep decreases f by no more than <see cref="ValueTolerance"/>·(|f| + |f_prev|)/2
/// (<see cref="TerminationReason.MethodTolerance"/>, test "sweep decrease"). With bounds (an <see cref="IBoundedObjective"/>)
/// every point is projected onto the box. A NaN or ±∞ value counts as +∞ (the count is in the result's message).
/// </remarks>
public sealed record Powell : IMinimizer<IObjective>
{
    /// <inheritdoc/>
    public string Name => "powell";

    /// <summary>Relative decrease of f per sweep at which the run stops. Default 1e-14.</summary>
    public double ValueTolerance { get; init; } = 1e-14;

    /// <summary>Relative accuracy of each line minimisation (Brent's tol; below √ε it buys nothing). Default 1e-8.</summary>
    public double LineTolerance { get; init; } = 1e-8;

    /// <inheritdoc/>
    public OptimizationResult Minimize(IObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        var bounds = SearchChecks.Start(problem, start);
        options ??= new SolverOptions();
        if (!(ValueTolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(ValueTolerance), ValueTolerance, "ValueTolerance must be ≥ 0.");
        if (!(LineTolerance > 0 && LineTolerance < 1)) throw new ArgumentOutOfRangeException(nameof(LineTolerance), LineTolerance, "LineTolerance must lie in (0, 1).");
        return ValueEvaluator.Run(Name, problem, start, options, (f, x) => new State(this, f, bounds, x));
    }

    private sealed class State(Powell m, ValueEvaluator f, BoxBounds? bounds, ReadOnlySpan<double> start) : MethodState(start)
    {
        private readonly int _n = start.Length;
        private readonly double[] _directions = Identity(start.Length), _x0 = new double[start.Length],
            _d = new double[start.Length], _point = new double[start.Length];
        private double[] _base = [];
        private readonly ConvergenceTest[] _tests = [new("sweep decrease", 0, double.NaN, false)];

        public override ReadOnlySpan<ConvergenceTest> ConvergenceTests => _tests;

        private static double[] Identity(int n)
        {
            var u = new double[n * n];
            for (int i = 0; i < n; i++) u[i * n + i] = 1;
            return u;
        }

        public override bool UsesGradient => false;

        public override bool Initialize()
        {
            Value = f.Value(X);
            return double.IsFinite(Value);
        }

        public override StepStatus Iterate()
        {
            double f0 = Value, biggest = 0;
            int ibig = 0;
            X.CopyTo(_x0, 0);
            for (int i = 0; i < _n; i++)
            {
                double before = Value;
                LineMinimize(_directions.AsSpan(i * _n, _n));
                if (before - Value > biggest)
                {
                    biggest = before - Value;
                    ibig = i;
                }
            }
            double threshold = 0.5 * m.ValueTolerance * (Math.Abs(f0) + Math.Abs(Value)) + 1e-300;
            _tests[0] = new("sweep decrease", threshold, f0 - Value, f0 - Value <= threshold);
            if (_tests[0].Met) return Value < f0 ? StepStatus.Accepted : StepStatus.Rejected;
            // Extrapolate along the sweep's displacement; adopt it as a direction when Powell's test allows.
            for (int j = 0; j < _n; j++)
            {
                _d[j] = X[j] - _x0[j];
                _point[j] = X[j] + _d[j];
            }
            bounds?.Clamp(_point);
            double fe = f.Value(_point);
            if (fe < f0)
            {
                double a = f0 - Value - biggest, b = f0 - fe;
                double t = 2 * (f0 - 2 * Value + fe) * a * a - biggest * b * b;
                if (t < 0)
                {
                    LineMinimize(_d);
                    _directions.AsSpan((_n - 1) * _n, _n).CopyTo(_directions.AsSpan(ibig * _n, _n));
                    _d.CopyTo(_directions.AsSpan((_n - 1) * _n, _n));
                }
            }
            return Value < f0 ? StepStatus.Accepted : StepStatus.Rejected;
        }

        /// <summary>φ(t) = f(x + t·u) (projected onto the box), NaN-safe.</summary>
        private double Phi(double t, ReadOnlySpan<double> u)
        {
            for (int j = 0; j < _n; j++) _point[j] = _base[j] + t * u[j];
            bounds?.Clamp(_point);
            return f.Value(_point);
        }

        /// <summary>Minimises along <paramref name="u"/> from X; moves X there when f decreased.</summary>
        private void LineMinimize(ReadOnlySpan<double> u)
        {
            if (_base.Length == 0) _base = new double[_n];
            X.CopyTo(_base, 0);
            double t = Brent(u, out double ft);
            if (ft < Value)
            {
                for (int j = 0; j < _n; j++) X[j] = _base[j] + t * u[j];
                bounds?.Clamp(X);
                Value = ft;
            }
            StepSize = Math.Abs(t);
        }

        private const double Golden = 1.618033988749895, Cgold = 0.3819660112501051;

        /// <summary>Bracket (golden expansion with parabolic steps, Numerical Recipes' mnbrak) then Brent's method.</summary>
        private double Brent(ReadOnlySpan<double> u, out double fmin)
        {
            double scale = 0;
            for (int j = 0; j < _n; j++) scale = Math.Max(scale, Math.Abs(_base[j]));
            double a = 0, b = Math.Max(1e-3 * Math.Max(scale, 1e-3), 1e-4), fa = Value, fb = Phi(b, u);
            if (fb > fa)
            {
                (a, b) = (b, a);
                (fa, fb) = (fb, fa);
            }
            double c = b + Golden * (b - a), fc = Phi(c, u);
            for (int k = 0; k < 60 && fb > fc; k++)
            {
                double r = (b - a) * (fb - fc), q = (b - c) * (fb - fa);
                double denom = 2 * Math.CopySign(Math.Max(Math.Abs(q - r), 1e-20), q - r);
                double w = b - ((b - c) * q - (b - a) * r) / denom, wlim = b + 100 * (c - b), fw;
                if (!double.IsFinite(w)) w = c + Golden * (c - b);
                if ((b - w) * (w - c) > 0)
                {
                    fw = Phi(w, u);
                    if (fw < fc) { (a, fa, b, fb) = (b, fb, w, fw); break; }
                    if (fw > fb) { (c, fc) = (w, fw); break; }
                    w = c + Golden * (c - b);
                    fw = Phi(w, u);
                }
                else if ((c - w) * (w - wlim) > 0)
                {
                    fw = Phi(w, u);
                    if (fw < fc)
                    {
                        (b, fb, c, fc) = (c, fc, w, fw);
                        w = c + Golden * (c - b);
                        fw = Phi(w, u);
                    }
                }
                else if ((w - wlim) * (wlim - c) >= 0) { w = wlim; fw = Phi(w, u); }
                else { w = c + Golden * (c - b); fw = Phi(w, u); }
                (a, fa, b, fb, c, fc) = (b, fb, c, fc, w, fw);
            }
            if (!(fb <= fc)) { fmin = Math.Min(fb, fc); return fb <= fc ? b : c; } // no bracket found in 60 expansions

            // Brent's method on [min(a, c), max(a, c)] with the best point b (Brent 1973, ch. 5).
            double lo = Math.Min(a, c), hi = Math.Max(a, c), x = b, v = b, wv = b, fx = fb, fv = fb, fwv = fb, d = 0, e = 0;
            for (int iter = 0; iter < 100; iter++)
            {
                double xm = 0.5 * (lo + hi), tol1 = m.LineTolerance * Math.Abs(x) + 1e-12 * Math.Max(scale, 1), tol2 = 2 * tol1;
                if (Math.Abs(x - xm) <= tol2 - 0.5 * (hi - lo)) break;
                bool golden = true;
                if (Math.Abs(e) > tol1)
                {
                    double r = (x - wv) * (fx - fv), q = (x - v) * (fx - fwv), p = (x - v) * q - (x - wv) * r;
                    q = 2 * (q - r);
                    if (q > 0) p = -p;
                    q = Math.Abs(q);
                    double etemp = e;
                    e = d;
                    if (!(Math.Abs(p) >= Math.Abs(0.5 * q * etemp) || p <= q * (lo - x) || p >= q * (hi - x)))
                    {
                        d = p / q;
                        double z = x + d;
                        if (z - lo < tol2 || hi - z < tol2) d = Math.CopySign(tol1, xm - x);
                        golden = false;
                    }
                }
                if (golden)
                {
                    e = x >= xm ? lo - x : hi - x;
                    d = Cgold * e;
                }
                double uu = Math.Abs(d) >= tol1 ? x + d : x + Math.CopySign(tol1, d);
                double fu = Phi(uu, u);
                if (fu <= fx)
                {
                    if (uu >= x) lo = x; else hi = x;
                    (v, fv, wv, fwv, x, fx) = (wv, fwv, x, fx, uu, fu);
                }
                else
                {
                    if (uu < x) lo = uu; else hi = uu;
                    if (fu <= fwv || wv == x) { (v, fv, wv, fwv) = (wv, fwv, uu, fu); }
                    else if (fu <= fv || v == x || v == wv) { (v, fv) = (uu, fu); }
                }
            }
            fmin = fx;
            return x;
        }
    }
}
