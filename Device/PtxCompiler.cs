using System.Reflection;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Optima.Device;

/// <summary>One kernel compiled to PTX.</summary>
/// <param name="Kernel">The kernel method's name, with its parameter types.</param>
/// <param name="Ptx">The PTX assembly.</param>
public readonly record struct PtxKernel(string Kernel, string Ptx);

/// <summary>
/// Compiles kernels to PTX offline, with ILGPU's PTX backend and no GPU or driver: what a CUDA accelerator would
/// compile at load time, so a machine without a GPU can still catch GPU-only compile failures (a math function
/// without a device implementation, an unsupported construct). The context enables ILGPU.Algorithms, as
/// <see cref="DeviceContext"/>'s does.
/// </summary>
public static class PtxCompiler
{
    /// <summary>The architecture of the GPU machines here (H100/H200): sm_90.</summary>
    public static CudaArchitecture DefaultArchitecture => CudaArchitecture.SM_90;

    /// <summary>
    /// The PTX ISA the offline compile targets: 8.0 (CUDA 12.0), the oldest that knows sm_90, so the result loads on every
    /// CUDA 12 and 13 driver.
    /// </summary>
    public static CudaInstructionSet DefaultInstructionSet => CudaInstructionSet.ISA_80;

    /// <summary>Compiles every kernel of the Optima.Device assembly.</summary>
    /// <exception cref="InvalidOperationException">A kernel failed to compile; the message names it and ILGPU's reason.</exception>
    public static IReadOnlyList<PtxKernel> CompileAll(CudaArchitecture? architecture = null, CudaInstructionSet? instructionSet = null) =>
        Compile(DeviceKernels.All, architecture, instructionSet);

    /// <summary>Compiles the given static kernel methods (implicitly grouped: first parameter an index; else explicitly grouped).</summary>
    /// <exception cref="InvalidOperationException">A kernel failed to compile; the message names it and ILGPU's reason.</exception>
    public static IReadOnlyList<PtxKernel> Compile(IEnumerable<(MethodInfo Method, bool Grouped)> kernels,
        CudaArchitecture? architecture = null, CudaInstructionSet? instructionSet = null)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        using var context = Context.Create(b => b.EnableAlgorithms());
        using var backend = new PTXBackend(context, new CudaCapabilityContext(architecture ?? DefaultArchitecture),
            architecture ?? DefaultArchitecture, instructionSet ?? DefaultInstructionSet, null);
        var result = new List<PtxKernel>();
        foreach (var (method, grouped) in kernels)
        {
            string name = $"{method.Name}({string.Join(", ", method.GetParameters().Select(p => TypeName(p.ParameterType)))})";
            try
            {
                var entry = grouped ? EntryPointDescription.FromExplicitlyGroupedKernel(method) : EntryPointDescription.FromImplicitlyGroupedKernel(method);
                var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
                result.Add(new PtxKernel(name, compiled.PTXAssembly));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidOperationException($"Kernel {name} does not compile to PTX for {architecture ?? DefaultArchitecture}: {Innermost(e).Message}", e);
            }
        }
        return result;
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);

    private static string TypeName(Type t) => t.IsGenericType ? $"{t.Name[..t.Name.IndexOf('`')]}<{string.Join(", ", t.GetGenericArguments().Select(TypeName))}>" : t.Name;
}
