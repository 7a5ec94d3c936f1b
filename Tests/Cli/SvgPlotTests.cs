using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Optima.Cli.Plotting;
using Xunit;

namespace Optima.Tests.Cli;

public class SvgPlotTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void A_line_plot_is_well_formed_svg_with_one_path_per_series_and_a_legend()
    {
        var plot = new SvgPlot { Title = "T <&> \"q\"", XLabel = "iteration", YLabel = "f", LogY = true };
        plot.AddLine("a", [0, 1, 2, 3], [1, 0.1, 0.01, 0.001]);
        plot.AddLine("b", [0, 1, 2], [1, double.NaN, 0.5], dashed: true);
        var doc = XDocument.Parse(plot.ToSvg());
        var series = doc.Descendants(Svg + "path").Where(p => (string?)p.Attribute("class") == "series").ToList();
        Assert.Equal(["a", "b"], series.Select(p => (string)p.Attribute("data-label")!));
        // The NaN breaks series b into two pieces: two move-to commands.
        Assert.Equal(2, series[1].Attribute("d")!.Value.Count(c => c == 'M'));
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "T <&> \"q\"");
        Assert.Single(doc.Descendants(Svg + "g"), g => (string?)g.Attribute("class") == "legend");
    }

    [Fact]
    public void Log_axes_leave_out_non_positive_values_and_use_decade_ticks()
    {
        var plot = new SvgPlot { LogY = true };
        plot.AddLine("f", [0, 1, 2, 3], [1e-6, 0, -1, 1e2]);
        var doc = XDocument.Parse(plot.ToSvg());
        var d = doc.Descendants(Svg + "path").Single(p => (string?)p.Attribute("class") == "series").Attribute("d")!.Value;
        Assert.Equal(2, d.Count(c => c == 'M'));   // two isolated points, nothing drawn for 0 and −1
        var labels = doc.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "tick-labels").Elements().Select(e => e.Value).ToList();
        Assert.Contains("10-6", labels);
        Assert.Contains("102", labels);
    }

    [Fact]
    public void Contours_of_a_paraboloid_lie_on_circles_of_the_right_radius()
    {
        var plot = new SvgPlot { XRange = (-2, 2), YRange = (-2, 2), EqualAspect = true };
        plot.AddContours((x, y) => x * x + y * y, -2, 2, -2, 2, levelValues: [1.0]);
        string svg = plot.ToSvg(600, 600);
        var doc = XDocument.Parse(svg);
        var contour = doc.Descendants(Svg + "path").Single(p => (string?)p.Attribute("class") == "contour").Attribute("d")!.Value;
        var numbers = Regex.Matches(contour, @"-?\d+(\.\d+)?").Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture)).ToArray();
        var rect = doc.Descendants(Svg + "rect").Last();
        double x0 = (double)rect.Attribute("x")!, y0 = (double)rect.Attribute("y")!, w = (double)rect.Attribute("width")!, h = (double)rect.Attribute("height")!;
        for (int k = 0; k + 1 < numbers.Length; k += 2)
        {
            double x = -2 + 4 * (numbers[k] - x0) / w, y = 2 - 4 * (numbers[k + 1] - y0) / h;
            Assert.InRange(Math.Sqrt(x * x + y * y), 0.97, 1.03);
        }
        Assert.True(numbers.Length > 100);
    }

    [Fact]
    public void A_figure_stacks_panels_and_bad_input_is_rejected()
    {
        var top = new SvgPlot().AddScatter("data", [1, 2, 3], [2, 4, 6]);
        var bottom = new SvgPlot().AddLine("residuals", [1, 2, 3], [0.1, -0.1, 0]);
        var doc = XDocument.Parse(new SvgFigure().Add(top, 2).Add(bottom).ToSvg());
        Assert.Equal(2, doc.Descendants(Svg + "g").Count(g => (string?)g.Attribute("class") == "legend"));
        Assert.Throws<ArgumentException>(() => new SvgPlot().AddLine("x", [1, 2], [1]));
        Assert.Throws<ArgumentException>(() => new SvgPlot().AddContours((x, y) => x, 1, 0, 0, 1));
    }
}
