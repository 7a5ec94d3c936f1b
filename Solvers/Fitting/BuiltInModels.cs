using System.Globalization;
using Optima.Problems.Expressions;

namespace Optima.Solvers.Fitting;

/// <summary>
/// A model of the built-in library: its expression in <c>x</c>, its parameter names (with the prefix it was made
/// with) and a guess of start values from the data, as lmfit's <c>Model.guess</c>.
/// </summary>
public sealed class BuiltInModel
{
    private readonly Func<double[], double[], double[]> _guess;

    internal BuiltInModel(string name, string prefix, string expression, string[] parameters, bool isBackground, Func<double[], double[], double[]> guess)
    {
        Name = name;
        Prefix = prefix;
        Expression = expression;
        Parameters = parameters;
        IsBackground = isBackground;
        _guess = guess;
    }

    /// <summary>The library name (gaussian, linear, polynomial3, …).</summary>
    public string Name { get; }

    /// <summary>The prefix of every parameter name ("" for a model on its own, e.g. "gaussian_" in a sum).</summary>
    public string Prefix { get; }

    /// <summary>The model text in the variable <c>x</c>, e.g. <c>amplitude*exp(-(x - center)^2/(2*sigma^2))/(sigma*sqrt(2*pi))</c>.</summary>
    public string Expression { get; }

    /// <summary>The parameter names, prefixed, in the order of <see cref="Guess"/>'s values.</summary>
    public IReadOnlyList<string> Parameters { get; }

    /// <summary>True for the smooth backgrounds (constant, linear, polynomial), which a composite guesses first, from the ends of the data.</summary>
    public bool IsBackground { get; }

    /// <summary>Start values guessed from the data (x need not be sorted), in the order of <see cref="Parameters"/>.</summary>
    /// <exception cref="ArgumentException">The arrays differ in length or hold fewer than two points.</exception>
    public double[] Guess(double[] x, double[] y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Length != y.Length) throw new ArgumentException($"x has {x.Length} values but y has {y.Length}.");
        if (x.Length < 2) throw new ArgumentException("At least two points are needed to guess start values.");
        return _guess(x, y);
    }

    /// <summary>The model evaluated at <paramref name="x"/> for parameters <paramref name="p"/> (in <see cref="Parameters"/> order).</summary>
    public double[] Evaluate(double[] x, double[] p)
    {
        var compiled = Optima.Problems.Expressions.Expression.Parse(Expression).Compile(["x"], Parameters);
        return [.. x.Select(v => compiled.Evaluate([v], p))];
    }
}

/// <summary>A sum of built-in models (<c>gaussian + linear</c>): one expression, prefixed parameter names, and a guess for all.</summary>
public sealed class CompositeModel
{
    internal CompositeModel(IReadOnlyList<BuiltInModel> components)
    {
        Components = components;
        Expression = string.Join(" + ", components.Select(c => components.Count == 1 ? c.Expression : "(" + c.Expression + ")"));
        Parameters = [.. components.SelectMany(c => c.Parameters)];
    }

    /// <summary>The components, in the order written.</summary>
    public IReadOnlyList<BuiltInModel> Components { get; }

    /// <summary>The model text in <c>x</c>: the components' expressions added.</summary>
    public string Expression { get; }

    /// <summary>All parameter names, component by component.</summary>
    public IReadOnlyList<string> Parameters { get; }

    /// <summary>
    /// Start values for every parameter by name. A single model uses its own guess. A sum guesses its backgrounds
    /// (constant, linear, polynomial) first, from the outer 20 % of the x range at each end (where peaks and steps have
    /// least weight), then each other component in the order written from the data minus everything guessed before it.
    /// </summary>
    public Dictionary<string, double> Guess(double[] x, double[] y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Length != y.Length) throw new ArgumentException($"x has {x.Length} values but y has {y.Length}.");
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (Components.Count == 1)
        {
            var only = Components[0];
            var g = only.Guess(x, y);
            for (int k = 0; k < g.Length; k++) result[only.Parameters[k]] = g[k];
            return result;
        }
        var rest = (double[])y.Clone();
        bool hasShape = Components.Any(c => !c.IsBackground);
        double lo = x.Min(), hi = x.Max(), edge = 0.2 * (hi - lo);
        foreach (var c in Components.OrderBy(c => c.IsBackground ? 0 : 1)) // stable: the written order within each kind
        {
            double[] gx = x, gy = rest;
            if (c.IsBackground && hasShape)
            {
                var outer = Enumerable.Range(0, x.Length).Where(i => x[i] <= lo + edge || x[i] >= hi - edge).ToArray();
                if (outer.Length >= c.Parameters.Count + 1)
                {
                    gx = [.. outer.Select(i => x[i])];
                    gy = [.. outer.Select(i => rest[i])];
                }
            }
            var g = c.Guess(gx, gy);
            for (int k = 0; k < g.Length; k++) result[c.Parameters[k]] = g[k];
            var fitted = c.Evaluate(x, g);
            for (int i = 0; i < rest.Length; i++) rest[i] -= fitted[i];
        }
        return result;
    }
}

/// <summary>
/// The built-in model library, as lmfit's built-in models (same formulas and parameter names; guesses as lmfit 1.x
/// computes them): gaussian, lorentzian, pseudovoigt (alias voigt), exponential, logistic, step, powerlaw,
/// polynomialN (N = 0…10), linear, constant. <see cref="Parse"/> reads sums such as <c>gaussian + linear</c>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>gaussian: amplitude·exp(−(x−center)²/(2σ²))/(σ√(2π)); lorentzian: (amplitude/π)·σ/((x−center)²+σ²).</item>
/// <item>pseudovoigt: (1−fraction)·gaussian with σg = σ/√(2 ln 2) (same FWHM) + fraction·lorentzian with σ.</item>
/// <item>exponential: amplitude·exp(−x/decay); powerlaw: amplitude·x^exponent.</item>
/// <item>step: amplitude·(1 + erf((x−center)/σ))/2 (lmfit's StepModel form 'erf'); logistic: amplitude·(1 − 1/(1 + exp((x−center)/σ)))
/// (form 'logistic').</item>
/// <item>linear: slope·x + intercept; constant: c; polynomialN: c0 + c1·x + … + cN·x^N.</item>
/// </list>
/// Guesses (lmfit's): peaks from the points above half height (center = their mean x, σ = half their x span, or
/// the argmax and a sixth of the range when fewer than three; amplitude = 3·(max − min)·σ, ×1.25 for lorentzian and
/// pseudovoigt, fraction ½); exponential and powerlaw from a straight line through log|y| against x or log x;
/// step and logistic: amplitude = max − min, center mid-range, σ = range/7; linear and polynomial by linear least
/// squares (exact); constant the mean.
/// </remarks>
public static class BuiltInModels
{
    /// <summary>The library names (polynomial stands for polynomial0 … polynomial10).</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["gaussian", "lorentzian", "pseudovoigt", "exponential", "logistic", "step", "powerlaw", "polynomial", "linear", "constant"];

    /// <summary>The model <paramref name="name"/> (case-insensitive; polynomialN with N = 0…10; voigt is pseudovoigt) with parameter names prefixed by <paramref name="prefix"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name (the message lists the known ones).</exception>
    public static BuiltInModel Get(string name, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(prefix);
        return TryGet(name, prefix, out var model)
            ? model!
            : throw new ArgumentException($"Unknown built-in model '{name}'. Known: {string.Join(", ", Names.Select(n => n == "polynomial" ? "polynomialN (N = 0…10)" : n))}.", nameof(name));
    }

    /// <summary>True when <paramref name="spec"/> is a sum of built-in model names (<c>gaussian</c>, <c>gaussian + linear</c>).</summary>
    public static bool IsModelSum(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var parts = spec.Split('+', StringSplitOptions.TrimEntries);
        return parts.Length > 0 && parts.All(p => TryGet(p, "", out _));
    }

    /// <summary>
    /// Parses a sum of built-in model names. One model keeps lmfit's plain parameter names (amplitude, center, sigma);
    /// in a sum each is prefixed by its model's name and an underscore (gaussian_amplitude, linear_slope), with a
    /// number after the name when a model occurs more than once (gaussian1_center, gaussian2_center).
    /// </summary>
    /// <exception cref="ArgumentException">A part is not a built-in model name.</exception>
    public static CompositeModel Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var names = spec.Split('+', StringSplitOptions.TrimEntries).Select(p => p.ToLowerInvariant()).ToArray();
        if (names.Length == 1) return new CompositeModel([Get(names[0])]);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var components = new List<BuiltInModel>();
        foreach (var n in names)
        {
            string canonical = Get(n).Name;
            bool repeated = names.Count(m => TryGet(m, "", out var other) && other!.Name == canonical) > 1;
            seen[canonical] = seen.GetValueOrDefault(canonical) + 1;
            components.Add(Get(n, canonical + (repeated ? seen[canonical].ToString(CultureInfo.InvariantCulture) : "") + "_"));
        }
        return new CompositeModel(components);
    }

    private static bool TryGet(string name, string p, out BuiltInModel? model)
    {
        model = name.ToLowerInvariant() switch
        {
            "gaussian" => new BuiltInModel("gaussian", p, $"{p}amplitude*exp(-(x - {p}center)^2/(2*{p}sigma^2))/({p}sigma*sqrt(2*pi))",
                [p + "amplitude", p + "center", p + "sigma"], false, (x, y) => PeakGuess(x, y, 1.0)),
            "lorentzian" => new BuiltInModel("lorentzian", p, $"{p}amplitude/pi*{p}sigma/((x - {p}center)^2 + {p}sigma^2)",
                [p + "amplitude", p + "center", p + "sigma"], false, (x, y) => PeakGuess(x, y, 1.25)),
            "pseudovoigt" or "voigt" => new BuiltInModel("pseudovoigt", p,
                $"{p}amplitude*(1 - {p}fraction)*exp(-(x - {p}center)^2*log(2)/{p}sigma^2)*sqrt(log(2)/pi)/{p}sigma + {p}amplitude*{p}fraction/pi*{p}sigma/((x - {p}center)^2 + {p}sigma^2)",
                [p + "amplitude", p + "center", p + "sigma", p + "fraction"], false, (x, y) => [.. PeakGuess(x, y, 1.25), 0.5]),
            "exponential" => new BuiltInModel("exponential", p, $"{p}amplitude*exp(-x/{p}decay)",
                [p + "amplitude", p + "decay"], false, ExponentialGuess),
            "powerlaw" => new BuiltInModel("powerlaw", p, $"{p}amplitude*x^{p}exponent",
                [p + "amplitude", p + "exponent"], false, PowerLawGuess),
            "step" => new BuiltInModel("step", p, $"{p}amplitude*(1 + erf((x - {p}center)/{p}sigma))/2",
                [p + "amplitude", p + "center", p + "sigma"], false, StepGuess),
            "logistic" => new BuiltInModel("logistic", p, $"{p}amplitude*(1 - 1/(1 + exp((x - {p}center)/{p}sigma)))",
                [p + "amplitude", p + "center", p + "sigma"], false, StepGuess),
            "linear" => new BuiltInModel("linear", p, $"{p}slope*x + {p}intercept", [p + "slope", p + "intercept"], true,
                (x, y) => { var c = PolynomialFit(x, y, 1); return [c[1], c[0]]; }),
            "constant" => new BuiltInModel("constant", p, $"{p}c", [p + "c"], true, (x, y) => [y.Average()]),
            var s when s.StartsWith("polynomial", StringComparison.Ordinal)
                       && int.TryParse(s.AsSpan(10), NumberStyles.None, CultureInfo.InvariantCulture, out int degree) && degree <= 10 =>
                new BuiltInModel(s, p, string.Join(" + ", Enumerable.Range(0, degree + 1).Select(k => k switch
                    {
                        0 => $"{p}c0",
                        1 => $"{p}c1*x",
                        _ => string.Create(CultureInfo.InvariantCulture, $"{p}c{k}*x^{k}"),
                    })),
                    [.. Enumerable.Range(0, degree + 1).Select(k => string.Create(CultureInfo.InvariantCulture, $"{p}c{k}"))], true,
                    (x, y) => PolynomialFit(x, y, degree)),
            _ => null,
        };
        return model is not null;
    }

    /// <summary>lmfit's guess_from_peak: amplitude, center, sigma (not negative peaks).</summary>
    private static double[] PeakGuess(double[] x, double[] y, double ampScale)
    {
        // Sorted by x first, as lmfit 1.1 does, so that ties of the maximum resolve alike.
        var order = Enumerable.Range(0, x.Length).OrderBy(i => x[i]).ToArray();
        x = [.. order.Select(i => x[i])];
        y = [.. order.Select(i => y[i])];
        double maxY = y.Max(), minY = y.Min(), maxX = x.Max(), minX = x.Min();
        double center = x[Array.IndexOf(y, maxY)];
        double height = (maxY - minY) * 3.0;
        double sigma = (maxX - minX) / 6.0;
        var half = Enumerable.Range(0, x.Length).Where(i => y[i] > (maxY + minY) / 2.0).Select(i => x[i]).ToArray();
        if (half.Length > 2)
        {
            sigma = (half.Max() - half.Min()) / 2.0;
            center = half.Average();
        }
        return [height * sigma * ampScale, center, sigma];
    }

    private static double[] ExponentialGuess(double[] x, double[] y)
    {
        var c = PolynomialFit(x, [.. y.Select(v => Math.Log(Math.Abs(v) + 1e-15))], 1);
        return [Math.Exp(c[0]), -1.0 / c[1]];
    }

    private static double[] PowerLawGuess(double[] x, double[] y)
    {
        var c = PolynomialFit([.. x.Select(v => Math.Log(v + 1e-14))], [.. y.Select(v => Math.Log(v + 1e-14))], 1);
        return [Math.Exp(c[0]), c[1]];
    }

    private static double[] StepGuess(double[] x, double[] y)
    {
        double minX = x.Min(), maxX = x.Max();
        return [y.Max() - y.Min(), (maxX + minX) / 2.0, (maxX - minX) / 7.0];
    }

    /// <summary>
    /// Least-squares polynomial coefficients c0…c_degree (as numpy.polyfit, lowest first), by Householder QR of the
    /// Vandermonde matrix in x scaled to [−1, 1] (so high degrees stay well conditioned), then mapped back to x.
    /// </summary>
    internal static double[] PolynomialFit(double[] x, double[] y, int degree)
    {
        int m = x.Length, n = degree + 1;
        if (m < n) throw new ArgumentException($"A polynomial of degree {degree} needs at least {n} points to guess from; there are {m}.");
        double lo = x.Min(), hi = x.Max(), mid = (hi + lo) / 2, half = hi > lo ? (hi - lo) / 2 : 1;
        var a = new double[m, n];
        var b = (double[])y.Clone();
        for (int i = 0; i < m; i++)
        {
            double t = (x[i] - mid) / half, v = 1;
            for (int k = 0; k < n; k++, v *= t) a[i, k] = v;
        }
        // Householder QR, applied to b as we go.
        for (int k = 0; k < n; k++)
        {
            double norm = 0;
            for (int i = k; i < m; i++) norm += a[i, k] * a[i, k];
            norm = Math.Sqrt(norm);
            if (norm == 0) continue;
            double alpha = a[k, k] > 0 ? -norm : norm;
            a[k, k] -= alpha;
            double vv = 0;
            for (int i = k; i < m; i++) vv += a[i, k] * a[i, k];
            for (int j = k + 1; j < n; j++)
            {
                double s = 0;
                for (int i = k; i < m; i++) s += a[i, k] * a[i, j];
                s = 2 * s / vv;
                for (int i = k; i < m; i++) a[i, j] -= s * a[i, k];
            }
            double sb = 0;
            for (int i = k; i < m; i++) sb += a[i, k] * b[i];
            sb = 2 * sb / vv;
            for (int i = k; i < m; i++) b[i] -= sb * a[i, k];
            a[k, k] = alpha;
        }
        var c = new double[n];
        for (int k = n - 1; k >= 0; k--)
        {
            double s = b[k];
            for (int j = k + 1; j < n; j++) s -= a[k, j] * c[j];
            c[k] = a[k, k] == 0 ? 0 : s / a[k, k];
        }
        // c are coefficients in t = (x − mid)/half; expand Σ cₖ tᵏ into powers of x (Horner on polynomials).
        var result = new double[n];
        for (int k = n - 1; k >= 0; k--)
        {
            // result ← result·(x − mid)/half + c_k
            var next = new double[n];
            for (int j = 0; j < n; j++)
            {
                if (result[j] == 0) continue;
                if (j + 1 < n) next[j + 1] += result[j] / half;
                next[j] -= result[j] * mid / half;
            }
            next[0] += c[k];
            result = next;
        }
        return result;
    }
}
