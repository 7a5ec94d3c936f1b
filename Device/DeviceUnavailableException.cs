namespace Optima.Device;

/// <summary>Why a device could not be opened.</summary>
public enum DeviceFailure
{
    /// <summary>No CUDA driver library (libcuda.so.1 / libcuda.so, nvcuda.dll) could be loaded.</summary>
    NoDriver,
    /// <summary>The driver loaded but reports no CUDA device (or cuInit said so).</summary>
    NoDevice,
    /// <summary>The driver returned an error (cuInit or cuDeviceGetCount).</summary>
    DriverError,
    /// <summary>ILGPU failed to create the context or accelerator.</summary>
    IlgpuError,
}

/// <summary>
/// A device that was asked for cannot be used; <see cref="Failure"/> and the message say why (no driver, no device,
/// a driver or ILGPU error). Thrown by <see cref="DeviceContext.Create"/> when CUDA is asked for explicitly;
/// <see cref="ComputeDevice.Auto"/> falls back to the CPU instead.
/// </summary>
public sealed class DeviceUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DeviceUnavailableException(ComputeDevice asked, DeviceFailure failure, string message, Exception? inner = null)
        : base(message, inner) => (Asked, Failure) = (asked, failure);

    /// <summary>The device that was asked for.</summary>
    public ComputeDevice Asked { get; }

    /// <summary>The kind of failure.</summary>
    public DeviceFailure Failure { get; }
}
