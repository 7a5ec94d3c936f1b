using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Optima.LinearAlgebra;

namespace Optima.Solvers.Stochastic;

// The links every optimizer's chain may use around its core (clipping, weight decay, the learning rate). The cores live
// each in its optimizer's file (Sgd.cs, Adam.cs …) with their settings and rules. Formulas follow PyTorch's torch.optim
// documentation; g is the incoming update u, θ the parameters and t the 1-based step number.

/// <summary>Clips each entry of the update to [−c, c] (torch.nn.utils.clip_grad_value_).</summary>
public sealed class ClipByValue : GradientTransform
{
    private readonly double _c;

    /// <summary>Creates the transform with bound <paramref name="clipValue"/> &gt; 0.</summary>
    public ClipByValue(double clipValue)
    {
        RequirePositive(clipValue, nameof(clipValue));
        _c = clipValue;
    }

    /// <inheritdoc/>
    public override string Name => "clip_by_value";

    /// <inheritdoc/>
    public override void Apply<T>(Span<T> update, ReadOnlySpan<T> parameters, TransformBlock<T> block) =>
        TensorPrimitives.Clamp(update, T.CreateTruncating(-_c), T.CreateTruncating(_c), update);
}

/// <summary>
/// Scales the whole gradient by min(1, c / (‖g‖₂ + 10⁻⁶)) so its Euclidean norm is at most c
/// (torch.nn.utils.clip_grad_norm_). Needs the whole gradient, so it must be first in its chain.
/// </summary>
public sealed class ClipByGlobalNorm : GradientTransform
{
    private readonly double _max;

    /// <summary>Creates the transform with maximum norm <paramref name="maxNorm"/> &gt; 0.</summary>
    public ClipByGlobalNorm(double maxNorm)
    {
        RequirePositive(maxNorm, nameof(maxNorm));
        _max = maxNorm;
    }

    /// <inheritdoc/>
    public override string Name => "clip_by_global_norm";

    /// <inheritdoc/>
    public override bool NeedsWholeGradient => true;

    /// <inheritdoc/>
    public override int ConstantCount => 1;

    /// <inheritdoc/>
    public override void Prepare<T>(long step, double learningRate, ReadOnlySpan<T> gradient, Span<double> scalars, Span<double> constants) =>
        constants[0] = Math.Min(1.0, _max / (Norm(gradient) + 1e-6));

    /// <summary>‖g‖₂ in a fixed order (the same scale on every CPU); a float gradient is accumulated in double.</summary>
    private static double Norm<T>(ReadOnlySpan<T> gradient) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double)) return Reproducible.Norm(MemoryMarshal.Cast<T, double>(gradient));
        var g = MemoryMarshal.Cast<T, float>(gradient);
        double sum = 0;
        const int block = 1024;
        Span<double> wide = stackalloc double[block];
        for (int i = 0; i < g.Length; i += block)
        {
            var part = g.Slice(i, Math.Min(block, g.Length - i));
            Lane.Widen(part, wide);
            sum += Reproducible.SumOfSquares(wide[..part.Length]);
        }
        return Math.Sqrt(sum);
    }

    /// <inheritdoc/>
    public override void Apply<T>(Span<T> update, ReadOnlySpan<T> parameters, TransformBlock<T> block)
    {
        double scale = block.Constants[0];
        if (scale != 1.0) TensorPrimitives.Multiply(update, T.CreateTruncating(scale), update);
    }
}

/// <summary>
/// u ← u + λθ. Placed before a scaling transform it is classic L2 regularisation (torch's <c>weight_decay</c> on
/// SGD/Adam: g ← g + λθ); placed after it and before <see cref="ScaleByLearningRate"/> it is decoupled weight decay
/// (AdamW, SGDW: θ ← θ − γλθ − γ·step).
/// </summary>
public sealed class AddDecayedWeights : GradientTransform
{
    /// <summary>Creates the transform with decay λ ≥ 0.</summary>
    public AddDecayedWeights(double weightDecay)
    {
        RequireNonNegative(weightDecay, nameof(weightDecay));
        Lambda = weightDecay;
    }

    /// <inheritdoc/>
    public override string Name => "add_decayed_weights";

    internal double Lambda { get; }

    /// <inheritdoc/>
    public override void Apply<T>(Span<T> update, ReadOnlySpan<T> parameters, TransformBlock<T> block)
    {
        if (Lambda != 0) TensorPrimitives.FusedMultiplyAdd(parameters, T.CreateTruncating(Lambda), update, update);
    }
}

/// <summary>u ← −γ·u, with γ the learning rate of the step (after any schedule). The last link of most chains.</summary>
public sealed class ScaleByLearningRate : GradientTransform
{
    /// <inheritdoc/>
    public override string Name => "scale_by_learning_rate";

    /// <inheritdoc/>
    public override int ConstantCount => 1;

    /// <inheritdoc/>
    public override void Prepare<T>(long step, double learningRate, ReadOnlySpan<T> gradient, Span<double> scalars, Span<double> constants) =>
        constants[0] = -learningRate;

    /// <inheritdoc/>
    public override void Apply<T>(Span<T> update, ReadOnlySpan<T> parameters, TransformBlock<T> block) =>
        TensorPrimitives.Multiply(update, T.CreateTruncating(block.Constants[0]), update);
}
