using ILGPU;
using ILGPU.Runtime;

namespace Optima.Device;

/// <summary>The first-order rules the device runs as one fused kernel each.</summary>
public enum DeviceRule
{
    /// <summary>Adam with bias correction (torch.optim.Adam; Optima's "adam").</summary>
    Adam,
    /// <summary>SGD with momentum, dampening and Nesterov (torch.optim.SGD; Optima's "sgd", "momentum", "nesterov").</summary>
    Sgd,
}

/// <summary>
/// Settings of a <see cref="DeviceOptimizer{T}"/>; PyTorch's defaults. The arithmetic is that of Optima's CPU rules
/// (Optima.Solvers.Stochastic, which match torch.optim); the Device assembly sits below Solvers, so the settings are its own.
/// </summary>
public sealed record DeviceOptimizerSettings
{
    /// <summary>The rule. Default <see cref="DeviceRule.Adam"/>.</summary>
    public DeviceRule Rule { get; init; } = DeviceRule.Adam;

    /// <summary>γ. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Adam's β₁. Default 0.9.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's β₂. Default 0.999.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Adam's ε. Default 1e-8.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>SGD's momentum μ ∈ [0, 1). Default 0.9.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>SGD's dampening τ ∈ [0, 1]. Default 0.</summary>
    public double Dampening { get; init; }

    /// <summary>SGD's Nesterov momentum (needs μ &gt; 0 and τ = 0). Default false.</summary>
    public bool Nesterov { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the invalid setting.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Rule)) throw new ArgumentException($"Unknown rule {Rule}.", nameof(Rule));
        if (!(LearningRate >= 0) || !double.IsFinite(LearningRate)) throw new ArgumentException($"LearningRate must be a finite number ≥ 0, not {LearningRate}.", nameof(LearningRate));
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentException($"Beta1 must lie in [0, 1), not {Beta1}.", nameof(Beta1));
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentException($"Beta2 must lie in [0, 1), not {Beta2}.", nameof(Beta2));
        if (!(Epsilon >= 0) || !double.IsFinite(Epsilon)) throw new ArgumentException($"Epsilon must be a finite number ≥ 0, not {Epsilon}.", nameof(Epsilon));
        if (!(Momentum >= 0 && Momentum < 1)) throw new ArgumentException($"Momentum must lie in [0, 1), not {Momentum}.", nameof(Momentum));
        if (!(Dampening >= 0 && Dampening <= 1)) throw new ArgumentException($"Dampening must lie in [0, 1], not {Dampening}.", nameof(Dampening));
        if (Nesterov && (Momentum <= 0 || Dampening != 0))
            throw new ArgumentException("Nesterov momentum requires a momentum > 0 and zero dampening.", nameof(Nesterov));
    }
}

/// <summary>
/// A first-order optimizer whose parameters, gradient and state (Adam's m and v, SGD's momentum buffer) live in device
/// memory: each step is one fused kernel over all parameters, and nothing crosses to the host unless asked
/// (<see cref="CopyParametersTo"/>). T is float (state and arithmetic in float32, constants rounded from double, as
/// the CPU's Float32 precision) or double.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class DeviceOptimizer<T> : IDisposable where T : unmanaged
{
    private readonly DeviceContext _device;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _parameters, _gradient, _s0;
    private readonly MemoryBuffer1D<T, Stride1D.Dense>? _s1;
    private double _learningRate;

    /// <summary>Uploads the initial parameters and allocates the gradient and the state on the device, zeroed.</summary>
    /// <exception cref="ArgumentException">T is neither float nor double, the parameters are empty, or invalid settings.</exception>
    public DeviceOptimizer(DeviceContext device, ReadOnlySpan<T> parameters, DeviceOptimizerSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
            throw new ArgumentException($"The device optimizers run on float or double parameters, not {typeof(T).Name}.", nameof(parameters));
        if (parameters.IsEmpty) throw new ArgumentException("There are no parameters.", nameof(parameters));
        settings ??= new DeviceOptimizerSettings();
        settings.Validate();
        _device = device;
        Settings = settings;
        _learningRate = settings.LearningRate;
        var a = device.Accelerator;
        var allocated = new List<IDisposable>();
        try
        {
            _parameters = a.Allocate1D<T>(parameters.Length);
            allocated.Add(_parameters);
            ((ArrayView<T>)_parameters.View).CopyFromCPU(parameters);
            _gradient = a.Allocate1D<T>(parameters.Length);
            allocated.Add(_gradient);
            _gradient.MemSetToZero();
            _s0 = a.Allocate1D<T>(parameters.Length);
            allocated.Add(_s0);
            _s0.MemSetToZero();
            if (settings.Rule == DeviceRule.Adam)
            {
                _s1 = a.Allocate1D<T>(parameters.Length);
                allocated.Add(_s1);
                _s1.MemSetToZero();
            }
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            foreach (var buffer in allocated) buffer.Dispose();
            throw new DeviceUnavailableException(device.Kind, DeviceFailure.IlgpuError,
                $"could not allocate {parameters.Length} parameters and their {settings.Rule} state on {device.Name}: {e.Message}", e);
        }
    }

    /// <summary>The settings.</summary>
    public DeviceOptimizerSettings Settings { get; }

    /// <summary>The number of parameters.</summary>
    public int ParameterCount => (int)_parameters.Length;

    /// <summary>Steps taken (refused steps do not count).</summary>
    public long StepCount { get; private set; }

    /// <summary>γ of the next step (a schedule sets it before each step).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative or non-finite value.</exception>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value >= 0) || !double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be a finite number ≥ 0.");
            _learningRate = value;
        }
    }

    /// <summary>
    /// Uploads a host gradient and takes one step. A gradient holding NaN or ±∞ is refused as by the CPU optimizers:
    /// nothing changes and false is returned.
    /// </summary>
    /// <exception cref="ArgumentException">The gradient's length differs from <see cref="ParameterCount"/>.</exception>
    public bool Step(ReadOnlySpan<T> gradient)
    {
        if (gradient.Length != ParameterCount) throw new ArgumentException($"The gradient has length {gradient.Length}; expected {ParameterCount}.", nameof(gradient));
        foreach (var g in gradient)
            if (!IsFinite(g)) return false;
        ((ArrayView<T>)_gradient.View).CopyFromCPU(gradient);
        StepOnDevice();
        return true;
    }

    private static bool IsFinite(T value) => typeof(T) == typeof(float) ? float.IsFinite((float)(object)value) : double.IsFinite((double)(object)value);

    /// <summary>One step with the gradient already in device memory (written by device code through <see cref="Gradient"/>).</summary>
    public void StepOnDevice()
    {
        long t = ++StepCount;
        var k = _device.Kernels;
        var s = Settings;
        int n = ParameterCount;
        if (s.Rule == DeviceRule.Adam)
        {
            // The CPU rule's constants: c₁ = 1/(1 − β₁ᵗ), c₂ = 1/√(1 − β₂ᵗ), in double.
            var step = new AdamStep(s.Beta1, s.Beta2, s.Epsilon, _learningRate, 1.0 / (1.0 - Math.Pow(s.Beta1, t)), 1.0 / Math.Sqrt(1.0 - Math.Pow(s.Beta2, t)));
            if (typeof(T) == typeof(double)) k.AdamDouble(n, View<double>(_parameters), View<double>(_gradient), View<double>(_s0), View<double>(_s1!), step);
            else k.AdamSingle(n, View<float>(_parameters), View<float>(_gradient), View<float>(_s0), View<float>(_s1!), step);
        }
        else
        {
            var step = new SgdStep(s.Momentum, 1.0 - s.Dampening, _learningRate, t == 1 ? 1 : 0, s.Nesterov ? 1 : 0);
            if (typeof(T) == typeof(double)) k.SgdDouble(n, View<double>(_parameters), View<double>(_gradient), View<double>(_s0), step);
            else k.SgdSingle(n, View<float>(_parameters), View<float>(_gradient), View<float>(_s0), step);
        }
    }

    private static ArrayView<TE> View<TE>(MemoryBuffer1D<T, Stride1D.Dense> buffer) where TE : unmanaged =>
        ((ArrayView<T>)buffer.View).Cast<TE>();

    /// <summary>The gradient's device memory, for device code that computes gradients in place.</summary>
    public ArrayView<T> Gradient => _gradient.View;

    /// <summary>The parameters' device memory.</summary>
    public ArrayView<T> Parameters => _parameters.View;

    /// <summary>Copies the parameters to the host.</summary>
    /// <exception cref="ArgumentException">The span's length differs from <see cref="ParameterCount"/>.</exception>
    public void CopyParametersTo(Span<T> destination)
    {
        if (destination.Length != ParameterCount) throw new ArgumentException($"The destination has length {destination.Length}; expected {ParameterCount}.", nameof(destination));
        ((ArrayView<T>)_parameters.View).CopyToCPU(destination);
    }

    /// <summary>Copies a state vector to the host: index 0 is Adam's m or SGD's buffer, 1 is Adam's v.</summary>
    /// <exception cref="ArgumentException">No such state vector, or the span's length differs from <see cref="ParameterCount"/>.</exception>
    public void CopyStateTo(int index, Span<T> destination)
    {
        var buffer = index == 0 ? _s0 : index == 1 ? _s1 : null;
        if (buffer is null) throw new ArgumentException($"{Settings.Rule} has no state vector {index}.", nameof(index));
        if (destination.Length != ParameterCount) throw new ArgumentException($"The destination has length {destination.Length}; expected {ParameterCount}.", nameof(destination));
        ((ArrayView<T>)buffer.View).CopyToCPU(destination);
    }

    /// <summary>Releases the device memory.</summary>
    public void Dispose()
    {
        _parameters.Dispose();
        _gradient.Dispose();
        _s0.Dispose();
        _s1?.Dispose();
    }
}
