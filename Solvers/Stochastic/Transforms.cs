using System.Numerics;
using System.Numerics.Tensors;

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
        double norm = TensorPrimitives.Norm(gradient);
        _scale = Math.Min(1.0, _max / (norm + 1e-6));
    }

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset)
    {
        if (_scale != 1.0) TensorPrimitives.Multiply(update, _scale, update);
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

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset)
    {
        var u = AsVectors(update);
        var b = AsVectors(StateVector(0, offset, update.Length));
        var mu = new Vector<double>(_mu);
        var keep = new Vector<double>(1.0 - _dampening);
        for (int i = 0; i < u.Length; i++)
        {
            var g = u[i];
            var bi = _first ? g : Vector.FusedMultiplyAdd(mu, b[i], keep * g);
            b[i] = bi;
            u[i] = _nesterov ? Vector.FusedMultiplyAdd(mu, bi, g) : bi;
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

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset)
    {
        var u = AsVectors(update);
        var v = AsVectors(StateVector(0, offset, update.Length));
        var beta = new Vector<double>(_beta);
        var minusLr = new Vector<double>(-_lr);
        for (int i = 0; i < u.Length; i++)
        {
            var vi = Vector.FusedMultiplyAdd(beta, v[i], minusLr * u[i]);
            v[i] = vi;
            u[i] = vi;
        }
    }
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

    internal (double B1, double B2, double Eps, bool AmsGrad, double C1, double C2) Fused => (_b1, _b2, _eps, _amsgrad, _c1, _c2);

    /// <inheritdoc/>
    public override int VectorCount => _amsgrad ? 3 : 2;

    /// <inheritdoc/>
    public override void BeginStep(long step, double learningRate, ReadOnlySpan<double> gradient)
    {
        _c1 = 1.0 / (1.0 - Math.Pow(_b1, step));
        _c2 = 1.0 / Math.Sqrt(1.0 - Math.Pow(_b2, step));
    }

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset)
    {
        var u = AsVectors(update);
        var m = AsVectors(StateVector(0, offset, update.Length));
        var v = AsVectors(StateVector(1, offset, update.Length));
        var b1 = new Vector<double>(_b1);
        var b2 = new Vector<double>(_b2);
        var a1 = new Vector<double>(1 - _b1);
        var a2 = new Vector<double>(1 - _b2);
        var c1 = new Vector<double>(_c1);
        var c2 = new Vector<double>(_c2);
        var eps = new Vector<double>(_eps);
        if (!_amsgrad)
        {
            for (int i = 0; i < u.Length; i++)
            {
                var g = u[i];
                var mi = Vector.FusedMultiplyAdd(b1, m[i], a1 * g);
                var vi = Vector.FusedMultiplyAdd(b2, v[i], a2 * g * g);
                m[i] = mi;
                v[i] = vi;
                u[i] = mi * c1 / Vector.FusedMultiplyAdd(Vector.SquareRoot(vi), c2, eps);
            }
        }
        else
        {
            var vmax = AsVectors(StateVector(2, offset, update.Length));
            for (int i = 0; i < u.Length; i++)
            {
                var g = u[i];
                var mi = Vector.FusedMultiplyAdd(b1, m[i], a1 * g);
                var vi = Vector.FusedMultiplyAdd(b2, v[i], a2 * g * g);
                var mx = Vector.Max(vmax[i], vi);
                m[i] = mi;
                v[i] = vi;
                vmax[i] = mx;
                u[i] = mi * c1 / Vector.FusedMultiplyAdd(Vector.SquareRoot(mx), c2, eps);
            }
        }
    }
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

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset)
    {
        var u = AsVectors(update);
        var m = AsVectors(StateVector(0, offset, update.Length));
        var inf = AsVectors(StateVector(1, offset, update.Length));
        var b1 = new Vector<double>(_b1);
        var a1 = new Vector<double>(1 - _b1);
        var b2 = new Vector<double>(_b2);
        var c1 = new Vector<double>(_c1);
        var eps = new Vector<double>(_eps);
        for (int i = 0; i < u.Length; i++)
        {
            var g = u[i];
            var mi = Vector.FusedMultiplyAdd(b1, m[i], a1 * g);
            var ui = Vector.Max(b2 * inf[i], Vector.Abs(g) + eps);
            m[i] = mi;
            inf[i] = ui;
            u[i] = mi * c1 / ui;
        }
    }
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

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset)
    {
        var u = AsVectors(update);
        var m = AsVectors(StateVector(0, offset, update.Length));
        var v = AsVectors(StateVector(1, offset, update.Length));
        var b1 = new Vector<double>(_b1);
        var b2 = new Vector<double>(_b2);
        var a1 = new Vector<double>(1 - _b1);
        var a2 = new Vector<double>(1 - _b2);
        var cm = new Vector<double>(_cm);
        var cg = new Vector<double>(_cg);
        var c2 = new Vector<double>(_c2);
        var eps = new Vector<double>(_eps);
        for (int i = 0; i < u.Length; i++)
        {
            var g = u[i];
            var mi = Vector.FusedMultiplyAdd(b1, m[i], a1 * g);
            var vi = Vector.FusedMultiplyAdd(b2, v[i], a2 * g * g);
            m[i] = mi;
            v[i] = vi;
            u[i] = Vector.FusedMultiplyAdd(cm, mi, cg * g) / Vector.FusedMultiplyAdd(Vector.SquareRoot(vi), c2, eps);
        }
    }
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

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset)
    {
        var u = AsVectors(update);
        var s = AsVectors(StateVector(0, offset, update.Length));
        var eps = new Vector<double>(_eps);
        var scale = new Vector<double>(_scale);
        for (int i = 0; i < u.Length; i++)
        {
            var g = u[i];
            var si = Vector.FusedMultiplyAdd(g, g, s[i]);
            s[i] = si;
            u[i] = g * scale / (Vector.SquareRoot(si) + eps);
        }
    }
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

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset)
    {
        var u = AsVectors(update);
        var v = AsVectors(StateVector(0, offset, update.Length));
        var al = new Vector<double>(_alpha);
        var a1 = new Vector<double>(1 - _alpha);
        var eps = new Vector<double>(_eps);
        if (!_centred)
        {
            for (int i = 0; i < u.Length; i++)
            {
                var g = u[i];
                var vi = Vector.FusedMultiplyAdd(al, v[i], a1 * g * g);
                v[i] = vi;
                u[i] = g / (Vector.SquareRoot(vi) + eps);
            }
        }
        else
        {
            var mean = AsVectors(StateVector(1, offset, update.Length));
            for (int i = 0; i < u.Length; i++)
            {
                var g = u[i];
                var vi = Vector.FusedMultiplyAdd(al, v[i], a1 * g * g);
                var gi = Vector.FusedMultiplyAdd(al, mean[i], a1 * g);
                v[i] = vi;
                mean[i] = gi;
                u[i] = g / (Vector.SquareRoot(Vector.FusedMultiplyAdd(-gi, gi, vi)) + eps);
            }
        }
    }
}

/// <summary>
/// Adadelta (torch.optim.Adadelta, Zeiler 2012): v ← ρv + (1−ρ)g², Δ = √(a + ε)/√(v + ε)·g, a ← ρa + (1−ρ)Δ², u = Δ
/// (then scaled by the learning rate, default 1).
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

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset)
    {
        var u = AsVectors(update);
        var v = AsVectors(StateVector(0, offset, update.Length));
        var a = AsVectors(StateVector(1, offset, update.Length));
        var rho = new Vector<double>(_rho);
        var r1 = new Vector<double>(1 - _rho);
        var eps = new Vector<double>(_eps);
        for (int i = 0; i < u.Length; i++)
        {
            var g = u[i];
            var vi = Vector.FusedMultiplyAdd(rho, v[i], r1 * g * g);
            var delta = Vector.SquareRoot(a[i] + eps) / Vector.SquareRoot(vi + eps) * g;
            v[i] = vi;
            a[i] = Vector.FusedMultiplyAdd(rho, a[i], r1 * delta * delta);
            u[i] = delta;
        }
    }
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

    /// <inheritdoc/>
    public override void Apply(Span<double> update, ReadOnlySpan<double> parameters, int offset)
    {
        var u = AsVectors(update);
        var m = AsVectors(StateVector(0, offset, update.Length));
        var v = AsVectors(StateVector(1, offset, update.Length));
        var b1 = new Vector<double>(_b1);
        var b2 = new Vector<double>(_b2);
        var a1 = new Vector<double>(1 - _b1);
        var a2 = new Vector<double>(1 - _b2);
        var c = new Vector<double>(_c);
        var lo = new Vector<double>(_lo);
        var hi = new Vector<double>(_hi);
        var eps = new Vector<double>(_eps);
        for (int i = 0; i < u.Length; i++)
        {
            var g = u[i];
            var mi = Vector.FusedMultiplyAdd(b1, m[i], a1 * g);
            var vi = Vector.FusedMultiplyAdd(b2, v[i], a2 * g * g);
            m[i] = mi;
            v[i] = vi;
            var step = Vector.Min(Vector.Max(c / (Vector.SquareRoot(vi) + eps), lo), hi);
            u[i] = step * mi;
        }
    }
}
