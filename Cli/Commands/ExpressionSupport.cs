using Optima.Problems.Expressions;

namespace Optima.Cli;

internal static partial class Commands
{
    /// <summary>An objective from a model expression; its variables are named in order of first appearance.</summary>
    private static ObjectiveSource ExpressionObjectiveSource(string expression)
    {
        ExpressionObjective objective;
        try
        {
            objective = ExpressionObjective.Create(expression);
        }
        catch (ExpressionParseException e)
        {
            throw new ArgumentException($"--objective: {e.Message}", e);
        }
        if (objective.Dimension == 0) throw new ArgumentException("--objective has no variables.");
        return new ObjectiveSource(objective, expression, objective.VariableNames, null);
    }
}
