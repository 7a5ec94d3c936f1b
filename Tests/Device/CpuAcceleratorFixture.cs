using Optima.Device;
using Xunit;

namespace Optima.Tests.Device;

/// <summary>
/// One ILGPU CPU accelerator for all device tests, so the kernels compile once. The accelerator emulates a GPU on the
/// host (80–800× slower than plain loops): the device tests keep their sizes tiny.
/// </summary>
public sealed class CpuAcceleratorFixture : IDisposable
{
    public DeviceContext Device { get; } = DeviceContext.Create(ComputeDevice.CpuAccelerator);

    public void Dispose() => Device.Dispose();
}

[CollectionDefinition(Name)]
public sealed class DeviceCollection : ICollectionFixture<CpuAcceleratorFixture>
{
    public const string Name = "CPU accelerator";
}
