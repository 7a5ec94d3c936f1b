using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Optima.Problems.Derivatives;
using Xunit;
using D = Optima.Problems.Derivatives.Dual<double>;
using DD = Optima.Problems.Derivatives.Dual<Optima.Problems.Derivatives.Dual<double>>;

namespace Optima.Tests.Derivatives;

public class DualTests
{
    // ------------------------------------------------------------------ helpers

    private static readonly Config Quick = TestSupport.Quick(100);

    /// <summary>Uniform doubles in [lo, hi] (a million grid points, so shrinking stays in range).</summary>
    private static Gen<double> Range(double lo, double hi)
        => Gen.Choose(0, 1_000_000).Select(i => lo + (hi - lo) * (i / 1_000_000.0));

    private static void ForAll(Gen<double> gen, Func<double, bool> property)
        => Check.One(Quick, Prop.ForAll(Arb.From(gen), property));

    private static void ForAll(Gen<(double, double)> gen, Func<(double, double), bool> property)
        => Check.One(Quick, Prop.ForAll(Arb.From(gen), property));

    private static bool Rel(double actual, double expected, double tol)
        => Math.Abs(actual - expected) <= tol * Math.Abs(expected) + 1e-300
           || (double.IsNaN(actual) && double.IsNaN(expected));

    /// <summary>Relative tolerance with an absolute floor of <paramref name="tol"/> (for results near zero).</summary>
    private static bool Near(double actual, double expected, double tol)
        => Math.Abs(actual - expected) <= tol * Math.Max(1.0, Math.Abs(expected));

    private static double CentralDifference(Func<double, double> f, double x)
    {
        double h = 1e-5 * Math.Max(1.0, Math.Abs(x));
        return (f(x + h) - f(x - h)) / (2 * h);
    }

    /// <summary>f, f′ and f″ from one forward-over-forward evaluation (both first-derivative slots must agree).</summary>
    private static (double F, double D1, double D2) Second(Func<DD, DD> f, double x)
    {
        DD r = f(new DD(new D(x, 1), new D(1, 0)));
        Assert.True(Near(r.Value.Derivative, r.Derivative.Value, 1e-13), $"f'(x) slots differ at {x}: {r}");
        return (r.Value.Value, r.Derivative.Value, r.Derivative.Derivative);
    }

    /// <summary>A unary case: the dual rule (written generically), the primal function, its closed-form derivative, a domain.</summary>
    /// <remarks>Also run on <see cref="Jet"/> by <see cref="JetTests"/> (lane by lane the same rules).</remarks>
    internal sealed record Unary(
        Func<D, D> Dual1,
        Func<DD, DD> Dual2,
        Func<Jet, Jet> Jet1,
        Func<double, double> F,
        Func<double, double> DF,
        double Lo,
        double Hi,
        double ValueTolerance = 1e-13);

    private static Unary U<TF>(Func<double, double> f, Func<double, double> df, double lo, double hi, double valueTol = 1e-13)
        where TF : struct, IGenericUnary
        => new(x => default(TF).Apply(x), x => default(TF).Apply(x), x => default(TF).Apply(x), f, df, lo, hi, valueTol);

    /// <summary>Lets one generic lambda-like body run on both D and DD.</summary>
    public interface IGenericUnary
    {
        T Apply<T>(T x) where T : IFloatingPointIeee754<T>;
    }

    private readonly struct ExpF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Exp(x); }
    private readonly struct Exp2F : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Exp2(x); }
    private readonly struct Exp10F : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Exp10(x); }
    private readonly struct ExpM1F : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.ExpM1(x); }
    private readonly struct Exp2M1F : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Exp2M1(x); }
    private readonly struct Exp10M1F : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Exp10M1(x); }
    private readonly struct LogF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Log(x); }
    private readonly struct Log2F : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Log2(x); }
    private readonly struct Log10F : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Log10(x); }
    private readonly struct LogP1F : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.LogP1(x); }
    private readonly struct Log2P1F : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Log2P1(x); }
    private readonly struct Log10P1F : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Log10P1(x); }
    private readonly struct LogBase3F : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Log(x, T.CreateChecked(3)); }
    private readonly struct SqrtF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Sqrt(x); }
    private readonly struct CbrtF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Cbrt(x); }
    private readonly struct Root3F : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.RootN(x, 3); }
    private readonly struct Root4F : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.RootN(x, 4); }
    private readonly struct RootM2F : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.RootN(x, -2); }
    private readonly struct SinF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Sin(x); }
    private readonly struct CosF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Cos(x); }
    private readonly struct TanF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Tan(x); }
    private readonly struct SinCosF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> { var (s, c) = T.SinCos(x); return s * c; } }
    private readonly struct SinPiF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.SinPi(x); }
    private readonly struct CosPiF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.CosPi(x); }
    private readonly struct TanPiF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.TanPi(x); }
    private readonly struct SinCosPiF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> { var (s, c) = T.SinCosPi(x); return s + c * c; } }
    private readonly struct AsinF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Asin(x); }
    private readonly struct AcosF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Acos(x); }
    private readonly struct AtanF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Atan(x); }
    private readonly struct AsinPiF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.AsinPi(x); }
    private readonly struct AcosPiF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.AcosPi(x); }
    private readonly struct AtanPiF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.AtanPi(x); }
    private readonly struct SinhF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Sinh(x); }
    private readonly struct CoshF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Cosh(x); }
    private readonly struct TanhF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Tanh(x); }
    private readonly struct AsinhF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Asinh(x); }
    private readonly struct AcoshF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Acosh(x); }
    private readonly struct AtanhF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Atanh(x); }
    private readonly struct AbsF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Abs(x); }
    private readonly struct RecipF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.One / x; }
    private readonly struct RecipEstF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.ReciprocalEstimate(x); }
    private readonly struct RsqrtEstF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.ReciprocalSqrtEstimate(x); }
    private readonly struct PowConstF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Pow(x, T.CreateChecked(2.5)); }
    private readonly struct PowBaseF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Pow(T.CreateChecked(1.7), x); }
    private readonly struct PowSelfF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Pow(x, x); }
    private readonly struct HypotF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Hypot(x, T.CreateChecked(2) * x + T.One); }
    private readonly struct Atan2F : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Atan2(x * x, T.One - x); }
    private readonly struct Atan2PiF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Atan2Pi(x * x, T.One - x); }
    private readonly struct QuotientF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Sin(x) / (T.One + x * x); }
    private readonly struct ModF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => (x * x) % (x + T.One); }
    private readonly struct RemF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Ieee754Remainder(x * x, x + T.One); }
    private readonly struct FmaF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.FusedMultiplyAdd(x, T.Exp(x), x * x); }
    private readonly struct LerpF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.Lerp(x, x * x, T.Sin(x)); }
    private readonly struct ScaleBF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.ScaleB(x * x, 3); }
    private readonly struct DegF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.DegreesToRadians(x * x); }
    private readonly struct RadF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.RadiansToDegrees(x * x); }
    private readonly struct BitIncF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.BitIncrement(x * x); }
    private readonly struct BitDecF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.BitDecrement(x * x); }
    private readonly struct CopySignF : IGenericUnary { public T Apply<T>(T x) where T : IFloatingPointIeee754<T> => T.CopySign(x * x, T.NegativeOne); }

    internal static readonly Dictionary<string, Unary> Cases = new()
    {
        ["Exp"] = U<ExpF>(Math.Exp, Math.Exp, -5, 5),
        ["Exp2"] = U<Exp2F>(x => Math.Pow(2, x), x => Math.Pow(2, x) * Math.Log(2), -5, 5),
        ["Exp10"] = U<Exp10F>(x => Math.Pow(10, x), x => Math.Pow(10, x) * Math.Log(10), -3, 3),
        ["ExpM1"] = U<ExpM1F>(x => Math.Exp(x) - 1, Math.Exp, -5, 5),
        ["Exp2M1"] = U<Exp2M1F>(x => Math.Pow(2, x) - 1, x => Math.Pow(2, x) * Math.Log(2), -5, 5),
        ["Exp10M1"] = U<Exp10M1F>(x => Math.Pow(10, x) - 1, x => Math.Pow(10, x) * Math.Log(10), -3, 3),
        ["Log"] = U<LogF>(Math.Log, x => 1 / x, 0.1, 10),
        ["Log2"] = U<Log2F>(Math.Log2, x => 1 / (x * Math.Log(2)), 0.1, 10),
        ["Log10"] = U<Log10F>(Math.Log10, x => 1 / (x * Math.Log(10)), 0.1, 10),
        ["LogP1"] = U<LogP1F>(x => Math.Log(1 + x), x => 1 / (1 + x), -0.9, 10),
        ["Log2P1"] = U<Log2P1F>(x => Math.Log2(1 + x), x => 1 / ((1 + x) * Math.Log(2)), -0.9, 10),
        ["Log10P1"] = U<Log10P1F>(x => Math.Log10(1 + x), x => 1 / ((1 + x) * Math.Log(10)), -0.9, 10),
        ["LogBase3"] = U<LogBase3F>(x => Math.Log(x) / Math.Log(3), x => 1 / (x * Math.Log(3)), 0.1, 10),
        ["Sqrt"] = U<SqrtF>(Math.Sqrt, x => 0.5 / Math.Sqrt(x), 0.1, 10),
        ["Cbrt"] = U<CbrtF>(Math.Cbrt, x => 1 / (3 * Math.Cbrt(x) * Math.Cbrt(x)), 0.1, 10),
        ["CbrtNegative"] = U<CbrtF>(Math.Cbrt, x => 1 / (3 * Math.Cbrt(x) * Math.Cbrt(x)), -10, -0.1),
        ["RootN3Negative"] = U<Root3F>(Math.Cbrt, x => 1 / (3 * Math.Cbrt(x) * Math.Cbrt(x)), -10, -0.1),
        ["RootN4"] = U<Root4F>(x => Math.Pow(x, 0.25), x => 0.25 * Math.Pow(x, -0.75), 0.1, 10),
        ["RootNMinus2"] = U<RootM2F>(x => Math.Pow(x, -0.5), x => -0.5 * Math.Pow(x, -1.5), 0.1, 10),
        ["Sin"] = U<SinF>(Math.Sin, Math.Cos, -6, 6),
        ["Cos"] = U<CosF>(Math.Cos, x => -Math.Sin(x), -6, 6),
        ["Tan"] = U<TanF>(Math.Tan, x => 1 / (Math.Cos(x) * Math.Cos(x)), -1.4, 1.4),
        ["SinCos"] = U<SinCosF>(x => Math.Sin(x) * Math.Cos(x), x => Math.Cos(2 * x), -6, 6),
        ["SinPi"] = U<SinPiF>(x => Math.Sin(Math.PI * x), x => Math.PI * Math.Cos(Math.PI * x), -2, 2),
        ["CosPi"] = U<CosPiF>(x => Math.Cos(Math.PI * x), x => -Math.PI * Math.Sin(Math.PI * x), -2, 2),
        ["TanPi"] = U<TanPiF>(x => Math.Tan(Math.PI * x), x => Math.PI / Math.Pow(Math.Cos(Math.PI * x), 2), -0.45, 0.45),
        ["SinCosPi"] = U<SinCosPiF>(x => Math.Sin(Math.PI * x) + Math.Pow(Math.Cos(Math.PI * x), 2),
                                    x => Math.PI * Math.Cos(Math.PI * x) - Math.PI * Math.Sin(2 * Math.PI * x), -2, 2),
        ["Asin"] = U<AsinF>(Math.Asin, x => 1 / Math.Sqrt(1 - x * x), -0.9, 0.9),
        ["Acos"] = U<AcosF>(Math.Acos, x => -1 / Math.Sqrt(1 - x * x), -0.9, 0.9),
        ["Atan"] = U<AtanF>(Math.Atan, x => 1 / (1 + x * x), -10, 10),
        ["AsinPi"] = U<AsinPiF>(x => Math.Asin(x) / Math.PI, x => 1 / (Math.PI * Math.Sqrt(1 - x * x)), -0.9, 0.9),
        ["AcosPi"] = U<AcosPiF>(x => Math.Acos(x) / Math.PI, x => -1 / (Math.PI * Math.Sqrt(1 - x * x)), -0.9, 0.9),
        ["AtanPi"] = U<AtanPiF>(x => Math.Atan(x) / Math.PI, x => 1 / (Math.PI * (1 + x * x)), -10, 10),
        ["Sinh"] = U<SinhF>(Math.Sinh, Math.Cosh, -5, 5),
        ["Cosh"] = U<CoshF>(Math.Cosh, Math.Sinh, -5, 5),
        ["Tanh"] = U<TanhF>(Math.Tanh, x => 1 / (Math.Cosh(x) * Math.Cosh(x)), -3, 3),
        ["Asinh"] = U<AsinhF>(Math.Asinh, x => 1 / Math.Sqrt(x * x + 1), -10, 10),
        ["Acosh"] = U<AcoshF>(Math.Acosh, x => 1 / Math.Sqrt(x * x - 1), 1.1, 10),
        ["Atanh"] = U<AtanhF>(Math.Atanh, x => 1 / (1 - x * x), -0.9, 0.9),
        ["AbsNegative"] = U<AbsF>(Math.Abs, x => -1, -10, -0.01),
        ["AbsPositive"] = U<AbsF>(Math.Abs, x => 1, 0.01, 10),
        ["Reciprocal"] = U<RecipF>(x => 1 / x, x => -1 / (x * x), 0.1, 10),
        // The value is the hardware estimate (about 14 bits with AVX-512); the derivative is exact.
        ["ReciprocalEstimate"] = U<RecipEstF>(x => 1 / x, x => -1 / (x * x), 0.1, 10, valueTol: 1e-3),
        ["ReciprocalSqrtEstimate"] = U<RsqrtEstF>(x => 1 / Math.Sqrt(x), x => -0.5 * Math.Pow(x, -1.5), 0.1, 10, valueTol: 1e-3),
        ["PowConstantExponent"] = U<PowConstF>(x => Math.Pow(x, 2.5), x => 2.5 * Math.Pow(x, 1.5), 0.1, 10),
        ["PowConstantBase"] = U<PowBaseF>(x => Math.Pow(1.7, x), x => Math.Pow(1.7, x) * Math.Log(1.7), -5, 5),
        ["PowSelf"] = U<PowSelfF>(x => Math.Pow(x, x), x => Math.Pow(x, x) * (Math.Log(x) + 1), 0.1, 3),
        ["Hypot"] = U<HypotF>(x => Math.Sqrt(x * x + (2 * x + 1) * (2 * x + 1)),
                              x => (5 * x + 2) / Math.Sqrt(x * x + (2 * x + 1) * (2 * x + 1)), -5, 5),
        ["Atan2"] = U<Atan2F>(x => Math.Atan2(x * x, 1 - x),
                              x => ((1 - x) * 2 * x + x * x) / ((1 - x) * (1 - x) + x * x * x * x), -3, 0.9),
        ["Atan2Pi"] = U<Atan2PiF>(x => Math.Atan2(x * x, 1 - x) / Math.PI,
                                  x => ((1 - x) * 2 * x + x * x) / (Math.PI * ((1 - x) * (1 - x) + x * x * x * x)), -3, 0.9),
        ["Quotient"] = U<QuotientF>(x => Math.Sin(x) / (1 + x * x),
                                    x => (Math.Cos(x) * (1 + x * x) - 2 * x * Math.Sin(x)) / ((1 + x * x) * (1 + x * x)), -5, 5),
        // x² % (x + 1) = x² − n(x + 1) with n = trunc(x²/(x+1)) piecewise constant: derivative 2x − n.
        ["Modulus"] = U<ModF>(x => (x * x) % (x + 1), x => 2 * x - Math.Truncate(x * x / (x + 1)), 0.5, 6),
        ["Ieee754Remainder"] = U<RemF>(x => Math.IEEERemainder(x * x, x + 1),
                                       x => 2 * x - Math.Round(x * x / (x + 1), MidpointRounding.ToEven), 0.5, 6),
        ["FusedMultiplyAdd"] = U<FmaF>(x => x * Math.Exp(x) + x * x, x => (1 + x) * Math.Exp(x) + 2 * x, -3, 3),
        ["Lerp"] = U<LerpF>(x => x + (x * x - x) * Math.Sin(x),
                            x => 1 + (2 * x - 1) * Math.Sin(x) + (x * x - x) * Math.Cos(x), -3, 3),
        ["ScaleB"] = U<ScaleBF>(x => 8 * x * x, x => 16 * x, -5, 5),
        ["DegreesToRadians"] = U<DegF>(x => x * x * Math.PI / 180, x => 2 * x * Math.PI / 180, -5, 5),
        ["RadiansToDegrees"] = U<RadF>(x => x * x * 180 / Math.PI, x => 2 * x * 180 / Math.PI, -5, 5),
        ["BitIncrement"] = U<BitIncF>(x => x * x, x => 2 * x, -5, 5),
        ["BitDecrement"] = U<BitDecF>(x => x * x, x => 2 * x, -5, 5),
        ["CopySign"] = U<CopySignF>(x => -x * x, x => -2 * x, -5, 5),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    // ------------------------------------------------------------------ first derivatives of every function

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void FirstDerivativeMatchesClosedFormAndCentralDifference(string name)
    {
        Unary c = Cases[name];
        bool modular = name is "Modulus" or "Ieee754Remainder";
        ForAll(Range(c.Lo, c.Hi), x =>
        {
            D r = c.Dual1(D.Variable(x));
            double exact = c.DF(x);
            bool valueOk = Near(r.Value, c.F(x), c.ValueTolerance);
            bool closedOk = Rel(r.Derivative, exact, 1e-12) || Near(r.Derivative, exact, 1e-12);
            // The remainders jump where the integer quotient changes; difference them away from the jumps only.
            bool fdOk = (modular && NearQuotientJump(x)) || Near(r.Derivative, CentralDifference(c.F, x), 1e-6);
            return valueOk && closedOk && fdOk;
        });
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void SecondDerivativeByNestingMatchesDifferenceOfClosedForm(string name)
    {
        Unary c = Cases[name];
        bool modular = name is "Modulus" or "Ieee754Remainder";
        ForAll(Range(c.Lo, c.Hi), x =>
        {
            (double f, double d1, double d2) = Second(c.Dual2, x);
            bool nearJump = modular && NearQuotientJump(x);
            return Near(f, c.F(x), c.ValueTolerance)
                && (Rel(d1, c.DF(x), 1e-12) || Near(d1, c.DF(x), 1e-12))
                && (nearJump || Near(d2, CentralDifference(c.DF, x), 1e-6));
        });
    }

    /// <summary>x² % (x + 1) and its IEEE remainder jump where x²/(x + 1) crosses an integer or a half-integer.</summary>
    private static bool NearQuotientJump(double x)
    {
        double q = x * x / (x + 1);
        return Math.Abs(q - Math.Round(q)) < 1e-3 || Math.Abs(q - Math.Floor(q) - 0.5) < 1e-3;
    }

    [Fact]
    public void SecondDerivativesMatchClosedForms()
    {
        ForAll(Range(-5, 5), x =>
        {
            double sin2 = Second(DD.Sin, x).D2;
            double expx2 = Second(v => DD.Exp(v) * v * v, x).D2;
            double atan2 = Second(DD.Atan, x).D2;
            double cube = Second(v => DD.Pow(v, DD.CreateChecked(3)), x).D2;
            return Near(sin2, -Math.Sin(x), 1e-12)
                && Near(expx2, Math.Exp(x) * (x * x + 4 * x + 2), 1e-12)
                && Near(atan2, -2 * x / Math.Pow(1 + x * x, 2), 1e-12)
                && Near(cube, 6 * x, 1e-12);
        });
        ForAll(Range(0.1, 10), x =>
        {
            double pow = Second(v => DD.Pow(v, DD.CreateChecked(2.5)), x).D2;
            double powY = Second(v => DD.Pow(DD.CreateChecked(2.0), v), x).D2; // d²/dy² 2^y = 2^y ln²2
            return Rel(pow, 2.5 * 1.5 * Math.Sqrt(x), 1e-12) && Rel(powY, Math.Pow(2, x) * Math.Log(2) * Math.Log(2), 1e-12);
        });
    }

    [Fact]
    public void ThirdDerivativeByTripleNesting()
    {
        ForAll(Range(-3, 3), x =>
        {
            // Seed all three tangents with 1: the innermost-to-outermost mixed slot is f‴(x).
            var v = new Dual<DD>(new DD(new D(x, 1), new D(1, 0)), new DD(new D(1, 0), new D(0, 0)));
            Dual<DD> quartic = Dual<DD>.Pow(v, Dual<DD>.CreateChecked(4));
            Dual<DD> sin = Dual<DD>.Sin(v);
            return Near(quartic.Derivative.Derivative.Derivative, 24 * x, 1e-12)
                && Near(quartic.Derivative.Derivative.Value, 12 * x * x, 1e-12)
                && Near(sin.Derivative.Derivative.Derivative, -Math.Cos(x), 1e-12);
        });
    }

    // ------------------------------------------------------------------ Pow special cases

    [Fact]
    public void PowWithBothArgumentsDualGivesBothPartials()
    {
        ForAll(Gen.Zip(Range(0.2, 5), Range(-3, 3)), p =>
        {
            (double x, double y) = p;
            D dx = D.Pow(D.Variable(x), D.Constant(y));
            D dy = D.Pow(D.Constant(x), D.Variable(y));
            D both = D.Pow(new D(x, 0.3), new D(y, -0.7)); // directional derivative along (0.3, −0.7)
            double px = y * Math.Pow(x, y - 1), py = Math.Pow(x, y) * Math.Log(x);
            return Rel(dx.Derivative, px, 1e-12) && (Rel(dy.Derivative, py, 1e-12) || Near(dy.Derivative, py, 1e-13))
                && Near(both.Derivative, 0.3 * px - 0.7 * py, 1e-12) && dx.Value == Math.Pow(x, y);
        });
    }

    [Fact]
    public void PowOfNegativeBaseWithIntegerConstantExponentIsNotNaN()
    {
        ForAll(Gen.Zip(Range(-5, -0.1), Gen.Choose(-3, 4).Select(n => (double)n)), p =>
        {
            (double x, double n) = p;
            D r = D.Pow(D.Variable(x), D.CreateChecked((int)n));
            (double f, _, double d2) = Second(v => DD.Pow(v, DD.CreateChecked((int)n)), x);
            return Rel(r.Value, Math.Pow(x, n), 1e-15)
                && Near(r.Derivative, n * Math.Pow(x, n - 1), 1e-12)
                && Near(d2, n * (n - 1) * Math.Pow(x, n - 2), 1e-12)
                && f == r.Value;
        });
    }

    [Fact]
    public void PowAtZeroBaseIsHandledNaturally()
    {
        Assert.Equal((0.0, 0.0), Parts(D.Pow(D.Variable(0), D.Constant(2))));
        Assert.Equal((0.0, 1.0), Parts(D.Pow(D.Variable(0), D.Constant(1))));
        Assert.Equal((1.0, 0.0), Parts(D.Pow(D.Variable(0), D.Constant(0))));
        Assert.Equal((0.0, 0.0), Parts(D.Pow(D.Constant(0), D.Variable(2)))); // 0^y ≡ 0 for y > 0
        Assert.Equal((0.0, 0.0, 0.0), Second(v => DD.Pow(v, DD.CreateChecked(3)), 0));
        Assert.Equal((0.0, 0.0, 2.0), Second(v => DD.Pow(v, DD.CreateChecked(2)), 0));
        Assert.Equal(9.0, D.Pow(D.Constant(-3), D.Constant(2)).Value);
        Assert.Equal(0.0, D.Pow(D.Constant(-3), D.Constant(2)).Derivative);
        Assert.True(double.IsNaN(D.Pow(D.Variable(-3), D.Constant(0.5)).Derivative)); // genuinely undefined

        static (double, double) Parts(D d) => (d.Value, d.Derivative);
    }

    // ------------------------------------------------------------------ several variables

    /// <summary>f(x, y) = x²·sin y + exp(x·y), written once for any IEEE type.</summary>
    private static T TwoVariable<T>(T x, T y) where T : IFloatingPointIeee754<T> => x * x * T.Sin(y) + T.Exp(x * y);

    [Fact]
    public void MixedPartialByNestedSeeding()
    {
        ForAll(Gen.Zip(Range(-2, 2), Range(-2, 2)), p =>
        {
            (double x, double y) = p;
            // inner tangent seeds x, outer tangent seeds y: Derivative.Derivative = ∂²f/∂x∂y
            DD r = TwoVariable(new DD(new D(x, 1), new D(0, 0)), new DD(new D(y, 0), new D(1, 0)));
            double fx = 2 * x * Math.Sin(y) + y * Math.Exp(x * y);
            double fy = x * x * Math.Cos(y) + x * Math.Exp(x * y);
            double fxy = 2 * x * Math.Cos(y) + Math.Exp(x * y) * (1 + x * y);
            return Near(r.Value.Value, x * x * Math.Sin(y) + Math.Exp(x * y), 1e-14)
                && Near(r.Value.Derivative, fx, 1e-12)
                && Near(r.Derivative.Value, fy, 1e-12)
                && Near(r.Derivative.Derivative, fxy, 1e-12);
        });
    }

    [Fact]
    public void BinaryFunctionsGiveBothPartials()
    {
        ForAll(Gen.Zip(Range(0.5, 4), Range(-3, 3)), p =>
        {
            (double x, double y) = p;
            bool ok = true;
            ok &= Check2(D.Atan2, Math.Atan2, y, x, x / (x * x + y * y), -y / (x * x + y * y));
            ok &= Check2(D.Hypot, (a, b) => Math.Sqrt(a * a + b * b), x, y, x / Math.Sqrt(x * x + y * y), y / Math.Sqrt(x * x + y * y));
            ok &= Check2((a, b) => a / b, (a, b) => a / b, y, x, 1 / x, -y / (x * x));
            ok &= Check2((a, b) => a * b, (a, b) => a * b, y, x, x, y);
            ok &= Check2((a, b) => D.Log(a, b), Math.Log, x + 1, x + 0.6,
                         1 / ((x + 1) * Math.Log(x + 0.6)), -Math.Log(x + 1) / ((x + 0.6) * Math.Pow(Math.Log(x + 0.6), 2)));
            ok &= Check2((a, b) => D.FusedMultiplyAdd(a, b, a), (a, b) => a * b + a, x, y, y + 1, x);
            ok &= Check2(D.Max, Math.Max, x, y, x > y ? 1 : 0, x > y ? 0 : 1);
            ok &= Check2(D.Min, Math.Min, x, y, x < y ? 1 : 0, x < y ? 0 : 1);
            ok &= Check2(D.MaxMagnitude, Math.MaxMagnitude, x, y, Math.Abs(x) > Math.Abs(y) ? 1 : 0, Math.Abs(x) > Math.Abs(y) ? 0 : 1);
            ok &= Check2(D.MinMagnitude, Math.MinMagnitude, x, y, Math.Abs(x) < Math.Abs(y) ? 1 : 0, Math.Abs(x) < Math.Abs(y) ? 0 : 1);
            ok &= Check2(D.MaxNumber, double.MaxNumber, x, y, x > y ? 1 : 0, x > y ? 0 : 1);
            ok &= Check2(D.MinNumber, double.MinNumber, x, y, x < y ? 1 : 0, x < y ? 0 : 1);
            ok &= Check2(D.CopySign, Math.CopySign, x, y, double.IsNegative(y) ? -1 : 1, 0);
            return ok;
        });

        static bool Check2(Func<D, D, D> g, Func<double, double, double> f, double a, double b, double ga, double gb)
        {
            D rx = g(D.Variable(a), D.Constant(b)), ry = g(D.Constant(a), D.Variable(b));
            return rx.Value == ry.Value && Near(rx.Value, f(a, b), 1e-14)
                && Near(rx.Derivative, ga, 1e-12) && Near(ry.Derivative, gb, 1e-12);
        }
    }

    [Fact]
    public void SelectionAndPiecewiseConstantFunctions()
    {
        D a = new(1, 10), b = new(2, 20);
        Assert.Equal(20.0, D.Max(a, b).Derivative);
        Assert.Equal(10.0, D.Min(a, b).Derivative);
        Assert.Equal(10.0, D.Clamp(a, D.Constant(0), D.Constant(5)).Derivative);
        Assert.Equal(0.0, D.Clamp(a, D.Constant(3), D.Constant(5)).Derivative);
        Assert.Throws<ArgumentException>(() => D.Clamp(a, D.Constant(5), D.Constant(3)));
        Assert.True(double.IsNaN(D.Max(D.NaN, a).Value));
        Assert.Equal(10.0, D.MaxNumber(D.NaN, a).Derivative);
        Assert.Equal(-7.0, D.Abs(new D(-3, 7)).Derivative);
        Assert.Equal(7.0, D.Abs(new D(3, 7)).Derivative);
        Assert.Equal(0.0, D.Abs(new D(0, 7)).Derivative); // d·sign(0) = 0
        foreach (D r in new[] { D.Round(new D(2.6, 5)), D.Floor(new D(2.6, 5)), D.Ceiling(new D(2.6, 5)),
                                D.Truncate(new D(2.6, 5)), D.Round(new D(2.66, 5), 1), D.Round(new D(2.5, 5), MidpointRounding.AwayFromZero) })
        {
            Assert.Equal(0.0, r.Derivative);
        }

        Assert.Equal(3.0, D.Round(new D(2.6, 5)).Value);
        Assert.Equal(3, D.ILogB(new D(8.5, 1)));
        Assert.Equal(40.0, D.ScaleB(new D(1, 5), 3).Derivative);
        (D s, D c) = D.SinCos(D.Variable(0.3));
        Assert.Equal(Math.Cos(0.3), s.Derivative, 15);
        Assert.Equal(-Math.Sin(0.3), c.Derivative, 15);
        Assert.Equal(-3.0, (-new D(1, 3)).Derivative);
        D x = D.Variable(2);
        x++;
        Assert.Equal((3.0, 1.0), (x.Value, x.Derivative));
    }

    // ------------------------------------------------------------------ generic user code

    private static T Rosenbrock<T>(ReadOnlySpan<T> x) where T : IFloatingPointIeee754<T>
    {
        T a = T.One - x[0], b = x[1] - x[0] * x[0];
        return a * a + T.CreateChecked(100) * b * b;
    }

    [Fact]
    public void RosenbrockGradientAndHessianAreExact()
    {
        ForAll(Gen.Zip(Range(-2, 2), Range(-1, 3)), p =>
        {
            (double x, double y) = p;
            double gx = -2 * (1 - x) - 400 * x * (y - x * x), gy = 200 * (y - x * x);
            double hxx = 2 - 400 * (y - x * x) + 800 * x * x, hxy = -400 * x, hyy = 200;

            D fx = Rosenbrock<D>([D.Variable(x), D.Constant(y)]);
            D fy = Rosenbrock<D>([D.Constant(x), D.Variable(y)]);
            bool ok = Near(fx.Value, Math.Pow(1 - x, 2) + 100 * Math.Pow(y - x * x, 2), 1e-13)
                      && Near(fx.Derivative, gx, 1e-12) && Near(fy.Derivative, gy, 1e-12);

            double[,] h = new double[2, 2];
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    DD[] v =
                    [
                        new(new D(x, i == 0 ? 1 : 0), new D(j == 0 ? 1 : 0, 0)),
                        new(new D(y, i == 1 ? 1 : 0), new D(j == 1 ? 1 : 0, 0)),
                    ];
                    h[i, j] = Rosenbrock<DD>(v).Derivative.Derivative;
                }
            }

            return ok && Near(h[0, 0], hxx, 1e-12) && Near(h[0, 1], hxy, 1e-12)
                   && Near(h[1, 0], hxy, 1e-12) && Near(h[1, 1], hyy, 1e-12);
        });
    }

    // ------------------------------------------------------------------ constants and conversions

    private static T Hundred<T>() where T : IFloatingPointIeee754<T> => T.CreateChecked(100);

    [Fact]
    public void ConstantsHaveZeroDerivative()
    {
        foreach (D c in new[] { D.Zero, D.One, D.NegativeOne, D.Pi, D.E, D.Tau, D.NaN, D.Epsilon, D.PositiveInfinity,
                                D.NegativeInfinity, D.NegativeZero, D.MaxValue, D.MinValue, D.AdditiveIdentity, D.MultiplicativeIdentity })
        {
            Assert.Equal(0.0, c.Derivative);
        }

        Assert.Equal(Math.PI, D.Pi.Value);
        Assert.Equal(double.MaxValue, D.MaxValue.Value);
        Assert.Equal(double.MinValue, D.MinValue.Value);
        Assert.Equal(double.Epsilon, D.Epsilon.Value);
        Assert.True(double.IsNegative(D.NegativeZero.Value));
        Assert.Equal(double.MaxValue, DD.MaxValue.Value.Value);
        Assert.Equal(0.0, DD.Pi.Value.Derivative);
        Assert.Equal(new D(0, 0), DD.Pi.Derivative);
        Assert.Equal(0.0, DD.Pi.Derivative.Derivative);
        Assert.Equal(2, D.Radix);
        Assert.Equal(16, Unsafe.SizeOf<D>());
        Assert.Equal(32, Unsafe.SizeOf<DD>());
    }

    [Fact]
    public void CreateFromPrimitivesAndFromTForNestedDuals()
    {
        AssertConstant(DD.CreateChecked(100), 100);
        AssertConstant(DD.CreateChecked(2.5), 2.5);
        AssertConstant(DD.CreateChecked(2.5f), 2.5);
        AssertConstant(DD.CreateChecked(-7L), -7);
        AssertConstant(DD.CreateChecked(1.25m), 1.25);
        AssertConstant(DD.CreateChecked((Half)0.5), 0.5);
        AssertConstant(DD.CreateChecked((byte)9), 9);
        AssertConstant(DD.CreateChecked(new BigInteger(12345)), 12345);
        AssertConstant(DD.CreateSaturating(int.MaxValue), int.MaxValue);
        AssertConstant(DD.CreateTruncating(3u), 3);
        AssertConstant(Hundred<DD>(), 100);
        AssertConstant(Hundred<D>(), 100);
        Assert.Equal(100.0, Hundred<Dual<float>>().Value);

        // From T: a constant at the outer level that keeps T's own (inner) tangent.
        DD fromInner = DD.CreateChecked(new D(3, 4));
        Assert.Equal((3.0, 4.0, 0.0, 0.0), (fromInner.Value.Value, fromInner.Value.Derivative, fromInner.Derivative.Value, fromInner.Derivative.Derivative));
        DD implicitInner = new D(3, 4);
        Assert.Equal(fromInner.Value.Derivative, implicitInner.Value.Derivative);

        // Between dual types of the same depth: component by component; from a deeper dual: its value.
        D fromFloat = D.CreateChecked(new Dual<float>(1.5f, 2f));
        Assert.Equal((1.5, 2.0), (fromFloat.Value, fromFloat.Derivative));
        D fromDeeper = D.CreateChecked(new DD(new D(1.5, 1), new D(7, 8)));
        Assert.Equal((1.5, 1.0), (fromDeeper.Value, fromDeeper.Derivative));

        // To primitives: the value.
        Assert.Equal(3.5, double.CreateChecked(new D(3.5, 4)));
        Assert.Equal(3, int.CreateTruncating(new D(3.7, 1)));
        Assert.Equal(int.MaxValue, int.CreateSaturating(new D(1e20, 1)));
        Assert.Equal(1.5, double.CreateChecked(new DD(new D(1.5, 1), new D(7, 8))));
        Assert.Equal(3.25f, float.CreateChecked(new D(3.25, 1)));
        Assert.Throws<OverflowException>(() => int.CreateChecked(new D(1e20, 1)));
        Assert.Equal(4L, D.ConvertToInteger<long>(new D(4.9, 1)));

        static void AssertConstant(DD d, double v)
        {
            Assert.Equal(v, d.Value.Value);
            Assert.Equal(0.0, d.Value.Derivative);
            Assert.Equal(0.0, d.Derivative.Value);
            Assert.Equal(0.0, d.Derivative.Derivative);
        }
    }

    [Fact]
    public void ComparisonsAndEqualityUseTheValueOnly()
    {
        ForAll(Gen.Zip(Range(-10, 10), Range(-10, 10)), p =>
        {
            (double a, double b) = p;
            D x = new(a, 100), y = new(b, -100);
            return (x < y) == (a < b) && (x <= y) == (a <= b) && (x > y) == (a > b) && (x >= y) == (a >= b)
                && (x == y) == (a == b) && (x != y) == (a != b) && x.CompareTo(y) == a.CompareTo(b)
                && x.CompareTo((object)y) == a.CompareTo(b);
        });

        D one = new(1, 5), oneElse = new(1, -3);
        Assert.True(one == oneElse);
        Assert.True(one.Equals(oneElse));
        Assert.True(one.Equals((object)oneElse));
        Assert.Equal(one.GetHashCode(), oneElse.GetHashCode());
        Assert.Equal(new D(0.0, 1).GetHashCode(), new D(-0.0, 2).GetHashCode());
        Assert.True(D.NaN.Equals(new D(double.NaN, 3)));
        Assert.False(D.NaN == D.NaN);
        Assert.True(D.IsNaN(new D(double.NaN, 0)));
        Assert.True(D.IsZero(new D(0, 1)));
        Assert.True(D.IsInteger(new D(3, 0.5)));
        Assert.True(D.IsNegative(new D(-1, 1)));
        Assert.True(D.IsFinite(new D(1, double.NaN)));
        Assert.True(D.IsPositiveInfinity(D.PositiveInfinity));
        Assert.True(DD.IsZero(new DD(new D(0, 1), new D(1, 1))));
        Assert.Equal(-1, D.Sign(new D(-2, 5)));
        Assert.Equal(1, one.CompareTo(null));
        Assert.Throws<ArgumentException>(() => one.CompareTo("one"));
    }

    // ------------------------------------------------------------------ formatting and parsing

    private static Gen<double> AnyFinite =>
        Gen.Choose(int.MinValue, int.MaxValue).Two()
           .Select(t => BitConverter.Int64BitsToDouble(((long)t.Item1 << 32) | (uint)t.Item2))
           .Where(double.IsFinite);

    [Fact]
    public void ToStringAndParseRoundTrip()
    {
        Assert.Equal("1.5 + 2ε", new D(1.5, 2).ToString());
        Assert.Equal("1.5 - 2ε", new D(1.5, -2).ToString());
        Assert.Equal("(1 + 2ε) + (3 - 4ε)ε", new DD(new D(1, 2), new D(3, -4)).ToString());
        Assert.Equal("1.500 + 2.000ε", new D(1.5, 2).ToString("F3", CultureInfo.InvariantCulture));
        Assert.Equal("3.25 + 0ε", $"{D.Parse("3.25", CultureInfo.InvariantCulture)}");

        CultureInfo inv = CultureInfo.InvariantCulture;
        ForAll(Gen.Zip(AnyFinite, AnyFinite), p =>
        {
            (double v, double d) = p;
            D x = new(v, d);
            string s = x.ToString();
            D plain = D.Parse(v.ToString(inv), inv);
            D back = D.Parse(s, inv);
            bool spanOk = D.TryParse(s.AsSpan(), inv, out D fromSpan) && fromSpan.Value.Equals(v) && fromSpan.Derivative.Equals(d);
            Span<char> chars = stackalloc char[128];
            Span<byte> bytes = stackalloc byte[128];
            bool fmtOk = x.TryFormat(chars, out int nc, default, inv) && chars[..nc].SequenceEqual(s)
                && x.TryFormat(bytes, out int nb, default, inv) && Encoding.UTF8.GetString(bytes[..nb]) == s
                && D.Parse(bytes[..nb], inv).Derivative.Equals(d);
            return plain.Value.Equals(v) && plain.Derivative == 0
                && back.Value.Equals(v) && back.Derivative.Equals(d) && spanOk && fmtOk;
        });

        DD nested = new(new D(1.5, -2), new D(0.25, 1e-300));
        DD nestedBack = DD.Parse(nested.ToString(), inv);
        Assert.Equal((1.5, -2.0, 0.25, 1e-300),
            (nestedBack.Value.Value, nestedBack.Value.Derivative, nestedBack.Derivative.Value, nestedBack.Derivative.Derivative));
        Assert.Equal(2.5, DD.Parse("2.5", inv).Value.Value);
        Assert.False(D.TryParse("abc", inv, out _));
        Assert.False(D.TryParse("1 + xε", inv, out _));
        Assert.False(D.TryParse((string?)null, inv, out _));
        Assert.Throws<FormatException>(() => D.Parse("1 +", inv));
        Assert.False(new D(1.5, 2).TryFormat(stackalloc char[4], out int written, default, inv));
        Assert.Equal(0, written);
    }

    [Fact]
    public void WorksOnFloatAndHalf()
    {
        Dual<float> f = Dual<float>.Sin(Dual<float>.Variable(0.5f));
        Assert.Equal(Math.Cos(0.5), (double)f.Derivative, 6);
        Dual<Half> h = Dual<Half>.Exp(Dual<Half>.Variable((Half)1));
        Assert.Equal(Math.E, (double)h.Derivative, 2);
    }
}
