using System.Diagnostics;
using System.Globalization;
using System.Text;
using Optima.Problems.Library;
using Optima.Solvers;

namespace Optima.Benchmarks.Mgh;

/// <summary>
/// `mgh` mode: every Moré–Garbow–Hillstrom problem of the catalogue × {bfgs, lbfgs, newton-tr, lm} from the
/// standard start x₀ and from 10·x₀, with the harness options (‖∇f‖∞ ≤ 1e-10, 5000 iterations, 20 000 evaluations).
/// Prints the tables and writes Docs/mgh-results.md (final f against f*, iterations, evaluations, termination reason,
/// and the success rates, where success is |f − f*| ≤ 1e-8·max(1, |f*|)).
/// Options: --methods a,b,c; --problems substring; --out FILE (default Docs/mgh-results.md of the repository);
/// --no-write (print only).
/// </summary>
public static class MghBenchmark
{
    /// <summary>The methods the issue's 90% bar applies to.</summary>
    public static readonly string[] DefaultMethods = ["bfgs", "lbfgs", "newton-tr", "lm"];

    /// <summary>The options every run uses (the same as Tests/Solvers/MghHarnessTests).</summary>
    public static SolverOptions Options => new() { GradientTolerance = 1e-10, MaxIterations = 5000, MaxEvaluations = 20_000 };

    private sealed record Cell(double F, bool Reached, int Iterations, long Evaluations, TerminationReason Reason);

    public static int Run(string[] args)
    {
        string[] methods = DefaultMethods;
        string? filter = null, outPath = null;
        bool write = true;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--methods": methods = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--problems": filter = args[++i]; break;
                case "--out": outPath = args[++i]; break;
                case "--no-write": write = false; break;
                default: Console.Error.WriteLine($"unknown option '{args[i]}'"); return 2;
            }
        }
        foreach (var m in methods) Methods.Get(m); // unknown names fail here, listing the known ones

        var problems = TestProblems.LeastSquares()
            .Where(p => p.Name.StartsWith("mgh-", StringComparison.Ordinal) && p.KnownMinimum is not null)
            .Where(p => filter is null || p.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
            .ToArray();
        var clock = Stopwatch.StartNew();
        var doc = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        doc.AppendLine("# Moré–Garbow–Hillstrom results");
        doc.AppendLine();
        doc.AppendLine("Every MGH problem of the catalogue (`TestProblems.LeastSquares()`, objective f = Σ rᵢ²) × the four methods the");
        doc.AppendLine("issue's bar applies to, with default method options and ‖∇f‖∞ ≤ 1e-10, at most 5000 iterations and 20 000");
        doc.AppendLine("objective evaluations. A cell is the final f, then (iterations / objective evaluations, termination reason);");
        doc.AppendLine("✗ marks |f − f*| > 1e-8·max(1, |f*|). f* is the problem's `KnownMinimum` (for Jennrich–Sampson, Brown–Dennis,");
        doc.AppendLine("Meyer and Osborne 2 to more digits than MGH printed; see those classes).");
        doc.AppendLine();
        doc.AppendLine("Regenerate with `dotnet run -c Release --project Benchmarks -- mgh` (a few seconds).");
        var summaries = new List<string>();
        foreach (var (label, factor) in new[] { ("standard start x₀", 1.0), ("10·x₀", 10.0) })
        {
            var cells = new Cell[problems.Length, methods.Length];
            for (int i = 0; i < problems.Length; i++)
                for (int j = 0; j < methods.Length; j++)
                {
                    var p = TestProblems.Get(problems[i].Name, problems[i].Dimension);
                    var x0 = p.StandardStart();
                    for (int k = 0; k < x0.Length; k++) x0[k] *= factor;
                    var r = Methods.Minimize(methods[j], p, x0, Options);
                    cells[i, j] = new Cell(r.Value, Reached(p, r.Value), r.Iterations, r.Evaluations.Objective, r.Reason);
                }
            doc.AppendLine();
            doc.AppendLine($"## From the {label}");
            doc.AppendLine();
            doc.AppendLine("| problem | n | m | f* | " + string.Join(" | ", methods) + " |");
            doc.AppendLine("|---|---|---|---|" + string.Concat(methods.Select(_ => "---|")));
            for (int i = 0; i < problems.Length; i++)
            {
                var p = problems[i];
                var row = new StringBuilder(string.Create(ci, $"| {p.Name} | {p.Dimension} | {p.Residuals} | {p.KnownMinimum!.Value:G12} |"));
                for (int j = 0; j < methods.Length; j++)
                {
                    var c = cells[i, j];
                    row.Append(string.Create(ci, $" {(c.Reached ? "" : "✗ ")}{c.F:G10} ({c.Iterations}/{c.Evaluations}, {Short(c.Reason)}) |"));
                }
                doc.AppendLine(row.ToString());
            }
            doc.AppendLine();
            var rates = methods.Select((m, j) =>
            {
                int ok = Enumerable.Range(0, problems.Length).Count(i => cells[i, j].Reached);
                return string.Create(ci, $"{m} {ok}/{problems.Length} ({100.0 * ok / problems.Length:F0}%)");
            });
            string summary = $"Reached f* from the {label}: " + string.Join(", ", rates) + ".";
            doc.AppendLine(summary);
            summaries.Add(summary);
        }
        doc.AppendLine();
        doc.AppendLine("Notes. All 35 MGH problems, at the paper's standard sizes (n = 10 for the variable-dimension ones, m = 20 for");
        doc.AppendLine("the linear functions 32–34). Freudenstein–Roth (f = 48.9843) and Trigonometric (f = 2.79506e-5) from x₀ are local");
        doc.AppendLine("minima every method here reaches (MGH note the first). Biggs EXP6's 5.65565e-3 for bfgs and lbfgs is also a local");
        doc.AppendLine("minimum MGH list; scipy's BFGS (45 iterations / 114 evaluations) and L-BFGS-B (43 / 89) stop there too. These are");
        doc.AppendLine("counted as failures, and still the issue's 90% bar is met by every method: newton-tr and lm 33/35 (94%), bfgs and");
        doc.AppendLine("lbfgs 32/35 (91%); off the local minima, every run from x₀ reaches f*. Problems 1 and 27–34 (added last) are");
        doc.AppendLine("reached by every method from both starts; Brown almost-linear's other listed value, f = 1 at (0, …, 0, n + 1), is a");
        doc.AppendLine("stationary point but not a minimiser (f falls along (1, …, 1, −n)), and no run ends there. The linear rank-1");
        doc.AppendLine("problems 33 and 34 have a hyperplane of minimisers and a gradient floor from rounding (‖∇f‖∞ ≈ 2e-8 at f*), so");
        doc.AppendLine("the runs end by the precision tests (precision / tr-small) rather than by ‖∇f‖∞ ≤ 1e-10.");
        doc.AppendLine("From 10·x₀ several failures are other local minima (Bard 17.4287, Kowalik–Osborne 1.02734e-3, Osborne 2 1.78981)");
        doc.AppendLine("and other runs that stall far away (Meyer, whose 10·x₀ puts exp(x₂/(t + x₃)) in a flat region). Watson's x₀ is 0,");
        doc.AppendLine("so its two rows are the same run; Gulf's 10·x₀ = (50, 25, 1.5) is its minimiser.");
        doc.AppendLine();
        doc.AppendLine("Meyer from x₀, newton-tr: f* is reached but the run reports tr-small, because the driver's Dennis–Schnabel test");
        doc.AppendLine("max |gᵢ|·max(|xᵢ|, 1)/max(|f|, 1) ≤ ε^(1/3) gives 7.5e-6 > 6.06e-6, all from x₁ ≈ 0.0056, whose typical size 1");
        doc.AppendLine("overstates it 180-fold. Taking the typical size from the start, max(|xᵢ|, |x₀ᵢ|), would pass Meyer (1.5e-7) but");
        doc.AppendLine("makes the verdict on the same point depend on where the run began: it turns newton-tr on the rank-1 problem 34 from");
        doc.AppendLine("10·x₀ (x₀ᵢ = 10) from precision into tr-small, and a component started near 0 would escape the test");
        doc.AppendLine("altogether. So the default typical size stays 1 (Dennis & Schnabel's default) and this case is left as it is.");
        doc.AppendLine();
        doc.AppendLine("Reasons: grad = gradient tolerance, ls-fail = line search failed, tr-small = trust radius collapsed or no step");
        doc.AppendLine("can reduce f in floating point, precision = no step decreases f and the scaled gradient is negligible (PrecisionLimit),");
        doc.AppendLine("max-it / max-ev = iteration / evaluation limit, non-finite = f not finite, others by name.");

        Console.WriteLine(doc.ToString());
        foreach (var s in summaries) Console.Error.WriteLine(s);
        Console.Error.WriteLine(string.Create(ci, $"({clock.Elapsed.TotalSeconds:F1} s)"));
        if (write && filter is null)
        {
            outPath ??= Path.Combine(RepositoryRoot(), "Docs", "mgh-results.md");
            File.WriteAllText(outPath, doc.ToString());
            Console.Error.WriteLine($"wrote {outPath}");
        }
        return 0;
    }

    /// <summary>|f − f*| ≤ 1e-8·max(1, |f*|).</summary>
    public static bool Reached(TestProblem p, double f)
    {
        double fs = p.KnownMinimum!.Value;
        return Math.Abs(f - fs) <= 1e-8 * Math.Max(1, Math.Abs(fs));
    }

    private static string Short(TerminationReason r) => r switch
    {
        TerminationReason.GradientTolerance => "grad",
        TerminationReason.LineSearchFailed => "ls-fail",
        TerminationReason.TrustRegionTooSmall => "tr-small",
        TerminationReason.MaxIterations => "max-it",
        TerminationReason.MaxEvaluations => "max-ev",
        TerminationReason.NonFiniteValue => "non-finite",
        TerminationReason.PrecisionLimit => "precision",
        _ => r.ToString(),
    };

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Solvers.sln"))) return dir.FullName;
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Solvers.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root (Solvers.sln); pass --out.");
    }
}
