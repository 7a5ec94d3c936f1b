using System.Globalization;
using System.Text;

namespace Optima.Cli.Plotting;

/// <summary>
/// A small SVG chart: lines, scatter points, markers and contour lines over linear or logarithmic axes with
/// "nice" ticks, axis labels, a title and a legend. Ours rather than ScottPlot/OxyPlot, which would bring SkiaSharp's
/// native libraries into the tool (Docs/plots.md has the measurements); the output is plain, self-contained,
/// byte-deterministic SVG that browsers render and that can be inlined in HTML.
/// </summary>
public sealed class SvgPlot
{
    private readonly List<Series> _series = [];
    private readonly List<ContourSet> _contours = [];

    /// <summary>Title drawn above the plot area.</summary>
    public string Title { get; set; } = "";
    /// <summary>Label under the x axis.</summary>
    public string XLabel { get; set; } = "";
    /// <summary>Label beside the y axis.</summary>
    public string YLabel { get; set; } = "";
    /// <summary>Logarithmic y axis (non-positive values are left out).</summary>
    public bool LogY { get; set; }
    /// <summary>Logarithmic x axis (non-positive values are left out).</summary>
    public bool LogX { get; set; }
    /// <summary>Fixed x range, or null to fit the data.</summary>
    public (double Min, double Max)? XRange { get; set; }
    /// <summary>Fixed y range, or null to fit the data.</summary>
    public (double Min, double Max)? YRange { get; set; }
    /// <summary>Keep one unit in x as long as one unit in y (for contour plots of 2-D functions).</summary>
    public bool EqualAspect { get; set; }

    /// <summary>The colour cycle (Okabe–Ito, readable by colour-blind people).</summary>
    public static readonly string[] Palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442", "#7F7F7F", "#8C564B", "#17BECF", "#BCBD22"];

    /// <summary>Adds a polyline. Non-finite points (and non-positive ones on a log axis) break the line.</summary>
    public SvgPlot AddLine(string label, IReadOnlyList<double> x, IReadOnlyList<double> y, string? color = null, bool dashed = false, bool markers = false)
    {
        RequireSameLength(x, y);
        _series.Add(new Series(label, x, y, color ?? Palette[_series.Count % Palette.Length], SeriesKind.Line, dashed, markers));
        return this;
    }

    /// <summary>Adds scatter points.</summary>
    public SvgPlot AddScatter(string label, IReadOnlyList<double> x, IReadOnlyList<double> y, string? color = null)
    {
        RequireSameLength(x, y);
        _series.Add(new Series(label, x, y, color ?? Palette[_series.Count % Palette.Length], SeriesKind.Scatter, false, false));
        return this;
    }

    /// <summary>Adds a single labelled marker (a start point, a known minimum …).</summary>
    public SvgPlot AddMarker(string label, double x, double y, string color = "#000000", MarkerShape shape = MarkerShape.Cross)
    {
        _series.Add(new Series(label, [x], [y], color, SeriesKind.Marker, false, false, shape));
        return this;
    }

    /// <summary>
    /// Adds contour lines of f by marching squares on a grid × grid sample. The rectangle sets the axis ranges
    /// (unless fixed already); f is sampled when the chart is drawn, over the whole plot area the axes finally span
    /// (they widen to whole tick steps), so the lines reach the frame. Levels default to quantiles of the sampled
    /// values, spaced in log(f − min) so valleys show detail.
    /// </summary>
    public SvgPlot AddContours(Func<double, double, double> f, double xMin, double xMax, double yMin, double yMax,
        int levels = 14, int grid = 120, IReadOnlyList<double>? levelValues = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        if (!(xMax > xMin) || !(yMax > yMin)) throw new ArgumentException("The contour rectangle must have xMax > xMin and yMax > yMin.");
        if (grid < 2) throw new ArgumentOutOfRangeException(nameof(grid), grid, "The grid needs at least 2 points per side.");
        _contours.Add(new ContourSet(f, grid, levels, levelValues));
        XRange ??= (xMin, xMax);
        YRange ??= (yMin, yMax);
        return this;
    }

    private static ContourGrid Sample(ContourSet c, double xMin, double xMax, double yMin, double yMax)
    {
        int grid = c.Grid;
        var values = new double[grid + 1, grid + 1];
        var finite = new List<double>();
        for (int i = 0; i <= grid; i++)
            for (int j = 0; j <= grid; j++)
            {
                double v = c.F(xMin + (xMax - xMin) * i / grid, yMin + (yMax - yMin) * j / grid);
                values[i, j] = v;
                if (double.IsFinite(v)) finite.Add(v);
            }
        IReadOnlyList<double> chosen = c.LevelValues ?? DefaultLevels(finite, c.LevelCount);
        return new ContourGrid(values, xMin, xMax, yMin, yMax, grid, chosen);
    }

    /// <summary>The chart as a standalone SVG document.</summary>
    public string ToSvg(double width = 760, double height = 500)
    {
        var sb = new StringBuilder();
        sb.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">"));
        sb.Append(Inv($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>"));
        Render(sb, 0, 0, width, height);
        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>Writes <see cref="ToSvg"/> to a file.</summary>
    public void Save(string path, double width = 760, double height = 500) => File.WriteAllText(path, ToSvg(width, height));

    /// <summary>Draws the chart into the rectangle (left, top, width, height) of a larger SVG.</summary>
    /// <summary>Width the legend box needs (0 without labelled series).</summary>
    internal double LegendWidth()
    {
        var labelled = _series.Where(s => !string.IsNullOrEmpty(s.Label)).ToList();
        return labelled.Count == 0 ? 0 : Math.Min(230, 42 + 7 * labelled.Max(s => s.Label.Length));
    }

    /// <summary>Draws the chart; <paramref name="legendWidthOverride"/> reserves the same legend column in stacked panels so their x axes line up.</summary>
    internal void Render(StringBuilder sb, double left, double top, double width, double height, double? legendWidthOverride = null)
    {
        var legend = _series.Where(s => !string.IsNullOrEmpty(s.Label)).ToList();
        double legendWidth = legendWidthOverride ?? LegendWidth();
        double plotLeft = left + 70, plotTop = top + (string.IsNullOrEmpty(Title) ? 15 : 35);
        double plotWidth = width - 70 - 20 - legendWidth, plotHeight = height - (plotTop - top) - 50;
        if (plotWidth < 50 || plotHeight < 50) throw new ArgumentException("The plot is too small to draw.");

        var (x0, x1) = XRange ?? DataRange(_series.SelectMany(s => s.X), LogX);
        var (y0, y1) = YRange ?? DataRange(_series.SelectMany(s => s.Y), LogY);
        var xAxis = new Axis(x0, x1, LogX);
        var yAxis = new Axis(y0, y1, LogY);
        if (EqualAspect)
        {
            double sx = plotWidth / (xAxis.Hi - xAxis.Lo), sy = plotHeight / (yAxis.Hi - yAxis.Lo);
            if (sx > sy) { double w = plotWidth; plotWidth = (xAxis.Hi - xAxis.Lo) * sy; plotLeft += (w - plotWidth) / 2; }
            else { double h = plotHeight; plotHeight = (yAxis.Hi - yAxis.Lo) * sx; plotTop += (h - plotHeight) / 2; }
        }
        double Px(double v) => plotLeft + (xAxis.Map(v) - xAxis.Lo) / (xAxis.Hi - xAxis.Lo) * plotWidth;
        double Py(double v) => plotTop + plotHeight - (yAxis.Map(v) - yAxis.Lo) / (yAxis.Hi - yAxis.Lo) * plotHeight;

        if (!string.IsNullOrEmpty(Title))
            sb.Append(Inv($"<text x=\"{left + width / 2:F1}\" y=\"{top + 20:F1}\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{Escape(Title)}</text>"));

        // Grid and ticks.
        sb.Append("<g class=\"axes\" stroke=\"#dddddd\" stroke-width=\"1\">");
        foreach (double t in xAxis.Ticks()) sb.Append(Inv($"<line x1=\"{Px(t):F1}\" y1=\"{plotTop:F1}\" x2=\"{Px(t):F1}\" y2=\"{plotTop + plotHeight:F1}\"/>"));
        foreach (double t in yAxis.Ticks()) sb.Append(Inv($"<line x1=\"{plotLeft:F1}\" y1=\"{Py(t):F1}\" x2=\"{plotLeft + plotWidth:F1}\" y2=\"{Py(t):F1}\"/>"));
        sb.Append("</g>");
        sb.Append("<g class=\"tick-labels\" fill=\"#333333\">");
        foreach (double t in xAxis.Ticks())
            sb.Append(Inv($"<text x=\"{Px(t):F1}\" y=\"{plotTop + plotHeight + 16:F1}\" text-anchor=\"middle\">{xAxis.Format(t)}</text>"));
        foreach (double t in yAxis.Ticks())
            sb.Append(Inv($"<text x=\"{plotLeft - 6:F1}\" y=\"{Py(t) + 4:F1}\" text-anchor=\"end\">{yAxis.Format(t)}</text>"));
        sb.Append("</g>");

        // Clip everything drawn inside the plot area.
        // A deterministic id from the plot area's geometry: the same chart gives the same bytes, and two charts inlined
        // in one page can share an id only when their clip rectangles coincide (then either one clips correctly).
        string clip = Inv($"clip-{Fnv(Inv($"{left:F1},{top:F1},{plotLeft:F1},{plotTop:F1},{plotWidth:F1},{plotHeight:F1}")):x8}");
        // The clip reaches 5 px beyond the axes (the largest marker's radius): a point on an axis end (the data's
        // extremes often are) is drawn whole, not cut in half; curves running off the range still stop at the frame.
        const double bleed = 5;
        sb.Append(Inv($"<defs><clipPath id=\"{clip}\"><rect x=\"{plotLeft - bleed:F1}\" y=\"{plotTop - bleed:F1}\" width=\"{plotWidth + 2 * bleed:F1}\" height=\"{plotHeight + 2 * bleed:F1}\"/></clipPath></defs>"));
        sb.Append(Inv($"<g clip-path=\"url(#{clip})\">"));
        foreach (var c in _contours)
            RenderContours(sb, LogX || LogY ? Sample(c, x0, x1, y0, y1) : Sample(c, xAxis.Lo, xAxis.Hi, yAxis.Lo, yAxis.Hi), Px, Py);
        foreach (var s in _series) RenderSeries(sb, s, Px, Py);
        sb.Append("</g>");
        sb.Append(Inv($"<rect x=\"{plotLeft:F1}\" y=\"{plotTop:F1}\" width=\"{plotWidth:F1}\" height=\"{plotHeight:F1}\" fill=\"none\" stroke=\"#333333\"/>"));

        if (!string.IsNullOrEmpty(XLabel))
            sb.Append(Inv($"<text x=\"{plotLeft + plotWidth / 2:F1}\" y=\"{plotTop + plotHeight + 38:F1}\" text-anchor=\"middle\" font-size=\"13\">{Escape(XLabel)}</text>"));
        if (!string.IsNullOrEmpty(YLabel))
            sb.Append(Inv($"<text transform=\"translate({plotLeft - 54:F1},{plotTop + plotHeight / 2:F1}) rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">{Escape(YLabel)}</text>"));

        if (legend.Count > 0)
        {
            double lx = left + width - legendWidth - 5, ly = plotTop + 5;
            sb.Append(Inv($"<g class=\"legend\"><rect x=\"{lx:F1}\" y=\"{ly:F1}\" width=\"{legendWidth:F1}\" height=\"{legend.Count * 18 + 8:F1}\" fill=\"white\" stroke=\"#cccccc\"/>"));
            for (int k = 0; k < legend.Count; k++)
            {
                var s = legend[k];
                double yy = ly + 16 + 18 * k;
                if (s.Kind == SeriesKind.Line)
                    sb.Append(Inv($"<line x1=\"{lx + 6:F1}\" y1=\"{yy - 4:F1}\" x2=\"{lx + 26:F1}\" y2=\"{yy - 4:F1}\" stroke=\"{s.Color}\" stroke-width=\"2.2\"{(s.Dashed ? " stroke-dasharray=\"6 3\"" : "")}/>"));
                else
                    sb.Append(MarkerSvg(lx + 16, yy - 4, s.Kind == SeriesKind.Scatter ? MarkerShape.Circle : s.Shape, s.Color));
                sb.Append(Inv($"<text x=\"{lx + 32:F1}\" y=\"{yy:F1}\">{Escape(s.Label)}</text>"));
            }
            sb.Append("</g>");
        }
    }

    private void RenderSeries(StringBuilder sb, Series s, Func<double, double> px, Func<double, double> py)
    {
        bool Drawable(int i) => double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i]) && (!LogX || s.X[i] > 0) && (!LogY || s.Y[i] > 0);
        switch (s.Kind)
        {
            case SeriesKind.Line:
                var path = new StringBuilder();
                bool pen = false;
                for (int i = 0; i < s.X.Count; i++)
                {
                    if (!Drawable(i)) { pen = false; continue; }
                    path.Append(Inv($"{(pen ? 'L' : 'M')}{px(s.X[i]):F2},{py(s.Y[i]):F2}"));
                    pen = true;
                }
                sb.Append(Inv($"<path class=\"series\" data-label=\"{Escape(s.Label)}\" d=\"{path}\" fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"2\" stroke-linejoin=\"round\"{(s.Dashed ? " stroke-dasharray=\"6 3\"" : "")}/>"));
                if (s.Markers)
                    for (int i = 0; i < s.X.Count; i++)
                        if (Drawable(i)) sb.Append(Inv($"<circle cx=\"{px(s.X[i]):F2}\" cy=\"{py(s.Y[i]):F2}\" r=\"2.2\" fill=\"{s.Color}\"/>"));
                break;
            case SeriesKind.Scatter:
                sb.Append(Inv($"<g class=\"series\" data-label=\"{Escape(s.Label)}\" fill=\"{s.Color}\" fill-opacity=\"0.75\">"));
                for (int i = 0; i < s.X.Count; i++)
                    if (Drawable(i)) sb.Append(Inv($"<circle cx=\"{px(s.X[i]):F2}\" cy=\"{py(s.Y[i]):F2}\" r=\"3\"/>"));
                sb.Append("</g>");
                break;
            default:
                if (Drawable(0)) sb.Append(MarkerSvg(px(s.X[0]), py(s.Y[0]), s.Shape, s.Color));
                break;
        }
    }

    private static string MarkerSvg(double x, double y, MarkerShape shape, string color) => shape switch
    {
        MarkerShape.Circle => Inv($"<circle cx=\"{x:F2}\" cy=\"{y:F2}\" r=\"4.5\" fill=\"{color}\" stroke=\"white\"/>"),
        MarkerShape.Star => Inv($"<path d=\"{StarPath(x, y, 8)}\" fill=\"{color}\" stroke=\"white\" stroke-width=\"0.8\"/>"),
        _ => Inv($"<path d=\"M{x - 6:F2},{y - 6:F2}L{x + 6:F2},{y + 6:F2}M{x - 6:F2},{y + 6:F2}L{x + 6:F2},{y - 6:F2}\" stroke=\"{color}\" stroke-width=\"2.6\"/>"),
    };

    private static string StarPath(double cx, double cy, double r)
    {
        var sb = new StringBuilder();
        for (int k = 0; k < 10; k++)
        {
            double a = -Math.PI / 2 + k * Math.PI / 5, rr = k % 2 == 0 ? r : r * 0.45;
            sb.Append(Inv($"{(k == 0 ? 'M' : 'L')}{cx + rr * Math.Cos(a):F2},{cy + rr * Math.Sin(a):F2}"));
        }
        return sb.Append('Z').ToString();
    }

    /// <summary>Marching squares: each grid cell contributes up to two segments per level.</summary>
    private static void RenderContours(StringBuilder sb, ContourGrid c, Func<double, double> px, Func<double, double> py)
    {
        double dx = (c.XMax - c.XMin) / c.Grid, dy = (c.YMax - c.YMin) / c.Grid;
        for (int l = 0; l < c.Levels.Count; l++)
        {
            double level = c.Levels[l];
            double shade = c.Levels.Count == 1 ? 0.5 : (double)l / (c.Levels.Count - 1);
            var path = new StringBuilder();
            for (int i = 0; i < c.Grid; i++)
                for (int j = 0; j < c.Grid; j++)
                {
                    double v00 = c.Values[i, j], v10 = c.Values[i + 1, j], v11 = c.Values[i + 1, j + 1], v01 = c.Values[i, j + 1];
                    if (!double.IsFinite(v00) || !double.IsFinite(v10) || !double.IsFinite(v11) || !double.IsFinite(v01)) continue;
                    var points = new List<(double X, double Y)>(4);
                    double x = c.XMin + i * dx, y = c.YMin + j * dy;
                    void Edge(double a, double b, double ax, double ay, double bx, double by)
                    {
                        if ((a < level) == (b < level)) return;
                        double t = (level - a) / (b - a);
                        points.Add((ax + t * (bx - ax), ay + t * (by - ay)));
                    }
                    Edge(v00, v10, x, y, x + dx, y);
                    Edge(v10, v11, x + dx, y, x + dx, y + dy);
                    Edge(v11, v01, x + dx, y + dy, x, y + dy);
                    Edge(v01, v00, x, y + dy, x, y);
                    for (int k = 0; k + 1 < points.Count; k += 2)
                        path.Append(Inv($"M{px(points[k].X):F1},{py(points[k].Y):F1}L{px(points[k + 1].X):F1},{py(points[k + 1].Y):F1}"));
                }
            if (path.Length == 0) continue;
            // Low levels dark blue, high levels light: the valley stands out.
            int r = (int)(40 + 180 * shade), g = (int)(70 + 150 * shade), b = (int)(140 + 90 * shade);
            sb.Append(Inv($"<path class=\"contour\" d=\"{path}\" fill=\"none\" stroke=\"rgb({r},{g},{b})\" stroke-width=\"1\"/>"));
        }
    }

    private static IReadOnlyList<double> DefaultLevels(List<double> finite, int count)
    {
        if (finite.Count == 0 || count < 1) return [];
        double min = finite.Min(), max = finite.Max();
        if (!(max > min)) return [min];
        // Geometric spacing of f − min between a small offset and the range: detail near the minimum.
        double span = max - min, lowest = span * 1e-4;
        var levels = new double[count];
        for (int k = 0; k < count; k++) levels[k] = min + lowest * Math.Pow(span / lowest, (k + 0.5) / count);
        return levels;
    }

    private static (double, double) DataRange(IEnumerable<double> values, bool log)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (double v in values)
        {
            if (!double.IsFinite(v) || (log && v <= 0)) continue;
            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
        }
        if (double.IsInfinity(lo)) return log ? (1, 10) : (0, 1);
        if (lo == hi) return log ? (lo / 2, hi * 2) : (lo - Math.Max(1, Math.Abs(lo)) * 0.5, hi + Math.Max(1, Math.Abs(hi)) * 0.5);
        return (lo, hi);   // the axis then widens to whole tick steps (or decades)
    }

    private static void RequireSameLength(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) throw new ArgumentException($"x has {x.Count} values but y has {y.Count}.");
    }

    /// <summary>32-bit FNV-1a of a string (stable across processes, unlike string.GetHashCode).</summary>
    private static uint Fnv(string text)
    {
        uint h = 2166136261;
        foreach (char c in text) h = (h ^ c) * 16777619;
        return h;
    }

    internal static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private enum SeriesKind { Line, Scatter, Marker }

    private sealed record Series(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y, string Color, SeriesKind Kind,
        bool Dashed, bool Markers, MarkerShape Shape = MarkerShape.Cross);

    private sealed record ContourSet(Func<double, double, double> F, int Grid, int LevelCount, IReadOnlyList<double>? LevelValues);

    private sealed record ContourGrid(double[,] Values, double XMin, double XMax, double YMin, double YMax, int Grid, IReadOnlyList<double> Levels);

    /// <summary>An axis: linear, or log₁₀ (then Lo/Hi are exponents).</summary>
    private sealed class Axis
    {
        public Axis(double min, double max, bool log)
        {
            Log = log;
            if (log)
            {
                Lo = Math.Floor(Math.Log10(min));
                Hi = Math.Ceiling(Math.Log10(max));
                if (Hi == Lo) Hi = Lo + 1;
            }
            else
            {
                Step = NiceStep((max - min) / 6);
                Lo = Math.Floor(min / Step) * Step;
                Hi = Math.Ceiling(max / Step) * Step;
                if (Hi == Lo) Hi = Lo + Step;
            }
        }

        public bool Log { get; }
        public double Lo { get; }
        public double Hi { get; }
        private double Step { get; }

        public double Map(double v) => Log ? Math.Log10(v) : v;

        public IEnumerable<double> Ticks()
        {
            if (Log)
            {
                int decades = (int)(Hi - Lo);
                int every = Math.Max(1, (int)Math.Ceiling(decades / 8.0));
                for (double e = Lo; e <= Hi + 1e-9; e += every) yield return Math.Pow(10, e);
            }
            else
            {
                for (int k = 0; Lo + k * Step <= Hi + Step * 1e-9; k++)
                {
                    double t = Lo + k * Step;
                    yield return Math.Abs(t) < Step * 1e-9 ? 0 : t;
                }
            }
        }

        public string Format(double t)
        {
            if (Log) return "10" + "<tspan dy=\"-5\" font-size=\"9\">" + Math.Log10(t).ToString("0", CultureInfo.InvariantCulture) + "</tspan>";
            double a = Math.Abs(t);
            return a != 0 && (a >= 1e5 || a < 1e-3) ? t.ToString("0.##E+0", CultureInfo.InvariantCulture) : t.ToString("0.####", CultureInfo.InvariantCulture);
        }

        private static double NiceStep(double raw)
        {
            if (!(raw > 0) || !double.IsFinite(raw)) return 1;
            double mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
            double f = raw / mag;
            return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
        }
    }
}

/// <summary>The shape of a single marker.</summary>
public enum MarkerShape
{
    /// <summary>An ×.</summary>
    Cross,
    /// <summary>A filled circle.</summary>
    Circle,
    /// <summary>A five-pointed star.</summary>
    Star,
}

/// <summary>Several <see cref="SvgPlot"/>s stacked vertically in one SVG (data and fit above, residuals below).</summary>
public sealed class SvgFigure
{
    private readonly List<(SvgPlot Plot, double Weight)> _panels = [];

    /// <summary>Adds a panel taking a share of the height proportional to <paramref name="weight"/>.</summary>
    public SvgFigure Add(SvgPlot plot, double weight = 1)
    {
        ArgumentNullException.ThrowIfNull(plot);
        if (!(weight > 0)) throw new ArgumentOutOfRangeException(nameof(weight), weight, "The weight must be > 0.");
        _panels.Add((plot, weight));
        return this;
    }

    /// <summary>The figure as one SVG document.</summary>
    public string ToSvg(double width = 760, double height = 700)
    {
        var sb = new StringBuilder();
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">"));
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>"));
        double total = _panels.Sum(p => p.Weight), top = 0;
        double legendWidth = _panels.Count == 0 ? 0 : _panels.Max(p => p.Plot.LegendWidth());
        foreach (var (plot, weight) in _panels)
        {
            double h = height * weight / total;
            plot.Render(sb, 0, top, width, h, legendWidth);
            top += h;
        }
        return sb.Append("</svg>").ToString();
    }

    /// <summary>Writes <see cref="ToSvg"/> to a file.</summary>
    public void Save(string path, double width = 760, double height = 700) => File.WriteAllText(path, ToSvg(width, height));
}
