using Optima.LinearAlgebra;
using Optima.Problems.Expressions;

namespace Optima.Solvers.Fitting;

/// <summary>One data set of a global fit: its model expression in <paramref name="Variable"/>, its data and optional σ.</summary>
/// <param name="Model">The model, e.g. <c>a1*exp(-k*x) + c1</c>; a parameter name used in several data sets' models is one shared parameter.</param>
/// <param name="X">The variable at each point.</param>
/// <param name="Y">The observations.</param>
/// <param name="Sigma">Standard deviations of the observations (all data sets give σ, or none does).</param>
/// <param name="Variable">The model's variable name (default x).</param>
public sealed record FitDataSet(string Model, double[] X, double[] Y, double[]? Sigma = null, string Variable = "x");

// Global fits: several data sets, each with its own model, sharing the parameters their models have in common.
public static partial class CurveFit
{
    /// <summary>The name of the data-set index, the first variable of a global fit's points.</summary>
    public const string DataSetVariable = "dataset";

    /// <summary>
    /// Fits several data sets at once, each with its own model, in one least-squares problem whose parameters are the
    /// union of the models' parameters: a name that appears in several models is one shared parameter (the decay rate of
    /// kinetic traces at several concentrations, the line width of peaks in several spectra), every other name belongs to
    /// its data set alone. χ² is the sum over all data sets, so the shared parameters are estimated from all of them and
    /// their standard errors and covariances with the per-set parameters come out of the one fit.
    /// </summary>
    /// <remarks>
    /// The result's points are the data sets' points in order, and its model variables are (<see cref="DataSetVariable"/>,
    /// x): <c>fit.Predict([set, x])</c> and <c>fit.Bands([setColumn, xColumn])</c> evaluate data set <c>set</c>'s
    /// model (0-based). Its <see cref="FitResult.Model"/> lists the models separated by " | ".
    /// </remarks>
    /// <param name="sets">The data sets (at least one).</param>
    /// <param name="start">A start value for every parameter of every model, by name.</param>
    /// <param name="options">Options; σ comes from the data sets, so <see cref="FitOptions.Sigma"/> and <see cref="FitOptions.Weights"/> must be null.</param>
    /// <exception cref="ArgumentException">No data sets, a model that does not parse, mismatched lengths, σ in some data sets
    /// only, σ or weights in the options, or start values missing or unknown (the message names the data set or parameter).</exception>
    public static FitResult FitGlobal(IReadOnlyList<FitDataSet> sets, IReadOnlyDictionary<string, double> start, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sets);
        ArgumentNullException.ThrowIfNull(start);
        if (sets.Count == 0) throw new ArgumentException("A global fit needs at least one data set.", nameof(sets));
        options ??= new FitOptions();
        if (options.Sigma is not null || options.Weights is not null)
            throw new ArgumentException("In a global fit σ is given per data set (FitDataSet.Sigma), not in the options.", nameof(options));
        bool weighted = sets[0]?.Sigma is not null;
        var expressions = new Expression[sets.Count];
        var names = new List<string>();
        int m = 0;
        for (int s = 0; s < sets.Count; s++)
        {
            var set = sets[s] ?? throw new ArgumentException($"Data set {s} is null.", nameof(sets));
            ArgumentNullException.ThrowIfNull(set.X, $"sets[{s}].X");
            ArgumentNullException.ThrowIfNull(set.Y, $"sets[{s}].Y");
            if (set.X.Length != set.Y.Length) throw new ArgumentException($"Data set {s} has {set.X.Length} x values but {set.Y.Length} y values.", nameof(sets));
            if ((set.Sigma is not null) != weighted)
                throw new ArgumentException($"Data set {s} {(weighted ? "has no σ" : "has σ")} but data set 0 {(weighted ? "has" : "has none")}: give σ for every data set or for none.", nameof(sets));
            if (set.Sigma is { } sg && sg.Length != set.Y.Length) throw new ArgumentException($"Data set {s} has {sg.Length} σ values but {set.Y.Length} points.", nameof(sets));
            if (set.Variable == DataSetVariable) throw new ArgumentException($"Data set {s}: '{DataSetVariable}' is reserved for the data-set index; name the variable otherwise.", nameof(sets));
            try
            {
                expressions[s] = Expression.Parse(set.Model);
            }
            catch (FormatException e)
            {
                throw new ArgumentException($"Data set {s}: {e.Message}", nameof(sets), e);
            }
            if (expressions[s].DependsOn(DataSetVariable)) throw new ArgumentException($"Data set {s}: '{DataSetVariable}' is reserved for the data-set index.", nameof(sets));
            foreach (var name in expressions[s].Identifiers)
                if (name != set.Variable && !names.Contains(name, StringComparer.Ordinal)) names.Add(name);
            m += set.Y.Length;
        }
        if (names.Count == 0) throw new ArgumentException("The models have no parameters.", nameof(sets));
        foreach (var name in start.Keys)
            if (!names.Contains(name, StringComparer.Ordinal))
                throw new ArgumentException($"Unknown parameter '{name}' in the start values: the models have parameters {string.Join(", ", names)}.", nameof(start));
        var missing = names.Where(n => !start.ContainsKey(n)).ToArray();
        if (missing.Length > 0) throw new ArgumentException($"No start value for {string.Join(", ", missing)}.", nameof(start));

        // Points as rows (data-set index, x), the data sets one after another; every model is compiled against all the
        // parameters, so its Jacobian has zero columns for the parameters it does not use.
        var rows = new double[2 * m];
        var y = new double[m];
        var sigma = weighted ? new double[m] : null;
        var evaluators = new ExpressionEvaluator[sets.Count];
        for (int s = 0, i = 0; s < sets.Count; s++)
        {
            var set = sets[s];
            evaluators[s] = new ExpressionEvaluator(Compiled(expressions[s], [DataSetVariable, set.Variable], names));
            for (int j = 0; j < set.Y.Length; j++, i++)
            {
                rows[2 * i] = s;
                rows[2 * i + 1] = set.X[j];
                y[i] = set.Y[j];
                if (sigma is not null) sigma[i] = set.Sigma![j];
            }
        }
        string modelText = string.Join(" | ", expressions.Select(e => e.ToString()));
        return Run(new GlobalEvaluator(evaluators), modelText, [.. names], rows, 2, y, [.. names.Select(n => start[n])],
            options with { Sigma = sigma });
    }
}

/// <summary>
/// A global fit's model: rows are (data-set index, x) and each data set's points are evaluated by its own compiled
/// expression. Runs of consecutive points of one data set go to that set's evaluator in one call, so the fast paths
/// (block programs for large fits) and the parallel split of the rows stay as for a single model.
/// </summary>
internal sealed class GlobalEvaluator(ExpressionEvaluator[] sets) : ModelEvaluator
{
    public override string Description => $"{sets.Length} expressions, one per data set (exact symbolic Jacobians, compiled)";

    public override bool IsThreadSafe => true;

    public override double Value(ReadOnlySpan<double> x, ReadOnlySpan<double> p) => sets[Set(x[0])].Value(x, p);

    public override void EvaluateRange(ReadOnlySpan<double> rows, int v, ReadOnlySpan<double> p, Span<double> f, DenseMatrix? jacobian,
        int first, int count)
    {
        for (int i = first, end = first + count; i < end;)
        {
            int s = Set(rows[i * v]), run = RunLength(rows, v, i, end);
            sets[s].EvaluateRange(rows, v, p, f, jacobian, i, run);
            i += run;
        }
    }

    public override void EvaluateScaledRange(ReadOnlySpan<double> rows, int v, ReadOnlySpan<double> p, Span<double> f, DenseMatrix jacobian,
        ReadOnlySpan<double> rowWeights, ReadOnlySpan<double> columnScales, int first, int count)
    {
        for (int i = first, end = first + count; i < end;)
        {
            int s = Set(rows[i * v]), run = RunLength(rows, v, i, end);
            sets[s].EvaluateScaledRange(rows, v, p, f, jacobian, rowWeights, columnScales, i, run);
            i += run;
        }
    }

    /// <summary>Each data set's residuals in double-double, from its own model (the polish asks a few times per fit).</summary>
    public override bool ExtendedResiduals(double[] rows, int v, double[] p, double[] y, double[] residuals)
    {
        var own = new double[y.Length];
        for (int s = 0; s < sets.Length; s++)
        {
            if (!sets[s].ExtendedResiduals(rows, v, p, y, own)) return false;
            for (int i = 0; i < y.Length; i++) if (Set(rows[i * v]) == s) residuals[i] = own[i];
        }
        return true;
    }

    /// <summary>Σᵢ cᵢ∇²f(xᵢ) as the sum over data sets of their own models' sums over their points.</summary>
    public override bool WeightedHessianSum(double[] rows, int v, double[] p, ReadOnlySpan<double> coefficients, Span<double> hessian)
    {
        var mine = new double[coefficients.Length];
        var part = new double[hessian.Length];
        hessian.Clear();
        for (int s = 0; s < sets.Length; s++)
        {
            for (int i = 0; i < mine.Length; i++) mine[i] = Set(rows[i * v]) == s ? coefficients[i] : 0;
            if (!sets[s].WeightedHessianSum(rows, v, p, mine, part)) return false;
            for (int k = 0; k < hessian.Length; k++) hessian[k] += part[k];
        }
        return true;
    }

    private int Set(double index)
    {
        int s = (int)index;
        if (s != index || (uint)s >= (uint)sets.Length)
            throw new ArgumentException($"The data-set index {index} is not one of 0 … {sets.Length - 1}.");
        return s;
    }

    private static int RunLength(ReadOnlySpan<double> rows, int v, int i, int end)
    {
        double s = rows[i * v];
        int j = i + 1;
        while (j < end && rows[j * v] == s) j++;
        return j - i;
    }
}

/// <summary>
/// A global-fit model written once for every group of a data table: <c>a{g}*exp(-k*x) + c{g}</c> gives each group its
/// own a and c (a1, c1 for group 1 …) and one shared k, as <c>optima fit --group COL</c> takes it.
/// </summary>
public sealed class GroupedModel
{
    /// <summary>The placeholder a parameter name carries to be one parameter per group.</summary>
    public const string Placeholder = "{g}";

    private const string Marker = "__group__";

    private GroupedModel(string template, string[] perGroup, string[] shared)
    {
        Template = template;
        PerGroup = perGroup;
        Shared = shared;
    }

    /// <summary>The model as written.</summary>
    public string Template { get; }

    /// <summary>The base names of the per-group parameters ("a" for a{g}).</summary>
    public IReadOnlyList<string> PerGroup { get; }

    /// <summary>The shared parameters (names without the placeholder, other than the variable).</summary>
    public IReadOnlyList<string> Shared { get; }

    /// <summary>Parses a template and checks that it has a placeholder and parses as an expression.</summary>
    /// <exception cref="ArgumentException">No placeholder, or a template that does not parse.</exception>
    public static GroupedModel Parse(string template, string variable = "x")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(template);
        if (!template.Contains(Placeholder, StringComparison.Ordinal))
            throw new ArgumentException($"A grouped model marks its per-group parameters with {Placeholder}, e.g. a{Placeholder}*exp(-k*x) + c{Placeholder}; '{template}' has none.", nameof(template));
        Expression expression;
        try
        {
            expression = Expression.Parse(template.Replace(Placeholder, Marker, StringComparison.Ordinal));
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"The model '{template}' does not parse: {e.Message.Replace(Marker, Placeholder, StringComparison.Ordinal)}", nameof(template), e);
        }
        var names = expression.Identifiers.Where(n => n != variable).ToArray();
        return new GroupedModel(template,
            [.. names.Where(n => n.Contains(Marker, StringComparison.Ordinal)).Select(n => n.Replace(Marker, "", StringComparison.Ordinal))],
            [.. names.Where(n => !n.Contains(Marker, StringComparison.Ordinal))]);
    }

    /// <summary>The suffix a group's label gives its parameters: the label with characters other than letters, digits and _ as _.</summary>
    public static string Suffix(string label) =>
        new([.. label.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_')]);

    /// <summary>
    /// The data sets of a global fit, one per group, in the order given, and the start of every parameter: a per-group
    /// parameter takes the start given for its own name (a2) or else for its base name (a); a shared one its own.
    /// </summary>
    /// <exception cref="ArgumentException">Two labels with the same suffix, or a missing start value.</exception>
    public (FitDataSet[] Sets, Dictionary<string, double> Start) Expand(IReadOnlyList<(string Label, double[] X, double[] Y, double[]? Sigma)> groups,
        IReadOnlyDictionary<string, double> start, string variable = "x")
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(start);
        var suffixes = groups.Select(g => Suffix(g.Label)).ToArray();
        var clash = suffixes.GroupBy(s => s).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null) throw new ArgumentException($"Two groups give their parameters the same suffix '{clash.Key}'; relabel them.", nameof(groups));
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var name in Shared)
            values[name] = start.TryGetValue(name, out double v) ? v : throw new ArgumentException($"No start value for the shared parameter {name}.", nameof(start));
        var sets = new FitDataSet[groups.Count];
        for (int i = 0; i < groups.Count; i++)
        {
            foreach (var b in PerGroup)
            {
                string name = b + suffixes[i];
                values[name] = start.TryGetValue(name, out double own) ? own
                    : start.TryGetValue(b, out double common) ? common
                    : throw new ArgumentException($"No start value for {b}{Placeholder} (give {b}=… for every group, or {name}=… for group {groups[i].Label}).", nameof(start));
            }
            sets[i] = new FitDataSet(Template.Replace(Placeholder, suffixes[i], StringComparison.Ordinal), groups[i].X, groups[i].Y, groups[i].Sigma, variable);
        }
        foreach (var name in start.Keys)
            if (!values.ContainsKey(name) && !PerGroup.Contains(name, StringComparer.Ordinal))
                throw new ArgumentException($"Unknown parameter '{name}' in the start values: the shared parameters are {(Shared.Count == 0 ? "none" : string.Join(", ", Shared))} and the per-group ones {string.Join(", ", PerGroup.Select(b => b + Placeholder))}.", nameof(start));
        return (sets, values);
    }
}
