using System.Diagnostics;
using System.Globalization;
using Optima.Problems;
using Optima.Problems.Expressions;
using Optima.Solvers.LeastSquares;

namespace Optima.Solvers.Fitting;

/// <summary>
/// Curve fitting by nonlinear least squares: fit y ≈ f(x; p) to data, with the model given as an expression string
/// (exact symbolic Jacobian, compiled), a generic-math model (<see cref="IScalarFitModel"/>, <see cref="IFitModel"/>:
/// exact Jacobian by forward-mode autodiff), or a plain delegate (central differences, or a user gradient); returns a
/// <see cref="FitResult"/> with parameters, standard errors, covariance, confidence intervals and statistics.
/// </summary>
/// <example>
/// <code>
/// var fit = CurveFit.Fit("b1*(1-exp(-b2*x))", x, y, new Dictionary&lt;string, double&gt; { ["b1"] = 500, ["b2"] = 1e-4 });
/// Console.WriteLine(fit.FullReport());
/// </code>
/// </example>
/// <remarks>
/// The default method is Levenberg–Marquardt after MINPACK with tight tolerances (see <see cref="FitOptions"/>); with
/// those defaults every NIST StRD nonlinear-regression problem is solved from both starting points.
/// Misuse — mismatched lengths, non-finite data (the message names the point), σ ≤ 0, fewer points than free
/// parameters, unknown names, bounds with lo &gt; hi or a start outside them, a model that is not finite at the
/// start — throws <see cref="ArgumentException"/>; every way a run can end is data in the result.
/// </remarks>
public static partial class CurveFit
{
    // ------------------------------------------------------------------ expression models

    /// <summary>Fits an expression model of one variable (named <paramref name="variable"/>) with parameters and starts by name.</summary>
    /// <param name="model">The model, e.g. <c>b1*(1-exp(-b2*x))</c>; every identifier other than the variable is a parameter.</param>
    /// <param name="x">The variable at each point.</param>
    /// <param name="y">The observations.</param>
    /// <param name="start">A start value for every parameter of the model, by name.</param>
    /// <param name="options">Options (weights, bounds, method …); null for the defaults.</param>
    /// <param name="variable">The variable's name in the model. Default <c>x</c>.</param>
    /// <exception cref="ExpressionParseException">The model does not parse (the message points at the column).</exception>
    public static FitResult Fit(string model, double[] x, double[] y, IReadOnlyDictionary<string, double> start, FitOptions? options = null,
        string variable = "x")
    {
        ArgumentNullException.ThrowIfNull(x);
        return Fit(model, [variable], [x], y, start, options);
    }

    /// <summary>Fits an expression model of several variables (one data column per variable) with starts by name.</summary>
    public static FitResult Fit(string model, IReadOnlyList<string> variables, IReadOnlyList<double[]> columns, double[] y,
        IReadOnlyDictionary<string, double> start, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(variables);
        var expression = Expression.Parse(model);
        var parameters = ExpressionParameters(expression, variables);
        foreach (var name in start.Keys)
            if (!parameters.Contains(name, StringComparer.Ordinal))
                throw new ArgumentException(variables.Contains(name, StringComparer.Ordinal)
                    ? $"'{name}' is a variable of the data, not a parameter; it needs no start value."
                    : $"Unknown parameter '{name}' in the start values: the model '{model}' has parameters {string.Join(", ", parameters)}.");
        var missing = parameters.Where(p => !start.ContainsKey(p)).ToArray();
        if (missing.Length > 0)
            throw new ArgumentException($"No start value for {string.Join(", ", missing)} (the model '{model}' has parameters {string.Join(", ", parameters)}).");
        return Fit(expression, variables, columns, y, parameters, [.. parameters.Select(p => start[p])], options);
    }

    /// <summary>Fits an expression model of one variable; <paramref name="start"/> lists the parameters in order of first appearance in the model.</summary>
    public static FitResult Fit(string model, double[] x, double[] y, double[] start, FitOptions? options = null, string variable = "x")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(x);
        var expression = Expression.Parse(model);
        return Fit(expression, [variable], [x], y, ExpressionParameters(expression, [variable]), start, options);
    }

    /// <summary>The core expression fit: a parsed model, its variables and their columns, and the parameter order of <paramref name="start"/>.</summary>
    public static FitResult Fit(Expression model, IReadOnlyList<string> variables, IReadOnlyList<double[]> columns, double[] y,
        IReadOnlyList<string> parameters, double[] start, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var name in model.Identifiers)
            if (!variables.Contains(name, StringComparer.Ordinal) && !parameters.Contains(name, StringComparer.Ordinal))
                throw new ArgumentException($"The model uses '{name}', which is neither a variable ({string.Join(", ", variables)}) nor a parameter ({string.Join(", ", parameters)}).");
        var compiled = Compiled(model, variables, parameters);
        var rows = Rows(variables, columns, y);
        return Run(new ExpressionEvaluator(compiled), model.ToString(), [.. parameters], rows, variables.Count, y, start, options);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, CompiledExpression> s_compiled = new(StringComparer.Ordinal);

    /// <summary>
    /// The compiled model, from a small process-wide cache keyed by the model text and the variable and parameter
    /// order: emitting IL for a model and its gradient costs milliseconds, more than a typical fit.
    /// </summary>
    private static CompiledExpression Compiled(Expression model, IReadOnlyList<string> variables, IReadOnlyList<string> parameters)
    {
        string key = $"{model}\u0001{string.Join(",", variables)}\u0001{string.Join(",", parameters)}";
        if (s_compiled.TryGetValue(key, out var hit)) return hit;
        var compiled = model.Compile([.. variables], [.. parameters]);
        if (s_compiled.Count >= 256) s_compiled.Clear();
        s_compiled[key] = compiled;
        return compiled;
    }

    private static string[] ExpressionParameters(Expression expression, IReadOnlyList<string> variables)
    {
        var parameters = expression.Identifiers.Where(n => !variables.Contains(n, StringComparer.Ordinal)).ToArray();
        if (parameters.Length == 0)
            throw new ArgumentException($"The model '{expression}' has no parameters (its identifiers are all variables: {string.Join(", ", variables)}).");
        return parameters;
    }

    // ------------------------------------------------------------------ generic-math models

    /// <summary>Fits a generic-math model of one variable; its Jacobian is exact (forward-mode autodiff on dual numbers).</summary>
    /// <param name="model">The model (a struct gives the fastest code).</param>
    /// <param name="x">The variable at each point.</param>
    /// <param name="y">The observations.</param>
    /// <param name="start">The start, one value per parameter (names from <see cref="FitOptions.ParameterNames"/>, else p1, p2, …).</param>
    /// <param name="options">Options; null for the defaults.</param>
    public static FitResult Fit<TModel>(TModel model, double[] x, double[] y, double[] start, FitOptions? options = null)
        where TModel : IScalarFitModel
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(start);
        var rows = Rows(["x"], [x], y);
        return Run(new GenericEvaluator<ScalarModelAdapter<TModel>>(new(model)), typeof(TModel).Name, Names(options, start.Length), rows, 1, y, start, options);
    }

    /// <summary>Fits a generic-math model of several variables (one column per variable) with an exact autodiff Jacobian.</summary>
    public static FitResult Fit<TModel>(TModel model, IReadOnlyList<double[]> columns, double[] y, double[] start, FitOptions? options = null)
        where TModel : IFitModel
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(start);
        var rows = Rows(ColumnNames(columns.Count), columns, y);
        return Run(new GenericEvaluator<TModel>(model), typeof(TModel).Name, Names(options, start.Length), rows, columns.Count, y, start, options);
    }

    // ------------------------------------------------------------------ delegate models

    /// <summary>Fits a plain delegate model of one variable (x is passed as a span of length 1); the Jacobian comes from central differences.</summary>
    public static FitResult Fit(FitFunction model, double[] x, double[] y, double[] start, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Fit(model, [x], y, start, options);
    }

    /// <summary>Fits a plain delegate model of several variables; the Jacobian comes from central differences.</summary>
    public static FitResult Fit(FitFunction model, IReadOnlyList<double[]> columns, double[] y, double[] start, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(start);
        var rows = Rows(ColumnNames(columns.Count), columns, y);
        return Run(new DelegateEvaluator(model, null), "delegate", Names(options, start.Length), rows, columns.Count, y, start, options);
    }

    /// <summary>Fits a delegate model of one variable that supplies its own gradient ∂f/∂p (the user Jacobian).</summary>
    public static FitResult Fit(FitFunctionWithGradient model, double[] x, double[] y, double[] start, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Fit(model, [x], y, start, options);
    }

    /// <summary>Fits a delegate model of several variables that supplies its own gradient ∂f/∂p.</summary>
    public static FitResult Fit(FitFunctionWithGradient model, IReadOnlyList<double[]> columns, double[] y, double[] start, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(start);
        var rows = Rows(ColumnNames(columns.Count), columns, y);
        return Run(new DelegateEvaluator(null, model), "delegate", Names(options, start.Length), rows, columns.Count, y, start, options);
    }

    private static string[] ColumnNames(int count) => count == 1 ? ["x"] : [.. Enumerable.Range(1, count).Select(i => $"x{i}")];

    private static string[] Names(FitOptions? options, int count)
    {
        if (options?.ParameterNames is { } names)
        {
            if (names.Count != count)
                throw new ArgumentException($"{names.Count} parameter names but the start has {count} values.");
            return [.. names];
        }
        return [.. Enumerable.Range(1, count).Select(i => $"p{i}")];
    }

    /// <summary>Point-major rows from columns, with lengths and finiteness checked (errors name the point).</summary>
    private static double[] Rows(IReadOnlyList<string> names, IReadOnlyList<double[]> columns, double[] y)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(columns);
        int m = y.Length, v = columns.Count;
        if (v != names.Count) throw new ArgumentException($"{names.Count} variable name(s) but {v} data column(s).");
        if (v == 0) throw new ArgumentException("There are no data columns.");
        for (int c = 0; c < v; c++)
        {
            var column = columns[c] ?? throw new ArgumentNullException(nameof(columns), $"The column for '{names[c]}' is null.");
            if (column.Length != m)
                throw new ArgumentException($"The data have {column.Length} values of {names[c]} but {m} values of y.");
        }
        var rows = new double[m * v];
        for (int i = 0; i < m; i++)
        {
            for (int c = 0; c < v; c++)
            {
                double value = columns[c][i];
                if (!double.IsFinite(value))
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{names[c]} at point {i + 1} (index {i}) is {value}: data must be finite."));
                rows[i * v + c] = value;
            }
            if (!double.IsFinite(y[i]))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"y at point {i + 1} (index {i}) is {y[i]}: data must be finite."));
        }
        return rows;
    }

    // ------------------------------------------------------------------ the fit

    /// <summary>The thread limit of <see cref="RunOptions.Compute"/> (0 = all cores for the fit's internals), or when it is automatic all cores for thread-safe (expression) models and 1 for user code.</summary>
    internal static int ResolveThreads(FitOptions options, ModelEvaluator model) => options.Compute.Threads ?? (model.IsThreadSafe ? 0 : 1);

    internal static FitResult Run(ModelEvaluator model, string modelText, string[] names, double[] rows, int v, double[] y,
        double[] start, FitOptions? options)
    {
        var clock = Stopwatch.StartNew();
        options ??= new FitOptions();
        options.Validate();
        int m = y.Length, p = names.Length;
        if (m == 0) throw new ArgumentException("There are no data points.");
        if (start.Length != p) throw new ArgumentException($"The start has {start.Length} values but the model has {p} parameters ({string.Join(", ", names)}).");
        if (names.Distinct(StringComparer.Ordinal).Count() != p) throw new ArgumentException($"Parameter names must be distinct: {string.Join(", ", names)}.");
        for (int k = 0; k < p; k++)
            if (!double.IsFinite(start[k]))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The start value of {names[k]} is {start[k]}: it must be finite."));

        // Weights: residual weights w = 1/σ or √W; W = w² are the statistical weights.
        double[]? w = null;
        if (options.Sigma is { } sigma)
        {
            if (sigma.Length != m) throw new ArgumentException($"There are {sigma.Length} σ values but {m} points.");
            w = new double[m];
            for (int i = 0; i < m; i++)
            {
                if (!(sigma[i] > 0) || double.IsInfinity(sigma[i]))
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"σ at point {i + 1} (index {i}) is {sigma[i]}: standard deviations must be finite and > 0."));
                w[i] = 1 / sigma[i];
            }
        }
        else if (options.Weights is { } weights)
        {
            if (weights.Length != m) throw new ArgumentException($"There are {weights.Length} weights but {m} points.");
            w = new double[m];
            for (int i = 0; i < m; i++)
            {
                if (!(weights[i] >= 0) || double.IsInfinity(weights[i]))
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The weight at point {i + 1} (index {i}) is {weights[i]}: weights must be finite and ≥ 0."));
                w[i] = Math.Sqrt(weights[i]);
            }
        }
        int effective = w is null ? m : w.Count(x => x > 0);

        // Fixed parameters, bounds, scales.
        var isFixed = new bool[p];
        if (options.Fixed is { } fixedNames)
            foreach (var name in fixedNames) isFixed[Index(names, name, "--fix / Fixed")] = true;
        var bounds = Enumerable.Repeat(ParameterBounds.None, p).ToArray();
        if (options.Bounds is { } given)
            foreach (var (name, b) in given)
            {
                int k = Index(names, name, "bounds");
                b.Validate(name);
                if (!b.Contains(start[k]))
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The start {name} = {start[k]} lies outside its bounds {b}."));
                bounds[k] = b;
                if (b.Lower == b.Upper) isFixed[k] = true;
            }
        var scales = new double[p];
        for (int k = 0; k < p; k++)
        {
            // Default: the power of two nearest |start| (exact, so unbounded parameters are represented without rounding).
            scales[k] = start[k] != 0 ? Math.ScaleB(1.0, (int)Math.Round(Math.Log2(Math.Abs(start[k])))) : 1.0;
        }
        if (options.ParameterScales is { } userScales)
            foreach (var (name, s) in userScales) scales[Index(names, name, "parameter scales")] = s;

        int[] free = [.. Enumerable.Range(0, p).Where(k => !isFixed[k])];
        if (free.Length == 0) throw new ArgumentException("Every parameter is fixed: there is nothing to fit.");
        if (effective < free.Length)
            throw new ArgumentException($"There are {effective} data points (with nonzero weight) but {free.Length} free parameters: at least as many points as free parameters are needed.");
        var transforms = free.Select(k =>
        {
            var b = bounds[k];
            bool lo = double.IsFinite(b.Lower), hi = double.IsFinite(b.Upper);
            double s = options.ParameterScales is { } us && us.TryGetValue(names[k], out double given) ? given
                : lo && !hi ? OneSidedScale(start[k] - b.Lower, b.Lower) : !lo && hi ? OneSidedScale(b.Upper - start[k], b.Upper) : scales[k];
            return (lo, hi) switch
            {
                (true, true) => new ParameterTransform(TransformKind.Both, b.Lower, b.Upper, 1),
                (true, false) => new ParameterTransform(TransformKind.Lower, b.Lower, b.Upper, s),
                (false, true) => new ParameterTransform(TransformKind.Upper, b.Lower, b.Upper, s),
                _ => new ParameterTransform(TransformKind.Scaled, b.Lower, b.Upper, s),
            };
        }).ToArray();

        if (model is DelegateEvaluator differences) differences.Bounds = bounds;

        // The model must be finite at the start.
        var f0 = new double[m];
        try
        {
            model.Evaluate(rows, v, start, f0, null);
        }
        catch (IndexOutOfRangeException e)
        {
            throw new ArgumentException($"The model reads more parameters than the {p} start values ({string.Join(", ", names)}): give one start value per parameter.", e);
        }
        for (int i = 0; i < m; i++)
            if (!double.IsFinite(f0[i]))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"The model is {f0[i]} at point {i + 1} (x = {string.Join(", ", rows.AsSpan(i * v, v).ToArray())}) for the start values {string.Join(", ", names.Select((n, k) => $"{n} = {start[k]}"))}: it must be finite there."));

        int threads = ResolveThreads(options, model);
        var problem = new FitProblem(model, rows, v, y, w, start, free, transforms, options.Loss) { Threads = threads };
        var u0 = problem.ToInternal(start);
        var solverOptions = options;
        var solved = options.Method switch
        {
            FitMethod.GaussNewton => new GaussNewton().Minimize(problem, u0, solverOptions),
            FitMethod.Dogleg => new DoglegLeastSquares().Minimize(problem, u0, solverOptions),
            _ => new LevenbergMarquardt(Threads: threads > 0 ? threads : Environment.ProcessorCount).Minimize(problem, u0, solverOptions),
        };
        int methodIterations = solved.Iterations;
        if (solved.IsConverged || Statistics.IsStall(solved.Reason)) solved = Polish(problem, solved, options);
        var parameters = new double[p];
        problem.ToExternal(solved.Solution, parameters);
        var setup = new FitSetup(model, modelText, names, rows, v, y, w, start, isFixed, bounds, free, options, effective, problem);
        return Statistics.Compute(setup, parameters, solved, methodIterations, clock);
    }

    private static double OneSidedScale(double distance, double bound) =>
        distance > 0 ? distance : Math.Max(Math.Abs(bound), 1.0);

    private static int Index(string[] names, string name, string where)
    {
        int k = Array.IndexOf(names, name);
        if (k < 0) throw new ArgumentException($"Unknown parameter '{name}' in {where}: the parameters are {string.Join(", ", names)}.");
        return k;
    }
}
