using Optima.Problems;
using Optima.Solvers.Global;

namespace Optima.Solvers.DerivativeFree;

/// <summary>
/// The Nelder–Mead simplex method (Nelder and Mead, Comput. J. 7, 1965; the variant of Lagarias, Reeds, Wright and
/// Wright, SIAM J. Optim. 9, 1998) on f alone. With <see cref="Adaptive"/> (default) the coefficients follow Gao and Han
/// (Comput. Optim. Appl. 51, 2012): reflection 1, expansion 1 + 2/n, contraction 0.75 − 1/(2n), shrink 1 − 1/n, which
/// keeps the method effective in higher dimensions where the standard (1, 2, ½, ½) stalls. One driver iteration is one
/// simplex step (reflection, expansion, contraction or shrink).
/// </summary>
/// <remarks>
/// <para>The initial simplex is x₀ and x₀ + hᵢeᵢ with hᵢ = <see cref="InitialStep"/>·xᵢ (0.00025 where xᵢ = 0), as
/// MATLAB's fminsearch and SciPy do. The run converges when the simplex is small and flat at once: maxᵢ ‖xᵢ − x_best‖∞ ≤
/// <see cref="SimplexTolerance"/>·max(1, ‖x_best‖∞) and maxᵢ |fᵢ − f_best| ≤ <see cref="ValueTolerance"/>·max(1, |f_best|).
/// Nelder–Mead can converge to a non-stationary point (McKinnon, SIAM J. Optim. 9, 1998), so on convergence it restarts
/// with a fresh simplex at the best vertex, up to <see cref="Restarts"/> times, as long as the previous restart still
/// improved f; the run then stops with <see cref="TerminationReason.MethodTolerance"/>, its tests "simplex size" and
/// "value spread" met (or "simplex collapse" when the simplex shrank to rounding level without flattening).</para>
/// <para>With bounds (an <see cref="IBoundedObjective"/>) every trial point is projected onto the box. A NaN or ±∞ value
/// counts as the worst vertex (the count is in the result's message).</para>
/// </remarks>
public sealed record NelderMead : IMinimizer<IObjective>
{
    /// <inheritdoc/>
    public string Name => "nelder-mead";

    /// <summary>Gao–Han dimension-dependent coefficients (true, default) or the standard 1, 2, ½, ½.</summary>
    public bool Adaptive { get; init; } = true;

    /// <summary>Relative size of the initial simplex's edges. Default 0.05.</summary>
    public double InitialStep { get; init; } = 0.05;

    /// <summary>Relative simplex size at which the run may stop. Default 1e-10.</summary>
    public double SimplexTolerance { get; init; } = 1e-10;

    /// <summary>Relative spread of f over the simplex at which the run may stop. Default 1e-14.</summary>
    public double ValueTolerance { get; init; } = 1e-14;

    /// <summary>Restarts from the best vertex after convergence (each only while the previous one improved f). Default 2.</summary>
    public int Restarts { get; init; } = 2;

    /// <inheritdoc/>
    public OptimizationResult Minimize(IObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        var bounds = SearchChecks.Start(problem, start);
        options ??= new SolverOptions();
        if (!(InitialStep > 0 && double.IsFinite(InitialStep))) throw new ArgumentOutOfRangeException(nameof(InitialStep), InitialStep, "InitialStep must be a finite number > 0.");
        if (!(SimplexTolerance >= 0) || !(ValueTolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(SimplexTolerance), "The tolerances must be ≥ 0.");
        ArgumentOutOfRangeException.ThrowIfNegative(Restarts);
        return ValueEvaluator.Run(Name, problem, start, options, (f, x) => new State(this, f, bounds, x));
    }

    private sealed class State : MethodState
    {
        private readonly NelderMead _m;
        private readonly ValueEvaluator _f;
        private readonly BoxBounds? _bounds;
        private readonly int _n;
        private readonly double[] _simplex, _values, _centroid, _trial, _trial2;
        private readonly int[] _order;
        private readonly double _reflect, _expand, _contract, _shrink;
        private int _restarts;
        private double _valueAtRestart = double.NaN;
        private readonly ConvergenceTest[] _tests =
            [new("simplex size", 0, double.NaN, false), new("value spread", 0, double.NaN, false), new("simplex collapse", 0, double.NaN, false)];

        public override ReadOnlySpan<ConvergenceTest> ConvergenceTests => _tests;

        public State(NelderMead m, ValueEvaluator f, BoxBounds? bounds, ReadOnlySpan<double> start) : base(start)
        {
            _m = m;
            _f = f;
            _bounds = bounds;
            _n = start.Length;
            _simplex = new double[(_n + 1) * _n];
            _values = new double[_n + 1];
            _order = new int[_n + 1];
            _centroid = new double[_n];
            _trial = new double[_n];
            _trial2 = new double[_n];
            double n = _n;
            (_reflect, _expand, _contract, _shrink) = m.Adaptive && _n > 1
                ? (1.0, 1 + 2 / n, 0.75 - 1 / (2 * n), 1 - 1 / n)
                : (1.0, 2.0, 0.5, 0.5);
        }

        public override bool UsesGradient => false;

        private Span<double> Vertex(int i) => _simplex.AsSpan(i * _n, _n);

        public override bool Initialize()
        {
            X.CopyTo(Vertex(0));
            _values[0] = _f.Value(X);
            Value = _values[0];
            if (!double.IsFinite(Value)) return false;
            Build();
            return true;
        }

        /// <summary>The simplex around vertex 0 (evaluates the n new vertices).</summary>
        private void Build()
        {
            var x0 = Vertex(0);
            for (int i = 1; i <= _n; i++)
            {
                var v = Vertex(i);
                x0.CopyTo(v);
                double h = x0[i - 1] != 0 ? _m.InitialStep * x0[i - 1] : 0.00025;
                v[i - 1] += h;
                if (_bounds is not null)
                {
                    _bounds.Clamp(v);
                    if (v[i - 1] == x0[i - 1]) v[i - 1] -= h; // against an upper bound: step the other way
                    _bounds.Clamp(v);
                }
                _values[i] = _f.Value(v);
            }
            for (int i = 0; i <= _n; i++) _order[i] = i;
            Sort();
            StepSize = Diameter();
        }

        private void Sort()
        {
            // Insertion sort of n + 1 indices by value (stable, so ties keep their order: reproducible).
            for (int i = 1; i < _order.Length; i++)
            {
                int k = _order[i], j = i - 1;
                while (j >= 0 && _values[_order[j]] > _values[k]) { _order[j + 1] = _order[j]; j--; }
                _order[j + 1] = k;
            }
            Vertex(_order[0]).CopyTo(X);
            Value = _values[_order[0]];
        }

        private double Diameter()
        {
            var best = Vertex(_order[0]);
            double d = 0;
            for (int i = 1; i <= _n; i++)
            {
                var v = Vertex(_order[i]);
                for (int j = 0; j < _n; j++) d = Math.Max(d, Math.Abs(v[j] - best[j]));
            }
            return d;
        }

        /// <summary>trial = c + t·(c − worst), projected onto the box; returns its value.</summary>
        private double Point(double t, Span<double> trial)
        {
            var worst = Vertex(_order[_n]);
            for (int j = 0; j < _n; j++) trial[j] = _centroid[j] + t * (_centroid[j] - worst[j]);
            _bounds?.Clamp(trial);
            return _f.Value(trial);
        }

        private void Replace(ReadOnlySpan<double> point, double value)
        {
            point.CopyTo(Vertex(_order[_n]));
            _values[_order[_n]] = value;
        }

        public override StepStatus Iterate()
        {
            double previous = Value;
            Array.Clear(_centroid);
            for (int i = 0; i < _n; i++)
            {
                var v = Vertex(_order[i]);
                for (int j = 0; j < _n; j++) _centroid[j] += v[j];
            }
            for (int j = 0; j < _n; j++) _centroid[j] /= _n;

            double best = _values[_order[0]], second = _values[_order[_n - 1]], worst = _values[_order[_n]];
            double fr = Point(_reflect, _trial);
            if (fr < best)
            {
                double fe = Point(_reflect * _expand, _trial2);
                if (fe < fr) Replace(_trial2, fe);
                else Replace(_trial, fr);
            }
            else if (fr < second) Replace(_trial, fr);
            else
            {
                bool outside = fr < worst;
                double fc = Point(outside ? _reflect * _contract : -_contract, _trial2);
                if (outside ? fc <= fr : fc < worst) Replace(_trial2, fc);
                else Shrink();
            }
            Sort();
            StepSize = Diameter();

            if (Converged())
            {
                bool improvedSinceRestart = double.IsNaN(_valueAtRestart) || Value < _valueAtRestart - _m.ValueTolerance * Math.Max(1, Math.Abs(Value));
                if (_restarts < _m.Restarts && improvedSinceRestart)
                {
                    _restarts++;
                    _valueAtRestart = Value;
                    int b = _order[0];
                    if (b != 0)
                    {
                        Vertex(b).CopyTo(Vertex(0));
                        _values[0] = _values[b];
                    }
                    Build();
                    return Value < previous ? StepStatus.Accepted : StepStatus.Rejected;
                }
                // Both tests met: a small, flat simplex; otherwise one collapsed to rounding level without flattening.
                double scale = Scale(), spread = _values[_order[_n]] - Value;
                bool small = SmallAndFlat();
                _tests[0] = new("simplex size", _m.SimplexTolerance * scale, StepSize, small);
                _tests[1] = new("value spread", _m.ValueTolerance * Math.Max(1, Math.Abs(Value)), spread, small);
                _tests[2] = new("simplex collapse", 4 * double.Epsilon + 4e-16 * scale, StepSize, !small);
            }
            return Value < previous ? StepStatus.Accepted : StepStatus.Rejected;
        }

        private void Shrink()
        {
            var best = Vertex(_order[0]);
            for (int i = 1; i <= _n; i++)
            {
                var v = Vertex(_order[i]);
                for (int j = 0; j < _n; j++) v[j] = best[j] + _shrink * (v[j] - best[j]);
                _values[_order[i]] = _f.Value(v);
            }
        }

        private double Scale() => Math.Max(1, Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude<double>(X)));

        // Size and spread both small; or the simplex has collapsed to rounding level, where no step can make progress.
        private bool Converged() => SmallAndFlat() || Degenerate();

        private bool SmallAndFlat() =>
            StepSize <= _m.SimplexTolerance * Scale() && _values[_order[_n]] - Value <= _m.ValueTolerance * Math.Max(1, Math.Abs(Value));

        private bool Degenerate() => StepSize <= 4 * double.Epsilon + 4e-16 * Scale();
    }
}
