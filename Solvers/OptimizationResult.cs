using System.Globalization;
using System.Text;

namespace Optima.Solvers;

/// <summary>One convergence test: its tolerance next to the value the run reached.</summary>
/// <param name="Name">"gradient", "function" or "step" (the driver's), or the name of a method's own test.</param>
/// <param name="Tolerance">The threshold in force (0 = the test was off).</param>
/// <param name="Reached">The last measured quantity (‖∇f‖∞, relative change in f, relative step).</param>
/// <param name="Met">Whether this test stopped the run.</param>
public readonly record struct ConvergenceTest(string Name, double Tolerance, double Reached, bool Met);

/// <summary>
/// The result of every solver: the point, what was reached, how much it cost, and why it stopped. The point is
/// always the last good iterate: after a failure (NaN, failed line search) it is the iterate before the failure.
/// </summary>
public sealed record OptimizationResult : IRunResult
{
    /// <summary>Name of the method that ran (as in the method registry, e.g. "gd", "bfgs", "lm").</summary>
    public required string Method { get; init; }

    /// <summary>The final iterate x (the last good one).</summary>
    public required double[] Solution { get; init; }

    /// <summary>f at <see cref="Solution"/> (for least squares: the residual sum of squares Σ rᵢ²).</summary>
    public required double Value { get; init; }

    /// <summary>f at the starting point.</summary>
    public required double InitialValue { get; init; }

    /// <summary>‖∇f‖∞ at <see cref="Solution"/> (NaN when the method computes no gradient).</summary>
    public required double GradientNorm { get; init; }

    /// <summary>Iterations performed (accepted and rejected steps).</summary>
    public required int Iterations { get; init; }

    long IRunResult.Iterations => Iterations;

    /// <summary>Evaluation counts by kind.</summary>
    public required EvaluationCounts Evaluations { get; init; }

    /// <summary>Why the run stopped.</summary>
    public required TerminationReason Reason { get; init; }

    /// <summary>Details about the stop when there are any (which line-search condition failed, which pivot was singular…).</summary>
    public string? Message { get; init; }

    /// <summary>Each convergence test with its tolerance and the value reached: the driver's three, then the method's own (<see cref="MethodState.ConvergenceTests"/>).</summary>
    public IReadOnlyList<ConvergenceTest> ConvergenceTests { get; init; } = [];

    /// <summary>Things the caller should know that did not stop the run (a start projected onto the bounds …). Empty by default.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>For constrained methods (auglag, penalty, sqp): each constraint's value and multiplier and the KKT residuals; null otherwise.</summary>
    public Constrained.ConstraintReport? Constraints { get; init; }

    /// <summary>Wall time of the run.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Per-iteration history when <see cref="RunOptions.RecordHistory"/> was set (row 0 is the start), else null.</summary>
    public IReadOnlyList<IterationRecord>? History { get; init; }

    /// <summary>True when a convergence test was met.</summary>
    public bool IsConverged => Reason.IsConverged();

    /// <summary>True when <see cref="Solution"/> is usable (converged, or stopped at a caller's limit).</summary>
    public bool IsUsable => Reason.IsUsable();

    /// <summary>One line: method, reason, f, x (up to 6 entries), ‖∇f‖, iterations, evaluations, time.</summary>
    public string Brief()
    {
        var ci = CultureInfo.InvariantCulture;
        string x = Solution.Length <= 6 ? $", x = [{string.Join(", ", Solution.Select(v => v.ToString("G8", ci)))}]" : "";
        return string.Create(ci,
            $"{Method}: {Reason} — f = {Value:G10}{x}, ‖∇f‖∞ = {GradientNorm:G3}, {Iterations} iterations, {Evaluations}, {Elapsed.TotalMilliseconds:F1} ms");
    }

    /// <summary>A multi-line report in the spirit of Ceres' FullReport.</summary>
    public string FullReport()
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(ci, $"Method                 {Method}");
        sb.AppendLine(ci, $"Termination            {Reason} ({Reason.Describe()})");
        if (!string.IsNullOrEmpty(Message)) sb.AppendLine(ci, $"Message                {Message}");
        foreach (var warning in Warnings) sb.AppendLine(ci, $"Warning                {warning}");
        sb.AppendLine(ci, $"Converged / usable     {(IsConverged ? "yes" : "no")} / {(IsUsable ? "yes" : "no")}");
        sb.AppendLine(ci, $"Dimension              {Solution.Length}");
        sb.AppendLine(ci, $"Initial f              {InitialValue:G17}");
        sb.AppendLine(ci, $"Final f                {Value:G17}");
        sb.AppendLine(ci, $"Final ‖∇f‖∞            {GradientNorm:G6}");
        sb.AppendLine(ci, $"Iterations             {Iterations}");
        sb.AppendLine(ci, $"Evaluations            {Evaluations}");
        sb.AppendLine(ci, $"Time                   {Elapsed.TotalSeconds:F6} s");
        if (ConvergenceTests.Count > 0)
        {
            sb.AppendLine("Convergence tests      tolerance      reached        met");
            foreach (var t in ConvergenceTests)
                sb.AppendLine(ci, $"  {t.Name,-20} {(t.Tolerance == 0 ? "off" : t.Tolerance.ToString("G6", ci)),-14} {t.Reached.ToString("G6", ci),-14} {(t.Met ? "yes" : "")}");
        }
        int shown = Math.Min(Solution.Length, 10);
        sb.Append("Solution               [");
        for (int i = 0; i < shown; i++) sb.Append(ci, $"{(i > 0 ? ", " : "")}{Solution[i]:G12}");
        sb.AppendLine(Solution.Length > shown ? $", … ({Solution.Length - shown} more)]" : "]");
        return sb.ToString();
    }
}
