using System.Reflection;
using ILGPU;
using Optima.Device;
using Xunit;
using Xunit.Abstractions;

namespace Optima.Tests.Device;

/// <summary>Every device kernel compiles to PTX for an sm_90 device offline (no GPU, no driver): GPU-only compile failures show here.</summary>
public class PtxCompileTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_kernel_compiles_to_ptx_for_sm_90()
    {
        var kernels = PtxCompiler.CompileAll();
        // ILGPU writes the lowest architecture that has every capability sm_90 offers its kernels (sm_80 in 1.5.3), as a
        // CudaAccelerator on an H100/H200 would: that PTX is JIT-compiled by the driver for sm_90.
        string target = new ILGPU.Runtime.Cuda.CudaCapabilityContext(PtxCompiler.DefaultArchitecture).TargetArchitecture.ToString().ToLowerInvariant();
        output.WriteLine($"target {target} (asked: sm_90)");
        Assert.Equal(DeviceKernels.All.Count, kernels.Count);
        Assert.True(kernels.Count >= 12, $"only {kernels.Count} kernels found");
        foreach (var k in kernels)
        {
            output.WriteLine($"{k.Kernel}: {k.Ptx.Length} characters of PTX");
            Assert.Contains($".target {target}\n", k.Ptx);
            Assert.Contains(".version 8.0", k.Ptx);
            Assert.Contains(".entry", k.Ptx);
        }
        // The two float Adam/SGD variants compile to single-precision arithmetic.
        Assert.Contains(kernels, k => k.Kernel.StartsWith("AdamKernel", StringComparison.Ordinal) && k.Kernel.Contains("Single") && k.Ptx.Contains("sqrt.rn.f32"));
        Assert.Contains(kernels, k => k.Kernel.StartsWith("DotPartialsKernel", StringComparison.Ordinal) && k.Ptx.Contains("bar.sync"));
    }

    private static void ExpLogKernel(Index1D i, ArrayView<double> x) => x[i] = Math.Exp(x[i]) + Math.Log(x[i]) + Math.Sin(x[i]);

    private static void AllocatingKernel(Index1D i, ArrayView<double> x) => x[i] = new List<double> { 1.0 }.Count;

    private static (MethodInfo, bool) Kernel(string name) =>
        (typeof(PtxCompileTests).GetMethod(name, BindingFlags.Static | BindingFlags.NonPublic)!, false);

    [Fact]
    public void Double_exp_log_and_sin_compile_through_ilgpu_algorithms()
    {
        // Without ILGPU.Algorithms (or libdevice) this fails: "ExpF does not have an intrinsic implementation".
        var ptx = PtxCompiler.Compile([Kernel(nameof(ExpLogKernel))]);
        Assert.Single(ptx);
        Assert.Contains(".f64", ptx[0].Ptx);
    }

    [Fact]
    public void A_kernel_that_cannot_run_on_the_gpu_is_named()
    {
        var e = Assert.Throws<InvalidOperationException>(() => PtxCompiler.Compile([Kernel(nameof(AllocatingKernel))]));
        Assert.Contains("AllocatingKernel", e.Message);
        Assert.Contains("sm_90", e.Message, StringComparison.OrdinalIgnoreCase);
    }
}
