using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Optima.Distributed;
using Optima.LinearAlgebra.IO;
using Optima.Problems.Expressions;

namespace Optima.Cli;

/// <summary>
/// The <c>optima</c> command. Exit codes: 0 = finished with a usable result, 1 = ran but did not converge or was
/// cancelled (result still printed), 2 = bad input or usage, and also an unexpected internal error (a one-line message
/// saying so, never a stack trace). With <c>--json</c> a command prints exactly one JSON document on stdout on every
/// path: its result, or an error document <c>{ "error": …, "kind": …, "exitCode": 2, "option", "file", "line", "column" }</c>.
/// SIGINT and SIGTERM stop a running minimize, fit, compare or train at its next iteration (exit 1, reason Cancelled).
/// </summary>
public static partial class OptimaCli
{
    /// <summary>Exit code: finished with a usable result.</summary>
    public const int Ok = 0;
    /// <summary>Exit code: ran but did not converge, or was cancelled.</summary>
    public const int NotConverged = 1;
    /// <summary>Exit code: bad input or usage (also an unexpected internal error, reported as such).</summary>
    public const int BadInput = 2;

    /// <summary>camelCase keys, numbers as numbers, NaN/∞ as the strings "NaN"/"Infinity".</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Runs the CLI in-process with the given writers (used by Main and by the tests).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, CancellationToken.None);

    /// <summary>
    /// Runs the CLI in-process; <paramref name="cancellation"/> stops a long run at its next iteration (as SIGINT does
    /// for <see cref="Main"/>). Never throws: every failure becomes a message and an exit code. <paramref name="communicator"/>
    /// is the process's MPI world under a launcher (commands that distribute, such as train, use it); null: a single process.
    /// </summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellation, ICommunicator? communicator = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        // Decided from the raw arguments, so that even a command line that does not parse gets a JSON answer.
        bool json = args.Contains("--json", StringComparer.Ordinal);
        // Under --json the command writes into a buffer that reaches stdout only when it finishes, so a failure
        // half-way never leaves a partial document in front of the error document.
        var output = json ? new StringWriter() : stdout;
        try
        {
            // Progress on stderr: on by default, off with --quiet, and off under --json unless --progress asks for it (a
            // script reading the document wants a quiet stderr too).
            bool progress = !args.Contains("--quiet", StringComparer.Ordinal) && (!json || args.Contains("--progress", StringComparer.Ordinal));
            var context = new CliContext(output, stderr) { Cancellation = cancellation, ShowProgress = progress, Communicator = communicator ?? SingleProcessCommunicator.Instance };
            var root = new RootCommand("Optima: numerical optimization from the command line — linear solvers, first- and second-order methods, least squares.");
            root.Options.Add(new Option<bool>("--quiet") { Description = "No progress on stderr (results and errors still print).", Recursive = true });
            root.Options.Add(new Option<bool>("--progress") { Description = "Progress on stderr even under --json (off there by default).", Recursive = true });
            foreach (var command in Commands.All(context)) root.Subcommands.Add(command);

            var parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                var first = parse.Errors[0];
                string? option = first.SymbolResult switch
                {
                    OptionResult o => o.Option.Name,
                    ArgumentResult { Parent: OptionResult o } => o.Option.Name,
                    _ => null,
                };
                string message = PlainTypes(string.Join(" ", parse.Errors.Select(e => e.Message).Distinct()));
                stderr.WriteLine($"optima: {message}");
                stderr.WriteLine("Run 'optima --help' for usage.");
                if (json) WriteError(stdout, new ErrorDocument(message, "usage", BadInput, option, null, null, null));
                return BadInput;
            }
            // "--plot --json" makes "--json" the plot's file name: a value that is one of the command's own options is a
            // forgotten value, refused before anything runs (and under --json, answered in JSON as the user meant).
            foreach (var result in parse.CommandResult.Children.OfType<OptionResult>())
                foreach (var token in result.Tokens)
                    if (token.Value.StartsWith("--", StringComparison.Ordinal) && parse.CommandResult.Command.Options.Any(o => o.Name == token.Value || o.Aliases.Contains(token.Value)))
                    {
                        string message = $"{result.Option.Name} needs a value, but is followed by the option {token.Value}.";
                        stderr.WriteLine($"optima: {message}");
                        if (json) WriteError(stdout, new ErrorDocument(message, "usage", BadInput, result.Option.Name, null, null, null));
                        return BadInput;
                    }
            int code = parse.Invoke(new InvocationConfiguration { Output = output, Error = stderr, EnableDefaultExceptionHandler = false });
            if (json)
            {
                string text = output.ToString()!;
                // --help and --version print text by nature: under --json that text travels inside one document.
                if (parse.Action is System.CommandLine.Help.HelpAction) WriteDocument(stdout, new TextDocument(Help: text));
                else if (parse.CommandResult.Command is RootCommand && parse.Tokens.Any(t => t.Value == "--version")) WriteDocument(stdout, new TextDocument(Version: text.Trim()));
                else if (text.Length > 0) stdout.Write(text);
                else
                {
                    // Every command writes its document; one that did not is a bug, still answered in JSON.
                    code = code == Ok ? BadInput : code;
                    WriteError(stdout, new ErrorDocument("internal error: the command printed no result.", "internal", code, null, null, null, null));
                }
            }
            return code;
        }
        catch (Exception e)
        {
            var (document, line) = Describe(e);
            stderr.WriteLine(line);
            // For a bug report: OPTIMA_DEBUG=1 adds the stack trace (never shown otherwise).
            if (Environment.GetEnvironmentVariable("OPTIMA_DEBUG") is "1" or "true") stderr.WriteLine(e);
            if (json) WriteError(stdout, document);
            return document.ExitCode;
        }
    }

    /// <summary>Entry point: SIGINT/SIGTERM cancel the run (a second SIGINT ends the process at once).</summary>
    public static int Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        TextWriter? errors = null; // under MPI, the descriptor writer (see Descriptor); otherwise Console.Error
        void Stop(PosixSignalContext signal)
        {
            if (cancel.IsCancellationRequested) return; // second signal: let the runtime end the process
            signal.Cancel = true;
            (errors ?? Console.Error).WriteLine($"optima: {signal.Signal} received; stopping at the next iteration (send it again to end at once).");
            cancel.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        ICommunicator world;
        try
        {
            world = Communicator.FromEnvironment(); // the MPI world under mpirun/mpiexec, else a single process
        }
        catch (Exception e) when (e is InvalidOperationException or MpiException)
        {
            Console.Error.WriteLine($"optima: {e.Message}");
            return BadInput;
        }
        using (world)
        {
            // Under MPI, rank 0 prints the result; a rank that fails ends the whole job (MPI_Abort) rather than leave the
            // others waiting in a collective.
            if (world is SingleProcessCommunicator) return Run(args, Console.Out, Console.Error, cancel.Token, world);
            using var stdout = world.Rank == 0 ? Descriptor(1) : TextWriter.Null;
            using var stderr = Descriptor(2);
            errors = stderr;
            int code = Run(args, stdout, stderr, cancel.Token, world);
            if (code == BadInput && world.Size > 1) world.Abort(code);
            return code;
        }

        // Open MPI hands its ranks a pseudo-terminal as stdout, and .NET's Console writes the terminal's keypad sequence
        // (ESC[?1h ESC=) to it on its first write to stdout or stderr, which would break a --json document: under MPI
        // nothing here writes through Console.
        static StreamWriter Descriptor(int fd) =>
            new(new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: false), FileAccess.Write, 1)) { AutoFlush = true };
    }

    /// <summary>The JSON error document printed under --json when a command cannot give its result.</summary>
    /// <param name="Error">The message (as on stderr, without the "optima: " prefix).</param>
    /// <param name="Kind">"usage" (the command line does not parse), "badInput" (an input or option is invalid),
    /// "cancelled" (stopped before a result existed) or "internal" (a bug).</param>
    /// <param name="ExitCode">The process exit code that goes with it.</param>
    /// <param name="Option">The option at fault, when known (e.g. "--start").</param>
    /// <param name="File">The file at fault, when known.</param>
    /// <param name="Line">The 1-based line of <paramref name="File"/> at fault, when known.</param>
    /// <param name="Column">The 1-based column of an expression's syntax error, when known.</param>
    public sealed record ErrorDocument(string Error, string Kind, int ExitCode, string? Option, string? File, int? Line, int? Column);

    /// <summary>The document that carries <c>--help</c> or <c>--version</c> text under --json.</summary>
    /// <param name="Help">The help text, when --help was asked for.</param>
    /// <param name="Version">The version, when --version was asked for.</param>
    public sealed record TextDocument(
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Help = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Version = null);

    private static void WriteDocument(TextWriter stdout, TextDocument document) =>
        stdout.WriteLine(JsonSerializer.Serialize(document, Json));

    private static void WriteError(TextWriter stdout, ErrorDocument document) =>
        stdout.WriteLine(JsonSerializer.Serialize(document, Json));

    /// <summary>The error document and the one-line stderr message for an exception that reached the top.</summary>
    public static (ErrorDocument Document, string Line) Describe(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is AggregateException { InnerExceptions.Count: 1 } aggregate) e = aggregate.InnerExceptions[0];
        if (e is OperationCanceledException)
            return (new ErrorDocument("Cancelled before a result was available.", "cancelled", NotConverged, null, null, null, null), "optima: cancelled before a result was available.");
        bool input = e is ArgumentException or FormatException or IOException or InvalidDataException or UnauthorizedAccessException
            or OverflowException;
        if (!input)
        {
            // A bug, not the user's fault: say so plainly (the type names the failure for a report), exit 2, no trace.
            string what = e is OutOfMemoryException ? "out of memory" : $"{e.GetType().Name}: {Plain(e)}";
            string text = $"internal error ({what}); this is a bug in optima, please report it with the command line.";
            return (new ErrorDocument(text, "internal", BadInput, null, null, null, null), $"optima: {text}");
        }
        string message = Plain(e);
        string? option = null, file = null;
        int? line = null, column = null;
        // A directory where a file was expected reads as "not found" or "access denied" from .NET: say what it is.
        if (e is IOException or UnauthorizedAccessException && PathIn(e, message) is { } path && Directory.Exists(path))
        {
            message = $"'{path}' is a directory; a file is expected.";
            file = path;
        }
        switch (e)
        {
            case FileNotFoundException f:
                file = f.FileName;
                break;
            case MatrixMarketFormatException m:
                file = m.SourceName;
                line = m.LineNumber > 0 ? m.LineNumber : null;
                break;
            case ArgumentException { InnerException: ExpressionParseException p }:
                column = p.Column;
                break;
        }
        if (OptionPrefix().Match(message) is { Success: true } om) option = om.Groups[1].Value;
        if (line is null && FileLine().Match(message) is { Success: true } fl)
        {
            file ??= fl.Groups[1].Value.Trim('\'');
            line = int.TryParse(fl.Groups[2].Value, out int l) ? l : null;
        }
        return (new ErrorDocument(message, "badInput", BadInput, option, file, line, column), $"optima: {message}");
    }

    /// <summary>
    /// An exception's message without the .NET decorations a user has no use for: " (Parameter 'x')" and
    /// "Actual value was …" of argument exceptions, and line breaks (one line; an expression's caret pointer excepted).
    /// </summary>
    internal static string Plain(Exception e)
    {
        string m = e.Message;
        if (e is ArgumentException { ParamName: { } name }) m = m.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal);
        var lines = m.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => !l.StartsWith("Actual value was", StringComparison.Ordinal)).ToList();
        bool pointer = e is ExpressionParseException || e.InnerException is ExpressionParseException;
        return pointer ? string.Join(Environment.NewLine, lines).Trim() : string.Join(" ", lines.Select(l => l.Trim()).Where(l => l.Length > 0));
    }

    /// <summary>The path an I/O exception is about: its FileName, else the first quoted text of its message.</summary>
    private static string? PathIn(Exception e, string message) =>
        (e as FileNotFoundException)?.FileName ?? (QuotedPath().Match(message) is { Success: true } m ? m.Groups[1].Value : null);

    /// <summary>System.CommandLine names the CLR type it expected ("as expected type 'System.Int32'"): name the kind of value instead.</summary>
    internal static string PlainTypes(string message) => ExpectedType().Replace(message, m => m.Groups[1].Value switch
    {
        "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" or "System.Nullable`1[System.Int64]" => "as an integer",
        "System.UInt64" or "System.Nullable`1[System.UInt64]" => "as a non-negative integer",
        "System.Double" or "System.Nullable`1[System.Double]" => "as a number",
        "System.Boolean" => "as true or false",
        _ => "",
    });

    [GeneratedRegex(@"\s*as expected type '([^']+)'")]
    private static partial Regex ExpectedType();

    [GeneratedRegex(@"'([^']+)'")]
    private static partial Regex QuotedPath();

    [GeneratedRegex(@"^(--[a-z][a-z0-9-]*)\b")]
    private static partial Regex OptionPrefix();

    [GeneratedRegex(@"^(.+?), line (\d+)\b")]
    private static partial Regex FileLine();
}

/// <summary>Where a command writes, and the token that stops a long run.</summary>
public sealed record CliContext(TextWriter Out, TextWriter Error)
{
    /// <summary>Signalled on SIGINT/SIGTERM (or by an in-process caller): long runs stop at their next iteration.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Whether progress goes to <see cref="Error"/>: not under --quiet, and under --json only with --progress.</summary>
    public bool ShowProgress { get; init; } = true;

    /// <summary>The ranks of an MPI job (under mpirun), or a single process; commands that distribute use it.</summary>
    public ICommunicator Communicator { get; init; } = SingleProcessCommunicator.Instance;

    /// <summary>Progress lines on stderr for a run that takes more than a second, or null when progress is off.</summary>
    public IProgress<Optima.Solvers.IterationRecord>? SlowRunProgress(string what) => ShowProgress ? new SlowRunProgress(Error, what) : null;

    /// <summary>Writes <paramref name="value"/> as the command's single JSON document.</summary>
    public void WriteJson<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, OptimaCli.Json));
}
