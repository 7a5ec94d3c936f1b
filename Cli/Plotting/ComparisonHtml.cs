using System.Globalization;
using System.Net;
using System.Text;
using Optima.Solvers.Comparison;

namespace Optima.Cli.Plotting;

/// <summary>The self-contained HTML page of <c>optima compare --report</c>: inline CSS and SVG, no network.</summary>
public static class ComparisonHtml
{
    /// <summary>A short explanation per family, shown for the families that appear in the comparison.</summary>
    public static readonly IReadOnlyDictionary<string, string> FamilyNotes = new Dictionary<string, string>
    {
        ["first-order"] = "Only f and ∇f. Gradient descent moves along −∇f; momentum and Nesterov add a velocity that averages "
            + "gradients and damps the zig-zag across narrow valleys; Adagrad, RMSProp and Adam rescale each coordinate by a running "
            + "gradient magnitude. Cheap per iteration, but at best linear convergence whose rate degrades with the condition "
            + "number κ ((κ−1)/(κ+1) per step for gradient descent on a quadratic), and adaptive methods with a constant step "
            + "stall at a distance of the order of the step.",
        ["quasi-Newton"] = "Gradients only, but the differences of successive gradients build an approximation of the (inverse) "
            + "Hessian: BFGS stores it densely (n² memory), L-BFGS keeps only the last m pairs. With a Wolfe line search they "
            + "converge superlinearly near a minimum — the workhorse for smooth problems without second derivatives.",
        ["second-order"] = "Newton's method solves ∇²f·p = −∇f each iteration; with a line search or trust region and a "
            + "positive-definite safeguard it converges quadratically near a minimum (one step on a quadratic). Newton-CG "
            + "solves the system inexactly by conjugate gradients on Hessian-vector products, so it scales to large n.",
        ["least squares"] = "For f = Σ rᵢ² the Jacobian J of the residuals gives the Gauss-Newton model JᵀJ ≈ ∇²f without "
            + "second derivatives. Levenberg-Marquardt damps it (JᵀJ + λD)p = −Jᵀr, moving between gradient descent (large λ) "
            + "and Gauss-Newton (small λ): quadratic convergence on zero-residual problems, linear when residuals remain.",
    };

    /// <summary>The page.</summary>
    /// <param name="report">The comparison.</param>
    /// <param name="title">The heading, e.g. "rosenbrock (n = 2)".</param>
    /// <param name="convergenceSvg">The convergence figure (inline SVG).</param>
    /// <param name="pathsSvg">The paths figure, or null for problems that are not 2-D.</param>
    public static string Build(ComparisonReport report, string title, string convergenceSvg, string? pathsSvg)
    {
        ArgumentNullException.ThrowIfNull(report);
        var ci = CultureInfo.InvariantCulture;
        string H(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        sb.Append(CultureInfo.InvariantCulture, $"<title>Optima compare: {H(title)}</title>");
        sb.Append("<style>body{font-family:Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
            + "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}"
            + "table{border-collapse:collapse;font-size:0.9em}th,td{padding:4px 8px;border-bottom:1px solid #e4e4e4;text-align:right}"
            + "th{background:#f3f5f8}td.l,th.l{text-align:left}tr.na td{color:#888}"
            + "figure{margin:1em 0}svg{max-width:100%;height:auto}.note{color:#555;font-size:0.9em}dt{font-weight:bold;margin-top:0.6em}</style>");
        sb.Append("<script>window.addEventListener('error',function(e){var p=document.createElement('p');p.id='page-error';"
            + "p.textContent='script error: '+e.message;document.body.appendChild(p);});</script>");
        sb.Append("</head><body>");
        sb.Append(CultureInfo.InvariantCulture, $"<h1>Method comparison: {H(title)}</h1>");
        sb.Append(CultureInfo.InvariantCulture,
            $"<p>Start x₀ = ({string.Join(", ", report.Start.Select(v => v.ToString("G6", ci)))}), f(x₀) = {report.StartValue.ToString("G6", ci)}; "
            + $"reference {H(report.ReferenceKind)} f_ref = {report.ReferenceValue.ToString("G10", ci)}; at most {report.Options.MaxIterations} iterations, "
            + $"‖∇f‖∞ ≤ {report.Options.GradientTolerance.ToString("G3", ci)}.</p>");

        sb.Append("<h2>Results</h2><table id=\"results\"><thead><tr><th class=\"l\">method</th><th class=\"l\">family</th><th>iterations</th>"
            + "<th>f evals</th><th>∇f evals</th><th>∇²f evals</th><th>seconds</th><th>f − f_ref</th><th>‖∇f‖∞</th>"
            + "<th class=\"l\">stop</th><th class=\"l\">measured order</th></tr></thead><tbody>");
        foreach (var r in report.Runs)
        {
            if (!r.Applicable)
            {
                sb.Append(CultureInfo.InvariantCulture,
                    $"<tr class=\"method na\" data-method=\"{H(r.Method)}\"><td class=\"l\">{H(r.Method)}</td><td class=\"l\">{H(r.Family)}</td>"
                    + $"<td colspan=\"9\" class=\"l\">{H(r.NotApplicableReason ?? "not applicable")}</td></tr>");
                continue;
            }
            var res = r.Result!;
            sb.Append(CultureInfo.InvariantCulture,
                $"<tr class=\"method\" data-method=\"{H(r.Method)}\"><td class=\"l\">{H(r.Method)}</td><td class=\"l\">{H(r.Family)}</td>"
                + $"<td>{r.Iterations}</td><td>{r.FunctionEvaluations}</td><td>{r.GradientEvaluations}</td><td>{H(Tables.HessianCell(r))}</td>"
                + $"<td>{r.Seconds.ToString("0.0000", ci)}</td><td>{Tables.Sci(r.FinalError)}</td><td>{Tables.Sci(res.GradientNorm)}</td>"
                + $"<td class=\"l\">{H(res.Reason.ToString())}</td><td class=\"l\">{H(r.Order.Describe())} <span class=\"note\">in {H(r.ErrorMeasure)}</span></td></tr>");
        }
        sb.Append("</tbody></table>");
        var rules = report.Runs.Where(r => r.StepRule is not null).ToList();
        if (rules.Count > 0)
        {
            sb.Append("<p class=\"note\">Step sizes of fixed-step first-order methods (tuned at the start; the evaluations for it are not counted):</p><ul class=\"note\">");
            foreach (var r in rules) sb.Append(CultureInfo.InvariantCulture, $"<li>{H(r.Method)}: {H(r.StepRule!)}</li>");
            sb.Append("</ul>");
        }
        sb.Append("<p class=\"note\">Measured order: least-squares slope p of log eₖ₊₁ against log eₖ over the last six iterations above the "
            + "round-off floor (quadratic p ≥ 1.8, superlinear p ≥ 1.2); otherwise linear with the geometric-mean rate of eₖ₊₁/eₖ over the "
            + "last half of the run. Least-squares methods count a residual evaluation as f and a Jacobian as ∇f.</p>");

        sb.Append("<h2>Convergence</h2><figure id=\"convergence\">").Append(convergenceSvg).Append("</figure>");
        if (pathsSvg is not null) sb.Append("<h2>Paths</h2><figure id=\"paths\">").Append(pathsSvg).Append("</figure>");

        sb.Append("<h2>The method families</h2><dl id=\"families\">");
        foreach (var family in report.Runs.Select(r => r.Family).Distinct())
            if (FamilyNotes.TryGetValue(family, out var note))
                sb.Append(CultureInfo.InvariantCulture, $"<dt>{H(family)}</dt><dd>{H(note)}</dd>");
        sb.Append("</dl><p class=\"note\">Generated by <code>optima compare</code>.</p>");
        sb.Append("<script>document.body.setAttribute('data-rendered','yes');</script>");
        sb.Append("</body></html>\n");
        return sb.ToString();
    }
}

/// <summary>Cell formats shared by the terminal table and the HTML page.</summary>
internal static class Tables
{
    public static string Sci(double v) =>
        double.IsNaN(v) ? "–" : v == 0 ? "0" : v.ToString("0.00E+00", CultureInfo.InvariantCulture);

    public static string HessianCell(MethodRun r) =>
        r.HessianVectorProducts > 0
            ? (r.HessianEvaluations > 0 ? $"{r.HessianEvaluations} + {r.HessianVectorProducts} Hv" : $"{r.HessianVectorProducts} Hv")
            : r.HessianEvaluations.ToString(CultureInfo.InvariantCulture);
}
