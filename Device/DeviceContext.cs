using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Optima.Device;

/// <summary>
/// An open ILGPU device (a CUDA GPU, or ILGPU's CPU accelerator for tests) with its compiled kernels. Create one per
/// process or per batch of runs and reuse it: opening a device and compiling the kernels costs far more than a small
/// solve. Dispose it to release the device and all its memory. One run at a time per context: the kernels compile
/// lazily and launch on one stream, so a context is not for concurrent use from several threads.
/// </summary>
/// <remarks>
/// Opening never fails from deep inside ILGPU: CUDA is probed first (<see cref="CudaProbe"/>), and every failure
/// becomes a <see cref="DeviceUnavailableException"/> naming the cause. The context enables ILGPU.Algorithms, so
/// double-precision exp/log compile for CUDA (software versions; without them PTX compilation fails).
/// </remarks>
public sealed class DeviceContext : IDisposable
{
    private readonly Context _context;
    private DeviceKernels? _kernels;

    private DeviceContext(Context context, Accelerator accelerator, ComputeDevice kind, DeviceUsage usage)
    {
        _context = context;
        Accelerator = accelerator;
        Kind = kind;
        Usage = usage;
    }

    /// <summary><see cref="ComputeDevice.Cuda"/> or <see cref="ComputeDevice.CpuAccelerator"/>.</summary>
    public ComputeDevice Kind { get; }

    /// <summary>The accelerator's name, e.g. "NVIDIA H200" or "CPUAccelerator".</summary>
    public string Name => Accelerator.Name;

    /// <summary>What was asked for and what this context is.</summary>
    public DeviceUsage Usage { get; }

    /// <summary>The device's memory in bytes.</summary>
    public long MemorySize => Accelerator.MemorySize;

    internal Accelerator Accelerator { get; }

    /// <summary>The kernels, compiled for this accelerator on first use.</summary>
    internal DeviceKernels Kernels => _kernels ??= new DeviceKernels(Accelerator);

    /// <summary>
    /// Opens <see cref="ComputeDevice.Cuda"/> (the first GPU) or <see cref="ComputeDevice.CpuAccelerator"/>.
    /// </summary>
    /// <exception cref="DeviceUnavailableException">CUDA was asked for and there is no driver, no device, or ILGPU failed; the message says which.</exception>
    /// <exception cref="ArgumentException"><see cref="ComputeDevice.Cpu"/> or <see cref="ComputeDevice.Auto"/> (use <see cref="Open"/>).</exception>
    public static DeviceContext Create(ComputeDevice device) => device switch
    {
        ComputeDevice.Cuda => CreateCuda(ComputeDevice.Cuda, "asked for"),
        ComputeDevice.CpuAccelerator => CreateCpuAccelerator(),
        _ => throw new ArgumentException($"DeviceContext.Create opens a device (Cuda or CpuAccelerator), not {device}; use DeviceContext.Open for Cpu and Auto.", nameof(device)),
    };

    /// <summary>
    /// The device a run with these compute options uses: null for the CPU (asked for, or <see cref="ComputeDevice.Auto"/>
    /// without a usable GPU — <paramref name="usage"/> then says why), else an open context the caller disposes.
    /// </summary>
    /// <exception cref="DeviceUnavailableException">CUDA was asked for explicitly and cannot be used.</exception>
    public static DeviceContext? Open(ComputeOptions? compute, out DeviceUsage usage)
    {
        compute ??= ComputeOptions.Default;
        compute.Validate();
        switch (compute.Device)
        {
            case ComputeDevice.Cpu:
                usage = DeviceUsage.Cpu;
                return null;
            case ComputeDevice.Auto:
                try
                {
                    var cuda = CreateCuda(ComputeDevice.Auto, "a CUDA device was found");
                    usage = cuda.Usage;
                    return cuda;
                }
                catch (DeviceUnavailableException e)
                {
                    usage = new DeviceUsage(ComputeDevice.Auto, ComputeDevice.Cpu, $"{e.Message}; fell back to the CPU");
                    return null;
                }
            default:
                var context = Create(compute.Device);
                usage = context.Usage;
                return context;
        }
    }

    private static DeviceContext CreateCuda(ComputeDevice asked, string why)
    {
        var status = CudaProbe.Run();
        if (!status.Available) throw new DeviceUnavailableException(asked, status.Failure!.Value, status.Reason);
        Context? context = null;
        try
        {
            context = Context.Create(b => b.Cuda().EnableAlgorithms());
            if (context.GetCudaDevices().Count == 0)
                throw new DeviceUnavailableException(asked, DeviceFailure.NoDevice,
                    $"ILGPU found no usable CUDA device although the driver reports {status.DeviceCount} (an architecture or driver version ILGPU 1.5.3 does not know?)");
            var accelerator = context.CreateCudaAccelerator(0);
            return new DeviceContext(context, accelerator, ComputeDevice.Cuda, new DeviceUsage(asked, ComputeDevice.Cuda, why, accelerator.Name));
        }
        catch (DeviceUnavailableException)
        {
            context?.Dispose();
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            context?.Dispose();
            throw new DeviceUnavailableException(asked, DeviceFailure.IlgpuError, $"ILGPU could not open the CUDA device: {e.Message}", e);
        }
    }

    private static DeviceContext CreateCpuAccelerator()
    {
        Context? context = null;
        try
        {
            context = Context.Create(b => b.CPU().EnableAlgorithms());
            // Parallel (not Sequential): the sequential mode switches between emulated threads at every barrier and ran the
            // device tests 4–10× slower here.
            var accelerator = context.CreateCPUAccelerator(0, CPUAcceleratorMode.Parallel);
            return new DeviceContext(context, accelerator, ComputeDevice.CpuAccelerator,
                new DeviceUsage(ComputeDevice.CpuAccelerator, ComputeDevice.CpuAccelerator, "asked for", accelerator.Name));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            context?.Dispose();
            throw new DeviceUnavailableException(ComputeDevice.CpuAccelerator, DeviceFailure.IlgpuError, $"ILGPU could not open its CPU accelerator: {e.Message}", e);
        }
    }

    /// <summary>Waits until every launched kernel and copy has finished (for timing).</summary>
    public void Synchronize() => Accelerator.Synchronize();

    /// <summary>
    /// The device-to-device copy bandwidth in bytes per second (read + write), the yardstick of memory-bound kernels:
    /// <paramref name="repeats"/> copies of <paramref name="count"/> floats after one warm-up copy.
    /// </summary>
    public double MeasureCopyBandwidth(long count, int repeats = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        using var source = Accelerator.Allocate1D<float>(count);
        using var target = Accelerator.Allocate1D<float>(count);
        source.MemSetToZero();
        target.CopyFrom(source);
        Accelerator.Synchronize();
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        for (int i = 0; i < repeats; i++) target.CopyFrom(source);
        Accelerator.Synchronize();
        double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        return 2.0 * sizeof(float) * count * repeats / seconds;
    }

    /// <summary>Releases the kernels, every buffer still allocated on the device, and the device.</summary>
    public void Dispose()
    {
        Accelerator.Dispose();
        _context.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{DeviceUsage.NameOf(Kind)}: {Name}";
}
