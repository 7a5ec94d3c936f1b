using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Optima.Cli;
using Xunit;
using Xunit.Abstractions;

namespace Optima.Tests.Cli;

/// <summary>
/// A seeded mutational fuzzer of the CLI's argument handling, run in-process: valid command lines with mutated values,
/// unknown and repeated flags, dropped and swapped tokens, empty, huge and non-finite numbers, odd Unicode. Every case
/// must end with exit code 0, 1 or 2, no stack trace and no "internal error", and under --json exactly one JSON document
/// on stdout (an error document when the exit code is 2). A few seconds in the suite; OPTIMA_FUZZ_SECONDS and
/// OPTIMA_FUZZ_SEED run it longer or elsewhere.
/// </summary>
public sealed class CliFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("optima-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Command lines that work (quickly) before mutation.</summary>
    private string[][] Seeds()
    {
        string csv = Path.Combine(_dir, "data.csv");
        File.WriteAllText(csv, "x,y\n0,1.1\n1,2.9\n2,5.2\n3,7.1\n4,8.8\n");
        string mtx = Path.Combine(_dir, "a.mtx");
        File.WriteAllText(mtx, "%%MatrixMarket matrix coordinate real symmetric\n3 3 5\n1 1 4\n2 1 1\n2 2 3\n3 2 1\n3 3 2\n");
        string qp = Path.Combine(_dir, "qp.json");
        File.WriteAllText(qp, "{\"P\": [[1, 0], [0, 1]], \"q\": [-1, -1], \"A\": [[1, 1], [1, 0]], \"l\": [1, 0], \"u\": [1, 0.3]}");
        string missing = Path.Combine(_dir, "no-such-dir");
        return
        [
            ["problems"],
            ["taxonomy"],
            ["check", "--problem", "rosenbrock", "--at", "0.5,-0.3"],
            ["analyze", "--problem", "saddle", "--at", "x=0,y=0"],
            ["minimize", "--objective", "(1-x)^2 + 100*(y-x^2)^2", "--start", "x=-1.2,y=1", "--max-iter", "50"],
            ["minimize", "--problem", "rosenbrock", "--method", "adam", "--lr", "0.01", "--max-iter", "30"],
            ["minimize", "--objective", "x^2 + 3*y^2", "--start", "1,1", "--method", "newton", "--gtol", "1e-8"],
            ["compare", "--problem", "rosenbrock", "--methods", "gd,bfgs,adam", "--max-iter", "20"],
            ["compare", "--objective", "x^2 + y^2", "--start", "x=1,y=2", "--methods", "lbfgs,lookahead:sgd", "--max-iter", "20"],
            ["compare", "--objective", "x^2 + y^2", "--start", "x=1,y=2", "--methods", "nelder-mead,de", "--bounds", "x=-2:2,y=-3:3", "--seed", "3", "--max-evals", "400", "--max-iter", "20"],
            ["fit", csv, "--model", "a*x + b", "--start", "a=1,b=0"],
            ["fit", csv, "--model", "a*exp(b*x)", "--start", "a=1,b=0.1", "--method", "dogleg", "--confidence", "0.9"],
            ["solve", "--matrix", mtx, "--method", "cg", "--tol", "1e-10"],
            ["solve", "--matrix", mtx, "--method", "pcg", "--precond", "ic0"],
            ["solve", "--matrix", mtx, "--method", "lu"],
            ["lasso", "--data", csv, "--target", "y", "--lambda", "0.5"],
            ["lasso", "--data", csv, "--target", "2", "--features", "x", "--lambda", "0.1", "--l2", "0.2", "--no-intercept"],
            ["qp", "--problem", qp, "--tol", "1e-8"],
            ["qp", "--problem", qp, "--no-polish", "--max-iter", "40", "--json"],
            ["lasso", "--data", csv, "--target", "y", "--lambda", "0.05", "--tol", "1e-9", "--max-iter", "30", "--json"],
            ["sample", "--objective", "x^2/2 + (y-x^2)^2", "--start", "x=0,y=0", "--method", "mh", "--samples", "200", "--warmup", "100", "--chains", "2"],
            ["sample", "--objective", "x^2/2 + 2*(y-1)^2", "--start", "x=0.5,y=0.5", "--method", "hmc", "--samples", "100", "--warmup", "50", "--chains", "3", "--seed", "7", "--spread", "0.5", "--threads", "2", "--json"],
            ["minimize", "--objective", "(x-2)^2 + (y-1)^2", "--start", "x=0,y=0", "--constraint", "x + y <= 2", "--constraint", "x >= 0.5"],
            ["minimize", "--objective", "x + y", "--start", "x=1,y=0", "--method", "sqp", "--constraint", "x^2 + y^2 = 1", "--json"],
            ["fit", csv, "--model", "a*x + b", "--start", "a=1,b=0", "--posterior", "--samples", "100", "--seed", "2"],
            ["fit", csv, "--model", "a*x + b", "--start", "a=1,b=0", "--posterior", "--samples", "60", "--posterior-method", "mh", "--json"],
            ["solve", "--matrix", mtx, "--method", "cg", "--device", "auto"],
            ["solve", "--matrix", mtx, "--method", "lu", "--device", "auto", "--json"],
            ["mpi"],
            ["mpi", "--json"],
            // A missing data folder: the options are checked, then loading fails; a mutant without --data-dir trains briefly.
            ["train", "--data-dir", missing, "--model", "mlp:8", "--optimizer", "sgd", "--momentum", "0.9", "--epochs", "1", "--train-limit", "200", "--test-limit", "50"],
            ["train", "--data-dir", missing, "--model", "softmax", "--optimizer", "lookahead:adam", "--schedule", "cosine", "--train-limit", "200", "--test-limit", "50"],
        ];
    }

    private static readonly string[] Values =
    [
        "", " ", "0", "-0", "1", "-1", "2", "0.5", "1.5", "1e308", "-1e308", "1e-320", "1e999", "nan", "NaN", "inf", "-inf",
        "Infinity", "99999999999999999999", "2147483648", "-2147483649", "0x10", "1,2", "1,,2", ",", "=", "x=", "x=1,x=2",
        "x=1,y=nan", "a=1", "y=2", "(", ")", "((x)", "x^", "x^^2", "1/0", "0/0", "sqrt(-1)", "log(0)", "x*1e400",
        "é", "x\u00e9=1", "🙂", "\u202e", "日本", "\u00a0", "--", "-", "--json", "lookahead:", "lookahead:lookahead:adam",
        "lookahead:newton", "mlp:", "mlp:0", "mlp:-3", "logistic:1,1", "linear:99,0", "cosine", "onecycle",
        "/", ".", "..", "/dev/null", "no-such-file.csv", new string('9', 400), new string('x', 2000),
        string.Concat(Enumerable.Repeat("(", 300)) + "x" + string.Concat(Enumerable.Repeat(")", 300)),
    ];

    private static readonly string[] Flags =
    [
        "--json", "--zzz", "--method", "--methods", "--lr", "--max-iter", "--gtol", "--start", "--objective", "--problem",
        "--momentum", "--optimizer", "--weight-decay", "--precond", "--tol", "--omega", "--at", "--x", "--y", "--sigma",
        "--weights", "--bounds", "--fix", "--loss", "--confidence", "--threads", "--epochs", "--batch", "--schedule",
        "--warmup", "--precision", "--seed", "--model", "--plot", "--trace", "--out", "-x", "---", "--JSON", "--constraint",
        "--samples", "--chains", "--spread", "--posterior", "--posterior-method", "--device", "--lambda", "--l2", "--no-polish",
    ];

    private static readonly string[] Methods =
    [
        "gd", "gd-fixed", "cg-pr", "bfgs", "lbfgs", "newton", "newton-tr", "newton-cg", "lm", "gauss-newton", "sgd", "adam",
        "adadelta", "lookahead:adam", "lookahead:bfgs", "nope", "ADAM", "lu", "qr", "cholesky", "jacobi", "sor", "pcg",
        "mh", "hmc", "auglag", "sqp", "penalty", "lbfgsb",
    ];

    // Options whose value sizes an allocation or a loop: mutated within small values only (size guards are another test's).
    private static readonly HashSet<string> SizeOptions = ["--dim", "--train-limit", "--test-limit", "--batch", "--epochs", "--max-iter", "--warmup", "--threads",
        "--samples", "--chains"];

    private string[] Mutate(string[] seed, Random random)
    {
        var args = seed.ToList();
        int count = 1 + random.Next(3);
        for (int m = 0; m < count; m++)
        {
            int i = args.Count == 0 ? 0 : random.Next(args.Count);
            switch (random.Next(10))
            {
                case 0 or 1 or 2: // replace a value (or any token)
                    if (args.Count == 0) break;
                    bool size = i > 0 && SizeOptions.Contains(args[i - 1]);
                    args[i] = size ? random.Next(-3, 40).ToString(CultureInfo.InvariantCulture) : Pick(random, Values);
                    break;
                case 3: // a method name where one goes
                    int at = args.FindIndex(a => a is "--method" or "--methods" or "--optimizer");
                    if (at >= 0 && at + 1 < args.Count) args[at + 1] = random.Next(3) == 0 ? $"{Pick(random, Methods)},{Pick(random, Methods)}" : Pick(random, Methods);
                    else args.AddRange(["--method", Pick(random, Methods)]);
                    break;
                case 4: // insert a flag, with or without a value
                    args.Insert(Math.Min(args.Count, 1 + random.Next(Math.Max(1, args.Count))), Pick(random, Flags));
                    if (random.Next(2) == 0) args.Insert(Math.Min(args.Count, i + 1), Pick(random, Values));
                    break;
                case 5: // drop a token
                    if (args.Count > 0) args.RemoveAt(i);
                    break;
                case 6: // repeat a token
                    if (args.Count > 0) args.Insert(i, args[i]);
                    break;
                case 7: // swap two tokens
                    if (args.Count > 1) { int j = random.Next(args.Count); (args[i], args[j]) = (args[j], args[i]); }
                    break;
                case 8: // edit characters inside a token
                    if (args.Count == 0) break;
                    var sb = new StringBuilder(args[i]);
                    int pos = sb.Length == 0 ? 0 : random.Next(sb.Length);
                    if (random.Next(2) == 0 && sb.Length > 0) sb.Remove(pos, 1);
                    else sb.Insert(pos, InsertedCharacters[random.Next(InsertedCharacters.Length)]);
                    args[i] = sb.ToString();
                    break;
                default: // --json on or off
                    if (!args.Remove("--json")) args.Add("--json");
                    break;
            }
        }
        return [.. args];
    }

    private const string InsertedCharacters = "-.e,=x9(é\u0000🙂";

    private static string Pick(Random random, string[] pool) => pool[random.Next(pool.Length)];

    /// <summary>Runs one case under a 3-second cancellation (the CLI's own SIGINT path) and returns what is wrong, or null.</summary>
    internal static (string? Failure, int Code, double Seconds) Check(string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var clock = Stopwatch.StartNew();
        long allocatedBefore = GC.GetTotalAllocatedBytes();
        int code;
        try
        {
            code = OptimaCli.Run(args, stdout, stderr, budget.Token);
        }
        catch (Exception e)
        {
            return ($"unhandled {e.GetType().Name}: {e.Message}", -1, clock.Elapsed.TotalSeconds);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        // Every seed and mutant works on inputs of a few hundred bytes; a case allocating more than this has let a
        // number from the command line size its memory (all threads' allocations count: a loose but real bound).
        long allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
        if (allocated > 2L << 30) return ($"allocated {allocated >> 20} MiB", code, seconds);
        string err = stderr.ToString(), text = stdout.ToString();
        if (code is not (0 or 1 or 2)) return ($"exit code {code}", code, seconds);
        if (err.Contains("   at ", StringComparison.Ordinal)) return ("stack trace on stderr: " + err, code, seconds);
        if (err.Contains("internal error", StringComparison.Ordinal)) return (err.Trim(), code, seconds);
        if (err.Contains("(Parameter '", StringComparison.Ordinal) || err.Contains("Actual value was", StringComparison.Ordinal) || err.Contains("System.", StringComparison.Ordinal))
            return (".NET details in the message: " + err.Trim(), code, seconds);
        // The cancellation budget is 3 s: a case still running well past it did not stop at its next iteration.
        if (seconds > 15) return ($"took {seconds:F1} s despite the 3-second cancellation", code, seconds);
        if (args.Contains("--json"))
        {
            try
            {
                using var doc = JsonDocument.Parse(text); // one document: trailing content fails
                if (code == 2 && !doc.RootElement.TryGetProperty("error", out _)) return ("exit 2 under --json without an error document: " + text, code, seconds);
            }
            catch (JsonException e)
            {
                return ($"--json output is not one JSON document ({e.Message}): [{text}]", code, seconds);
            }
        }
        return (null, code, seconds);
    }

    [Fact]
    public void Mutated_command_lines_exit_0_1_or_2_with_plain_messages_and_one_json_document()
    {
        double budgetSeconds = double.TryParse(Environment.GetEnvironmentVariable("OPTIMA_FUZZ_SECONDS"), CultureInfo.InvariantCulture, out double s) ? s : 4;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("OPTIMA_FUZZ_SEED"), CultureInfo.InvariantCulture, out int fs) ? fs : 20261204;
        var random = new Random(seed);
        var seeds = Seeds();
        var failures = new List<string>();
        var codes = new int[3];
        int cases = 0;
        double slowest = 0;
        string[] slowestArgs = [];
        var clock = Stopwatch.StartNew();
        // The seeds themselves first (they must pass), then mutants until the time budget is spent (at least 150 cases).
        while (cases < seeds.Length || (clock.Elapsed.TotalSeconds < budgetSeconds || cases < 150) && cases < 1_000_000)
        {
            var args = cases < seeds.Length ? seeds[cases] : Mutate(seeds[random.Next(seeds.Length)], random);
            var (failure, code, seconds) = Check(args);
            // A seed refused as a usage error would only fuzz the refusal: the seeds must run (exit 0 or 1), except the
            // train seeds, which name a missing data folder on purpose (see Seeds).
            if (failure is null && cases < seeds.Length && code == 2 && args[0] != "train") failure = "the seed itself exits 2 (a usage error)";
            cases++;
            if (seconds > slowest) (slowest, slowestArgs) = (seconds, args);
            if (code is >= 0 and <= 2) codes[code]++;
            if (failure is not null && failures.Count < 20)
                failures.Add($"{failure}\n    args: {JsonSerializer.Serialize(args)}");
        }
        output.WriteLine($"seed {seed}: {cases} cases in {clock.Elapsed.TotalSeconds:F1} s (exit 0: {codes[0]}, 1: {codes[1]}, 2: {codes[2]}); slowest case {slowest:F2} s ({JsonSerializer.Serialize(slowestArgs)}); {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(codes[0] > 0 && codes[2] > 0, "the mutants should reach both successful runs and refusals");
    }

    [Theory]
    [InlineData("minimize", "--json")]
    [InlineData("minimize", "--objective", "x^", "--start", "x=1", "--json")]
    [InlineData("minimize", "--objective", "x^2", "--start", "x=1", "--max-iter", "1.5", "--json")]
    [InlineData("fit", "/", "--model", "a*x", "--start", "a=1", "--json")]
    [InlineData("solve", "--matrix", "no-such.mtx", "--json")]
    [InlineData("train", "--momentum", "nan", "--json")]
    [InlineData("no-such-command", "--json")]
    [InlineData("--json")]
    [InlineData("fit", "data.csv", "--model", "a*x", "--start", "a=1", "--plot", "--json")]
    public void Every_refusal_under_json_is_one_error_document(params string[] args)
    {
        var (failure, code, _) = Check(args);
        Assert.Null(failure);
        Assert.Equal(2, code);
    }

    [Theory]
    [InlineData("help", "--help", "--json")]
    [InlineData("help", "fit", "--help", "--json")]
    [InlineData("version", "--version", "--json")]
    public void Help_and_version_under_json_are_one_document(string key, params string[] args)
    {
        var stdout = new StringWriter();
        Assert.Equal(0, OptimaCli.Run(args, stdout, new StringWriter()));
        using var doc = JsonDocument.Parse(stdout.ToString());
        Assert.False(string.IsNullOrWhiteSpace(doc.RootElement.GetProperty(key).GetString()));
    }
}
