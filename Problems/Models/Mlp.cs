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
/// blocked SIMD GEMM (<see cref="DenseBlas.Gemm(double, DenseMatrix, bool, DenseMatrix, bool, double, DenseMatrix, int)"/>); a batch is processed as column-major matrices (features × batch).
/// With no hidden layer it is multinomial (softmax) regression.
/// </summary>
/// <remarks>
/// <para>Parameter layout, layer after layer: the weights W_l (out × in, column-major) then the biases b_l (out).</para>
/// <para>Reuses one set of work buffers sized for <see cref="ChunkSize"/> samples: not thread-safe.</para>
/// </remarks>
public sealed class Mlp : ISinglePrecisionFiniteSum
{
    /// <summary>Largest number of samples pushed through the network at once; bigger batches are processed in chunks.</summary>
    public const int ChunkSize = 256;

    private readonly LabeledData _data;
    private readonly int[] _sizes;
    private readonly int[] _wOffset, _bOffset;
    private readonly int _threads;
    private readonly Work<double> _work64;
    private Work<float>? _work32;            // created on the first float call
    private float[]? _features32;            // the training features in float, converted once
    private LabeledData? _evalData32;        // the last data set evaluated in float, and its converted features
    private float[]? _evalFeatures32;
    private readonly int[] _iota = Enumerable.Range(0, ChunkSize).ToArray();

    // Work buffers for one chunk: activations (features × samples, column-major) and hidden-layer deltas.
    private sealed class Work<T>
    {
        public readonly T[][] A, D;

        public Work(int[] sizes)
        {
            int layers = sizes.Length - 1;
            A = new T[layers + 1][];
            D = new T[layers + 1][];
            for (int l = 0; l <= layers; l++)
            {
                A[l] = new T[(long)sizes[l] * ChunkSize];
                if (l > 0 && l < layers) D[l] = new T[(long)sizes[l] * ChunkSize];
            }
        }
    }

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
        long offset = 0;
        for (int l = 1; l <= layers; l++)
        {
            _wOffset[l] = (int)offset;
            offset += (long)_sizes[l] * _sizes[l - 1];
            _bOffset[l] = (int)offset;
            offset += _sizes[l];
            if (offset > Array.MaxLength) throw new ArgumentException("The network has too many parameters.", nameof(hiddenSizes));
        }
        _work64 = new Work<double>(_sizes);
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

    /// <summary>The same initial parameters as <see cref="InitialParameters"/>, rounded to float.</summary>
    public float[] InitialParametersSingle(ulong seed) => Array.ConvertAll(InitialParameters(seed), v => (float)v);

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x)
    {
        Guard.Length(x.Length, Dimension, nameof(x));
        double sum = 0;
        for (int start = 0; start < _data.Count; start += ChunkSize)
        {
            int len = Math.Min(ChunkSize, _data.Count - start);
            sum += Chunk(_data, _data.Features, start, _iota.AsSpan(0, len), x, [], 0.0, false, out _);
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
            sum += Chunk(_data, _data.Features, start, _iota.AsSpan(0, len), x, gradient, scale, start > 0, out _);
        }
        return sum * scale;
    }

    /// <inheritdoc/>
    public double BatchValueAndGradient(ReadOnlySpan<double> x, ReadOnlySpan<int> batch, Span<double> gradient)
        => Batch(x, _data.Features, batch, gradient);

    /// <summary>
    /// Single-precision <see cref="BatchValueAndGradient(ReadOnlySpan{double}, ReadOnlySpan{int}, Span{double})"/>:
    /// the same network and parameter layout, evaluated with float GEMMs (SGEMM) on a float copy of the training
    /// features made on the first call. Returns the mean loss over the batch (accumulated in double).
    /// </summary>
    /// <exception cref="ArgumentException">A span has the wrong length or the batch is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A batch index is outside [0, <see cref="Count"/>).</exception>
    public double BatchValueAndGradient(ReadOnlySpan<float> x, ReadOnlySpan<int> batch, Span<float> gradient)
        => Batch(x, SingleFeatures(_data), batch, gradient);

    private double Batch<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> features, ReadOnlySpan<int> batch, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
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
            sum += Chunk(_data, features, 0, batch.Slice(start, len), x, gradient, T.CreateChecked(scale), start > 0, out _);
        }
        return sum * scale;
    }

    /// <summary>Mean cross-entropy and accuracy (fraction of arg-max predictions equal to the label) on <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> has another number of features or classes.</exception>
    public (double Loss, double Accuracy) Evaluate(ReadOnlySpan<double> x, LabeledData data)
    {
        CheckEvaluation(x.Length, data);
        return Evaluate(x, data, data.Features);
    }

    /// <summary>
    /// Single-precision <see cref="Evaluate(ReadOnlySpan{double}, LabeledData)"/> (float GEMMs; the features of
    /// <paramref name="data"/> are converted to float once and kept for the next call with the same data).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> has another number of features or classes.</exception>
    public (double Loss, double Accuracy) Evaluate(ReadOnlySpan<float> x, LabeledData data)
    {
        CheckEvaluation(x.Length, data);
        return Evaluate(x, data, SingleFeatures(data));
    }

    private void CheckEvaluation(int length, LabeledData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Guard.Length(length, Dimension, "x");
        if (data.FeatureCount != _sizes[0] || data.Classes != _sizes[^1])
            throw new ArgumentException($"The data have {data.FeatureCount} features and {data.Classes} classes; the network expects {_sizes[0]} and {_sizes[^1]}.", nameof(data));
    }

    private (double Loss, double Accuracy) Evaluate<T>(ReadOnlySpan<T> x, LabeledData data, ReadOnlySpan<T> features)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        long correct = 0;
        for (int start = 0; start < data.Count; start += ChunkSize)
        {
            int len = Math.Min(ChunkSize, data.Count - start);
            sum += Chunk(data, features, start, _iota.AsSpan(0, len), x, [], T.Zero, false, out int c);
            correct += c;
        }
        return (sum / data.Count, correct / (double)data.Count);
    }

    /// <summary>The features of <paramref name="data"/> in float: the training set's copy is kept for the model's life, one other set's until the next.</summary>
    private float[] SingleFeatures(LabeledData data)
    {
        if (ReferenceEquals(data, _data)) return _features32 ??= Array.ConvertAll(data.Features, v => (float)v);
        if (!ReferenceEquals(data, _evalData32))
        {
            _evalFeatures32 = Array.ConvertAll(data.Features, v => (float)v);
            _evalData32 = data;
        }
        return _evalFeatures32!;
    }

    private Work<T> WorkFor<T>()
    {
        if (typeof(T) == typeof(double)) return (Work<T>)(object)_work64;
        return (Work<T>)(object)(_work32 ??= new Work<float>(_sizes));
    }

    // The span GEMM of the element type (the type test is a JIT-time constant).
    private static void Gemm<T>(int m, int n, int k, ReadOnlySpan<T> a, bool transposeA, ReadOnlySpan<T> b, bool transposeB,
        bool accumulate, Span<T> c, int threads) where T : unmanaged
    {
        int lda = transposeA ? k : m, ldb = transposeB ? n : k;
        if (typeof(T) == typeof(double))
            DenseBlas.Gemm(m, n, k, 1.0, MemoryMarshal.Cast<T, double>(a), lda, transposeA, MemoryMarshal.Cast<T, double>(b), ldb, transposeB,
                accumulate ? 1.0 : 0.0, MemoryMarshal.Cast<T, double>(c), m, threads);
        else
            DenseBlas.Gemm(m, n, k, 1f, MemoryMarshal.Cast<T, float>(a), lda, transposeA, MemoryMarshal.Cast<T, float>(b), ldb, transposeB,
                accumulate ? 1f : 0f, MemoryMarshal.Cast<T, float>(c), m, threads);
    }

    /// <summary>
    /// Forward (and, when <paramref name="scale"/> ≠ 0, backward) pass over samples baseIndex + idx[j]. Returns the
    /// sum of the losses; the gradient of scale·Σ losses is written (or added, when <paramref name="accumulate"/>) to
    /// <paramref name="gradient"/>. The weights are read in place from <paramref name="x"/> and the weight gradients
    /// written in place into <paramref name="gradient"/> (span GEMMs, no copies); nothing is allocated.
    /// </summary>
    private double Chunk<T>(LabeledData data, ReadOnlySpan<T> features, int baseIndex, ReadOnlySpan<int> idx, ReadOnlySpan<T> x, Span<T> gradient,
        T scale, bool accumulate, out int correct) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int b = idx.Length, d = _sizes[0], layers = _sizes.Length - 1, classes = _sizes[^1];
        var work = WorkFor<T>();
        ReadOnlySpan<T> input;
        if (Unsafe.AreSame(ref MemoryMarshal.GetReference(idx), ref _iota[0]))
        {
            input = features.Slice(baseIndex * d, b * d); // consecutive samples: the data are already a d × b matrix
        }
        else
        {
            var gathered = work.A[0].AsSpan(0, b * d);
            for (int j = 0; j < b; j++) features.Slice((baseIndex + idx[j]) * d, d).CopyTo(gathered.Slice(j * d, d));
            input = gathered;
        }

        ReadOnlySpan<T> prev = input;
        for (int l = 1; l <= layers; l++)
        {
            int rows = _sizes[l], cols = _sizes[l - 1];
            var bias = x.Slice(_bOffset[l], rows);
            var a = work.A[l].AsSpan(0, rows * b);
            for (int j = 0; j < b; j++) bias.CopyTo(a.Slice(j * rows, rows)); // z = b·1ᵀ + W·a, the bias seeds the GEMM's C
            Gemm(rows, b, cols, x.Slice(_wOffset[l], rows * cols), false, prev, false, true, a, _threads);
            if (l < layers) TensorPrimitives.Max(a, T.Zero, a);
            prev = a;
        }

        // Softmax cross-entropy per column; with a gradient, the logits become (softmax − onehot)·scale = ∂(scale·Σ loss)/∂z.
        double loss = 0;
        correct = 0;
        var logits = work.A[layers].AsSpan(0, classes * b);
        for (int j = 0; j < b; j++)
        {
            var z = logits.Slice(j * classes, classes);
            int label = data.Labels[baseIndex + idx[j]];
            int arg = TensorPrimitives.IndexOfMax<T>(z);
            if (arg == label) correct++;
            T max = z[arg];
            T sumExp = T.Zero;
            for (int k = 0; k < classes; k++) sumExp += T.Exp(z[k] - max);
            T lse = max + T.Log(sumExp);
            loss += double.CreateTruncating(lse - z[label]);
            if (scale != T.Zero)
            {
                for (int k = 0; k < classes; k++) z[k] = T.Exp(z[k] - lse) * scale;
                z[label] -= scale;
            }
        }
        if (scale == T.Zero) return loss;

        for (int l = layers; l >= 1; l--)
        {
            int rows = _sizes[l], cols = _sizes[l - 1];
            ReadOnlySpan<T> dz = l == layers ? work.A[layers].AsSpan(0, rows * b) : work.D[l].AsSpan(0, rows * b);
            ReadOnlySpan<T> below = l == 1 ? input : work.A[l - 1].AsSpan(0, cols * b);
            // ∂W = dz·a_{l−1}ᵀ straight into the gradient vector.
            Gemm(rows, cols, b, dz, false, below, true, accumulate, gradient.Slice(_wOffset[l], rows * cols), _threads);
            var db = gradient.Slice(_bOffset[l], rows);
            if (!accumulate) db.Clear();
            for (int j = 0; j < b; j++) TensorPrimitives.Add(db, dz.Slice(j * rows, rows), db);
            if (l > 1)
            {
                var delta = work.D[l - 1].AsSpan(0, cols * b);
                Gemm(cols, b, rows, x.Slice(_wOffset[l], rows * cols), true, dz, false, false, delta, _threads);
                ReluMask(delta, work.A[l - 1].AsSpan(0, cols * b));
            }
        }
        return loss;
    }

    /// <summary>δ ← δ where a &gt; 0, else 0 (ReLU′: the activation is positive exactly where the pre-activation is).</summary>
    private static void ReluMask<T>(Span<T> delta, ReadOnlySpan<T> activation) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var dv = MemoryMarshal.Cast<T, Vector<T>>(delta);
        var av = MemoryMarshal.Cast<T, Vector<T>>(activation);
        for (int i = 0; i < dv.Length; i++)
            dv[i] = Vector.ConditionalSelect(Vector.GreaterThan(av[i], Vector<T>.Zero), dv[i], Vector<T>.Zero);
        for (int i = dv.Length * Vector<T>.Count; i < delta.Length; i++)
            if (activation[i] <= T.Zero) delta[i] = T.Zero;
    }
}
