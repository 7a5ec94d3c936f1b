using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text;
using Rules = Optima.Problems.Derivatives.DerivativeRules<double>;

namespace Optima.Problems.Derivatives;

/// <summary>
/// A jet (Ceres' name): a value and <see cref="Width"/> partial derivatives <c>∂v/∂xₖ</c>, carried together through
/// every operation of .NET generic math, so ONE evaluation of a generic function gives f and up to eight partials
/// (forward-mode automatic differentiation with a vector tangent).
/// </summary>
/// <remarks>
/// <para>
/// Seed the inputs with <see cref="Variable(double, int)"/> (input k on lane k) or <see cref="Seed"/> (a block of
/// eight inputs; more than eight are covered block by block), evaluate a function written with
/// <c>where T : IFloatingPointIeee754&lt;T&gt;</c> on <see cref="Jet"/>, and read <see cref="Partials"/>.
/// The partials are held in a <see cref="Vector512{T}"/>: one AVX-512 register where the hardware has it, two
/// AVX registers otherwise.
/// </para>
/// <para>
/// Every rule is <see cref="Dual{T}"/>'s (the elementary functions' local derivatives come from the same
/// <c>DerivativeRules</c>), applied lane by lane in the same order of operations, and every test Dual makes on "the"
/// tangent (is it exactly zero?) is made per lane. So lane k of a jet holds, bit for bit, the
/// <c>Derivative</c> of a <c>Dual&lt;double&gt;</c> evaluation seeded on input k; a jet replaces eight dual passes.
/// Comparisons, equality and the classification predicates look at <see cref="Value"/> only; constants and converted
/// values have zero partials; piecewise-constant functions have zero partials; <c>Abs</c> at 0 has zero partials.
/// </para>
/// <para>
/// A jet is the innermost number: it is not meant to be nested inside <see cref="Dual{T}"/> (use
/// <c>Dual&lt;Dual&lt;double&gt;&gt;</c> for second derivatives). It formats as <c>"v + [d₀, …, d₇]ε"</c> and
/// parses a plain number (as a constant).
/// </para>
/// </remarks>
public readonly struct Jet : IFloatingPointIeee754<Jet>, IMinMaxValue<Jet>
{
    private const MethodImplOptions Inline = MethodImplOptions.AggressiveInlining;
    private const NumberStyles DefaultStyles = NumberStyles.Float | NumberStyles.AllowThousands;

    /// <summary>The number of partial derivatives a jet carries: 8.</summary>
    public const int Width = 8;

    private static Vector512<double> None => Vector512<double>.Zero;

    /// <summary>Creates the jet <c>value + Σₖ partials[k]·εₖ</c>.</summary>
    /// <param name="value">The primal value.</param>
    /// <param name="partials">The partial derivatives, lane k = ∂value/∂xₖ.</param>
    [MethodImpl(Inline)]
    public Jet(double value, Vector512<double> partials)
    {
        Value = value;
        Partials = partials;
    }

    /// <summary>The primal value.</summary>
    public double Value { get; }

    /// <summary>The partial derivatives: lane k is ∂<see cref="Value"/>/∂xₖ for the input seeded on lane k.</summary>
    public Vector512<double> Partials { get; }

    /// <summary>The partial derivative on lane <paramref name="lane"/> (0 ≤ lane &lt; <see cref="Width"/>).</summary>
    /// <param name="lane">The lane.</param>
    public double this[int lane] => Partials[lane];

    /// <summary>An independent variable on lane <paramref name="lane"/>: partial 1 there, 0 on every other lane.</summary>
    /// <param name="value">The point at which derivatives are taken.</param>
    /// <param name="lane">The lane of this input, 0 ≤ lane &lt; <see cref="Width"/>.</param>
    public static Jet Variable(double value, int lane)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lane);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(lane, Width);
        return new(value, Vector512.ConditionalSelect(
            Vector512.Equals(Vector512<double>.Indices, Vector512.Create((double)lane)), Vector512<double>.One, None));
    }

    /// <summary>A constant: <paramref name="value"/> with zero partials.</summary>
    /// <param name="value">The constant's value.</param>
    [MethodImpl(Inline)]
    public static Jet Constant(double value) => new(value, None);

    /// <summary>Converts a double to a constant jet (zero partials).</summary>
    /// <param name="value">The constant's value.</param>
    [MethodImpl(Inline)]
    public static implicit operator Jet(double value) => new(value, None);

    /// <summary>
    /// Seeds a block of inputs: <paramref name="jets"/>[i] is <paramref name="values"/>[i] as a variable on lane
    /// i − <paramref name="first"/> for first ≤ i &lt; first + <see cref="Width"/>, and as a constant otherwise. With
    /// first = 0, 8, 16, … one evaluation per block gives the derivatives with respect to every input.
    /// </summary>
    /// <param name="values">The point.</param>
    /// <param name="first">The first input of the block (its partial lands on lane 0).</param>
    /// <param name="jets">Receives the seeded jets (at least as long as <paramref name="values"/>).</param>
    public static void Seed(ReadOnlySpan<double> values, int first, Span<Jet> jets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(jets.Length, values.Length, nameof(jets));
        for (int i = 0; i < values.Length; i++)
        {
            int lane = i - first;
            jets[i] = (uint)lane < Width ? Variable(values[i], lane) : Constant(values[i]);
        }
    }

    /// <summary>Copies the first min(<see cref="Width"/>, destination length) partials into <paramref name="destination"/>.</summary>
    /// <param name="destination">Receives ∂v/∂x₀, ∂v/∂x₁, … of the inputs seeded on lanes 0, 1, ….</param>
    public void CopyPartialsTo(Span<double> destination)
    {
        Span<double> lanes = stackalloc double[Width];
        Partials.CopyTo(lanes);
        lanes[..Math.Min(Width, destination.Length)].CopyTo(destination);
    }

    /// <summary>Deconstructs into value and partials.</summary>
    /// <param name="value">Receives <see cref="Value"/>.</param>
    /// <param name="partials">Receives <see cref="Partials"/>.</param>
    public void Deconstruct(out double value, out Vector512<double> partials)
    {
        value = Value;
        partials = Partials;
    }

#pragma warning disable CS1591 // The members below are mandated by the generic-math interfaces; their rules are described on the type.

    // ------------------------------------------------------------------ internal helpers

    /// <summary>All bits set on the lanes whose partial is ±0 (as Dual's "is the tangent exactly zero" test).</summary>
    [MethodImpl(Inline)]
    private static Vector512<double> ZeroLanes(Vector512<double> partials) => Vector512.Equals(partials, None);

    /// <summary>True when any lane of the mask is set.</summary>
    [MethodImpl(Inline)]
    private static bool Any(Vector512<double> mask) => Vector512.ExtractMostSignificantBits(mask) != 0;

    [MethodImpl(Inline)]
    private static Jet Chain(ScaledTangent<double> rule, Vector512<double> partials) => new(rule.Value, rule.Factor * partials);

    [MethodImpl(Inline)]
    private static Jet Chain(DividedTangent<double> rule, Vector512<double> partials) => new(rule.Value, partials / rule.Divisor);

    [MethodImpl(Inline)]
    private static Jet Chain(RootTangent<double> rule, Vector512<double> partials)
        => new(rule.Value, Vector512.ConditionalSelect(ZeroLanes(partials), partials, partials / rule.Divisor));

    // ------------------------------------------------------------------ constants

    public static Jet Zero => Constant(0.0);
    public static Jet One => Constant(1.0);
    public static Jet NegativeOne => Constant(-1.0);
    public static Jet AdditiveIdentity => Constant(0.0);
    public static Jet MultiplicativeIdentity => Constant(1.0);
    public static int Radix => 2;
    public static Jet E => Constant(Math.E);
    public static Jet Pi => Constant(Math.PI);
    public static Jet Tau => Constant(Math.Tau);
    public static Jet Epsilon => Constant(double.Epsilon);
    public static Jet NaN => Constant(double.NaN);
    public static Jet NegativeInfinity => Constant(double.NegativeInfinity);
    public static Jet PositiveInfinity => Constant(double.PositiveInfinity);
    public static Jet NegativeZero => Constant(-0.0);
    public static Jet MaxValue => Constant(double.MaxValue);
    public static Jet MinValue => Constant(double.MinValue);

    // ------------------------------------------------------------------ arithmetic

    [MethodImpl(Inline)]
    public static Jet operator +(Jet value) => value;

    [MethodImpl(Inline)]
    public static Jet operator -(Jet value) => new(-value.Value, -value.Partials);

    [MethodImpl(Inline)]
    public static Jet operator ++(Jet value) => new(value.Value + 1.0, value.Partials);

    [MethodImpl(Inline)]
    public static Jet operator --(Jet value) => new(value.Value - 1.0, value.Partials);

    [MethodImpl(Inline)]
    public static Jet operator +(Jet left, Jet right) => new(left.Value + right.Value, left.Partials + right.Partials);

    [MethodImpl(Inline)]
    public static Jet operator +(Jet left, double right) => new(left.Value + right, left.Partials);

    [MethodImpl(Inline)]
    public static Jet operator +(double left, Jet right) => new(left + right.Value, right.Partials);

    [MethodImpl(Inline)]
    public static Jet operator -(Jet left, Jet right) => new(left.Value - right.Value, left.Partials - right.Partials);

    [MethodImpl(Inline)]
    public static Jet operator -(Jet left, double right) => new(left.Value - right, left.Partials);

    [MethodImpl(Inline)]
    public static Jet operator -(double left, Jet right) => new(left - right.Value, -right.Partials);

    [MethodImpl(Inline)]
    public static Jet operator *(Jet left, Jet right)
        => new(left.Value * right.Value, left.Partials * right.Value + left.Value * right.Partials);

    [MethodImpl(Inline)]
    public static Jet operator *(Jet left, double right) => new(left.Value * right, left.Partials * right);

    [MethodImpl(Inline)]
    public static Jet operator *(double left, Jet right) => new(left * right.Value, left * right.Partials);

    /// <summary>(a/b)′ = (a′ − (a/b)·b′)/b.</summary>
    [MethodImpl(Inline)]
    public static Jet operator /(Jet left, Jet right)
    {
        double q = left.Value / right.Value;
        return new(q, (left.Partials - q * right.Partials) / right.Value);
    }

    [MethodImpl(Inline)]
    public static Jet operator /(Jet left, double right) => new(left.Value / right, left.Partials / right);

    [MethodImpl(Inline)]
    public static Jet operator /(double left, Jet right)
    {
        double q = left / right.Value;
        return new(q, -(q * right.Partials) / right.Value);
    }

    /// <summary>a % b = a − n·b with n = trunc(a/b) locally constant, so the partials are a′ − n·b′.</summary>
    [MethodImpl(Inline)]
    public static Jet operator %(Jet left, Jet right)
    {
        double r = left.Value % right.Value;
        double n = Math.Round((left.Value - r) / right.Value);
        return new(r, left.Partials - n * right.Partials);
    }

    // ------------------------------------------------------------------ comparison and equality (value only)

    [MethodImpl(Inline)]
    public static bool operator ==(Jet left, Jet right) => left.Value == right.Value;

    [MethodImpl(Inline)]
    public static bool operator !=(Jet left, Jet right) => left.Value != right.Value;

    [MethodImpl(Inline)]
    public static bool operator <(Jet left, Jet right) => left.Value < right.Value;

    [MethodImpl(Inline)]
    public static bool operator <=(Jet left, Jet right) => left.Value <= right.Value;

    [MethodImpl(Inline)]
    public static bool operator >(Jet left, Jet right) => left.Value > right.Value;

    [MethodImpl(Inline)]
    public static bool operator >=(Jet left, Jet right) => left.Value >= right.Value;

    /// <summary>Compares values with <see cref="double.Equals(double)"/> (NaN equals NaN); the partials are ignored.</summary>
    public bool Equals(Jet other) => Value.Equals(other.Value);

    public override bool Equals([NotNullWhen(true)] object? obj) => obj is Jet other && Equals(other);

    public override int GetHashCode() => Value.GetHashCode();

    public int CompareTo(Jet other) => Value.CompareTo(other.Value);

    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        Jet other => CompareTo(other),
        _ => throw new ArgumentException($"Object must be of type {typeof(Jet)}.", nameof(obj)),
    };

    // ------------------------------------------------------------------ classification (value only)

    public static bool IsCanonical(Jet value) => true;
    public static bool IsComplexNumber(Jet value) => false;
    public static bool IsEvenInteger(Jet value) => double.IsEvenInteger(value.Value);
    public static bool IsFinite(Jet value) => double.IsFinite(value.Value);
    public static bool IsImaginaryNumber(Jet value) => false;
    public static bool IsInfinity(Jet value) => double.IsInfinity(value.Value);
    public static bool IsInteger(Jet value) => double.IsInteger(value.Value);
    public static bool IsNaN(Jet value) => double.IsNaN(value.Value);
    public static bool IsNegative(Jet value) => double.IsNegative(value.Value);
    public static bool IsNegativeInfinity(Jet value) => double.IsNegativeInfinity(value.Value);
    public static bool IsNormal(Jet value) => double.IsNormal(value.Value);
    public static bool IsOddInteger(Jet value) => double.IsOddInteger(value.Value);
    public static bool IsPositive(Jet value) => double.IsPositive(value.Value);
    public static bool IsPositiveInfinity(Jet value) => double.IsPositiveInfinity(value.Value);
    public static bool IsRealNumber(Jet value) => double.IsRealNumber(value.Value);
    public static bool IsSubnormal(Jet value) => double.IsSubnormal(value.Value);
    public static bool IsZero(Jet value) => value.Value == 0;
    public static int Sign(Jet value) => Math.Sign(value.Value);
    public static int ILogB(Jet x) => double.ILogB(x.Value);

    // ------------------------------------------------------------------ sign, magnitude, selection

    /// <summary>|v| with partials d·sign(v): zero partials at v = 0 (the zero subgradient).</summary>
    [MethodImpl(Inline)]
    public static Jet Abs(Jet value)
    {
        double v = value.Value;
        if (v == 0)
        {
            return new(Math.Abs(v), None);
        }

        return new(Math.Abs(v), double.IsNegative(v) ? -value.Partials : value.Partials);
    }

    /// <summary>|value| with the sign of <paramref name="sign"/>: ±value, so the partials are ±value′ (none from sign).</summary>
    [MethodImpl(Inline)]
    public static Jet CopySign(Jet value, Jet sign)
        => double.IsNegative(value.Value) == double.IsNegative(sign.Value) ? value : -value;

    [MethodImpl(Inline)]
    public static Jet Max(Jet x, Jet y) => Selection.Max(x.Value, y.Value) ? x : y;

    [MethodImpl(Inline)]
    public static Jet Min(Jet x, Jet y) => Selection.Min(x.Value, y.Value) ? x : y;

    [MethodImpl(Inline)]
    public static Jet MaxNumber(Jet x, Jet y) => Selection.MaxNumber(x.Value, y.Value) ? x : y;

    [MethodImpl(Inline)]
    public static Jet MinNumber(Jet x, Jet y) => Selection.MinNumber(x.Value, y.Value) ? x : y;

    [MethodImpl(Inline)]
    public static Jet MaxNative(Jet x, Jet y) => x.Value > y.Value ? x : y;

    [MethodImpl(Inline)]
    public static Jet MinNative(Jet x, Jet y) => x.Value < y.Value ? x : y;

    public static Jet MaxMagnitude(Jet x, Jet y) => Selection.MaxMagnitude(x.Value, y.Value) ? x : y;

    public static Jet MinMagnitude(Jet x, Jet y) => Selection.MinMagnitude(x.Value, y.Value) ? x : y;

    public static Jet MaxMagnitudeNumber(Jet x, Jet y) => Selection.MaxMagnitudeNumber(x.Value, y.Value) ? x : y;

    public static Jet MinMagnitudeNumber(Jet x, Jet y) => Selection.MinMagnitudeNumber(x.Value, y.Value) ? x : y;

    public static Jet Clamp(Jet value, Jet min, Jet max)
    {
        Selection.CheckClampRange(min.Value, max.Value, nameof(Clamp));
        return Min(Max(value, min), max);
    }

    public static Jet ClampNative(Jet value, Jet min, Jet max)
    {
        Selection.CheckClampRange(min.Value, max.Value, nameof(ClampNative));
        return MinNative(MaxNative(value, min), max);
    }

    // ------------------------------------------------------------------ rounding and bit-level steps

    public static Jet Round(Jet x) => Constant(Math.Round(x.Value));
    public static Jet Round(Jet x, int digits) => Constant(Math.Round(x.Value, digits));
    public static Jet Round(Jet x, MidpointRounding mode) => Constant(Math.Round(x.Value, mode));
    public static Jet Round(Jet x, int digits, MidpointRounding mode) => Constant(Math.Round(x.Value, digits, mode));
    public static Jet Floor(Jet x) => Constant(Math.Floor(x.Value));
    public static Jet Ceiling(Jet x) => Constant(Math.Ceiling(x.Value));
    public static Jet Truncate(Jet x) => Constant(Math.Truncate(x.Value));

    public static TInteger ConvertToInteger<TInteger>(Jet value) where TInteger : IBinaryInteger<TInteger>
        => double.ConvertToInteger<TInteger>(value.Value);

    public static TInteger ConvertToIntegerNative<TInteger>(Jet value) where TInteger : IBinaryInteger<TInteger>
        => double.ConvertToIntegerNative<TInteger>(value.Value);

    /// <summary>The next value toward −∞; the partials are carried unchanged (the step is not a function of x).</summary>
    public static Jet BitDecrement(Jet x) => new(Math.BitDecrement(x.Value), x.Partials);

    /// <summary>The next value toward +∞; the partials are carried unchanged (the step is not a function of x).</summary>
    public static Jet BitIncrement(Jet x) => new(Math.BitIncrement(x.Value), x.Partials);

    /// <summary>x·2ⁿ: linear in x, so every partial is scaled by 2ⁿ too (lane by lane, as <c>double.ScaleB</c>).</summary>
    public static Jet ScaleB(Jet x, int n)
    {
        Span<double> partials = stackalloc double[Width];
        x.Partials.CopyTo(partials);
        foreach (ref double d in partials)
        {
            d = Math.ScaleB(d, n);
        }

        return new(Math.ScaleB(x.Value, n), Vector512.Create((ReadOnlySpan<double>)partials));
    }

    /// <summary>a − n·b with n = round-to-even(a/b) locally constant: partials a′ − n·b′.</summary>
    public static Jet Ieee754Remainder(Jet left, Jet right)
    {
        double r = Math.IEEERemainder(left.Value, right.Value);
        double n = Math.Round((left.Value - r) / right.Value);
        return new(r, left.Partials - n * right.Partials);
    }

    // ------------------------------------------------------------------ fused and estimated arithmetic

    [MethodImpl(Inline)]
    public static Jet FusedMultiplyAdd(Jet left, Jet right, Jet addend)
        => new(Math.FusedMultiplyAdd(left.Value, right.Value, addend.Value),
               Vector512.FusedMultiplyAdd(left.Partials, Vector512.Create(right.Value),
                   Vector512.FusedMultiplyAdd(Vector512.Create(left.Value), right.Partials, addend.Partials)));

    // Fused, not an estimate: MultiplyAddEstimate rounds twice without FMA hardware and once with it, so its bits
    // would change with the CPU (generic code such as polynomial evaluation reaches it through INumber).
    [MethodImpl(Inline)]
    public static Jet MultiplyAddEstimate(Jet left, Jet right, Jet addend) => FusedMultiplyAdd(left, right, addend);

    /// <summary>v₁ + (v₂ − v₁)·t: partials (1 − t)·v₁′ + t·v₂′ + (v₂ − v₁)·t′.</summary>
    public static Jet Lerp(Jet value1, Jet value2, Jet amount)
    {
        double t = amount.Value;
        var d = (1.0 - t) * value1.Partials + t * value2.Partials + (value2.Value - value1.Value) * amount.Partials;
        return new(double.Lerp(value1.Value, value2.Value, t), d);
    }

    public static Jet ReciprocalEstimate(Jet x) => Chain(Rules.ReciprocalEstimate(x.Value), x.Partials);

    public static Jet ReciprocalSqrtEstimate(Jet x) => Chain(Rules.ReciprocalSqrtEstimate(x.Value), x.Partials);

    /// <summary>Linear: value and partials each as <c>double.DegreesToRadians</c>, (d·π)/180.</summary>
    public static Jet DegreesToRadians(Jet degrees)
        => new(double.DegreesToRadians(degrees.Value), degrees.Partials * Math.PI / 180.0);

    /// <summary>Linear: value and partials each as <c>double.RadiansToDegrees</c>, (d·180)/π.</summary>
    public static Jet RadiansToDegrees(Jet radians)
        => new(double.RadiansToDegrees(radians.Value), radians.Partials * 180.0 / Math.PI);

    // ------------------------------------------------------------------ elementary functions: DerivativeRules gives f(v) and f′(v)

    [MethodImpl(Inline)]
    public static Jet Exp(Jet x) => Chain(Rules.Exp(x.Value), x.Partials);

    [MethodImpl(Inline)]
    public static Jet Exp2(Jet x) => Chain(Rules.Exp2(x.Value), x.Partials);

    [MethodImpl(Inline)]
    public static Jet Exp10(Jet x) => Chain(Rules.Exp10(x.Value), x.Partials);

    public static Jet ExpM1(Jet x) => Chain(Rules.ExpM1(x.Value), x.Partials);

    public static Jet Exp2M1(Jet x) => Chain(Rules.Exp2M1(x.Value), x.Partials);

    public static Jet Exp10M1(Jet x) => Chain(Rules.Exp10M1(x.Value), x.Partials);

    [MethodImpl(Inline)]
    public static Jet Log(Jet x) => Chain(Rules.Log(x.Value), x.Partials);

    /// <summary>log_b x = ln x / ln b: partials (x′/x − log_b(x)·b′/b) / ln b; the b′ term only on lanes where b′ ≠ 0.</summary>
    public static Jet Log(Jet x, Jet newBase)
    {
        double v = Math.Log(x.Value, newBase.Value);
        var d = x.Partials / x.Value;
        d = Vector512.ConditionalSelect(ZeroLanes(newBase.Partials), d, d - v * newBase.Partials / newBase.Value);
        return new(v, d / Math.Log(newBase.Value));
    }

    [MethodImpl(Inline)]
    public static Jet Log2(Jet x) => Chain(Rules.Log2(x.Value), x.Partials);

    [MethodImpl(Inline)]
    public static Jet Log10(Jet x) => Chain(Rules.Log10(x.Value), x.Partials);

    public static Jet LogP1(Jet x) => Chain(Rules.LogP1(x.Value), x.Partials);

    public static Jet Log2P1(Jet x) => Chain(Rules.Log2P1(x.Value), x.Partials);

    public static Jet Log10P1(Jet x) => Chain(Rules.Log10P1(x.Value), x.Partials);

    // ------------------------------------------------------------------ powers and roots

    /// <summary>
    /// x^y with partials y·x^(y−1)·x′ + x^y·ln(x)·y′, each term taken only on the lanes where Dual takes it: the x′
    /// term where x′ ≠ 0 and not (y = 0 with y′ = 0), the y′ term where y′ ≠ 0 unless x = 0 &lt; y. A constant
    /// exponent never evaluates ln x (Pow(−3, 2) has partial −6 on x's lane, not NaN).
    /// </summary>
    public static Jet Pow(Jet x, Jet y)
    {
        double a = x.Value, b = y.Value;
        double v = Math.Pow(a, b);
        var d = None;
        // Lanes of the x′ term: x′ ≠ 0, and y is not an exact zero there (value and partial).
        var xTerm = ~ZeroLanes(x.Partials);
        if (b == 0)
        {
            xTerm &= ~ZeroLanes(y.Partials);
        }

        if (Any(xTerm))
        {
            d = Vector512.ConditionalSelect(xTerm, b * Math.Pow(a, b - 1.0) * x.Partials, None);
        }

        var yTerm = ~ZeroLanes(y.Partials);
        if (Any(yTerm) && !(a == 0 && b > 0))
        {
            d = Vector512.ConditionalSelect(yTerm, d + v * Math.Log(a) * y.Partials, d);
        }

        return new(v, d);
    }

    [MethodImpl(Inline)]
    public static Jet Sqrt(Jet x) => Chain(Rules.Sqrt(x.Value), x.Partials);

    [MethodImpl(Inline)]
    public static Jet Cbrt(Jet x) => Chain(Rules.Cbrt(x.Value), x.Partials);

    /// <summary>r = x^(1/n): partials x′ / (n·r^(n−1)).</summary>
    public static Jet RootN(Jet x, int n) => Chain(Rules.RootN(x.Value, n), x.Partials);

    /// <summary>h = √(x² + y²): partials (x/h)·x′ + (y/h)·y′; zero at the origin (like Abs at 0).</summary>
    public static Jet Hypot(Jet x, Jet y)
    {
        double h = double.Hypot(x.Value, y.Value);
        if (h == 0) return new(h, None);
        return new(h, x.Value / h * x.Partials + y.Value / h * y.Partials);
    }

    // ------------------------------------------------------------------ trigonometric functions

    [MethodImpl(Inline)]
    public static Jet Sin(Jet x) => Chain(Rules.SinCos(x.Value).Sin, x.Partials);

    [MethodImpl(Inline)]
    public static Jet Cos(Jet x) => Chain(Rules.SinCos(x.Value).Cos, x.Partials);

    [MethodImpl(Inline)]
    public static (Jet Sin, Jet Cos) SinCos(Jet x)
    {
        var (sin, cos) = Rules.SinCos(x.Value);
        return (Chain(sin, x.Partials), Chain(cos, x.Partials));
    }

    public static Jet Tan(Jet x) => Chain(Rules.Tan(x.Value), x.Partials);

    public static Jet SinPi(Jet x) => Chain(Rules.SinCosPi(x.Value).SinPi, x.Partials);

    public static Jet CosPi(Jet x) => Chain(Rules.SinCosPi(x.Value).CosPi, x.Partials);

    public static (Jet SinPi, Jet CosPi) SinCosPi(Jet x)
    {
        var (sin, cos) = Rules.SinCosPi(x.Value);
        return (Chain(sin, x.Partials), Chain(cos, x.Partials));
    }

    public static Jet TanPi(Jet x) => Chain(Rules.TanPi(x.Value), x.Partials);

    public static Jet Asin(Jet x) => Chain(Rules.Asin(x.Value), x.Partials);

    public static Jet Acos(Jet x) => Chain(Rules.Acos(x.Value), x.Partials);

    public static Jet Atan(Jet x) => Chain(Rules.Atan(x.Value), x.Partials);

    public static Jet AsinPi(Jet x) => Chain(Rules.AsinPi(x.Value), x.Partials);

    public static Jet AcosPi(Jet x) => Chain(Rules.AcosPi(x.Value), x.Partials);

    public static Jet AtanPi(Jet x) => Chain(Rules.AtanPi(x.Value), x.Partials);

    /// <summary>atan2(y, x): partials (x·y′ − y·x′)/(x² + y²).</summary>
    public static Jet Atan2(Jet y, Jet x)
    {
        double xv = x.Value, yv = y.Value;
        return new(Math.Atan2(yv, xv), (xv * y.Partials - yv * x.Partials) / (xv * xv + yv * yv));
    }

    public static Jet Atan2Pi(Jet y, Jet x)
    {
        double xv = x.Value, yv = y.Value;
        return new(double.Atan2Pi(yv, xv), (xv * y.Partials - yv * x.Partials) / (Math.PI * (xv * xv + yv * yv)));
    }

    // ------------------------------------------------------------------ hyperbolic functions

    public static Jet Sinh(Jet x) => Chain(Rules.Sinh(x.Value), x.Partials);

    public static Jet Cosh(Jet x) => Chain(Rules.Cosh(x.Value), x.Partials);

    public static Jet Tanh(Jet x) => Chain(Rules.Tanh(x.Value), x.Partials);

    public static Jet Asinh(Jet x) => Chain(Rules.Asinh(x.Value), x.Partials);

    public static Jet Acosh(Jet x) => Chain(Rules.Acosh(x.Value), x.Partials);

    public static Jet Atanh(Jet x) => Chain(Rules.Atanh(x.Value), x.Partials);

    // ------------------------------------------------------------------ conversions: to and from the value; constants have zero partials

    public static Jet CreateChecked<TOther>(TOther value) where TOther : INumberBase<TOther>
        => ConvertFrom(value, DualConversion.Checked);

    public static Jet CreateSaturating<TOther>(TOther value) where TOther : INumberBase<TOther>
        => ConvertFrom(value, DualConversion.Saturating);

    public static Jet CreateTruncating<TOther>(TOther value) where TOther : INumberBase<TOther>
        => ConvertFrom(value, DualConversion.Truncating);

    static bool INumberBase<Jet>.TryConvertFromChecked<TOther>(TOther value, out Jet result)
    {
        result = ConvertFrom(value, DualConversion.Checked);
        return true;
    }

    static bool INumberBase<Jet>.TryConvertFromSaturating<TOther>(TOther value, out Jet result)
    {
        result = ConvertFrom(value, DualConversion.Saturating);
        return true;
    }

    static bool INumberBase<Jet>.TryConvertFromTruncating<TOther>(TOther value, out Jet result)
    {
        result = ConvertFrom(value, DualConversion.Truncating);
        return true;
    }

    static bool INumberBase<Jet>.TryConvertToChecked<TOther>(Jet value, [MaybeNullWhen(false)] out TOther result)
    {
        result = DualConversions.Convert<TOther, double>(DualConversion.Checked, value.Value);
        return true;
    }

    static bool INumberBase<Jet>.TryConvertToSaturating<TOther>(Jet value, [MaybeNullWhen(false)] out TOther result)
    {
        result = DualConversions.Convert<TOther, double>(DualConversion.Saturating, value.Value);
        return true;
    }

    static bool INumberBase<Jet>.TryConvertToTruncating<TOther>(Jet value, [MaybeNullWhen(false)] out TOther result)
    {
        result = DualConversions.Convert<TOther, double>(DualConversion.Truncating, value.Value);
        return true;
    }

    [MethodImpl(Inline)]
    private static Jet ConvertFrom<TOther>(TOther value, DualConversion kind) where TOther : INumberBase<TOther>
    {
        if (typeof(TOther) == typeof(Jet))
        {
            return (Jet)(object)value;
        }

        if (typeof(TOther) == typeof(double))
        {
            return Constant((double)(object)value);
        }

        return Constant(DualConversions.Convert<double, TOther>(kind, value));
    }

    // ------------------------------------------------------------------ IFloatingPoint bit-level members (of the value)

    /// <summary>The value through double's (explicitly implemented) bit-level members.</summary>
    private IFloatingPoint<double> Primal => Value;

    int IFloatingPoint<Jet>.GetExponentByteCount() => Primal.GetExponentByteCount();

    int IFloatingPoint<Jet>.GetExponentShortestBitLength() => Primal.GetExponentShortestBitLength();

    int IFloatingPoint<Jet>.GetSignificandBitLength() => Primal.GetSignificandBitLength();

    int IFloatingPoint<Jet>.GetSignificandByteCount() => Primal.GetSignificandByteCount();

    bool IFloatingPoint<Jet>.TryWriteExponentBigEndian(Span<byte> destination, out int bytesWritten)
        => Primal.TryWriteExponentBigEndian(destination, out bytesWritten);

    bool IFloatingPoint<Jet>.TryWriteExponentLittleEndian(Span<byte> destination, out int bytesWritten)
        => Primal.TryWriteExponentLittleEndian(destination, out bytesWritten);

    bool IFloatingPoint<Jet>.TryWriteSignificandBigEndian(Span<byte> destination, out int bytesWritten)
        => Primal.TryWriteSignificandBigEndian(destination, out bytesWritten);

    bool IFloatingPoint<Jet>.TryWriteSignificandLittleEndian(Span<byte> destination, out int bytesWritten)
        => Primal.TryWriteSignificandLittleEndian(destination, out bytesWritten);

    // ------------------------------------------------------------------ formatting and parsing

    /// <summary>Formats as <c>"v + [d₀, d₁, …, d₇]ε"</c> with the invariant culture.</summary>
    public override string ToString() => ToString(null, CultureInfo.InvariantCulture);

    /// <summary>Formats as <c>"v + [d₀, d₁, …, d₇]ε"</c>, each number with <see cref="double"/>'s formatting.</summary>
    public string ToString(string? format, IFormatProvider? formatProvider)
    {
        var text = new StringBuilder(Value.ToString(format, formatProvider)).Append(" + [");
        for (int k = 0; k < Width; k++)
        {
            text.Append(k == 0 ? "" : ", ").Append(Partials[k].ToString(format, formatProvider));
        }

        return text.Append("]ε").ToString();
    }

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        string text = ToString(format.IsEmpty ? null : format.ToString(), provider);
        bool ok = text.AsSpan().TryCopyTo(destination);
        charsWritten = ok ? text.Length : 0;
        return ok;
    }

    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        string text = ToString(format.IsEmpty ? null : format.ToString(), provider);
        return Encoding.UTF8.TryGetBytes(text, utf8Destination, out bytesWritten);
    }

    /// <summary>Parses a plain number as a constant jet (zero partials).</summary>
    public static Jet Parse(string s, IFormatProvider? provider) => Parse(s, DefaultStyles, provider);

    public static Jet Parse(string s, NumberStyles style, IFormatProvider? provider) => Constant(double.Parse(s, style, provider));

    public static Jet Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s, DefaultStyles, provider);

    public static Jet Parse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider) => Constant(double.Parse(s, style, provider));

    public static Jet Parse(ReadOnlySpan<byte> utf8Text, IFormatProvider? provider) => Parse(utf8Text, DefaultStyles, provider);

    public static Jet Parse(ReadOnlySpan<byte> utf8Text, NumberStyles style, IFormatProvider? provider)
        => Constant(double.Parse(utf8Text, style, provider));

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Jet result)
        => TryParse(s, DefaultStyles, provider, out result);

    public static bool TryParse([NotNullWhen(true)] string? s, NumberStyles style, IFormatProvider? provider, out Jet result)
        => TryParse(s.AsSpan(), style, provider, out result) && s is not null;

    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out Jet result)
        => TryParse(s, DefaultStyles, provider, out result);

    public static bool TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider, out Jet result)
    {
        bool ok = double.TryParse(s, style, provider, out double v);
        result = Constant(v);
        return ok;
    }

    public static bool TryParse(ReadOnlySpan<byte> utf8Text, IFormatProvider? provider, out Jet result)
        => TryParse(utf8Text, DefaultStyles, provider, out result);

    public static bool TryParse(ReadOnlySpan<byte> utf8Text, NumberStyles style, IFormatProvider? provider, out Jet result)
    {
        bool ok = double.TryParse(utf8Text, style, provider, out double v);
        result = Constant(v);
        return ok;
    }

#pragma warning restore CS1591
}
