using System.CommandLine;

namespace Optima.Cli;

/// <summary>The list of subcommands; each family of commands lives in its own file.</summary>
internal static partial class Commands
{
    public static IEnumerable<Command> All(CliContext context)
    {
        yield return ProblemsCommand(context);
        yield return CheckCommand(context);
        yield return AnalyzeCommand(context);
        yield return SolveCommand(context);
        yield return MinimizeCommand(context);
        yield return TrainCommand(context);
        yield return MpiCommand(context);
        yield return CompareCommand(context);
        yield return TaxonomyCommand(context);
        yield return FitCommand(context);
        yield return NistCommand(context);
        yield return EvalCommand(context);
        yield return LassoCommand(context);
        yield return QpCommand(context);
        yield return DeviceCommand(context);
        yield return SampleCommand(context);
    }

    /// <summary>The shared <c>--json</c> flag.</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "Print one JSON document on stdout instead of tables." };
}
