using System.Reflection;
using ILGPU;
using ILGPU.Runtime;

namespace Optima.Device;

/// <summary>Adam's per-step constants (torch.optim.Adam): the decays, ε, the rate and the bias corrections of step t.</summary>
internal readonly record struct AdamStep(double Beta1, double Beta2, double Epsilon, double LearningRate, double Correction1, double Correction2);

/// <summary>SGD's per-step constants (torch.optim.SGD): momentum μ, 1 − dampening, the rate, first step and Nesterov flags (0/1).</summary>
internal readonly record struct SgdStep(double Momentum, double Keep, double LearningRate, int First, int Nesterov);

/// <summary>
/// The device kernels (ILGPU C#), and their compiled launchers for one accelerator. The kernel methods are static so
/// the offline PTX test (<see cref="All"/>) can compile each for sm_90 without a GPU.
/// </summary>
internal sealed class DeviceKernels
{
    /// <summary>The shared-memory size of the reductions: the largest group they launch.</summary>
    public const int MaxGroupSize = 256;

    private readonly Accelerator _a;

    public DeviceKernels(Accelerator a)
    {
        _a = a;
        int g = 1;
        while (g * 2 <= Math.Min(MaxGroupSize, a.MaxNumThreadsPerGroup)) g *= 2;
        GroupSize = g;
        // Enough groups to fill a GPU. On the CPU accelerator one group, so a dot product is one launch: each launch
        // costs milliseconds there, and the tests' vectors are tiny.
        MaxBlocks = a.AcceleratorType == AcceleratorType.CPU ? 1 : 1024;
    }

    // The launchers compile on first use: a CG never pays for the optimizer kernels.

    /// <summary>Threads per group of the reductions (a power of two ≤ <see cref="MaxGroupSize"/>).</summary>
    public int GroupSize { get; }

    /// <summary>The most groups a reduction's first pass launches (settable so the tests run the GPU's two-pass path on the CPU accelerator).</summary>
    public int MaxBlocks { get; internal set; }

    private Action<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<double>, ArrayView<double>, ArrayView<double>>? _spmv;
    public Action<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<double>, ArrayView<double>, ArrayView<double>> Spmv => _spmv ??= _a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<double>, ArrayView<double>, ArrayView<double>>(SpmvKernel);
    private Action<Index1D, ArrayView<double>, ArrayView<double>>? _residualFromProduct;
    public Action<Index1D, ArrayView<double>, ArrayView<double>> ResidualFromProduct => _residualFromProduct ??= _a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>>(ResidualFromProductKernel);
    private Action<Index1D, double, ArrayView<double>, ArrayView<double>>? _updateResidual;
    public Action<Index1D, double, ArrayView<double>, ArrayView<double>> UpdateResidual => _updateResidual ??= _a.LoadAutoGroupedStreamKernel<Index1D, double, ArrayView<double>, ArrayView<double>>(UpdateResidualKernel);
    private Action<Index1D, double, double, ArrayView<double>, ArrayView<double>, ArrayView<double>>? _updateSolutionAndDirection;
    public Action<Index1D, double, double, ArrayView<double>, ArrayView<double>, ArrayView<double>> UpdateSolutionAndDirection => _updateSolutionAndDirection ??= _a.LoadAutoGroupedStreamKernel<Index1D, double, double, ArrayView<double>, ArrayView<double>, ArrayView<double>>(UpdateSolutionAndDirectionKernel);
    private Action<Index1D, double, ArrayView<double>, ArrayView<double>>? _axpy;
    public Action<Index1D, double, ArrayView<double>, ArrayView<double>> Axpy => _axpy ??= _a.LoadAutoGroupedStreamKernel<Index1D, double, ArrayView<double>, ArrayView<double>>(AxpyKernel);
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>>? _scale;
    public Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>> Scale => _scale ??= _a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>>(ScaleKernel);
    private Action<KernelConfig, ArrayView<double>, ArrayView<double>, ArrayView<double>>? _dotPartials;
    public Action<KernelConfig, ArrayView<double>, ArrayView<double>, ArrayView<double>> DotPartials => _dotPartials ??= _a.LoadStreamKernel<ArrayView<double>, ArrayView<double>, ArrayView<double>>(DotPartialsKernel);
    private Action<KernelConfig, ArrayView<double>, ArrayView<double>, int>? _sumPartials;
    public Action<KernelConfig, ArrayView<double>, ArrayView<double>, int> SumPartials => _sumPartials ??= _a.LoadStreamKernel<ArrayView<double>, ArrayView<double>, int>(SumPartialsKernel);
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, AdamStep>? _adamDouble;
    public Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, AdamStep> AdamDouble => _adamDouble ??= _a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, AdamStep>(AdamKernel);
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamStep>? _adamSingle;
    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamStep> AdamSingle => _adamSingle ??= _a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamStep>(AdamKernel);
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, SgdStep>? _sgdDouble;
    public Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, SgdStep> SgdDouble => _sgdDouble ??= _a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, SgdStep>(SgdKernel);
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdStep>? _sgdSingle;
    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdStep> SgdSingle => _sgdSingle ??= _a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdStep>(SgdKernel);

    /// <summary>Groups of the first reduction pass over n entries.</summary>
    public int Blocks(long n) => (int)Math.Clamp((n + GroupSize - 1) / GroupSize, 1, MaxBlocks);

    /// <summary>
    /// xᵀy into <paramref name="result"/>[<paramref name="slot"/>], in a fixed order: each thread sums a fixed stride,
    /// each group a fixed tree, then one group the partials (skipped when there is one group) — the same bits on every
    /// run of the same device.
    /// </summary>
    public void Dot(ArrayView<double> x, ArrayView<double> y, ArrayView<double> partials, ArrayView<double> result, int slot)
    {
        int blocks = Blocks(x.Length);
        if (blocks == 1)
        {
            // One group's tree is the whole sum: it writes the result directly.
            DotPartials(new KernelConfig(1, GroupSize), x, y, result.SubView(slot, 1));
            return;
        }
        DotPartials(new KernelConfig(blocks, GroupSize), x, y, partials);
        SumPartials(new KernelConfig(1, GroupSize), partials.SubView(0, blocks), result, slot);
    }

    /// <summary>Every kernel method with whether it is explicitly grouped (generic ones closed), for the PTX test.</summary>
    public static IReadOnlyList<(MethodInfo Method, bool Grouped)> All
    {
        get
        {
            const BindingFlags flags = BindingFlags.Static | BindingFlags.NonPublic;
            var list = new List<(MethodInfo, bool)>();
            foreach (var m in typeof(DeviceKernels).GetMethods(flags).Where(m => m.Name.EndsWith("Kernel", StringComparison.Ordinal)))
            {
                bool grouped = m.GetParameters()[0].ParameterType != typeof(Index1D);
                list.Add((m, grouped));
            }
            return list;
        }
    }

    // ---- the kernels ----

    /// <summary>y = A·x for CSR A, one row per thread (rows summed in stored order, as the CPU product).</summary>
    private static void SpmvKernel(Index1D row, ArrayView<int> rowPointers, ArrayView<int> columns, ArrayView<double> values, ArrayView<double> x, ArrayView<double> y)
    {
        double s = 0;
        for (int k = rowPointers[row]; k < rowPointers[row + 1]; k++)
            s += values[k] * x[columns[k]];
        y[row] = s;
    }

    /// <summary>r ← b − r, where r held A·x.</summary>
    private static void ResidualFromProductKernel(Index1D i, ArrayView<double> b, ArrayView<double> r) => r[i] = b[i] - r[i];

    /// <summary>r ← r − α·q.</summary>
    private static void UpdateResidualKernel(Index1D i, double alpha, ArrayView<double> q, ArrayView<double> r) => r[i] -= alpha * q[i];

    /// <summary>x ← x + α·p, then p ← z + β·p, in one pass.</summary>
    private static void UpdateSolutionAndDirectionKernel(Index1D i, double alpha, double beta, ArrayView<double> x, ArrayView<double> p, ArrayView<double> z)
    {
        double pi = p[i];
        x[i] += alpha * pi;
        p[i] = z[i] + beta * pi;
    }

    /// <summary>y ← y + α·x.</summary>
    private static void AxpyKernel(Index1D i, double alpha, ArrayView<double> x, ArrayView<double> y) => y[i] += alpha * x[i];

    /// <summary>z ← d ∘ r (the Jacobi preconditioner with d = 1/diag A).</summary>
    private static void ScaleKernel(Index1D i, ArrayView<double> d, ArrayView<double> r, ArrayView<double> z) => z[i] = d[i] * r[i];

    /// <summary>First pass of xᵀy: thread t of group g sums entries (g·G + t) + k·(grid·G), then the group sums its threads as a tree.</summary>
    private static void DotPartialsKernel(ArrayView<double> x, ArrayView<double> y, ArrayView<double> partials)
    {
        var cache = SharedMemory.Allocate<double>(MaxGroupSize);
        int t = Group.IdxX, size = Group.DimX;
        long stride = (long)Grid.DimX * size;
        double s = 0;
        for (long i = (long)Grid.IdxX * size + t; i < x.Length; i += stride)
            s += x[i] * y[i];
        cache[t] = s;
        Group.Barrier();
        for (int half = size / 2; half > 0; half /= 2)
        {
            if (t < half) cache[t] += cache[t + half];
            Group.Barrier();
        }
        if (t == 0) partials[Grid.IdxX] = cache[0];
    }

    /// <summary>Second pass: one group sums the partials (strided per thread, then a tree) into result[slot].</summary>
    private static void SumPartialsKernel(ArrayView<double> partials, ArrayView<double> result, int slot)
    {
        var cache = SharedMemory.Allocate<double>(MaxGroupSize);
        int t = Group.IdxX, size = Group.DimX;
        double s = 0;
        for (long i = t; i < partials.Length; i += size)
            s += partials[i];
        cache[t] = s;
        Group.Barrier();
        for (int half = size / 2; half > 0; half /= 2)
        {
            if (t < half) cache[t] += cache[t + half];
            Group.Barrier();
        }
        if (t == 0) result[slot] = cache[0];
    }

    /// <summary>
    /// Adam, fused (torch.optim.Adam, as Optima's CPU rule): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
    /// θ ← θ − γ·(m·c₁)/(√v·c₂ + ε) with c₁ = 1/(1−β₁ᵗ), c₂ = 1/√(1−β₂ᵗ).
    /// </summary>
    private static void AdamKernel(Index1D i, ArrayView<double> parameters, ArrayView<double> gradient, ArrayView<double> m, ArrayView<double> v, AdamStep s)
    {
        double g = gradient[i];
        double mi = s.Beta1 * m[i] + (1 - s.Beta1) * g;
        double vi = s.Beta2 * v[i] + (1 - s.Beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        parameters[i] -= s.LearningRate * (mi * s.Correction1 / (Math.Sqrt(vi) * s.Correction2 + s.Epsilon));
    }

    /// <summary>Adam over float32 parameters and state (the arithmetic in float32, as the CPU rule's float path).</summary>
    private static void AdamKernel(Index1D i, ArrayView<float> parameters, ArrayView<float> gradient, ArrayView<float> m, ArrayView<float> v, AdamStep s)
    {
        float b1 = (float)s.Beta1, b2 = (float)s.Beta2;
        float g = gradient[i];
        float mi = b1 * m[i] + (float)(1 - s.Beta1) * g;
        float vi = b2 * v[i] + (float)(1 - s.Beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        parameters[i] -= (float)s.LearningRate * (mi * (float)s.Correction1 / (MathF.Sqrt(vi) * (float)s.Correction2 + (float)s.Epsilon));
    }

    /// <summary>SGD with momentum (torch.optim.SGD): b ← g on the first step, else μb + (1−τ)g; θ ← θ − γ·(Nesterov ? g + μb : b).</summary>
    private static void SgdKernel(Index1D i, ArrayView<double> parameters, ArrayView<double> gradient, ArrayView<double> buffer, SgdStep s)
    {
        double g = gradient[i];
        double b = s.First != 0 ? g : s.Momentum * buffer[i] + s.Keep * g;
        buffer[i] = b;
        parameters[i] -= s.LearningRate * (s.Nesterov != 0 ? g + s.Momentum * b : b);
    }

    /// <summary>SGD with momentum over float32 parameters and buffer.</summary>
    private static void SgdKernel(Index1D i, ArrayView<float> parameters, ArrayView<float> gradient, ArrayView<float> buffer, SgdStep s)
    {
        float mu = (float)s.Momentum;
        float g = gradient[i];
        float b = s.First != 0 ? g : mu * buffer[i] + (float)s.Keep * g;
        buffer[i] = b;
        parameters[i] -= (float)s.LearningRate * (s.Nesterov != 0 ? g + mu * b : b);
    }
}
