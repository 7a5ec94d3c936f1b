using System.Globalization;

namespace Optima.Problems;

/// <summary>A closed interval [<paramref name="Lower"/>, <paramref name="Upper"/>] for one variable; either end may be infinite.</summary>
/// <param name="Lower">The lower bound (−∞ for none).</param>
/// <param name="Upper">The upper bound (+∞ for none).</param>
public readonly record struct ParameterBounds(double Lower, double Upper)
{
    /// <summary>No bounds.</summary>
    public static ParameterBounds None => new(double.NegativeInfinity, double.PositiveInfinity);

    /// <summary>True when neither end is finite.</summary>
    public bool IsUnbounded => double.IsNegativeInfinity(Lower) && double.IsPositiveInfinity(Upper);

    /// <summary>True when both ends are finite.</summary>
    public bool IsFinite => double.IsFinite(Lower) && double.IsFinite(Upper);

    /// <summary>True when <paramref name="value"/> lies in the interval.</summary>
    public bool Contains(double value) => value >= Lower && value <= Upper;

    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="name"/> when an end is NaN or lower &gt; upper.</summary>
    public void Validate(string name)
    {
        if (double.IsNaN(Lower) || double.IsNaN(Upper))
            throw new ArgumentException($"The bounds of {name} are not numbers: {this}.");
        if (Lower > Upper)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The bounds of {name} are empty: lower {Lower} > upper {Upper}."));
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"[{Lower:G6}, {Upper:G6}]");

    /// <summary>
    /// Parses "lo:hi" for the variable <paramref name="name"/>: an empty end is unbounded, and an end may be written
    /// inf, +inf, -inf, Infinity or -Infinity (any case).
    /// </summary>
    /// <exception cref="ArgumentException">Not lo:hi with numbers, or lo &gt; hi (the message names the variable).</exception>
    public static ParameterBounds Parse(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ends = text.Split(':', StringSplitOptions.TrimEntries);
        if (ends.Length != 2 || !TryEnd(ends[0], double.NegativeInfinity, out double lo) || !TryEnd(ends[1], double.PositiveInfinity, out double hi))
            throw new ArgumentException($"The bounds of {name}, '{text}', are not of the form lo:hi with numbers (or -inf/inf, or nothing for no bound).");
        var b = new ParameterBounds(lo, hi);
        b.Validate(name);
        return b;
    }

    /// <summary>
    /// Parses "a=lo:hi,b=lo:" into bounds by name, in the order given (the one syntax of bounds everywhere: fits,
    /// <c>--bounds</c> on the CLI, <see cref="BoxBounds.Parse"/>).
    /// </summary>
    /// <exception cref="ArgumentException">An entry that is not name=lo:hi, an end that is not a number, lo &gt; hi, or a name given twice.</exception>
    public static IReadOnlyList<KeyValuePair<string, ParameterBounds>> ParseNamed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<KeyValuePair<string, ParameterBounds>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length != 2 || kv[0].Length == 0) throw new ArgumentException($"Bounds '{part}' is not of the form name=lo:hi.");
            if (!seen.Add(kv[0])) throw new ArgumentException($"The bounds of {kv[0]} are given twice.");
            result.Add(new(kv[0], Parse(kv[1], kv[0])));
        }
        return result;
    }

    private static bool TryEnd(string s, double none, out double value)
    {
        switch (s.ToLowerInvariant())
        {
            case "": value = none; return true;
            case "inf" or "+inf" or "infinity" or "+infinity": value = double.PositiveInfinity; return true;
            case "-inf" or "-infinity": value = double.NegativeInfinity; return true;
        }
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value);
    }
}

/// <summary>
/// A box lᵢ ≤ xᵢ ≤ uᵢ: the search region of a problem (global methods sample in it; local methods may keep to it) and of
/// a fit's parameters. Immutable and validated on construction: an end that is NaN or lᵢ &gt; uᵢ is an
/// <see cref="ArgumentException"/> naming the variable.
/// </summary>
public sealed class BoxBounds
{
    private readonly double[] _lower, _upper;

    /// <summary>Creates the box [<paramref name="lower"/>, <paramref name="upper"/>] (copied).</summary>
    /// <exception cref="ArgumentException">Empty, different lengths, an end that is NaN, or lᵢ &gt; uᵢ (the message names i).</exception>
    public BoxBounds(ReadOnlySpan<double> lower, ReadOnlySpan<double> upper)
    {
        if (lower.Length == 0) throw new ArgumentException("The bounds are empty (no variables).", nameof(lower));
        if (lower.Length != upper.Length)
            throw new ArgumentException($"The lower bounds have {lower.Length} entries but the upper bounds {upper.Length}.", nameof(upper));
        for (int i = 0; i < lower.Length; i++) new ParameterBounds(lower[i], upper[i]).Validate($"x[{i}]");
        _lower = lower.ToArray();
        _upper = upper.ToArray();
    }

    /// <summary>The same interval for each of <paramref name="dimension"/> variables.</summary>
    public static BoxBounds Uniform(int dimension, double lower, double upper)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        return new BoxBounds(Enumerable.Repeat(lower, dimension).ToArray(), Enumerable.Repeat(upper, dimension).ToArray());
    }

    /// <summary>
    /// Parses "x=lo:hi,y=lo:hi" against the variable names <paramref name="names"/> (the syntax of
    /// <see cref="ParameterBounds.ParseNamed"/>): variables not listed are unbounded. "lo:hi" alone applies to every variable.
    /// </summary>
    /// <exception cref="ArgumentException">Malformed text, an unknown or repeated name, or an empty interval (the message says which).</exception>
    public static BoxBounds Parse(string text, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(names);
        int n = names.Count;
        string trimmed = text.Trim();
        if (trimmed.Length == 0) throw new ArgumentException("The bounds are empty; write x=lo:hi,y=lo:hi or lo:hi for every variable.");
        if (!trimmed.Contains('='))
        {
            var b = ParameterBounds.Parse(trimmed, "every variable");
            return Uniform(n, b.Lower, b.Upper);
        }
        var lower = Enumerable.Repeat(double.NegativeInfinity, n).ToArray();
        var upper = Enumerable.Repeat(double.PositiveInfinity, n).ToArray();
        foreach (var (name, b) in ParameterBounds.ParseNamed(text))
        {
            int k = -1;
            for (int i = 0; i < n; i++) if (names[i] == name) k = i;
            if (k < 0) throw new ArgumentException($"Bounds for unknown variable '{name}'; the variables are {string.Join(", ", names)}.");
            lower[k] = b.Lower;
            upper[k] = b.Upper;
        }
        return new BoxBounds(lower, upper);
    }

    /// <summary>Number of variables.</summary>
    public int Dimension => _lower.Length;

    /// <summary>The lower bounds lᵢ.</summary>
    public ReadOnlySpan<double> Lower => _lower;

    /// <summary>The upper bounds uᵢ.</summary>
    public ReadOnlySpan<double> Upper => _upper;

    /// <summary>The interval of variable <paramref name="i"/>.</summary>
    public ParameterBounds this[int i] => new(_lower[i], _upper[i]);

    /// <summary>True when every end is finite (a box a global method can sample from).</summary>
    public bool IsFinite
    {
        get
        {
            for (int i = 0; i < _lower.Length; i++)
                if (!double.IsFinite(_lower[i]) || !double.IsFinite(_upper[i])) return false;
            return true;
        }
    }

    /// <summary>True when <paramref name="x"/> lies in the box.</summary>
    public bool Contains(ReadOnlySpan<double> x)
    {
        RequireLength(x.Length);
        for (int i = 0; i < x.Length; i++)
            if (!(x[i] >= _lower[i] && x[i] <= _upper[i])) return false;
        return true;
    }

    /// <summary>Moves <paramref name="x"/> onto the nearest point of the box (in place).</summary>
    public void Clamp(Span<double> x)
    {
        RequireLength(x.Length);
        for (int i = 0; i < x.Length; i++) x[i] = Math.Clamp(x[i], _lower[i], _upper[i]);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="what"/> unless every end is finite.</summary>
    public void RequireFinite(string what)
    {
        for (int i = 0; i < _lower.Length; i++)
            if (!double.IsFinite(_lower[i]) || !double.IsFinite(_upper[i]))
                throw new ArgumentException($"{what} needs finite bounds on every variable, but x[{i}] has {this[i]}.");
    }

    /// <summary>Throws an <see cref="ArgumentException"/> when <paramref name="length"/> differs from <see cref="Dimension"/>.</summary>
    public void RequireLength(int length)
    {
        if (length != _lower.Length)
            throw new ArgumentException($"A point of length {length} does not fit bounds of dimension {_lower.Length}.");
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join(" × ", Enumerable.Range(0, Dimension).Select(i => this[i].ToString()));
}

/// <summary>An objective whose problem statement includes a search box (the standard domain of a global test function, or bounds a user gave).</summary>
public interface IBoundedObjective : IObjective
{
    /// <summary>The box; its <see cref="BoxBounds.Dimension"/> equals <see cref="IObjective.Dimension"/>.</summary>
    BoxBounds Bounds { get; }
}

/// <summary>An objective with a box attached: f unchanged, <see cref="Bounds"/> added.</summary>
public sealed class BoundedObjective : IBoundedObjective
{
    /// <summary>Attaches <paramref name="bounds"/> to <paramref name="objective"/>.</summary>
    /// <exception cref="ArgumentException">The dimensions differ.</exception>
    public BoundedObjective(IObjective objective, BoxBounds bounds)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(bounds);
        if (bounds.Dimension != objective.Dimension)
            throw new ArgumentException($"The bounds have dimension {bounds.Dimension} but the objective {objective.Dimension}.", nameof(bounds));
        Objective = objective;
        Bounds = bounds;
    }

    /// <summary>The objective.</summary>
    public IObjective Objective { get; }

    /// <inheritdoc/>
    public BoxBounds Bounds { get; }

    /// <inheritdoc/>
    public int Dimension => Objective.Dimension;

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x) => Objective.Value(x);
}

/// <summary>
/// A gradient objective with a box attached (what bound-constrained gradient methods such as L-BFGS-B read): f and ∇f
/// unchanged, <see cref="Bounds"/> added.
/// </summary>
public sealed class BoundedGradientObjective : IBoundedObjective, IGradientObjective
{
    /// <summary>Attaches <paramref name="bounds"/> to <paramref name="objective"/>.</summary>
    /// <exception cref="ArgumentException">The dimensions differ.</exception>
    public BoundedGradientObjective(IGradientObjective objective, BoxBounds bounds)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(bounds);
        if (bounds.Dimension != objective.Dimension)
            throw new ArgumentException($"The bounds have dimension {bounds.Dimension} but the objective {objective.Dimension}.", nameof(bounds));
        Objective = objective;
        Bounds = bounds;
    }

    /// <summary>The objective.</summary>
    public IGradientObjective Objective { get; }

    /// <inheritdoc/>
    public BoxBounds Bounds { get; }

    /// <inheritdoc/>
    public int Dimension => Objective.Dimension;

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x) => Objective.Value(x);

    /// <inheritdoc/>
    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient) => Objective.ValueAndGradient(x, gradient);
}
