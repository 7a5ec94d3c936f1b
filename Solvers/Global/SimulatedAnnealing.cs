using Optima.Problems;
using Optima.Problems.Data;
using Optima.Solvers.DerivativeFree;

namespace Optima.Solvers.Global;

/// <summary>
/// Simulated annealing for continuous variables with per-coordinate step adaptation (Corana, Marchesi, Martini and
/// Ridella, ACM TOMS 13, 1987; the SIMANN form of Goffe, Ferrier and Rogers, J. Econometrics 60, 1994): a move changes one
/// coordinate by a uniform step in ±vₕ (or, with probability <see cref="LongMoveProbability"/>, redraws it over its whole
/// interval) and is accepted by the Metropolis rule at temperature T; every
/// <see cref="SweepsPerAdjustment"/> sweeps each vₕ is widened or narrowed to keep its acceptance ratio near ½, and every
/// <see cref="AdjustmentsPerTemperature"/> adjustments T is multiplied by <see cref="Cooling"/> and the walk restarts at the
/// best point. With <see cref="LocalSearch"/> (default) a temperature that improved the best point ends with a bounded
/// <see cref="Powell"/> search from it, as SciPy's dual_annealing ends its stages with a local search; the annealing finds
/// the basin, the local search its bottom. One driver iteration is one sweep over the n coordinates (n evaluations,
/// sequential by nature; a local search counts its evaluations into the iteration that ends the temperature).
/// </summary>
/// <remarks>
/// Bounds are part of the problem (an <see cref="IBoundedObjective"/> with finite ends); a move that leaves the box is
/// redrawn uniformly in that coordinate's interval. T₀ is the standard deviation of f over 2n + 10 uniform samples of the
/// box (so the first temperature accepts most uphill moves). The run converges (Corana's test) when, at the end of a
/// temperature, the current value and the last four temperatures' end values are within
/// <see cref="ValueTolerance"/>·max(1, |f_best|) of the best (<see cref="TerminationReason.MethodTolerance"/>, test "temperature ends").
/// Randomness comes from <see cref="RunOptions.Seed"/>. A NaN or ±∞ value is a rejected move, counted in the message.
/// </remarks>
public sealed record SimulatedAnnealing : IMinimizer<IObjective>
{
    /// <inheritdoc/>
    public string Name => "anneal";

    /// <summary>Temperature factor per stage, in (0, 1). Default 0.85 (Corana).</summary>
    public double Cooling { get; init; } = 0.85;

    /// <summary>Sweeps between step adjustments (Corana's N_S). Default 20.</summary>
    public int SweepsPerAdjustment { get; init; } = 20;

    /// <summary>Step adjustments per temperature (Corana's N_T). Default 5.</summary>
    public int AdjustmentsPerTemperature { get; init; } = 5;

    /// <summary>The initial temperature; null (default) = the spread of f over random samples of the box.</summary>
    public double? InitialTemperature { get; init; }

    /// <summary>Polish the best point with a bounded Powell search after each temperature that improved it. Default true.</summary>
    public bool LocalSearch { get; init; } = true;

    /// <summary>
    /// The probability that a move redraws its coordinate uniformly over the whole interval instead of stepping within
    /// ±vₕ. Default 0.3. Corana's steps adapt to the current basin, so once the temperature is low enough to tell basins
    /// apart the walk can no longer leave its own (on Rastrigin the basins' bottoms differ by ~1 while the barriers
    /// between them are ~20); these long moves keep visiting other basins at every temperature and are accepted when they
    /// land lower, as dual_annealing's heavy-tailed visits are. 0 gives Corana's method.
    /// </summary>
    public double LongMoveProbability { get; init; } = 0.3;

    /// <summary>Corana's ε, relative to max(1, |f_best|). Default 1e-10.</summary>
    public double ValueTolerance { get; init; } = 1e-10;

    /// <inheritdoc/>
    public OptimizationResult Minimize(IObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        var bounds = SearchChecks.FiniteBox(problem, start, Name);
        options ??= new SolverOptions();
        if (!(Cooling > 0 && Cooling < 1)) throw new ArgumentOutOfRangeException(nameof(Cooling), Cooling, "Cooling must lie in (0, 1).");
        ArgumentOutOfRangeException.ThrowIfLessThan(SweepsPerAdjustment, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(AdjustmentsPerTemperature, 1);
        if (InitialTemperature is { } t && !(t > 0 && double.IsFinite(t))) throw new ArgumentOutOfRangeException(nameof(InitialTemperature), t, "The initial temperature must be a finite number > 0.");
        if (!(LongMoveProbability >= 0 && LongMoveProbability < 1)) throw new ArgumentOutOfRangeException(nameof(LongMoveProbability), LongMoveProbability, "LongMoveProbability must lie in [0, 1).");
        if (!(ValueTolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(ValueTolerance), ValueTolerance, "ValueTolerance must be ≥ 0.");
        return ValueEvaluator.Run(Name, problem, start, options, (f, x) => new State(this, x, bounds, f, options));
    }

    private sealed class State(SimulatedAnnealing m, ReadOnlySpan<double> start, BoxBounds bounds, ValueEvaluator f, SolverOptions options)
        : MethodState(start)
    {
        private readonly Xoshiro256StarStar _rng = new(options.Seed);
        private double _bestAtStage = double.PositiveInfinity;
        private readonly int _n = start.Length;
        private readonly double[] _x = start.ToArray(), _trial = new double[start.Length], _steps = new double[start.Length], _lastEnds = new double[4];
        private readonly int[] _accepted = new int[start.Length], _proposed = new int[start.Length];
        private double _fx, _temperature;
        private int _sweeps, _adjustments, _ends;

        public override bool UsesGradient => false;

        public override bool Initialize()
        {
            _fx = f.Value(_x);
            Value = _fx;
            if (!double.IsFinite(_fx)) return false;
            for (int i = 0; i < _n; i++) _steps[i] = 0.5 * (bounds.Upper[i] - bounds.Lower[i]);
            if (m.InitialTemperature is { } t0) _temperature = t0;
            else
            {
                // T₀: the standard deviation of f over uniform samples of the box (Welford), 1 when they are all equal.
                double mean = 0, m2 = 0;
                int count = 0, samples = 2 * _n + 10;
                for (int s = 0; s < samples; s++)
                {
                    for (int i = 0; i < _n; i++) _trial[i] = _rng.NextDouble(bounds.Lower[i], bounds.Upper[i]);
                    double v = f.Value(_trial);
                    if (v < Value) { _trial.CopyTo(X, 0); Value = v; }
                    if (!double.IsFinite(v)) continue;
                    count++;
                    double delta = v - mean;
                    mean += delta / count;
                    m2 += delta * (v - mean);
                }
                double sd = count > 1 ? Math.Sqrt(m2 / (count - 1)) : 0;
                _temperature = sd > 0 && double.IsFinite(sd) ? sd : 1;
            }
            StepSize = _temperature;
            return true;
        }

        public override StepStatus Iterate()
        {
            double previous = Value;
            for (int h = 0; h < _n; h++)
            {
                _x.CopyTo(_trial, 0);
                bool local = m.LongMoveProbability == 0 || _rng.NextDouble() >= m.LongMoveProbability;
                double v = local ? _x[h] + (2 * _rng.NextDouble() - 1) * _steps[h] : double.NaN; // NaN: redrawn below, as a step out of the box
                _trial[h] = v >= bounds.Lower[h] && v <= bounds.Upper[h] ? v : _rng.NextDouble(bounds.Lower[h], bounds.Upper[h]);
                if (local) _proposed[h]++;
                double ft = f.Value(_trial), coin = _rng.NextDouble();
                if (ft <= _fx || coin < Math.Exp(-(ft - _fx) / _temperature))
                {
                    _x[h] = _trial[h];
                    _fx = ft;
                    if (local) _accepted[h]++;
                    if (ft < Value)
                    {
                        _x.CopyTo(X, 0);
                        Value = ft;
                    }
                }
            }
            if (++_sweeps == m.SweepsPerAdjustment)
            {
                _sweeps = 0;
                for (int h = 0; h < _n; h++)
                {
                    // Corana's rule: keep each coordinate's acceptance ratio between 0.4 and 0.6 (c = 2).
                    // (over the local moves only: the long ones say nothing about the step's size)
                    double ratio = _proposed[h] > 0 ? (double)_accepted[h] / _proposed[h] : 0.5;
                    if (ratio > 0.6) _steps[h] *= 1 + 2 * (ratio - 0.6) / 0.4;
                    else if (ratio < 0.4) _steps[h] /= 1 + 2 * (0.4 - ratio) / 0.4;
                    _steps[h] = Math.Min(_steps[h], bounds.Upper[h] - bounds.Lower[h]);
                    _accepted[h] = _proposed[h] = 0;
                }
                if (++_adjustments == m.AdjustmentsPerTemperature)
                {
                    _adjustments = 0;
                    EndOfTemperature();
                }
            }
            return Value < previous ? StepStatus.Accepted : StepStatus.Rejected;
        }

        /// <summary>A bounded Powell search from the best point, within what is left of the evaluation budget.</summary>
        private void Polish()
        {
            long left = options.MaxEvaluations - f.Calls;
            if (left < 2 * _n + 2) return;
            var local = new Powell { ValueTolerance = 1e-12 }.Minimize(new Counted(f, bounds), X,
                new SolverOptions { MaxEvaluations = (int)Math.Min(left, 1000L * _n), MaxIterations = 100, CancellationToken = options.CancellationToken });
            if (local.Value < Value)
            {
                local.Solution.CopyTo(X, 0);
                Value = local.Value;
            }
        }

        /// <summary>The box-bounded objective whose evaluations go through the annealing's evaluator (counted, NaN-safe).</summary>
        private sealed class Counted(ValueEvaluator f, BoxBounds bounds) : IBoundedObjective
        {
            public BoxBounds Bounds => bounds;
            public int Dimension => bounds.Dimension;
            public double Value(ReadOnlySpan<double> x) => f.Value(x);
        }

        private readonly ConvergenceTest[] _tests = [new("temperature ends", 0, double.NaN, false)];

        public override ReadOnlySpan<ConvergenceTest> ConvergenceTests => _tests;

        /// <summary>Corana's test (met: the driver stops with MethodTolerance), else cool and restart the walk at the best point.</summary>
        private void EndOfTemperature()
        {
            double eps = m.ValueTolerance * Math.Max(1, Math.Abs(Value)), worst = Math.Abs(_fx - Value);
            for (int i = 0; i < _lastEnds.Length; i++) worst = Math.Max(worst, Math.Abs(_lastEnds[i] - _fx));
            _lastEnds[_ends++ % _lastEnds.Length] = _fx;
            _tests[0] = new("temperature ends", eps, worst, _ends > _lastEnds.Length && worst <= eps);
            if (_tests[0].Met) return;
            if (m.LocalSearch && Value < _bestAtStage) Polish();
            _bestAtStage = Value;
            _temperature *= m.Cooling;
            StepSize = _temperature;
            X.CopyTo(_x, 0);
            _fx = Value;
        }
    }
}
