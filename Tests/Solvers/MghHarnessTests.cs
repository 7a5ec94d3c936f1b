using System.Globalization;
using System.Text;
using Optima.Problems.Library;
using Optima.Solvers;
using Xunit;
using Xunit.Abstractions;

namespace Optima.Tests.Solvers;

/// <summary>
/// The Moré–Garbow–Hillstrom harness: every MGH problem × {bfgs, lbfgs, newton-tr, lm} from the standard start x₀ and
/// from 10·x₀, success being |f − f*| ≤ 1e-8·max(1, |f*|) with f* the catalogue's <c>KnownMinimum</c>. Known failures
/// are listed (with the reason, from x₀) and asserted to still fail, so a fix or a regression shows up as a test
/// failure asking to update the list. Docs/mgh-results.md is written by <c>dotnet run -c Release --project Benchmarks -- mgh</c>
/// with the same options.
/// </summary>
public class MghHarnessTests(ITestOutputHelper output)
{
    internal static readonly string[] HarnessMethods = ["bfgs", "lbfgs", "newton-tr", "lm"];

    /// <summary>
    /// (method, problem) pairs known to miss f* from the standard start, with the reason. Biggs EXP6 is not a BFGS
    /// defect: scipy's BFGS (45 iterations / 114 evaluations) and L-BFGS-B (43 / 89) stop at the same 5.65565e-3.
    /// </summary>
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

    /// <summary>Problems each method misses from 10·x₀ (the issue asks for "most"; these are pinned, not excused).</summary>
    internal static readonly Dictionary<string, string[]> KnownFailuresFrom10X = new()
    {
        ["bfgs"] = ["mgh-freudenstein-roth", "mgh-meyer", "mgh-osborne1", "mgh-biggs-exp6", "mgh-osborne2"],
        ["lbfgs"] = ["mgh-freudenstein-roth", "mgh-meyer", "mgh-osborne1", "mgh-biggs-exp6", "mgh-osborne2", "mgh-trigonometric"],
        ["newton-tr"] = ["mgh-freudenstein-roth", "mgh-powell-badly-scaled", "mgh-beale", "mgh-jennrich-sampson", "mgh-meyer",
            "mgh-osborne2", "mgh-trigonometric"],
        ["lm"] = ["mgh-freudenstein-roth", "mgh-powell-badly-scaled", "mgh-beale", "mgh-jennrich-sampson", "mgh-bard", "mgh-meyer",
            "mgh-box3d", "mgh-kowalik-osborne", "mgh-osborne2", "mgh-trigonometric", "mgh-chebyquad"],
    };

    private static TestProblem[] Problems()
    {
        var problems = TestProblems.LeastSquares().Where(p => p.Name.StartsWith("mgh-", StringComparison.Ordinal) && p.KnownMinimum is not null).ToArray();
        Assert.True(problems.Length >= 20, $"only {problems.Length} MGH problems in the catalogue");
        return problems;
    }

    /// <summary>Runs every harness method on every problem from factor·x₀; returns per-method successes and the mismatches with the expectation.</summary>
    private (Dictionary<string, int> Rates, List<string> Unexpected) RunAll(double factor, Func<string, string, bool> expectedToFail)
    {
        var problems = Problems();
        var ci = CultureInfo.InvariantCulture;
        var unexpected = new List<string>();
        var rates = new Dictionary<string, int>();
        foreach (var p in problems)
        {
            var line = new StringBuilder(p.Name);
            foreach (var m in HarnessMethods)
            {
                var fresh = TestProblems.Get(p.Name, p.Dimension);
                var x0 = fresh.StandardStart();
                for (int i = 0; i < x0.Length; i++) x0[i] *= factor;
                var r = Methods.Minimize(m, fresh, x0, HarnessOptions);
                bool ok = Reached(p, r.Value);
                if (ok) rates[m] = rates.GetValueOrDefault(m) + 1;
                if (ok == expectedToFail(m, p.Name))
                    unexpected.Add($"{m} on {p.Name} from {factor}·x₀: {(ok ? "now succeeds — remove it from the known failures" : "fails")}: f = {r.Value:G12} vs f* = {Reference(p):G12}, {r.Reason} {r.Message}");
                line.Append(string.Create(ci, $" | {m} {(ok ? "" : "✗ ")}{r.Value:G10} ({r.Iterations}/{r.Evaluations.Objective})"));
            }
            output.WriteLine(line.ToString());
        }
        output.WriteLine("Reached f*: " + string.Join(", ", HarnessMethods.Select(m => $"{m} {rates.GetValueOrDefault(m)}/{problems.Length}")));
        return (rates, unexpected);
    }

    [Fact]
    public void From_the_standard_start_every_harness_method_fails_only_where_known()
    {
        var (rates, unexpected) = RunAll(1.0, (m, p) => KnownFailures.ContainsKey((m, p)));
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected));
        // The issue's bar is 90% of all problems, local-minimum traps counted as failures: with all 35 MGH problems
        // newton-tr and lm reach 33/35 (94%), bfgs and lbfgs 32/35 (91%), missing only the two traps and (bfgs, lbfgs)
        // Biggs EXP6's local minimum. Asserted both over all problems and over the problems that are not traps.
        var problems = Problems();
        Assert.Equal(35, problems.Length);
        int eligible = problems.Count(p => !LocalMinimumTraps.Contains(p.Name));
        foreach (var m in HarnessMethods)
        {
            Assert.True(rates.GetValueOrDefault(m) >= 0.9 * problems.Length, $"{m}: {rates.GetValueOrDefault(m)}/{problems.Length}");
            Assert.True(rates.GetValueOrDefault(m) >= 0.9 * eligible, $"{m}: {rates.GetValueOrDefault(m)}/{eligible}");
        }
    }

    [Fact]
    public void From_ten_times_the_standard_start_every_harness_method_reaches_f_star_on_most_problems()
    {
        var (rates, unexpected) = RunAll(10.0, (m, p) => KnownFailuresFrom10X[m].Contains(p));
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected));
        int total = Problems().Length;
        foreach (var m in HarnessMethods)
            Assert.True(rates.GetValueOrDefault(m) > total / 2, $"{m}: {rates.GetValueOrDefault(m)}/{total} from 10·x₀");
    }
}
