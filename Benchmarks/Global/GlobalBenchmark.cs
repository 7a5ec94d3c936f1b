using System.Diagnostics;
using System.Globalization;
using Optima.Problems;
using Optima.Problems.Library;
using Optima.Solvers;

namespace Optima.Benchmarks.Global;

/// <summary>
/// `global` mode: the stochastic global methods on Rastrigin, Ackley, Schwefel and Griewank (their standard domains) in
/// the given dimensions, S seeds each, under a fixed evaluation budget (B·n evaluations), reporting the success rate
/// (f_best ≤ 1e-4, f* = 0) and the median best value; Benchmarks/Global/scipy_global.py prints the same table for SciPy's
/// differential_evolution and dual_annealing. `nm` mode: Nelder–Mead and Powell on the MGH problems with n ≤ 4 from the
/// standard start (success |f − f*| ≤ 1e-8·max(1, |f*|), as the MGH harness), beside scipy_nm.py.
/// Options: --dims 10,30; --seeds 20; --budget 2000 (evaluations per dimension); --methods de,cmaes,ga,anneal.
/// </summary>
public static class GlobalBenchmark
{
    public static readonly string[] Functions = ["rastrigin", "ackley", "schwefel", "griewank"];

    public static int Run(string[] args)
    {
        int[] dims = [10, 30];
        int seeds = 20, budget = 2000;
        string[] methods = ["de", "cmaes", "ga", "anneal"];
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--dims": dims = args[++i].Split(',').Select(int.Parse).ToArray(); break;
                case "--seeds": seeds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--budget": budget = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--methods": methods = args[++i].Split(','); break;
                default: Console.Error.WriteLine($"unknown option '{args[i]}'"); return 2;
            }
        }
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine($"# Optima global methods: {seeds} seeds (1..{seeds}), budget {budget}·n evaluations, success f ≤ 1e-4");
        Console.WriteLine("function    n   method   success  median-best   median-evals  seconds");
        foreach (int n in dims)
            foreach (var name in Functions)
                foreach (var method in methods)
                {
                    var clock = Stopwatch.StartNew();
                    var best = new double[seeds];
                    var evals = new double[seeds];
                    int ok = 0;
                    for (int s = 0; s < seeds; s++)
                    {
                        var p = TestProblems.Get(name, n);
                        var options = new SolverOptions { MaxIterations = int.MaxValue, MaxEvaluations = budget * n, Seed = (ulong)(s + 1) };
                        var r = Methods.Minimize(method, p, p.StandardStart(), options);
                        best[s] = r.Value;
                        evals[s] = r.Evaluations.Objective;
                        if (r.Value <= 1e-4) ok++;
                    }
                    Console.WriteLine(string.Create(ci, $"{name,-10} {n,3}   {method,-7} {ok,3}/{seeds,-3}  {Median(best),11:G4}   {Median(evals),12:F0}  {clock.Elapsed.TotalSeconds,6:F1}"));
                }
        return 0;
    }

    /// <summary>`nm` mode: value-only local methods on the MGH problems with n ≤ 4.</summary>
    public static int RunLocal(string[] args)
    {
        string[] methods = args.Length > 0 ? args[0].Split(',') : ["nelder-mead", "powell"];
        var ci = CultureInfo.InvariantCulture;
        var problems = TestProblems.LeastSquares().Where(p => p.Name.StartsWith("mgh-", StringComparison.Ordinal) && p.Dimension <= 4 && p.KnownMinimum is not null).ToArray();
        Console.WriteLine("# Optima value-only local methods on MGH (n ≤ 4), standard start, ≤ 20000 evaluations; success |f − f*| ≤ 1e-8·max(1, |f*|)");
        Console.WriteLine("problem                       n  " + string.Concat(methods.Select(m => $"{m + " f",-24}{"evals",7}  ")));
        var successes = new int[methods.Length];
        foreach (var p in problems)
        {
            var line = $"{p.Name,-28} {p.Dimension,2}  ";
            for (int j = 0; j < methods.Length; j++)
            {
                var q = TestProblems.Get(p.Name);
                var r = Methods.Minimize(methods[j], (IObjective)q, q.StandardStart(), new SolverOptions { MaxIterations = 20_000, MaxEvaluations = 20_000 });
                bool ok = Math.Abs(r.Value - q.KnownMinimum!.Value) <= 1e-8 * Math.Max(1, Math.Abs(q.KnownMinimum!.Value));
                if (ok) successes[j]++;
                line += string.Create(ci, $"{r.Value,-22:G10}{(ok ? "  " : "✗ ")}{r.Evaluations.Objective,7}  ");
            }
            Console.WriteLine(line);
        }
        Console.WriteLine("successes: " + string.Join(", ", methods.Select((m, j) => $"{m} {successes[j]}/{problems.Length}")));
        return 0;
    }

    private static double Median(double[] v)
    {
        var s = v.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }
}
