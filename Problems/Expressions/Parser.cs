using System.Globalization;

namespace Optima.Problems.Expressions;

/// <summary>
/// A syntax error in a model expression. <see cref="Exception.Message"/> reads like
/// <c>unexpected ')' at column 7</c>, followed by the text and a caret line pointing at the column.
/// </summary>
public sealed class ExpressionParseException : FormatException
{
    /// <summary>Creates the exception for <paramref name="reason"/> at 1-based <paramref name="column"/> of <paramref name="text"/>.</summary>
    public ExpressionParseException(string reason, int column, string text)
        : base(Format(reason, column, text))
    {
        Reason = reason;
        Column = column;
        Text = text;
    }

    /// <summary>What is wrong, without the position (e.g. <c>unexpected ')'</c>).</summary>
    public string Reason { get; }

    /// <summary>The 1-based column of the error; one past the end for errors at the end of the input.</summary>
    public int Column { get; }

    /// <summary>The expression text that failed to parse.</summary>
    public string Text { get; }

    /// <summary>The text and a caret line under it pointing at <see cref="Column"/> (a window of about 70 characters around it for a long text).</summary>
    public string Pointer => PointerLines(Column, Text);

    private static string Format(string reason, int column, string text) =>
        $"{reason} at column {column}" + Environment.NewLine + PointerLines(column, text);

    // A message quoting a 30,000-character expression whole is no help: long texts are cut to a window, marked "…".
    private static string PointerLines(int column, string text)
    {
        const int Width = 70;
        int caret = Math.Max(0, column - 1);
        if (text.Length > Width)
        {
            int from = Math.Clamp(caret - Width / 2, 0, Math.Max(0, text.Length - Width));
            string window = text.Substring(from, Math.Min(Width, text.Length - from));
            string left = from > 0 ? "…" : "", right = from + window.Length < text.Length ? "…" : "";
            caret = caret - from + left.Length;
            text = left + window + right;
        }
        return "  " + text + Environment.NewLine + "  " + new string(' ', caret) + "^";
    }
}

/// <summary>A recursive-descent parser for the grammar documented on <see cref="Expression"/>.</summary>
internal sealed class Parser
{
    private const int MaxDepth = 256;

    private static readonly Dictionary<string, MathFunction> Functions = new(StringComparer.Ordinal)
    {
        ["exp"] = MathFunction.Exp, ["log"] = MathFunction.Log, ["ln"] = MathFunction.Log, ["log10"] = MathFunction.Log10,
        ["sqrt"] = MathFunction.Sqrt, ["sin"] = MathFunction.Sin, ["cos"] = MathFunction.Cos, ["tan"] = MathFunction.Tan,
        ["asin"] = MathFunction.Asin, ["acos"] = MathFunction.Acos, ["atan"] = MathFunction.Atan, ["arctan"] = MathFunction.Atan,
        ["sinh"] = MathFunction.Sinh, ["cosh"] = MathFunction.Cosh, ["tanh"] = MathFunction.Tanh,
        ["abs"] = MathFunction.Abs, ["sign"] = MathFunction.Sign,
        ["erf"] = MathFunction.Erf, ["erfc"] = MathFunction.Erfc, ["gamma"] = MathFunction.Gamma, ["lgamma"] = MathFunction.Lgamma,
        ["digamma"] = MathFunction.Digamma, ["psi"] = MathFunction.Digamma, ["trigamma"] = MathFunction.Trigamma,
        ["step"] = MathFunction.Step,
    };

    /// <summary>The two-argument functions: pow, and min and max (rewritten with step; see <see cref="Expression"/>).</summary>
    private static bool IsBinaryFunction(string name) => name is "pow" or "min" or "max";

    /// <summary>The function names (with pow), for messages.</summary>
    internal static readonly string KnownFunctions = string.Join(", ", Functions.Keys.Append("pow").Append("min").Append("max").Order(StringComparer.Ordinal));

    internal static string NameOf(MathFunction f) => f.ToString().ToLowerInvariant();

    internal static bool IsValidIdentifier(string? name)
    {
        if (string.IsNullOrEmpty(name) || !(char.IsAsciiLetter(name[0]) || name[0] == '_')) return false;
        foreach (char c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_')) return false;
        return name != "pi" && !IsBinaryFunction(name) && !Functions.ContainsKey(name);
    }

    private enum Kind { Number, Name, Plus, Minus, Star, Slash, Caret, Open, Close, Comma, End }

    private readonly record struct Token(Kind Kind, int Start, int Length, double Value, char Bracket);

    private readonly string _text;
    private readonly List<Token> _tokens;
    private int _pos;
    private int _depth;

    private Parser(string text)
    {
        _text = text;
        _tokens = Lex(text);
    }

    public static Expression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text);
        if (parser.Peek.Kind == Kind.End) throw parser.Error("empty expression", parser.Peek);
        var e = parser.ParseSum();
        if (parser.Peek.Kind != Kind.End) throw parser.Unexpected(parser.Peek);
        return e;
    }

    private Token Peek => _tokens[_pos];

    private Token Next() => _tokens[_pos++];

    private ExpressionParseException Error(string reason, Token at) => new(reason, at.Start + 1, _text);

    private string Describe(Token t) => t.Kind switch
    {
        Kind.End => "end of input",
        Kind.Number => $"number '{_text.Substring(t.Start, t.Length)}'",
        Kind.Name => $"name '{_text.Substring(t.Start, t.Length)}'",
        _ => $"'{_text.Substring(t.Start, t.Length)}'",
    };

    private ExpressionParseException Unexpected(Token t)
    {
        string hint = t.Kind is Kind.Name or Kind.Number or Kind.Open && _pos > 0 && _tokens[_pos - 1].Kind is Kind.Number or Kind.Name or Kind.Close
            ? " (write '*' for multiplication)"
            : "";
        return Error("unexpected " + Describe(t) + hint, t);
    }

    // sum := product (('+' | '-') product)*
    private Expression ParseSum()
    {
        var left = ParseProduct();
        while (Peek.Kind is Kind.Plus or Kind.Minus)
        {
            var t = Next();
            var op = t.Kind == Kind.Plus ? BinaryOperator.Add : BinaryOperator.Subtract;
            left = CheckHeight(new BinaryExpression(op, left, ParseProduct()), t);
        }
        return left;
    }

    // product := unary (('*' | '/') unary)*
    private Expression ParseProduct()
    {
        var left = ParseUnary();
        while (Peek.Kind is Kind.Star or Kind.Slash)
        {
            var t = Next();
            var op = t.Kind == Kind.Star ? BinaryOperator.Multiply : BinaryOperator.Divide;
            left = CheckHeight(new BinaryExpression(op, left, ParseUnary()), t);
        }
        return left;
    }

    // unary := ('-' | '+') unary | power
    private Expression ParseUnary()
    {
        var t = Peek;
        if (t.Kind is Kind.Minus or Kind.Plus)
        {
            Next();
            Enter(t);
            var operand = ParseUnary();
            _depth--;
            return t.Kind == Kind.Minus ? Expression.Negate(operand) : operand;
        }
        return ParsePower();
    }

    // power := primary ('^' unary)?      (right-associative through unary → power)
    private Expression ParsePower()
    {
        var basis = ParsePrimary();
        if (Peek.Kind != Kind.Caret) return basis;
        var caret = Next();
        Enter(caret);
        var exponent = ParseUnary();
        _depth--;
        return new BinaryExpression(BinaryOperator.Power, basis, exponent);
    }

    private Expression CheckHeight(Expression e, Token at) =>
        e.Height <= Expression.MaxParsedHeight
            ? e
            : throw Error($"expression too long: more than {Expression.MaxParsedHeight} operations in a chain", at);

    private void Enter(Token t)
    {
        if (++_depth > MaxDepth) throw Error($"expression nested more than {MaxDepth} levels deep", t);
    }

    // primary := number | 'pi' | name | name '(' args ')' | '(' sum ')'
    private Expression ParsePrimary()
    {
        var t = Peek;
        switch (t.Kind)
        {
            case Kind.Number:
                Next();
                return new NumberExpression(t.Value);
            case Kind.Open:
            {
                Next();
                Enter(t);
                if (Peek.Kind == Kind.Close) throw Error("empty parentheses", Peek);
                var inner = ParseSum();
                _depth--;
                ExpectClose(t);
                return inner;
            }
            case Kind.Name:
            {
                Next();
                string name = _text.Substring(t.Start, t.Length);
                if (Peek.Kind == Kind.Open) return ParseCall(t, name);
                if (name == "pi") return Expression.Pi;
                if (IsBinaryFunction(name) || Functions.ContainsKey(name))
                    throw Error($"'{name}' is a function: write {name}(...)", t);
                return new IdentifierExpression(name);
            }
            default:
                throw Unexpected(t);
        }
    }

    private void ExpectClose(Token open)
    {
        var t = Peek;
        char expected = open.Bracket == '[' ? ']' : ')';
        if (t.Kind == Kind.Close && t.Bracket == expected)
        {
            Next();
            return;
        }
        if (t.Kind == Kind.Close)
            throw Error($"'{t.Bracket}' does not match '{open.Bracket}' at column {open.Start + 1}", t);
        string found = t.Kind == Kind.End ? "end of input" : Describe(t);
        throw Error($"expected '{expected}' to close '{open.Bracket}' at column {open.Start + 1}, found {found}", t);
    }

    private Expression ParseCall(Token nameToken, string name)
    {
        bool isPow = IsBinaryFunction(name);
        if (!isPow && !Functions.ContainsKey(name))
            throw Error(name == "pi" ? "'pi' is a constant, not a function" : $"unknown function '{name}' (known functions: {KnownFunctions})", nameToken);
        var open = Next();
        Enter(open);
        var args = new List<Expression>();
        if (Peek.Kind == Kind.Close) throw Error($"{name} needs {(isPow ? "2 arguments" : "1 argument")}", Peek);
        args.Add(ParseSum());
        while (Peek.Kind == Kind.Comma)
        {
            Next();
            args.Add(ParseSum());
        }
        _depth--;
        ExpectClose(open);
        int arity = isPow ? 2 : 1;
        if (args.Count != arity)
            throw Error($"{name} takes {arity} argument{(arity == 1 ? "" : "s")} but was given {args.Count}", nameToken);
        return name switch
        {
            "pow" => new BinaryExpression(BinaryOperator.Power, args[0], args[1]),
            "min" => Choose(args[0], args[1], new BinaryExpression(BinaryOperator.Subtract, args[1], args[0])),
            "max" => Choose(args[0], args[1], new BinaryExpression(BinaryOperator.Subtract, args[0], args[1])),
            _ => new CallExpression(Functions[name], args[0]),
        };
    }

    /// <summary>a·step(d) + b·(1 − step(d)): a where d ≥ 0, else b (min with d = b − a, max with d = a − b).</summary>
    private static Expression Choose(Expression a, Expression b, Expression d)
    {
        var s = new CallExpression(MathFunction.Step, d);
        return new BinaryExpression(BinaryOperator.Add,
            new BinaryExpression(BinaryOperator.Multiply, a, s),
            new BinaryExpression(BinaryOperator.Multiply, b, new BinaryExpression(BinaryOperator.Subtract, new NumberExpression(1), s)));
    }

    private static List<Token> Lex(string text)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            int start = i;
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                tokens.Add(LexNumber(text, ref i));
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
                tokens.Add(new Token(Kind.Name, start, i - start, 0, '\0'));
                continue;
            }
            Kind kind;
            int length = 1;
            switch (c)
            {
                case '+': kind = Kind.Plus; break;
                case '-': kind = Kind.Minus; break;
                case '*':
                    if (i + 1 < text.Length && text[i + 1] == '*')
                    {
                        kind = Kind.Caret;
                        length = 2;
                    }
                    else
                    {
                        kind = Kind.Star;
                    }
                    break;
                case '/': kind = Kind.Slash; break;
                case '^': kind = Kind.Caret; break;
                case '(': case '[': kind = Kind.Open; break;
                case ')': case ']': kind = Kind.Close; break;
                case ',': kind = Kind.Comma; break;
                default:
                    throw new ExpressionParseException(
                        char.IsControl(c) || c > '~' ? $"unexpected character U+{(int)c:X4}" : $"unexpected character '{c}'", i + 1, text);
            }
            tokens.Add(new Token(kind, start, length, 0, c));
            i += length;
        }
        tokens.Add(new Token(Kind.End, text.Length, 0, 0, '\0'));
        return tokens;
    }

    private static Token LexNumber(string text, ref int i)
    {
        int start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
            if (i < text.Length && text[i] == '.')
                throw new ExpressionParseException("unexpected second '.' in a number", i + 1, text);
        }
        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            int e = i;
            i++;
            if (i < text.Length && (text[i] == '+' || text[i] == '-')) i++;
            if (i >= text.Length || !char.IsAsciiDigit(text[i]))
                throw new ExpressionParseException("malformed exponent in number '" + text[start..i] + "' (expected digits)", e + 1, text);
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        }
        string s = text[start..i];
        double value = double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
            throw new ExpressionParseException($"number '{s}' is too large for a double", start + 1, text);
        if (i < text.Length && (char.IsAsciiLetter(text[i]) || text[i] == '_'))
            throw new ExpressionParseException($"a name cannot start right after the number '{s}' (write '*' for multiplication)", i + 1, text);
        return new Token(Kind.Number, start, i - start, value, '\0');
    }
}
