namespace Optima.Problems.Library;

/// <summary>
/// A scalable global-optimization test function with its standard search domain [lo, hi]ⁿ as part of the problem
/// (<see cref="IBoundedObjective"/>): many local minima, one global minimum, the domain is what population methods sample.
/// </summary>
public abstract class BoxedTestProblem : TestProblem, IBoundedObjective
{
    private readonly double _lower, _upper;

    /// <summary>Creates the problem in dimension <paramref name="n"/> on the domain [<paramref name="lower"/>, <paramref name="upper"/>]ⁿ.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    protected BoxedTestProblem(int n, double lower, double upper)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "The dimension must be at least 1.");
        Dimension = n;
        _lower = lower;
        _upper = upper;
        Bounds = BoxBounds.Uniform(n, lower, upper);
    }

    /// <summary>The default dimension, 10.</summary>
    public const int DefaultDimension = 10;

    /// <inheritdoc/>
    public override int Dimension { get; }

    /// <summary>The standard search domain [lo, hi]ⁿ.</summary>
    public BoxBounds Bounds { get; }

    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;

    /// <summary>The sampling box is the search domain.</summary>
    public override (double[] Lower, double[] Upper) SamplingBox() => (Bounds.Lower.ToArray(), Bounds.Upper.ToArray());

    /// <summary>A point with every coordinate equal to <paramref name="value"/>.</summary>
    protected double[] Fill(double value)
    {
        var x = new double[Dimension];
        Array.Fill(x, value);
        return x;
    }

    /// <summary>The domain as text, for descriptions.</summary>
    protected string Domain => FormattableString.Invariant($"[{_lower}, {_upper}]^{Dimension}");
}

/// <summary>
/// Rastrigin's function f(x) = 10n + Σ (xᵢ² − 10 cos 2πxᵢ) on [−5.12, 5.12]ⁿ: a parabola carrying a regular grid of
/// about 10ⁿ local minima; global minimum 0 at the origin. Standard start (2.5, …, 2.5).
/// </summary>
public sealed class Rastrigin(int n = BoxedTestProblem.DefaultDimension) : BoxedTestProblem(n, -5.12, 5.12)
{
    /// <inheritdoc/>
    public override string Name => "rastrigin";
    /// <inheritdoc/>
    public override string Description => $"Rastrigin on {Domain}";
    /// <inheritdoc/>
    public override string Reference => "Rastrigin (1974); Mühlenbein, Schomisch and Born, Parallel Computing 17 (1991)";
    /// <inheritdoc/>
    public override double[] StandardStart() => Fill(2.5);
    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [Fill(0)];

    /// <inheritdoc/>
    public override T Evaluate<T>(ReadOnlySpan<T> x)
    {
        T sum = C<T>(10 * x.Length), ten = C<T>(10), twoPi = C<T>(2 * Math.PI);
        foreach (var v in x) sum += v * v - ten * T.Cos(twoPi * v);
        return sum;
    }

    /// <inheritdoc/>
    public override double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        CheckLength(x.Length, nameof(x));
        CheckLength(gradient.Length, nameof(gradient));
        double sum = 10 * x.Length;
        for (int i = 0; i < x.Length; i++)
        {
            double a = 2 * Math.PI * x[i];
            sum += x[i] * x[i] - 10 * Math.Cos(a);
            gradient[i] = 2 * x[i] + 20 * Math.PI * Math.Sin(a);
        }
        return sum;
    }
}

/// <summary>
/// Ackley's function f(x) = −20 exp(−0.2 √(Σxᵢ²/n)) − exp(Σ cos(2πxᵢ)/n) + 20 + e on [−32.768, 32.768]ⁿ: a nearly flat
/// outer region with a deep funnel at the origin (global minimum 0), covered with small local minima. Standard start (16, …, 16).
/// The gradient at the origin is taken as 0 (the cone's apex, where √ is not differentiable).
/// </summary>
public sealed class Ackley(int n = BoxedTestProblem.DefaultDimension) : BoxedTestProblem(n, -32.768, 32.768)
{
    /// <inheritdoc/>
    public override string Name => "ackley";
    /// <inheritdoc/>
    public override string Description => $"Ackley on {Domain}";
    /// <inheritdoc/>
    public override string Reference => "Ackley, A Connectionist Machine for Genetic Hillclimbing (1987); Bäck, Evolutionary Algorithms in Theory and Practice (1996)";
    /// <inheritdoc/>
    public override double[] StandardStart() => Fill(16);
    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [Fill(0)];

    /// <inheritdoc/>
    public override T Evaluate<T>(ReadOnlySpan<T> x)
    {
        T squares = T.Zero, cosines = T.Zero, n = C<T>(x.Length), twoPi = C<T>(2 * Math.PI);
        foreach (var v in x)
        {
            squares += v * v;
            cosines += T.Cos(twoPi * v);
        }
        return C<T>(20 + Math.E) - C<T>(20) * T.Exp(C<T>(-0.2) * T.Sqrt(squares / n)) - T.Exp(cosines / n);
    }

    /// <inheritdoc/>
    public override double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        CheckLength(x.Length, nameof(x));
        CheckLength(gradient.Length, nameof(gradient));
        double squares = 0, cosines = 0, n = x.Length;
        foreach (var v in x)
        {
            squares += v * v;
            cosines += Math.Cos(2 * Math.PI * v);
        }
        double r = Math.Sqrt(squares / n), a = 20 * Math.Exp(-0.2 * r), b = Math.Exp(cosines / n);
        for (int i = 0; i < x.Length; i++)
            gradient[i] = (r > 0 ? 0.2 * a * x[i] / (n * r) : 0) + b * 2 * Math.PI * Math.Sin(2 * Math.PI * x[i]) / n;
        return 20 + Math.E - a - b;
    }
}

/// <summary>
/// Schwefel's function f(x) = 418.9828872724338·n − Σ xᵢ sin √|xᵢ| on [−500, 500]ⁿ: deceptive, its global minimum
/// (≈ 0; 1e-13·n with this constant) sits at xᵢ = 420.96874635998205 near the domain's edge, far from the second-best
/// minima. Unbounded below outside the domain. Standard start (−250, …, −250).
/// </summary>
public sealed class Schwefel(int n = BoxedTestProblem.DefaultDimension) : BoxedTestProblem(n, -500, 500)
{
    /// <summary>The coordinate of the global minimiser: the root of sin √x + (√x/2) cos √x near 420.97.</summary>
    public const double MinimizerCoordinate = 420.96874635998205;

    /// <inheritdoc/>
    public override string Name => "schwefel";
    /// <inheritdoc/>
    public override string Description => $"Schwefel 2.26 on {Domain}";
    /// <inheritdoc/>
    public override string Reference => "Schwefel, Numerical Optimization of Computer Models (1981), problem 2.26";
    /// <inheritdoc/>
    public override double[] StandardStart() => Fill(-250);
    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [Fill(MinimizerCoordinate)];

    /// <inheritdoc/>
    public override T Evaluate<T>(ReadOnlySpan<T> x)
    {
        T sum = T.Zero;
        foreach (var v in x) sum += v * T.Sin(T.Sqrt(T.Abs(v)));
        return C<T>(418.9828872724338 * x.Length) - sum;
    }

    /// <inheritdoc/>
    public override double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        CheckLength(x.Length, nameof(x));
        CheckLength(gradient.Length, nameof(gradient));
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double s = Math.Sqrt(Math.Abs(x[i])), sin = Math.Sin(s);
            sum += x[i] * sin;
            gradient[i] = -(sin + 0.5 * s * Math.Cos(s)); // d/dx x sin √|x| = sin √|x| + (√|x|/2) cos √|x| on both sides of 0
        }
        return 418.9828872724338 * x.Length - sum;
    }
}

/// <summary>
/// Griewank's function f(x) = 1 + Σ xᵢ²/4000 − Π cos(xᵢ/√i) on [−600, 600]ⁿ: a wide parabola with a product of cosines
/// that makes the variables interact; global minimum 0 at the origin. Standard start (300, …, 300).
/// </summary>
public sealed class Griewank(int n = BoxedTestProblem.DefaultDimension) : BoxedTestProblem(n, -600, 600)
{
    /// <inheritdoc/>
    public override string Name => "griewank";
    /// <inheritdoc/>
    public override string Description => $"Griewank on {Domain}";
    /// <inheritdoc/>
    public override string Reference => "Griewank, J. Optim. Theory Appl. 34 (1981)";
    /// <inheritdoc/>
    public override double[] StandardStart() => Fill(300);
    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [Fill(0)];

    /// <inheritdoc/>
    public override T Evaluate<T>(ReadOnlySpan<T> x)
    {
        T sum = T.Zero, product = T.One;
        for (int i = 0; i < x.Length; i++)
        {
            sum += x[i] * x[i];
            product *= T.Cos(x[i] / C<T>(Math.Sqrt(i + 1)));
        }
        return T.One + sum / C<T>(4000) - product;
    }

    /// <inheritdoc/>
    public override double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        CheckLength(x.Length, nameof(x));
        CheckLength(gradient.Length, nameof(gradient));
        double sum = 0, product = 1;
        for (int i = 0; i < x.Length; i++)
        {
            sum += x[i] * x[i];
            product *= Math.Cos(x[i] / Math.Sqrt(i + 1));
        }
        // ∂/∂xᵢ Π cos(xⱼ/√j) = −sin(xᵢ/√i)/√i · Π_{j≠i} cos(xⱼ/√j), formed without dividing by cos (which may be 0).
        for (int i = 0; i < x.Length; i++)
        {
            double others = 1;
            for (int j = 0; j < x.Length; j++)
                if (j != i) others *= Math.Cos(x[j] / Math.Sqrt(j + 1));
            double root = Math.Sqrt(i + 1);
            gradient[i] = x[i] / 2000 + Math.Sin(x[i] / root) / root * others;
        }
        return 1 + sum / 4000 - product;
    }
}
