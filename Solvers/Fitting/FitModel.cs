using System.Globalization;
using Optima.Problems;
using Optima.Problems.Expressions;

namespace Optima.Solvers.Fitting;

/// <summary>
/// A fit's model as a user writes it, parsed once: an expression over data variables and parameters
/// (<c>b1*(1-exp(-b2*x))</c>), or a sum of built-in models (<c>gaussian+linear</c>, see <see cref="BuiltInModels"/>)
/// whose start values are guessed from the data. It names the model's variables for given data columns, its
/// parameters and its start values; <see cref="CurveFit.Fit(FitModel, IReadOnlyList{string}, IReadOnlyList{double[]}, double[], IReadOnlyDictionary{string, double}, FitOptions?)"/>
/// fits it without parsing it again.
/// </summary>
/// <remarks>
/// Messages of the exceptions start with the <c>label</c> argument the methods take (default "model" or "start"), so a
/// caller can name where the text came from (the CLI passes its option names).
/// </remarks>
public sealed class FitModel
{
    private FitModel(string text, Expression expression, CompositeModel? builtIn)
    {
        Text = text;
        Expression = expression;
        BuiltIn = builtIn;
    }

    /// <summary>The text as given.</summary>
    public string Text { get; }

    /// <summary>The parsed model (a built-in sum expanded to its expression in <c>x</c>).</summary>
    public Expression Expression { get; }

    /// <summary>The built-in models the text names, or null for an expression.</summary>
    public CompositeModel? BuiltIn { get; }

    /// <summary>Parses a model: a sum of built-in model names when every term is one, else an expression.</summary>
    /// <param name="text">The model text.</param>
    /// <param name="label">Prefix of the error message (e.g. the option the text came from).</param>
    /// <exception cref="ArgumentException">The expression does not parse (its inner <see cref="ExpressionParseException"/> has the column).</exception>
    public static FitModel Parse(string text, string label = "model")
    {
        ArgumentNullException.ThrowIfNull(text);
        var builtIn = BuiltInModels.IsModelSum(text) ? BuiltInModels.Parse(text) : null;
        try
        {
            return new FitModel(text, Expression.Parse(builtIn?.Expression ?? text), builtIn);
        }
        catch (ExpressionParseException e)
        {
            throw new ArgumentException($"{label}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The model's names for data columns called <paramref name="columns"/>: each column's own name, except that a
    /// single column is <c>x</c> in the model unless the model uses the column's name.
    /// </summary>
    /// <exception cref="ArgumentException">A column's name cannot appear in a model (not an identifier).</exception>
    public string[] Variables(IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var identifiers = Expression.Identifiers;
        string[] variables = [.. columns];
        if (variables.Length == 1 && !identifiers.Contains(variables[0]) && identifiers.Contains("x")) variables[0] = "x";
        foreach (var v in variables)
            if (!IsIdentifier(v))
                throw new ArgumentException($"The x column '{v}' is not a valid name in a model; rename it, or fit a single x column (then it is 'x').");
        return variables;
    }

    /// <summary>The parameters: the model's identifiers that are not <paramref name="variables"/>, in order of first appearance.</summary>
    /// <exception cref="ArgumentException">Every identifier is a variable (the message starts with <paramref name="label"/>).</exception>
    public string[] Parameters(IReadOnlyList<string> variables, string label = "model")
    {
        ArgumentNullException.ThrowIfNull(variables);
        string[] parameters = [.. Expression.Identifiers.Where(n => !variables.Contains(n, StringComparer.Ordinal))];
        if (parameters.Length == 0)
            throw new ArgumentException($"{label}: '{Text}' has no parameters to fit (every identifier in it is a data column: {string.Join(", ", variables)}).");
        return parameters;
    }

    /// <summary>
    /// Start values of every parameter by name: <paramref name="given"/>, and for a built-in model its guesses from the
    /// data (one variable) for the parameters not given. Values for unknown names or for variables are refused.
    /// </summary>
    /// <param name="variables">The model's variables (see <see cref="Variables"/>).</param>
    /// <param name="columns">The data of each variable.</param>
    /// <param name="y">The observations.</param>
    /// <param name="given">Start values by name (null: none).</param>
    /// <param name="label">Prefix of the error messages (e.g. the option the values came from).</param>
    /// <exception cref="ArgumentException">A name that is not a parameter, a parameter without a value (expression models), or a built-in model given several variables.</exception>
    public Dictionary<string, double> Start(IReadOnlyList<string> variables, IReadOnlyList<double[]> columns, double[] y,
        IReadOnlyDictionary<string, double>? given, string label = "start")
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(y);
        var parameters = Parameters(variables);
        var start = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in given ?? new Dictionary<string, double>())
        {
            if (!parameters.Contains(name, StringComparer.Ordinal))
                throw new ArgumentException(variables.Contains(name, StringComparer.Ordinal)
                    ? $"{label}: '{name}' is a data column, not a parameter."
                    : $"{label}: unknown parameter '{name}'; the model '{Text}' has parameters {string.Join(", ", parameters)}.");
            start[name] = value;
        }
        if (BuiltIn is not null)
        {
            if (columns.Count != 1) throw new ArgumentException("Built-in models have one variable x; give a single x column.");
            foreach (var (name, value) in BuiltIn.Guess(columns[0], y)) start.TryAdd(name, value); // the given values win
        }
        var missing = parameters.Where(p => !start.ContainsKey(p)).ToArray();
        if (missing.Length > 0)
            throw new ArgumentException($"{label}: no start value for {string.Join(", ", missing)} (the model '{Text}' has parameters {string.Join(", ", parameters)}).");
        return start;
    }

    /// <summary>"b1=500,b2=1e-4" → values by name (each name once, each value a finite number).</summary>
    /// <param name="text">Comma-separated name=value pairs.</param>
    /// <param name="label">Prefix of the error messages.</param>
    /// <exception cref="ArgumentException">A pair that is not name=value, a value that is not a finite number, a name given twice, or no pair.</exception>
    public static Dictionary<string, double> ParseAssignments(string text, string label = "values")
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"{label}: '{part}' is not name=value.");
            string name = part[..eq].Trim();
            if (!double.TryParse(part[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
                throw new ArgumentException($"{label}: the value of {name}, '{part[(eq + 1)..]}', is not a finite number.");
            if (!result.TryAdd(name, value)) throw new ArgumentException($"{label}: {name} is given twice.");
        }
        if (result.Count == 0) throw new ArgumentException($"{label} is empty.");
        return result;
    }

    /// <summary>"b2=0:1,b1=-inf:10,b3=0:" → bounds by name (the syntax of <see cref="ParameterBounds.ParseNamed"/>: an empty end is unbounded; inf, -inf, Infinity accepted).</summary>
    /// <param name="text">Comma-separated name=lo:hi entries.</param>
    /// <param name="label">Prefix of the error messages.</param>
    /// <exception cref="ArgumentException">An entry that is not name=lo:hi, an end that is not a number, empty bounds (lo &gt; hi), or a name given twice.</exception>
    public static Dictionary<string, ParameterBounds> ParseBounds(string text, string label = "bounds")
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            return ParameterBounds.ParseNamed(text).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{label}: {e.Message}", e);
        }
    }

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}

public static partial class CurveFit
{
    /// <summary>Fits a parsed <see cref="FitModel"/> (one data column per variable) with starts by name; the model is not parsed again.</summary>
    /// <param name="model">The model.</param>
    /// <param name="variables">The model's variables (see <see cref="FitModel.Variables"/>).</param>
    /// <param name="columns">The data of each variable.</param>
    /// <param name="y">The observations.</param>
    /// <param name="start">A start value for every parameter, by name (see <see cref="FitModel.Start"/>).</param>
    /// <param name="options">Options (weights, bounds, method …); null for the defaults.</param>
    /// <exception cref="ArgumentException">A start value for a name that is not a parameter, or a parameter without one; and as the other overloads.</exception>
    public static FitResult Fit(FitModel model, IReadOnlyList<string> variables, IReadOnlyList<double[]> columns, double[] y,
        IReadOnlyDictionary<string, double> start, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(start);
        var parameters = model.Parameters(variables);
        foreach (var name in start.Keys)
            if (!parameters.Contains(name, StringComparer.Ordinal))
                throw new ArgumentException($"'{name}' is not a parameter of the model '{model.Text}' (its parameters: {string.Join(", ", parameters)}).", nameof(start));
        var missing = parameters.Where(p => !start.ContainsKey(p)).ToArray();
        if (missing.Length > 0)
            throw new ArgumentException($"No start value for {string.Join(", ", missing)} (the model '{model.Text}' has parameters {string.Join(", ", parameters)}).", nameof(start));
        return Fit(model.Expression, variables, columns, y, parameters, [.. parameters.Select(p => start[p])], options);
    }
}
