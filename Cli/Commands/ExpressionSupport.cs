namespace Optima.Cli;

internal static partial class Commands
{
    /// <summary>An objective from a model expression (filled in when the expression language lands).</summary>
    private static ObjectiveSource ExpressionObjectiveSource(string expression) =>
        throw new ArgumentException("--objective is not available yet; use --problem NAME.");
}
