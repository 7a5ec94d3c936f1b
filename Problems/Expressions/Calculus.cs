namespace Optima.Problems.Expressions;

/// <summary>Simplification (smart constructors applied bottom-up) and symbolic differentiation.</summary>
internal static class Calculus
{
    private static readonly Expression Zero = new NumberExpression(0);
    private static readonly Expression One = new NumberExpression(1);
    private static readonly Expression Two = new NumberExpression(2);

    public static Expression Simplify(Expression e) => e switch
    {
        NumberExpression or IdentifierExpression => e,
        NegateExpression n => Neg(Simplify(n.Operand)),
        BinaryExpression b => Bin(b.Operator, Simplify(b.Left), Simplify(b.Right)),
        CallExpression c => Call(c.Function, Simplify(c.Argument)),
        _ => throw new InvalidOperationException("Unknown expression node " + e.GetType().Name),
    };

    private static bool IsNumber(Expression e, double value) => e is NumberExpression n && n.Value == value;

    private static bool TryNumber(Expression e, out double value)
    {
        if (e is NumberExpression n)
        {
            value = n.Value;
            return true;
        }
        value = 0;
        return false;
    }

    /// <summary>A number when <paramref name="value"/> is finite, else null (non-finite results are left unfolded).</summary>
    private static Expression? Fold(double value) => double.IsFinite(value) ? new NumberExpression(value) : null;

    public static Expression Neg(Expression a) => a switch
    {
        NumberExpression n => new NumberExpression(-n.Value),
        NegateExpression n => n.Operand,
        BinaryExpression { Operator: BinaryOperator.Subtract } s => new BinaryExpression(BinaryOperator.Subtract, s.Right, s.Left),
        // −(a·b) → (−a)·b and −(a/b) → (−a)/b: the negation moves to the leftmost factor, which prints as "-a*b".
        BinaryExpression { Operator: BinaryOperator.Multiply or BinaryOperator.Divide } m =>
            new BinaryExpression(m.Operator, Neg(m.Left), m.Right),
        _ => new NegateExpression(a),
    };

    /// <summary>True for −a, a negative number, and products or quotients whose leftmost factor is one of those.</summary>
    private static bool IsNegative(Expression e) => e switch
    {
        NegateExpression => true,
        NumberExpression n => n.Value < 0,
        BinaryExpression { Operator: BinaryOperator.Multiply or BinaryOperator.Divide } m => IsNegative(m.Left),
        _ => false,
    };

    public static Expression Bin(BinaryOperator op, Expression a, Expression b)
    {
        if (TryNumber(a, out double x) && TryNumber(b, out double y) && Fold(ExpressionMath.Apply(op, x, y)) is { } folded)
            return folded;
        return op switch
        {
            BinaryOperator.Add => Add(a, b),
            BinaryOperator.Subtract => Sub(a, b),
            BinaryOperator.Multiply => Mul(a, b),
            BinaryOperator.Divide => Div(a, b),
            _ => Pow(a, b),
        };
    }

    public static Expression Add(Expression a, Expression b)
    {
        if (TryNumber(a, out double x) && TryNumber(b, out double y) && Fold(x + y) is { } f) return f;
        if (IsNumber(a, 0)) return b;
        if (IsNumber(b, 0)) return a;
        if (IsNegative(b)) return Sub(a, Neg(b));
        if (a is NegateExpression na) return Sub(b, na.Operand);
        return new BinaryExpression(BinaryOperator.Add, a, b);
    }

    public static Expression Sub(Expression a, Expression b)
    {
        if (TryNumber(a, out double x) && TryNumber(b, out double y) && Fold(x - y) is { } f) return f;
        if (IsNumber(b, 0)) return a;
        if (IsNumber(a, 0)) return Neg(b);
        if (a.Equals(b)) return Zero;
        if (IsNegative(b)) return Add(a, Neg(b));
        return new BinaryExpression(BinaryOperator.Subtract, a, b);
    }

    public static Expression Mul(Expression a, Expression b)
    {
        if (TryNumber(a, out double x) && TryNumber(b, out double y) && Fold(x * y) is { } f) return f;
        if (IsNumber(a, 0) || IsNumber(b, 0)) return Zero;
        if (IsNumber(a, 1)) return b;
        if (IsNumber(b, 1)) return a;
        if (IsNumber(a, -1)) return Neg(b);
        if (IsNumber(b, -1)) return Neg(a);
        if (IsNegative(b) && b is not NumberExpression) return Mul(Neg(a), Neg(b)); // a·(−b) → (−a)·b
        if (b is NumberExpression && a is not NumberExpression) return Mul(b, a); // constants to the left: 2*x
        // c1*(c2*u) → (c1·c2)*u
        if (a is NumberExpression c1 && b is BinaryExpression { Operator: BinaryOperator.Multiply, Left: NumberExpression c2 } inner
            && Fold(c1.Value * c2.Value) is { } c)
            return Mul(c, inner.Right);
        return new BinaryExpression(BinaryOperator.Multiply, a, b);
    }

    public static Expression Div(Expression a, Expression b)
    {
        if (TryNumber(a, out double x) && TryNumber(b, out double y) && Fold(x / y) is { } f) return f;
        if (IsNumber(a, 0) && !IsNumber(b, 0)) return Zero;
        if (IsNumber(b, 1)) return a;
        if (IsNumber(b, -1)) return Neg(a);
        if (IsNegative(b) && b is not NumberExpression) return Div(Neg(a), Neg(b));
        return new BinaryExpression(BinaryOperator.Divide, a, b);
    }

    public static Expression Pow(Expression a, Expression b)
    {
        if (TryNumber(a, out double x) && TryNumber(b, out double y) && Fold(ExpressionMath.Pow(x, y)) is { } f) return f;
        if (IsNumber(b, 0)) return One;
        if (IsNumber(b, 1)) return a;
        if (IsNumber(a, 1)) return One;
        return new BinaryExpression(BinaryOperator.Power, a, b);
    }

    public static Expression Call(MathFunction function, Expression a)
    {
        if (TryNumber(a, out double x) && Fold(ExpressionMath.Apply(function, x)) is { } f) return f;
        return new CallExpression(function, a);
    }

    /// <summary>∂e/∂name for an already simplified <paramref name="e"/>; the result is simplified.</summary>
    public static Expression Differentiate(Expression e, string name) => Differentiate(e, name, new VariableIndex(e));

    /// <summary>∂e/∂name with the variable index of <paramref name="e"/> (built once per tree and reused for every variable).</summary>
    public static Expression Differentiate(Expression e, string name, VariableIndex index) =>
        index.TryGetId(name, out int id) ? new Differentiator(index, id).D(e) : Zero;

    /// <summary>
    /// Which variables each node of a tree contains: a sorted array of variable ids per inner node, built bottom-up once.
    /// Asking each node's <see cref="Expression.Identifiers"/> instead built and linearly scanned a list per node for
    /// every variable, so the gradient of a sum of n squares took O(n³) (43 s at n = 800); with the index a derivative
    /// costs one binary search per visited node.
    /// </summary>
    internal sealed class VariableIndex
    {
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
        private readonly Dictionary<Expression, int[]> _sets = new(ReferenceEqualityComparer.Instance);
        private readonly IReadOnlyList<string> _names;

        public VariableIndex(Expression root)
        {
            _names = root.Identifiers;
            foreach (var name in _names) _ids[name] = _ids.Count;
            Build(root);
        }

        public bool TryGetId(string name, out int id) => _ids.TryGetValue(name, out id);

        public bool Contains(Expression e, int id) => e switch
        {
            NumberExpression => false,
            IdentifierExpression i => _ids.TryGetValue(i.Name, out int own) && own == id,
            _ => _sets.TryGetValue(e, out var set) ? Array.BinarySearch(set, id) >= 0 : e.DependsOn(_names[id]), // a node from elsewhere
        };

        private int[] Build(Expression e)
        {
            switch (e)
            {
                case NumberExpression: return [];
                case IdentifierExpression i: return [_ids[i.Name]];
            }
            if (_sets.TryGetValue(e, out var known)) return known;
            int[] set = e switch
            {
                NegateExpression n => Build(n.Operand),
                BinaryExpression b => Union(Build(b.Left), Build(b.Right)),
                CallExpression c => Build(c.Argument),
                _ => throw new InvalidOperationException("Unknown expression node " + e.GetType().Name),
            };
            _sets[e] = set;
            return set;
        }

        private static int[] Union(int[] a, int[] b)
        {
            if (b.Length == 0 || ReferenceEquals(a, b)) return a;
            if (a.Length == 0) return b;
            var merged = new int[a.Length + b.Length];
            int i = 0, j = 0, k = 0;
            while (i < a.Length && j < b.Length)
            {
                if (a[i] < b[j]) merged[k++] = a[i++];
                else if (b[j] < a[i]) merged[k++] = b[j++];
                else { merged[k++] = a[i++]; j++; }
            }
            while (i < a.Length) merged[k++] = a[i++];
            while (j < b.Length) merged[k++] = b[j++];
            if (k == a.Length) return a; // b added nothing: share a's array
            Array.Resize(ref merged, k);
            return merged;
        }
    }

    /// <summary>One differentiation with respect to the variable <paramref name="id"/> of <paramref name="index"/>.</summary>
    private sealed class Differentiator(VariableIndex index, int id)
    {
        private bool DependsOn(Expression e) => index.Contains(e, id);

        public Expression D(Expression e) => Differentiate(e);

        private Expression Differentiate(Expression e)
        {
            if (!DependsOn(e)) return Zero;
            switch (e)
            {
                case IdentifierExpression:
                    return One; // it depends on name, so it is name
                case NegateExpression n:
                    return Neg(Differentiate(n.Operand));
                case BinaryExpression b:
                {
                    Expression u = b.Left, v = b.Right;
                    Expression du = Differentiate(u), dv = Differentiate(v);
                    switch (b.Operator)
                    {
                        case BinaryOperator.Add: return Add(du, dv);
                        case BinaryOperator.Subtract: return Sub(du, dv);
                        case BinaryOperator.Multiply: return Add(Mul(du, v), Mul(u, dv));
                        case BinaryOperator.Divide:
                            // (u/v)' = u'/v − u·v'/v²
                            return Sub(Div(du, v), Div(Mul(u, dv), Pow(v, Two)));
                        default:
                            if (!DependsOn(v)) // (u^c)' = c·u^(c−1)·u'
                                return Mul(Mul(v, Pow(u, Sub(v, One))), du);
                            if (!DependsOn(u)) // (c^v)' = c^v·log(c)·v'
                                return Mul(Mul(e, Call(MathFunction.Log, u)), dv);
                            // (u^v)' = u^v·(v'·log u + v·u'/u)
                            return Mul(e, Add(Mul(dv, Call(MathFunction.Log, u)), Div(Mul(v, du), u)));
                    }
                }
                case CallExpression c:
                {
                    Expression u = c.Argument, du = Differentiate(u);
                    Expression Sq(Expression t) => Pow(t, Two);
                    return c.Function switch
                    {
                        MathFunction.Exp => Mul(e, du),
                        MathFunction.Log => Div(du, u),
                        MathFunction.Log10 => Div(du, Mul(new NumberExpression(Math.Log(10)), u)),
                        MathFunction.Sqrt => Div(du, Mul(Two, e)),
                        MathFunction.Sin => Mul(Call(MathFunction.Cos, u), du),
                        MathFunction.Cos => Neg(Mul(Call(MathFunction.Sin, u), du)),
                        MathFunction.Tan => Div(du, Sq(Call(MathFunction.Cos, u))),
                        MathFunction.Asin => Div(du, Call(MathFunction.Sqrt, Sub(One, Sq(u)))),
                        MathFunction.Acos => Neg(Div(du, Call(MathFunction.Sqrt, Sub(One, Sq(u))))),
                        MathFunction.Atan => Div(du, Add(One, Sq(u))),
                        MathFunction.Sinh => Mul(Call(MathFunction.Cosh, u), du),
                        MathFunction.Cosh => Mul(Call(MathFunction.Sinh, u), du),
                        MathFunction.Tanh => Mul(Sub(One, Sq(e)), du),
                        MathFunction.Abs => Mul(Call(MathFunction.Sign, u), du),
                        // erf′ = 2/√π·e^(−u²), erfc′ = −erf′
                        MathFunction.Erf => Mul(Mul(new NumberExpression(2 / Math.Sqrt(Math.PI)), Call(MathFunction.Exp, Neg(Sq(u)))), du),
                        MathFunction.Erfc => Neg(Mul(Mul(new NumberExpression(2 / Math.Sqrt(Math.PI)), Call(MathFunction.Exp, Neg(Sq(u)))), du)),
                        MathFunction.Gamma => Mul(Mul(e, Call(MathFunction.Digamma, u)), du),
                        MathFunction.Lgamma => Mul(Call(MathFunction.Digamma, u), du),
                        MathFunction.Digamma => Mul(Call(MathFunction.Trigamma, u), du),
                        MathFunction.Trigamma => throw new NotSupportedException(
                            "trigamma cannot be differentiated symbolically (lgamma has exact first and second derivatives, no third)."),
                        _ => Zero, // sign, step
                    };
                }
                default:
                    throw new InvalidOperationException("Unknown expression node " + e.GetType().Name);
            }
        }
    }
}
