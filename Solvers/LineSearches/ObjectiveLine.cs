using Optima.Problems;
using Optima.Solvers.Internal;

namespace Optima.Solvers.LineSearches;

/// <summary>
/// φ(α) = f(x + α·d) over an <see cref="IGradientObjective"/>, with buffers allocated once: the methods' bridge
/// between a problem and an <see cref="ILineSearch"/>. It remembers the last point it evaluated, so the accepted
/// step's point and gradient are reused rather than recomputed.
/// </summary>
public sealed class ObjectiveLine : ILineFunction
{
    private readonly IGradientObjective _problem;
    private readonly double[] _trial, _trialGradient;
    private double[] _x, _d;
    private double _lastAlpha = double.NaN, _lastValue = double.NaN;
    private bool _lastHasGradient;

    /// <summary>Creates the line function for <paramref name="problem"/>.</summary>
    public ObjectiveLine(IGradientObjective problem)
    {
        _problem = problem ?? throw new ArgumentNullException(nameof(problem));
        _trial = new double[problem.Dimension];
        _trialGradient = new double[problem.Dimension];
        _x = _d = [];
    }

    /// <summary>Points the line at origin <paramref name="x"/> and direction <paramref name="d"/> (the arrays are referenced, not copied).</summary>
    public void Reset(double[] x, double[] d)
    {
        _x = x;
        _d = d;
        _lastAlpha = double.NaN;
        _lastHasGradient = false;
    }

    /// <inheritdoc/>
    public double Value(double alpha)
    {
        Vec.AddScaled(_x, alpha, _d, _trial);
        _lastValue = _problem.Value(_trial);
        _lastAlpha = alpha;
        _lastHasGradient = false;
        return _lastValue;
    }

    /// <inheritdoc/>
    public double ValueAndSlope(double alpha, out double slope)
    {
        Vec.AddScaled(_x, alpha, _d, _trial);
        _lastValue = _problem.ValueAndGradient(_trial, _trialGradient);
        _lastAlpha = alpha;
        _lastHasGradient = true;
        slope = Vec.Dot(_trialGradient, _d);
        return _lastValue;
    }

    /// <summary>
    /// Writes the point x + α·d and its gradient into <paramref name="point"/> and <paramref name="gradient"/>,
    /// evaluating only when the last evaluation was not at α with a gradient. Returns f there.
    /// </summary>
    public double Accept(double alpha, Span<double> point, Span<double> gradient)
    {
        if (!(_lastAlpha == alpha && _lastHasGradient)) ValueAndSlope(alpha, out _);
        _trial.CopyTo(point);
        _trialGradient.CopyTo(gradient);
        return _lastValue;
    }
}
