using System.Numerics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library;

/// <summary>
/// A convex quadratic with a chosen condition number: f(x) = ½ xᵀAx − bᵀx with A = Q·diag(λ)·Qᵀ, where the eigenvalues
/// λₖ = κ^(k/(n−1)), k = 0 … n−1, are log-spaced from 1 to κ and Q is a random orthogonal matrix (the product of n
/// Householder reflections I − 2vvᵀ/vᵀv of standard Gaussian vectors v). The minimiser x* is a standard Gaussian
/// vector and b = A x*, so the minimum is f* = −½ x*ᵀAx*. Start: the origin.
/// </summary>
/// <remarks>
/// Everything random is drawn, in that order (the n reflection vectors, then x*), from <see cref="System.Random"/>
/// seeded with <see cref="Seed"/> through the Box–Muller transform, so the same (n, κ, seed) always gives the same
/// problem, bit for bit. Steepest descent with exact line searches contracts the error by (κ − 1)/(κ + 1) per step on
/// this problem and conjugate gradients finish in at most n steps — the textbook contrast it is meant to show.
/// </remarks>
public sealed class Quadratic : TestProblem
{
    /// <summary>The default dimension, 10.</summary>
    public const int DefaultDimension = 10;
    /// <summary>The default condition number, 100.</summary>
    public const double DefaultConditionNumber = 100;
    /// <summary>The default seed, 42.</summary>
    public const int DefaultSeed = 42;

    private readonly DenseMatrix _a;
    private readonly double[] _b, _xStar, _eigenvalues;
    private readonly double _fStar;

    /// <summary>Creates the quadratic.</summary>
    /// <param name="n">Number of variables, at least 2.</param>
    /// <param name="conditionNumber">κ = λmax/λmin of A: finite and at least 1 (1 gives A = I).</param>
    /// <param name="seed">Seed for the rotation Q and the minimiser x*.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 2, or
    /// <paramref name="conditionNumber"/> is not a finite number ≥ 1.</exception>
    public Quadratic(int n = DefaultDimension, double conditionNumber = DefaultConditionNumber, int seed = DefaultSeed)
    {
        if (n < 2)
            throw new ArgumentOutOfRangeException(nameof(n), n, "The quadratic needs dimension n ≥ 2.");
        if (!double.IsFinite(conditionNumber) || conditionNumber < 1)
            throw new ArgumentOutOfRangeException(nameof(conditionNumber), conditionNumber,
                "The condition number must be a finite number ≥ 1.");
        Dimension = n;
        ConditionNumber = conditionNumber;
        Seed = seed;

        _eigenvalues = new double[n];
        for (int k = 0; k < n; k++) _eigenvalues[k] = Math.Pow(conditionNumber, (double)k / (n - 1));

        var rng = new Random(seed);
        var q = DenseMatrix.Identity(n);
        var v = new double[n];
        var qv = new double[n];
        for (int r = 0; r < n; r++)
        {
            double vv = 0;
            for (int i = 0; i < n; i++)
            {
                v[i] = Gaussian(rng);
                vv += v[i] * v[i];
            }
            // Q ← Q (I − 2vvᵀ/vᵀv) = Q − (2/vᵀv)(Qv)vᵀ
            q.Multiply(v, qv);
            double s = 2 / vv;
            for (int j = 0; j < n; j++)
            {
                var col = q.Column(j);
                double f = s * v[j];
                for (int i = 0; i < n; i++) col[i] -= f * qv[i];
            }
        }

        _a = new DenseMatrix(n, n);
        for (int j = 0; j < n; j++)
            for (int i = j; i < n; i++)
            {
                double sum = 0;
                for (int k = 0; k < n; k++) sum += q[i, k] * _eigenvalues[k] * q[j, k];
                _a[i, j] = sum;
                _a[j, i] = sum;
            }

        _xStar = new double[n];
        for (int i = 0; i < n; i++) _xStar[i] = Gaussian(rng);
        _b = new double[n];
        _a.Multiply(_xStar, _b);
        double xAx = 0;
        for (int i = 0; i < n; i++) xAx += _xStar[i] * _b[i];
        _fStar = -0.5 * xAx;
    }

    /// <summary>κ, the ratio of the largest to the smallest eigenvalue of A.</summary>
    public double ConditionNumber { get; }

    /// <summary>The seed the rotation and the minimiser were drawn from.</summary>
    public int Seed { get; }

    /// <summary>The eigenvalues λ of A, ascending from 1 to κ (a fresh array).</summary>
    public double[] Eigenvalues() => (double[])_eigenvalues.Clone();

    /// <summary>The symmetric positive definite matrix A (a copy).</summary>
    public DenseMatrix Matrix() => _a.Clone();

    /// <summary>The linear term b = A x* (a fresh array).</summary>
    public double[] LinearTerm() => (double[])_b.Clone();

    /// <inheritdoc/>
    public override string Name => "quadratic";
    /// <inheritdoc/>
    public override string Description => $"Convex quadratic ½xᵀAx − bᵀx (n = {Dimension}, κ = {ConditionNumber:G4}, seed {Seed})";
    /// <inheritdoc/>
    public override string Reference => "Nocedal & Wright, Numerical Optimization (2006), §3.3 and §5.1";
    /// <inheritdoc/>
    public override int Dimension { get; }
    /// <inheritdoc/>
    public override double[] StandardStart() => new double[Dimension];
    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [(double[])_xStar.Clone()];
    /// <inheritdoc/>
    public override double? KnownMinimum => _fStar;
    /// <inheritdoc/>
    public override bool HasAnalyticHessian => true;

    /// <inheritdoc/>
    public override T Evaluate<T>(ReadOnlySpan<T> x)
    {
        int n = Dimension;
        T sum = T.Zero, half = C<T>(0.5);
        for (int i = 0; i < n; i++)
        {
            T ax = T.Zero;
            for (int j = 0; j < n; j++) ax += C<T>(_a[i, j]) * x[j];
            sum += (half * ax - C<T>(_b[i])) * x[i];
        }
        return sum;
    }

    /// <inheritdoc/>
    public override double ValueAndGradient(ReadOnlySpan<double> x, Span<double> g)
    {
        CheckLength(x.Length, nameof(x));
        CheckLength(g.Length, "gradient");
        _a.Multiply(x, g);
        double f = 0;
        for (int i = 0; i < g.Length; i++)
        {
            f += (0.5 * g[i] - _b[i]) * x[i];
            g[i] -= _b[i];
        }
        return f;
    }

    /// <summary>The constant Hessian A.</summary>
    public override void Hessian(ReadOnlySpan<double> x, DenseMatrix h)
    {
        CheckLength(x.Length, nameof(x));
        _a.CopyTo(h);
    }

    /// <summary>A·v.</summary>
    public override void HessianVector(ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> result)
    {
        CheckLength(x.Length, nameof(x));
        CheckLength(v.Length, nameof(v));
        CheckLength(result.Length, nameof(result));
        _a.Multiply(v, result);
    }

    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
