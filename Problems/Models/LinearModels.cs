using System.Numerics.Tensors;
using Optima.LinearAlgebra;
using Optima.Problems.Data;

namespace Optima.Problems.Models;

/// <summary>
/// Least-squares linear regression as a finite sum: fᵢ(w, b) = ½(wᵀxᵢ + b − yᵢ)² + ½λ‖w‖². Parameters: the d
/// weights, then the intercept b.
/// </summary>
public sealed class LinearRegression : IFiniteSumObjective
{
    private readonly double[] _x, _y;
    private readonly int _d;
    private readonly double _l2;
    private readonly int[] _all;

    /// <summary>Creates the model over sample-major features (Count × <paramref name="featureCount"/>) and targets.</summary>
    /// <param name="features">Sample-major features.</param>
    /// <param name="featureCount">d ≥ 1.</param>
    /// <param name="targets">yᵢ, one per sample.</param>
    /// <param name="l2">Ridge penalty λ ≥ 0 on the weights (not the intercept). Default 0.</param>
    public LinearRegression(double[] features, int featureCount, double[] targets, double l2 = 0)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        if (featureCount < 1) throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "featureCount must be at least 1.");
        if (targets.Length == 0 || (long)targets.Length * featureCount != features.Length)
            throw new ArgumentException($"{targets.Length} samples of {featureCount} features need {(long)targets.Length * featureCount} values, not {features.Length}.", nameof(features));
        if (!(l2 >= 0)) throw new ArgumentOutOfRangeException(nameof(l2), l2, "l2 must be ≥ 0.");
        (_x, _y, _d, _l2) = (features, targets, featureCount, l2);
        _all = Enumerable.Range(0, targets.Length).ToArray();
    }

    /// <inheritdoc/>
    public int Dimension => _d + 1;

    /// <inheritdoc/>
    public int Count => _y.Length;

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x)
    {
        Guard.Length(x.Length, Dimension, nameof(x));
        double sum = 0;
        for (int i = 0; i < Count; i++)
        {
            double r = Reproducible.Dot(x[.._d], _x.AsSpan(i * _d, _d)) + x[_d] - _y[i];
            sum += 0.5 * r * r;
        }
        return sum / Count + 0.5 * _l2 * Reproducible.SumOfSquares(x[.._d]);
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
        double sum = 0, scale = 1.0 / batch.Length;
        foreach (int i in batch)
        {
            if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(batch), i, $"Batch index {i} is outside [0, {Count}).");
            var xi = _x.AsSpan(i * _d, _d);
            double r = Reproducible.Dot(x[.._d], xi) + x[_d] - _y[i];
            sum += 0.5 * r * r;
            TensorPrimitives.FusedMultiplyAdd(xi, r * scale, gradient[.._d], gradient[.._d]);
            gradient[_d] += r * scale;
        }
        if (_l2 > 0) TensorPrimitives.FusedMultiplyAdd(x[.._d], _l2, gradient[.._d], gradient[.._d]);
        return sum * scale + 0.5 * _l2 * Reproducible.SumOfSquares(x[.._d]);
    }
}

/// <summary>
/// Binary logistic regression as a finite sum: fᵢ(w, b) = log(1 + e^{zᵢ}) − yᵢzᵢ with zᵢ = wᵀxᵢ + b and yᵢ ∈ {0, 1}
/// (the cross-entropy of σ(zᵢ)), plus ½λ‖w‖². With λ &gt; 0 the objective is strongly convex. Parameters: the d
/// weights, then b.
/// </summary>
public sealed class LogisticRegression : IFiniteSumObjective
{
    private readonly LabeledData _data;
    private readonly double _l2;
    private readonly int[] _all;

    /// <summary>Creates the model over two-class data (labels 0 and 1) with ridge penalty λ ≥ 0 (default 0).</summary>
    public LogisticRegression(LabeledData data, double l2 = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Classes != 2) throw new ArgumentException($"Logistic regression needs 2 classes; the data have {data.Classes}.", nameof(data));
        if (!(l2 >= 0)) throw new ArgumentOutOfRangeException(nameof(l2), l2, "l2 must be ≥ 0.");
        _data = data;
        _l2 = l2;
        _all = Enumerable.Range(0, data.Count).ToArray();
    }

    /// <inheritdoc/>
    public int Dimension => _data.FeatureCount + 1;

    /// <inheritdoc/>
    public int Count => _data.Count;

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x)
    {
        Guard.Length(x.Length, Dimension, nameof(x));
        int d = _data.FeatureCount;
        double sum = 0;
        for (int i = 0; i < Count; i++)
        {
            double z = Reproducible.Dot(x[..d], _data.Sample(i)) + x[d];
            sum += Softplus(z) - _data.Labels[i] * z;
        }
        return sum / Count + 0.5 * _l2 * Reproducible.SumOfSquares(x[..d]);
    }

    /// <inheritdoc/>
    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient) => BatchValueAndGradient(x, _all, gradient);

    /// <inheritdoc/>
    public double BatchValueAndGradient(ReadOnlySpan<double> x, ReadOnlySpan<int> batch, Span<double> gradient)
    {
        Guard.Length(x.Length, Dimension, nameof(x));
        Guard.Length(gradient.Length, Dimension, nameof(gradient));
        if (batch.IsEmpty) throw new ArgumentException("The batch is empty.", nameof(batch));
        int d = _data.FeatureCount;
        gradient.Clear();
        double sum = 0, scale = 1.0 / batch.Length;
        foreach (int i in batch)
        {
            if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(batch), i, $"Batch index {i} is outside [0, {Count}).");
            var xi = _data.Sample(i);
            double z = Reproducible.Dot(x[..d], xi) + x[d];
            int y = _data.Labels[i];
            sum += Softplus(z) - y * z;
            double r = (Sigmoid(z) - y) * scale;
            TensorPrimitives.FusedMultiplyAdd(xi, r, gradient[..d], gradient[..d]);
            gradient[d] += r;
        }
        if (_l2 > 0) TensorPrimitives.FusedMultiplyAdd(x[..d], _l2, gradient[..d], gradient[..d]);
        return sum * scale + 0.5 * _l2 * Reproducible.SumOfSquares(x[..d]);
    }

    /// <summary>Fraction of samples whose predicted class (z &gt; 0 ⇒ 1) equals the label.</summary>
    public double Accuracy(ReadOnlySpan<double> x)
    {
        Guard.Length(x.Length, Dimension, nameof(x));
        int d = _data.FeatureCount, correct = 0;
        for (int i = 0; i < Count; i++)
            if ((Reproducible.Dot(x[..d], _data.Sample(i)) + x[d] > 0 ? 1 : 0) == _data.Labels[i]) correct++;
        return correct / (double)Count;
    }

    private static double Softplus(double z) => Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z)));

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}
