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
/// standard start (success |f − f*| ≤ 1e-8·max(1, |f*|), as the MGH harness), beside SciPy's Nelder–Mead driven in the same run
/// through scipy_nm_peer.py.
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

    /// <summary>
    /// `nm` mode: value-only local methods on the MGH problems with n ≤ 4, beside SciPy's Nelder–Mead run in the same
    /// process tree on the same functions (scipy_nm_peer.py asks this process for every value). Options: --methods
    /// nelder-mead,powell; --budget 20000 (evaluations); --no-scipy; --python PATH (/usr/bin/python3).
    /// </summary>
    public static int RunLocal(string[] args)
    {
        string[] methods = ["nelder-mead", "powell"];
        int budget = 20_000;
        bool scipy = true;
        string python = "/usr/bin/python3";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--methods": methods = args[++i].Split(','); break;
                case "--budget": budget = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--no-scipy": scipy = false; break;
                case "--python": python = args[++i]; break;
                default: Console.Error.WriteLine($"unknown option '{args[i]}'"); return 2;
            }
        }
        var ci = CultureInfo.InvariantCulture;
        var problems = TestProblems.LeastSquares().Where(p => p.Name.StartsWith("mgh-", StringComparison.Ordinal) && p.Dimension <= 4 && p.KnownMinimum is not null).ToArray();
        using var peer = scipy ? ScipyPeer.Start(python) : null;
        string[] configs = peer is null ? [] : ["defaults", "tight"];
        var columns = methods.Concat(configs.Select(c => $"scipy-nm-{c}")).ToArray();
        Console.WriteLine($"# value-only local methods on MGH (n ≤ 4), standard start, ≤ {budget} evaluations; success |f − f*| ≤ 1e-8·max(1, |f*|) (✗: miss)");
        if (peer is not null)
            Console.WriteLine($"# scipy-nm-*: scipy {peer.Version} minimize(method='Nelder-Mead', adaptive=n>2); defaults: xatol = fatol = 1e-4; tight: xatol = 1e-10, fatol = 1e-14");
        Console.WriteLine($"{"problem",-28} n  " + string.Concat(columns.Select(m => $"{m + " f",-24}{"evals",7}  ")));
        var successes = new int[columns.Length];
        var evaluations = new long[columns.Length];
        foreach (var p in problems)
        {
            var line = $"{p.Name,-28}{p.Dimension,2}  ";
            double fStar = p.KnownMinimum!.Value;
            bool Ok(double f) => Math.Abs(f - fStar) <= 1e-8 * Math.Max(1, Math.Abs(fStar));
            for (int j = 0; j < columns.Length; j++)
            {
                var q = TestProblems.Get(p.Name);
                double value;
                long evals;
                if (j < methods.Length)
                {
                    var r = Methods.Minimize(methods[j], (IObjective)q, q.StandardStart(), new SolverOptions { MaxIterations = budget, MaxEvaluations = budget });
                    (value, evals) = (r.Value, r.Evaluations.Objective);
                }
                else (value, evals) = peer!.Minimize(configs[j - methods.Length], (IObjective)q, q.StandardStart(), budget);
                bool ok = Ok(value);
                if (ok) successes[j]++;
                evaluations[j] += evals;
                line += string.Create(ci, $"{value,-22:G10}{(ok ? "  " : "✗ ")}{evals,7}  ");
            }
            Console.WriteLine(line);
        }
        Console.WriteLine("successes: " + string.Join(", ", columns.Select((m, j) => $"{m} {successes[j]}/{problems.Length}")));
        Console.WriteLine("evaluations (sum over the problems): " + string.Join(", ", columns.Select((m, j) => $"{m} {evaluations[j]}")));
        return 0;
    }

    /// <summary>scipy_nm_peer.py, driven over its stdin/stdout: it proposes points, this process evaluates Optima's problem.</summary>
    private sealed class ScipyPeer : IDisposable
    {
        private readonly Process _process;

        private ScipyPeer(Process process, string version) => (_process, Version) = (process, version);

        public string Version { get; }

        public static ScipyPeer Start(string python)
        {
            string script = Path.Combine(AppContext.BaseDirectory, "Global", "scipy_nm_peer.py");
            if (!File.Exists(script)) script = Path.Combine(Directory.GetCurrentDirectory(), "Benchmarks", "Global", "scipy_nm_peer.py");
            var version = Process.Start(new ProcessStartInfo(python, ["-c", "import scipy; print(scipy.__version__)"]) { RedirectStandardOutput = true })!;
            string v = version.StandardOutput.ReadToEnd().Trim();
            version.WaitForExit();
            var psi = new ProcessStartInfo(python, [script]) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            return new ScipyPeer(Process.Start(psi)!, v);
        }

        /// <summary>Runs one minimisation; returns SciPy's final value and its evaluation count (each also counted here).</summary>
        public (double Value, long Evaluations) Minimize(string config, IObjective f, double[] start, int budget)
        {
            var ci = CultureInfo.InvariantCulture;
            int n = start.Length;
            _process.StandardInput.WriteLine($"run {config} {n} {(n > 2 ? 1 : 0)} {budget} " + string.Join(" ", start.Select(v => v.ToString("R", ci))));
            _process.StandardInput.Flush();
            var x = new double[n];
            long served = 0;
            while (_process.StandardOutput.ReadLine() is { } line)
            {
                var parts = line.Split(' ');
                if (parts[0] == "f")
                {
                    for (int i = 0; i < n; i++) x[i] = double.Parse(parts[i + 1], ci);
                    served++;
                    _process.StandardInput.WriteLine(f.Value(x).ToString("R", ci));
                    _process.StandardInput.Flush();
                }
                else if (parts[0] == "done")
                {
                    long nfev = long.Parse(parts[1], ci);
                    if (nfev != served) Console.Error.WriteLine($"note: scipy reports nfev = {nfev}, {served} values served");
                    return (double.Parse(parts[2], ci), nfev);
                }
                else throw new InvalidOperationException($"scipy_nm_peer.py: unexpected line '{line}'");
            }
            throw new InvalidOperationException("scipy_nm_peer.py ended early (is python3-scipy installed? scripts/setup-benchmarks.sh)");
        }

        public void Dispose()
        {
            try
            {
                _process.StandardInput.WriteLine("quit");
                _process.StandardInput.Close();
                _process.WaitForExit(5000);
            }
            finally { _process.Dispose(); }
        }
    }

    private static double Median(double[] v)
    {
        var s = v.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }
}
