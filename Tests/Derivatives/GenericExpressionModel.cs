using System.Numerics;
using Optima.Problems.Derivatives;
using Optima.Problems.Expressions;
using Optima.Solvers.Fitting;

namespace Optima.Tests.Derivatives;

/// <summary>
/// A model expression evaluated by walking its tree with generic math, so any expression (random ones, the NIST StRD
/// models) becomes an <see cref="IFitModel"/> that runs on double, <see cref="Dual{T}"/> and <see cref="Jet"/>.
/// Powers with the literal exponents 2, 3, 4, −1, −2 are products, as the expression language computes them.
/// </summary>
internal sealed class GenericExpressionModel : IFitModel
{
    private readonly Expression _expression;
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);

    public GenericExpressionModel(Expression expression, IReadOnlyList<string> variables, IReadOnlyList<string> parameters)
    {
        _expression = expression;
        for (int j = 0; j < variables.Count; j++) _slots[variables[j]] = j;
        for (int k = 0; k < parameters.Count; k++) _slots[parameters[k]] = -1 - k;
    }

    public T Evaluate<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> p) where T : IFloatingPointIeee754<T> => Walk(_expression, x, p);

    /// <summary>f and ∂f/∂p by one <see cref="Dual{T}"/> evaluation per parameter (the autodiff the jets replace).</summary>
    public double DualPasses(ReadOnlySpan<double> x, ReadOnlySpan<double> p, Span<double> gradient)
    {
        var xd = new Dual<double>[x.Length];
        var pd = new Dual<double>[p.Length];
        for (int j = 0; j < x.Length; j++) xd[j] = Dual<double>.Constant(x[j]);
        for (int k = 0; k < p.Length; k++) pd[k] = Dual<double>.Constant(p[k]);
        double value = Evaluate(x, p);
        for (int k = 0; k < p.Length; k++)
        {
            pd[k] = Dual<double>.Variable(p[k]);
            var y = Evaluate<Dual<double>>(xd, pd);
            pd[k] = Dual<double>.Constant(p[k]);
            gradient[k] = y.Derivative;
            value = y.Value;
        }
        return value;
    }

    private T Walk<T>(Expression e, ReadOnlySpan<T> x, ReadOnlySpan<T> p) where T : IFloatingPointIeee754<T>
    {
        switch (e)
        {
            case NumberExpression n:
                return T.CreateChecked(n.Value);
            case IdentifierExpression id:
                int slot = _slots[id.Name];
                return slot >= 0 ? x[slot] : p[-1 - slot];
            case NegateExpression neg:
                return -Walk(neg.Operand, x, p);
            case BinaryExpression b:
            {
                T l = Walk(b.Left, x, p);
                if (b.Operator == BinaryOperator.Power && b.Right is NumberExpression { Value: 2 or 3 or 4 or -1 or -2 } k)
                {
                    return k.Value switch
                    {
                        2 => l * l,
                        3 => l * l * l,
                        4 => (l * l) * (l * l),
                        -1 => T.One / l,
                        _ => T.One / (l * l),
                    };
                }
                T r = Walk(b.Right, x, p);
                return b.Operator switch
                {
                    BinaryOperator.Add => l + r,
                    BinaryOperator.Subtract => l - r,
                    BinaryOperator.Multiply => l * r,
                    BinaryOperator.Divide => l / r,
                    _ => T.Pow(l, r),
                };
            }
            case CallExpression c:
            {
                T a = Walk(c.Argument, x, p);
                return c.Function switch
                {
                    MathFunction.Exp => T.Exp(a),
                    MathFunction.Log => T.Log(a),
                    MathFunction.Log10 => T.Log10(a),
                    MathFunction.Sqrt => T.Sqrt(a),
                    MathFunction.Sin => T.Sin(a),
                    MathFunction.Cos => T.Cos(a),
                    MathFunction.Tan => T.Tan(a),
                    MathFunction.Asin => T.Asin(a),
                    MathFunction.Acos => T.Acos(a),
                    MathFunction.Atan => T.Atan(a),
                    MathFunction.Sinh => T.Sinh(a),
                    MathFunction.Cosh => T.Cosh(a),
                    MathFunction.Tanh => T.Tanh(a),
                    MathFunction.Abs => T.Abs(a),
                    MathFunction.Sign => T.IsNaN(a) ? T.NaN : T.CreateChecked(T.Sign(a)),
                    // erf, gamma & co. have no generic-math counterpart on jets/duals: fail loudly, not as sign.
                    _ => throw new NotSupportedException($"{c.FunctionName} has no generic-math (jet) form in this test model."),
                };
            }
            default:
                throw new NotSupportedException(e.GetType().Name);
        }
    }
}
