using System.Numerics.Tensors;
using System.Reflection;
using System.Reflection.Emit;

namespace Optima.Problems.Expressions;

/// <summary>
/// Lowers expression trees to a DAG with common subexpressions shared (hash-consing), then emits IL for a
/// <see cref="DynamicMethod"/>: straight-line code, one local per subexpression used more than once, span reads for
/// variables and parameters, span writes for extra outputs.
/// </summary>
internal sealed partial class Compiler
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

/// <summary>
/// A lowered expression (and optionally its gradient) as a straight-line program over blocks of points: every node
/// that depends on a variable is a vector operation on a block (System.Numerics.Tensors, SIMD), every node that
/// depends only on parameters and constants is computed once per call. Registers are reused by liveness so a block's
/// working set stays in the L1 cache.
/// </summary>
internal sealed partial class Compiler
{
    /// <summary>Builds the block program for node <paramref name="result"/> and the extra output nodes (gradient entries).</summary>
    public BatchProgram BuildBatch(int result, IReadOnlyList<int> outputs)
    {
        int count = _nodes.Count;
        var needed = new bool[count];
        void Mark(int id)
        {
            if (needed[id]) return;
            needed[id] = true;
            var n = _nodes[id];
            if (n.A >= 0) Mark(n.A);
            if (n.B >= 0) Mark(n.B);
        }
        Mark(result);
        foreach (int o in outputs) Mark(o);

        // Children always have smaller ids than their parents (interning is bottom-up), so id order is a valid schedule.
        var varying = new bool[count];
        for (int id = 0; id < count; id++)
        {
            if (!needed[id]) continue;
            var n = _nodes[id];
            varying[id] = n.Op == Op.Var || (n.A >= 0 && varying[n.A]) || (n.B >= 0 && varying[n.B]);
        }
        var lastUse = new int[count];
        Array.Fill(lastUse, -1);
        for (int id = 0; id < count; id++)
        {
            if (!needed[id]) continue;
            var n = _nodes[id];
            if (n.A >= 0) lastUse[n.A] = id;
            if (n.B >= 0) lastUse[n.B] = id;
        }
        lastUse[result] = int.MaxValue;
        foreach (int o in outputs) lastUse[o] = int.MaxValue;

        var register = new int[count];
        Array.Fill(register, -1);
        var free = new Stack<int>();
        int registers = 0;
        var uniform = new List<BatchProgram.Instruction>();
        var vector = new List<BatchProgram.Instruction>();
        for (int id = 0; id < count; id++)
        {
            if (!needed[id]) continue;
            var n = _nodes[id];
            var op = (BatchProgram.Code)(int)n.Op;
            if (!varying[id])
            {
                uniform.Add(new(op, id, n.A, n.B, n.Slot, n.Value, false, false));
                continue;
            }
            // Operands whose last use is this node give their registers back first, so the result may reuse one
            // (every kernel tolerates its destination aliasing an input).
            int ra = n.A >= 0 && varying[n.A] ? register[n.A] : -1, rb = n.B >= 0 && varying[n.B] ? register[n.B] : -1;
            if (ra >= 0 && lastUse[n.A] == id) free.Push(ra);
            if (rb >= 0 && lastUse[n.B] == id && rb != ra) free.Push(rb);
            int r = free.Count > 0 ? free.Pop() : registers++;
            register[id] = r;
            vector.Add(new(op, r, ra >= 0 ? ra : n.A, rb >= 0 ? rb : n.B, n.Slot, n.Value, ra >= 0, rb >= 0));
        }
        BatchProgram.Output Out(int id) => varying[id] ? new(true, register[id]) : new(false, id);
        return new BatchProgram(count, registers, [.. uniform], [.. vector], Out(result), [.. outputs.Select(Out)]);
    }
}

/// <summary>The block program built by <see cref="Compiler.BuildBatch"/>; immutable and safe to run on several threads at once.</summary>
internal sealed class BatchProgram
{
    /// <summary>Points per block: a block of every live register fits in the L1 cache for typical models.</summary>
    public const int Block = 256;

    public enum Code { Const, Var, Par, Neg, Add, Sub, Mul, Div, Pow, Call }

    /// <summary>
    /// One operation. Uniform instructions: <see cref="Target"/>, <see cref="A"/>, <see cref="B"/> are node ids of the
    /// per-call scalar table. Vector instructions: <see cref="Target"/> is a register; an operand is a register when
    /// its flag says so, otherwise a node id of the scalar table.
    /// </summary>
    public readonly record struct Instruction(Code Op, int Target, int A, int B, int Slot, double Value, bool AIsVector, bool BIsVector);

    /// <summary>Where an output lives: a register, or a node of the scalar table (the same value at every point).</summary>
    public readonly record struct Output(bool IsVector, int Index);

    private readonly int _nodes, _registers;
    private readonly Instruction[] _uniform, _vector;
    private readonly Output _result;
    private readonly Output[] _outputs;

    public BatchProgram(int nodes, int registers, Instruction[] uniform, Instruction[] vector, Output result, Output[] outputs)
    {
        _nodes = nodes;
        _registers = registers;
        _uniform = uniform;
        _vector = vector;
        _result = result;
        _outputs = outputs;
    }

    /// <summary>
    /// values[i] = f(row i) for the point-major <paramref name="rows"/> (<paramref name="v"/> variables each), and the
    /// extra outputs (column-major, m per output) into <paramref name="columns"/> when there are any.
    /// </summary>
    public void Run(ReadOnlySpan<double> rows, int v, ReadOnlySpan<double> parameters, Span<double> values, Span<double> columns)
        => Run(rows, v, parameters, values, columns, default, default);

    /// <summary>
    /// As <see cref="Run(ReadOnlySpan{double}, int, ReadOnlySpan{double}, Span{double}, Span{double})"/>, with output k
    /// at point i stored as (outputᵢₖ·<paramref name="rowWeights"/>[i])·<paramref name="columnScales"/>[k] (either
    /// may be empty for none): the scaling a least-squares Jacobian needs, applied while the block is in cache.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Run(ReadOnlySpan<double> rows, int v, ReadOnlySpan<double> parameters, Span<double> values, Span<double> columns,
        ReadOnlySpan<double> rowWeights, ReadOnlySpan<double> columnScales)
        => Run(rows, v, parameters, values, columns, values.Length, rowWeights, columnScales);

    /// <summary>
    /// As <see cref="Run(ReadOnlySpan{double}, int, ReadOnlySpan{double}, Span{double}, Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double})"/>,
    /// with output k of point i at columns[k·<paramref name="leadingDimension"/> + i]: the points may be a range of the
    /// rows of a taller column-major matrix (columns then starts at the range's first row).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Run(ReadOnlySpan<double> rows, int v, ReadOnlySpan<double> parameters, Span<double> values, Span<double> columns,
        int leadingDimension, ReadOnlySpan<double> rowWeights, ReadOnlySpan<double> columnScales)
    {
        int m = values.Length, ld = leadingDimension;
        var scalars = System.Buffers.ArrayPool<double>.Shared.Rent(Math.Max(_nodes, 1));
        var work = System.Buffers.ArrayPool<double>.Shared.Rent(Math.Max(_registers, 1) * Block);
        try
        {
            foreach (var ins in _uniform)
            {
                double a = ins.A >= 0 ? scalars[ins.A] : 0, b = ins.B >= 0 ? scalars[ins.B] : 0;
                scalars[ins.Target] = ins.Op switch
                {
                    Code.Const => ins.Value,
                    Code.Par => parameters[ins.Slot],
                    Code.Neg => -a,
                    Code.Add => a + b,
                    Code.Sub => a - b,
                    Code.Mul => a * b,
                    Code.Div => a / b,
                    Code.Pow => ExpressionMath.Pow(a, b),
                    Code.Call => ExpressionMath.Apply((MathFunction)ins.Slot, a),
                    _ => throw new InvalidOperationException("A variable in the uniform part."),
                };
            }
            for (int i0 = 0; i0 < m; i0 += Block)
            {
                int n = Math.Min(Block, m - i0);
                foreach (var ins in _vector) Execute(ins, work, scalars, rows, v, i0, n);
                Store(_result, work, scalars, values.Slice(i0, n));
                for (int k = 0; k < _outputs.Length; k++)
                {
                    var destination = columns.Slice(k * ld + i0, n);
                    Store(_outputs[k], work, scalars, destination);
                    if (!rowWeights.IsEmpty) TensorPrimitives.Multiply(destination, rowWeights.Slice(i0, n), destination);
                    if (!columnScales.IsEmpty && columnScales[k] != 1) TensorPrimitives.Multiply(destination, columnScales[k], destination);
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(work);
            System.Buffers.ArrayPool<double>.Shared.Return(scalars);
        }
    }

    private static void Store(Output o, double[] work, double[] scalars, Span<double> destination)
    {
        if (o.IsVector) work.AsSpan(o.Index * Block, destination.Length).CopyTo(destination);
        else destination.Fill(scalars[o.Index]);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Execute(in Instruction ins, double[] work, double[] scalars, ReadOnlySpan<double> rows, int v, int i0, int n)
    {
        var d = work.AsSpan(ins.Target * Block, n);
        if (ins.Op == Code.Var)
        {
            if (v == 1) rows.Slice(i0, n).CopyTo(d);
            else for (int i = 0; i < n; i++) d[i] = rows[(i0 + i) * v + ins.Slot];
            return;
        }
        ReadOnlySpan<double> x = ins.AIsVector ? work.AsSpan(ins.A * Block, n) : default;
        ReadOnlySpan<double> y = ins.BIsVector ? work.AsSpan(ins.B * Block, n) : default;
        double a = ins.AIsVector || ins.A < 0 ? 0 : scalars[ins.A], b = ins.BIsVector || ins.B < 0 ? 0 : scalars[ins.B];
        switch (ins.Op)
        {
            case Code.Neg:
                TensorPrimitives.Negate(x, d);
                break;
            case Code.Add:
                if (ins.AIsVector && ins.BIsVector) TensorPrimitives.Add(x, y, d);
                else if (ins.AIsVector) TensorPrimitives.Add(x, b, d);
                else TensorPrimitives.Add(y, a, d);
                break;
            case Code.Sub:
                if (ins.AIsVector && ins.BIsVector) TensorPrimitives.Subtract(x, y, d);
                else if (ins.AIsVector) TensorPrimitives.Subtract(x, b, d);
                else TensorPrimitives.Subtract(a, y, d);
                break;
            case Code.Mul:
                if (ins.AIsVector && ins.BIsVector) TensorPrimitives.Multiply(x, y, d);
                else if (ins.AIsVector) TensorPrimitives.Multiply(x, b, d);
                else TensorPrimitives.Multiply(y, a, d);
                break;
            case Code.Div:
                if (ins.AIsVector && ins.BIsVector) TensorPrimitives.Divide(x, y, d);
                else if (ins.AIsVector) TensorPrimitives.Divide(x, b, d);
                else TensorPrimitives.Divide(a, y, d);
                break;
            case Code.Pow:
                for (int i = 0; i < n; i++) d[i] = ExpressionMath.Pow(ins.AIsVector ? x[i] : a, ins.BIsVector ? y[i] : b);
                break;
            default:
                var f = (MathFunction)ins.Slot;
                switch (f)
                {
                    // Math.Exp per element: the same bits as the per-point delegate (and, measured on .NET 10 without
                    // AVX-512, faster than TensorPrimitives.Exp, which also differs from it by up to 2 ulps).
                    case MathFunction.Exp: for (int i = 0; i < n; i++) d[i] = Math.Exp(x[i]); break;
                    case MathFunction.Log: for (int i = 0; i < n; i++) d[i] = Math.Log(x[i]); break;
                    case MathFunction.Sin: for (int i = 0; i < n; i++) d[i] = Math.Sin(x[i]); break;
                    case MathFunction.Cos: for (int i = 0; i < n; i++) d[i] = Math.Cos(x[i]); break;
                    case MathFunction.Sqrt: TensorPrimitives.Sqrt(x, d); break;
                    case MathFunction.Abs: TensorPrimitives.Abs(x, d); break;
                    default:
                        for (int i = 0; i < n; i++) d[i] = ExpressionMath.Apply(f, x[i]);
                        break;
                }
                break;
        }
    }
}
