using Optima.LinearAlgebra;

namespace Optima.Solvers.Convex;

/// <summary>
/// A closed convex function h that can be used through its proximal operator
/// prox_{t·h}(v) = argmin_x h(x) + ‖x − v‖²/(2t) (Parikh &amp; Boyd, "Proximal Algorithms", 2014). The splitting
/// methods (ADMM, the primal–dual method) see a regularizer or a constraint set only through this.
/// </summary>
public interface IProximalOperator
{
    /// <summary>result ← prox_{t·h}(v); t &gt; 0. <paramref name="result"/> may be the same span as <paramref name="v"/>.</summary>
    void Prox(ReadOnlySpan<double> v, double t, Span<double> result);

    /// <summary>h(x): the penalty's value, or +∞ outside an indicator's set.</summary>
    double Value(ReadOnlySpan<double> x);
}

/// <summary>h ≡ 0: the proximal operator is the identity (an unregularized problem).</summary>
public sealed class ZeroFunction : IProximalOperator
{
    /// <summary>The one instance.</summary>
    public static ZeroFunction Instance { get; } = new();

    /// <inheritdoc/>
    public void Prox(ReadOnlySpan<double> v, double t, Span<double> result) => v.CopyTo(result);

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x) => 0.0;
}

/// <summary>h(x) = λ‖x‖₁: soft thresholding, prox_{t·h}(v)ᵢ = sign(vᵢ)·max(|vᵢ| − tλ, 0).</summary>
public sealed class L1Norm : IProximalOperator
{
    /// <summary>An ℓ1 penalty of weight <paramref name="lambda"/> ≥ 0.</summary>
    public L1Norm(double lambda)
    {
        ProxChecks.NonNegative(lambda, nameof(lambda));
        Lambda = lambda;
    }

    /// <summary>The weight λ.</summary>
    public double Lambda { get; }

    /// <inheritdoc/>
    public void Prox(ReadOnlySpan<double> v, double t, Span<double> result)
    {
        ProxChecks.Sizes(v, t, result);
        SoftThreshold(v, t * Lambda, result);
    }

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x) => Lambda * Reproducible.SumOfMagnitudes(x);

    /// <summary>result ← sign(v)·max(|v| − κ, 0), element-wise.</summary>
    public static void SoftThreshold(ReadOnlySpan<double> v, double kappa, Span<double> result)
    {
        for (int i = 0; i < v.Length; i++)
        {
            double a = v[i];
            result[i] = a > kappa ? a - kappa : a < -kappa ? a + kappa : 0.0;
        }
    }
}

/// <summary>
/// The elastic-net penalty h(x) = λ₁‖x‖₁ + (λ₂/2)‖x‖₂² (Zou &amp; Hastie 2005):
/// prox_{t·h}(v) = soft(v, tλ₁)/(1 + tλ₂).
/// </summary>
public sealed class ElasticNet : IProximalOperator
{
    /// <summary>An elastic-net penalty with ℓ1 weight <paramref name="l1"/> ≥ 0 and ℓ2 weight <paramref name="l2"/> ≥ 0.</summary>
    public ElasticNet(double l1, double l2)
    {
        ProxChecks.NonNegative(l1, nameof(l1));
        ProxChecks.NonNegative(l2, nameof(l2));
        L1 = l1;
        L2 = l2;
    }

    /// <summary>The ℓ1 weight λ₁.</summary>
    public double L1 { get; }

    /// <summary>The ℓ2 weight λ₂ (the penalty is λ₂/2·‖x‖²).</summary>
    public double L2 { get; }

    /// <inheritdoc/>
    public void Prox(ReadOnlySpan<double> v, double t, Span<double> result)
    {
        ProxChecks.Sizes(v, t, result);
        double kappa = t * L1, shrink = 1.0 / (1.0 + t * L2);
        for (int i = 0; i < v.Length; i++)
        {
            double a = v[i];
            result[i] = (a > kappa ? a - kappa : a < -kappa ? a + kappa : 0.0) * shrink;
        }
    }

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x) => L1 * Reproducible.SumOfMagnitudes(x) + 0.5 * L2 * Reproducible.SumOfSquares(x);
}

/// <summary>
/// h(x) = (μ/2)‖x − c‖₂² (c = 0 when not given): prox_{t·h}(v) = (v + tμc)/(1 + tμ). The data term of the ROF
/// model and of ridge regression.
/// </summary>
public sealed class SquaredL2 : IProximalOperator
{
    private readonly double[]? _center;

    /// <summary>(μ/2)‖x − c‖² with weight <paramref name="weight"/> μ ≥ 0 and optional center <paramref name="center"/> (copied).</summary>
    public SquaredL2(double weight, ReadOnlySpan<double> center = default)
    {
        ProxChecks.NonNegative(weight, nameof(weight));
        Weight = weight;
        if (!center.IsEmpty)
        {
            ProxChecks.Finite(center, nameof(center));
            _center = center.ToArray();
        }
    }

    /// <summary>The weight μ.</summary>
    public double Weight { get; }

    /// <inheritdoc/>
    public void Prox(ReadOnlySpan<double> v, double t, Span<double> result)
    {
        ProxChecks.Sizes(v, t, result);
        if (_center is not null) ProxChecks.Length(v, _center.Length, "v");
        double tm = t * Weight, shrink = 1.0 / (1.0 + tm);
        for (int i = 0; i < v.Length; i++)
            result[i] = (_center is null ? v[i] : Math.FusedMultiplyAdd(tm, _center[i], v[i])) * shrink;
    }

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x)
    {
        if (_center is null) return 0.5 * Weight * Reproducible.SumOfSquares(x);
        ProxChecks.Length(x, _center.Length, "x");
        double s = 0;
        for (int i = 0; i < x.Length; i++) { double d = x[i] - _center[i]; s = Math.FusedMultiplyAdd(d, d, s); }
        return 0.5 * Weight * s;
    }
}

/// <summary>The indicator of a box {x : lᵢ ≤ xᵢ ≤ uᵢ} (±∞ allowed): the prox is the projection, clamping each entry.</summary>
public sealed class BoxProjection : IProximalOperator
{
    private readonly double[] _lower, _upper;

    /// <summary>The box [<paramref name="lower"/>, <paramref name="upper"/>] (copied); lᵢ ≤ uᵢ, no NaN.</summary>
    public BoxProjection(ReadOnlySpan<double> lower, ReadOnlySpan<double> upper)
    {
        if (lower.Length != upper.Length)
            throw new ArgumentException($"lower has {lower.Length} entries but upper has {upper.Length}.", nameof(upper));
        for (int i = 0; i < lower.Length; i++)
            if (!(lower[i] <= upper[i]) || double.IsPositiveInfinity(lower[i]) || double.IsNegativeInfinity(upper[i]))
                throw new ArgumentException($"Bound {i}: lower {lower[i]} must be ≤ upper {upper[i]} (and neither NaN nor an infinite wrong way).", nameof(lower));
        _lower = lower.ToArray();
        _upper = upper.ToArray();
    }

    /// <summary>The lower bounds.</summary>
    public ReadOnlySpan<double> Lower => _lower;

    /// <summary>The upper bounds.</summary>
    public ReadOnlySpan<double> Upper => _upper;

    /// <inheritdoc/>
    public void Prox(ReadOnlySpan<double> v, double t, Span<double> result)
    {
        ProxChecks.Sizes(v, t, result);
        ProxChecks.Length(v, _lower.Length, "v");
        for (int i = 0; i < v.Length; i++) result[i] = Math.Min(Math.Max(v[i], _lower[i]), _upper[i]);
    }

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x)
    {
        ProxChecks.Length(x, _lower.Length, "x");
        for (int i = 0; i < x.Length; i++)
            if (!(x[i] >= _lower[i] && x[i] <= _upper[i])) return double.PositiveInfinity;
        return 0.0;
    }
}

/// <summary>The indicator of the nonnegative orthant x ≥ 0: the prox is max(v, 0).</summary>
public sealed class NonnegativeOrthant : IProximalOperator
{
    /// <summary>The one instance.</summary>
    public static NonnegativeOrthant Instance { get; } = new();

    /// <inheritdoc/>
    public void Prox(ReadOnlySpan<double> v, double t, Span<double> result)
    {
        ProxChecks.Sizes(v, t, result);
        for (int i = 0; i < v.Length; i++) result[i] = Math.Max(v[i], 0.0);
    }

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x)
    {
        foreach (double a in x) if (!(a >= 0)) return double.PositiveInfinity;
        return 0.0;
    }
}

/// <summary>The indicator of the ℓ2 ball {x : ‖x‖₂ ≤ r}: the prox scales v back onto the sphere when it lies outside.</summary>
public sealed class L2Ball : IProximalOperator
{
    /// <summary>The ball of radius <paramref name="radius"/> &gt; 0 about the origin.</summary>
    public L2Ball(double radius)
    {
        if (!(radius > 0) || double.IsInfinity(radius))
            throw new ArgumentOutOfRangeException(nameof(radius), radius, "The radius must be a finite number > 0.");
        Radius = radius;
    }

    /// <summary>The radius r.</summary>
    public double Radius { get; }

    /// <inheritdoc/>
    public void Prox(ReadOnlySpan<double> v, double t, Span<double> result)
    {
        ProxChecks.Sizes(v, t, result);
        double norm = Reproducible.Norm(v), scale = norm > Radius ? Radius / norm : 1.0;
        for (int i = 0; i < v.Length; i++) result[i] = v[i] * scale;
    }

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x) => Reproducible.Norm(x) <= Radius * (1 + 1e-12) ? 0.0 : double.PositiveInfinity;
}

/// <summary>
/// The indicator of the simplex {x : x ≥ 0, Σxᵢ = r}: the Euclidean projection by sorting (Duchi, Shalev-Shwartz,
/// Singer, Chandra, "Efficient projections onto the ℓ1-ball", ICML 2008, Fig. 1), O(n log n). Uses a buffer of n
/// doubles kept by the instance, so one instance must not be used from two threads at once.
/// </summary>
public sealed class SimplexProjection : IProximalOperator
{
    private double[] _sorted = [];

    /// <summary>The simplex of total <paramref name="radius"/> &gt; 0 (1: the probability simplex).</summary>
    public SimplexProjection(double radius = 1.0)
    {
        if (!(radius > 0) || double.IsInfinity(radius))
            throw new ArgumentOutOfRangeException(nameof(radius), radius, "The radius must be a finite number > 0.");
        Radius = radius;
    }

    /// <summary>The total r.</summary>
    public double Radius { get; }

    /// <inheritdoc/>
    public void Prox(ReadOnlySpan<double> v, double t, Span<double> result)
    {
        ProxChecks.Sizes(v, t, result);
        int n = v.Length;
        if (n == 0) throw new ArgumentException("The simplex needs at least one coordinate.", nameof(v));
        if (_sorted.Length != n) _sorted = new double[n];
        v.CopyTo(_sorted);
        Array.Sort(_sorted);
        // Largest ρ with μ_ρ − (Σ_{j≤ρ} μ_j − r)/ρ > 0 over μ sorted decreasingly; θ is that shift.
        double cumulative = 0, theta = 0;
        for (int k = 0; k < n; k++)
        {
            double mu = _sorted[n - 1 - k];
            cumulative += mu;
            double candidate = (cumulative - Radius) / (k + 1);
            if (mu - candidate > 0) theta = candidate;
        }
        for (int i = 0; i < n; i++) result[i] = Math.Max(v[i] - theta, 0.0);
    }

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x)
    {
        double sum = 0;
        foreach (double a in x)
        {
            if (!(a >= 0)) return double.PositiveInfinity;
            sum += a;
        }
        return Math.Abs(sum - Radius) <= 1e-10 * Math.Max(1, Radius) ? 0.0 : double.PositiveInfinity;
    }
}

/// <summary>
/// The proximal operator of the convex conjugate h* from h's, by Moreau's identity
/// prox_{t·h*}(v) = v − t·prox_{h/t}(v/t). What the primal–dual method needs for f* when only f's prox is at hand.
/// Keeps a buffer of n doubles, so one instance must not be used from two threads at once.
/// </summary>
public sealed class ConjugateProx : IProximalOperator
{
    private readonly IProximalOperator _h;
    private double[] _scaled = [];

    /// <summary>h* for the given <paramref name="h"/>.</summary>
    public ConjugateProx(IProximalOperator h) => _h = h ?? throw new ArgumentNullException(nameof(h));

    /// <inheritdoc/>
    public void Prox(ReadOnlySpan<double> v, double t, Span<double> result)
    {
        ProxChecks.Sizes(v, t, result);
        if (_scaled.Length != v.Length) _scaled = new double[v.Length];
        for (int i = 0; i < v.Length; i++) _scaled[i] = v[i] / t;
        _h.Prox(_scaled, 1.0 / t, _scaled);
        for (int i = 0; i < v.Length; i++) result[i] = v[i] - t * _scaled[i];
    }

    /// <summary>h*(x) is not available in closed form in general: throws <see cref="NotSupportedException"/>.</summary>
    public double Value(ReadOnlySpan<double> x) =>
        throw new NotSupportedException("The conjugate's value is not known in closed form; supply a duality gap instead.");
}

internal static class ProxChecks
{
    public static void NonNegative(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number ≥ 0.");
    }

    public static void Sizes(ReadOnlySpan<double> v, double t, Span<double> result)
    {
        if (v.Length != result.Length)
            throw new ArgumentException($"result has {result.Length} entries but v has {v.Length}.", nameof(result));
        if (!(t > 0) || double.IsInfinity(t))
            throw new ArgumentOutOfRangeException(nameof(t), t, "The prox step t must be a finite number > 0.");
    }

    public static void Length(ReadOnlySpan<double> v, int expected, string name)
    {
        if (v.Length != expected) throw new ArgumentException($"{name} has {v.Length} entries; expected {expected}.", name);
    }

    public static void Finite(ReadOnlySpan<double> v, string name)
    {
        for (int i = 0; i < v.Length; i++)
            if (!double.IsFinite(v[i])) throw new ArgumentException($"{name}[{i}] is {v[i]}; it must be finite.", name);
    }
}
