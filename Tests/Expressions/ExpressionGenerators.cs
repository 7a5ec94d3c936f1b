using FsCheck;
using FsCheck.Fluent;
using Optima.Problems.Expressions;
using E = Optima.Problems.Expressions.Expression;

namespace Optima.Tests.Expressions;

/// <summary>FsCheck generators of expression trees.</summary>
public static class ExpressionGenerators
{
    public static readonly string[] Names = ["x", "y", "b1", "_c2"];

    private static readonly Gen<E> Numbers = Gen.OneOf(
        Gen.Elements(0.0, 1.0, 2.0, 3.0, 0.5, -1.0, -0.0, 1e-300, 1.5e300, Math.PI, -Math.PI, 0.1, 4.0, -2.0),
        TestSupport.Uniform(-1e6, 1e6),
        TestSupport.Uniform(-1e-3, 1e-3)).Select(E.Number);

    private static readonly Gen<E> Leaves = Gen.OneOf(Numbers, Gen.Elements(Names).Select(E.Identifier));

    /// <summary>Any tree up to <paramref name="depth"/> levels, over every node kind, operator and function.</summary>
    public static Gen<E> Any(int depth) => depth <= 0
        ? Leaves
        : Gen.Choose(0, 9).SelectMany(k => k switch
        {
            <= 1 => Leaves,
            2 => Any(depth - 1).Select(E.Negate),
            3 or 4 => from f in Gen.Elements(Enum.GetValues<MathFunction>().Where(f => f != MathFunction.Trigamma).ToArray()) // trigamma has no symbolic derivative
                      from a in Any(depth - 1)
                      select E.Call(f, a),
            _ => from op in Gen.Elements(Enum.GetValues<BinaryOperator>())
                 from l in Any(depth - 1)
                 from r in Any(depth - 1)
                 select E.Binary(op, l, r),
        });

    private static E One => E.Number(1);
    private static E Sq(E u) => E.Power(u, E.Number(2));

    /// <summary>
    /// Smooth trees over x and y whose every function stays inside its domain for moderate x, y
    /// (log(1+u²), u/(1+v²), tan(u/(1+u²)), …), for comparing derivatives with finite differences.
    /// </summary>
    public static Gen<E> Smooth(int depth)
    {
        var leaf = Gen.OneOf(
            Gen.Elements("x", "y").Select(E.Identifier),
            Gen.Choose(-300, 300).Select(k => E.Number(k / 100.0)));
        if (depth <= 0) return leaf;
        var sub = Smooth(depth - 1);
        return Gen.Choose(0, 24).SelectMany(k => k switch
        {
            0 or 1 => leaf,
            2 => sub.Select(E.Negate),
            3 => from u in sub from v in sub select u + v,
            4 => from u in sub from v in sub select u - v,
            5 or 6 => from u in sub from v in sub select u * v,
            7 => from u in sub from v in sub select u / (One + Sq(v)),
            8 => sub.Select(u => E.Call(MathFunction.Exp, E.Call(MathFunction.Sin, u))),
            9 => sub.Select(u => E.Call(MathFunction.Log, One + Sq(u))),
            10 => sub.Select(u => E.Call(MathFunction.Sqrt, One + Sq(u))),
            11 => sub.Select(u => E.Call(MathFunction.Sin, u)),
            12 => sub.Select(u => E.Call(MathFunction.Cos, u)),
            13 => sub.Select(u => E.Call(MathFunction.Tan, u / (One + Sq(u)))),
            14 => sub.Select(u => E.Call(MathFunction.Atan, u)),
            15 => from f in Gen.Elements(MathFunction.Asin, MathFunction.Acos)
                  from u in sub
                  select E.Call(f, u / (E.Number(2) + Sq(u))),
            16 => from f in Gen.Elements(MathFunction.Sinh, MathFunction.Cosh)
                  from u in sub
                  select E.Call(f, E.Call(MathFunction.Sin, u)),
            17 => sub.Select(u => E.Call(MathFunction.Tanh, u)),
            18 => from u in sub
                  from shift in Gen.Elements(2.0, -2.0)
                  select E.Call(MathFunction.Abs, E.Call(MathFunction.Sin, u) + E.Number(shift)),
            19 => from u in sub from c in Gen.Elements(2.0, 3.0, 4.0) select E.Power(u, E.Number(c)),
            20 => from u in sub from c in Gen.Choose(-20, 20) select E.Power(One + Sq(u), E.Number(c / 10.0)),
            21 => from u in sub from v in sub select E.Power(One + Sq(u), E.Call(MathFunction.Sin, v)),
            22 => sub.Select(u => E.Power(E.Number(2), E.Call(MathFunction.Sin, u))),
            23 => sub.Select(u => E.Call(MathFunction.Log10, E.Number(2) + E.Call(MathFunction.Cos, u))),
            _ => from u in sub from v in sub select E.Call(MathFunction.Sign, u) * v,
        });
    }

    /// <summary>Values for the identifiers of <see cref="Names"/>.</summary>
    public static Gen<Dictionary<string, double>> Values(double lo, double hi) =>
        Gen.CollectToArray(Names.Select(_ => TestSupport.Uniform(lo, hi)))
            .Select(v => Names.Zip(v).ToDictionary(t => t.First, t => t.Second));
}
