using System.Globalization;
using Optima.LinearAlgebra;
using Optima.Problems.Derivatives;
using Optima.Problems.Expressions;

namespace Optima.Problems;

/// <summary>The two kinds of general constraint, in the sign convention of every constrained method here.</summary>
public enum ConstraintKind
{
    /// <summary>cᵢ(x) = 0.</summary>
    Equality,

    /// <summary>hᵢ(x) ≤ 0.</summary>
    Inequality,
}

/// <summary>
/// General constraints cᵢ(x) = 0 and hᵢ(x) ≤ 0 over n variables, with their Jacobian: what the constrained methods
/// (augmented Lagrangian, SQP) ask for besides the objective. Bounds are not constraints here: they stay a
/// <see cref="BoxBounds"/>, which methods keep exactly.
/// </summary>
public interface IConstraintSet
{
    /// <summary>Number of variables n.</summary>
    int Dimension { get; }

    /// <summary>Number of constraints m.</summary>
    int Count { get; }

    /// <summary>The kind of constraint <paramref name="index"/>.</summary>
    ConstraintKind Kind(int index);

    /// <summary>A readable statement of constraint <paramref name="index"/> (its expression, or "c[3]").</summary>
    string Describe(int index);

    /// <summary>Writes the m values into <paramref name="values"/> and, when <paramref name="jacobian"/> is not null, the m×n Jacobian (every entry overwritten).</summary>
    void Evaluate(ReadOnlySpan<double> x, Span<double> values, DenseMatrix? jacobian);
}

/// <summary>
/// Constraints written as text over named variables: "x^2 + y^2 &lt;= 1", "x + y = 1" (or "=="), "x*y &gt;= 2". Each side is
/// an expression of the repository's expression language; "a &lt;= b" becomes h = a − b ≤ 0, "a &gt;= b" h = b − a ≤ 0 and
/// "a = b" c = a − b = 0. Jacobians are exact (symbolic), compiled once.
/// </summary>
public sealed class ExpressionConstraints : IConstraintSet
{
    private readonly CompiledExpression[] _compiled;
    private readonly ConstraintKind[] _kinds;
    private readonly string[] _texts;

    private ExpressionConstraints(CompiledExpression[] compiled, ConstraintKind[] kinds, string[] texts, int dimension)
    {
        _compiled = compiled;
        _kinds = kinds;
        _texts = texts;
        Dimension = dimension;
    }

    /// <summary>Parses each of <paramref name="constraints"/> against the variables <paramref name="variableNames"/>.</summary>
    /// <exception cref="ArgumentException">
    /// No relation (&lt;=, &gt;=, =) or more than one, a side that does not parse, or a name that is not a variable; the message
    /// quotes the constraint.
    /// </exception>
    public static ExpressionConstraints Parse(IReadOnlyList<string> constraints, IReadOnlyList<string> variableNames)
    {
        ArgumentNullException.ThrowIfNull(constraints);
        ArgumentNullException.ThrowIfNull(variableNames);
        if (variableNames.Count == 0) throw new ArgumentException("Constraints need at least one variable.", nameof(variableNames));
        var compiled = new CompiledExpression[constraints.Count];
        var kinds = new ConstraintKind[constraints.Count];
        var texts = new string[constraints.Count];
        for (int i = 0; i < constraints.Count; i++)
        {
            string text = constraints[i] ?? throw new ArgumentException($"Constraint {i + 1} is null.", nameof(constraints));
            var (left, relation, right) = Split(text);
            Expression lhs, rhs;
            try
            {
                lhs = Expression.Parse(left);
                rhs = Expression.Parse(right);
            }
            catch (ExpressionParseException e)
            {
                throw new ArgumentException($"The constraint '{text}' does not parse: {e.Message}", nameof(constraints), e);
            }
            var g = relation == ">=" ? rhs - lhs : lhs - rhs;
            var unknown = g.Identifiers.Where(name => !variableNames.Contains(name)).ToArray();
            if (unknown.Length > 0)
                throw new ArgumentException($"The constraint '{text}' uses {string.Join(", ", unknown.Select(u => $"'{u}'"))}, not a variable; the variables are {string.Join(", ", variableNames)}.", nameof(constraints));
            compiled[i] = g.Compile([], variableNames);
            kinds[i] = relation == "=" ? ConstraintKind.Equality : ConstraintKind.Inequality;
            texts[i] = text.Trim();
        }
        return new ExpressionConstraints(compiled, kinds, texts, variableNames.Count);
    }

    private static (string Left, string Relation, string Right) Split(string text)
    {
        var found = new List<(int At, string Op)>();
        for (int i = 0; i < text.Length; i++)
        {
            if (i + 1 < text.Length && (text[i] is '<' or '>' or '=') && text[i + 1] == '=')
            {
                found.Add((i, text[i] == '=' ? "=" : text.Substring(i, 2)));
                i++;
            }
            else if (text[i] is '<' or '>')
                throw new ArgumentException($"The constraint '{text}' uses a strict '{text[i]}'; write '{text[i]}=' (constraints are closed sets).");
            else if (text[i] == '=') found.Add((i, "="));
        }
        if (found.Count != 1)
            throw new ArgumentException(found.Count == 0
                ? $"The constraint '{text}' has no relation; write EXPR <= EXPR, EXPR >= EXPR or EXPR = EXPR."
                : $"The constraint '{text}' has {found.Count} relations; write one per constraint.");
        var (at, op) = found[0];
        int width = op == "=" && (at + 1 < text.Length && text[at + 1] == '=') ? 2 : op.Length;
        string left = text[..at], right = text[(at + width)..];
        if (string.IsNullOrWhiteSpace(left) || string.IsNullOrWhiteSpace(right))
            throw new ArgumentException($"The constraint '{text}' has an empty side.");
        return (left, op, right);
    }

    /// <inheritdoc/>
    public int Dimension { get; }

    /// <inheritdoc/>
    public int Count => _compiled.Length;

    /// <inheritdoc/>
    public ConstraintKind Kind(int index) => _kinds[index];

    /// <inheritdoc/>
    public string Describe(int index) => _texts[index];

    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> x, Span<double> values, DenseMatrix? jacobian)
    {
        Guard.Length(x.Length, Dimension, nameof(x));
        Guard.Length(values.Length, Count, nameof(values));
        Span<double> row = Dimension <= 256 ? stackalloc double[Dimension] : new double[Dimension];
        for (int i = 0; i < _compiled.Length; i++)
        {
            if (jacobian is null) values[i] = _compiled[i].Function([], x);
            else
            {
                values[i] = _compiled[i].GradientFunction([], x, row);
                for (int j = 0; j < Dimension; j++) jacobian[i, j] = row[j];
            }
        }
    }
}

/// <summary>
/// Constraints written once in C# with .NET generic math (an <see cref="IVectorFunction"/> whose outputs are the
/// constraint values), with the exact Jacobian by forward-mode autodiff. Output i is cᵢ = 0 or hᵢ ≤ 0 as
/// <c>kinds[i]</c> says.
/// </summary>
public sealed class AutoDiffConstraints<TF> : IConstraintSet where TF : IVectorFunction
{
    private readonly TF _function;
    private readonly ConstraintKind[] _kinds;

    /// <summary>Wraps <paramref name="function"/> with one kind per output.</summary>
    /// <exception cref="ArgumentException">The number of kinds differs from the number of outputs.</exception>
    public AutoDiffConstraints(TF function, IReadOnlyList<ConstraintKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(kinds);
        if (kinds.Count != function.Outputs)
            throw new ArgumentException($"The constraint function has {function.Outputs} outputs but {kinds.Count} kinds were given.", nameof(kinds));
        _function = function;
        _kinds = [.. kinds];
    }

    /// <inheritdoc/>
    public int Dimension => _function.Inputs;

    /// <inheritdoc/>
    public int Count => _function.Outputs;

    /// <inheritdoc/>
    public ConstraintKind Kind(int index) => _kinds[index];

    /// <inheritdoc/>
    public string Describe(int index) => string.Create(CultureInfo.InvariantCulture, $"{(_kinds[index] == ConstraintKind.Equality ? "c" : "h")}[{index}]");

    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> x, Span<double> values, DenseMatrix? jacobian)
    {
        Guard.Length(x.Length, Dimension, nameof(x));
        Guard.Length(values.Length, Count, nameof(values));
        if (jacobian is null) _function.Evaluate(x, values);
        else AutoDiff.Jacobian(_function, x, values, jacobian);
    }
}

/// <summary>
/// A constrained problem: minimise f(x) subject to cᵢ(x) = 0, hᵢ(x) ≤ 0 and l ≤ x ≤ u (each part optional but the objective).
/// </summary>
public sealed class ConstrainedProblem
{
    /// <summary>Assembles a problem.</summary>
    /// <exception cref="ArgumentException">The parts' dimensions differ.</exception>
    public ConstrainedProblem(IGradientObjective objective, IConstraintSet? constraints = null, BoxBounds? bounds = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        if (constraints is not null && constraints.Dimension != objective.Dimension)
            throw new ArgumentException($"The constraints have dimension {constraints.Dimension} but the objective {objective.Dimension}.", nameof(constraints));
        bounds?.RequireLength(objective.Dimension);
        Objective = objective;
        Constraints = constraints;
        Bounds = bounds;
    }

    /// <summary>Parses constraint texts against the variables of an expression objective (see <see cref="ExpressionConstraints"/>).</summary>
    public static ConstrainedProblem FromExpressions(string objective, IReadOnlyList<string> constraints, BoxBounds? bounds = null, IReadOnlyList<string>? variableNames = null)
    {
        var f = ExpressionObjective.Create(objective, variableNames);
        return new ConstrainedProblem(f, constraints.Count == 0 ? null : ExpressionConstraints.Parse(constraints, f.VariableNames), bounds);
    }

    /// <summary>The objective f.</summary>
    public IGradientObjective Objective { get; }

    /// <summary>The general constraints, or null.</summary>
    public IConstraintSet? Constraints { get; }

    /// <summary>The box, or null.</summary>
    public BoxBounds? Bounds { get; }

    /// <summary>Number of variables n.</summary>
    public int Dimension => Objective.Dimension;

    /// <summary>Number of general constraints m.</summary>
    public int ConstraintCount => Constraints?.Count ?? 0;
}
