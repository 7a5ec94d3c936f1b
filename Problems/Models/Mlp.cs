using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Optima.LinearAlgebra;
using Optima.Problems.Data;

namespace Optima.Problems.Models;

/// <summary>
/// A multilayer perceptron classifier as a finite sum: input → (affine → ReLU) × hidden layers → affine → softmax,
/// with the mean cross-entropy over the samples as the objective. Backpropagation is written by hand on Optima's
/// blocked SIMD GEMM (<see cref="DenseBlas.Gemm"/>); a batch is processed as column-major matrices (features × batch).
/// With no hidden layer it is multinomial (softmax) regression.
/// </summary>
/// <remarks>
/// <para>Parameter layout, layer after layer: the weights W_l (out × in, column-major) then the biases b_l (out).</para>
/// <para>Reuses one set of work buffers sized for <see cref="ChunkSize"/> samples: not thread-safe.</para>
/// </remarks>
public sealed class Mlp : IFiniteSumObjective
{
    /// <summary>Largest number of samples pushed through the network at once; bigger batches are processed in chunks.</summary>
    public const int ChunkSize = 256;

    private readonly LabeledData _data;
    private readonly int[] _sizes;
    private readonly int[] _wOffset, _bOffset;
    private readonly int _threads;
    private readonly double[][] _a, _d;
    private readonly int[] _iota = Enumerable.Range(0, ChunkSize).ToArray();

    /// <summary>Creates the network for <paramref name="data"/> with the given hidden layer widths.</summary>
    /// <param name="data">The training samples (the finite sum's terms).</param>
    /// <param name="hiddenSizes">Widths of the hidden layers (empty: softmax regression).</param>
    /// <param name="maxDegreeOfParallelism">Threads for the GEMMs: -1 for all cores (default), 1 for one.</param>
    public Mlp(LabeledData data, IReadOnlyList<int> hiddenSizes, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "maxDegreeOfParallelism must be -1 or positive.");
        foreach (int h in hiddenSizes)
            if (h < 1) throw new ArgumentOutOfRangeException(nameof(hiddenSizes), h, "Hidden layer widths must be at least 1.");
        _data = data;
        _threads = maxDegreeOfParallelism;
        _sizes = [data.FeatureCount, .. hiddenSizes, data.Classes];
        int layers = _sizes.Length - 1;
        _wOffset = new int[layers + 1];
        _bOffset = new int[layers + 1];
        _a = new double[layers + 1][];
        _d = new double[layers + 1][];
        long offset = 0;
        for (int l = 1; l <= layers; l++)
        {
            _wOffset[l] = (int)offset;
            offset += (long)_sizes[l] * _sizes[l - 1];
            _bOffset[l] = (int)offset;
            offset += _sizes[l];
            if (offset > Array.MaxLength) throw new ArgumentException("The network has too many parameters.", nameof(hiddenSizes));
        }
        // Work buffers for one chunk: activations (features × samples, column-major) and hidden-layer deltas.
        for (int l = 0; l <= layers; l++)
        {
            _a[l] = new double[(long)_sizes[l] * ChunkSize];
            if (l > 0 && l < layers) _d[l] = new double[(long)_sizes[l] * ChunkSize];
        }
        Dimension = (int)offset;
    }

    /// <summary>Multinomial logistic (softmax) regression: an <see cref="Mlp"/> without hidden layers.</summary>
    public static Mlp SoftmaxRegression(LabeledData data, int maxDegreeOfParallelism = -1) => new(data, [], maxDegreeOfParallelism);

    /// <inheritdoc/>
    public int Dimension { get; }

    /// <inheritdoc/>
    public int Count => _data.Count;

    /// <summary>Layer widths: input, hidden…, classes.</summary>
    public IReadOnlyList<int> LayerSizes => _sizes;

    /// <summary>The training data.</summary>
    public LabeledData Data => _data;

    /// <summary>
    /// Initial parameters as PyTorch's <c>nn.Linear</c> draws them: weights and biases uniform in ±1/√fan_in,
    /// from a seeded xoshiro256** generator.
    /// </summary>
    public double[] InitialParameters(ulong seed)
    {
        var rng = new Xoshiro256StarStar(seed);
        var x = new double[Dimension];
        for (int l = 1; l < _sizes.Length; l++)
        {
            double bound = 1.0 / Math.Sqrt(_sizes[l - 1]);
            int end = _bOffset[l] + _sizes[l];
            for (int i = _wOffset[l]; i < end; i++) x[i] = rng.NextDouble(-bound, bound);
        }
        return x;
    }

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x)
    {
        Guard.Length(x.Length, Dimension, nameof(x));
        double sum = 0;
        for (int start = 0; start < _data.Count; start += ChunkSize)
        {
            int len = Math.Min(ChunkSize, _data.Count - start);
            sum += Chunk(_data, start, _iota.AsSpan(0, len), x, [], 0, false, out _);
        }
        return sum / _data.Count;
    }

    /// <inheritdoc/>
    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        Guard.Length(x.Length, Dimension, nameof(x));
        Guard.Length(gradient.Length, Dimension, nameof(gradient));
        double sum = 0, scale = 1.0 / _data.Count;
        for (int start = 0; start < _data.Count; start += ChunkSize)
        {
            int len = Math.Min(ChunkSize, _data.Count - start);
            sum += Chunk(_data, start, _iota.AsSpan(0, len), x, gradient, scale, start > 0, out _);
        }
        return sum * scale;
    }

    /// <inheritdoc/>
    public double BatchValueAndGradient(ReadOnlySpan<double> x, ReadOnlySpan<int> batch, Span<double> gradient)
    {
        Guard.Length(x.Length, Dimension, nameof(x));
        Guard.Length(gradient.Length, Dimension, nameof(gradient));
        if (batch.IsEmpty) throw new ArgumentException("The batch is empty.", nameof(batch));
        foreach (int i in batch)
            if ((uint)i >= (uint)_data.Count) throw new ArgumentOutOfRangeException(nameof(batch), i, $"Batch index {i} is outside [0, {_data.Count}).");
        double sum = 0, scale = 1.0 / batch.Length;
        for (int start = 0; start < batch.Length; start += ChunkSize)
        {
            int len = Math.Min(ChunkSize, batch.Length - start);
            sum += Chunk(_data, 0, batch.Slice(start, len), x, gradient, scale, start > 0, out _);
        }
        return sum * scale;
    }

    /// <summary>Mean cross-entropy and accuracy (fraction of arg-max predictions equal to the label) on <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> has another number of features or classes.</exception>
    public (double Loss, double Accuracy) Evaluate(ReadOnlySpan<double> x, LabeledData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Guard.Length(x.Length, Dimension, nameof(x));
        if (data.FeatureCount != _sizes[0] || data.Classes != _sizes[^1])
            throw new ArgumentException($"The data have {data.FeatureCount} features and {data.Classes} classes; the network expects {_sizes[0]} and {_sizes[^1]}.", nameof(data));
        double sum = 0;
        long correct = 0;
        for (int start = 0; start < data.Count; start += ChunkSize)
        {
            int len = Math.Min(ChunkSize, data.Count - start);
            sum += Chunk(data, start, _iota.AsSpan(0, len), x, [], 0, false, out int c);
            correct += c;
        }
        return (sum / data.Count, correct / (double)data.Count);
    }

    /// <summary>
    /// Forward (and, when <paramref name="scale"/> ≠ 0, backward) pass over samples baseIndex + idx[j]. Returns the
    /// sum of the losses; the gradient of scale·Σ losses is written (or added, when <paramref name="accumulate"/>) to
    /// <paramref name="gradient"/>. The weights are read in place from <paramref name="x"/> and the weight gradients
    /// written in place into <paramref name="gradient"/> (span GEMMs, no copies); nothing is allocated.
    /// </summary>
    private double Chunk(LabeledData data, int baseIndex, ReadOnlySpan<int> idx, ReadOnlySpan<double> x, Span<double> gradient,
        double scale, bool accumulate, out int correct)
    {
        int b = idx.Length, d = _sizes[0], layers = _sizes.Length - 1, classes = _sizes[^1];
        var features = data.Features.AsSpan();
        ReadOnlySpan<double> input;
        if (Unsafe.AreSame(ref MemoryMarshal.GetReference(idx), ref _iota[0]))
        {
            input = features.Slice(baseIndex * d, b * d); // consecutive samples: the data are already a d × b matrix
        }
        else
        {
            var gathered = _a[0].AsSpan(0, b * d);
            for (int j = 0; j < b; j++) features.Slice((baseIndex + idx[j]) * d, d).CopyTo(gathered.Slice(j * d, d));
            input = gathered;
        }

        ReadOnlySpan<double> prev = input;
        for (int l = 1; l <= layers; l++)
        {
            int rows = _sizes[l], cols = _sizes[l - 1];
            var bias = x.Slice(_bOffset[l], rows);
            var a = _a[l].AsSpan(0, rows * b);
            for (int j = 0; j < b; j++) bias.CopyTo(a.Slice(j * rows, rows)); // z = b·1ᵀ + W·a, the bias seeds the GEMM's C
            DenseBlas.Gemm(rows, b, cols, 1.0, x.Slice(_wOffset[l], rows * cols), rows, false, prev, cols, false, 1.0, a, rows, _threads);
            if (l < layers) TensorPrimitives.Max(a, 0.0, a);
            prev = a;
        }

        // Softmax cross-entropy per column; with a gradient, the logits become (softmax − onehot)·scale = ∂(scale·Σ loss)/∂z.
        double loss = 0;
        correct = 0;
        var logits = _a[layers].AsSpan(0, classes * b);
        for (int j = 0; j < b; j++)
        {
            var z = logits.Slice(j * classes, classes);
            int label = data.Labels[baseIndex + idx[j]];
            int arg = TensorPrimitives.IndexOfMax(z);
            if (arg == label) correct++;
            double max = z[arg];
            double sumExp = 0;
            for (int k = 0; k < classes; k++) sumExp += Math.Exp(z[k] - max);
            double lse = max + Math.Log(sumExp);
            loss += lse - z[label];
            if (scale != 0)
            {
                for (int k = 0; k < classes; k++) z[k] = Math.Exp(z[k] - lse) * scale;
                z[label] -= scale;
            }
        }
        if (scale == 0) return loss;

        for (int l = layers; l >= 1; l--)
        {
            int rows = _sizes[l], cols = _sizes[l - 1];
            ReadOnlySpan<double> dz = l == layers ? _a[layers].AsSpan(0, rows * b) : _d[l].AsSpan(0, rows * b);
            ReadOnlySpan<double> below = l == 1 ? input : _a[l - 1].AsSpan(0, cols * b);
            // ∂W = dz·a_{l−1}ᵀ straight into the gradient vector.
            DenseBlas.Gemm(rows, cols, b, 1.0, dz, rows, false, below, cols, true, accumulate ? 1.0 : 0.0,
                gradient.Slice(_wOffset[l], rows * cols), rows, _threads);
            var db = gradient.Slice(_bOffset[l], rows);
            if (!accumulate) db.Clear();
            for (int j = 0; j < b; j++) TensorPrimitives.Add(db, dz.Slice(j * rows, rows), db);
            if (l > 1)
            {
                var delta = _d[l - 1].AsSpan(0, cols * b);
                DenseBlas.Gemm(cols, b, rows, 1.0, x.Slice(_wOffset[l], rows * cols), rows, true, dz, rows, false, 0.0, delta, cols, _threads);
                ReluMask(delta, _a[l - 1].AsSpan(0, cols * b));
            }
        }
        return loss;
    }

    /// <summary>δ ← δ where a &gt; 0, else 0 (ReLU′: the activation is positive exactly where the pre-activation is).</summary>
    private static void ReluMask(Span<double> delta, ReadOnlySpan<double> activation)
    {
        var dv = MemoryMarshal.Cast<double, Vector<double>>(delta);
        var av = MemoryMarshal.Cast<double, Vector<double>>(activation);
        for (int i = 0; i < dv.Length; i++)
            dv[i] = Vector.ConditionalSelect(Vector.GreaterThan(av[i], Vector<double>.Zero), dv[i], Vector<double>.Zero);
        for (int i = dv.Length * Vector<double>.Count; i < delta.Length; i++)
            if (activation[i] <= 0) delta[i] = 0;
    }
}
