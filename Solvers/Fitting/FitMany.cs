using Optima.Problems.Expressions;

namespace Optima.Solvers.Fitting;

// Many independent fits of one model (see FitMany).
public static partial class CurveFit
{
    /// <summary>
    /// Fits a generic-math model of one variable to every data set (x[i], y[i]) from start[i], in parallel across cores —
    /// the per-pixel or per-region case (e.g. 10⁵ Gaussian peaks of 50 points) — one result per data set, in input order.
    /// </summary>
    /// <remarks>
    /// Each fit has its own state, so the results are the same bits as fitting the data sets one by one. σ is given per
    /// data set; the shared options must not set <see cref="FitOptions.Sigma"/> or <see cref="FitOptions.Weights"/>.
    /// Misuse in any data set throws an <see cref="ArgumentException"/> naming the data set; a fit that does not converge
    /// (or is cancelled through the options' token) is data in its result.
    /// </remarks>
    /// <param name="model">The model (a struct gives the fastest code).</param>
    /// <param name="x">The x values of each data set.</param>
    /// <param name="y">The observations of each data set.</param>
    /// <param name="starts">The start of each data set (or a single start used for all).</param>
    /// <param name="sigma">Optional σ per data set.</param>
    /// <param name="options">Shared options (no Sigma/Weights); its cancellation token ends the remaining fits (reason Cancelled);
    /// its <see cref="RunOptions.Compute"/> limits the threads fitting data sets at once (automatic: all cores), and each fit
    /// runs on the thread that took it.</param>
    public static FitResult[] FitMany<TModel>(TModel model, IReadOnlyList<double[]> x, IReadOnlyList<double[]> y, IReadOnlyList<double[]> starts,
        IReadOnlyList<double[]>? sigma = null, FitOptions? options = null) where TModel : IScalarFitModel
    {
        ArgumentNullException.ThrowIfNull(model);
        var evaluator = new GenericEvaluator<ScalarModelAdapter<TModel>>(new(model));
        return RunMany(x, y, starts, sigma, options, (i, o) =>
        {
            var rows = Rows(["x"], [x[i]], y[i]);
            return Run(evaluator, typeof(TModel).Name, Names(o, Start(starts, i).Length), rows, 1, y[i], Start(starts, i), o);
        });
    }

    /// <summary>Fits an expression model of one variable to every data set in parallel; the model is parsed and compiled once (see the generic overload).</summary>
    /// <param name="model">The model text, e.g. <c>a*exp(-(x-c)^2/(2*s^2)) + b</c>.</param>
    /// <param name="x">The x values of each data set.</param>
    /// <param name="y">The observations of each data set.</param>
    /// <param name="starts">The start of each data set in the order of <paramref name="parameters"/> (or one start for all).</param>
    /// <param name="parameters">The parameter order; default: the model's identifiers other than <c>x</c>, in order of first appearance.</param>
    /// <param name="sigma">Optional σ per data set.</param>
    /// <param name="options">Shared options (no Sigma/Weights; threads from <see cref="RunOptions.Compute"/>).</param>
    public static FitResult[] FitMany(string model, IReadOnlyList<double[]> x, IReadOnlyList<double[]> y, IReadOnlyList<double[]> starts,
        IReadOnlyList<string>? parameters = null, IReadOnlyList<double[]>? sigma = null, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var expression = Expression.Parse(model);
        var names = parameters is null ? ExpressionParameters(expression, ["x"]) : [.. parameters];
        foreach (var id in expression.Identifiers)
            if (id != "x" && !names.Contains(id, StringComparer.Ordinal))
                throw new ArgumentException($"The model uses '{id}', which is neither the variable x nor a parameter ({string.Join(", ", names)}).");
        var evaluator = new ExpressionEvaluator(Compiled(expression, ["x"], names));
        string text = expression.ToString();
        return RunMany(x, y, starts, sigma, options, (i, o) =>
        {
            var rows = Rows(["x"], [x[i]], y[i]);
            return Run(evaluator, text, names, rows, 1, y[i], Start(starts, i), o);
        });
    }

    private static double[] Start(IReadOnlyList<double[]> starts, int i) => starts.Count == 1 ? starts[0] : starts[i];

    private static FitResult[] RunMany(IReadOnlyList<double[]> x, IReadOnlyList<double[]> y, IReadOnlyList<double[]> starts,
        IReadOnlyList<double[]>? sigma, FitOptions? options, Func<int, FitOptions, FitResult> fit)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(starts);
        options ??= new FitOptions();
        if (options.Sigma is not null || options.Weights is not null)
            throw new ArgumentException("FitMany takes σ per data set (the sigma argument); the shared options must not set Sigma or Weights.");
        int count = y.Count;
        if (x.Count != count) throw new ArgumentException($"{x.Count} x arrays but {count} y arrays.");
        if (starts.Count != 1 && starts.Count != count) throw new ArgumentException($"{starts.Count} starts for {count} data sets (give one, or one per data set).");
        if (sigma is not null && sigma.Count != count) throw new ArgumentException($"{sigma.Count} σ arrays for {count} data sets.");
        options.Validate();
        var results = new FitResult[count];
        // Progress reports from many threads at once would interleave meaninglessly: the per-fit options drop it. The
        // threads go to the data sets, so each fit runs on its own thread.
        var shared = options with { Progress = null, Compute = ComputeOptions.Sequential };
        // Cancellation reaches every fit through its options, so the remaining fits end at once with reason Cancelled.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Compute.MaxDegreeOfParallelism };
        try
        {
            Parallel.For(0, count, parallel, i =>
            {
                var o = sigma is null ? shared : shared with { Sigma = sigma[i] };
                try
                {
                    results[i] = fit(i, o);
                }
                catch (ArgumentException e)
                {
                    throw new ArgumentException($"Data set {i}: {e.Message}", e);
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0 && e.InnerExceptions[0] is ArgumentException first)
        {
            throw first;
        }
        return results;
    }
}
