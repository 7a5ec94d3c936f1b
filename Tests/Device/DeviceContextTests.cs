using Optima.Device;
using Xunit;

namespace Optima.Tests.Device;

/// <summary>The compute seam: which device a run asked for, which it got, and why.</summary>
public class DeviceContextTests
{
    [Fact]
    public void Cpu_is_the_default_and_opens_no_device()
    {
        Assert.Equal(ComputeDevice.Cpu, ComputeOptions.Default.Device);
        Assert.Null(DeviceContext.Open(ComputeOptions.Default, out var usage));
        Assert.Equal(DeviceUsage.Cpu, usage);
        Assert.False(usage.FellBack);
    }

    [Fact]
    public void An_undefined_device_is_rejected_by_name()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ComputeOptions { Device = (ComputeDevice)17 }.Validate());
        Assert.Equal("Device", e.ParamName);
    }

    [SkippableFact]
    public void Cuda_without_a_gpu_says_why_and_auto_falls_back()
    {
        var status = CudaProbe.Run();
        Skip.If(status.Available, "this machine has a CUDA device");
        Assert.NotNull(status.Failure);
        var e = Assert.Throws<DeviceUnavailableException>(() => DeviceContext.Create(ComputeDevice.Cuda));
        Assert.Equal(ComputeDevice.Cuda, e.Asked);
        Assert.Equal(status.Failure, e.Failure);
        Assert.Contains("CUDA", e.Message);
        Assert.Throws<DeviceUnavailableException>(() => DeviceContext.Open(new ComputeOptions { Device = ComputeDevice.Cuda }, out _));

        Assert.Null(DeviceContext.Open(new ComputeOptions { Device = ComputeDevice.Auto }, out var usage));
        Assert.Equal(ComputeDevice.Auto, usage.Asked);
        Assert.Equal(ComputeDevice.Cpu, usage.Used);
        Assert.True(usage.FellBack);
        Assert.Contains("fell back to the CPU", usage.Why);
        Assert.Contains(status.Reason, usage.Why);
    }

    [Fact]
    public void The_cpu_accelerator_opens_and_reports_itself()
    {
        using var device = DeviceContext.Create(ComputeDevice.CpuAccelerator);
        Assert.Equal(ComputeDevice.CpuAccelerator, device.Kind);
        Assert.Equal(ComputeDevice.CpuAccelerator, device.Usage.Used);
        Assert.False(string.IsNullOrEmpty(device.Name));
        Assert.Throws<ArgumentException>(() => DeviceContext.Create(ComputeDevice.Auto));
    }
}
