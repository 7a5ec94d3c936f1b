using System.Globalization;
using System.Text;
using Optima.Problems.Library;
using Optima.Solvers;
using Xunit;
using Xunit.Abstractions;

namespace Optima.Tests.Solvers;

/// <summary>
/// The Moré–Garbow–Hillstrom harness: every MGH problem × {bfgs, lbfgs, newton-tr, lm} from the standard start, each
/// required to reach |f − f*| ≤ 1e-8·max(1, |f*|) on at least 90% of the problems. Known failures are listed with the
/// reason and asserted to still fail, so a fix shows up as a test failure asking to update the list.
/// Set OPTIMA_WRITE_MGH=1 to (re)write Docs/mgh-results.md from the run.
/// </summary>
public class MghHarnessTests(ITestOutputHelper output)
{
    internal static readonly string[] HarnessMethods = ["bfgs", "lbfgs", "newton-tr", "lm"];

    /// <summary>(method, problem) pairs known to miss f* from the standard start, with the reason.</summary>
    internal static readonly Dictionary<(string Method, string Problem), string> KnownFailures = new()
    {
        [("bfgs", "mgh-freudenstein-roth")] = "converges to the local minimum f = 48.9843 (MGH note this trap)",
        [("lbfgs", "mgh-freudenstein-roth")] = "converges to the local minimum f = 48.9843",
        [("newton-tr", "mgh-freudenstein-roth")] = "converges to the local minimum f = 48.9843",
        [("lm", "mgh-freudenstein-roth")] = "converges to the local minimum f = 48.9843",
        [("bfgs", "mgh-trigonometric")] = "converges to the local minimum f = 2.79506e-5 (n = 10), as solvers in the literature do",
        [("lbfgs", "mgh-trigonometric")] = "converges to the local minimum f = 2.79506e-5",
        [("newton-tr", "mgh-trigonometric")] = "converges to the local minimum f = 2.79506e-5",
        [("lm", "mgh-trigonometric")] = "converges to the local minimum f = 2.79506e-5",
        [("bfgs", "mgh-biggs-exp6")] = "converges to the local minimum f = 5.65565e-3 (MGH list it), where the line search then fails",
        [("lbfgs", "mgh-biggs-exp6")] = "converges to the local minimum f = 5.65565e-3, where the line search then fails",
    };

    /// <summary>
    /// Problems whose standard start lies in the basin of a local minimiser for every method here (not a solver
    /// failure): the 90% rate is asserted over the other problems, and reported over all of them.
    /// </summary>
    internal static readonly HashSet<string> LocalMinimumTraps = ["mgh-freudenstein-roth", "mgh-trigonometric"];

    internal static SolverOptions HarnessOptions => new() { GradientTolerance = 1e-10, MaxIterations = 5000, MaxEvaluations = 20_000 };

    internal static double Reference(TestProblem p) => p.KnownMinimum!.Value;

    internal static bool Reached(TestProblem p, double f)
    {
        double fs = Reference(p);
        return Math.Abs(f - fs) <= 1e-8 * Math.Max(1, Math.Abs(fs));
    }

    [Fact]
    public void Every_harness_method_reaches_the_known_minimum_on_at_least_90_percent_of_the_MGH_problems()
    {
        var problems = TestProblems.LeastSquares().Where(p => p.Name.StartsWith("mgh-", StringComparison.Ordinal) && p.KnownMinimum is not null).ToArray();
        Assert.True(problems.Length >= 20, $"only {problems.Length} MGH problems in the catalogue");
        var ci = CultureInfo.InvariantCulture;
        var table = new StringBuilder();
        table.AppendLine("| problem | n | m | f* | " + string.Join(" | ", HarnessMethods.Select(m => $"{m} f (iters/evals)")) + " |");
        table.AppendLine("|---|---|---|---|" + string.Concat(HarnessMethods.Select(_ => "---|")));
        var unexpected = new List<string>();
        var rates = new Dictionary<string, int>();
        int eligible = problems.Count(p => !LocalMinimumTraps.Contains(p.Name));
        foreach (var p in problems)
        {
            var cells = new List<string>();
            foreach (var m in HarnessMethods)
            {
                var fresh = TestProblems.Get(p.Name, p.Dimension);
                var r = Methods.Minimize(m, fresh, fresh.StandardStart(), HarnessOptions);
                bool ok = Reached(p, r.Value);
                if (ok) rates[m] = rates.GetValueOrDefault(m) + 1;
                bool expectedFail = KnownFailures.ContainsKey((m, p.Name));
                if (ok == expectedFail)
                    unexpected.Add($"{m} on {p.Name}: {(ok ? "now succeeds — remove it from KnownFailures" : "fails")}: f = {r.Value:G12} vs f* = {Reference(p):G12}, {r.Reason} {r.Message}");
                cells.Add(string.Create(ci, $"{(ok ? "" : "✗ ")}{r.Value:G10} ({r.Iterations}/{r.Evaluations.Objective})"));
            }
            table.AppendLine(string.Create(ci, $"| {p.Name} | {p.Dimension} | {((LeastSquaresTestProblem)p).Residuals} | {Reference(p):G10} | {string.Join(" | ", cells)} |"));
        }
        var summary = string.Join(", ", HarnessMethods.Select(m => string.Create(ci,
            $"{m} {rates.GetValueOrDefault(m)}/{problems.Length} ({100.0 * rates.GetValueOrDefault(m) / problems.Length:F0}%; {rates.GetValueOrDefault(m)}/{eligible} = {100.0 * rates.GetValueOrDefault(m) / eligible:F0}% without the two local-minimum traps)")));
        output.WriteLine(table.ToString());
        output.WriteLine("Reached f*: " + summary);
        if (Environment.GetEnvironmentVariable("OPTIMA_WRITE_MGH") == "1")
            File.WriteAllText(Path.Combine(TestSupport.RepositoryRoot, "Docs", "mgh-results.md"),
                "# Moré–Garbow–Hillstrom results\n\nStandard starts, default method options, gradient tolerance 1e-10. " +
                "A cell is f reached (iterations / objective evaluations); ✗ marks |f − f*| > 1e-8·max(1, |f*|).\n" +
                "f* for Jennrich–Sampson, Brown–Dennis, Meyer and Osborne 2 is given to more digits than MGH printed.\n" +
                "Known failures: " + string.Join("; ", KnownFailures.Select(k => $"{k.Key.Method} on {k.Key.Problem}: {k.Value}")) + ".\n" +
                "Generated by `OPTIMA_WRITE_MGH=1 dotnet test --filter MghHarness`.\n\n" + table + "\nReached f*: " + summary + "\n");
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected));
        foreach (var m in HarnessMethods)
            Assert.True(rates.GetValueOrDefault(m) >= 0.9 * eligible, $"{m}: {rates.GetValueOrDefault(m)}/{eligible}");
    }
}
