using System.Globalization;
using System.Text;

namespace Optima.Problems.Expressions;

/// <summary>The functions of the model expression language (all take one argument; <c>pow(a, b)</c> is <c>a^b</c>).</summary>
public enum MathFunction
{
    /// <summary>eˣ.</summary>
    Exp,
    /// <summary>Natural logarithm (also written <c>ln</c>).</summary>
    Log,
    /// <summary>Base-10 logarithm.</summary>
    Log10,
    /// <summary>Square root.</summary>
    Sqrt,
    /// <summary>Sine (radians).</summary>
    Sin,
    /// <summary>Cosine (radians).</summary>
    Cos,
    /// <summary>Tangent (radians).</summary>
    Tan,
    /// <summary>Arc sine.</summary>
    Asin,
    /// <summary>Arc cosine.</summary>
    Acos,
    /// <summary>Arc tangent (also written <c>arctan</c>, as in the NIST StRD files).</summary>
    Atan,
    /// <summary>Hyperbolic sine.</summary>
    Sinh,
    /// <summary>Hyperbolic cosine.</summary>
    Cosh,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>Absolute value; its derivative is taken as sign(x) (0 at x = 0).</summary>
    Abs,
    /// <summary>Sign: −1, 0 or 1 (NaN for NaN); its derivative is 0.</summary>
    Sign,
    /// <summary>The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt (<see cref="SpecialFunctions.Erf"/>).</summary>
    Erf,
    /// <summary>The complementary error function 1 − erf(x), accurate in its tail (<see cref="SpecialFunctions.Erfc"/>).</summary>
    Erfc,
    /// <summary>The gamma function Γ(x) (<see cref="SpecialFunctions.Gamma"/>); its derivative is Γ(x)·ψ(x).</summary>
    Gamma,
    /// <summary>log|Γ(x)| (<see cref="SpecialFunctions.Lgamma"/>); its derivative is digamma.</summary>
    Lgamma,
    /// <summary>The digamma function ψ(x) = d/dx log Γ(x) (also written <c>psi</c>); its derivative is trigamma.</summary>
    Digamma,
    /// <summary>The trigamma function ψ′(x). It cannot be differentiated symbolically (no third derivative of lgamma):
    /// <see cref="Expression.Differentiate"/> throws <see cref="NotSupportedException"/> for it.</summary>
    Trigamma,
    /// <summary>The unit step: 0 for x &lt; 0, 1 for x ≥ 0 (NaN for NaN). Its derivative is taken as 0 everywhere,
    /// at 0 too (where the true derivative is a Dirac delta), as for <see cref="Sign"/>.</summary>
    Step,
}

/// <summary>The binary operators of the model expression language.</summary>
public enum BinaryOperator
{
    /// <summary>a + b.</summary>
    Add,
    /// <summary>a − b.</summary>
    Subtract,
    /// <summary>a · b.</summary>
    Multiply,
    /// <summary>a / b.</summary>
    Divide,
    /// <summary>aᵇ (written <c>a^b</c>, <c>a**b</c> or <c>pow(a, b)</c>; right-associative).</summary>
    Power,
}

/// <summary>
/// An immutable syntax tree of a model expression such as <c>b1*(1-exp(-b2*x))</c> or
/// <c>(1-x)^2 + 100*(y-x^2)^2</c>: parse it once with <see cref="Parse"/>, differentiate it exactly with
/// <see cref="Differentiate"/>, and compile it to a delegate with <see cref="Compile"/> (no interpretation per point).
/// </summary>
/// <remarks>
/// <para><b>Grammar.</b> Numbers (<c>1</c>, <c>1.5</c>, <c>1e-3</c>, <c>.5</c>); identifiers (a letter or underscore,
/// then letters, digits, underscores) name parameters and variables; <c>+ - * /</c>; <c>^</c> or <c>**</c> for powers,
/// right-associative and binding tighter than unary minus (<c>-x^2</c> = −(x²), <c>2^3^2</c> = 2⁹); unary minus and
/// plus; parentheses (square brackets are accepted too, as the NIST StRD files write <c>exp[-b1*x]</c>); calls of
/// exp, log (natural; alias ln), log10, sqrt, sin, cos, tan, asin, acos, atan (alias arctan), sinh, cosh, tanh, abs,
/// sign, erf, erfc, gamma, lgamma, digamma (alias psi), trigamma, step, pow(a, b), min(a, b) and max(a, b). The one
/// named constant is <c>pi</c>; there is deliberately no constant <c>e</c> (it is a common parameter name, as in
/// existing models <c>a*exp(-e*x)</c>, and a name that meant a constant in one model and a parameter in another would
/// change a model's meaning silently) — write <c>exp(1)</c> for Euler's number.</para>
/// <para><b>min and max</b> are rewritten when parsed, without a node kind of their own:
/// <c>min(a, b)</c> = <c>a*step(b - a) + b*(1 - step(b - a))</c> and <c>max(a, b)</c> = <c>a*step(a - b) + b*(1 - step(a - b))</c>.
/// That is exactly a or b (a product by 1 plus a product by 0) whenever a, b and their difference are finite, a on
/// ties, and differentiates exactly: ∂min/∂a = step(b − a), 1 on ties, ∂min/∂b = 1 − step(b − a). An infinite operand
/// gives NaN (∞·0). They print in the rewritten form.</para>
/// <para><b>Equality.</b> Trees compare structurally (<see cref="Equals(Expression)"/>), and <see cref="ToString"/>
/// prints text that parses back to an equal tree. A negated number is always stored as a negative number.</para>
/// <para><b>Semantics.</b> IEEE double arithmetic as <see cref="Math"/> computes it; a domain error gives NaN, never
/// an exception. Small integer powers (2, 3, 4, −1, −2) are computed by multiplication.</para>
/// </remarks>
public abstract class Expression : IEquatable<Expression>
{
    private IReadOnlyList<string>? _identifiers;
    private Expression? _simplified;
    private Calculus.VariableIndex? _variableIndex;
    private readonly int _hash;

    private protected Expression(int hash) => _hash = hash;

    /// <summary>The number π.</summary>
    public static Expression Pi { get; } = new NumberExpression(Math.PI);

    /// <summary>
    /// Parses <paramref name="text"/>. Throws <see cref="ExpressionParseException"/> (a <see cref="FormatException"/>)
    /// naming the 1-based column of the first error, with a caret line under the text.
    /// </summary>
    public static Expression Parse(string text) => Parser.Parse(text);

    /// <summary>Parses <paramref name="text"/>; returns false (and the error) instead of throwing.</summary>
    public static bool TryParse(string text, out Expression? expression, out ExpressionParseException? error)
    {
        try
        {
            expression = Parser.Parse(text);
            error = null;
            return true;
        }
        catch (ExpressionParseException e)
        {
            expression = null;
            error = e;
            return false;
        }
    }

    /// <summary>The distinct identifiers (parameters and variables) in order of first appearance, left to right; <c>pi</c> and function names are not identifiers.</summary>
    public IReadOnlyList<string> Identifiers
    {
        get
        {
            if (_identifiers is null)
            {
                var list = new List<string>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                CollectIdentifiers(list, seen);
                _identifiers = list.AsReadOnly();
            }
            return _identifiers;
        }
    }

    /// <summary>True when the identifier <paramref name="name"/> occurs in this expression.</summary>
    public bool DependsOn(string name) => Identifiers.Contains(name, StringComparer.Ordinal);

    /// <summary>Number of nodes in the tree.</summary>
    public abstract int Size { get; }

    /// <summary>Levels in the tree (1 for a leaf); the parser rejects text deeper than <see cref="MaxParsedHeight"/>.</summary>
    public int Height { get; private protected init; } = 1;

    /// <summary>The deepest tree <see cref="Parse"/> builds (a sum of 1000 terms is 1000 levels deep), so that recursive
    /// processing can never exhaust the stack.</summary>
    public const int MaxParsedHeight = 2000;

    /// <summary>
    /// A simpler equal-valued expression: constants folded (when the result is finite), and 0·a, 1·a, a+0, a−0, a/1,
    /// a¹, a⁰, −(−a), a−a and similar removed. Like every computer-algebra system it treats 0·a as 0 and a−a as 0 even
    /// where a would be ±∞ or NaN, and it does not keep the sign of a zero (−0/y becomes 0), which matters only where
    /// the result is later divided by that zero.
    /// </summary>
    public Expression Simplify() => Calculus.Simplify(this);

    /// <summary>
    /// The exact symbolic derivative ∂/∂<paramref name="name"/>, simplified (chain rule for every function; aᶜ with a
    /// constant exponent differentiates as c·aᶜ⁻¹, a general power as aᵇ(b′·log a + b·a′/a)). The derivative of an
    /// expression that does not contain <paramref name="name"/> is the number 0.
    /// </summary>
    public Expression Differentiate(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        // Simplified and indexed once per tree, not once per variable (a gradient asks n times).
        var simplified = _simplified ??= Calculus.Simplify(this);
        return Calculus.Differentiate(simplified, name, simplified._variableIndex ??= new Calculus.VariableIndex(simplified));
    }

    /// <summary>Evaluates the tree directly (an interpreter: for checks and one-off values; use <see cref="Compile"/> for speed).</summary>
    /// <param name="values">The value of each identifier.</param>
    /// <exception cref="ArgumentException">An identifier has no value.</exception>
    public double Evaluate(IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Evaluate(name => values.TryGetValue(name, out double v)
            ? v
            : throw new ArgumentException($"No value was given for '{name}'.", nameof(values)));
    }

    /// <summary>Evaluates the tree directly, asking <paramref name="lookup"/> for each identifier's value.</summary>
    public abstract double Evaluate(Func<string, double> lookup);

    /// <summary>
    /// Compiles the expression to a delegate over two slot arrays: <paramref name="variables"/> (data per point, such as
    /// x) and <paramref name="parameters"/> (what is fitted or minimised; gradients are taken with respect to them).
    /// Every identifier must be in exactly one list; names that do not occur are allowed (their derivative is 0).
    /// </summary>
    /// <exception cref="ArgumentException">An identifier is in neither list (the message names it), or a name is repeated.</exception>
    public CompiledExpression Compile(IReadOnlyList<string> variables, IReadOnlyList<string>? parameters = null) =>
        new(this, variables, parameters ?? []);

    /// <summary>Text that <see cref="Parse"/> reads back to an equal tree, with the fewest parentheses.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Print(sb);
        return sb.ToString();
    }

    /// <summary>Structural equality (numbers compare by their bits, so 0 and −0 differ).</summary>
    public bool Equals(Expression? other) =>
        ReferenceEquals(this, other) || (other is not null && other._hash == _hash && EqualsCore(other));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Expression e && Equals(e);

    /// <inheritdoc/>
    public override int GetHashCode() => _hash;

    // ---- factories ----

    /// <summary>A number literal (must be finite).</summary>
    public static Expression Number(double value)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(nameof(value), value, "A number in an expression must be finite.");
        return new NumberExpression(value);
    }

    /// <summary>An identifier (a letter or underscore, then letters, digits or underscores; not a function name or <c>pi</c>).</summary>
    public static Expression Identifier(string name)
    {
        if (!Parser.IsValidIdentifier(name))
            throw new ArgumentException($"'{name}' is not a valid identifier (a letter or underscore, then letters, digits or underscores, and not a function name or 'pi').", nameof(name));
        return new IdentifierExpression(name);
    }

    /// <summary>−<paramref name="operand"/> (a negated number becomes a negative number).</summary>
    public static Expression Negate(Expression operand)
    {
        ArgumentNullException.ThrowIfNull(operand);
        return operand is NumberExpression n ? new NumberExpression(-n.Value) : new NegateExpression(operand);
    }

    /// <summary>The binary operation <paramref name="op"/> applied to <paramref name="left"/> and <paramref name="right"/>.</summary>
    public static Expression Binary(BinaryOperator op, Expression left, Expression right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (op < BinaryOperator.Add || op > BinaryOperator.Power) throw new ArgumentOutOfRangeException(nameof(op));
        return new BinaryExpression(op, left, right);
    }

    /// <summary>a + b.</summary>
    public static Expression Add(Expression left, Expression right) => Binary(BinaryOperator.Add, left, right);
    /// <summary>a − b.</summary>
    public static Expression Subtract(Expression left, Expression right) => Binary(BinaryOperator.Subtract, left, right);
    /// <summary>a · b.</summary>
    public static Expression Multiply(Expression left, Expression right) => Binary(BinaryOperator.Multiply, left, right);
    /// <summary>a / b.</summary>
    public static Expression Divide(Expression left, Expression right) => Binary(BinaryOperator.Divide, left, right);
    /// <summary>aᵇ.</summary>
    public static Expression Power(Expression left, Expression right) => Binary(BinaryOperator.Power, left, right);

    /// <summary>The call <paramref name="function"/>(<paramref name="argument"/>).</summary>
    public static Expression Call(MathFunction function, Expression argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        if (function < MathFunction.Exp || function > MathFunction.Step) throw new ArgumentOutOfRangeException(nameof(function));
        return new CallExpression(function, argument);
    }

    /// <summary>a + b.</summary>
    public static Expression operator +(Expression left, Expression right) => Add(left, right);
    /// <summary>a − b.</summary>
    public static Expression operator -(Expression left, Expression right) => Subtract(left, right);
    /// <summary>a · b.</summary>
    public static Expression operator *(Expression left, Expression right) => Multiply(left, right);
    /// <summary>a / b.</summary>
    public static Expression operator /(Expression left, Expression right) => Divide(left, right);
    /// <summary>−a.</summary>
    public static Expression operator -(Expression operand) => Negate(operand);
    /// <summary>A number literal.</summary>
    public static implicit operator Expression(double value) => Number(value);

    // ---- internals ----

    internal abstract void CollectIdentifiers(List<string> list, HashSet<string> seen);
    private protected abstract bool EqualsCore(Expression other);

    /// <summary>Precedence when printed: 1 sum, 2 product, 3 unary minus (and negative numbers), 4 power, 5 atom.</summary>
    internal abstract int Precedence { get; }

    internal abstract void Print(StringBuilder sb);

    internal void Print(StringBuilder sb, int minimumPrecedence)
    {
        if (Precedence < minimumPrecedence)
        {
            sb.Append('(');
            Print(sb);
            sb.Append(')');
        }
        else
        {
            Print(sb);
        }
    }

    private protected static int Combine(int a, int b, int c) => HashCode.Combine(a, b, c);
}

/// <summary>A finite number literal (π prints as <c>pi</c>).</summary>
public sealed class NumberExpression : Expression
{
    internal NumberExpression(double value) : base(HashCode.Combine(1, BitConverter.DoubleToInt64Bits(value))) => Value = value;

    /// <summary>The value.</summary>
    public double Value { get; }

    /// <inheritdoc/>
    public override int Size => 1;

    /// <inheritdoc/>
    public override double Evaluate(Func<string, double> lookup) => Value;

    internal override void CollectIdentifiers(List<string> list, HashSet<string> seen) { }

    private protected override bool EqualsCore(Expression other) => other is NumberExpression n && BitConverter.DoubleToInt64Bits(n.Value) == BitConverter.DoubleToInt64Bits(Value);

    internal override int Precedence => Value < 0 || (Value == 0 && double.IsNegative(Value)) ? 3 : 5;

    internal override void Print(StringBuilder sb)
    {
        double v = Value;
        if (double.IsNegative(v))
        {
            sb.Append('-');
            v = -v;
        }
        if (v == Math.PI) sb.Append("pi");
        else sb.Append(v.ToString("R", CultureInfo.InvariantCulture));
    }
}

/// <summary>A parameter or variable name.</summary>
public sealed class IdentifierExpression : Expression
{
    internal IdentifierExpression(string name) : base(HashCode.Combine(2, StringComparer.Ordinal.GetHashCode(name))) => Name = name;

    /// <summary>The name.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override int Size => 1;

    /// <inheritdoc/>
    public override double Evaluate(Func<string, double> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        return lookup(Name);
    }

    internal override void CollectIdentifiers(List<string> list, HashSet<string> seen)
    {
        if (seen.Add(Name)) list.Add(Name);
    }

    private protected override bool EqualsCore(Expression other) => other is IdentifierExpression i && i.Name == Name;

    internal override int Precedence => 5;

    internal override void Print(StringBuilder sb) => sb.Append(Name);
}

/// <summary>Unary minus −a (never of a number: see <see cref="Expression.Negate"/>).</summary>
public sealed class NegateExpression : Expression
{
    internal NegateExpression(Expression operand) : base(Combine(3, operand.GetHashCode(), 0))
    {
        Operand = operand;
        Size = operand.Size + 1;
        Height = operand.Height + 1;
    }

    /// <summary>The negated expression.</summary>
    public Expression Operand { get; }

    /// <inheritdoc/>
    public override int Size { get; }

    /// <inheritdoc/>
    public override double Evaluate(Func<string, double> lookup) => -Operand.Evaluate(lookup);

    internal override void CollectIdentifiers(List<string> list, HashSet<string> seen) => Operand.CollectIdentifiers(list, seen);

    private protected override bool EqualsCore(Expression other) => other is NegateExpression n && n.Operand.Equals(Operand);

    internal override int Precedence => 3;

    internal override void Print(StringBuilder sb)
    {
        sb.Append('-');
        Operand.Print(sb, 3);
    }
}

/// <summary>A binary operation.</summary>
public sealed class BinaryExpression : Expression
{
    internal BinaryExpression(BinaryOperator op, Expression left, Expression right)
        : base(Combine(10 + (int)op, left.GetHashCode(), right.GetHashCode()))
    {
        Operator = op;
        Left = left;
        Right = right;
        Size = left.Size + right.Size + 1;
        Height = Math.Max(left.Height, right.Height) + 1;
    }

    /// <summary>The operator.</summary>
    public BinaryOperator Operator { get; }

    /// <summary>The left operand (the base of a power).</summary>
    public Expression Left { get; }

    /// <summary>The right operand (the exponent of a power).</summary>
    public Expression Right { get; }

    /// <inheritdoc/>
    public override int Size { get; }

    /// <inheritdoc/>
    public override double Evaluate(Func<string, double> lookup) =>
        ExpressionMath.Apply(Operator, Left.Evaluate(lookup), Right.Evaluate(lookup));

    internal override void CollectIdentifiers(List<string> list, HashSet<string> seen)
    {
        Left.CollectIdentifiers(list, seen);
        Right.CollectIdentifiers(list, seen);
    }

    private protected override bool EqualsCore(Expression other) =>
        other is BinaryExpression b && b.Operator == Operator && b.Left.Equals(Left) && b.Right.Equals(Right);

    internal override int Precedence => Operator switch
    {
        BinaryOperator.Add or BinaryOperator.Subtract => 1,
        BinaryOperator.Multiply or BinaryOperator.Divide => 2,
        _ => 4,
    };

    internal override void Print(StringBuilder sb)
    {
        switch (Operator)
        {
            case BinaryOperator.Add:
            case BinaryOperator.Subtract:
                Left.Print(sb, 1);
                sb.Append(Operator == BinaryOperator.Add ? " + " : " - ");
                Right.Print(sb, 2);
                break;
            case BinaryOperator.Multiply:
            case BinaryOperator.Divide:
                Left.Print(sb, 2);
                sb.Append(Operator == BinaryOperator.Multiply ? '*' : '/');
                Right.Print(sb, 3);
                break;
            default:
                Left.Print(sb, 5);
                sb.Append('^');
                Right.Print(sb, 3);
                break;
        }
    }
}

/// <summary>A function call f(a).</summary>
public sealed class CallExpression : Expression
{
    internal CallExpression(MathFunction function, Expression argument)
        : base(Combine(30 + (int)function, argument.GetHashCode(), 0))
    {
        Function = function;
        Argument = argument;
        Size = argument.Size + 1;
        Height = argument.Height + 1;
    }

    /// <summary>The function.</summary>
    public MathFunction Function { get; }

    /// <summary>The argument.</summary>
    public Expression Argument { get; }

    /// <summary>The name the function is printed with (exp, log, …).</summary>
    public string FunctionName => Parser.NameOf(Function);

    /// <inheritdoc/>
    public override int Size { get; }

    /// <inheritdoc/>
    public override double Evaluate(Func<string, double> lookup) => ExpressionMath.Apply(Function, Argument.Evaluate(lookup));

    internal override void CollectIdentifiers(List<string> list, HashSet<string> seen) => Argument.CollectIdentifiers(list, seen);

    private protected override bool EqualsCore(Expression other) =>
        other is CallExpression c && c.Function == Function && c.Argument.Equals(Argument);

    internal override int Precedence => 5;

    internal override void Print(StringBuilder sb)
    {
        sb.Append(FunctionName).Append('(');
        Argument.Print(sb, 0);
        sb.Append(')');
    }
}

/// <summary>The arithmetic shared by the interpreter, constant folding and compiled code, so all three agree to the bit.</summary>
internal static class ExpressionMath
{
    public static double Apply(BinaryOperator op, double a, double b) => op switch
    {
        BinaryOperator.Add => a + b,
        BinaryOperator.Subtract => a - b,
        BinaryOperator.Multiply => a * b,
        BinaryOperator.Divide => a / b,
        _ => Pow(a, b),
    };

    /// <summary>aᵇ; the exponents 2, 3, 4, −1, −2 by multiplication (as compiled code does for literal exponents).</summary>
    public static double Pow(double a, double b)
    {
        if (b == 2) return a * a;
        if (b == 3) return a * a * a;
        if (b == 4)
        {
            double s = a * a;
            return s * s;
        }
        if (b == -1) return 1 / a;
        if (b == -2) return 1 / (a * a);
        return Math.Pow(a, b);
    }

    public static double Sign(double x) => double.IsNaN(x) ? double.NaN : Math.Sign(x);

    public static double Apply(MathFunction f, double x) => f switch
    {
        MathFunction.Exp => Math.Exp(x),
        MathFunction.Log => Math.Log(x),
        MathFunction.Log10 => Math.Log10(x),
        MathFunction.Sqrt => Math.Sqrt(x),
        MathFunction.Sin => Math.Sin(x),
        MathFunction.Cos => Math.Cos(x),
        MathFunction.Tan => Math.Tan(x),
        MathFunction.Asin => Math.Asin(x),
        MathFunction.Acos => Math.Acos(x),
        MathFunction.Atan => Math.Atan(x),
        MathFunction.Sinh => Math.Sinh(x),
        MathFunction.Cosh => Math.Cosh(x),
        MathFunction.Tanh => Math.Tanh(x),
        MathFunction.Abs => Math.Abs(x),
        MathFunction.Sign => Sign(x),
        MathFunction.Erf => SpecialFunctions.Erf(x),
        MathFunction.Erfc => SpecialFunctions.Erfc(x),
        MathFunction.Gamma => SpecialFunctions.Gamma(x),
        MathFunction.Lgamma => SpecialFunctions.Lgamma(x),
        MathFunction.Digamma => SpecialFunctions.Digamma(x),
        MathFunction.Trigamma => SpecialFunctions.Trigamma(x),
        _ => SpecialFunctions.Step(x),
    };

    /// <summary>The static method compiled code calls for <paramref name="f"/>.</summary>
    public static System.Reflection.MethodInfo MethodOf(MathFunction f)
    {
        string name = f.ToString();
        var type = f == MathFunction.Sign ? typeof(ExpressionMath) : f > MathFunction.Sign ? typeof(SpecialFunctions) : typeof(Math);
        return type.GetMethod(name, [typeof(double)]) ?? throw new InvalidOperationException($"Math.{name}(double) not found.");
    }
}
