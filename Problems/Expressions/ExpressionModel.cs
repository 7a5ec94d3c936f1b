using Optima.LinearAlgebra;

namespace Optima.Problems.Expressions;

/// <summary>
/// Curve fitting as least squares: data (xᵢ, yᵢ) and a model expression f(x; p) such as <c>b1*(1-exp(-b2*x))</c>,
/// with residuals rᵢ(p) = wᵢ·(f(xᵢ; p) − yᵢ) and their exact Jacobian Jᵢₖ = wᵢ·∂f/∂pₖ(xᵢ; p), compiled to IL: an
/// <see cref="ILeastSquaresProblem"/> any least-squares method can run. (<c>CurveFit</c> and <c>optima fit</c> use the
/// fitting layer's own evaluator, which adds bounds, robust losses, fixed parameters and threads.)
/// </summary>
/// <remarks>
/// <para><b>Sign.</b> Residuals are model minus data, so the Jacobian is the model's (weighted) derivative with no
/// minus sign; the sum of squares Σ rᵢ² is the same either way.</para>
/// <para><b>Weights.</b> wᵢ multiplies the residual, so the fit minimises Σ wᵢ²(f − yᵢ)². For measurement standard
/// deviations σᵢ use wᵢ = 1/σᵢ (<see cref="WeightsFromSigma"/>): then Σ rᵢ² is χ². For statistical weights Wᵢ of
/// Σ Wᵢ(f − yᵢ)² (the NIST and gnuplot sense of "weight") use wᵢ = √Wᵢ (<see cref="WeightsFromStatisticalWeights"/>).
/// A weight of 0 removes a point. No weights means wᵢ = 1.</para>
/// <para><b>Variables.</b> A point may have several named variables (columns), e.g. <c>x1</c> and <c>x2</c> of NIST
/// Nelson; every other identifier of the model is a parameter. The data are copied at creation.</para>
/// <para>Evaluation allocates nothing and is safe to call from several threads at once.</para>
/// </remarks>
public sealed class ExpressionModel : ILeastSquaresProblem
{
    private readonly double[] _rows;     // point-major: the variables of point i at [i·v, (i+1)·v)
    private readonly double[] _y;
    private readonly double[]? _weights;
    private readonly int _v;

    private ExpressionModel(Expression model, string[] variables, double[] rows, double[] y, double[]? weights, IReadOnlyList<string> parameters)
    {
        Model = model;
        Compiled = model.Compile(variables, parameters);
        _rows = rows;
        _y = y;
        _weights = weights;
        _v = variables.Length;
    }

    /// <summary>
    /// A model of one variable (named <paramref name="variable"/>, default <c>x</c>) fitted to points (x[i], y[i]).
    /// </summary>
    /// <param name="model">The model text, e.g. <c>b1*(1-exp(-b2*x))</c>.</param>
    /// <param name="x">The variable's value at each point.</param>
    /// <param name="y">The observations.</param>
    /// <param name="weights">Optional residual weights wᵢ (see the remarks: 1/σᵢ or √Wᵢ), finite and ≥ 0.</param>
    /// <param name="variable">The name of the variable in the model.</param>
    /// <param name="parameters">The parameter order; default: the model's other identifiers in order of first appearance.</param>
    /// <exception cref="ExpressionParseException">The model does not parse.</exception>
    /// <exception cref="ArgumentException">Lengths differ, data are not finite (the message names the index), a weight is negative, or names are unknown.</exception>
    public static ExpressionModel Create(string model, double[] x, double[] y, double[]? weights = null, string variable = "x",
        IReadOnlyList<string>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Create(Expression.Parse(model), [variable], [x], y, weights, parameters);
    }

    /// <summary>A model of several variables, one data column per variable.</summary>
    /// <param name="model">The model, e.g. parsed from <c>b1 - b2*x1*exp(-b3*x2)</c>.</param>
    /// <param name="variables">The variable names, e.g. <c>["x1", "x2"]</c> (they need not all occur in the model).</param>
    /// <param name="columns">One column per variable, each of the length of <paramref name="y"/>.</param>
    /// <param name="y">The observations.</param>
    /// <param name="weights">Optional residual weights wᵢ (1/σᵢ or √Wᵢ), finite and ≥ 0.</param>
    /// <param name="parameters">The parameter order; default: the model's identifiers that are not variables, in order of first appearance.</param>
    public static ExpressionModel Create(Expression model, IReadOnlyList<string> variables, IReadOnlyList<double[]> columns, double[] y,
        double[]? weights = null, IReadOnlyList<string>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(y);
        string[] names = [.. variables];
        if (columns.Count != names.Length)
            throw new ArgumentException($"{names.Length} variable name(s) but {columns.Count} data column(s).", nameof(columns));
        int m = y.Length;
        if (m == 0) throw new ArgumentException("There are no data points.", nameof(y));
        RequireFinite(y, "y");
        var rows = new double[m * names.Length];
        for (int c = 0; c < names.Length; c++)
        {
            var column = columns[c] ?? throw new ArgumentNullException(nameof(columns), $"The column for '{names[c]}' is null.");
            if (column.Length != m)
                throw new ArgumentException($"The column for '{names[c]}' has {column.Length} values but y has {m}.", nameof(columns));
            RequireFinite(column, names[c]);
            for (int i = 0; i < m; i++) rows[i * names.Length + c] = column[i];
        }
        double[]? w = null;
        if (weights is not null)
        {
            if (weights.Length != m)
                throw new ArgumentException($"There are {weights.Length} weights but {m} points.", nameof(weights));
            for (int i = 0; i < m; i++)
                if (!(weights[i] >= 0) || double.IsInfinity(weights[i]))
                    throw new ArgumentException($"weights[{i}] = {weights[i]}: weights must be finite and ≥ 0.", nameof(weights));
            w = (double[])weights.Clone();
        }
        var parameterNames = parameters ?? model.Identifiers.Where(n => !names.Contains(n, StringComparer.Ordinal)).ToArray();
        if (parameterNames.Count == 0)
            throw new ArgumentException($"The model '{model}' has no parameters (its identifiers are all variables: {string.Join(", ", names)}).", nameof(model));
        return new ExpressionModel(model, names, rows, (double[])y.Clone(), w, parameterNames);
    }

    /// <summary>Residual weights wᵢ = 1/σᵢ from standard deviations (each finite and &gt; 0).</summary>
    public static double[] WeightsFromSigma(ReadOnlySpan<double> sigma)
    {
        var w = new double[sigma.Length];
        for (int i = 0; i < w.Length; i++)
        {
            if (!(sigma[i] > 0) || double.IsInfinity(sigma[i]))
                throw new ArgumentException($"sigma[{i}] = {sigma[i]}: standard deviations must be finite and > 0.", nameof(sigma));
            w[i] = 1 / sigma[i];
        }
        return w;
    }

    /// <summary>Residual weights wᵢ = √Wᵢ from statistical weights Wᵢ of Σ Wᵢ(f − yᵢ)² (each finite and ≥ 0).</summary>
    public static double[] WeightsFromStatisticalWeights(ReadOnlySpan<double> weights)
    {
        var w = new double[weights.Length];
        for (int i = 0; i < w.Length; i++)
        {
            if (!(weights[i] >= 0) || double.IsInfinity(weights[i]))
                throw new ArgumentException($"weights[{i}] = {weights[i]}: weights must be finite and ≥ 0.", nameof(weights));
            w[i] = Math.Sqrt(weights[i]);
        }
        return w;
    }

    private static void RequireFinite(double[] data, string name)
    {
        for (int i = 0; i < data.Length; i++)
            if (!double.IsFinite(data[i]))
                throw new ArgumentException($"{name}[{i}] = {data[i]} (point {i + 1}): data must be finite.", name == "y" ? "y" : "columns");
    }

    /// <summary>The model expression.</summary>
    public Expression Model { get; }

    /// <summary>The compiled model (variables and parameters in this problem's order).</summary>
    public CompiledExpression Compiled { get; }

    /// <summary>The variable names (the columns of a point).</summary>
    public IReadOnlyList<string> VariableNames => Compiled.Variables;

    /// <summary>The parameter names, in the order of the parameter vector and the Jacobian's columns.</summary>
    public IReadOnlyList<string> ParameterNames => Compiled.Parameters;

    /// <summary>Number of data points m.</summary>
    public int Points => _y.Length;

    /// <summary>The observations y (a copy).</summary>
    public double[] Y => (double[])_y.Clone();

    /// <summary>The residual weights wᵢ (a copy), or null when unweighted.</summary>
    public double[]? Weights => (double[]?)_weights?.Clone();

    /// <inheritdoc/>
    public int Parameters => Compiled.Parameters.Count;

    /// <inheritdoc/>
    public int Residuals => _y.Length;

    /// <summary>The variables of point <paramref name="index"/>, in the order of <see cref="VariableNames"/>.</summary>
    public ReadOnlySpan<double> PointVariables(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Points);
        return _rows.AsSpan(index * _v, _v);
    }

    /// <summary>The index of parameter <paramref name="name"/>, or −1.</summary>
    public int ParameterIndex(string name) => Array.IndexOf([.. Compiled.Parameters], name);

    /// <summary>Writes the model values f(xᵢ; p) at the data points into <paramref name="values"/> (length <see cref="Points"/>).</summary>
    public void Predict(ReadOnlySpan<double> parameters, Span<double> values)
    {
        Guard.Length(parameters.Length, Parameters, nameof(parameters));
        Guard.Length(values.Length, Points, nameof(values));
        var f = Compiled.Function;
        for (int i = 0; i < values.Length; i++) values[i] = f(_rows.AsSpan(i * _v, _v), parameters);
    }

    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> parameters, Span<double> residuals, DenseMatrix? jacobian)
    {
        int m = Points, p = Parameters;
        Guard.Length(parameters.Length, p, nameof(parameters));
        Guard.Length(residuals.Length, m, nameof(residuals));
        if (jacobian is null)
        {
            var f = Compiled.Function;
            for (int i = 0; i < m; i++)
            {
                double r = f(_rows.AsSpan(i * _v, _v), parameters) - _y[i];
                residuals[i] = _weights is null ? r : _weights[i] * r;
            }
            return;
        }
        if (jacobian.Rows != m || jacobian.Columns != p)
            throw new ArgumentException($"The Jacobian must be {m}×{p} but is {jacobian.Rows}×{jacobian.Columns}.", nameof(jacobian));
        var fg = Compiled.GradientFunction;
        Span<double> g = p <= 128 ? stackalloc double[p] : new double[p];
        var data = jacobian.AsSpan(); // column-major: J[i, k] at k·m + i
        for (int i = 0; i < m; i++)
        {
            double r = fg(_rows.AsSpan(i * _v, _v), parameters, g) - _y[i];
            double w = _weights is null ? 1.0 : _weights[i];
            residuals[i] = w * r;
            for (int k = 0; k < p; k++) data[k * m + i] = w * g[k];
        }
    }
}
