using Optima.Problems;

namespace Optima.Solvers.Internal;

/// <summary>Argument checks shared by the methods (misuse throws; run outcomes never do).</summary>
internal static class MethodChecks
{
    public static void Start(IObjective problem, ReadOnlySpan<double> start)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (start.Length != problem.Dimension)
            throw new ArgumentException($"The start has length {start.Length} but the problem has dimension {problem.Dimension}.", nameof(start));
        IterativeDriver.RequireFiniteStart(start);
    }

    public static void Start(ILeastSquaresProblem problem, ReadOnlySpan<double> start)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (start.Length != problem.Parameters)
            throw new ArgumentException($"The start has length {start.Length} but the problem has {problem.Parameters} parameters.", nameof(start));
        if (problem.Residuals < 1)
            throw new ArgumentException("The least-squares problem has no residuals.", nameof(problem));
        IterativeDriver.RequireFiniteStart(start);
    }

    public static void Positive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number > 0.");
    }
}
