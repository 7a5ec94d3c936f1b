using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Optima.LinearAlgebra;
using Optima.Problems;
using Optima.Problems.Derivatives;
using Optima.Problems.Expressions;

namespace Optima.Solvers.Fitting;

/// <summary>
/// Evaluates a model at every point: values f(xᵢ; p) and, when asked, the m×p Jacobian ∂f/∂p (column-major).
/// The data are point-major rows of <c>v</c> variables. Implementations keep no per-call state, so ranges of rows may be
/// evaluated on several threads at once when the model itself allows it (<see cref="IsThreadSafe"/>, or the user says so).
/// </summary>
internal abstract class ModelEvaluator
{
    public abstract string Description { get; }

    /// <summary>
    /// True when the evaluator may run on several threads at once without the user's say-so: our own compiled
    /// expressions (pure). User code (delegates, generic-math structs) is not assumed thread-safe.
    /// </summary>
    public virtual bool IsThreadSafe => false;

    /// <summary>Values at all m = f.Length points and, when asked, the m×p Jacobian.</summary>
    public void Evaluate(ReadOnlySpan<double> rows, int v, ReadOnlySpan<double> p, Span<double> f, DenseMatrix? jacobian)
        => EvaluateRange(rows, v, p, f, jacobian, 0, f.Length);

    /// <summary>
    /// Values f[i] and Jacobian rows i (column-major, leading dimension m = f.Length) for the points
    /// <paramref name="first"/> ≤ i &lt; first + <paramref name="count"/> only; nothing else is written. Which path
    /// computes a point depends on m, not on the range, so any split of the rows gives the bits of one call over all rows
    /// and ranges may run on several threads at once (when the model itself is thread-safe).
    /// </summary>
    public abstract void EvaluateRange(ReadOnlySpan<double> rows, int v, ReadOnlySpan<double> p, Span<double> f, DenseMatrix? jacobian,
        int first, int count);

    /// <summary>
    /// Values and the Jacobian with entry (i, k) = (∂f/∂pₖ·<paramref name="rowWeights"/>[i])·<paramref name="columnScales"/>[k]
    /// (row weights may be empty) at all m = f.Length points.
    /// </summary>
    public void EvaluateScaled(ReadOnlySpan<double> rows, int v, ReadOnlySpan<double> p, Span<double> f, DenseMatrix jacobian,
        ReadOnlySpan<double> rowWeights, ReadOnlySpan<double> columnScales)
        => EvaluateScaledRange(rows, v, p, f, jacobian, rowWeights, columnScales, 0, f.Length);

    /// <summary>
    /// <see cref="EvaluateScaled"/> for the points <paramref name="first"/> ≤ i &lt; first + <paramref name="count"/> (row
    /// weights, when given, have length m): by default <see cref="EvaluateRange"/> and then a scaling pass per column
    /// over the range; evaluators that can scale while the values are in cache override it.
    /// </summary>
    public virtual void EvaluateScaledRange(ReadOnlySpan<double> rows, int v, ReadOnlySpan<double> p, Span<double> f, DenseMatrix jacobian,
        ReadOnlySpan<double> rowWeights, ReadOnlySpan<double> columnScales, int first, int count)
    {
        EvaluateRange(rows, v, p, f, jacobian, first, count);
        int m = f.Length;
        var data = jacobian.AsSpan();
        for (int k = 0; k < p.Length; k++)
        {
            var column = data.Slice(k * m + first, count);
            if (!rowWeights.IsEmpty) System.Numerics.Tensors.TensorPrimitives.Multiply(column, rowWeights.Slice(first, count), column);
            if (columnScales[k] != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(column, columnScales[k], column);
        }
    }

    /// <summary>The value at one point (for plots and predictions).</summary>
    public abstract double Value(ReadOnlySpan<double> x, ReadOnlySpan<double> p);

    /// <summary>
    /// Writes yᵢ − f(xᵢ; p) computed in double-double arithmetic and rounded once, when the model supports it
    /// (expressions do); returns false otherwise.
    /// </summary>
    public virtual bool ExtendedResiduals(double[] rows, int v, double[] p, double[] y, double[] residuals) => false;

    /// <summary>
    /// Writes Σᵢ cᵢ·∇²f(xᵢ; p) (p×p, column-major) into <paramref name="hessian"/> when the model has exact second
    /// derivatives (expressions do); returns false otherwise.
    /// </summary>
    public virtual bool WeightedHessianSum(double[] rows, int v, double[] p, ReadOnlySpan<double> coefficients, Span<double> hessian) => false;
}

/// <remarks>Thread-safe: the cache of decimal data is one immutable object replaced by a reference write.</remarks>
internal sealed class ExpressionEvaluator(CompiledExpression compiled) : ModelEvaluator
{
    public override string Description => $"expression {compiled.Expression} (exact symbolic Jacobian, compiled)";

    public override double Value(ReadOnlySpan<double> x, ReadOnlySpan<double> p) => compiled.Function(x, p);

    /// <summary>Above this many points the double-double residuals are skipped (they cost a tree walk per point).</summary>
    public const int ExtendedPrecisionLimit = 200_000;

    private sealed record DecimalData(double[] Rows, double[] Y, DoubleDouble[] DdRows, DoubleDouble[] DdY);

    private DecimalData? _decimalData;

    public override bool ExtendedResiduals(double[] rows, int v, double[] p, double[] y, double[] residuals)
    {
        int m = y.Length;
        if (m > ExtendedPrecisionLimit) return false;
        // The data's decimal values, converted once per data set (the polish calls this several times).
        var cached = _decimalData;
        if (cached is null || !ReferenceEquals(cached.Rows, rows) || !ReferenceEquals(cached.Y, y))
        {
            cached = new DecimalData(rows, y, [.. rows.Select(DoubleDouble.FromShortestDecimal)], [.. y.Select(DoubleDouble.FromShortestDecimal)]);
            _decimalData = cached;
        }
        var (ddRows, ddY) = (cached.DdRows, cached.DdY);
        var slots = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int j = 0; j < compiled.Variables.Count; j++) slots[compiled.Variables[j]] = j;
        for (int k = 0; k < compiled.Parameters.Count; k++) slots[compiled.Parameters[k]] = -1 - k;
        int point = 0;
        DoubleDouble Lookup(string name)
        {
            int slot = slots[name];
            return slot >= 0 ? ddRows[point * v + slot] : p[-1 - slot];
        }
        for (point = 0; point < m; point++)
        {
            var f = ExtendedEvaluator.Evaluate(compiled.Expression, Lookup);
            residuals[point] = (ddY[point] - f).ToDouble();
        }
        return true;
    }

    public override bool WeightedHessianSum(double[] rows, int v, double[] p, ReadOnlySpan<double> coefficients, Span<double> hessian)
    {
        int np = p.Length;
        var fh = compiled.HessianFunction;
        var g = new double[np];
        var h = new double[np * np];
        hessian.Clear();
        for (int i = 0; i < coefficients.Length; i++)
        {
            fh(rows.AsSpan(i * v, v), p, g, h);
            double c = coefficients[i];
            for (int k = 0; k < h.Length; k++) hessian[k] += c * h[k];
        }
        return true;
    }

    /// <summary>
    /// Values and Jacobian: from <see cref="FitProblem.LargeRows"/> points on by the compiled expression's block
    /// program (vector operations over blocks of points,
    /// <see cref="CompiledExpression.EvaluateBatch(ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double}, Span{double})"/>),
    /// below it by one call of the compiled delegate per point.
    /// </summary>
    public override void EvaluateScaledRange(ReadOnlySpan<double> rows, int v, ReadOnlySpan<double> p, Span<double> f, DenseMatrix jacobian,
        ReadOnlySpan<double> rowWeights, ReadOnlySpan<double> columnScales, int first, int count)
    {
        int m = f.Length;
        if (m >= FitProblem.LargeRows)
            compiled.EvaluateBatch(rows.Slice(first * v, count * v), p, f.Slice(first, count), jacobian.AsSpan()[first..], m,
                rowWeights.IsEmpty ? default : rowWeights.Slice(first, count), columnScales);
        else base.EvaluateScaledRange(rows, v, p, f, jacobian, rowWeights, columnScales, first, count);
    }

    /// <summary>Thread-safe: the compiled delegates and block programs are immutable.</summary>
    public override bool IsThreadSafe => true;

    public override void EvaluateRange(ReadOnlySpan<double> rows, int v, ReadOnlySpan<double> p, Span<double> f, DenseMatrix? jacobian,
        int first, int count)
    {
        int m = f.Length, end = first + count;
        if (m >= FitProblem.LargeRows)
        {
            var range = rows.Slice(first * v, count * v);
            if (jacobian is null) compiled.EvaluateBatch(range, p, f.Slice(first, count));
            else compiled.EvaluateBatch(range, p, f.Slice(first, count), jacobian.AsSpan()[first..], m, default, default);
            return;
        }
        if (jacobian is null)
        {
            var fn = compiled.Function;
            for (int i = first; i < end; i++) f[i] = fn(rows.Slice(i * v, v), p);
            return;
        }
        var fg = compiled.GradientFunction;
        int np = p.Length;
        Span<double> g = np <= 64 ? stackalloc double[np] : new double[np];
        var data = jacobian.AsSpan();
        for (int i = first; i < end; i++)
        {
            f[i] = fg(rows.Slice(i * v, v), p, g);
            for (int k = 0; k < np; k++) data[k * m + i] = g[k];
        }
    }
}

/// <summary>
/// A generic-math model differentiated by forward-mode autodiff on <see cref="Jet"/>s: one evaluation per point gives
/// the value and the partials of up to <see cref="Jet.Width"/> parameters (more are covered in blocks of eight, one
/// evaluation per block), the same bits as one <see cref="Dual{T}"/> evaluation per parameter.
/// </summary>
internal sealed class GenericEvaluator<TModel>(TModel model) : ModelEvaluator where TModel : IFitModel
{
    public override string Description => $"generic-math model {typeof(TModel).Name} (exact Jacobian by forward-mode autodiff)";

    public override double Value(ReadOnlySpan<double> x, ReadOnlySpan<double> p) => model.Evaluate(x, p);

    public override void EvaluateRange(ReadOnlySpan<double> rows, int v, ReadOnlySpan<double> p, Span<double> f, DenseMatrix? jacobian,
        int first, int count)
    {
        if (jacobian is null)
        {
            for (int i = first; i < first + count; i++) f[i] = model.Evaluate(rows.Slice(i * v, v), p);
            return;
        }
        EvaluateOnJets(rows, v, p, f, jacobian, [], [], first, count);
    }

    /// <summary>Writes (∂f/∂pₖ·wᵢ)·sₖ while the partials are in a register (the products of the base class's passes).</summary>
    public override void EvaluateScaledRange(ReadOnlySpan<double> rows, int v, ReadOnlySpan<double> p, Span<double> f, DenseMatrix jacobian,
        ReadOnlySpan<double> rowWeights, ReadOnlySpan<double> columnScales, int first, int count)
        => EvaluateOnJets(rows, v, p, f, jacobian, rowWeights, columnScales, first, count);

    private void EvaluateOnJets(ReadOnlySpan<double> rows, int v, ReadOnlySpan<double> p, Span<double> f, DenseMatrix jacobian,
        ReadOnlySpan<double> rowWeights, ReadOnlySpan<double> columnScales, int first, int count)
    {
        int m = f.Length, np = p.Length, end = first + count;
        var pj = np <= 16 ? stackalloc Jet[np] : new Jet[np];
        var xj = v <= 16 ? stackalloc Jet[v] : new Jet[v];
        Span<double> lanes = stackalloc double[Jet.Width];
        var data = jacobian.AsSpan();
        for (int block = 0; block < np; block += Jet.Width)
        {
            // Parameters block … block + 7 on lanes 0 … 7; the data are constants.
            Jet.Seed(p, block, pj);
            int lanesUsed = Math.Min(Jet.Width, np - block);
            bool scaled = !columnScales.IsEmpty;
            lanes.Fill(1.0);
            if (scaled) columnScales.Slice(block, lanesUsed).CopyTo(lanes);
            var scales = Vector512.Create<double>(lanes);
            for (int i = first; i < end; i++)
            {
                var row = rows.Slice(i * v, v);
                for (int j = 0; j < v; j++) xj[j] = Jet.Constant(row[j]);
                var y = model.Evaluate<Jet>(xj, pj);
                f[i] = y.Value;
                var d = y.Partials;
                if (!rowWeights.IsEmpty) d *= rowWeights[i];
                if (scaled) d *= scales;
                Scatter(d, lanesUsed, data, block * m + i, m);
            }
        }
    }

    /// <summary>
    /// Writes lanes 0 … count − 1 of <paramref name="partials"/> to data[offset + k·m]. The lane indices are constants, so
    /// each lane comes straight from the register: storing the vector and reloading it lane by lane stalls on store
    /// forwarding, and measured ~50% slower per point on the fit benchmark's model.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scatter(Vector512<double> partials, int count, Span<double> data, int offset, int m)
    {
        data[offset] = partials.GetElement(0);
        if (count > 1) data[offset + m] = partials.GetElement(1);
        if (count > 2) data[offset + 2 * m] = partials.GetElement(2);
        if (count > 3) data[offset + 3 * m] = partials.GetElement(3);
        if (count > 4) data[offset + 4 * m] = partials.GetElement(4);
        if (count > 5) data[offset + 5 * m] = partials.GetElement(5);
        if (count > 6) data[offset + 6 * m] = partials.GetElement(6);
        if (count > 7) data[offset + 7 * m] = partials.GetElement(7);
    }
}

/// <summary>Adapts a scalar-x generic model to the vector form.</summary>
internal readonly struct ScalarModelAdapter<TModel>(TModel model) : IFitModel where TModel : IScalarFitModel
{
    public T Evaluate<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> p) where T : System.Numerics.IFloatingPointIeee754<T> => model.Evaluate(x[0], p);

    public override string ToString() => typeof(TModel).Name;
}

internal sealed class DelegateEvaluator(FitFunction? function, FitFunctionWithGradient? withGradient) : ModelEvaluator
{
    /// <summary>The parameters' bounds, so finite differences stay inside them (set by the fit before it runs).</summary>
    public ParameterBounds[]? Bounds { get; set; }

    public override string Description => withGradient is not null
        ? "delegate model with user gradient"
        : "delegate model (Jacobian by central differences)";

    public override double Value(ReadOnlySpan<double> x, ReadOnlySpan<double> p) =>
        function is not null ? function(x, p) : withGradient!(x, p, new double[p.Length]);

    public override void EvaluateRange(ReadOnlySpan<double> rows, int v, ReadOnlySpan<double> p, Span<double> f, DenseMatrix? jacobian,
        int first, int count)
    {
        int m = f.Length, np = p.Length, end = first + count;
        Span<double> g = np <= 64 ? stackalloc double[np] : new double[np];
        var data = jacobian is null ? default : jacobian.AsSpan();
        if (withGradient is not null)
        {
            for (int i = first; i < end; i++)
            {
                f[i] = withGradient(rows.Slice(i * v, v), p, g);
                if (jacobian is not null) for (int k = 0; k < np; k++) data[k * m + i] = g[k];
            }
            return;
        }
        for (int i = first; i < end; i++) f[i] = function!(rows.Slice(i * v, v), p);
        if (jacobian is null) return;
        // Central differences per parameter with steps ∛ε·|pₖ| (∛ε when pₖ = 0): relative to the parameter, since
        // fitted parameters are often far from 1 in size; the denominator is the step actually taken.
        Span<double> q = np <= 64 ? stackalloc double[np] : new double[np];
        p.CopyTo(q);
        for (int k = 0; k < np; k++)
        {
            double h = 6.0554544523933395e-6 * (p[k] != 0 ? Math.Abs(p[k]) : 1.0);
            double up = p[k] + h, down = p[k] - h;
            // Never evaluate outside the bounds: one-sided differences at a bound.
            if (Bounds is { } b)
            {
                if (up > b[k].Upper) up = p[k];
                if (down < b[k].Lower) down = p[k];
            }
            double width = up - down;
            if (width == 0)
            {
                data.Slice(k * m + first, count).Clear();
                continue;
            }
            for (int i = first; i < end; i++)
            {
                var x = rows.Slice(i * v, v);
                q[k] = up;
                double fu = function!(x, q);
                q[k] = down;
                double fd = function!(x, q);
                data[k * m + i] = (fu - fd) / width;
            }
            q[k] = p[k];
        }
    }
}
