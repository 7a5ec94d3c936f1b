using Optima.Problems.Expressions;

namespace Optima.Solvers.Fitting;

/// <summary>
/// A double-double number hi + lo (|lo| ≤ ½ulp(hi)), about 106 bits: enough to compute residuals yᵢ − f(xᵢ) whose
/// size is near the rounding error of f itself (NIST Lanczos1: residuals ~1e-13 on values ~1), so the residual sum
/// of squares and s² are right to many digits. Algorithms after Dekker (1971) and Hida, Li and Bailey's QD library.
/// </summary>
internal readonly record struct DoubleDouble(double Hi, double Lo)
{
    private static readonly DoubleDouble Ln2 = new(0.6931471805599453, 2.3190468138462996e-17);

    /// <summary>1/n in double-double, so a Taylor term is the previous one times r·(1/n).</summary>
    private static readonly DoubleDouble[] InverseFactorialRatio = [.. Enumerable.Range(0, 10).Select(n => n == 0 ? (DoubleDouble)1.0 : (DoubleDouble)1.0 / n)];

    public static implicit operator DoubleDouble(double x) => new(x, 0);

    /// <summary>
    /// The decimal number that <paramref name="x"/> was read from, as a double-double: the shortest decimal string
    /// that round-trips to x (what a data file holds, e.g. 2.5134), with the part double precision dropped carried in
    /// <see cref="Lo"/>. Data read from text (CSV, NIST files) are decimals, and a residual of 1e-13 on values near 1 is
    /// changed in its third digit by that representation error.
    /// </summary>
    public static DoubleDouble FromShortestDecimal(double x)
    {
        if (!double.IsFinite(x) || x == 0) return x;
        string s = x.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        int ePos = s.IndexOfAny(['E', 'e']);
        int exponent = ePos >= 0 ? int.Parse(s[(ePos + 1)..], System.Globalization.CultureInfo.InvariantCulture) : 0;
        string mantissa = ePos >= 0 ? s[..ePos] : s;
        bool negative = mantissa.StartsWith('-');
        if (negative) mantissa = mantissa[1..];
        int dot = mantissa.IndexOf('.');
        if (dot >= 0)
        {
            exponent -= mantissa.Length - dot - 1;
            mantissa = mantissa.Remove(dot, 1);
        }
        var digits = System.Numerics.BigInteger.Parse(mantissa, System.Globalization.CultureInfo.InvariantCulture);   // |x| = digits·10^exponent
        // |hi| = m·2^e exactly.
        double hi = Math.Abs(x);
        long bits = BitConverter.DoubleToInt64Bits(hi);
        int e = (int)((bits >> 52) & 0x7FF);
        long m = bits & 0xFFFFFFFFFFFFFL;
        if (e == 0) e = 1; else m |= 1L << 52;
        e -= 1075;
        // lo = digits·10^exponent − m·2^e, evaluated over the common denominator 10^max(−exponent,0)·2^max(−e,0).
        var ten = System.Numerics.BigInteger.Pow(10, Math.Abs(exponent));
        var two = System.Numerics.BigInteger.Pow(2, Math.Abs(e));
        var left = digits * (exponent >= 0 ? ten : 1) * (e < 0 ? two : 1);
        var right = (System.Numerics.BigInteger)m * (e >= 0 ? two : 1) * (exponent < 0 ? ten : 1);
        var difference = left - right;
        if (difference.IsZero) return x;
        double lo = (double)difference;
        if (exponent < 0) lo /= (double)ten;
        if (e < 0) lo = Math.ScaleB(lo, e);
        if (!double.IsFinite(lo) || Math.Abs(lo) > Math.Abs(hi) * 1e-15) return x;
        return negative ? new DoubleDouble(-hi, -lo) : new DoubleDouble(hi, lo);
    }

    public double ToDouble() => Hi + Lo;

    private static DoubleDouble QuickTwoSum(double a, double b)
    {
        double s = a + b;
        return new(s, b - (s - a));
    }

    private static DoubleDouble TwoSum(double a, double b)
    {
        double s = a + b, bb = s - a;
        return new(s, (a - (s - bb)) + (b - bb));
    }

    public static DoubleDouble operator +(DoubleDouble a, DoubleDouble b)
    {
        var s = TwoSum(a.Hi, b.Hi);
        var t = TwoSum(a.Lo, b.Lo);
        var u = QuickTwoSum(s.Hi, s.Lo + t.Hi);
        return QuickTwoSum(u.Hi, u.Lo + t.Lo);
    }

    public static DoubleDouble operator -(DoubleDouble a) => new(-a.Hi, -a.Lo);

    public static DoubleDouble operator -(DoubleDouble a, DoubleDouble b) => a + (-b);

    public static DoubleDouble operator *(DoubleDouble a, DoubleDouble b)
    {
        double p = a.Hi * b.Hi;
        double e = Math.FusedMultiplyAdd(a.Hi, b.Hi, -p);
        e += a.Hi * b.Lo + a.Lo * b.Hi;
        return QuickTwoSum(p, e);
    }

    public static DoubleDouble operator /(DoubleDouble a, DoubleDouble b)
    {
        double q1 = a.Hi / b.Hi;
        var r = a - q1 * b;
        double q2 = r.Hi / b.Hi;
        r -= q2 * b;
        double q3 = r.Hi / b.Hi;
        var q = QuickTwoSum(q1, q2);
        return q + q3;
    }

    public static DoubleDouble Exp(DoubleDouble a)
    {
        if (!double.IsFinite(a.Hi)) return Math.Exp(a.Hi);
        if (a.Hi > 709.7) return double.PositiveInfinity;
        if (a.Hi < -745.2) return 0.0;
        // a = k·ln2 + r, |r| ≤ ln2/2; exp(r) = (exp(r/1024))^1024 with a Taylor series for the small argument.
        double k = Math.Round(a.Hi / Ln2.Hi);
        var r = a - Ln2 * k;
        r = new DoubleDouble(r.Hi / 1024, r.Lo / 1024);
        // |r| ≤ 3.4e-4 after the scaling, so 9 terms reach 1e-34.
        DoubleDouble sum = 1.0, term = 1.0;
        for (int n = 1; n <= 9; n++)
        {
            term = term * r * InverseFactorialRatio[n];
            sum += term;
        }
        for (int i = 0; i < 10; i++) sum *= sum;
        return new DoubleDouble(Math.ScaleB(sum.Hi, (int)k), Math.ScaleB(sum.Lo, (int)k));
    }

    public static DoubleDouble Log(DoubleDouble a)
    {
        if (!(a.Hi > 0) || !double.IsFinite(a.Hi)) return Math.Log(a.Hi);
        DoubleDouble x = Math.Log(a.Hi);
        return x + a * Exp(-x) - 1.0;   // one Newton step doubles the digits
    }

    public static DoubleDouble Sqrt(DoubleDouble a)
    {
        if (!(a.Hi > 0)) return Math.Sqrt(a.Hi);
        double x = Math.Sqrt(a.Hi);
        var x2 = new DoubleDouble(x, 0) * x;
        return new DoubleDouble(x, 0) + (a - x2).Hi / (2 * x);
    }

    /// <summary>A function without a double-double algorithm here: f(hi) plus the first-order correction f′(hi)·lo.</summary>
    public static DoubleDouble Linearised(Func<double, double> f, Func<double, double> derivative, DoubleDouble a) =>
        new DoubleDouble(f(a.Hi), 0) + derivative(a.Hi) * a.Lo;
}

/// <summary>Evaluates an expression tree in double-double arithmetic (for the final residuals only; it is not fast).</summary>
internal static class ExtendedEvaluator
{
    public static DoubleDouble Evaluate(Expression e, Func<string, DoubleDouble> lookup) => e switch
    {
        NumberExpression n => n.Value,
        IdentifierExpression i => lookup(i.Name),
        NegateExpression n => -Evaluate(n.Operand, lookup),
        BinaryExpression b => Binary(b, lookup),
        CallExpression c => Call(c.Function, Evaluate(c.Argument, lookup)),
        _ => e.Evaluate(name => lookup(name).ToDouble()),
    };

    private static DoubleDouble Binary(BinaryExpression b, Func<string, DoubleDouble> lookup)
    {
        var left = Evaluate(b.Left, lookup);
        if (b.Operator == BinaryOperator.Power && b.Right is NumberExpression { Value: var k } && k == Math.Round(k) && Math.Abs(k) <= 64)
            return IntegerPower(left, (int)k);
        var right = Evaluate(b.Right, lookup);
        return b.Operator switch
        {
            BinaryOperator.Add => left + right,
            BinaryOperator.Subtract => left - right,
            BinaryOperator.Multiply => left * right,
            BinaryOperator.Divide => left / right,
            _ => Power(left, right),
        };
    }

    private static DoubleDouble Power(DoubleDouble a, DoubleDouble b)
    {
        double bd = b.ToDouble();
        if (b.Lo == 0 && bd == Math.Round(bd) && Math.Abs(bd) <= 64) return IntegerPower(a, (int)bd);
        if (!(a.Hi > 0)) return Math.Pow(a.ToDouble(), bd);
        return DoubleDouble.Exp(b * DoubleDouble.Log(a));
    }

    private static DoubleDouble IntegerPower(DoubleDouble a, int k)
    {
        DoubleDouble result = 1.0, x = a;
        int n = Math.Abs(k);
        while (n > 0)
        {
            if ((n & 1) != 0) result *= x;
            x *= x;
            n >>= 1;
        }
        return k < 0 ? 1.0 / result : result;
    }

    private static DoubleDouble Call(MathFunction f, DoubleDouble a) => f switch
    {
        MathFunction.Exp => DoubleDouble.Exp(a),
        MathFunction.Log => DoubleDouble.Log(a),
        MathFunction.Log10 => DoubleDouble.Log(a) / DoubleDouble.Log(10.0),
        MathFunction.Sqrt => DoubleDouble.Sqrt(a),
        MathFunction.Abs => a.Hi < 0 ? -a : a,
        MathFunction.Sin => DoubleDouble.Linearised(Math.Sin, Math.Cos, a),
        MathFunction.Cos => DoubleDouble.Linearised(Math.Cos, x => -Math.Sin(x), a),
        MathFunction.Atan => DoubleDouble.Linearised(Math.Atan, x => 1 / (1 + x * x), a),
        // The special functions to double accuracy at a.Hi, carried to first order in a.Lo (as sin, cos, atan).
        MathFunction.Erf => DoubleDouble.Linearised(SpecialFunctions.Erf, x => 1.1283791670955126 * Math.Exp(-x * x), a),
        MathFunction.Erfc => DoubleDouble.Linearised(SpecialFunctions.Erfc, x => -1.1283791670955126 * Math.Exp(-x * x), a),
        MathFunction.Gamma => DoubleDouble.Linearised(SpecialFunctions.Gamma, x => SpecialFunctions.Gamma(x) * SpecialFunctions.Digamma(x), a),
        MathFunction.Lgamma => DoubleDouble.Linearised(SpecialFunctions.Lgamma, SpecialFunctions.Digamma, a),
        MathFunction.Digamma => DoubleDouble.Linearised(SpecialFunctions.Digamma, SpecialFunctions.Trigamma, a),
        _ => Expression.Call(f, Expression.Number(a.ToDouble())).Evaluate(static _ => double.NaN),
    };
}
