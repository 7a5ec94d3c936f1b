using System.Globalization;
using Optima.LinearAlgebra;
using Optima.Problems.Data;

namespace Optima.Problems.Models;

/// <summary>
/// A classifier named by a short spec, as <c>optima train --model</c> takes it: <c>softmax</c> (softmax regression),
/// <c>mlp:H1[,H2…]</c> (ReLU hidden layers), <c>logistic[:A,B]</c> (two classes by logistic regression) and
/// <c>linear[:A,B]</c> (two classes by a least-squares linear classifier). <see cref="Parse"/> checks the spec before any
/// data are read; <see cref="Build"/> makes the training problem, its start and a test-set evaluation.
/// </summary>
public sealed record ClassifierModel
{
    private ClassifierModel(string spec, string kind, int[] arguments)
    {
        Spec = spec;
        Kind = kind;
        Arguments = arguments;
    }

    /// <summary>The spec as given.</summary>
    public string Spec { get; }

    /// <summary>softmax, mlp, logistic or linear.</summary>
    public string Kind { get; }

    /// <summary>The hidden layer sizes (mlp), the two labels (logistic, linear), or none (softmax).</summary>
    public IReadOnlyList<int> Arguments { get; }

    /// <summary>Whether the model also trains in single precision (the MLP family does; the two-class models are double only).</summary>
    public bool SupportsSinglePrecision => Kind is "softmax" or "mlp";

    /// <summary>The spec grammar, for help texts and error messages.</summary>
    public const string Grammar = "softmax, mlp:H1[,H2…], logistic[:A,B], linear[:A,B]";

    /// <summary>Parses and checks a spec against a data set with <paramref name="classes"/> labels.</summary>
    /// <exception cref="ArgumentException">An unknown kind, missing or non-positive hidden sizes, or labels that are equal or out of range.</exception>
    public static ClassifierModel Parse(string spec, int classes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        string kind = spec, argument = "";
        int colon = spec.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0) (kind, argument) = (spec[..colon], spec[(colon + 1)..]);
        switch (kind)
        {
            case "softmax":
                if (argument.Length > 0) throw new ArgumentException("--model softmax takes no sizes; use mlp:H1[,H2…] for hidden layers.", nameof(spec));
                return new(spec, kind, []);
            case "mlp":
            {
                int[] hidden = ParseInts(argument, "--model mlp:H1[,H2…]");
                if (hidden.Length == 0 || hidden.Any(h => h < 1)) throw new ArgumentException("--model mlp needs positive hidden layer sizes, e.g. mlp:256 or mlp:256,128.", nameof(spec));
                return new(spec, kind, hidden);
            }
            case "logistic" or "linear":
            {
                int[] pair = argument.Length == 0 ? [0, 1] : ParseInts(argument, $"--model {kind}:A,B");
                if (pair.Length != 2 || pair[0] == pair[1] || pair.Any(p => p >= classes))
                    throw new ArgumentException($"--model {kind}:A,B needs two different labels in [0, {classes}).", nameof(spec));
                return new(spec, kind, pair);
            }
            default:
                throw new ArgumentException($"Unknown model '{spec}'. Known models: {Grammar}.", nameof(spec));
        }
    }

    /// <summary>
    /// The training problem on <paramref name="train"/>, its start (seeded for the MLP family, zero for the two-class
    /// models), an evaluation of a parameter vector on <paramref name="test"/> (loss, accuracy) and a description.
    /// </summary>
    /// <param name="train">The training set.</param>
    /// <param name="test">The test set.</param>
    /// <param name="seed">Seeds the MLP's initial weights.</param>
    /// <param name="maxDegreeOfParallelism">Threads for the MLP's GEMMs: -1 for all cores, 1 for one (as <see cref="Mlp"/>).</param>
    /// <param name="classNames">Names of the labels, for the description of a two-class model (null: the labels' numbers).</param>
    /// <exception cref="ArgumentException">A two-class model whose labels do not occur in a set.</exception>
    public (IFiniteSumObjective Problem, double[] Start, Func<double[], (double Loss, double Accuracy)> Evaluate, string Description)
        Build(LabeledData train, LabeledData test, ulong seed, int maxDegreeOfParallelism = -1, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        if (Kind is "softmax" or "mlp")
        {
            var mlp = new Mlp(train, [.. Arguments], maxDegreeOfParallelism);
            string d = Arguments.Count == 0 ? $"softmax regression {train.FeatureCount}-{train.Classes}" : $"MLP {string.Join("-", mlp.LayerSizes)} (ReLU)";
            return (mlp, mlp.InitialParameters(seed), x => mlp.Evaluate(x, test), d);
        }
        int a = Arguments[0], b = Arguments[1];
        var tr = TwoClass(train, a, b, "training");
        var te = TwoClass(test, a, b, "test");
        string names = classNames is null ? $"{a} vs {b}" : $"{classNames[a]} vs {classNames[b]}";
        var start = new double[train.FeatureCount + 1];
        if (Kind == "logistic")
        {
            var model = new LogisticRegression(tr);
            var testModel = new LogisticRegression(te);
            return (model, start, x => (testModel.Value(x), testModel.Accuracy(x)), $"logistic regression, {names}");
        }
        var linear = new LinearRegression(tr.Features, tr.FeatureCount, tr.Labels.Select(l => (double)l).ToArray());
        var testLinear = new LinearRegression(te.Features, te.FeatureCount, te.Labels.Select(l => (double)l).ToArray());
        return (linear, start, x => (testLinear.Value(x), ThresholdAccuracy(x, te)), $"least-squares linear classifier, {names}");
    }

    private static int[] ParseInts(string text, string what)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var result = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out result[i]) || result[i] < 0)
                throw new ArgumentException($"{what}: '{parts[i]}' is not a non-negative integer.");
        return result;
    }

    /// <summary>The samples labelled <paramref name="a"/> or <paramref name="b"/>, relabelled 0 and 1.</summary>
    private static LabeledData TwoClass(LabeledData data, int a, int b, string which)
    {
        var keep = Enumerable.Range(0, data.Count).Where(i => data.Labels[i] == a || data.Labels[i] == b).ToArray();
        if (keep.Length == 0) throw new ArgumentException($"The {which} set has no samples labelled {a} or {b} (raise the limit).");
        int d = data.FeatureCount;
        var x = new double[keep.Length * d];
        var y = new int[keep.Length];
        for (int j = 0; j < keep.Length; j++)
        {
            data.Sample(keep[j]).CopyTo(x.AsSpan(j * d, d));
            y[j] = data.Labels[keep[j]] == b ? 1 : 0;
        }
        return new LabeledData(x, d, y, 2);
    }

    /// <summary>The share of samples on the right side of 0.5 (the least-squares classifier's decision).</summary>
    private static double ThresholdAccuracy(double[] w, LabeledData data)
    {
        int d = data.FeatureCount, correct = 0;
        for (int i = 0; i < data.Count; i++)
        {
            double z = Reproducible.Dot(w.AsSpan(0, d), data.Sample(i)) + w[d];
            if ((z > 0.5 ? 1 : 0) == data.Labels[i]) correct++;
        }
        return correct / (double)data.Count;
    }
}
