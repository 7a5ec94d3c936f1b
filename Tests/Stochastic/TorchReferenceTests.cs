using Optima.Solvers.Stochastic;
using Xunit;

namespace Optima.Tests.Stochastic;

/// <summary>
/// RAdam and Rprop against trajectories computed by torch.optim itself (the numbers below), in float64 and float32,
/// through both the fused kernel and the blocked chain. Rprop's arithmetic is exact apart from the one rounding of
/// s·η, which torch does the same way, so it must match torch bit for bit; RAdam's evaluation order differs from
/// torch's (m·(1/(1−β₁ᵗ)) instead of m/(1−β₁ᵗ), fused multiply-adds), so it must match to rounding.
/// </summary>
/// <remarks>
/// Produced with Debian's python3-torch 1.13 (this script saved as torch_ref.py, run with <c>/usr/bin/python3 torch_ref.py</c>; its RAdam and Rprop update rules
/// are torch 2.x's, which only adds RAdam's decoupled_weight_decay — covered by OptimizerFormulaTests):
/// <code>
/// import torch
/// n = 11
/// theta0 = [0.5, -1.25, 2.0, -0.75, 1.5, -2.0, 0.25, 1.0, -0.5, 1.75, -1.5]
/// d = [1.0, 2.5, 0.5, 3.0, 1.5, 0.75, 2.0, 1.25, 3.5, 0.25, 1.75]
/// c = [0.1, -0.3, 0.2, 0.05, -0.15, 0.4, -0.25, 0.35, -0.05, 0.3, -0.2]
/// def run(make, steps, dtype):
///     p = torch.tensor(theta0, dtype=dtype, requires_grad=True)
///     D = torch.tensor(d, dtype=dtype); C = torch.tensor(c, dtype=dtype)
///     opt = make([p])
///     for _ in range(steps):
///         with torch.no_grad():
///             p.grad = D * p + C
///         opt.step()
///     return [float(v) for v in p.detach()]
/// cases = [
///     ("radam_defaults", lambda ps: torch.optim.RAdam(ps), 12),
///     ("radam_l2", lambda ps: torch.optim.RAdam(ps, lr=0.01, betas=(0.8, 0.99), weight_decay=0.1), 12),
///     ("rprop_defaults", lambda ps: torch.optim.Rprop(ps), 15),
///     ("rprop_options", lambda ps: torch.optim.Rprop(ps, lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2)), 25),
/// ]
/// print("torch", torch.__version__)
/// for name, make, steps in cases:
///     for dtype in (torch.float64, torch.float32):
///         print(name, str(dtype)[6:], steps, ", ".join(repr(v) for v in run(make, steps, dtype)))
/// </code>
/// </remarks>
public class TorchReferenceTests
{
    private static readonly double[] Theta0 = [0.5, -1.25, 2.0, -0.75, 1.5, -2.0, 0.25, 1.0, -0.5, 1.75, -1.5];
    private static readonly double[] D = [1.0, 2.5, 0.5, 3.0, 1.5, 0.75, 2.0, 1.25, 3.5, 0.25, 1.75];
    private static readonly double[] C = [0.1, -0.3, 0.2, 0.05, -0.15, 0.4, -0.25, 0.35, -0.05, 0.3, -0.2];

    /// <summary>torch's θ after the given steps (float32 values printed exactly as doubles).</summary>
    private static readonly Dictionary<(string Case, OptimizerPrecision Precision), (int Steps, double[] Theta)> Torch = new()
    {
        [("radam_defaults", OptimizerPrecision.Float64)] = (12, [0.4967017402443018, -1.2326201897236573, 1.9937016701187698, -0.7387345919637024, 1.4892156598677442, -1.9942029268154895, 0.24845135330926113, 0.9917093784315287, -0.49073302626505855, 1.7460118776134856, -1.4856004381672425]),
        [("radam_defaults", OptimizerPrecision.Float32)] = (12, [0.49670177698135376, -1.2326202392578125, 1.9937015771865845, -0.7387345433235168, 1.4892154932022095, -1.9942028522491455, 0.2484513521194458, 0.991709291934967, -0.49073299765586853, 1.746011734008789, -1.485600471496582]),
        [("radam_l2", OptimizerPrecision.Float64)] = (12, [0.45847025843620104, -1.0685710161178106, 1.9209943083401941, -0.6310911780685807, 1.380197684465155, -1.9261716084339444, 0.22727739038015038, 0.9069120984479828, -0.4021584123501897, 1.6950425900746262, -1.3450833992414821]),
        [("radam_l2", OptimizerPrecision.Float32)] = (12, [0.45847028493881226, -1.0685709714889526, 1.9209942817687988, -0.6310911178588867, 1.3801976442337036, -1.9261714220046997, 0.22727739810943604, 0.9069120287895203, -0.4021584093570709, 1.6950427293777466, -1.345083236694336]),
        [("rprop_defaults", OptimizerPrecision.Float64)] = (15, [-0.22035107872931825, -0.5296489212706817, 1.2796489212706814, -0.02964892127068189, 0.7796489212706815, -1.2796489212706814, 0.12920171519999998, 0.27964892127068197, 0.09195923227443191, 1.0296489212706814, -0.7796489212706815]),
        [("rprop_defaults", OptimizerPrecision.Float32)] = (15, [-0.22035129368305206, -0.5296487212181091, 1.279648780822754, -0.02964867651462555, 0.7796486616134644, -1.279648780822754, 0.12920169532299042, 0.27964866161346436, 0.0919593870639801, 1.029648780822754, -0.7796486616134644]),
        [("rprop_options", OptimizerPrecision.Float64)] = (25, [-0.10164495781250008, 0.11951921875000002, -0.37403749999999986, -0.033077730468749914, 0.09254240625000007, -0.5356786875000001, 0.125, -0.2809912500000001, 0.014151500000000074, -1.1885999999999997, 0.11548337499999997]),
        [("rprop_options", OptimizerPrecision.Float32)] = (25, [-0.10164497047662735, 0.11951913684606552, -0.37403759360313416, -0.033077724277973175, 0.09254243969917297, -0.5356785655021667, 0.125, -0.28099122643470764, 0.014151517301797867, -1.188599944114685, 0.1154833510518074]),
    };

    private static OptimizerSettings Settings(string name) => name switch
    {
        "radam_defaults" => new RAdamSettings(),
        "radam_l2" => new RAdamSettings { LearningRate = 0.01, Beta1 = 0.8, Beta2 = 0.99, WeightDecay = 0.1 },
        "rprop_defaults" => new RpropSettings(),
        "rprop_options" => new RpropSettings { LearningRate = 0.05, EtaMinus = 0.3, EtaPlus = 1.5, MinStepSize = 1e-3, MaxStepSize = 0.2 },
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [InlineData("radam_defaults", false)]
    [InlineData("radam_defaults", true)]
    [InlineData("radam_l2", false)]
    [InlineData("radam_l2", true)]
    [InlineData("rprop_defaults", false)]
    [InlineData("rprop_defaults", true)]
    [InlineData("rprop_options", false)]
    [InlineData("rprop_options", true)]
    public void Trajectory_equals_torch_optim(string name, bool fused)
    {
        string optimizer = name.StartsWith("radam", StringComparison.Ordinal) ? "radam" : "rprop";
        bool exact = optimizer == "rprop";
        int n = Theta0.Length;

        // float64
        var (steps, expected) = Torch[(name, OptimizerPrecision.Float64)];
        var opt = (ChainOptimizer)Optimizers.Create(optimizer, n, Settings(name));
        opt.UseFusedKernel = fused;
        Assert.Equal($"fused {optimizer}", opt.FusedKernelName);
        var x = (double[])Theta0.Clone();
        var g = new double[n];
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < n; i++) g[i] = D[i] * x[i] + C[i];
            Assert.True(opt.Step<double>(x, g));
        }
        for (int i = 0; i < n; i++)
            if (exact) Assert.Equal(BitConverter.DoubleToInt64Bits(expected[i]), BitConverter.DoubleToInt64Bits(x[i]));
            else Assert.True(Math.Abs(x[i] - expected[i]) <= 1e-13 * Math.Max(1, Math.Abs(expected[i])), $"{name} float64 θ[{i}] = {x[i]:R}, torch {expected[i]:R}");

        // float32: θ, D, c rounded to float as torch.tensor(..., dtype=float32) does; g = D·θ + c in float
        (steps, expected) = Torch[(name, OptimizerPrecision.Float32)];
        var opt32 = (ChainOptimizer)Optimizers.Create(optimizer, n, Settings(name) with { Precision = OptimizerPrecision.Float32 });
        opt32.UseFusedKernel = fused;
        var xf = Theta0.Select(v => (float)v).ToArray();
        var df = D.Select(v => (float)v).ToArray();
        var cf = C.Select(v => (float)v).ToArray();
        var gf = new float[n];
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < n; i++) gf[i] = df[i] * xf[i] + cf[i];
            Assert.True(opt32.Step<float>(xf, gf));
        }
        for (int i = 0; i < n; i++)
            if (exact) Assert.Equal(BitConverter.SingleToInt32Bits((float)expected[i]), BitConverter.SingleToInt32Bits(xf[i]));
            else Assert.True(Math.Abs(xf[i] - expected[i]) <= 4e-7 * Math.Max(1, Math.Abs(expected[i])), $"{name} float32 θ[{i}] = {xf[i]:R}, torch {expected[i]:R}");
    }

    [Fact]
    public void The_references_cover_both_branches_of_RAdam_and_every_case_of_Rprop()
    {
        // RAdam's un-adapted steps (ρ_t ≤ 5) come first, the rectified ones after: both run within the 12 steps above.
        Assert.True(ScaleByRAdam.Rho(0.999, 1) <= 5 && ScaleByRAdam.Rho(0.999, 12) > 5);
        Assert.True(ScaleByRAdam.Rho(0.99, 1) <= 5 && ScaleByRAdam.Rho(0.99, 12) > 5);
        // Rprop: sign changes (zeroed gradient) and both clamps occur on the quadratic with the options case.
        var opt = (ChainOptimizer)Optimizers.Create("rprop", Theta0.Length, Settings("rprop_options"));
        var x = (double[])Theta0.Clone();
        var g = new double[x.Length];
        bool zeroed = false, atMin = false, atMax = false;
        for (int t = 0; t < 25; t++)
        {
            for (int i = 0; i < x.Length; i++) g[i] = D[i] * x[i] + C[i];
            opt.Step<double>(x, g);
            var prev = opt.State.Vector<double>("scale_by_rprop.prev");
            var size = opt.State.Vector<double>("scale_by_rprop.step_size");
            for (int i = 0; i < x.Length; i++)
            {
                zeroed |= prev[i] == 0 && g[i] != 0;
                atMin |= size[i] == 1e-3;
                atMax |= size[i] == 0.2;
            }
        }
        Assert.True(zeroed && atMin && atMax, $"zeroed {zeroed}, at min {atMin}, at max {atMax}");
    }
}
