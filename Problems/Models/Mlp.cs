using System.Numerics.Tensors;
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
/// <para>Reuses work buffers (one set per batch width seen): not thread-safe.</para>
/// </remarks>
public sealed class Mlp : IFiniteSumObjective
{
    /// <summary>Largest number of samples pushed through the network at once; bigger batches are processed in chunks.</summary>
    public const int ChunkSize = 256;

    private readonly LabeledData _data;
    private readonly int[] _sizes;
    private readonly int[] _wOffset, _bOffset;
    private readonly DenseMatrix[] _w, _dw;
    private readonly double[][] _db;
    private readonly int _threads;
    private readonly Dictionary<int, Workspace> _workspaces = [];
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
        _w = new DenseMatrix[layers + 1];
        _dw = new DenseMatrix[layers + 1];
        _db = new double[layers + 1][];
        long offset = 0;
        for (int l = 1; l <= layers; l++)
        {
            _wOffset[l] = (int)offset;
            offset += (long)_sizes[l] * _sizes[l - 1];
            _bOffset[l] = (int)offset;
            offset += _sizes[l];
            if (offset > Array.MaxLength) throw new ArgumentException("The network has too many parameters.", nameof(hiddenSizes));
            _w[l] = new DenseMatrix(_sizes[l], _sizes[l - 1]);
            _dw[l] = new DenseMatrix(_sizes[l], _sizes[l - 1]);
            _db[l] = new double[_sizes[l]];
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
        Objective.RequireLength(x.Length, Dimension, nameof(x));
        LoadWeights(x);
        double sum = 0;
        for (int start = 0; start < _data.Count; start += ChunkSize)
        {
            int len = Math.Min(ChunkSize, _data.Count - start);
            sum += Chunk(_data, start, _iota.AsSpan(0, len), x, 0, false, out _);
        }
        return sum / _data.Count;
    }

    /// <inheritdoc/>
    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        Objective.RequireLength(x.Length, Dimension, nameof(x));
        Objective.RequireLength(gradient.Length, Dimension, nameof(gradient));
        LoadWeights(x);
        double sum = 0, scale = 1.0 / _data.Count;
        for (int start = 0; start < _data.Count; start += ChunkSize)
        {
            int len = Math.Min(ChunkSize, _data.Count - start);
            sum += Chunk(_data, start, _iota.AsSpan(0, len), x, scale, start > 0, out _);
        }
        StoreGradient(gradient);
        return sum * scale;
    }

    /// <inheritdoc/>
    public double BatchValueAndGradient(ReadOnlySpan<double> x, ReadOnlySpan<int> batch, Span<double> gradient)
    {
        Objective.RequireLength(x.Length, Dimension, nameof(x));
        Objective.RequireLength(gradient.Length, Dimension, nameof(gradient));
        if (batch.IsEmpty) throw new ArgumentException("The batch is empty.", nameof(batch));
        foreach (int i in batch)
            if ((uint)i >= (uint)_data.Count) throw new ArgumentOutOfRangeException(nameof(batch), i, $"Batch index {i} is outside [0, {_data.Count}).");
        LoadWeights(x);
        double sum = 0, scale = 1.0 / batch.Length;
        for (int start = 0; start < batch.Length; start += ChunkSize)
        {
            int len = Math.Min(ChunkSize, batch.Length - start);
            sum += Chunk(_data, 0, batch.Slice(start, len), x, scale, start > 0, out _);
        }
        StoreGradient(gradient);
        return sum * scale;
    }

    /// <summary>Mean cross-entropy and accuracy (fraction of arg-max predictions equal to the label) on <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> has another number of features or classes.</exception>
    public (double Loss, double Accuracy) Evaluate(ReadOnlySpan<double> x, LabeledData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Objective.RequireLength(x.Length, Dimension, nameof(x));
        if (data.FeatureCount != _sizes[0] || data.Classes != _sizes[^1])
            throw new ArgumentException($"The data have {data.FeatureCount} features and {data.Classes} classes; the network expects {_sizes[0]} and {_sizes[^1]}.", nameof(data));
        LoadWeights(x);
        double sum = 0;
        long correct = 0;
        for (int start = 0; start < data.Count; start += ChunkSize)
        {
            int len = Math.Min(ChunkSize, data.Count - start);
            sum += Chunk(data, start, _iota.AsSpan(0, len), x, 0, false, out int c);
            correct += c;
        }
        return (sum / data.Count, correct / (double)data.Count);
    }

    private void LoadWeights(ReadOnlySpan<double> x)
    {
        for (int l = 1; l < _sizes.Length; l++)
            x.Slice(_wOffset[l], _w[l].Data.Length).CopyTo(_w[l].Data);
    }

    private void StoreGradient(Span<double> g)
    {
        for (int l = 1; l < _sizes.Length; l++)
        {
            _dw[l].Data.CopyTo(g.Slice(_wOffset[l]));
            _db[l].CopyTo(g.Slice(_bOffset[l]));
        }
    }

    /// <summary>
    /// Forward (and, when <paramref name="scale"/> ≠ 0, backward) pass over samples baseIndex + idx[j]. Returns the
    /// sum of the losses; the gradient of scale·Σ losses is written (or added, when <paramref name="accumulate"/>) to
    /// the per-layer gradient buffers.
    /// </summary>
    private double Chunk(LabeledData data, int baseIndex, ReadOnlySpan<int> idx, ReadOnlySpan<double> x, double scale, bool accumulate, out int correct)
    {
        int b = idx.Length, d = _sizes[0], layers = _sizes.Length - 1, classes = _sizes[^1];
        if (!_workspaces.TryGetValue(b, out var ws)) _workspaces[b] = ws = new Workspace(_sizes, b);
        var features = data.Features.AsSpan();
        var input = ws.A[0].Data.AsSpan();
        for (int j = 0; j < b; j++) features.Slice((baseIndex + idx[j]) * d, d).CopyTo(input.Slice(j * d, d));

        for (int l = 1; l <= layers; l++)
        {
            DenseBlas.Gemm(1.0, _w[l], false, ws.A[l - 1], false, 0.0, ws.A[l], _threads);
            var bias = x.Slice(_bOffset[l], _sizes[l]);
            var a = ws.A[l].Data.AsSpan();
            for (int j = 0; j < b; j++)
            {
                var col = a.Slice(j * _sizes[l], _sizes[l]);
                TensorPrimitives.Add(col, bias, col);
            }
            if (l < layers) TensorPrimitives.Max(a, 0.0, a);
        }

        // Softmax cross-entropy per column; with a gradient, the logits become (softmax − onehot)·scale = ∂(scale·Σ loss)/∂z.
        double loss = 0;
        correct = 0;
        var logits = ws.A[layers].Data.AsSpan();
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
            var dz = l == layers ? ws.A[layers] : ws.D[l];
            DenseBlas.Gemm(1.0, dz, false, ws.A[l - 1], true, accumulate ? 1.0 : 0.0, _dw[l], _threads);
            var db = _db[l].AsSpan();
            if (!accumulate) db.Clear();
            var dzData = dz.Data.AsSpan();
            for (int j = 0; j < b; j++) TensorPrimitives.Add(db, dzData.Slice(j * _sizes[l], _sizes[l]), db);
            if (l > 1)
            {
                DenseBlas.Gemm(1.0, _w[l], true, dz, false, 0.0, ws.D[l - 1], _threads);
                var prev = ws.D[l - 1].Data;
                var act = ws.A[l - 1].Data;
                for (int i = 0; i < prev.Length; i++)
                    if (act[i] <= 0) prev[i] = 0; // ReLU′: the activation is positive exactly where the pre-activation is
            }
        }
        return loss;
    }

    private sealed class Workspace
    {
        public Workspace(int[] sizes, int b)
        {
            A = new DenseMatrix[sizes.Length];
            D = new DenseMatrix[sizes.Length];
            for (int l = 0; l < sizes.Length; l++)
            {
                A[l] = new DenseMatrix(sizes[l], b);
                if (l > 0 && l < sizes.Length - 1) D[l] = new DenseMatrix(sizes[l], b);
            }
        }

        /// <summary>A[0] = input batch, A[l] = activations of layer l (logits / softmax residual for the last).</summary>
        public DenseMatrix[] A { get; }

        /// <summary>D[l] = ∂/∂(pre-activation) of hidden layer l.</summary>
        public DenseMatrix[] D { get; }
    }
}
