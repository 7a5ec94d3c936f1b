using Optima.Solvers.Comparison;

namespace Optima.Cli.Plotting;

/// <summary>The figures of <c>optima compare</c>: convergence curves, and method paths over contours for 2-D problems.</summary>
public static class ComparisonPlots
{
    /// <summary>The line colours: the plot palette without its yellow, which is hard to see on white.</summary>
    private static readonly string[] Colors = SvgPlot.Palette.Where(c => c != "#F0E442").ToArray();

    /// <summary>
    /// Two panels: f − f_ref on a log axis against the iteration (top) and against wall time (bottom, log axis),
    /// one line per method that ran, with a legend.
    /// </summary>
    public static SvgFigure Convergence(ComparisonReport report, string title)
    {
        ArgumentNullException.ThrowIfNull(report);
        string measure = report.ReferenceKind == "known minimum" ? "f − f*" : "f − f_best";
        var byIteration = new SvgPlot { Title = title, XLabel = "iteration", YLabel = measure, LogY = true };
        var byTime = new SvgPlot { XLabel = "wall time (seconds, log scale)", YLabel = measure, LogY = true, LogX = true };
        int k = 0;
        foreach (var run in report.Runs)
        {
            string color = Colors[k++ % Colors.Length];
            if (run.Result?.History is not { Count: > 0 } h) continue;
            var rows = Thin(h, 800);
            double[] err = rows.Select(r => r.Value - report.ReferenceValue).ToArray();
            byIteration.AddLine(run.Method, rows.Select(r => (double)r.Iteration).ToArray(), err, color, dashed: IsDashed(run));
            byTime.AddLine(run.Method, rows.Select(r => Math.Max(r.ElapsedSeconds, 1e-7)).ToArray(), err, color, dashed: IsDashed(run));
        }
        return new SvgFigure().Add(byIteration).Add(byTime);
    }

    /// <summary>
    /// Contours of f over a box around the start, the known minimisers and every method's final point, with every
    /// method's path (iterates joined; dots on each iterate when there are at most 60), the start (×) and the known
    /// minimisers (★).
    /// </summary>
    /// <exception cref="ArgumentException">The problem is not 2-D, or no path was recorded.</exception>
    public static SvgPlot Paths(ComparisonReport report, Func<double, double, double> f, IReadOnlyList<double[]> minimizers,
        string title, IReadOnlyList<string> variableNames)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(f);
        if (report.Start.Length != 2)
            throw new ArgumentException($"--paths needs a 2-D problem; this one has dimension {report.Start.Length}.");
        var anchors = new List<double[]> { report.Start };
        anchors.AddRange(minimizers.Where(m => m.Length == 2));
        foreach (var run in report.Runs)
            if (run.Result is { } r && r.Solution.All(double.IsFinite)) anchors.Add(r.Solution);
        double x0 = anchors.Min(p => p[0]), x1 = anchors.Max(p => p[0]), y0 = anchors.Min(p => p[1]), y1 = anchors.Max(p => p[1]);
        // Let paths that wander a little outside widen the box, but not the ones that run away.
        double w = Math.Max(x1 - x0, 1e-3), hgt = Math.Max(y1 - y0, 1e-3), reach = 1.5 * Math.Max(w, hgt);
        foreach (var run in report.Runs)
            foreach (var rec in run.Result?.History ?? [])
                if (rec.Point is { Length: 2 } p && double.IsFinite(p[0]) && double.IsFinite(p[1])
                    && p[0] > x0 - reach && p[0] < x1 + reach && p[1] > y0 - reach && p[1] < y1 + reach)
                {
                    x0 = Math.Min(x0, p[0]); x1 = Math.Max(x1, p[0]); y0 = Math.Min(y0, p[1]); y1 = Math.Max(y1, p[1]);
                }
        double side = Math.Max(Math.Max(x1 - x0, y1 - y0), 1e-3), pad = 0.12 * side;
        double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
        double halfX = Math.Max(x1 - x0, 0.5 * side) / 2 + pad, halfY = Math.Max(y1 - y0, 0.5 * side) / 2 + pad;

        var plot = new SvgPlot
        {
            Title = title,
            XLabel = variableNames.Count > 0 ? variableNames[0] : "x",
            YLabel = variableNames.Count > 1 ? variableNames[1] : "y",
            EqualAspect = true,
        };
        plot.AddContours(f, cx - halfX, cx + halfX, cy - halfY, cy + halfY, levels: 18, grid: 160);
        int k = 0;
        foreach (var run in report.Runs)
        {
            string color = Colors[k++ % Colors.Length];
            if (run.Result?.History is not { Count: > 0 } h || h[0].Point is null) continue;
            var rows = Thin(h, 1500);
            var xs = rows.Select(r => r.Point![0]).ToArray();
            var ys = rows.Select(r => r.Point![1]).ToArray();
            plot.AddLine(run.Method, xs, ys, color, dashed: IsDashed(run), markers: h.Count <= 60);
        }
        plot.AddMarker("start", report.Start[0], report.Start[1], "#000000", MarkerShape.Cross);
        for (int i = 0; i < minimizers.Count; i++)
            if (minimizers[i].Length == 2)
                plot.AddMarker(i == 0 ? (minimizers.Count == 1 ? "minimum" : "minima") : "", minimizers[i][0], minimizers[i][1], "#C00000", MarkerShape.Star);
        return plot;
    }

    /// <summary>At most about <paramref name="max"/> rows, evenly strided, always keeping the first and the last (keeps SVG files small).</summary>
    private static IReadOnlyList<Optima.Solvers.IterationRecord> Thin(IReadOnlyList<Optima.Solvers.IterationRecord> h, int max)
    {
        if (h.Count <= max) return h;
        int stride = (h.Count + max - 1) / max;
        var rows = new List<Optima.Solvers.IterationRecord>();
        for (int i = 0; i < h.Count; i += stride) rows.Add(h[i]);
        if (rows[^1].Iteration != h[^1].Iteration) rows.Add(h[^1]);
        return rows;
    }

    /// <summary>First-order methods solid, the others dashed, so families stay apart when colours repeat.</summary>
    private static bool IsDashed(MethodRun run) => run.Family != "first-order";
}
