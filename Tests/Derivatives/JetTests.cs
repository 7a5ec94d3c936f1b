using System.Globalization;
using System.Numerics;
using System.Runtime.Intrinsics;
using FsCheck;
using FsCheck.Fluent;
using Optima.LinearAlgebra;
using Optima.Problems.Derivatives;
using Optima.Problems.Expressions;
using Optima.Solvers.Fitting;
using Xunit;
using Xunit.Abstractions;
using D = Optima.Problems.Derivatives.Dual<double>;

namespace Optima.Tests.Derivatives;

/// <summary>
/// <see cref="Jet"/>: one evaluation gives the partials that one <c>Dual&lt;double&gt;</c> evaluation per input gives,
/// bit for bit (same rules, same order of operations, lane by lane), and they agree with closed forms and finite
/// differences.
/// </summary>
public class JetTests(ITestOutputHelper output)
{
    private const int N = 5;

    private static readonly Config Quick = TestSupport.Quick(100);

    private static bool SameBits(double a, double b)
        => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b) || (double.IsNaN(a) && double.IsNaN(b));

    /// <summary>u = x + Σₖ cₖ·(qₖ − vₖ): the value is x exactly; the tangent along qₖ is cₖ (0 on some lanes).</summary>
    private static T Mix<T>(double x, ReadOnlySpan<T> q, double[] v, double[] c) where T : IFloatingPointIeee754<T>
    {
        T u = T.CreateChecked(x);
        for (int k = 0; k < c.Length; k++) u += T.CreateChecked(c[k]) * (q[k] - T.CreateChecked(v[k]));
        return u;
    }

    private static (double Value, double[] Partials) ByJet(Func<Jet[], Jet> f, double[] v)
    {
        var q = new Jet[v.Length];
        Jet.Seed(v, 0, q);
        var y = f(q);
        var g = new double[v.Length];
        y.CopyPartialsTo(g);
        return (y.Value, g);
    }

    /// <summary>The autodiff jets replace: one dual evaluation per input.</summary>
    private static (double Value, double[] Partials) ByDuals(Func<D[], D> f, double[] v)
    {
        var q = v.Select(D.Constant).ToArray();
        var g = new double[v.Length];
        double value = double.NaN;
        for (int k = 0; k < v.Length; k++)
        {
            q[k] = D.Variable(v[k]);
            var y = f(q);
            q[k] = D.Constant(v[k]);
            g[k] = y.Derivative;
            value = y.Value;
        }
        return (value, g);
    }

    private static bool SameAsDuals(Func<Jet[], Jet> fj, Func<D[], D> fd, double[] v, out string detail)
    {
        var (jv, jg) = ByJet(fj, v);
        var (dv, dg) = ByDuals(fd, v);
        detail = $"jet {jv:R} [{string.Join(", ", jg.Select(d => d.ToString("R", CultureInfo.InvariantCulture)))}] "
               + $"dual {dv:R} [{string.Join(", ", dg.Select(d => d.ToString("R", CultureInfo.InvariantCulture)))}]";
        return SameBits(jv, dv) && jg.Zip(dg).All(t => SameBits(t.First, t.Second));
    }

    private static Gen<double> Uniform(double lo, double hi) => TestSupport.Uniform(lo, hi);

    /// <summary>Tangent patterns: 0 (an exactly constant lane), ±1, ½, 3.</summary>
    private static readonly Gen<double[]> Coefficients = Gen.Elements(0.0, 1.0, -1.0, 0.5, 3.0).ArrayOf(N);

    private static readonly Gen<double[]> Point = Uniform(-2, 2).ArrayOf(N);

    // ------------------------------------------------------------------ every elementary function: bits of the dual passes

    public static TheoryData<string> UnaryNames => new(DualTests.Cases.Keys);

    [Theory]
    [MemberData(nameof(UnaryNames))]
    public void Unary_function_partials_are_the_bits_of_one_dual_pass_per_input_and_match_the_closed_form(string name)
    {
        var c = DualTests.Cases[name];
        var gen = from x in Uniform(c.Lo, c.Hi) from v in Point from coef in Coefficients select (x, v, coef);
        Check.One(Quick, Prop.ForAll(Arb.From(gen), t =>
        {
            var (x, v, coef) = t;
            bool same = SameAsDuals(q => c.Jet1(Mix<Jet>(x, q, v, coef)), q => c.Dual1(Mix<D>(x, q, v, coef)), v, out string detail);
            Assert.True(same, $"{name} at x = {x:R}, c = [{string.Join(", ", coef)}]: {detail}");
            // The chain rule through the mixing: ∂/∂qₖ g(u) = g′(x)·cₖ.
            var (_, g) = ByJet(q => c.Jet1(Mix<Jet>(x, q, v, coef)), v);
            double df = c.DF(x);
            bool modular = name is "Modulus" or "Ieee754Remainder";
            for (int k = 0; k < N && !modular; k++)
                Assert.True(Math.Abs(g[k] - df * coef[k]) <= 1e-9 * Math.Max(1, Math.Abs(df * coef[k])),
                    $"{name} lane {k}: {g[k]:R} vs {df * coef[k]:R}");
            return true;
        }));
    }

    public interface IGenericBinary
    {
        T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T>;
    }

    private readonly struct AddF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => a + b; }
    private readonly struct SubF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => a - b; }
    private readonly struct MulF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => a * b; }
    private readonly struct DivF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => a / b; }
    private readonly struct ModF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => a % b; }
    private readonly struct RemF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.Ieee754Remainder(a, b); }
    private readonly struct PowF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.Pow(a, b); }
    private readonly struct Atan2F : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.Atan2(a, b); }
    private readonly struct Atan2PiF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.Atan2Pi(a, b); }
    private readonly struct HypotF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.Hypot(a, b); }
    private readonly struct LogBaseF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.Log(a, b); }
    private readonly struct MaxF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.Max(a, b); }
    private readonly struct MinF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.Min(a, b); }
    private readonly struct MaxNumberF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.MaxNumber(a, b); }
    private readonly struct MinNumberF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.MinNumber(a, b); }
    private readonly struct MaxMagF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.MaxMagnitude(a, b); }
    private readonly struct MinMagF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.MinMagnitude(a, b); }
    private readonly struct MaxMagNumF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.MaxMagnitudeNumber(a, b); }
    private readonly struct MinMagNumF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.MinMagnitudeNumber(a, b); }
    private readonly struct CopySignF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.CopySign(a, b); }
    private readonly struct FmaF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.FusedMultiplyAdd(a, b, a - b); }
    private readonly struct MaeF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.MultiplyAddEstimate(a, b, a - b); }
    private readonly struct LerpF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.Lerp(a, b, a * b); }
    private readonly struct ClampF : IGenericBinary { public T Apply<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.Clamp(a, b - T.One, b + T.One); }

    private sealed record Binary(Func<Jet, Jet, Jet> Jet2, Func<D, D, D> Dual2, Gen<double> A, Gen<double> B);

    private static Binary B<TF>(Gen<double> a, Gen<double> b) where TF : struct, IGenericBinary
        => new((x, y) => default(TF).Apply(x, y), (x, y) => default(TF).Apply(x, y), a, b);

    /// <summary>Small integers as doubles, zero included.</summary>
    private static readonly Gen<double> Integers = Gen.Choose(-3, 3).Select(i => (double)i);

    private static readonly Dictionary<string, Binary> BinaryCases = new()
    {
        ["Add"] = B<AddF>(Uniform(-5, 5), Uniform(-5, 5)),
        ["Subtract"] = B<SubF>(Uniform(-5, 5), Uniform(-5, 5)),
        ["Multiply"] = B<MulF>(Uniform(-5, 5), Uniform(-5, 5)),
        ["Divide"] = B<DivF>(Uniform(-5, 5), Uniform(0.2, 5)),
        ["Modulus"] = B<ModF>(Uniform(-5, 5), Uniform(0.3, 2)),
        ["Ieee754Remainder"] = B<RemF>(Uniform(-5, 5), Uniform(0.3, 2)),
        ["Pow"] = B<PowF>(Uniform(0.1, 3), Uniform(-3, 3)),
        // A negative or zero base with integer exponents: ln x is NaN on the exponent's lanes only, as in the dual passes.
        ["PowNegativeBaseIntegerExponent"] = B<PowF>(Uniform(-3, -0.1), Integers),
        ["PowZeroBase"] = B<PowF>(Gen.Constant(0.0), Integers),
        ["Atan2"] = B<Atan2F>(Uniform(-5, 5), Uniform(-5, 5)),
        ["Atan2Pi"] = B<Atan2PiF>(Uniform(-5, 5), Uniform(-5, 5)),
        ["Hypot"] = B<HypotF>(Uniform(-5, 5), Uniform(-5, 5)),
        ["HypotOrigin"] = B<HypotF>(Gen.Constant(0.0), Gen.Constant(0.0)),
        ["LogBase"] = B<LogBaseF>(Uniform(0.1, 10), Uniform(1.5, 10)),
        ["Max"] = B<MaxF>(Integers, Integers),
        ["Min"] = B<MinF>(Integers, Integers),
        ["MaxNumber"] = B<MaxNumberF>(Integers, Integers),
        ["MinNumber"] = B<MinNumberF>(Integers, Integers),
        ["MaxMagnitude"] = B<MaxMagF>(Integers, Integers),
        ["MinMagnitude"] = B<MinMagF>(Integers, Integers),
        ["MaxMagnitudeNumber"] = B<MaxMagNumF>(Integers, Integers),
        ["MinMagnitudeNumber"] = B<MinMagNumF>(Integers, Integers),
        ["CopySign"] = B<CopySignF>(Uniform(-5, 5), Uniform(-5, 5)),
        ["FusedMultiplyAdd"] = B<FmaF>(Uniform(-5, 5), Uniform(-5, 5)),
        ["MultiplyAddEstimate"] = B<MaeF>(Uniform(-5, 5), Uniform(-5, 5)),
        ["Lerp"] = B<LerpF>(Uniform(-5, 5), Uniform(-5, 5)),
        ["Clamp"] = B<ClampF>(Uniform(-5, 5), Uniform(-5, 5)),
    };

    public static TheoryData<string> BinaryNames => new(BinaryCases.Keys);

    [Theory]
    [MemberData(nameof(BinaryNames))]
    public void Binary_function_partials_are_the_bits_of_one_dual_pass_per_input(string name)
    {
        // The two arguments depend on different (random, partly shared, partly zero) lanes, so every per-lane test a
        // rule makes (Pow, Log with a base, Sqrt's zero tangent) is exercised lane by lane.
        var c = BinaryCases[name];
        var gen = from a in c.A from b in c.B from v in Point from ca in Coefficients from cb in Coefficients select (a, b, v, ca, cb);
        Check.One(Quick, Prop.ForAll(Arb.From(gen), t =>
        {
            var (a, b, v, ca, cb) = t;
            bool same = SameAsDuals(q => c.Jet2(Mix<Jet>(a, q, v, ca), Mix<Jet>(b, q, v, cb)),
                                    q => c.Dual2(Mix<D>(a, q, v, ca), Mix<D>(b, q, v, cb)), v, out string detail);
            Assert.True(same, $"{name}({a:R}, {b:R}), ca = [{string.Join(", ", ca)}], cb = [{string.Join(", ", cb)}]: {detail}");
            return true;
        }));
    }

    // ------------------------------------------------------------------ edge cases, with the values they must have

    [Fact]
    public void Edge_cases_keep_zero_tangents_zero_and_follow_the_dual_rules()
    {
        Jet x0 = Jet.Variable(0.0, 0), c0 = Jet.Constant(0.0);
        // √ at 0: infinite slope on the variable's lane, exactly 0 (not NaN) on the others.
        var s = Jet.Sqrt(x0);
        Assert.Equal(double.PositiveInfinity, s[0]);
        for (int k = 1; k < Jet.Width; k++) Assert.Equal(0.0, s[k]);
        Assert.True(Vector512.EqualsAll(Jet.Sqrt(c0).Partials, Vector512<double>.Zero));
        Assert.True(Vector512.EqualsAll(Jet.Cbrt(c0).Partials, Vector512<double>.Zero));
        // |x| at 0: the zero subgradient on every lane.
        Assert.True(Vector512.EqualsAll(Jet.Abs(x0 + Jet.Variable(0, 1)).Partials, Vector512<double>.Zero));
        Assert.Equal(-1.0, Jet.Abs(Jet.Variable(-2, 3))[3]);
        // x² at x = −3 with a constant exponent: −6, and ln(−3) is never evaluated.
        var p = Jet.Pow(Jet.Variable(-3, 2), 2.0);
        Assert.Equal(9.0, p.Value);
        Assert.Equal(-6.0, p[2]);
        // (−2)^y with y = 3 a variable: d/dx = y·x^(y−1) = 12 on x's lane, ln(−2)·(−8) = NaN on y's lane only.
        var q = Jet.Pow(Jet.Variable(-2, 0), Jet.Variable(3, 1));
        Assert.Equal(-8.0, q.Value);
        Assert.Equal(12.0, q[0]);
        Assert.True(double.IsNaN(q[1]));
        Assert.Equal(0.0, q[2]);
        // 0^y with y > 0: no contribution from y′; x^0 with a constant exponent 0: derivative 0.
        Assert.Equal(0.0, Jet.Pow(0.0, Jet.Variable(2, 4))[4]);
        Assert.Equal(0.0, Jet.Pow(Jet.Variable(5, 0), 0.0)[0]);
        // Hypot at the origin: zero partials, like Abs.
        Assert.True(Vector512.EqualsAll(Jet.Hypot(x0, Jet.Variable(0, 1)).Partials, Vector512<double>.Zero));
        // Constants, conversions and piecewise-constant functions carry no partials.
        Assert.True(Vector512.EqualsAll(Jet.CreateChecked(3).Partials, Vector512<double>.Zero));
        Assert.True(Vector512.EqualsAll(Jet.Floor(Jet.Variable(2.5, 0)).Partials, Vector512<double>.Zero));
        Assert.Equal(2.5, double.CreateChecked(Jet.Variable(2.5, 0)));
        Assert.Equal(2, int.CreateTruncating(Jet.Variable(2.5, 0)));
    }

    [Fact]
    public void Seeding_comparison_formatting_and_parsing()
    {
        var jets = new Jet[11];
        double[] values = [.. Enumerable.Range(0, 11).Select(i => i + 0.5)];
        Jet.Seed(values, 8, jets);
        for (int i = 0; i < 11; i++)
        {
            Assert.Equal(values[i], jets[i].Value);
            for (int k = 0; k < Jet.Width; k++) Assert.Equal(i >= 8 && i - 8 == k ? 1.0 : 0.0, jets[i][k]);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => Jet.Variable(1, Jet.Width));
        // Comparison and equality look at the value only.
        Assert.True(Jet.Variable(1, 0) == Jet.Constant(1));
        Assert.True(Jet.Variable(1, 0) < Jet.Variable(2, 3));
        Assert.Equal("1.5 + [0, 1, 0, 0, 0, 0, 0, 0]ε", Jet.Variable(1.5, 1).ToString());
        Span<char> buffer = stackalloc char[64];
        Assert.True(Jet.Variable(1.5, 1).TryFormat(buffer, out int written, default, CultureInfo.InvariantCulture));
        Assert.Equal("1.5 + [0, 1, 0, 0, 0, 0, 0, 0]ε", buffer[..written].ToString());
        Assert.False(Jet.Variable(1.5, 1).TryFormat(buffer[..10], out _, default, CultureInfo.InvariantCulture));
        Assert.Equal(2.25, Jet.Parse("2.25", CultureInfo.InvariantCulture).Value);
        Assert.False(Jet.TryParse("x", CultureInfo.InvariantCulture, out _));
        Assert.False(Jet.TryParse((string?)null, CultureInfo.InvariantCulture, out _));
    }

    // ------------------------------------------------------------------ random models: dual passes and finite differences

    private static readonly string[] Functions = ["exp", "log", "log10", "sqrt", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "abs", "sign"];

    private static Gen<string> RandomExpression(int depth)
    {
        var leaf = Gen.Elements("p0", "p1", "p2", "p3", "p4", "x", "0.5", "1.5", "2", "3");
        if (depth == 0) return leaf;
        var sub = RandomExpression(depth - 1);
        var call = from f in Gen.Elements(Functions) from a in sub select $"{f}({a})";
        var binary = from op in Gen.Elements("+", "-", "*", "/", "^") from a in sub from b in sub select $"({a}) {op} ({b})";
        return Gen.Frequency((1, leaf), (2, call), (3, binary));
    }

    [Fact]
    public void Random_models_give_the_dual_passes_bits_and_agree_with_central_differences()
    {
        string[] names = ["p0", "p1", "p2", "p3", "p4"];
        int checkedByDifferences = 0, total = 0;
        var gen = from text in RandomExpression(4) from x in Uniform(0.2, 2) from p in Uniform(0.2, 2).ArrayOf(N) select (text, x, p);
        Check.One(TestSupport.Quick(400), Prop.ForAll(Arb.From(gen), t =>
        {
            var (text, x, p) = t;
            var model = new GenericExpressionModel(Expression.Parse(text), ["x"], names);
            double[] xs = [x];
            var jets = new Jet[N];
            Jet.Seed(p, 0, jets);
            var y = model.Evaluate<Jet>([Jet.Constant(x)], jets);
            var g = new double[N];
            y.CopyPartialsTo(g);
            var gd = new double[N];
            double vd = model.DualPasses(xs, p, gd);
            Assert.True(SameBits(y.Value, vd), $"{text}: value {y.Value:R} vs {vd:R}");
            for (int k = 0; k < N; k++) Assert.True(SameBits(g[k], gd[k]), $"{text} at x = {x:R}, p = [{string.Join(", ", p)}]: ∂/∂p{k} {g[k]:R} vs {gd[k]:R}");
            total++;
            // Central differences where the model is smooth enough for them to be accurate: two step sizes must agree.
            if (!double.IsFinite(y.Value) || Math.Abs(y.Value) > 1e6 || !g.All(double.IsFinite)) return true;
            bool all = true;
            for (int k = 0; k < N; k++)
            {
                double Diff(double h)
                {
                    var up = (double[])p.Clone(); up[k] += h;
                    var down = (double[])p.Clone(); down[k] -= h;
                    return (model.Evaluate<double>(xs, up) - model.Evaluate<double>(xs, down)) / (2 * h);
                }
                double h1 = 1e-4 * Math.Max(1, Math.Abs(p[k])), d1 = Diff(h1), d2 = Diff(h1 / 2);
                if (!double.IsFinite(d1) || !double.IsFinite(d2) || Math.Abs(d1 - d2) > 1e-5 * (1 + Math.Abs(d2))) { all = false; continue; }
                Assert.True(Math.Abs(g[k] - d2) <= 1e-5 * (1 + Math.Abs(d2)), $"{text} at x = {x:R}, p = [{string.Join(", ", p)}]: ∂/∂p{k} {g[k]:R} vs differences {d2:R}");
            }
            if (all) checkedByDifferences++;
            return true;
        }));
        output.WriteLine($"{total} random models; {checkedByDifferences} smooth enough for every partial to be checked by central differences");
        Assert.True(checkedByDifferences >= total / 4, $"only {checkedByDifferences} of {total} models were checked by differences");
    }

    // ------------------------------------------------------------------ AutoDiff on jets, block by block

    private readonly struct Mixed(int n) : IScalarFunction, IVectorFunction
    {
        public int Dimension => n;
        public int Inputs => n;
        public int Outputs => 3;

        public T Evaluate<T>(ReadOnlySpan<T> x) where T : IFloatingPointIeee754<T>
        {
            T s = T.Zero;
            for (int i = 0; i < x.Length; i++) s += T.Sin(x[i] * T.CreateChecked(i + 1)) * T.Exp(x[(i + 1) % x.Length] / T.CreateChecked(3));
            return s + T.Sqrt(T.One + x[0] * x[0]);
        }

        public void Evaluate<T>(ReadOnlySpan<T> x, Span<T> y) where T : IFloatingPointIeee754<T>
        {
            y[0] = Evaluate(x);
            y[1] = x[0] * x[x.Length - 1];
            y[2] = T.Log(T.One + x[x.Length / 2] * x[x.Length / 2]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(20)]
    public void AutoDiff_gradient_and_Jacobian_are_the_bits_of_the_dual_passes(int n)
    {
        var f = new Mixed(n);
        double[] x = [.. Enumerable.Range(0, n).Select(i => 0.3 * i - 1.1)];
        var g = new double[n];
        double value = AutoDiff.Gradient(f, x, g);
        var (dv, dg) = ByDuals(q => f.Evaluate<D>(q), x);
        Assert.True(SameBits(value, dv));
        for (int k = 0; k < n; k++) Assert.True(SameBits(g[k], dg[k]), $"∂f/∂x{k}: {g[k]:R} vs {dg[k]:R}");

        var values = new double[3];
        var jacobian = new DenseMatrix(3, n);
        AutoDiff.Jacobian(f, x, values, jacobian);
        for (int i = 0; i < 3; i++)
        {
            var (vi, gi) = ByDuals(q => { var y = new D[3]; f.Evaluate<D>(q, y); return y[i]; }, x);
            Assert.True(SameBits(values[i], vi));
            for (int k = 0; k < n; k++) Assert.True(SameBits(jacobian[i, k], gi[k]), $"J[{i},{k}]: {jacobian[i, k]:R} vs {gi[k]:R}");
        }
    }

    // ------------------------------------------------------------------ the fit's evaluator

    private readonly struct TwoExponentials : IScalarFitModel
    {
        public T Evaluate<T>(T x, ReadOnlySpan<T> p) where T : IFloatingPointIeee754<T>
            => p[0] * T.Exp(-p[1] * x) + p[2] * T.Exp(-p[3] * x) + p[4];
    }

    [Theory]
    [InlineData("p0*exp(-p1*x) + p2*exp(-p3*x) + p4", 5)]
    [InlineData("p0*exp(-p1*x) + p2*sin(p3*x + p4) + p5/(1 + p6*x^2) + p7*sqrt(x + p8) + p9*x + p10", 11)]
    public void Fit_evaluator_Jacobian_is_the_bits_of_the_dual_passes_with_weights_and_scales_fused(string text, int np)
    {
        string[] names = [.. Enumerable.Range(0, np).Select(k => $"p{k}")];
        var model = new GenericExpressionModel(Expression.Parse(text), ["x"], names);
        var evaluator = new GenericEvaluator<GenericExpressionModel>(model);
        int m = 300;
        double[] rows = [.. Enumerable.Range(0, m).Select(i => 0.01 + 3.0 * i / m)];
        double[] p = [.. Enumerable.Range(0, np).Select(k => 0.3 + 0.17 * k)];
        var f = new double[m];
        var jacobian = new DenseMatrix(m, np);
        evaluator.Evaluate(rows, 1, p, f, jacobian);
        var g = new double[np];
        for (int i = 0; i < m; i++)
        {
            double v = model.DualPasses(rows.AsSpan(i, 1), p, g);
            Assert.True(SameBits(f[i], v), $"f at point {i}");
            for (int k = 0; k < np; k++) Assert.True(SameBits(jacobian[i, k], g[k]), $"J[{i},{k}]: {jacobian[i, k]:R} vs {g[k]:R}");
        }

        // Scaled: (∂f/∂pₖ·wᵢ)·sₖ, the products the unfused passes form.
        double[] w = [.. Enumerable.Range(0, m).Select(i => 1 + 0.01 * i)];
        double[] s = [.. Enumerable.Range(0, np).Select(k => k % 3 == 0 ? 1.0 : 0.7 + k)];
        var scaled = new DenseMatrix(m, np);
        var fs = new double[m];
        evaluator.EvaluateScaled(rows, 1, p, fs, scaled, w, s);
        for (int i = 0; i < m; i++)
            for (int k = 0; k < np; k++)
                Assert.True(SameBits(scaled[i, k], jacobian[i, k] * w[i] * s[k]), $"scaled J[{i},{k}]");
        Assert.Equal(f, fs);
    }

    [Fact]
    public void Fit_evaluator_allocates_nothing_per_call()
    {
        var evaluator = new GenericEvaluator<ScalarModelAdapter<TwoExponentials>>(new(new TwoExponentials()));
        int m = 20_000;
        double[] rows = [.. Enumerable.Range(0, m).Select(i => 5.0 * i / m)];
        double[] p = [2.5, 1.0, 1.2, 0.25, 0.4];
        var f = new double[m];
        var jacobian = new DenseMatrix(m, 5);
        evaluator.Evaluate(rows, 1, p, f, jacobian);   // warm-up (JIT) of both paths
        evaluator.Evaluate(rows, 1, p, f, null);
        // Minimum over a few trials: tiered recompilation of a hot loop can show up once on this thread's counter
        // while the suite runs; an allocation per call would show up in every trial.
        long allocated = long.MaxValue;
        for (int trial = 0; trial < 3 && allocated > 0; trial++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int rep = 0; rep < 3; rep++)
            {
                evaluator.Evaluate(rows, 1, p, f, jacobian);
                evaluator.Evaluate(rows, 1, p, f, null);
            }
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, allocated);
    }
}
