using System.Globalization;
using System.Text;

namespace Optima.Cli.Plotting;

/// <summary>
/// A corner plot of MCMC draws (as Foreman-Mackey's <c>corner.py</c>): a histogram of each variable on the diagonal and
/// the draws of each pair below it, with optional reference values (a fit's estimates) marked.
/// </summary>
internal static class CornerPlot
{
    private const int MaxVariables = 8, MaxPoints = 1500, Bins = 30;
    private const double Panel = 230;

    /// <summary>Writes the SVG; <paramref name="columns"/>[k] holds variable k's draws. At most 8 variables are drawn.</summary>
    public static void Save(string path, IReadOnlyList<string> names, IReadOnlyList<double[]> columns, IReadOnlyList<double>? reference = null)
    {
        int k = Math.Min(columns.Count, MaxVariables);
        int stride = Math.Max(1, columns[0].Length / MaxPoints);
        var sb = new StringBuilder();
        double size = Panel * k;
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{size}\" viewBox=\"0 0 {size} {size}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">"));
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"<rect width=\"{size}\" height=\"{size}\" fill=\"white\"/>"));
        for (int row = 0; row < k; row++)
            for (int col = 0; col <= row; col++)
            {
                var plot = new SvgPlot { XLabel = row == k - 1 ? names[col] : "", YLabel = col == 0 && row > 0 ? names[row] : "" };
                if (row == col)
                {
                    plot.Title = names[col];
                    var (x, y) = Histogram(columns[col]);
                    plot.AddLine("", x, y);
                    if (reference is not null) plot.AddLine("", [reference[col], reference[col]], [0.0, y.Max()], color: "#d62728", dashed: true);
                }
                else
                {
                    var xs = Thin(columns[col], stride);
                    var ys = Thin(columns[row], stride);
                    plot.AddScatter("", xs, ys, color: "#1f77b4");
                    if (reference is not null) plot.AddMarker("", reference[col], reference[row], "#d62728");
                }
                plot.Render(sb, col * Panel, row * Panel, Panel, Panel, 0);
            }
        File.WriteAllText(path, sb.Append("</svg>").ToString());
    }

    private static double[] Thin(double[] values, int stride)
    {
        var result = new double[(values.Length + stride - 1) / stride];
        for (int i = 0; i < result.Length; i++) result[i] = values[i * stride];
        return result;
    }

    /// <summary>A step outline of the histogram (density-free counts) over the values' range.</summary>
    private static (double[] X, double[] Y) Histogram(double[] values)
    {
        double lo = values.Min(), hi = values.Max();
        if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
        var counts = new double[Bins];
        foreach (double v in values) counts[Math.Min(Bins - 1, (int)((v - lo) / (hi - lo) * Bins))]++;
        var x = new List<double>();
        var y = new List<double>();
        double width = (hi - lo) / Bins;
        x.Add(lo); y.Add(0);
        for (int b = 0; b < Bins; b++)
        {
            x.Add(lo + b * width); y.Add(counts[b]);
            x.Add(lo + (b + 1) * width); y.Add(counts[b]);
        }
        x.Add(hi); y.Add(0);
        return ([.. x], [.. y]);
    }
}
