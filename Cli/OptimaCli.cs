using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Optima.Cli;

/// <summary>
/// The <c>optima</c> command. Exit codes: 0 = finished with a usable result, 1 = ran but did not converge
/// (result still printed), 2 = bad input or usage (message on stderr, never a stack trace).
/// With <c>--json</c> a command prints exactly one JSON document on stdout.
/// </summary>
public static class OptimaCli
{
    /// <summary>Exit code: finished with a usable result.</summary>
    public const int Ok = 0;
    /// <summary>Exit code: ran but did not converge.</summary>
    public const int NotConverged = 1;
    /// <summary>Exit code: bad input or usage.</summary>
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
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var context = new CliContext(stdout, stderr);
        var root = new RootCommand("Optima: numerical optimization from the command line — linear solvers, first- and second-order methods, least squares.");
        foreach (var command in Commands.All(context)) root.Subcommands.Add(command);

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) stderr.WriteLine($"optima: {error.Message}");
            stderr.WriteLine("Run 'optima --help' for usage.");
            return BadInput;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            string message = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "") : e.Message;
            stderr.WriteLine($"optima: {message}");
            return BadInput;
        }
    }

    /// <summary>Entry point.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);
}

/// <summary>Where a command writes.</summary>
public sealed record CliContext(TextWriter Out, TextWriter Error)
{
    /// <summary>Writes <paramref name="value"/> as the command's single JSON document.</summary>
    public void WriteJson<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, OptimaCli.Json));
}
