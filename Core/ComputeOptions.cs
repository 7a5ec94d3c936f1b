namespace Optima;

/// <summary>Where a run computes. Only the device backend (the Optima.Device assembly, ILGPU) runs anything but <see cref="Cpu"/>.</summary>
public enum ComputeDevice
{
    /// <summary>Managed code on the host CPU (the default; same bits on every CPU).</summary>
    Cpu,
    /// <summary>An NVIDIA GPU through CUDA (ILGPU). Asking for it where there is no driver or device is an error that says why.</summary>
    Cuda,
    /// <summary>ILGPU's CPU accelerator: the device kernels emulated on the host (for tests; far slower than <see cref="Cpu"/>).</summary>
    CpuAccelerator,
    /// <summary>CUDA when a GPU can be used, else the CPU; the run's <see cref="DeviceUsage"/> says which ran and why.</summary>
    Auto,
}

/// <summary>
/// The device a run was asked for and the one it used, with the reason they differ (Ceres' "given vs used");
/// run summaries report it.
/// </summary>
/// <param name="Asked">The device the options asked for.</param>
/// <param name="Used">The device that ran: <see cref="ComputeDevice.Cpu"/>, <see cref="ComputeDevice.Cuda"/> or <see cref="ComputeDevice.CpuAccelerator"/>.</param>
/// <param name="Why">Why this device ran, e.g. "no CUDA driver: libcuda.so.1 / libcuda.so could not be loaded (…); fell back to the CPU".</param>
/// <param name="Name">The accelerator's name (e.g. "NVIDIA H200"), or null on the CPU.</param>
public sealed record DeviceUsage(ComputeDevice Asked, ComputeDevice Used, string Why, string? Name = null)
{
    /// <summary>A CPU run that was asked for.</summary>
    public static DeviceUsage Cpu { get; } = new(ComputeDevice.Cpu, ComputeDevice.Cpu, "asked for");

    /// <summary>True when the device that ran is not the one asked for (an <see cref="ComputeDevice.Auto"/> that fell back).</summary>
    public bool FellBack => Asked == ComputeDevice.Auto && Used == ComputeDevice.Cpu;

    /// <summary>The lower-case name the CLI uses: cpu, cuda, cpu-accelerator, auto.</summary>
    public static string NameOf(ComputeDevice device) => device switch
    {
        ComputeDevice.Cpu => "cpu",
        ComputeDevice.Cuda => "cuda",
        ComputeDevice.CpuAccelerator => "cpu-accelerator",
        ComputeDevice.Auto => "auto",
        _ => device.ToString(),
    };

    /// <inheritdoc/>
    public override string ToString() =>
        (Asked == Used ? NameOf(Used) : $"{NameOf(Used)} (asked: {NameOf(Asked)})") + (Name is null ? "" : $", {Name}") + $": {Why}";
}

/// <summary>
/// Where and how wide a run computes. One setting travels in every layer's options (<see cref="RunOptions.Compute"/>);
/// it is never a process-wide global.
/// </summary>
/// <remarks>
/// The thread convention, the same everywhere: <see cref="Threads"/> null = automatic (the library decides from the
/// size of the work and, for user code it cannot know to be thread-safe, stays on the calling thread), 1 = the calling
/// thread only, k &gt; 1 = at most k threads (<see cref="Environment.ProcessorCount"/> for all cores). Results do not depend
/// on the thread count, to the bit.
/// </remarks>
public sealed record ComputeOptions
{
    /// <summary>The defaults: automatic threads.</summary>
    public static ComputeOptions Default { get; } = new();

    /// <summary>The calling thread only.</summary>
    public static ComputeOptions Sequential { get; } = new() { Threads = 1 };

    /// <summary>
    /// The device: <see cref="ComputeDevice.Cpu"/> (default). The CPU layers ignore the others; the device backend
    /// (Optima.Device) honours them and reports what ran in a <see cref="DeviceUsage"/>.
    /// </summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Cpu;

    /// <summary>Thread limit: null (default) = automatic, 1 = the calling thread only, k &gt; 1 = at most k threads.</summary>
    public int? Threads { get; init; }

    /// <summary>The limit in the form of <see cref="ParallelOptions.MaxDegreeOfParallelism"/>: -1 when automatic, else <see cref="Threads"/>.</summary>
    public int MaxDegreeOfParallelism => Threads ?? -1;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the invalid setting.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Device))
            throw new ArgumentOutOfRangeException(nameof(Device), Device, "Device must be Cpu, Cuda, CpuAccelerator or Auto.");
        if (Threads is < 1)
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads,
                "Threads must be null (automatic), 1 (the calling thread only) or a positive thread limit.");
    }

    /// <inheritdoc/>
    public override string ToString() =>
        (Threads is { } t ? (t == 1 ? "1 thread" : $"at most {t} threads") : "automatic threads")
        + (Device == ComputeDevice.Cpu ? "" : $", device {DeviceUsage.NameOf(Device)}");
}
