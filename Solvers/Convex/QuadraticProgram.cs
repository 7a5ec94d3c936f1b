using System.Globalization;
using System.Text.Json;
using Optima.LinearAlgebra;

namespace Optima.Solvers.Convex;

/// <summary>
/// A convex quadratic program in the OSQP form: min ½xᵀPx + qᵀx subject to l ≤ Ax ≤ u, with P symmetric positive
/// semidefinite (n×n; the lower triangle is read), A m×n, and bounds that may be ±∞ (lᵢ = uᵢ makes row i an equality).
/// Dense storage: the solver is meant for small and medium problems.
/// </summary>
public sealed class QuadraticProgram
{
    /// <summary>Checks and keeps the data (by reference; do not change it during a run).</summary>
    /// <exception cref="ArgumentException">Sizes disagree, a value is NaN, P or q is not finite, or some lᵢ &gt; uᵢ (the message names which).</exception>
    public QuadraticProgram(DenseMatrix p, double[] q, DenseMatrix a, double[] lower, double[] upper)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        int n = q.Length;
        if (n == 0) throw new ArgumentException("q is empty: the program has no variables.", nameof(q));
        if (p.Rows != n || p.Columns != n) throw new ArgumentException($"P is {p.Rows}×{p.Columns} but q has {n} entries; P must be {n}×{n}.", nameof(p));
        if (a.Columns != n) throw new ArgumentException($"A has {a.Columns} columns but there are {n} variables.", nameof(a));
        if (lower.Length != a.Rows) throw new ArgumentException($"l has {lower.Length} entries but A has {a.Rows} rows.", nameof(lower));
        if (upper.Length != a.Rows) throw new ArgumentException($"u has {upper.Length} entries but A has {a.Rows} rows.", nameof(upper));
        if (!p.IsFinite()) throw new ArgumentException("P has a NaN or infinite entry.", nameof(p));
        if (!a.IsFinite()) throw new ArgumentException("A has a NaN or infinite entry.", nameof(a));
        ProxChecks.Finite(q, nameof(q));
        for (int j = 0; j < n; j++)
            for (int i = j + 1; i < n; i++)
                if (Math.Abs(p[i, j] - p[j, i]) > 1e-12 * Math.Max(1, Math.Max(Math.Abs(p[i, j]), Math.Abs(p[j, i]))))
                    throw new ArgumentException($"P is not symmetric: P[{i},{j}] = {p[i, j]} but P[{j},{i}] = {p[j, i]}.", nameof(p));
        for (int i = 0; i < lower.Length; i++)
        {
            if (double.IsNaN(lower[i]) || double.IsNaN(upper[i])) throw new ArgumentException($"Bound {i} is NaN.", nameof(lower));
            if (lower[i] > upper[i]) throw new ArgumentException($"Constraint {i}: l = {lower[i]} > u = {upper[i]}; every lᵢ must be ≤ uᵢ.", nameof(lower));
            if (double.IsPositiveInfinity(lower[i]) || double.IsNegativeInfinity(upper[i]))
                throw new ArgumentException($"Constraint {i}: l = {lower[i]}, u = {upper[i]} admits no finite value.", nameof(lower));
        }
        P = p;
        Q = q;
        A = a;
        Lower = lower;
        Upper = upper;
    }

    /// <summary>The quadratic term P (n×n).</summary>
    public DenseMatrix P { get; }

    /// <summary>The linear term q (n).</summary>
    public double[] Q { get; }

    /// <summary>The constraint matrix A (m×n).</summary>
    public DenseMatrix A { get; }

    /// <summary>Lower bounds l (m; −∞ allowed).</summary>
    public double[] Lower { get; }

    /// <summary>Upper bounds u (m; +∞ allowed).</summary>
    public double[] Upper { get; }

    /// <summary>Number of variables n.</summary>
    public int Variables => Q.Length;

    /// <summary>Number of constraint rows m.</summary>
    public int Constraints => A.Rows;

    /// <summary>The largest number of variables or constraint rows <see cref="Parse"/> accepts (the storage is dense).</summary>
    public const int MaxParsedSize = 5000;

    /// <summary>
    /// Reads a QP from JSON: <c>{"P": [[…], …], "q": […], "A": [[…], …], "l": […], "u": […]}</c>, matrices as arrays of
    /// rows; A, l and u may be left out (no constraints); a bound may be null (no bound) or "Infinity"/"-Infinity".
    /// </summary>
    /// <param name="json">The text.</param>
    /// <param name="source">A name for messages (the file).</param>
    /// <exception cref="InvalidDataException">Malformed JSON or a field of the wrong shape (the message names it).</exception>
    /// <exception cref="ArgumentException">Consistent JSON that is not a valid QP (sizes, l &gt; u, …; as the constructor).</exception>
    public static QuadraticProgram Parse(string json, string source = "the QP")
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new InvalidDataException($"{source}: not valid JSON ({e.Message})"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{source}: expected a JSON object with P, q, A, l, u.");
            var q = Vector(root, "q", source, required: true, bound: 0)!;
            int n = q.Length;
            var p = Matrix(root, "P", source, n, required: true)!;
            var a = Matrix(root, "A", source, n, required: false) ?? new DenseMatrix(0, n);
            var l = Vector(root, "l", source, required: false, bound: -1) ?? Enumerable.Repeat(double.NegativeInfinity, a.Rows).ToArray();
            var u = Vector(root, "u", source, required: false, bound: +1) ?? Enumerable.Repeat(double.PositiveInfinity, a.Rows).ToArray();
            return new QuadraticProgram(p, q, a, l, u);
        }
    }

    private static double[]? Vector(JsonElement root, string name, string source, bool required, int bound)
    {
        if (!root.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
            return required ? throw new InvalidDataException($"{source}: \"{name}\" is missing.") : null;
        if (e.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"{source}: \"{name}\" must be an array of numbers.");
        if (e.GetArrayLength() > MaxParsedSize) throw new InvalidDataException($"{source}: \"{name}\" has {e.GetArrayLength()} entries; at most {MaxParsedSize} (dense storage).");
        var v = new double[e.GetArrayLength()];
        int i = 0;
        foreach (var item in e.EnumerateArray()) v[i++] = Number(item, $"{name}[{i - 1}]", source, bound);
        return v;
    }

    private static DenseMatrix? Matrix(JsonElement root, string name, string source, int columns, bool required)
    {
        if (!root.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
            return required ? throw new InvalidDataException($"{source}: \"{name}\" is missing.") : null;
        if (e.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"{source}: \"{name}\" must be an array of rows.");
        int rows = e.GetArrayLength();
        if (rows > MaxParsedSize) throw new InvalidDataException($"{source}: \"{name}\" has {rows} rows; at most {MaxParsedSize} (dense storage).");
        var m = new DenseMatrix(rows, columns);
        int r = 0;
        foreach (var row in e.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != columns)
                throw new InvalidDataException($"{source}: {name}[{r}] must be an array of {columns} numbers (q has {columns} entries).");
            int c = 0;
            foreach (var item in row.EnumerateArray()) { m[r, c] = Number(item, $"{name}[{r}][{c}]", source, 0); c++; }
            r++;
        }
        return m;
    }

    // bound: −1 a lower bound (null = −∞), +1 an upper bound (null = +∞), 0 a finite number.
    private static double Number(JsonElement e, string what, string source, int bound)
    {
        if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out double v) && double.IsFinite(v)) return v;
        if (bound != 0)
        {
            if (e.ValueKind == JsonValueKind.Null) return bound < 0 ? double.NegativeInfinity : double.PositiveInfinity;
            if (e.ValueKind == JsonValueKind.String)
                switch (e.GetString()?.Trim().ToLowerInvariant())
                {
                    case "infinity" or "inf" or "+infinity" or "+inf": return double.PositiveInfinity;
                    case "-infinity" or "-inf": return double.NegativeInfinity;
                }
        }
        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
            $"{source}: {what} is {e.GetRawText()}; expected a finite number{(bound != 0 ? ", null or \"Infinity\"/\"-Infinity\"" : "")}."));
    }

    /// <summary>½xᵀPx + qᵀx.</summary>
    public double Objective(ReadOnlySpan<double> x)
    {
        var px = new double[Variables];
        P.Multiply(x, px);
        return 0.5 * Reproducible.Dot(x, px) + Reproducible.Dot(Q, x);
    }
}

/// <summary>
/// Options of the OSQP-style QP solver (<see cref="QpSolver"/>). Defaults follow OSQP's (Stellato et al. 2020) except
/// the tolerances, which are tighter (1e-6 instead of 1e-3) because polishing is on.
/// </summary>
public sealed record QpOptions : ConvexOptions
{
    /// <summary>The default options.</summary>
    public static QpOptions Default { get; } = new();

    /// <summary>Initial penalty ρ &gt; 0 of the inequality rows (equality rows get <see cref="EqualityRhoScale"/>·ρ). Default 0.1.</summary>
    public double Rho { get; init; } = 0.1;

    /// <summary>The proximal term σ &gt; 0 that makes the KKT matrix quasi-definite when P is singular. Default 1e-6.</summary>
    public double Sigma { get; init; } = 1e-6;

    /// <summary>Over-relaxation α ∈ (0, 2). Default 1.6.</summary>
    public double Relaxation { get; init; } = 1.6;

    /// <summary>The factor by which an equality row's ρ exceeds the others'. Default 1e3.</summary>
    public double EqualityRhoScale { get; init; } = 1e3;

    /// <summary>Adapt ρ from the ratio of the scaled residuals (OSQP §5.2). Default true.</summary>
    public bool AdaptiveRho { get; init; } = true;

    /// <summary>Iterations between ρ updates. Default 25.</summary>
    public int AdaptiveRhoInterval { get; init; } = 25;

    /// <summary>ρ changes (and the KKT system is refactored) only when the new value differs by more than this factor. Default 5.</summary>
    public double AdaptiveRhoTolerance { get; init; } = 5.0;

    /// <summary>ε_pinf of the primal infeasibility test. Default 1e-5.</summary>
    public double PrimalInfeasibilityTolerance { get; init; } = 1e-5;

    /// <summary>ε_dinf of the dual infeasibility (unboundedness) test. Default 1e-5.</summary>
    public double DualInfeasibilityTolerance { get; init; } = 1e-5;

    /// <summary>Polish a converged solution by solving the equality-constrained QP of the guessed active set (OSQP §4.3). Default true.</summary>
    public bool Polish { get; init; } = true;

    /// <inheritdoc/>
    public override void Validate()
    {
        RequirePositive(Rho, nameof(Rho));
        RequirePositive(Sigma, nameof(Sigma));
        RequirePositive(EqualityRhoScale, nameof(EqualityRhoScale));
        RequirePositive(PrimalInfeasibilityTolerance, nameof(PrimalInfeasibilityTolerance));
        RequirePositive(DualInfeasibilityTolerance, nameof(DualInfeasibilityTolerance));
        if (!(Relaxation > 0 && Relaxation < 2))
            throw new ArgumentOutOfRangeException(nameof(Relaxation), Relaxation, "Relaxation must lie in (0, 2).");
        if (AdaptiveRhoInterval < 1)
            throw new ArgumentOutOfRangeException(nameof(AdaptiveRhoInterval), AdaptiveRhoInterval, "AdaptiveRhoInterval must be ≥ 1.");
        if (!(AdaptiveRhoTolerance >= 1) || double.IsInfinity(AdaptiveRhoTolerance))
            throw new ArgumentOutOfRangeException(nameof(AdaptiveRhoTolerance), AdaptiveRhoTolerance, "AdaptiveRhoTolerance must be a finite number ≥ 1.");
        base.Validate();
    }
}
