using System.Reflection;
using System.Runtime.InteropServices;

namespace Optima.Device;

/// <summary>What <see cref="CudaProbe.Run"/> found: a usable driver with devices, or why not.</summary>
/// <param name="Available">A driver loaded, initialised and reported at least one device.</param>
/// <param name="DeviceCount">CUDA devices the driver reports (0 when unavailable).</param>
/// <param name="Failure">Why CUDA cannot be used, when it cannot.</param>
/// <param name="Reason">A sentence naming the cause ("no CUDA driver: …", "no CUDA device …"), or the driver found.</param>
public readonly record struct CudaStatus(bool Available, int DeviceCount, DeviceFailure? Failure, string Reason);

/// <summary>
/// Checks for a CUDA driver and device directly through the driver API, before ILGPU is asked (ILGPU's own device
/// discovery swallows every error and just finds no device, which cannot say why).
/// </summary>
public static class CudaProbe
{
    private static readonly string[] DriverNames = OperatingSystem.IsWindows() ? ["nvcuda.dll"] : ["libcuda.so.1", "libcuda.so"];
    private static readonly Lock Gate = new();
    private static CudaStatus? _status;
    private static bool _resolverSet;

    /// <summary>Probes once per process (the answer cannot change while the process runs) and returns the status.</summary>
    public static CudaStatus Run()
    {
        lock (Gate)
        {
            return _status ??= Probe();
        }
    }

    private static unsafe CudaStatus Probe()
    {
        IntPtr lib = IntPtr.Zero;
        string? loaded = null;
        foreach (string name in DriverNames)
            if (NativeLibrary.TryLoad(name, out lib)) { loaded = name; break; }
        if (loaded is null)
            return new(false, 0, DeviceFailure.NoDriver,
                $"no CUDA driver: {string.Join(" / ", DriverNames)} could not be loaded (is the NVIDIA driver installed?)");
        if (!NativeLibrary.TryGetExport(lib, "cuInit", out IntPtr init) || !NativeLibrary.TryGetExport(lib, "cuDeviceGetCount", out IntPtr count))
            return new(false, 0, DeviceFailure.DriverError, $"{loaded} loaded but does not export cuInit/cuDeviceGetCount");
        int err = ((delegate* unmanaged<uint, int>)init)(0);
        // CUDA_ERROR_NO_DEVICE = 100: the driver is installed but sees no GPU.
        if (err == 100) return new(false, 0, DeviceFailure.NoDevice, $"no CUDA device: {loaded} loaded, cuInit reports no device (CUDA error 100)");
        if (err != 0) return new(false, 0, DeviceFailure.DriverError, $"the CUDA driver ({loaded}) failed to initialise: cuInit returned CUDA error {err}");
        int devices = 0;
        err = ((delegate* unmanaged<int*, int>)count)(&devices);
        if (err != 0) return new(false, 0, DeviceFailure.DriverError, $"the CUDA driver ({loaded}) failed: cuDeviceGetCount returned CUDA error {err}");
        if (devices < 1) return new(false, 0, DeviceFailure.NoDevice, $"no CUDA device: {loaded} loaded but reports 0 devices");
        InstallDriverResolver(loaded);
        return new(true, devices, null, $"{devices} CUDA device(s) through {loaded}");
    }

    /// <summary>
    /// ILGPU imports the driver as "cuda", which the loader looks up as libcuda.so — absent where only the driver's
    /// libcuda.so.1 is installed (no CUDA toolkit). Pointing ILGPU's import at the library the probe loaded fixes that.
    /// </summary>
    private static void InstallDriverResolver(string loaded)
    {
        if (_resolverSet || OperatingSystem.IsWindows()) return;
        _resolverSet = true;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(ILGPU.Context).Assembly, (name, assembly, path) =>
                name == "cuda" && NativeLibrary.TryLoad(loaded, out IntPtr h) ? h : IntPtr.Zero);
        }
        catch (InvalidOperationException)
        {
            // The host application set its own resolver for ILGPU first; it then owns the lookup.
        }
    }
}
