using System.Reflection;
using System.Reflection.Emit;

namespace Optima.Problems.Expressions;

/// <summary>
/// Lowers expression trees to a DAG with common subexpressions shared (hash-consing), then emits IL for a
/// <see cref="DynamicMethod"/>: straight-line code, one local per subexpression used more than once, span reads for
/// variables and parameters, span writes for extra outputs.
/// </summary>
internal sealed class Compiler
{
    private enum Op { Const, Var, Par, Neg, Add, Sub, Mul, Div, Pow, Call }

    /// <summary>A DAG node; constants are keyed by their bits (so 0 and −0 stay apart).</summary>
    private readonly record struct Node(Op Op, int A, int B, long Bits, int Slot)
    {
        public double Value => BitConverter.Int64BitsToDouble(Bits);
    }

    private readonly List<Node> _nodes = [];
    private readonly Dictionary<Node, int> _index = [];
    private readonly Dictionary<Expression, int> _memo = [];
    private readonly Dictionary<string, int> _variables;
    private readonly Dictionary<string, int> _parameters;

    public Compiler(IReadOnlyList<string> variables, IReadOnlyList<string> parameters)
    {
        _variables = variables.Select((n, i) => (n, i)).ToDictionary(t => t.n, t => t.i, StringComparer.Ordinal);
        _parameters = parameters.Select((n, i) => (n, i)).ToDictionary(t => t.n, t => t.i, StringComparer.Ordinal);
    }

    /// <summary>Where an extra output is written: span argument <paramref name="Argument"/>, element <paramref name="Index"/>.</summary>
    public readonly record struct Target(int Argument, int Index);

    private int Intern(Node node)
    {
        if (!_index.TryGetValue(node, out int id))
        {
            id = _nodes.Count;
            _nodes.Add(node);
            _index.Add(node, id);
        }
        return id;
    }

    private int Constant(double v) => Intern(new Node(Op.Const, -1, -1, BitConverter.DoubleToInt64Bits(v), 0));

    /// <summary>Adds <paramref name="e"/> to the DAG; returns its node.</summary>
    public int Lower(Expression e)
    {
        if (_memo.TryGetValue(e, out int known)) return known;
        int id;
        switch (e)
        {
            case NumberExpression n:
                id = Constant(n.Value);
                break;
            case IdentifierExpression i:
                id = _variables.TryGetValue(i.Name, out int v)
                    ? Intern(new Node(Op.Var, -1, -1, 0, v))
                    : Intern(new Node(Op.Par, -1, -1, 0, _parameters[i.Name]));
                break;
            case NegateExpression n:
                id = Intern(new Node(Op.Neg, Lower(n.Operand), -1, 0, 0));
                break;
            case CallExpression c:
                id = Intern(new Node(Op.Call, Lower(c.Argument), -1, 0, (int)c.Function));
                break;
            case BinaryExpression b:
            {
                int a = Lower(b.Left);
                if (b.Operator == BinaryOperator.Power && b.Right is NumberExpression { Value: 2 or 3 or 4 or -1 or -2 } k)
                {
                    // The same operations as ExpressionMath.Pow, so compiled and interpreted values agree to the bit.
                    int Square() => Intern(new Node(Op.Mul, a, a, 0, 0));
                    id = k.Value switch
                    {
                        2 => Square(),
                        3 => Intern(new Node(Op.Mul, Square(), a, 0, 0)),
                        4 => Intern(new Node(Op.Mul, Square(), Square(), 0, 0)),
                        -1 => Intern(new Node(Op.Div, Constant(1), a, 0, 0)),
                        _ => Intern(new Node(Op.Div, Constant(1), Square(), 0, 0)),
                    };
                    break;
                }
                int r = Lower(b.Right);
                var op = b.Operator switch
                {
                    BinaryOperator.Add => Op.Add,
                    BinaryOperator.Subtract => Op.Sub,
                    BinaryOperator.Multiply => Op.Mul,
                    BinaryOperator.Divide => Op.Div,
                    _ => Op.Pow,
                };
                id = Intern(new Node(op, a, r, 0, 0));
                break;
            }
            default:
                throw new InvalidOperationException("Unknown expression node " + e.GetType().Name);
        }
        _memo[e] = id;
        return id;
    }

    private static readonly MethodInfo ReadItem = typeof(ReadOnlySpan<double>).GetProperty("Item")!.GetGetMethod()!;
    private static readonly MethodInfo WriteItem = typeof(Span<double>).GetProperty("Item")!.GetGetMethod()!;
    private static readonly MethodInfo PowMethod = typeof(ExpressionMath).GetMethod(nameof(ExpressionMath.Pow))!;

    /// <summary>
    /// Emits a method returning node <paramref name="result"/> and writing each of <paramref name="outputs"/> to its
    /// targets. Arguments 0 and 1 are the variable and parameter spans; arguments 2… are <see cref="Span{T}"/> outputs.
    /// </summary>
    public TDelegate Emit<TDelegate>(int result, IReadOnlyList<(int Node, Target[] Targets)> outputs, int outputArguments)
        where TDelegate : Delegate
    {
        var uses = new int[_nodes.Count];
        void Count(int id)
        {
            if (uses[id]++ > 0) return;
            var n = _nodes[id];
            if (n.A >= 0) Count(n.A);
            if (n.B >= 0) Count(n.B);
        }
        Count(result);
        foreach (var (node, _) in outputs) Count(node);

        var args = new Type[2 + outputArguments];
        args[0] = args[1] = typeof(ReadOnlySpan<double>);
        for (int k = 2; k < args.Length; k++) args[k] = typeof(Span<double>);
        var method = new DynamicMethod("OptimaExpression", typeof(double), args, typeof(Compiler).Module, skipVisibility: true);
        var il = method.GetILGenerator();
        var locals = new LocalBuilder?[_nodes.Count];

        void Load(int id)
        {
            if (locals[id] is { } local)
            {
                il.Emit(OpCodes.Ldloc, local);
                return;
            }
            var n = _nodes[id];
            switch (n.Op)
            {
                case Op.Const:
                    il.Emit(OpCodes.Ldc_R8, n.Value);
                    return; // never cached
                case Op.Var:
                case Op.Par:
                    il.Emit(OpCodes.Ldarga_S, (byte)(n.Op == Op.Var ? 0 : 1));
                    il.Emit(OpCodes.Ldc_I4, n.Slot);
                    il.Emit(OpCodes.Call, ReadItem);
                    il.Emit(OpCodes.Ldind_R8);
                    break;
                case Op.Neg:
                    Load(n.A);
                    il.Emit(OpCodes.Neg);
                    break;
                case Op.Call:
                    Load(n.A);
                    il.Emit(OpCodes.Call, ExpressionMath.MethodOf((MathFunction)n.Slot));
                    break;
                default:
                    Load(n.A);
                    Load(n.B);
                    if (n.Op == Op.Pow) il.Emit(OpCodes.Call, PowMethod);
                    else il.Emit(n.Op switch { Op.Add => OpCodes.Add, Op.Sub => OpCodes.Sub, Op.Mul => OpCodes.Mul, _ => OpCodes.Div });
                    break;
            }
            if (uses[id] > 1)
            {
                var cached = il.DeclareLocal(typeof(double));
                il.Emit(OpCodes.Dup);
                il.Emit(OpCodes.Stloc, cached);
                locals[id] = cached;
            }
        }

        foreach (var (node, targets) in outputs)
        {
            if (targets.Length == 1)
            {
                EmitAddress(il, targets[0]);
                Load(node);
                il.Emit(OpCodes.Stind_R8);
                continue;
            }
            Load(node);
            var value = il.DeclareLocal(typeof(double));
            il.Emit(OpCodes.Stloc, value);
            foreach (var t in targets)
            {
                EmitAddress(il, t);
                il.Emit(OpCodes.Ldloc, value);
                il.Emit(OpCodes.Stind_R8);
            }
        }
        Load(result);
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<TDelegate>();
    }

    private static void EmitAddress(ILGenerator il, Target t)
    {
        il.Emit(OpCodes.Ldarga_S, (byte)t.Argument);
        il.Emit(OpCodes.Ldc_I4, t.Index);
        il.Emit(OpCodes.Call, WriteItem);
    }
}
