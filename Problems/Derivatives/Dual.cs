using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Optima.Problems.Derivatives;

/// <summary>
/// A dual number <c>v + d·ε</c> with <c>ε² = 0</c>: the value <see cref="Value"/> of a quantity and its directional
/// derivative <see cref="Derivative"/> (tangent), propagated exactly by the chain rule through every arithmetic
/// operation and every function of .NET generic math (forward-mode automatic differentiation).
/// </summary>
/// <typeparam name="T">
/// The scalar type: <see cref="double"/>, <see cref="float"/>, <see cref="Half"/>, or itself a dual number.
/// <c>Dual&lt;Dual&lt;double&gt;&gt;</c> (forward-over-forward) carries second derivatives: seeding the inner and
/// outer tangents with directions u and v yields <c>uᵀ∇²f v</c> in <c>Derivative.Derivative</c>.
/// </typeparam>
/// <remarks>
/// <para>
/// Write a function once with <c>where T : IFloatingPointIeee754&lt;T&gt;</c> and evaluate it on
/// <c>Dual&lt;double&gt;</c> with the input seeded by <see cref="Variable(T)"/> to get f(x) and f′(x) in one pass.
/// Every rule is written with the generic operations of <typeparamref name="T"/> only, so nesting is exact.
/// </para>
/// <para>
/// Comparisons, equality, hashing and the classification predicates (<c>IsNaN</c>, <c>IsZero</c>,
/// <c>IsInteger</c>…) look at <see cref="Value"/> only, as in ForwardDiff.jl, so that branches in user code
/// follow the primal computation. Constants (<c>Zero</c>, <c>Pi</c>, <c>NaN</c>, <c>MaxValue</c>…) and values
/// converted from other numeric types have a zero derivative. Piecewise-constant functions (<c>Round</c>,
/// <c>Floor</c>, <c>Ceiling</c>, <c>Truncate</c>) have a zero derivative; <c>Abs</c> has derivative
/// <c>d·sign(v)</c>, which is 0 at v = 0; <c>Max</c>, <c>Min</c> and their variants take the derivative of the
/// argument they return.
/// </para>
/// <para>
/// Where a local derivative is infinite, an exactly zero tangent stays zero instead of becoming NaN (0·∞):
/// <c>Sqrt</c>, <c>Cbrt</c> and <c>RootN</c> of a constant zero have derivative 0, and <c>Hypot</c> at the origin
/// has derivative 0 (like <c>Abs</c> at 0). <see cref="Pow(Dual{T}, Dual{T})"/> likewise skips terms whose tangent
/// is exactly zero, so <c>Pow(x, 2)</c> at a negative or zero x has the derivative 2x. Elsewhere (e.g. <c>Log</c> of a
/// constant 0) the IEEE result propagates, as in ForwardDiff.jl and Ceres' <c>Jet</c>.
/// </para>
/// </remarks>
public readonly struct Dual<T> : IFloatingPointIeee754<Dual<T>>, IMinMaxValue<Dual<T>>, IDualNumber
    where T : IFloatingPointIeee754<T>
{
    private const MethodImplOptions Inline = MethodImplOptions.AggressiveInlining;
    private const NumberStyles DefaultStyles = NumberStyles.Float | NumberStyles.AllowThousands;

    private static readonly T s_maxValue = T.BitDecrement(T.PositiveInfinity);

    /// <summary>1 for <c>Dual&lt;double&gt;</c>, 2 for <c>Dual&lt;Dual&lt;double&gt;&gt;</c>, …</summary>
    private static readonly int s_depth = default(T) is IDualNumber inner ? inner.NestingDepth + 1 : 1;

    /// <summary>For a nested dual <typeparamref name="T"/>: tests that every component at every level is zero.</summary>
    private static readonly Func<T, bool>? s_innerIsAllZero =
        default(T) is IDualNumber inner ? (Func<T, bool>)inner.CreateIsAllZero() : null;

    /// <summary>Creates the dual number <c>value + derivative·ε</c>.</summary>
    /// <param name="value">The primal value.</param>
    /// <param name="derivative">The tangent: the derivative of the value along the seeded direction.</param>
    [MethodImpl(Inline)]
    public Dual(T value, T derivative)
    {
        Value = value;
        Derivative = derivative;
    }

    /// <summary>The primal value.</summary>
    public T Value { get; }

    /// <summary>The tangent: the directional derivative of <see cref="Value"/> along the seeded direction.</summary>
    public T Derivative { get; }

    /// <summary>An independent variable: <paramref name="value"/> with derivative 1 (dx/dx = 1).</summary>
    /// <param name="value">The point at which derivatives are taken.</param>
    [MethodImpl(Inline)]
    public static Dual<T> Variable(T value) => new(value, T.One);

    /// <summary>A constant: <paramref name="value"/> with derivative 0.</summary>
    /// <param name="value">The constant's value.</param>
    [MethodImpl(Inline)]
    public static Dual<T> Constant(T value) => new(value, T.Zero);

    /// <summary>Converts a scalar to a constant dual number (derivative 0).</summary>
    /// <param name="value">The constant's value.</param>
    [MethodImpl(Inline)]
    public static implicit operator Dual<T>(T value) => new(value, T.Zero);

    /// <summary>Deconstructs into value and derivative.</summary>
    /// <param name="value">Receives <see cref="Value"/>.</param>
    /// <param name="derivative">Receives <see cref="Derivative"/>.</param>
    public void Deconstruct(out T value, out T derivative)
    {
        value = Value;
        derivative = Derivative;
    }

#pragma warning disable CS1591 // The members below are mandated by the generic-math interfaces; their rules are described on the type.

    // ------------------------------------------------------------------ internal helpers

    [MethodImpl(Inline)]
    private static Dual<T> Const(T value) => new(value, T.Zero);

    /// <summary>True when every component of <paramref name="x"/>, at every nesting level, is ±0.</summary>
    [MethodImpl(Inline)]
    private static bool IsAllZero(T x) => s_innerIsAllZero is null ? T.IsZero(x) : s_innerIsAllZero(x);

    private static bool IsAllZeroDual(Dual<T> x) => IsAllZero(x.Value) && IsAllZero(x.Derivative);

    int IDualNumber.NestingDepth => s_depth;

    Delegate IDualNumber.CreateIsAllZero() => new Func<Dual<T>, bool>(IsAllZeroDual);

    TTarget IDualNumber.ConvertValue<TTarget>(DualConversion kind) => DualConversions.Convert<TTarget, T>(kind, Value);

    bool IDualNumber.TryConvertParts<TTarget>(DualConversion kind, out TTarget value, out TTarget derivative)
    {
        value = DualConversions.Convert<TTarget, T>(kind, Value);
        derivative = DualConversions.Convert<TTarget, T>(kind, Derivative);
        return true;
    }

    // ------------------------------------------------------------------ constants

    public static Dual<T> Zero => Const(T.Zero);
    public static Dual<T> One => Const(T.One);
    public static Dual<T> NegativeOne => Const(T.NegativeOne);
    public static Dual<T> AdditiveIdentity => Const(T.Zero);
    public static Dual<T> MultiplicativeIdentity => Const(T.One);
    public static int Radix => T.Radix;
    public static Dual<T> E => Const(T.E);
    public static Dual<T> Pi => Const(T.Pi);
    public static Dual<T> Tau => Const(T.Tau);
    public static Dual<T> Epsilon => Const(T.Epsilon);
    public static Dual<T> NaN => Const(T.NaN);
    public static Dual<T> NegativeInfinity => Const(T.NegativeInfinity);
    public static Dual<T> PositiveInfinity => Const(T.PositiveInfinity);
    public static Dual<T> NegativeZero => Const(T.NegativeZero);

    /// <summary>The largest finite value of <typeparamref name="T"/> (derivative 0).</summary>
    public static Dual<T> MaxValue => Const(s_maxValue);

    /// <summary>The most negative finite value of <typeparamref name="T"/> (derivative 0).</summary>
    public static Dual<T> MinValue => Const(-s_maxValue);

    // ------------------------------------------------------------------ arithmetic

    [MethodImpl(Inline)]
    public static Dual<T> operator +(Dual<T> value) => value;

    [MethodImpl(Inline)]
    public static Dual<T> operator -(Dual<T> value) => new(-value.Value, -value.Derivative);

    [MethodImpl(Inline)]
    public static Dual<T> operator ++(Dual<T> value) => new(value.Value + T.One, value.Derivative);

    [MethodImpl(Inline)]
    public static Dual<T> operator --(Dual<T> value) => new(value.Value - T.One, value.Derivative);

    [MethodImpl(Inline)]
    public static Dual<T> operator +(Dual<T> left, Dual<T> right)
        => new(left.Value + right.Value, left.Derivative + right.Derivative);

    [MethodImpl(Inline)]
    public static Dual<T> operator +(Dual<T> left, T right) => new(left.Value + right, left.Derivative);

    [MethodImpl(Inline)]
    public static Dual<T> operator +(T left, Dual<T> right) => new(left + right.Value, right.Derivative);

    [MethodImpl(Inline)]
    public static Dual<T> operator -(Dual<T> left, Dual<T> right)
        => new(left.Value - right.Value, left.Derivative - right.Derivative);

    [MethodImpl(Inline)]
    public static Dual<T> operator -(Dual<T> left, T right) => new(left.Value - right, left.Derivative);

    [MethodImpl(Inline)]
    public static Dual<T> operator -(T left, Dual<T> right) => new(left - right.Value, -right.Derivative);

    [MethodImpl(Inline)]
    public static Dual<T> operator *(Dual<T> left, Dual<T> right)
        => new(left.Value * right.Value, left.Derivative * right.Value + left.Value * right.Derivative);

    [MethodImpl(Inline)]
    public static Dual<T> operator *(Dual<T> left, T right) => new(left.Value * right, left.Derivative * right);

    [MethodImpl(Inline)]
    public static Dual<T> operator *(T left, Dual<T> right) => new(left * right.Value, left * right.Derivative);

    /// <summary>(a/b)′ = (a′ − (a/b)·b′)/b.</summary>
    [MethodImpl(Inline)]
    public static Dual<T> operator /(Dual<T> left, Dual<T> right)
    {
        T q = left.Value / right.Value;
        return new(q, (left.Derivative - q * right.Derivative) / right.Value);
    }

    [MethodImpl(Inline)]
    public static Dual<T> operator /(Dual<T> left, T right) => new(left.Value / right, left.Derivative / right);

    [MethodImpl(Inline)]
    public static Dual<T> operator /(T left, Dual<T> right)
    {
        T q = left / right.Value;
        return new(q, -(q * right.Derivative) / right.Value);
    }

    /// <summary>a % b = a − n·b with n = trunc(a/b) locally constant, so the derivative is a′ − n·b′.</summary>
    [MethodImpl(Inline)]
    public static Dual<T> operator %(Dual<T> left, Dual<T> right)
    {
        T r = left.Value % right.Value;
        T n = T.Round((left.Value - r) / right.Value);
        return new(r, left.Derivative - n * right.Derivative);
    }

    // ------------------------------------------------------------------ comparison and equality (value only)

    [MethodImpl(Inline)]
    public static bool operator ==(Dual<T> left, Dual<T> right) => left.Value == right.Value;

    [MethodImpl(Inline)]
    public static bool operator !=(Dual<T> left, Dual<T> right) => left.Value != right.Value;

    [MethodImpl(Inline)]
    public static bool operator <(Dual<T> left, Dual<T> right) => left.Value < right.Value;

    [MethodImpl(Inline)]
    public static bool operator <=(Dual<T> left, Dual<T> right) => left.Value <= right.Value;

    [MethodImpl(Inline)]
    public static bool operator >(Dual<T> left, Dual<T> right) => left.Value > right.Value;

    [MethodImpl(Inline)]
    public static bool operator >=(Dual<T> left, Dual<T> right) => left.Value >= right.Value;

    /// <summary>Compares values with <typeparamref name="T"/>'s <c>Equals</c> (NaN equals NaN); the derivative is ignored.</summary>
    public bool Equals(Dual<T> other) => Value.Equals(other.Value);

    public override bool Equals([NotNullWhen(true)] object? obj) => obj is Dual<T> other && Equals(other);

    public override int GetHashCode() => Value.GetHashCode();

    public int CompareTo(Dual<T> other) => Value.CompareTo(other.Value);

    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        Dual<T> other => CompareTo(other),
        _ => throw new ArgumentException($"Object must be of type {typeof(Dual<T>)}.", nameof(obj)),
    };

    // ------------------------------------------------------------------ classification (value only)

    public static bool IsCanonical(Dual<T> value) => T.IsCanonical(value.Value);
    public static bool IsComplexNumber(Dual<T> value) => T.IsComplexNumber(value.Value);
    public static bool IsEvenInteger(Dual<T> value) => T.IsEvenInteger(value.Value);
    public static bool IsFinite(Dual<T> value) => T.IsFinite(value.Value);
    public static bool IsImaginaryNumber(Dual<T> value) => T.IsImaginaryNumber(value.Value);
    public static bool IsInfinity(Dual<T> value) => T.IsInfinity(value.Value);
    public static bool IsInteger(Dual<T> value) => T.IsInteger(value.Value);
    public static bool IsNaN(Dual<T> value) => T.IsNaN(value.Value);
    public static bool IsNegative(Dual<T> value) => T.IsNegative(value.Value);
    public static bool IsNegativeInfinity(Dual<T> value) => T.IsNegativeInfinity(value.Value);
    public static bool IsNormal(Dual<T> value) => T.IsNormal(value.Value);
    public static bool IsOddInteger(Dual<T> value) => T.IsOddInteger(value.Value);
    public static bool IsPositive(Dual<T> value) => T.IsPositive(value.Value);
    public static bool IsPositiveInfinity(Dual<T> value) => T.IsPositiveInfinity(value.Value);
    public static bool IsRealNumber(Dual<T> value) => T.IsRealNumber(value.Value);
    public static bool IsSubnormal(Dual<T> value) => T.IsSubnormal(value.Value);
    public static bool IsZero(Dual<T> value) => T.IsZero(value.Value);
    public static int Sign(Dual<T> value) => T.Sign(value.Value);
    public static int ILogB(Dual<T> x) => T.ILogB(x.Value);

    // ------------------------------------------------------------------ sign, magnitude, selection

    /// <summary>|v| with derivative d·sign(v): the derivative is 0 at v = 0 (the zero subgradient).</summary>
    [MethodImpl(Inline)]
    public static Dual<T> Abs(Dual<T> value)
    {
        T v = value.Value;
        if (T.IsZero(v))
        {
            return new(T.Abs(v), T.Zero);
        }

        return new(T.Abs(v), T.IsNegative(v) ? -value.Derivative : value.Derivative);
    }

    /// <summary>|value| with the sign of <paramref name="sign"/>: ±value, so the derivative is ±value′ (none from sign).</summary>
    [MethodImpl(Inline)]
    public static Dual<T> CopySign(Dual<T> value, Dual<T> sign)
        => T.IsNegative(value.Value) == T.IsNegative(sign.Value) ? value : -value;

    [MethodImpl(Inline)]
    public static Dual<T> Max(Dual<T> x, Dual<T> y) => Selection.Max(x.Value, y.Value) ? x : y;

    [MethodImpl(Inline)]
    public static Dual<T> Min(Dual<T> x, Dual<T> y) => Selection.Min(x.Value, y.Value) ? x : y;

    [MethodImpl(Inline)]
    public static Dual<T> MaxNumber(Dual<T> x, Dual<T> y) => Selection.MaxNumber(x.Value, y.Value) ? x : y;

    [MethodImpl(Inline)]
    public static Dual<T> MinNumber(Dual<T> x, Dual<T> y) => Selection.MinNumber(x.Value, y.Value) ? x : y;

    [MethodImpl(Inline)]
    public static Dual<T> MaxNative(Dual<T> x, Dual<T> y) => x.Value > y.Value ? x : y;

    [MethodImpl(Inline)]
    public static Dual<T> MinNative(Dual<T> x, Dual<T> y) => x.Value < y.Value ? x : y;

    public static Dual<T> MaxMagnitude(Dual<T> x, Dual<T> y) => Selection.MaxMagnitude(x.Value, y.Value) ? x : y;

    public static Dual<T> MinMagnitude(Dual<T> x, Dual<T> y) => Selection.MinMagnitude(x.Value, y.Value) ? x : y;

    public static Dual<T> MaxMagnitudeNumber(Dual<T> x, Dual<T> y) => Selection.MaxMagnitudeNumber(x.Value, y.Value) ? x : y;

    public static Dual<T> MinMagnitudeNumber(Dual<T> x, Dual<T> y) => Selection.MinMagnitudeNumber(x.Value, y.Value) ? x : y;

    public static Dual<T> Clamp(Dual<T> value, Dual<T> min, Dual<T> max)
    {
        Selection.CheckClampRange(min.Value, max.Value, nameof(Clamp));
        return Min(Max(value, min), max);
    }

    public static Dual<T> ClampNative(Dual<T> value, Dual<T> min, Dual<T> max)
    {
        Selection.CheckClampRange(min.Value, max.Value, nameof(ClampNative));
        return MinNative(MaxNative(value, min), max);
    }

    // ------------------------------------------------------------------ rounding and bit-level steps

    public static Dual<T> Round(Dual<T> x) => Const(T.Round(x.Value));
    public static Dual<T> Round(Dual<T> x, int digits) => Const(T.Round(x.Value, digits));
    public static Dual<T> Round(Dual<T> x, MidpointRounding mode) => Const(T.Round(x.Value, mode));
    public static Dual<T> Round(Dual<T> x, int digits, MidpointRounding mode) => Const(T.Round(x.Value, digits, mode));
    public static Dual<T> Floor(Dual<T> x) => Const(T.Floor(x.Value));
    public static Dual<T> Ceiling(Dual<T> x) => Const(T.Ceiling(x.Value));
    public static Dual<T> Truncate(Dual<T> x) => Const(T.Truncate(x.Value));

    public static TInteger ConvertToInteger<TInteger>(Dual<T> value) where TInteger : IBinaryInteger<TInteger>
        => T.ConvertToInteger<TInteger>(value.Value);

    public static TInteger ConvertToIntegerNative<TInteger>(Dual<T> value) where TInteger : IBinaryInteger<TInteger>
        => T.ConvertToIntegerNative<TInteger>(value.Value);

    /// <summary>The next value toward −∞; the derivative is carried unchanged (the step is not a function of x).</summary>
    public static Dual<T> BitDecrement(Dual<T> x) => new(T.BitDecrement(x.Value), x.Derivative);

    /// <summary>The next value toward +∞; the derivative is carried unchanged (the step is not a function of x).</summary>
    public static Dual<T> BitIncrement(Dual<T> x) => new(T.BitIncrement(x.Value), x.Derivative);

    /// <summary>x·2ⁿ: linear in x, so the derivative is scaled by 2ⁿ too.</summary>
    public static Dual<T> ScaleB(Dual<T> x, int n) => new(T.ScaleB(x.Value, n), T.ScaleB(x.Derivative, n));

    /// <summary>a − n·b with n = round-to-even(a/b) locally constant: derivative a′ − n·b′.</summary>
    public static Dual<T> Ieee754Remainder(Dual<T> left, Dual<T> right)
    {
        T r = T.Ieee754Remainder(left.Value, right.Value);
        T n = T.Round((left.Value - r) / right.Value);
        return new(r, left.Derivative - n * right.Derivative);
    }

    // ------------------------------------------------------------------ fused and estimated arithmetic

    [MethodImpl(Inline)]
    public static Dual<T> FusedMultiplyAdd(Dual<T> left, Dual<T> right, Dual<T> addend)
        => new(T.FusedMultiplyAdd(left.Value, right.Value, addend.Value),
               T.FusedMultiplyAdd(left.Derivative, right.Value,
                                  T.FusedMultiplyAdd(left.Value, right.Derivative, addend.Derivative)));

    // Fused, not an estimate: MultiplyAddEstimate's bits depend on whether the CPU has FMA.
    [MethodImpl(Inline)]
    public static Dual<T> MultiplyAddEstimate(Dual<T> left, Dual<T> right, Dual<T> addend) => FusedMultiplyAdd(left, right, addend);

    /// <summary>v₁ + (v₂ − v₁)·t: derivative (1 − t)·v₁′ + t·v₂′ + (v₂ − v₁)·t′.</summary>
    public static Dual<T> Lerp(Dual<T> value1, Dual<T> value2, Dual<T> amount)
    {
        T t = amount.Value;
        T d = (T.One - t) * value1.Derivative + t * value2.Derivative + (value2.Value - value1.Value) * amount.Derivative;
        return new(T.Lerp(value1.Value, value2.Value, t), d);
    }

    public static Dual<T> ReciprocalEstimate(Dual<T> x) => Chain(DerivativeRules<T>.ReciprocalEstimate(x.Value), x.Derivative);

    public static Dual<T> ReciprocalSqrtEstimate(Dual<T> x) => Chain(DerivativeRules<T>.ReciprocalSqrtEstimate(x.Value), x.Derivative);

    public static Dual<T> DegreesToRadians(Dual<T> degrees)
        => new(T.DegreesToRadians(degrees.Value), T.DegreesToRadians(degrees.Derivative));

    public static Dual<T> RadiansToDegrees(Dual<T> radians)
        => new(T.RadiansToDegrees(radians.Value), T.RadiansToDegrees(radians.Derivative));

    // ------------------------------------------------------------------ elementary functions: DerivativeRules<T> gives f(v) and f′(v)

    /// <summary>The result f(v) with tangent f′(v)·x′.</summary>
    [MethodImpl(Inline)]
    private static Dual<T> Chain(ScaledTangent<T> rule, T derivative) => new(rule.Value, rule.Factor * derivative);

    /// <summary>The result f(v) with tangent x′ / k.</summary>
    [MethodImpl(Inline)]
    private static Dual<T> Chain(DividedTangent<T> rule, T derivative) => new(rule.Value, derivative / rule.Divisor);

    /// <summary>A root: tangent x′ / k, except that a zero tangent stays zero where the local derivative is infinite.</summary>
    [MethodImpl(Inline)]
    private static Dual<T> Chain(RootTangent<T> rule, T derivative)
        => new(rule.Value, IsAllZero(derivative) ? derivative : derivative / rule.Divisor);

    [MethodImpl(Inline)]
    public static Dual<T> Exp(Dual<T> x) => Chain(DerivativeRules<T>.Exp(x.Value), x.Derivative);

    [MethodImpl(Inline)]
    public static Dual<T> Exp2(Dual<T> x) => Chain(DerivativeRules<T>.Exp2(x.Value), x.Derivative);

    [MethodImpl(Inline)]
    public static Dual<T> Exp10(Dual<T> x) => Chain(DerivativeRules<T>.Exp10(x.Value), x.Derivative);

    public static Dual<T> ExpM1(Dual<T> x) => Chain(DerivativeRules<T>.ExpM1(x.Value), x.Derivative);

    public static Dual<T> Exp2M1(Dual<T> x) => Chain(DerivativeRules<T>.Exp2M1(x.Value), x.Derivative);

    public static Dual<T> Exp10M1(Dual<T> x) => Chain(DerivativeRules<T>.Exp10M1(x.Value), x.Derivative);

    [MethodImpl(Inline)]
    public static Dual<T> Log(Dual<T> x) => Chain(DerivativeRules<T>.Log(x.Value), x.Derivative);

    /// <summary>log_b x = ln x / ln b: derivative (x′/x − log_b(x)·b′/b) / ln b; the b′ term is skipped for a constant base.</summary>
    public static Dual<T> Log(Dual<T> x, Dual<T> newBase)
    {
        T v = T.Log(x.Value, newBase.Value);
        T d = x.Derivative / x.Value;
        if (!IsAllZero(newBase.Derivative))
        {
            d -= v * newBase.Derivative / newBase.Value;
        }

        return new(v, d / T.Log(newBase.Value));
    }

    [MethodImpl(Inline)]
    public static Dual<T> Log2(Dual<T> x) => Chain(DerivativeRules<T>.Log2(x.Value), x.Derivative);

    [MethodImpl(Inline)]
    public static Dual<T> Log10(Dual<T> x) => Chain(DerivativeRules<T>.Log10(x.Value), x.Derivative);

    public static Dual<T> LogP1(Dual<T> x) => Chain(DerivativeRules<T>.LogP1(x.Value), x.Derivative);

    public static Dual<T> Log2P1(Dual<T> x) => Chain(DerivativeRules<T>.Log2P1(x.Value), x.Derivative);

    public static Dual<T> Log10P1(Dual<T> x) => Chain(DerivativeRules<T>.Log10P1(x.Value), x.Derivative);

    // ------------------------------------------------------------------ powers and roots

    /// <summary>
    /// x^y with derivative y·x^(y−1)·x′ + x^y·ln(x)·y′. A term whose tangent is exactly zero (at every nesting level)
    /// is skipped, so a constant exponent never evaluates ln x (Pow(−3, 2) has derivative −6, not NaN) and
    /// Pow(0, y) with y &gt; 0 contributes 0 for y′; the x′ term is y·x^(y−1)·x′ evaluated as written, so Pow(0, 2)
    /// has derivative 0 and Pow(0, 1) derivative x′; a constant exponent 0 gives derivative 0.
    /// </summary>
    public static Dual<T> Pow(Dual<T> x, Dual<T> y)
    {
        T a = x.Value, b = y.Value;
        T v = T.Pow(a, b);
        T d = T.Zero;
        if (!IsAllZero(x.Derivative) && !IsAllZeroDual(y))
        {
            d = b * T.Pow(a, b - T.One) * x.Derivative;
        }

        if (!IsAllZero(y.Derivative) && !(T.IsZero(a) && b > T.Zero))
        {
            d += v * T.Log(a) * y.Derivative;
        }

        return new(v, d);
    }

    [MethodImpl(Inline)]
    public static Dual<T> Sqrt(Dual<T> x) => Chain(DerivativeRules<T>.Sqrt(x.Value), x.Derivative);

    [MethodImpl(Inline)]
    public static Dual<T> Cbrt(Dual<T> x) => Chain(DerivativeRules<T>.Cbrt(x.Value), x.Derivative);

    /// <summary>r = x^(1/n): derivative x′ / (n·r^(n−1)).</summary>
    public static Dual<T> RootN(Dual<T> x, int n) => Chain(DerivativeRules<T>.RootN(x.Value, n), x.Derivative);

    /// <summary>h = √(x² + y²): derivative (x/h)·x′ + (y/h)·y′.</summary>
    public static Dual<T> Hypot(Dual<T> x, Dual<T> y)
    {
        T h = T.Hypot(x.Value, y.Value);
        // At the origin the norm has no derivative; like Abs at 0, report 0 rather than NaN.
        if (T.IsZero(h)) return new(h, T.Zero);
        return new(h, x.Value / h * x.Derivative + y.Value / h * y.Derivative);
    }

    // ------------------------------------------------------------------ trigonometric functions

    [MethodImpl(Inline)]
    public static Dual<T> Sin(Dual<T> x) => Chain(DerivativeRules<T>.SinCos(x.Value).Sin, x.Derivative);

    [MethodImpl(Inline)]
    public static Dual<T> Cos(Dual<T> x) => Chain(DerivativeRules<T>.SinCos(x.Value).Cos, x.Derivative);

    [MethodImpl(Inline)]
    public static (Dual<T> Sin, Dual<T> Cos) SinCos(Dual<T> x)
    {
        var (sin, cos) = DerivativeRules<T>.SinCos(x.Value);
        return (Chain(sin, x.Derivative), Chain(cos, x.Derivative));
    }

    public static Dual<T> Tan(Dual<T> x) => Chain(DerivativeRules<T>.Tan(x.Value), x.Derivative);

    public static Dual<T> SinPi(Dual<T> x) => Chain(DerivativeRules<T>.SinCosPi(x.Value).SinPi, x.Derivative);

    public static Dual<T> CosPi(Dual<T> x) => Chain(DerivativeRules<T>.SinCosPi(x.Value).CosPi, x.Derivative);

    public static (Dual<T> SinPi, Dual<T> CosPi) SinCosPi(Dual<T> x)
    {
        var (sin, cos) = DerivativeRules<T>.SinCosPi(x.Value);
        return (Chain(sin, x.Derivative), Chain(cos, x.Derivative));
    }

    public static Dual<T> TanPi(Dual<T> x) => Chain(DerivativeRules<T>.TanPi(x.Value), x.Derivative);

    public static Dual<T> Asin(Dual<T> x) => Chain(DerivativeRules<T>.Asin(x.Value), x.Derivative);

    public static Dual<T> Acos(Dual<T> x) => Chain(DerivativeRules<T>.Acos(x.Value), x.Derivative);

    public static Dual<T> Atan(Dual<T> x) => Chain(DerivativeRules<T>.Atan(x.Value), x.Derivative);

    public static Dual<T> AsinPi(Dual<T> x) => Chain(DerivativeRules<T>.AsinPi(x.Value), x.Derivative);

    public static Dual<T> AcosPi(Dual<T> x) => Chain(DerivativeRules<T>.AcosPi(x.Value), x.Derivative);

    public static Dual<T> AtanPi(Dual<T> x) => Chain(DerivativeRules<T>.AtanPi(x.Value), x.Derivative);

    /// <summary>atan2(y, x): derivative (x·y′ − y·x′)/(x² + y²).</summary>
    public static Dual<T> Atan2(Dual<T> y, Dual<T> x)
    {
        T xv = x.Value, yv = y.Value;
        return new(T.Atan2(yv, xv), (xv * y.Derivative - yv * x.Derivative) / (xv * xv + yv * yv));
    }

    public static Dual<T> Atan2Pi(Dual<T> y, Dual<T> x)
    {
        T xv = x.Value, yv = y.Value;
        return new(T.Atan2Pi(yv, xv), (xv * y.Derivative - yv * x.Derivative) / (T.Pi * (xv * xv + yv * yv)));
    }

    // ------------------------------------------------------------------ hyperbolic functions

    public static Dual<T> Sinh(Dual<T> x) => Chain(DerivativeRules<T>.Sinh(x.Value), x.Derivative);

    public static Dual<T> Cosh(Dual<T> x) => Chain(DerivativeRules<T>.Cosh(x.Value), x.Derivative);

    public static Dual<T> Tanh(Dual<T> x) => Chain(DerivativeRules<T>.Tanh(x.Value), x.Derivative);

    public static Dual<T> Asinh(Dual<T> x) => Chain(DerivativeRules<T>.Asinh(x.Value), x.Derivative);

    public static Dual<T> Acosh(Dual<T> x) => Chain(DerivativeRules<T>.Acosh(x.Value), x.Derivative);

    public static Dual<T> Atanh(Dual<T> x) => Chain(DerivativeRules<T>.Atanh(x.Value), x.Derivative);

    // ------------------------------------------------------------------ conversions

    public static Dual<T> CreateChecked<TOther>(TOther value) where TOther : INumberBase<TOther>
        => ConvertFrom(value, DualConversion.Checked);

    public static Dual<T> CreateSaturating<TOther>(TOther value) where TOther : INumberBase<TOther>
        => ConvertFrom(value, DualConversion.Saturating);

    public static Dual<T> CreateTruncating<TOther>(TOther value) where TOther : INumberBase<TOther>
        => ConvertFrom(value, DualConversion.Truncating);

    static bool INumberBase<Dual<T>>.TryConvertFromChecked<TOther>(TOther value, out Dual<T> result)
    {
        result = ConvertFrom(value, DualConversion.Checked);
        return true;
    }

    static bool INumberBase<Dual<T>>.TryConvertFromSaturating<TOther>(TOther value, out Dual<T> result)
    {
        result = ConvertFrom(value, DualConversion.Saturating);
        return true;
    }

    static bool INumberBase<Dual<T>>.TryConvertFromTruncating<TOther>(TOther value, out Dual<T> result)
    {
        result = ConvertFrom(value, DualConversion.Truncating);
        return true;
    }

    static bool INumberBase<Dual<T>>.TryConvertToChecked<TOther>(Dual<T> value, [MaybeNullWhen(false)] out TOther result)
    {
        result = DualConversions.Convert<TOther, T>(DualConversion.Checked, value.Value);
        return true;
    }

    static bool INumberBase<Dual<T>>.TryConvertToSaturating<TOther>(Dual<T> value, [MaybeNullWhen(false)] out TOther result)
    {
        result = DualConversions.Convert<TOther, T>(DualConversion.Saturating, value.Value);
        return true;
    }

    static bool INumberBase<Dual<T>>.TryConvertToTruncating<TOther>(Dual<T> value, [MaybeNullWhen(false)] out TOther result)
    {
        result = DualConversions.Convert<TOther, T>(DualConversion.Truncating, value.Value);
        return true;
    }

    /// <summary>
    /// A scalar (or a dual of smaller nesting depth) becomes a constant through <c>T.CreateX</c>; a dual of the same
    /// nesting depth but another scalar type (Dual&lt;float&gt; → Dual&lt;double&gt;) is converted component by
    /// component (this path boxes the source once); a deeper dual is reduced to its value (the outermost tangents
    /// are dropped, as <c>TryConvertTo</c> does).
    /// </summary>
    [MethodImpl(Inline)]
    private static Dual<T> ConvertFrom<TOther>(TOther value, DualConversion kind) where TOther : INumberBase<TOther>
    {
        if (typeof(TOther) == typeof(Dual<T>))
        {
            return (Dual<T>)(object)value;
        }

        if (typeof(TOther) == typeof(T))
        {
            return new((T)(object)value, T.Zero);
        }

        if (value is IDualNumber other)
        {
            if (other.NestingDepth == s_depth)
            {
                other.TryConvertParts(kind, out T v, out T d);
                return new(v, d);
            }

            if (other.NestingDepth > s_depth)
            {
                return other.ConvertValue<Dual<T>>(kind);
            }
        }

        return new(DualConversions.Convert<T, TOther>(kind, value), T.Zero);
    }

    // ------------------------------------------------------------------ IFloatingPoint bit-level members (of the value)

    int IFloatingPoint<Dual<T>>.GetExponentByteCount() => Value.GetExponentByteCount();

    int IFloatingPoint<Dual<T>>.GetExponentShortestBitLength() => Value.GetExponentShortestBitLength();

    int IFloatingPoint<Dual<T>>.GetSignificandBitLength() => Value.GetSignificandBitLength();

    int IFloatingPoint<Dual<T>>.GetSignificandByteCount() => Value.GetSignificandByteCount();

    bool IFloatingPoint<Dual<T>>.TryWriteExponentBigEndian(Span<byte> destination, out int bytesWritten)
        => Value.TryWriteExponentBigEndian(destination, out bytesWritten);

    bool IFloatingPoint<Dual<T>>.TryWriteExponentLittleEndian(Span<byte> destination, out int bytesWritten)
        => Value.TryWriteExponentLittleEndian(destination, out bytesWritten);

    bool IFloatingPoint<Dual<T>>.TryWriteSignificandBigEndian(Span<byte> destination, out int bytesWritten)
        => Value.TryWriteSignificandBigEndian(destination, out bytesWritten);

    bool IFloatingPoint<Dual<T>>.TryWriteSignificandLittleEndian(Span<byte> destination, out int bytesWritten)
        => Value.TryWriteSignificandLittleEndian(destination, out bytesWritten);

    // ------------------------------------------------------------------ formatting

    /// <summary>
    /// Formats as <c>"value + derivativeε"</c> (<c>"1.5 + 2ε"</c>, <c>"1.5 - 2ε"</c>) with the invariant culture;
    /// nested components are parenthesised: <c>"(1 + 2ε) + (3 + 4ε)ε"</c>.
    /// </summary>
    public override string ToString() => ToString(null, CultureInfo.InvariantCulture);

    /// <summary>Formats as <c>"value + derivativeε"</c>, each component with <typeparamref name="T"/>'s formatting.</summary>
    public string ToString(string? format, IFormatProvider? formatProvider)
    {
        bool nested = s_depth > 1;
        (T d, bool minus) = DerivativeForDisplay(nested);
        string v = Value.ToString(format, formatProvider);
        string ds = d.ToString(format, formatProvider);
        string sep = minus ? " - " : " + ";
        return nested ? $"({v}){sep}({ds})ε" : $"{v}{sep}{ds}ε";
    }

    private (T Derivative, bool Minus) DerivativeForDisplay(bool nested)
    {
        T d = Derivative;
        return !nested && T.IsNegative(d) && !T.IsNaN(d) ? (-d, true) : (d, false);
    }

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        bool nested = s_depth > 1;
        (T d, bool minus) = DerivativeForDisplay(nested);
        int pos = 0;
        bool ok = (!nested || Put(destination, ref pos, "("))
            && PutNumber(destination, ref pos, Value, format, provider)
            && (!nested || Put(destination, ref pos, ")"))
            && Put(destination, ref pos, minus ? " - " : " + ")
            && (!nested || Put(destination, ref pos, "("))
            && PutNumber(destination, ref pos, d, format, provider)
            && (!nested || Put(destination, ref pos, ")"))
            && Put(destination, ref pos, "ε");
        charsWritten = ok ? pos : 0;
        return ok;

        static bool Put(Span<char> dst, ref int pos, ReadOnlySpan<char> text)
        {
            if (!text.TryCopyTo(dst[pos..]))
            {
                return false;
            }

            pos += text.Length;
            return true;
        }

        static bool PutNumber(Span<char> dst, ref int pos, T x, ReadOnlySpan<char> format, IFormatProvider? provider)
        {
            if (!x.TryFormat(dst[pos..], out int n, format, provider))
            {
                return false;
            }

            pos += n;
            return true;
        }
    }

    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        bool nested = s_depth > 1;
        (T d, bool minus) = DerivativeForDisplay(nested);
        int pos = 0;
        bool ok = (!nested || Put(utf8Destination, ref pos, "("u8))
            && PutNumber(utf8Destination, ref pos, Value, format, provider)
            && (!nested || Put(utf8Destination, ref pos, ")"u8))
            && Put(utf8Destination, ref pos, minus ? " - "u8 : " + "u8)
            && (!nested || Put(utf8Destination, ref pos, "("u8))
            && PutNumber(utf8Destination, ref pos, d, format, provider)
            && (!nested || Put(utf8Destination, ref pos, ")"u8))
            && Put(utf8Destination, ref pos, "ε"u8);
        bytesWritten = ok ? pos : 0;
        return ok;

        static bool Put(Span<byte> dst, ref int pos, ReadOnlySpan<byte> text)
        {
            if (!text.TryCopyTo(dst[pos..]))
            {
                return false;
            }

            pos += text.Length;
            return true;
        }

        static bool PutNumber(Span<byte> dst, ref int pos, T x, ReadOnlySpan<char> format, IFormatProvider? provider)
        {
            if (!x.TryFormat(dst[pos..], out int n, format, provider))
            {
                return false;
            }

            pos += n;
            return true;
        }
    }

    // ------------------------------------------------------------------ parsing

    /// <summary>
    /// Parses a plain <typeparamref name="T"/> (derivative 0), or the <c>"value + derivativeε"</c> form written by
    /// <see cref="ToString(string?, IFormatProvider?)"/>.
    /// </summary>
    public static Dual<T> Parse(string s, IFormatProvider? provider) => Parse(s, DefaultStyles, provider);

    public static Dual<T> Parse(string s, NumberStyles style, IFormatProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), style, provider);
    }

    public static Dual<T> Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s, DefaultStyles, provider);

    public static Dual<T> Parse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider)
        => TryParse(s, style, provider, out Dual<T> result)
            ? result
            : throw new FormatException($"'{s}' is neither a {typeof(T).Name} nor a dual number 'a + bε'.");

    public static Dual<T> Parse(ReadOnlySpan<byte> utf8Text, IFormatProvider? provider) => Parse(utf8Text, DefaultStyles, provider);

    public static Dual<T> Parse(ReadOnlySpan<byte> utf8Text, NumberStyles style, IFormatProvider? provider)
        => TryParse(utf8Text, style, provider, out Dual<T> result)
            ? result
            : throw new FormatException($"'{Encoding.UTF8.GetString(utf8Text)}' is neither a {typeof(T).Name} nor a dual number 'a + bε'.");

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Dual<T> result)
        => TryParse(s, DefaultStyles, provider, out result);

    public static bool TryParse([NotNullWhen(true)] string? s, NumberStyles style, IFormatProvider? provider, out Dual<T> result)
    {
        if (s is null)
        {
            result = default;
            return false;
        }

        return TryParse(s.AsSpan(), style, provider, out result);
    }

    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out Dual<T> result)
        => TryParse(s, DefaultStyles, provider, out result);

    public static bool TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider, out Dual<T> result)
    {
        if (T.TryParse(s, style, provider, out var v))
        {
            result = new(v, T.Zero);
            return true;
        }

        return TryParseDualForm(s, style, provider, out result);
    }

    public static bool TryParse(ReadOnlySpan<byte> utf8Text, IFormatProvider? provider, out Dual<T> result)
        => TryParse(utf8Text, DefaultStyles, provider, out result);

    public static bool TryParse(ReadOnlySpan<byte> utf8Text, NumberStyles style, IFormatProvider? provider, out Dual<T> result)
    {
        if (T.TryParse(utf8Text, style, provider, out var v))
        {
            result = new(v, T.Zero);
            return true;
        }

        char[]? rented = null;
        Span<char> buffer = utf8Text.Length <= 256
            ? stackalloc char[256]
            : (rented = ArrayPool<char>.Shared.Rent(utf8Text.Length));
        try
        {
            int n = Encoding.UTF8.GetChars(utf8Text, buffer);
            return TryParseDualForm(buffer[..n], style, provider, out result);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Parses <c>"a + bε"</c> / <c>"a - bε"</c>, where a and b may be parenthesised (nested duals).</summary>
    private static bool TryParseDualForm(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider, out Dual<T> result)
    {
        result = default;
        s = s.Trim();
        if (s.Length < 5 || s[^1] != 'ε')
        {
            return false;
        }

        s = s[..^1];
        int depth = 0;
        for (int i = s.Length - 1; i >= 1; i--)
        {
            char c = s[i];
            if (c == ')')
            {
                depth++;
            }
            else if (c == '(')
            {
                depth--;
            }
            else if (depth == 0 && (c == '+' || c == '-') && i + 1 < s.Length && s[i - 1] == ' ' && s[i + 1] == ' ')
            {
                if (T.TryParse(Unwrap(s[..(i - 1)]), style, provider, out var v)
                    && T.TryParse(Unwrap(s[(i + 2)..]), style, provider, out var d))
                {
                    result = new(v, c == '-' ? -d : d);
                    return true;
                }

                return false;
            }
        }

        return false;

        static ReadOnlySpan<char> Unwrap(ReadOnlySpan<char> part)
        {
            part = part.Trim();
            return part.Length >= 2 && part[0] == '(' && part[^1] == ')' ? part[1..^1] : part;
        }
    }

#pragma warning restore CS1591
}

/// <summary>Which <c>CreateX</c> family a conversion between numeric types follows.</summary>
internal enum DualConversion
{
    Checked,
    Saturating,
    Truncating,
}

/// <summary>Conversions between numeric types by the <c>CreateX</c> family a <see cref="DualConversion"/> names.</summary>
internal static class DualConversions
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TTo Convert<TTo, TFrom>(DualConversion kind, TFrom value)
        where TTo : INumberBase<TTo>
        where TFrom : INumberBase<TFrom>
        => kind switch
        {
            DualConversion.Checked => TTo.CreateChecked(value),
            DualConversion.Saturating => TTo.CreateSaturating(value),
            _ => TTo.CreateTruncating(value),
        };
}

/// <summary>A non-generic view of any <see cref="Dual{T}"/>: nesting depth, exact-zero test, component conversion.</summary>
internal interface IDualNumber
{
    /// <summary>1 for <c>Dual&lt;double&gt;</c>, 2 for <c>Dual&lt;Dual&lt;double&gt;&gt;</c>, …</summary>
    int NestingDepth { get; }

    /// <summary>A <c>Func&lt;Dual&lt;T&gt;, bool&gt;</c> that is true when every component at every level is ±0.</summary>
    Delegate CreateIsAllZero();

    /// <summary>Converts the value (dropping this level's tangent) to <typeparamref name="TTarget"/>.</summary>
    TTarget ConvertValue<TTarget>(DualConversion kind) where TTarget : INumberBase<TTarget>;

    /// <summary>Converts value and derivative separately to <typeparamref name="TTarget"/>.</summary>
    bool TryConvertParts<TTarget>(DualConversion kind, out TTarget value, out TTarget derivative)
        where TTarget : INumberBase<TTarget>;
}
