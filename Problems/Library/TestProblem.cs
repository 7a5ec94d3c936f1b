using System.Numerics;
using Optima.LinearAlgebra;
using Optima.Problems.Derivatives;

namespace Optima.Problems.Library;

/// <summary>
/// A problem from the test-problem library: an objective with an analytic gradient, written once in generic math
/// (so exact derivatives by <see cref="AutoDiff"/> are always available for checking), a standard starting point,
/// and what is known about its minimisers.
/// </summary>
/// <remarks>
/// Evaluation methods reuse internal buffers, so one instance must not be used from several threads at once.
/// </remarks>
public abstract class TestProblem : IHessianObjective, IScalarFunction
{
    /// <summary>Short unique name, as used by the CLI (<c>rosenbrock</c>, <c>mgh-box3d</c> …).</summary>
    public abstract string Name { get; }

    /// <summary>A one-line description for tables.</summary>
    public virtual string Description => Name;

    /// <summary>Where the problem is defined (paper, book, equation).</summary>
    public virtual string Reference => "";

    /// <inheritdoc/>
    public abstract int Dimension { get; }

    /// <summary>The standard starting point from the literature (a fresh array each call).</summary>
    public abstract double[] StandardStart();

    /// <summary>
    /// Known global minimisers (fresh arrays), or none when they are not known in closed form. Problems with
    /// several global minima list all of them (Himmelblau has four).
    /// </summary>
    public virtual IReadOnlyList<double[]> KnownMinimizers() => [];

    /// <summary>The known minimum value f*, or null when it is not known.</summary>
    public virtual double? KnownMinimum => null;

    /// <summary>
    /// True when the known minimum is a local one that solvers are expected to reach from the standard start
    /// (several MGH problems have other, lower local minima, or the listed value is the one the literature reports).
    /// </summary>
    public virtual bool KnownMinimumIsLocal => false;

    /// <summary>True when <see cref="Hessian"/> is hand-derived; otherwise it comes from exact forward-mode autodiff.</summary>
    public virtual bool HasAnalyticHessian => false;

    /// <summary>
    /// The box [lower, upper] from which property tests draw random points: a region where the function is defined
    /// and of moderate size. The default spans the standard start and the known minimisers, widened by 1.
    /// </summary>
    public virtual (double[] Lower, double[] Upper) SamplingBox()
    {
        double[] lo = StandardStart(), hi = StandardStart();
        foreach (var m in KnownMinimizers())
            for (int i = 0; i < lo.Length; i++)
            {
                lo[i] = Math.Min(lo[i], m[i]);
                hi[i] = Math.Max(hi[i], m[i]);
            }
        for (int i = 0; i < lo.Length; i++)
        {
            lo[i] -= 1;
            hi[i] += 1;
        }
        return (lo, hi);
    }

    /// <summary>f(x) in generic math: the single definition every derivative is checked against.</summary>
    public abstract T Evaluate<T>(ReadOnlySpan<T> x) where T : IFloatingPointIeee754<T>;

    /// <inheritdoc/>
    public virtual double Value(ReadOnlySpan<double> x)
    {
        CheckLength(x.Length, nameof(x));
        return Evaluate(x);
    }

    /// <summary>f(x) and the analytic gradient.</summary>
    public abstract double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient);

    /// <summary>The Hessian: analytic where <see cref="HasAnalyticHessian"/>, otherwise exact by forward-over-forward autodiff.</summary>
    public virtual void Hessian(ReadOnlySpan<double> x, DenseMatrix hessian)
    {
        CheckLength(x.Length, nameof(x));
        AutoDiff.Hessian(this, x, hessian);
    }

    /// <summary>∇²f(x)·v, exact by forward-over-forward autodiff unless overridden.</summary>
    public virtual void HessianVector(ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> result)
    {
        CheckLength(x.Length, nameof(x));
        AutoDiff.HessianVector(this, x, v, result);
    }

    /// <summary>The name.</summary>
    public override string ToString() => Name;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the argument when a length differs from <see cref="Dimension"/>.</summary>
    protected void CheckLength(int length, string name)
    {
        if (length != Dimension)
            throw new ArgumentException($"{Name}: {name} has length {length}; the problem has dimension {Dimension}.", name);
    }

    /// <summary>Converts a double constant into T (shorthand for generic code).</summary>
    protected static T C<T>(double value) where T : IFloatingPointIeee754<T> => T.CreateChecked(value);
}
