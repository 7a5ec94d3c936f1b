namespace Optima.Problems.Expressions;

/// <summary>A compiled expression's value at one point: the variable and parameter values in the slots given at compile time.</summary>
public delegate double CompiledFunction(ReadOnlySpan<double> variables, ReadOnlySpan<double> parameters);

/// <summary>A compiled expression's value, returned, and its gradient with respect to the parameters, written into <paramref name="gradient"/>.</summary>
public delegate double CompiledGradientFunction(ReadOnlySpan<double> variables, ReadOnlySpan<double> parameters, Span<double> gradient);

/// <summary>
/// A compiled expression's value (returned), parameter gradient and parameter Hessian (p×p, both triangles written;
/// symmetric, so row- and column-major agree).
/// </summary>
public delegate double CompiledHessianFunction(ReadOnlySpan<double> variables, ReadOnlySpan<double> parameters, Span<double> gradient, Span<double> hessian);

/// <summary>
/// An <see cref="Expression"/> compiled to IL (a <see cref="System.Reflection.Emit.DynamicMethod"/>, JIT-compiled to
/// machine code): no interpretation per point. Created by <see cref="Expression.Compile"/>. Variables and parameters
/// are read from spans by slot, in the order of <see cref="Variables"/> and <see cref="Parameters"/>.
/// </summary>
/// <remarks>
/// <para>The value is the expression exactly as written (bit-for-bit what <see cref="Expression.Evaluate(Func{string, double})"/>
/// computes); derivatives are the simplified symbolic derivatives (<see cref="Expression.Differentiate"/>). The value
/// and all partial derivatives are emitted as one straight-line method in which every common subexpression (for
/// example the <c>exp(-b2*x)</c> shared by a model and its derivatives) is computed once.</para>
/// <para>The delegates are pure functions and safe to call from several threads at once. The gradient and Hessian
/// delegates are built on first use. Requires a runtime that can compile dynamic code (not NativeAOT).</para>
/// </remarks>
public sealed class CompiledExpression
{
    private readonly string[] _variables;
    private readonly string[] _parameters;
    private readonly Lazy<Expression[]> _gradient;
    private readonly Lazy<CompiledGradientFunction> _gradientFunction;
    private readonly Lazy<CompiledHessianFunction> _hessianFunction;
    private readonly Lazy<BatchProgram> _valueBatch, _gradientBatch;

    internal CompiledExpression(Expression expression, IReadOnlyList<string> variables, IReadOnlyList<string> parameters)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(parameters);
        Expression = expression;
        _variables = [.. variables];
        _parameters = [.. parameters];
        Validate(expression, _variables, _parameters);

        var compiler = new Compiler(_variables, _parameters);
        Function = compiler.Emit<CompiledFunction>(compiler.Lower(expression), [], 0);

        _gradient = new Lazy<Expression[]>(() => [.. _parameters.Select(Expression.Differentiate)]);
        _gradientFunction = new Lazy<CompiledGradientFunction>(() =>
        {
            var c = new Compiler(_variables, _parameters);
            int value = c.Lower(Expression);
            var outputs = _gradient.Value.Select((g, k) => (c.Lower(g), new[] { new Compiler.Target(2, k) })).ToArray();
            return c.Emit<CompiledGradientFunction>(value, outputs, 1);
        });
        _valueBatch = new Lazy<BatchProgram>(() =>
        {
            var c = new Compiler(_variables, _parameters);
            return c.BuildBatch(c.Lower(Expression), []);
        });
        _gradientBatch = new Lazy<BatchProgram>(() =>
        {
            var c = new Compiler(_variables, _parameters);
            int value = c.Lower(Expression);
            return c.BuildBatch(value, [.. _gradient.Value.Select(c.Lower)]);
        });
        _hessianFunction = new Lazy<CompiledHessianFunction>(() =>
        {
            var c = new Compiler(_variables, _parameters);
            int value = c.Lower(Expression);
            var gradient = _gradient.Value;
            int p = _parameters.Length;
            var outputs = new List<(int, Compiler.Target[])>();
            for (int k = 0; k < p; k++) outputs.Add((c.Lower(gradient[k]), [new Compiler.Target(2, k)]));
            for (int i = 0; i < p; i++)
                for (int j = i; j < p; j++)
                {
                    // ∂²f/∂pᵢ∂pⱼ for j ≥ i, written to both triangles.
                    var second = gradient[i].Differentiate(_parameters[j]);
                    Compiler.Target[] targets = i == j ? [new(3, i * p + i)] : [new(3, i * p + j), new(3, j * p + i)];
                    outputs.Add((c.Lower(second), targets));
                }
            return c.Emit<CompiledHessianFunction>(value, outputs, 2);
        });
    }

    /// <summary>The expression as compiled.</summary>
    public Expression Expression { get; }

    /// <summary>The variable names, in slot order.</summary>
    public IReadOnlyList<string> Variables => _variables;

    /// <summary>The parameter names, in slot order (the gradient's order).</summary>
    public IReadOnlyList<string> Parameters => _parameters;

    /// <summary>The value delegate.</summary>
    public CompiledFunction Function { get; }

    /// <summary>The value-and-parameter-gradient delegate (compiled on first use).</summary>
    public CompiledGradientFunction GradientFunction => _gradientFunction.Value;

    /// <summary>The value, parameter-gradient and parameter-Hessian delegate (compiled on first use).</summary>
    public CompiledHessianFunction HessianFunction => _hessianFunction.Value;

    /// <summary>The symbolic partial derivatives ∂f/∂pₖ, in the order of <see cref="Parameters"/>.</summary>
    public IReadOnlyList<Expression> Gradient => _gradient.Value;

    /// <summary>f(variables; parameters).</summary>
    public double Evaluate(ReadOnlySpan<double> variables, ReadOnlySpan<double> parameters)
    {
        CheckLengths(variables, parameters);
        return Function(variables, parameters);
    }

    /// <summary>f(variables; parameters), with ∂f/∂parameters written into <paramref name="gradient"/>.</summary>
    public double Evaluate(ReadOnlySpan<double> variables, ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        CheckLengths(variables, parameters);
        Require(gradient.Length, _parameters.Length, nameof(gradient));
        return GradientFunction(variables, parameters, gradient);
    }

    /// <summary>
    /// f(variables; parameters), with the parameter gradient written into <paramref name="gradient"/> and the p×p
    /// parameter Hessian into <paramref name="hessian"/> (length p², both triangles).
    /// </summary>
    public double Evaluate(ReadOnlySpan<double> variables, ReadOnlySpan<double> parameters, Span<double> gradient, Span<double> hessian)
    {
        CheckLengths(variables, parameters);
        Require(gradient.Length, _parameters.Length, nameof(gradient));
        Require(hessian.Length, _parameters.Length * _parameters.Length, nameof(hessian));
        return HessianFunction(variables, parameters, gradient, hessian);
    }

    /// <summary>
    /// f at many points at once: <paramref name="values"/>[i] = f(row i) for the point-major
    /// <paramref name="rows"/> (<see cref="Variables"/>.Count values per point, m = values.Length points). The expression
    /// runs as vector operations over blocks of points (SIMD, common subexpressions once per point, parameter-only
    /// subexpressions once per call) instead of one delegate call per point.
    /// </summary>
    /// <remarks>
    /// The same operations as the per-point delegate in the same order (+ − · / and negation, sqrt and abs as SIMD
    /// span operations, which are exact; exp, log and the other functions by the same <see cref="Math"/> calls), so the
    /// values and derivatives are the delegate's to the bit. Safe to call from several threads at once.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    public void EvaluateBatch(ReadOnlySpan<double> rows, ReadOnlySpan<double> parameters, Span<double> values)
    {
        CheckBatch(rows, parameters, values.Length);
        _valueBatch.Value.Run(rows, _variables.Length, parameters, values, default);
    }

    /// <summary>
    /// f and its parameter gradient at many points at once: <paramref name="values"/> as in
    /// <see cref="EvaluateBatch(ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double})"/>, and
    /// <paramref name="jacobian"/> the m×p Jacobian ∂f/∂pₖ in column-major order (column k = ∂f/∂pₖ at every point).
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    public void EvaluateBatch(ReadOnlySpan<double> rows, ReadOnlySpan<double> parameters, Span<double> values, Span<double> jacobian)
    {
        CheckBatch(rows, parameters, values.Length);
        Require(jacobian.Length, values.Length * _parameters.Length, nameof(jacobian));
        _gradientBatch.Value.Run(rows, _variables.Length, parameters, values, jacobian);
    }

    /// <summary>
    /// As <see cref="EvaluateBatch(ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double}, Span{double})"/>, with the
    /// Jacobian scaled as a weighted least-squares problem needs it: entry (i, k) is
    /// (∂f/∂pₖ(row i)·<paramref name="rowWeights"/>[i])·<paramref name="columnScales"/>[k], applied while each block
    /// is in cache instead of in further passes over the m×p matrix. Either scale may be empty (none).
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    public void EvaluateBatch(ReadOnlySpan<double> rows, ReadOnlySpan<double> parameters, Span<double> values, Span<double> jacobian,
        ReadOnlySpan<double> rowWeights, ReadOnlySpan<double> columnScales)
    {
        CheckBatch(rows, parameters, values.Length);
        Require(jacobian.Length, values.Length * _parameters.Length, nameof(jacobian));
        if (!rowWeights.IsEmpty) Require(rowWeights.Length, values.Length, nameof(rowWeights));
        if (!columnScales.IsEmpty) Require(columnScales.Length, _parameters.Length, nameof(columnScales));
        _gradientBatch.Value.Run(rows, _variables.Length, parameters, values, jacobian, rowWeights, columnScales);
    }

    /// <summary>
    /// As <see cref="EvaluateBatch(ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double}, Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double})"/>
    /// for a range of the rows of a taller m×p column-major Jacobian: the k-th derivative of point i (0 ≤ i &lt;
    /// values.Length, counted from the range's first row) goes to jacobian[k·<paramref name="leadingDimension"/> + i], so
    /// <paramref name="jacobian"/> starts at the range's first row and <paramref name="leadingDimension"/> is m. Each point
    /// gets the same bits as in one call over all rows, so ranges may be evaluated on several threads at once.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The leading dimension is smaller than the number of points.</exception>
    public void EvaluateBatch(ReadOnlySpan<double> rows, ReadOnlySpan<double> parameters, Span<double> values, Span<double> jacobian,
        int leadingDimension, ReadOnlySpan<double> rowWeights, ReadOnlySpan<double> columnScales)
    {
        CheckBatch(rows, parameters, values.Length);
        if (leadingDimension < values.Length)
            throw new ArgumentOutOfRangeException(nameof(leadingDimension), leadingDimension, $"The leading dimension must be at least the number of points ({values.Length}).");
        int np = _parameters.Length;
        long needed = values.Length == 0 || np == 0 ? 0 : (long)(np - 1) * leadingDimension + values.Length;
        if (jacobian.Length < needed)
            throw new ArgumentException($"jacobian has length {jacobian.Length}; at least {needed} entries are needed.", nameof(jacobian));
        if (!rowWeights.IsEmpty) Require(rowWeights.Length, values.Length, nameof(rowWeights));
        if (!columnScales.IsEmpty) Require(columnScales.Length, np, nameof(columnScales));
        _gradientBatch.Value.Run(rows, _variables.Length, parameters, values, jacobian, leadingDimension, rowWeights, columnScales);
    }

    private void CheckBatch(ReadOnlySpan<double> rows, ReadOnlySpan<double> parameters, int points)
    {
        Require(rows.Length, points * _variables.Length, nameof(rows));
        Require(parameters.Length, _parameters.Length, nameof(parameters));
    }

    private void CheckLengths(ReadOnlySpan<double> variables, ReadOnlySpan<double> parameters)
    {
        Require(variables.Length, _variables.Length, nameof(variables));
        Require(parameters.Length, _parameters.Length, nameof(parameters));
    }

    private static void Require(int actual, int expected, string name)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has length {actual}; expected {expected}.", name);
    }

    private static void Validate(Expression expression, string[] variables, string[] parameters)
    {
        var all = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (list, what) in new[] { (variables, "variables"), (parameters, "parameters") })
            foreach (string name in list)
            {
                if (string.IsNullOrEmpty(name)) throw new ArgumentException($"The {what} list contains an empty name.", what);
                if (!all.Add(name))
                    throw new ArgumentException(
                        variables.Contains(name) && parameters.Contains(name)
                            ? $"'{name}' is listed both as a variable and as a parameter."
                            : $"'{name}' is listed twice among the {what}.", what);
            }
        var unknown = expression.Identifiers.Where(n => !all.Contains(n)).ToList();
        if (unknown.Count > 0)
        {
            string names = string.Join(", ", unknown.Select(n => $"'{n}'"));
            throw new ArgumentException(
                $"The expression uses {names}, which {(unknown.Count == 1 ? "is" : "are")} neither a variable ({List(variables)}) nor a parameter ({List(parameters)}).");
        }
    }

    private static string List(string[] names) => names.Length == 0 ? "none" : string.Join(", ", names);
}
