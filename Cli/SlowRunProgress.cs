using System.Globalization;
using Optima.Solvers;

namespace Optima.Cli;

/// <summary>
/// Progress on stderr for a run that takes a while: nothing during the first second (short runs stay quiet), then
/// one line a second with the iteration, f and ‖∇f‖∞.
/// </summary>
internal sealed class SlowRunProgress(TextWriter error, string what) : IProgress<IterationRecord>
{
    private double _next = 1;

    public void Report(IterationRecord r)
    {
        if (r.ElapsedSeconds < _next) return;
        _next = Math.Floor(r.ElapsedSeconds) + 1;
        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: iteration {r.Iteration}, f = {r.Value:G10}, ‖∇f‖∞ = {r.GradientNorm:G3}, {r.ElapsedSeconds:F0} s"));
        error.Flush();
    }
}
