using Optima.LinearAlgebra;

namespace Optima.Problems.Expressions;

/// <summary>
/// An objective written as an expression over named variables, such as <c>(1-x)^2 + 100*(y-x^2)^2</c>, with exact
/// gradient and Hessian from symbolic differentiation, compiled to IL (what <c>optima minimize --objective</c> uses).
/// </summary>
/// <example>
/// <code>
/// var f = ExpressionObjective.Create("(1-x)^2 + 100*(y-x^2)^2");   // VariableNames = [x, y]
/// double value = f.ValueAndGradient([-1.2, 1.0], gradient);
/// </code>
/// </example>
/// <remarks>The Hessian-vector product reuses internal buffers: not thread-safe (value and gradient are).</remarks>
public sealed class ExpressionObjective : IHessianObjective
{
    private readonly double[] _gradient;
    private readonly DenseMatrix _hessian;

    private ExpressionObjective(Expression expression, IReadOnlyList<string> variableNames)
    {
        Expression = expression;
        Compiled = expression.Compile([], variableNames);
        Dimension = variableNames.Count;
        _gradient = new double[Dimension];
        _hessian = new DenseMatrix(Dimension, Dimension);
    }

    /// <summary>
    /// Parses <paramref name="text"/> and makes it an objective. The variables are <paramref name="variableNames"/> in
    /// that order when given (it must contain every identifier of the expression; extra names are variables the
    /// objective does not depend on), else the expression's identifiers in order of first appearance.
    /// </summary>
    /// <exception cref="ExpressionParseException">The text does not parse.</exception>
    /// <exception cref="ArgumentException">An identifier is missing from <paramref name="variableNames"/>, a name repeats, or there is no variable.</exception>
    public static ExpressionObjective Create(string text, IReadOnlyList<string>? variableNames = null) =>
        Create(Expression.Parse(text), variableNames);

    /// <summary>Makes <paramref name="expression"/> an objective; see <see cref="Create(string, IReadOnlyList{string}?)"/>.</summary>
    public static ExpressionObjective Create(Expression expression, IReadOnlyList<string>? variableNames = null)
    {
        ArgumentNullException.ThrowIfNull(expression);
        variableNames ??= expression.Identifiers;
        if (variableNames.Count == 0)
            throw new ArgumentException($"The objective '{expression}' has no variables.", nameof(variableNames));
        return new ExpressionObjective(expression, variableNames);
    }

    /// <summary>The objective's expression.</summary>
    public Expression Expression { get; }

    /// <summary>The compiled form (the variables of the objective are its <see cref="CompiledExpression.Parameters"/>).</summary>
    public CompiledExpression Compiled { get; }

    /// <summary>The names of x₀, x₁, …</summary>
    public IReadOnlyList<string> VariableNames => Compiled.Parameters;

    /// <inheritdoc/>
    public int Dimension { get; }

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x)
    {
        Guard.Length(x.Length, Dimension, nameof(x));
        return Compiled.Function([], x);
    }

    /// <inheritdoc/>
    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        Guard.Length(x.Length, Dimension, nameof(x));
        Guard.Length(gradient.Length, Dimension, nameof(gradient));
        return Compiled.GradientFunction([], x, gradient);
    }

    /// <inheritdoc/>
    public void Hessian(ReadOnlySpan<double> x, DenseMatrix hessian)
    {
        ArgumentNullException.ThrowIfNull(hessian);
        Guard.Length(x.Length, Dimension, nameof(x));
        if (hessian.Rows != Dimension || hessian.Columns != Dimension)
            throw new ArgumentException($"The Hessian must be {Dimension}×{Dimension} but is {hessian.Rows}×{hessian.Columns}.", nameof(hessian));
        Span<double> g = Dimension <= 128 ? stackalloc double[Dimension] : new double[Dimension];
        Compiled.HessianFunction([], x, g, hessian.AsSpan());
    }

    /// <inheritdoc/>
    /// <remarks>Forms the Hessian (n is small for a typed-in objective) and multiplies.</remarks>
    public void HessianVector(ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> result)
    {
        Guard.Length(x.Length, Dimension, nameof(x));
        Guard.Length(v.Length, Dimension, nameof(v));
        Guard.Length(result.Length, Dimension, nameof(result));
        Compiled.HessianFunction([], x, _gradient, _hessian.AsSpan());
        _hessian.Multiply(v, result);
    }
}
