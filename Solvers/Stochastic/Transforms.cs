using System.Numerics;
using System.Numerics.Tensors;
using Optima.LinearAlgebra;

namespace Optima.Solvers.Stochastic;

// The transforms below follow the update formulas in PyTorch's torch.optim documentation (the algorithm boxes of
// SGD, Adagrad, RMSprop, Adadelta, Adam, AdamW, Adamax, NAdam) and, for AdaBound, the authors' reference
// implementation (Luo et al., ICLR 2019). In every formula g is the incoming update u, θ the parameters and t the
// 1-based step number.

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
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset) =>
        TensorPrimitives.Clamp(update, -_c, _c, update);

    /// <inheritdoc/>
    public override void Apply(Span<float> update, ReadOnlySpan<float> parameters, int offset) =>
        TensorPrimitives.Clamp(update, (float)-_c, (float)_c, update);
}

/// <summary>
/// Scales the whole gradient by min(1, c / (‖g‖₂ + 10⁻⁶)) so its Euclidean norm is at most c
/// (torch.nn.utils.clip_grad_norm_). Needs the whole gradient, so it must be first in its chain.
/// </summary>
public sealed class ClipByGlobalNorm : GradientTransform
{
    private readonly double _max;
    private double _scale = 1.0;

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

    /// <summary>The scale applied in the last step (1 when the norm was within bounds).</summary>
    public double LastScale => _scale;

    /// <inheritdoc/>
    public override void BeginStep(long step, double learningRate, ReadOnlySpan<double> gradient)
    {
        double norm = Reproducible.Norm(gradient); // fixed order: the same scale on every CPU
        _scale = Math.Min(1.0, _max / (norm + 1e-6));
    }

    /// <inheritdoc/>
    public override void BeginStep(long step, double learningRate, ReadOnlySpan<float> gradient)
    {
        double sum = 0; // the norm of a float gradient, accumulated in double
        const int block = 1024;
        Span<double> wide = stackalloc double[block];
        for (int i = 0; i < gradient.Length; i += block)
        {
            var part = gradient.Slice(i, Math.Min(block, gradient.Length - i));
            Lane.Widen(part, wide);
            sum += Reproducible.SumOfSquares(wide[..part.Length]);
        }
        _scale = Math.Min(1.0, _max / (Math.Sqrt(sum) + 1e-6));
    }

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset)
    {
        if (_scale != 1.0) TensorPrimitives.Multiply(update, _scale, update);
    }

    /// <inheritdoc/>
    public override void Apply(Span<float> update, ReadOnlySpan<float> parameters, int offset)
    {
        if (_scale != 1.0) TensorPrimitives.Multiply(update, (float)_scale, update);
    }
}

/// <summary>
/// u ← u + λθ. Placed before a scaling transform it is classic L2 regularisation (torch's <c>weight_decay</c> on
/// SGD/Adam: g ← g + λθ); placed after it and before <see cref="ScaleByLearningRate"/> it is decoupled weight decay
/// (AdamW, SGDW: θ ← θ − γλθ − γ·step).
/// </summary>
public sealed class AddDecayedWeights : GradientTransform
{
    private readonly double _lambda;

    /// <summary>Creates the transform with decay λ ≥ 0.</summary>
    public AddDecayedWeights(double weightDecay)
    {
        RequireNonNegative(weightDecay, nameof(weightDecay));
        _lambda = weightDecay;
    }

    /// <inheritdoc/>
    public override string Name => "add_decayed_weights";

    internal double Lambda => _lambda;

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset)
    {
        if (_lambda != 0) TensorPrimitives.FusedMultiplyAdd(parameters, _lambda, update, update);
    }

    /// <inheritdoc/>
    public override void Apply(Span<float> update, ReadOnlySpan<float> parameters, int offset)
    {
        if (_lambda != 0) TensorPrimitives.FusedMultiplyAdd(parameters, (float)_lambda, update, update);
    }
}

/// <summary>u ← −γ·u, with γ the learning rate of the step (after any schedule). The last link of most chains.</summary>
public sealed class ScaleByLearningRate : GradientTransform
{
    private double _minusLr;

    /// <inheritdoc/>
    public override string Name => "scale_by_learning_rate";

    /// <inheritdoc/>
    public override void BeginStep(long step, double learningRate, ReadOnlySpan<double> gradient) => _minusLr = -learningRate;

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset) =>
        TensorPrimitives.Multiply(update, _minusLr, update);

    /// <inheritdoc/>
    public override void Apply(Span<float> update, ReadOnlySpan<float> parameters, int offset) =>
        TensorPrimitives.Multiply(update, (float)_minusLr, update);
}

/// <summary>
/// PyTorch's momentum buffer (torch.optim.SGD): b₁ = g, b_t = μ b_{t−1} + (1 − τ) g; then u = g + μ b_t with
/// Nesterov, else u = b_t. With τ = 0 and a constant rate this is the heavy ball v ← βv − α∇L, θ ← θ + v with
/// v = −γ b; the Nesterov variant is Sutskever's look-ahead form reparameterised so that no second copy of the
/// parameters is kept (the stored θ is the look-ahead point).
/// </summary>
public sealed class Trace : GradientTransform
{
    private readonly double _mu, _dampening;
    private readonly bool _nesterov;
    private bool _first;

    /// <summary>Creates the buffer with momentum μ ∈ [0, 1), dampening τ ∈ [0, 1] and the Nesterov flag.</summary>
    /// <exception cref="ArgumentException">Nesterov with μ = 0 or τ ≠ 0 (as in PyTorch).</exception>
    public Trace(double momentum, double dampening = 0.0, bool nesterov = false)
    {
        RequireBeta(momentum, nameof(momentum));
        if (!(dampening >= 0 && dampening <= 1)) throw new ArgumentOutOfRangeException(nameof(dampening), dampening, "dampening must lie in [0, 1].");
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("Nesterov momentum requires a momentum > 0 and zero dampening.", nameof(nesterov));
        (_mu, _dampening, _nesterov) = (momentum, dampening, nesterov);
    }

    /// <inheritdoc/>
    public override string Name => "trace";

    internal (double Mu, double Keep, bool Nesterov, bool First) Fused => (_mu, 1.0 - _dampening, _nesterov, _first);

    /// <inheritdoc/>
    public override int VectorCount => 1;

    /// <inheritdoc/>
    public override void BeginStep(long step, double learningRate, ReadOnlySpan<double> gradient) => _first = step == 1;

    internal TraceRule<T, TFirst, TNesterov> Rule<T, TFirst, TNesterov>() where T : IFloatingPointIeee754<T> where TFirst : IFlag where TNesterov : IFlag =>
        new(_mu, 1.0 - _dampening);

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset) => Run(update, offset);

    /// <inheritdoc/>
    public override void Apply(Span<float> update, ReadOnlySpan<float> parameters, int offset) => Run(update, offset);

    private void Run<T>(Span<T> update, int offset) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (_first, _nesterov)
        {
            case (true, true): ApplyRule(Rule<T, Yes, Yes>(), update, offset); break;
            case (true, false): ApplyRule(Rule<T, Yes, No>(), update, offset); break;
            case (false, true): ApplyRule(Rule<T, No, Yes>(), update, offset); break;
            case (false, false): ApplyRule(Rule<T, No, No>(), update, offset); break;
        }
    }
}

/// <summary>
/// The textbook heavy ball (Polyak 1964) exactly as written: v ← βv − γg, u = v (so θ ← θ + v). Ends its chain
/// itself — it already includes the learning rate. Equal to <see cref="Trace"/> + <see cref="ScaleByLearningRate"/>
/// while γ is constant; differs once γ changes, since here the old velocity keeps the old rate.
/// </summary>
public sealed class HeavyBall : GradientTransform
{
    private readonly double _beta;
    private double _lr;

    /// <summary>Creates the transform with momentum β ∈ [0, 1).</summary>
    public HeavyBall(double momentum)
    {
        RequireBeta(momentum, nameof(momentum));
        _beta = momentum;
    }

    /// <inheritdoc/>
    public override string Name => "heavy_ball";

    /// <inheritdoc/>
    public override int VectorCount => 1;

    /// <inheritdoc/>
    public override void BeginStep(long step, double learningRate, ReadOnlySpan<double> gradient) => _lr = learningRate;

    private HeavyBallRule<T> Rule<T>() where T : IFloatingPointIeee754<T> => new(_beta, _lr);

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset) => ApplyRule(Rule<double>(), update, offset);

    /// <inheritdoc/>
    public override void Apply(Span<float> update, ReadOnlySpan<float> parameters, int offset) => ApplyRule(Rule<float>(), update, offset);

    internal override FusedKernel CreateKernel(KernelParts parts) => FusedKernel.Create(parts, "heavy ball", Rule<double>, Rule<float>);
}

/// <summary>
/// Adam's direction (torch.optim.Adam): m_t = β₁m + (1−β₁)g, v_t = β₂v + (1−β₂)g², u = m̂/(√v̂ + ε) with
/// m̂ = m_t/(1−β₁ᵗ), v̂ = v_t/(1−β₂ᵗ); with AMSGrad v̂ = max(v_max, v_t)/(1−β₂ᵗ), the running maximum kept as a
/// third state vector.
/// </summary>
public sealed class ScaleByAdam : GradientTransform
{
    private readonly double _b1, _b2, _eps;
    private readonly bool _amsgrad;
    private double _c1, _c2;

    /// <summary>Creates the transform. PyTorch defaults: β₁ = 0.9, β₂ = 0.999, ε = 1e-8.</summary>
    public ScaleByAdam(double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, bool amsgrad = false)
    {
        RequireBeta(beta1, nameof(beta1));
        RequireBeta(beta2, nameof(beta2));
        RequireNonNegative(epsilon, nameof(epsilon));
        (_b1, _b2, _eps, _amsgrad) = (beta1, beta2, epsilon, amsgrad);
    }

    /// <inheritdoc/>
    public override string Name => _amsgrad ? "scale_by_amsgrad" : "scale_by_adam";

    /// <inheritdoc/>
    public override int VectorCount => _amsgrad ? 3 : 2;

    /// <inheritdoc/>
    public override void BeginStep(long step, double learningRate, ReadOnlySpan<double> gradient)
    {
        _c1 = 1.0 / (1.0 - Math.Pow(_b1, step));
        _c2 = 1.0 / Math.Sqrt(1.0 - Math.Pow(_b2, step));
    }

    private AdamRule<T, TAms> Rule<T, TAms>() where T : IFloatingPointIeee754<T> where TAms : IFlag => new(_b1, _b2, _eps, _c1, _c2);

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset) => Run(update, offset);

    /// <inheritdoc/>
    public override void Apply(Span<float> update, ReadOnlySpan<float> parameters, int offset) => Run(update, offset);

    private void Run<T>(Span<T> update, int offset) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (_amsgrad) ApplyRule(Rule<T, Yes>(), update, offset);
        else ApplyRule(Rule<T, No>(), update, offset);
    }

    internal override FusedKernel CreateKernel(KernelParts parts) => _amsgrad
        ? FusedKernel.Create(parts, "amsgrad", Rule<double, Yes>, Rule<float, Yes>)
        : FusedKernel.Create(parts, "adam", Rule<double, No>, Rule<float, No>);
}

/// <summary>
/// AdaMax (torch.optim.Adamax): m_t = β₁m + (1−β₁)g, u_t = max(β₂u_{t−1}, |g| + ε), update m_t / ((1−β₁ᵗ) u_t).
/// </summary>
public sealed class ScaleByAdamax : GradientTransform
{
    private readonly double _b1, _b2, _eps;
    private double _c1;

    /// <summary>Creates the transform. PyTorch defaults: β₁ = 0.9, β₂ = 0.999, ε = 1e-8.</summary>
    public ScaleByAdamax(double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        RequireBeta(beta1, nameof(beta1));
        RequireBeta(beta2, nameof(beta2));
        RequireNonNegative(epsilon, nameof(epsilon));
        (_b1, _b2, _eps) = (beta1, beta2, epsilon);
    }

    /// <inheritdoc/>
    public override string Name => "scale_by_adamax";

    /// <inheritdoc/>
    public override int VectorCount => 2;

    /// <inheritdoc/>
    public override void BeginStep(long step, double learningRate, ReadOnlySpan<double> gradient) =>
        _c1 = 1.0 / (1.0 - Math.Pow(_b1, step));

    private AdamaxRule<T> Rule<T>() where T : IFloatingPointIeee754<T> => new(_b1, _b2, _eps, _c1);

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset) => ApplyRule(Rule<double>(), update, offset);

    /// <inheritdoc/>
    public override void Apply(Span<float> update, ReadOnlySpan<float> parameters, int offset) => ApplyRule(Rule<float>(), update, offset);

    internal override FusedKernel CreateKernel(KernelParts parts) => FusedKernel.Create(parts, "adamax", Rule<double>, Rule<float>);
}

/// <summary>
/// NAdam (torch.optim.NAdam, Dozat 2016): μ_t = β₁(1 − ½·0.96^{tψ}); m, v as in Adam; the update is
/// [μ_{t+1} m_t/(1 − Π_{i≤t+1} μ_i) + (1 − μ_t) g/(1 − Π_{i≤t} μ_i)] / (√(v_t/(1−β₂ᵗ)) + ε).
/// The running product Π μ_i is scalar state.
/// </summary>
public sealed class ScaleByNadam : GradientTransform
{
    private readonly double _b1, _b2, _eps, _psi;
    private double _cm, _cg, _c2;

    /// <summary>Creates the transform. PyTorch defaults: β₁ = 0.9, β₂ = 0.999, ε = 1e-8, ψ (momentum decay) = 4e-3.</summary>
    public ScaleByNadam(double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double momentumDecay = 4e-3)
    {
        RequireBeta(beta1, nameof(beta1));
        RequireBeta(beta2, nameof(beta2));
        RequireNonNegative(epsilon, nameof(epsilon));
        RequireNonNegative(momentumDecay, nameof(momentumDecay));
        (_b1, _b2, _eps, _psi) = (beta1, beta2, epsilon, momentumDecay);
    }

    /// <inheritdoc/>
    public override string Name => "scale_by_nadam";

    /// <inheritdoc/>
    public override int VectorCount => 2;

    /// <inheritdoc/>
    public override int ScalarCount => 1;

    /// <inheritdoc/>
    public override double InitialScalar(int k) => 1.0;

    /// <inheritdoc/>
    public override void BeginStep(long step, double learningRate, ReadOnlySpan<double> gradient)
    {
        double mu = _b1 * (1.0 - 0.5 * Math.Pow(0.96, step * _psi));
        double muNext = _b1 * (1.0 - 0.5 * Math.Pow(0.96, (step + 1) * _psi));
        ref double product = ref StateScalar(0);
        product *= mu;
        _cg = (1.0 - mu) / (1.0 - product);
        _cm = muNext / (1.0 - product * muNext);
        _c2 = 1.0 / Math.Sqrt(1.0 - Math.Pow(_b2, step));
    }

    private NadamRule<T> Rule<T>() where T : IFloatingPointIeee754<T> => new(_b1, _b2, _eps, _cm, _cg, _c2);

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset) => ApplyRule(Rule<double>(), update, offset);

    /// <inheritdoc/>
    public override void Apply(Span<float> update, ReadOnlySpan<float> parameters, int offset) => ApplyRule(Rule<float>(), update, offset);

    internal override FusedKernel CreateKernel(KernelParts parts) => FusedKernel.Create(parts, "nadam", Rule<double>, Rule<float>);
}

/// <summary>
/// Adagrad (torch.optim.Adagrad): s ← s + g², u = g / (√s + ε) / (1 + (t − 1)η) with η the learning-rate decay;
/// s starts at the initial accumulator value.
/// </summary>
public sealed class ScaleByAdagrad : GradientTransform
{
    private readonly double _decay, _initial, _eps;
    private double _scale;

    /// <summary>Creates the transform. PyTorch defaults: lr_decay η = 0, initial_accumulator_value = 0, ε = 1e-10.</summary>
    public ScaleByAdagrad(double learningRateDecay = 0.0, double initialAccumulator = 0.0, double epsilon = 1e-10)
    {
        RequireNonNegative(learningRateDecay, nameof(learningRateDecay));
        RequireNonNegative(initialAccumulator, nameof(initialAccumulator));
        RequireNonNegative(epsilon, nameof(epsilon));
        (_decay, _initial, _eps) = (learningRateDecay, initialAccumulator, epsilon);
    }

    /// <inheritdoc/>
    public override string Name => "scale_by_adagrad";

    /// <inheritdoc/>
    public override int VectorCount => 1;

    /// <inheritdoc/>
    public override double InitialVectorValue(int k) => _initial;

    /// <inheritdoc/>
    public override void BeginStep(long step, double learningRate, ReadOnlySpan<double> gradient) =>
        _scale = 1.0 / (1.0 + (step - 1) * _decay);

    private AdagradRule<T> Rule<T>() where T : IFloatingPointIeee754<T> => new(_scale, _eps);

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset) => ApplyRule(Rule<double>(), update, offset);

    /// <inheritdoc/>
    public override void Apply(Span<float> update, ReadOnlySpan<float> parameters, int offset) => ApplyRule(Rule<float>(), update, offset);

    internal override FusedKernel CreateKernel(KernelParts parts) => FusedKernel.Create(parts, "adagrad", Rule<double>, Rule<float>);
}

/// <summary>
/// RMSProp (torch.optim.RMSprop, Hinton's lecture 6e): v ← αv + (1−α)g²; centred: ḡ ← αḡ + (1−α)g and the
/// denominator uses v − ḡ² (Graves 2013); u = g / (√ṽ + ε). Momentum, when wanted, is a following
/// <see cref="Trace"/> (PyTorch's b ← μb + g/(√ṽ + ε)).
/// </summary>
public sealed class ScaleByRms : GradientTransform
{
    private readonly double _alpha, _eps;
    private readonly bool _centred;

    /// <summary>Creates the transform. PyTorch defaults: α = 0.99, ε = 1e-8, not centred.</summary>
    public ScaleByRms(double alpha = 0.99, double epsilon = 1e-8, bool centred = false)
    {
        RequireBeta(alpha, nameof(alpha));
        RequireNonNegative(epsilon, nameof(epsilon));
        (_alpha, _eps, _centred) = (alpha, epsilon, centred);
    }

    /// <inheritdoc/>
    public override string Name => _centred ? "scale_by_centred_rms" : "scale_by_rms";

    /// <inheritdoc/>
    public override int VectorCount => _centred ? 2 : 1;

    private RmsRule<T, TCentred> Rule<T, TCentred>() where T : IFloatingPointIeee754<T> where TCentred : IFlag => new(_alpha, _eps);

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset) => Run(update, offset);

    /// <inheritdoc/>
    public override void Apply(Span<float> update, ReadOnlySpan<float> parameters, int offset) => Run(update, offset);

    private void Run<T>(Span<T> update, int offset) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (_centred) ApplyRule(Rule<T, Yes>(), update, offset);
        else ApplyRule(Rule<T, No>(), update, offset);
    }

    internal override FusedKernel CreateKernel(KernelParts parts) => _centred
        ? FusedKernel.Create(parts, "centred rmsprop", Rule<double, Yes>, Rule<float, Yes>)
        : FusedKernel.Create(parts, "rmsprop", Rule<double, No>, Rule<float, No>);
}

/// <summary>
/// Adadelta (torch.optim.Adadelta, Zeiler 2012): v ← ρv + (1−ρ)g², Δ = √(a + ε)/√(v + ε)·g, a ← ρa + (1−ρ)Δ², u = Δ
/// (then scaled by the learning rate, default 1). The ratio is computed as √((a + ε)/(v + ε)) — one square root instead
/// of PyTorch's two, equal to within an ulp or two — because two square roots made the step compute-bound.
/// </summary>
public sealed class ScaleByAdadelta : GradientTransform
{
    private readonly double _rho, _eps;

    /// <summary>Creates the transform. PyTorch defaults: ρ = 0.9, ε = 1e-6.</summary>
    public ScaleByAdadelta(double rho = 0.9, double epsilon = 1e-6)
    {
        RequireBeta(rho, nameof(rho));
        RequireNonNegative(epsilon, nameof(epsilon));
        (_rho, _eps) = (rho, epsilon);
    }

    /// <inheritdoc/>
    public override string Name => "scale_by_adadelta";

    /// <inheritdoc/>
    public override int VectorCount => 2;

    private AdadeltaRule<T> Rule<T>() where T : IFloatingPointIeee754<T> => new(_rho, _eps);

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset) => ApplyRule(Rule<double>(), update, offset);

    /// <inheritdoc/>
    public override void Apply(Span<float> update, ReadOnlySpan<float> parameters, int offset) => ApplyRule(Rule<float>(), update, offset);

    internal override FusedKernel CreateKernel(KernelParts parts) => FusedKernel.Create(parts, "adadelta", Rule<double>, Rule<float>);
}

/// <summary>
/// AdaBound (Luo, Xiong, Liu and Sun, ICLR 2019, following the authors' reference code): Adam whose per-entry step
/// γ√(1−β₂ᵗ)/(1−β₁ᵗ)/(√v + ε) is clipped to [η_l(t), η_u(t)], η_l = η*(1 − 1/(βt + 1)), η_u = η*(1 + 1/(βt)),
/// with the final rate η* = final_lr·γ/γ₀ (γ₀ the initial rate), so the bounds follow a schedule. Expressed here
/// before <see cref="ScaleByLearningRate"/>: the bounds are divided by γ.
/// </summary>
public sealed class ScaleByAdaBound : GradientTransform
{
    private readonly double _b1, _b2, _eps, _ratio, _gamma;
    private double _c, _lo, _hi;

    /// <summary>Creates the transform. Reference defaults: β₁ = 0.9, β₂ = 0.999, ε = 1e-8, final_lr = 0.1, γ (bound convergence speed) = 1e-3.</summary>
    /// <param name="initialLearningRate">γ₀, the optimizer's base rate (default 1e-3).</param>
    /// <param name="finalLearningRate">final_lr, the SGD rate the bounds converge to.</param>
    /// <param name="gamma">Speed of convergence of the bounds.</param>
    /// <param name="beta1">β₁.</param>
    /// <param name="beta2">β₂.</param>
    /// <param name="epsilon">ε.</param>
    public ScaleByAdaBound(double initialLearningRate = 1e-3, double finalLearningRate = 0.1, double gamma = 1e-3,
        double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        RequirePositive(initialLearningRate, nameof(initialLearningRate));
        RequirePositive(finalLearningRate, nameof(finalLearningRate));
        RequirePositive(gamma, nameof(gamma));
        RequireBeta(beta1, nameof(beta1));
        RequireBeta(beta2, nameof(beta2));
        RequireNonNegative(epsilon, nameof(epsilon));
        (_b1, _b2, _eps, _ratio, _gamma) = (beta1, beta2, epsilon, finalLearningRate / initialLearningRate, gamma);
    }

    /// <inheritdoc/>
    public override string Name => "scale_by_adabound";

    /// <inheritdoc/>
    public override int VectorCount => 2;

    /// <inheritdoc/>
    public override void BeginStep(long step, double learningRate, ReadOnlySpan<double> gradient)
    {
        _c = Math.Sqrt(1.0 - Math.Pow(_b2, step)) / (1.0 - Math.Pow(_b1, step));
        _lo = _ratio * (1.0 - 1.0 / (_gamma * step + 1.0));
        _hi = _ratio * (1.0 + 1.0 / (_gamma * step));
    }

    private AdaBoundRule<T> Rule<T>() where T : IFloatingPointIeee754<T> => new(_b1, _b2, _eps, _c, _lo, _hi);

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset) => ApplyRule(Rule<double>(), update, offset);

    /// <inheritdoc/>
    public override void Apply(Span<float> update, ReadOnlySpan<float> parameters, int offset) => ApplyRule(Rule<float>(), update, offset);

    internal override FusedKernel CreateKernel(KernelParts parts) => FusedKernel.Create(parts, "adabound", Rule<double>, Rule<float>);
}
