using Optima.Problems.Expressions;
using Optima.Problems.Nist;

namespace Optima.Solvers.Fitting;

/// <summary>
/// One NIST StRD solve scored against the certified values: the minimum log relative error
/// LRE = −log₁₀(|b − c|/|c|) (capped at 11) over the parameters, over their standard deviations, and of the residual
/// sum of squares.
/// </summary>
/// <param name="Problem">The dataset name.</param>
/// <param name="Difficulty">NIST's rating.</param>
/// <param name="Start">The starting point (1 or 2).</param>
/// <param name="ParameterLre">Minimum LRE of the parameters.</param>
/// <param name="StandardErrorLre">Minimum LRE of the standard deviations.</param>
/// <param name="ResidualSumOfSquaresLre">LRE of the residual sum of squares.</param>
/// <param name="Fit">The fit.</param>
public sealed record NistOutcome(string Problem, NistDifficulty Difficulty, int Start, double ParameterLre, double StandardErrorLre,
    double ResidualSumOfSquaresLre, FitResult Fit);

/// <summary>Runs the NIST StRD nonlinear-regression problems through <see cref="CurveFit"/> and scores them (McCullough's LRE methodology).</summary>
public static class NistRunner
{
    /// <summary>Fits <paramref name="dataset"/> from its start 1 or 2 with <paramref name="options"/> (null: the defaults) and scores it.</summary>
    public static NistOutcome Run(NistDataset dataset, int start, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var fit = CurveFit.Fit(Expression.Parse(dataset.Model), dataset.PredictorNames, dataset.Predictors, dataset.Response,
            dataset.ParameterNames, dataset.Start(start), options);
        double pl = 11, sl = 11;
        for (int k = 0; k < dataset.ParameterCount; k++)
        {
            pl = Math.Min(pl, NistDataset.LogRelativeError(fit.Parameters[k], dataset.CertifiedValues[k]));
            sl = Math.Min(sl, NistDataset.LogRelativeError(fit.StandardErrors[k], dataset.CertifiedStandardDeviations[k]));
        }
        double rl = NistDataset.LogRelativeError(fit.ResidualSumOfSquares, dataset.CertifiedResidualSumOfSquares);
        return new NistOutcome(dataset.Name, dataset.Difficulty, start, pl, sl, rl, fit);
    }

    /// <summary>Every dataset from both starts, in order.</summary>
    public static IReadOnlyList<NistOutcome> RunAll(IEnumerable<NistDataset> datasets, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        var list = new List<NistOutcome>();
        foreach (var d in datasets)
            for (int s = 1; s <= 2; s++) list.Add(Run(d, s, options));
        return list;
    }
}
