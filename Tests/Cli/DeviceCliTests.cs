using System.Text.Json;
using Optima.Device;
using Xunit;

namespace Optima.Tests.Cli;

/// <summary><c>optima solve --device</c>: cuda without a GPU exits 2 with the reason, auto falls back and says so.</summary>
public class DeviceCliTests : IDisposable
{
    private readonly string _matrix = Path.Combine(Path.GetTempPath(), $"optima-device-{Guid.NewGuid():N}.mtx");

    public DeviceCliTests() =>
        File.WriteAllText(_matrix, "%%MatrixMarket matrix coordinate real symmetric\n4 4 7\n1 1 4\n2 1 -1\n2 2 4\n3 2 -1\n3 3 4\n4 3 -1\n4 4 4\n");

    public void Dispose() => File.Delete(_matrix);

    [SkippableFact]
    public void Cuda_without_a_gpu_exits_2_with_the_reason()
    {
        var status = CudaProbe.Run();
        Skip.If(status.Available, "this machine has a CUDA device");
        var (code, output, error) = CliTests.Run("solve", "--matrix", _matrix, "--method", "cg", "--device", "cuda");
        Assert.Equal(2, code);
        Assert.Contains(status.Reason, error);
        Assert.Contains("--device cuda", error);
        Assert.DoesNotContain("internal error", error);
        Assert.Equal("", output);

        (code, output, _) = CliTests.Run("solve", "--matrix", _matrix, "--method", "cg", "--device", "cuda", "--json");
        Assert.Equal(2, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Contains(status.Reason, doc.RootElement.GetProperty("error").GetString());
    }

    [SkippableFact]
    public void Auto_falls_back_to_the_cpu_and_says_so()
    {
        Skip.If(CudaProbe.Run().Available, "this machine has a CUDA device");
        var (code, output, error) = CliTests.Run("solve", "--matrix", _matrix, "--method", "cg", "--device", "auto", "--json");
        Assert.Equal(0, code);
        Assert.Contains("fell back to the CPU", error);
        using var doc = JsonDocument.Parse(output);
        var device = doc.RootElement.GetProperty("device");
        Assert.Equal("auto", device.GetProperty("asked").GetString());
        Assert.Equal("cpu", device.GetProperty("used").GetString());
        Assert.Contains("fell back", device.GetProperty("why").GetString());
        // The same numbers as a CPU run.
        var (_, cpu, _) = CliTests.Run("solve", "--matrix", _matrix, "--method", "cg", "--json");
        using var cpuDoc = JsonDocument.Parse(cpu);
        Assert.Equal(cpuDoc.RootElement.GetProperty("relativeResidual").GetDouble(), doc.RootElement.GetProperty("relativeResidual").GetDouble());
        Assert.Equal("cpu", cpuDoc.RootElement.GetProperty("device").GetProperty("used").GetString());
    }

    [Fact]
    public void Pcg_jacobi_runs_on_the_cpu_accelerator()
    {
        string x = _matrix + ".x.mtx";
        try
        {
            var (code, output, error) = CliTests.Run("solve", "--matrix", _matrix, "--method", "pcg", "--precond", "jacobi", "--device", "cpu-accelerator",
                "--tol", "1e-12", "--out", x, "--json");
            Assert.True(code == 0, error);
            using var doc = JsonDocument.Parse(output);
            Assert.Equal("cpu-accelerator", doc.RootElement.GetProperty("device").GetProperty("used").GetString());
            Assert.Equal("jacobi", doc.RootElement.GetProperty("preconditioner").GetString());
            Assert.True(doc.RootElement.GetProperty("relativeResidual").GetDouble() <= 1e-12);
            Assert.All(Optima.LinearAlgebra.IO.MatrixMarket.ReadVector(x), v => Assert.Equal(1.0, v, 10));

            (code, output, _) = CliTests.Run("solve", "--matrix", _matrix, "--method", "cg", "--device", "cpu-accelerator");
            Assert.Equal(0, code);
            Assert.Contains("device              cpu-accelerator", output);
        }
        finally
        {
            File.Delete(x);
        }
    }

    [Theory]
    [InlineData("--method", "lu", "--device", "cuda")]
    [InlineData("--method", "pcg", "--device", "cpu-accelerator")] // ic0, the default preconditioner, is CPU-only
    [InlineData("--method", "cg", "--device", "tpu")]
    public void Methods_the_device_cannot_run_and_unknown_devices_exit_2(params string[] args)
    {
        var (code, _, error) = CliTests.Run(["solve", "--matrix", _matrix, .. args]);
        Assert.Equal(2, code);
        Assert.Contains("--device", error);
    }

    [Fact]
    public void Auto_runs_other_methods_on_the_cpu_and_says_why()
    {
        var (code, output, _) = CliTests.Run("solve", "--matrix", _matrix, "--method", "lu", "--device", "auto", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("cpu", doc.RootElement.GetProperty("device").GetProperty("used").GetString());
        Assert.Contains("ran on the CPU", doc.RootElement.GetProperty("device").GetProperty("why").GetString());
    }
}

/// <summary><c>optima device</c>, the GPU check's runner, on ILGPU's CPU accelerator.</summary>
public class DeviceCommandTests
{
    [Fact]
    public void Device_checks_pass_on_the_cpu_accelerator()
    {
        var (code, output, error) = CliTests.Run("device", "--device", "cpu-accelerator", "--size", "1000", "--json");
        Assert.True(code == 0, error + output);
        using var doc = JsonDocument.Parse(output);
        Assert.True(doc.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal("cpu-accelerator", doc.RootElement.GetProperty("device").GetProperty("used").GetString());
        var names = doc.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(new[] { "pcg-jacobi", "adam-float64", "adam-float32", "nesterov-float64", "adam-bandwidth" }, names);
    }

    [SkippableFact]
    public void Device_cuda_without_a_gpu_exits_2()
    {
        var status = CudaProbe.Run();
        Skip.If(status.Available, "this machine has a CUDA device");
        var (code, _, error) = CliTests.Run("device", "--device", "cuda");
        Assert.Equal(2, code);
        Assert.Contains(status.Reason, error);
    }
}
