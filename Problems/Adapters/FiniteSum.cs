namespace Optima.Problems;

/// <summary>One term fᵢ of a finite sum: returns fᵢ(x) and writes ∇fᵢ(x) into <paramref name="gradient"/> (overwriting it).</summary>
public delegate double TermFunction(int index, ReadOnlySpan<double> x, Span<double> gradient);

/// <summary>
/// A finite-sum objective f(x) = (1/N) Σᵢ fᵢ(x) built from a per-term delegate, for stochastic methods.
/// Full evaluations average all N terms; <see cref="BatchValueAndGradient"/> averages the listed ones.
/// </summary>
/// <remarks>Reuses one term-gradient buffer: not thread-safe.</remarks>
public sealed class FiniteSum : IFiniteSumObjective
{
    private readonly TermFunction _term;
    private readonly double[] _termGradient;
    private readonly int[] _all;

    /// <summary>Creates the sum of <paramref name="count"/> terms over <paramref name="dimension"/> variables.</summary>
    public FiniteSum(int dimension, int count, TermFunction term)
    {
        ArgumentNullException.ThrowIfNull(term);
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "The dimension must be at least 1.");
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "A finite sum needs at least one term.");
        Dimension = dimension;
        Count = count;
        _term = term;
        _termGradient = new double[dimension];
        _all = Enumerable.Range(0, count).ToArray();
    }

    /// <inheritdoc/>
    public int Dimension { get; }

    /// <inheritdoc/>
    public int Count { get; }

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x)
    {
        Guard.Length(x.Length, Dimension, nameof(x));
        double sum = 0;
        for (int i = 0; i < Count; i++) sum += _term(i, x, _termGradient);
        return sum / Count;
    }

    /// <inheritdoc/>
    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient) => BatchValueAndGradient(x, _all, gradient);

    /// <inheritdoc/>
    public double BatchValueAndGradient(ReadOnlySpan<double> x, ReadOnlySpan<int> batch, Span<double> gradient)
    {
        Guard.Length(x.Length, Dimension, nameof(x));
        Guard.Length(gradient.Length, Dimension, nameof(gradient));
        if (batch.IsEmpty) throw new ArgumentException("The batch is empty.", nameof(batch));
        gradient.Clear();
        double sum = 0;
        foreach (int i in batch)
        {
            if ((uint)i >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(batch), i, $"Batch index {i} is outside [0, {Count}).");
            sum += _term(i, x, _termGradient);
            for (int k = 0; k < gradient.Length; k++) gradient[k] += _termGradient[k];
        }
        double scale = 1.0 / batch.Length;
        for (int k = 0; k < gradient.Length; k++) gradient[k] *= scale;
        return sum * scale;
    }
}
