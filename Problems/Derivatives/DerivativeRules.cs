using System.Numerics;
using System.Runtime.CompilerServices;

namespace Optima.Problems.Derivatives;

/// <summary>f(v) and the factor that carries a tangent through f: the result's tangent is <c>Factor·x′</c>.</summary>
internal readonly record struct ScaledTangent<T>(T Value, T Factor);

/// <summary>f(v) and the divisor that carries a tangent through f: the result's tangent is <c>x′ / Divisor</c>.</summary>
internal readonly record struct DividedTangent<T>(T Value, T Divisor);

/// <summary>
/// A root r = x^(1/n): the result's tangent is <c>x′ / Divisor</c>, except that an exactly zero tangent stays zero
/// (the divisor is 0 at x = 0, where 0/0 would make a constant's derivative NaN).
/// </summary>
internal readonly record struct RootTangent<T>(T Value, T Divisor);

/// <summary>
/// The local derivatives of the elementary functions, written once for every forward-mode number: <see cref="Dual{T}"/>
/// (one tangent of type T) and <see cref="Jet"/> (eight tangents in a vector) apply the same factor or divisor to
/// their tangents, so a jet's partials are, lane by lane, the bits of the dual passes they replace.
/// </summary>
/// <remarks>
/// Each rule is computed from the primal value only, in the order of operations the rules have always had
/// (e.g. <c>Exp2</c>: (eᵛ·ln 2)·x′; <c>Log2</c>: x′ / (v·ln 2)). Rules that need two tangents (products, quotients,
/// <c>Pow</c>, <c>Atan2</c>, <c>Hypot</c>…) are written in each number type.
/// </remarks>
internal static class DerivativeRules<T> where T : IFloatingPointIeee754<T>
{
    private const MethodImplOptions Inline = MethodImplOptions.AggressiveInlining;

    public static readonly T Two = T.One + T.One;
    public static readonly T Half = T.One / Two;
    public static readonly T Three = Two + T.One;
    public static readonly T Ln2 = T.Log(Two);
    public static readonly T Ln10 = T.Log(Two * (Two + Three));

    // ------------------------------------------------------------------ exponentials: (fᵛ)′ = f′(v)·x′

    [MethodImpl(Inline)]
    public static ScaledTangent<T> Exp(T v)
    {
        T e = T.Exp(v);
        return new(e, e);
    }

    [MethodImpl(Inline)]
    public static ScaledTangent<T> Exp2(T v)
    {
        T e = T.Exp2(v);
        return new(e, e * Ln2);
    }

    [MethodImpl(Inline)]
    public static ScaledTangent<T> Exp10(T v)
    {
        T e = T.Exp10(v);
        return new(e, e * Ln10);
    }

    public static ScaledTangent<T> ExpM1(T v) => new(T.ExpM1(v), T.Exp(v));

    public static ScaledTangent<T> Exp2M1(T v) => new(T.Exp2M1(v), T.Exp2(v) * Ln2);

    public static ScaledTangent<T> Exp10M1(T v) => new(T.Exp10M1(v), T.Exp10(v) * Ln10);

    // ------------------------------------------------------------------ logarithms: x′ / (v·ln b)

    [MethodImpl(Inline)]
    public static DividedTangent<T> Log(T v) => new(T.Log(v), v);

    [MethodImpl(Inline)]
    public static DividedTangent<T> Log2(T v) => new(T.Log2(v), v * Ln2);

    [MethodImpl(Inline)]
    public static DividedTangent<T> Log10(T v) => new(T.Log10(v), v * Ln10);

    public static DividedTangent<T> LogP1(T v) => new(T.LogP1(v), v + T.One);

    public static DividedTangent<T> Log2P1(T v) => new(T.Log2P1(v), (v + T.One) * Ln2);

    public static DividedTangent<T> Log10P1(T v) => new(T.Log10P1(v), (v + T.One) * Ln10);

    // ------------------------------------------------------------------ roots: x′ / (n·r^(n−1))

    [MethodImpl(Inline)]
    public static RootTangent<T> Sqrt(T v)
    {
        T s = T.Sqrt(v);
        return new(s, s + s);
    }

    [MethodImpl(Inline)]
    public static RootTangent<T> Cbrt(T v)
    {
        T c = T.Cbrt(v);
        return new(c, Three * c * c);
    }

    public static RootTangent<T> RootN(T v, int n)
    {
        T r = T.RootN(v, n);
        T nT = T.CreateChecked(n);
        return new(r, nT * T.Pow(r, nT - T.One));
    }

    // ------------------------------------------------------------------ trigonometric functions

    [MethodImpl(Inline)]
    public static (ScaledTangent<T> Sin, ScaledTangent<T> Cos) SinCos(T v)
    {
        (T s, T c) = T.SinCos(v);
        return (new(s, c), new(c, -s));
    }

    public static ScaledTangent<T> Tan(T v)
    {
        T t = T.Tan(v);
        return new(t, T.One + t * t);
    }

    public static (ScaledTangent<T> SinPi, ScaledTangent<T> CosPi) SinCosPi(T v)
    {
        (T s, T c) = T.SinCosPi(v);
        return (new(s, T.Pi * c), new(c, -(T.Pi * s)));
    }

    public static ScaledTangent<T> TanPi(T v)
    {
        T t = T.TanPi(v);
        return new(t, T.Pi * (T.One + t * t));
    }

    public static DividedTangent<T> Asin(T v) => new(T.Asin(v), T.Sqrt((T.One - v) * (T.One + v)));

    /// <summary>−x′/√(1−v²), written as x′ / (−√(1−v²)): the same bits (IEEE division is symmetric in sign).</summary>
    public static DividedTangent<T> Acos(T v) => new(T.Acos(v), -T.Sqrt((T.One - v) * (T.One + v)));

    public static DividedTangent<T> Atan(T v) => new(T.Atan(v), T.One + v * v);

    public static DividedTangent<T> AsinPi(T v) => new(T.AsinPi(v), T.Pi * T.Sqrt((T.One - v) * (T.One + v)));

    public static DividedTangent<T> AcosPi(T v) => new(T.AcosPi(v), -(T.Pi * T.Sqrt((T.One - v) * (T.One + v))));

    public static DividedTangent<T> AtanPi(T v) => new(T.AtanPi(v), T.Pi * (T.One + v * v));

    // ------------------------------------------------------------------ hyperbolic functions

    public static ScaledTangent<T> Sinh(T v) => new(T.Sinh(v), T.Cosh(v));

    public static ScaledTangent<T> Cosh(T v) => new(T.Cosh(v), T.Sinh(v));

    public static ScaledTangent<T> Tanh(T v)
    {
        T t = T.Tanh(v);
        return new(t, (T.One - t) * (T.One + t));
    }

    public static DividedTangent<T> Asinh(T v) => new(T.Asinh(v), T.Hypot(v, T.One));

    public static DividedTangent<T> Acosh(T v) => new(T.Acosh(v), T.Sqrt((v - T.One) * (v + T.One)));

    public static DividedTangent<T> Atanh(T v) => new(T.Atanh(v), (T.One - v) * (T.One + v));

    // ------------------------------------------------------------------ estimates: estimated value, exact derivative

    /// <summary>The estimate of 1/v as value; the exact derivative −x′/v² as tangent.</summary>
    public static ScaledTangent<T> ReciprocalEstimate(T v)
    {
        T inv = T.One / v;
        return new(T.ReciprocalEstimate(v), -(inv * inv));
    }

    /// <summary>The estimate of 1/√v as value; the exact derivative −x′/(2v^{3/2}) as tangent.</summary>
    public static ScaledTangent<T> ReciprocalSqrtEstimate(T v)
    {
        T r = T.One / T.Sqrt(v);
        return new(T.ReciprocalSqrtEstimate(v), -(Half * r * r * r));
    }
}

/// <summary>
/// Which argument the IEEE 754:2019 selection functions return, decided on the primal values (a forward-mode number
/// then returns that argument whole, derivatives included). True means the first argument.
/// </summary>
internal static class Selection
{
    private const MethodImplOptions Inline = MethodImplOptions.AggressiveInlining;

    /// <summary>maximum, as Math.Max: NaN propagates, +0 is greater than −0.</summary>
    [MethodImpl(Inline)]
    public static bool Max<T>(T a, T b) where T : IFloatingPointIeee754<T>
        => a != b ? T.IsNaN(a) || b < a : T.IsNegative(b);

    /// <summary>minimum, as Math.Min: NaN propagates, −0 is less than +0.</summary>
    [MethodImpl(Inline)]
    public static bool Min<T>(T a, T b) where T : IFloatingPointIeee754<T>
        => a != b ? T.IsNaN(a) || a < b : T.IsNegative(a);

    /// <summary>maximumNumber: a NaN loses to a number.</summary>
    [MethodImpl(Inline)]
    public static bool MaxNumber<T>(T a, T b) where T : IFloatingPointIeee754<T>
        => a != b ? T.IsNaN(b) || b < a : T.IsNegative(b);

    /// <summary>minimumNumber: a NaN loses to a number.</summary>
    [MethodImpl(Inline)]
    public static bool MinNumber<T>(T a, T b) where T : IFloatingPointIeee754<T>
        => a != b ? T.IsNaN(b) || a < b : T.IsNegative(a);

    public static bool MaxMagnitude<T>(T a, T b) where T : IFloatingPointIeee754<T>
    {
        T ax = T.Abs(a), ay = T.Abs(b);
        return ax > ay || T.IsNaN(ax) || (ax == ay && !T.IsNegative(a));
    }

    public static bool MinMagnitude<T>(T a, T b) where T : IFloatingPointIeee754<T>
    {
        T ax = T.Abs(a), ay = T.Abs(b);
        return ax < ay || T.IsNaN(ax) || (ax == ay && T.IsNegative(a));
    }

    public static bool MaxMagnitudeNumber<T>(T a, T b) where T : IFloatingPointIeee754<T>
    {
        T ax = T.Abs(a), ay = T.Abs(b);
        return ax > ay || T.IsNaN(ay) || (ax == ay && !T.IsNegative(a));
    }

    public static bool MinMagnitudeNumber<T>(T a, T b) where T : IFloatingPointIeee754<T>
    {
        T ax = T.Abs(a), ay = T.Abs(b);
        return ax < ay || T.IsNaN(ay) || (ax == ay && T.IsNegative(a));
    }

    /// <summary>Throws as <c>Math.Clamp</c> does when <paramref name="min"/> &gt; <paramref name="max"/>.</summary>
    public static void CheckClampRange<T>(T min, T max, string method) where T : IFloatingPointIeee754<T>
    {
        if (min > max)
        {
            throw new ArgumentException($"{method}: min ({min}) cannot be greater than max ({max}).", nameof(min));
        }
    }
}
