using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;
using Optima.Problems;
using Optima.Problems.Data;

namespace Optima.Solvers.Global;

/// <summary>
/// The covariance matrix adaptation evolution strategy, (μ/μ_w, λ)-CMA-ES with cumulative step-size adaptation, rank-one
/// and rank-μ updates, exactly as in Hansen's tutorial ("The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772,
/// Table 1 and Appendix A defaults), with optional IPOP restarts (Auger and Hansen, CEC 2005: on each restart λ doubles).
/// One driver iteration is one generation (λ evaluations, over <see cref="ComputeOptions.Threads"/>; the result does not
/// depend on the thread count).
/// </summary>
/// <remarks>
/// <para>λ = 4 + ⌊3 ln n⌋ unless given; the mean starts at the start point (a restart: uniform in the box when the box is
/// finite) and σ₀ = <see cref="InitialStepSize"/>, by default 0.3·(mean box width), or 0.3·max(1, ‖x₀‖∞) without a finite box.
/// With bounds, a sample outside the box is redrawn (up to 10 times) and then projected onto it.</para>
/// <para>A run (between restarts) ends when the generation's values and the recent best values agree to
/// <see cref="ValueTolerance"/>·max(1, |f_best|) (TolFun), when σ times every axis of C falls below
/// <see cref="StepTolerance"/>·max(1, ‖m‖∞) (TolX), or when C's condition number exceeds 10¹⁴. With restarts left the
/// search restarts with 2λ; otherwise the run stops with <see cref="TerminationReason.MethodTolerance"/> (its test "TolFun" or
/// "TolX" met), or <see cref="TerminationReason.NumericalFailure"/> on ill-conditioning.</para>
/// </remarks>
public sealed record CmaEs : IMinimizer<IObjective>
{
    /// <inheritdoc/>
    public string Name => "cmaes";

    /// <summary>λ of the first run; null (default) = 4 + ⌊3 ln n⌋. At least 2.</summary>
    public int? PopulationSize { get; init; }

    /// <summary>σ₀; null (default) = 0.3·(mean box width), or 0.3·max(1, ‖x₀‖∞) without a finite box.</summary>
    public double? InitialStepSize { get; init; }

    /// <summary>IPOP restarts with doubled λ after a run converges. Default 9 (0 turns restarts off).</summary>
    public int Restarts { get; init; } = 9;

    /// <summary>TolFun, relative to max(1, |f_best|). Default 1e-12.</summary>
    public double ValueTolerance { get; init; } = 1e-12;

    /// <summary>TolX, relative to max(1, ‖m‖∞). Default 1e-12.</summary>
    public double StepTolerance { get; init; } = 1e-12;

    /// <inheritdoc/>
    public OptimizationResult Minimize(IObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        var bounds = SearchChecks.Start(problem, start);
        options ??= new SolverOptions();
        int n = start.Length, lambda = PopulationSize ?? 4 + (int)Math.Floor(3 * Math.Log(n));
        SearchChecks.Population(lambda, 2, n, Name, "λ ≥ 2 so that μ ≥ 1 parents are selected");
        if (InitialStepSize is { } s && !(s > 0 && double.IsFinite(s))) throw new ArgumentOutOfRangeException(nameof(InitialStepSize), s, "InitialStepSize must be a finite number > 0.");
        ArgumentOutOfRangeException.ThrowIfNegative(Restarts);
        if (!(ValueTolerance >= 0) || !(StepTolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(ValueTolerance), "The tolerances must be ≥ 0.");
        double sigma = InitialStepSize ?? InitialSigma(bounds, start);
        return ValueEvaluator.Run(Name, problem, start, options, (f, x) => new State(this, x, lambda, sigma, bounds, f, options.Seed));
    }

    private static double InitialSigma(BoxBounds? bounds, ReadOnlySpan<double> start)
    {
        if (bounds is { IsFinite: true })
        {
            double width = 0;
            for (int i = 0; i < bounds.Dimension; i++) width += bounds.Upper[i] - bounds.Lower[i];
            width /= bounds.Dimension;
            if (width > 0) return 0.3 * width;
        }
        double scale = 1;
        foreach (var v in start) scale = Math.Max(scale, Math.Abs(v));
        return 0.3 * scale;
    }

    private sealed class State : MethodState
    {
        private readonly CmaEs _m;
        private readonly ValueEvaluator _f;
        private readonly BoxBounds? _bounds;
        private readonly Xoshiro256StarStar _rng;
        private readonly int _n;
        private readonly double _sigma0;
        private readonly double[] _start;
        private int _lambda, _mu, _restarts, _generation, _eigenAge;
        private double _sigma, _muEff, _cs, _ds, _cc, _c1, _cmu, _chiN;
        private double[] _weights = [], _points = [], _values = [], _keys = [], _z = [], _y = [];
        private int[] _order = [];
        private readonly double[] _mean, _ps, _pc, _yw, _tmp, _d;
        private readonly DenseMatrix _c, _b;
        private readonly double[] _history = new double[64]; // recent generations' best values (TolFun's window)
        private int _historyCount;
        private readonly ConvergenceTest[] _tests = [new("TolFun", 0, double.NaN, false), new("TolX", 0, double.NaN, false)];

        public override ReadOnlySpan<ConvergenceTest> ConvergenceTests => _tests;

        public State(CmaEs m, ReadOnlySpan<double> start, int lambda, double sigma, BoxBounds? bounds, ValueEvaluator f, ulong seed) : base(start)
        {
            _m = m;
            _f = f;
            _bounds = bounds;
            _rng = new Xoshiro256StarStar(seed);
            _n = start.Length;
            _start = start.ToArray();
            _sigma0 = sigma;
            _lambda = lambda;
            _mean = new double[_n];
            _ps = new double[_n];
            _pc = new double[_n];
            _yw = new double[_n];
            _tmp = new double[_n];
            _d = new double[_n];
            _c = new DenseMatrix(_n, _n);
            _b = new DenseMatrix(_n, _n);
        }

        public override bool UsesGradient => false;

        public override bool Initialize()
        {
            Value = _f.Value(X);
            if (!double.IsFinite(Value)) return false;
            Reset(_start);
            return true;
        }

        /// <summary>Starts a run with the current λ at <paramref name="mean"/>: Hansen's default parameters, C = I.</summary>
        private void Reset(ReadOnlySpan<double> mean)
        {
            int n = _n;
            _mu = _lambda / 2;
            _weights = new double[_mu];
            double sum = 0, sumSq = 0;
            for (int i = 0; i < _mu; i++) sum += _weights[i] = Math.Log((_lambda + 1) / 2.0) - Math.Log(i + 1);
            for (int i = 0; i < _mu; i++) sumSq += (_weights[i] /= sum) * _weights[i];
            _muEff = 1 / sumSq;
            _cs = (_muEff + 2) / (n + _muEff + 5);
            _ds = 1 + 2 * Math.Max(0, Math.Sqrt((_muEff - 1) / (n + 1)) - 1) + _cs;
            _cc = (4 + _muEff / n) / (n + 4 + 2 * _muEff / n);
            _c1 = 2 / ((n + 1.3) * (n + 1.3) + _muEff);
            _cmu = Math.Min(1 - _c1, 2 * (_muEff - 2 + 1 / _muEff) / ((n + 2) * (n + 2) + _muEff));
            _chiN = Math.Sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));
            _points = new double[_lambda * n];
            _values = new double[_lambda];
            _keys = new double[_lambda];
            _z = new double[_lambda * n];
            _y = new double[_lambda * n];
            _order = new int[_lambda];
            mean.CopyTo(_mean);
            _sigma = _sigma0;
            Array.Clear(_ps);
            Array.Clear(_pc);
            _c.Clear();
            _b.Clear();
            for (int i = 0; i < n; i++)
            {
                _c[i, i] = 1;
                _b[i, i] = 1;
                _d[i] = 1;
            }
            _generation = 0;
            _eigenAge = 0;
            _historyCount = 0;
        }

        public override StepStatus Iterate()
        {
            int n = _n;
            double previous = Value;
            // Sample λ points x = m + σ·B·D·z (redrawn up to 10 times while outside the box, then projected).
            for (int k = 0; k < _lambda; k++)
            {
                var z = _z.AsSpan(k * n, n);
                var y = _y.AsSpan(k * n, n);
                var x = _points.AsSpan(k * n, n);
                for (int attempt = 0; ; attempt++)
                {
                    for (int i = 0; i < n; i++) z[i] = _rng.NextGaussian();
                    for (int i = 0; i < n; i++)
                    {
                        double s = 0;
                        for (int j = 0; j < n; j++) s += _b[i, j] * _d[j] * z[j];
                        y[i] = s;
                        x[i] = _mean[i] + _sigma * s;
                    }
                    if (_bounds is null || _bounds.Contains(x)) break;
                    if (attempt == 9)
                    {
                        _bounds.Clamp(x);
                        for (int i = 0; i < n; i++) y[i] = (x[i] - _mean[i]) / _sigma;
                        break;
                    }
                }
            }
            _f.Values(_points, n, 0, _lambda, _values);
            // Rank by value: Array.Sort of a copy of the values with the indices (no allocation; deterministic for equal inputs).
            for (int k = 0; k < _lambda; k++) _order[k] = k;
            _values.AsSpan().CopyTo(_keys);
            Array.Sort(_keys, _order);
            int bestK = _order[0];
            if (_values[bestK] < Value)
            {
                _points.AsSpan(bestK * n, n).CopyTo(X);
                Value = _values[bestK];
            }

            // Recombination: y_w = Σ wᵢ y_{i:λ}; m ← m + σ·y_w.
            Array.Clear(_yw);
            for (int i = 0; i < _mu; i++)
            {
                var y = _y.AsSpan(_order[i] * n, n);
                for (int j = 0; j < n; j++) _yw[j] += _weights[i] * y[j];
            }
            for (int j = 0; j < n; j++) _mean[j] += _sigma * _yw[j];

            // Step-size path with C^{-1/2}·y_w = B·D⁻¹·Bᵀ·y_w.
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int i = 0; i < n; i++) s += _b[i, j] * _yw[i];
                _tmp[j] = s / _d[j];
            }
            double csFactor = Math.Sqrt(_cs * (2 - _cs) * _muEff), psNorm = 0;
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int j = 0; j < n; j++) s += _b[i, j] * _tmp[j];
                _ps[i] = (1 - _cs) * _ps[i] + csFactor * s;
                psNorm += _ps[i] * _ps[i];
            }
            psNorm = Math.Sqrt(psNorm);
            _generation++;
            bool hsig = psNorm / Math.Sqrt(1 - Math.Pow(1 - _cs, 2.0 * _generation)) < (1.4 + 2.0 / (n + 1)) * _chiN;
            double ccFactor = Math.Sqrt(_cc * (2 - _cc) * _muEff);
            for (int i = 0; i < n; i++) _pc[i] = (1 - _cc) * _pc[i] + (hsig ? ccFactor * _yw[i] : 0);

            // Covariance: rank-one and rank-μ updates (lower triangle, then mirrored).
            double decay = 1 - _c1 - _cmu + (hsig ? 0 : _c1 * _cc * (2 - _cc));
            for (int j = 0; j < n; j++)
                for (int i = j; i < n; i++)
                {
                    double rankMu = 0;
                    for (int k = 0; k < _mu; k++)
                    {
                        int o = _order[k] * n;
                        rankMu += _weights[k] * _y[o + i] * _y[o + j];
                    }
                    double c = decay * _c[i, j] + _c1 * _pc[i] * _pc[j] + _cmu * rankMu;
                    _c[i, j] = c;
                    _c[j, i] = c;
                }
            _sigma *= Math.Exp(_cs / _ds * (psNorm / _chiN - 1));

            // B and D from C, every 1/(10n(c₁+c_μ)) generations (Hansen's lazy update).
            bool illConditioned = false;
            if (++_eigenAge >= Math.Max(1, (int)(1 / (10 * n * (_c1 + _cmu)))))
            {
                _eigenAge = 0;
                if (!_c.IsFinite()) illConditioned = true;
                else
                {
                    var eigen = SymmetricEigen.Decompose(_c);
                    double max = eigen.Values[n - 1], min = eigen.Values[0];
                    if (!(min > 0) || max > 1e14 * min) illConditioned = true;
                    else
                    {
                        eigen.Vectors.CopyTo(_b);
                        for (int i = 0; i < n; i++) _d[i] = Math.Sqrt(eigen.Values[i]);
                    }
                }
            }
            StepSize = _sigma;

            // Termination of this run: TolFun, TolX, conditioning; then an IPOP restart or the end.
            if (_historyCount < _history.Length) _history[_historyCount++] = _values[bestK];
            else
            {
                Array.Copy(_history, 1, _history, 0, _history.Length - 1);
                _history[^1] = _values[bestK];
            }
            double scaleF = Math.Max(1, Math.Abs(Value)), range = double.NaN;
            int window = Math.Min(_history.Length, 10 + (int)Math.Ceiling(30.0 * n / _lambda));
            if (_historyCount >= window)
            {
                double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
                for (int i = _historyCount - window; i < _historyCount; i++) { lo = Math.Min(lo, _history[i]); hi = Math.Max(hi, _history[i]); }
                for (int k = 0; k < _lambda; k++) { lo = Math.Min(lo, _values[k]); hi = Math.Max(hi, _values[k]); }
                range = hi - lo;
            }
            double axis = 0, meanScale = 1;
            for (int i = 0; i < n; i++)
            {
                axis = Math.Max(axis, Math.Max(Math.Sqrt(_c[i, i]), Math.Abs(_pc[i])));
                meanScale = Math.Max(meanScale, Math.Abs(_mean[i]));
            }
            bool tolFun = range <= _m.ValueTolerance * scaleF, tolX = _sigma * axis <= _m.StepTolerance * meanScale;
            if (illConditioned || tolFun || tolX)
            {
                if (_restarts < _m.Restarts)
                {
                    _restarts++;
                    _lambda *= 2;
                    if (_bounds is { IsFinite: true })
                        for (int i = 0; i < n; i++) _tmp[i] = _rng.NextDouble(_bounds.Lower[i], _bounds.Upper[i]);
                    else _start.CopyTo(_tmp, 0);
                    Reset(_tmp);
                }
                else if (illConditioned)
                {
                    FailureReason = TerminationReason.NumericalFailure;
                    Message = $"CMA-ES: C's condition number exceeded 1e14 after {_restarts} restart(s).";
                    return StepStatus.Failed; // X is the best point seen
                }
                else
                {
                    // The last run converged and no restart is left: the driver stops with MethodTolerance.
                    _tests[0] = new("TolFun", _m.ValueTolerance * scaleF, range, tolFun);
                    _tests[1] = new("TolX", _m.StepTolerance * meanScale, _sigma * axis, tolX);
                }
            }
            return Value < previous ? StepStatus.Accepted : StepStatus.Rejected;
        }
    }
}
