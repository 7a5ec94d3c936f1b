using FsCheck;
using FsCheck.Fluent;
using Optima.Solvers.Stochastic;
using Xunit;

namespace Optima.Tests.Stochastic;

/// <summary>
/// Each optimizer's first steps equal PyTorch's documented algorithm, written here independently as plain scalar
/// loops (one reference per torch.optim algorithm box), on random sizes (crossing the SIMD width and the 1024 block),
/// random parameters and gradients that depend on the parameters.
/// </summary>
public class OptimizerFormulaTests
{
    /// <summary>A reference stepper: (t, θ, g) → θ updated in place, t 1-based.</summary>
    private delegate void Reference(int t, double[] theta, double[] g);

    private static Gen<(double[] Theta, double[] D, double[] C)> Problem =>
        from n in Gen.Elements(1, 3, 4, 7, 9, 33, 1030)
        from seed in Gen.Choose(0, int.MaxValue)
        select Make(n, seed);

    private static (double[], double[], double[]) Make(int n, int seed)
    {
        var r = new Random(seed);
        double U(double a, double b) => a + (b - a) * r.NextDouble();
        var theta = new double[n];
        var d = new double[n];
        var c = new double[n];
        for (int i = 0; i < n; i++) { theta[i] = U(-2, 2); d[i] = U(0.1, 3); c[i] = U(-1, 1); }
        return (theta, d, c);
    }

    /// <summary>Runs 5 (or <paramref name="steps"/>) steps of both with g = D ⊙ θ + c and compares θ after each.</summary>
    private static void Check(string name, Flat settings, Func<int, Reference> reference, double tol = 1e-11, int steps = 5)
    {
        Prop.ForAll(Problem.ToArbitrary(), p =>
        {
            int n = p.Theta.Length;
            var opt = Flat.Create(name, n, settings);
            var ours = (double[])p.Theta.Clone();
            var theirs = (double[])p.Theta.Clone();
            var g = new double[n];
            var step = reference(n);
            for (int t = 1; t <= steps; t++)
            {
                for (int i = 0; i < n; i++) g[i] = p.D[i] * ours[i] + p.C[i];
                Assert.True(opt.Step(ours, g));
                for (int i = 0; i < n; i++) g[i] = p.D[i] * theirs[i] + p.C[i];
                step(t, theirs, g);
                for (int i = 0; i < n; i++)
                    if (!(Math.Abs(ours[i] - theirs[i]) <= tol * Math.Max(1, Math.Abs(theirs[i]))))
                        return false.Label($"{name}: step {t}, θ[{i}] = {ours[i]:R}, reference {theirs[i]:R}");
            }
            return opt.StepCount == steps ? true.ToProperty() : false.Label("step count");
        }).Check(TestSupport.Quick(12));
    }

    // ---- references, one per torch.optim algorithm box ----

    private static Func<int, Reference> TorchSgd(double lr, double mu = 0, double tau = 0, double wd = 0, bool nesterov = false) => n =>
    {
        var b = new double[n];
        return (t, th, g) =>
        {
            for (int i = 0; i < n; i++)
            {
                double gi = g[i] + wd * th[i];
                if (mu != 0)
                {
                    b[i] = t > 1 ? mu * b[i] + (1 - tau) * gi : gi;
                    gi = nesterov ? gi + mu * b[i] : b[i];
                }
                th[i] -= lr * gi;
            }
        };
    };

    private static Func<int, Reference> TorchAdam(double lr, double b1, double b2, double eps, double wd, bool amsgrad, bool decoupled) => n =>
    {
        var m = new double[n];
        var v = new double[n];
        var vmax = new double[n];
        return (t, th, g) =>
        {
            for (int i = 0; i < n; i++)
            {
                double gi = g[i];
                if (decoupled) th[i] -= lr * wd * th[i];
                else gi += wd * th[i];
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                double mhat = m[i] / (1 - Math.Pow(b1, t));
                double vhat;
                if (amsgrad) { vmax[i] = Math.Max(vmax[i], v[i]); vhat = vmax[i] / (1 - Math.Pow(b2, t)); }
                else vhat = v[i] / (1 - Math.Pow(b2, t));
                th[i] -= lr * mhat / (Math.Sqrt(vhat) + eps);
            }
        };
    };

    private static Func<int, Reference> TorchAdamax(double lr, double b1, double b2, double eps) => n =>
    {
        var m = new double[n];
        var u = new double[n];
        return (t, th, g) =>
        {
            for (int i = 0; i < n; i++)
            {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                u[i] = Math.Max(b2 * u[i], Math.Abs(g[i]) + eps);
                th[i] -= lr * m[i] / ((1 - Math.Pow(b1, t)) * u[i]);
            }
        };
    };

    private static Func<int, Reference> TorchNadam(double lr, double b1, double b2, double eps, double psi, double wd) => n =>
    {
        var m = new double[n];
        var v = new double[n];
        var mus = new List<double>();
        return (t, th, g) =>
        {
            double MuAt(int k) => b1 * (1 - 0.5 * Math.Pow(0.96, k * psi));
            double prodT = 1, prodT1 = 1;
            for (int k = 1; k <= t; k++) prodT *= MuAt(k);
            prodT1 = prodT * MuAt(t + 1);
            double mut = MuAt(t), mut1 = MuAt(t + 1);
            for (int i = 0; i < n; i++)
            {
                double gi = g[i] + wd * th[i];
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                double mhat = mut1 * m[i] / (1 - prodT1) + (1 - mut) * gi / (1 - prodT);
                double vhat = v[i] / (1 - Math.Pow(b2, t));
                th[i] -= lr * mhat / (Math.Sqrt(vhat) + eps);
            }
        };
    };

    private static Func<int, Reference> TorchAdagrad(double lr, double decay, double init, double eps, double wd) => n =>
    {
        var s = Enumerable.Repeat(init, n).ToArray();
        return (t, th, g) =>
        {
            double clr = lr / (1 + (t - 1) * decay);
            for (int i = 0; i < n; i++)
            {
                double gi = g[i] + wd * th[i];
                s[i] += gi * gi;
                th[i] -= clr * gi / (Math.Sqrt(s[i]) + eps);
            }
        };
    };

    private static Func<int, Reference> TorchRmsprop(double lr, double alpha, double eps, double mu, bool centred, double wd) => n =>
    {
        var v = new double[n];
        var gav = new double[n];
        var b = new double[n];
        return (t, th, g) =>
        {
            for (int i = 0; i < n; i++)
            {
                double gi = g[i] + wd * th[i];
                v[i] = alpha * v[i] + (1 - alpha) * gi * gi;
                double vt = v[i];
                if (centred) { gav[i] = alpha * gav[i] + (1 - alpha) * gi; vt -= gav[i] * gav[i]; }
                if (mu > 0) { b[i] = mu * b[i] + gi / (Math.Sqrt(vt) + eps); th[i] -= lr * b[i]; }
                else th[i] -= lr * gi / (Math.Sqrt(vt) + eps);
            }
        };
    };

    private static Func<int, Reference> TorchAdadelta(double lr, double rho, double eps) => n =>
    {
        var v = new double[n];
        var u = new double[n];
        return (t, th, g) =>
        {
            for (int i = 0; i < n; i++)
            {
                v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
                double dx = Math.Sqrt(u[i] + eps) / Math.Sqrt(v[i] + eps) * g[i];
                u[i] = rho * u[i] + (1 - rho) * dx * dx;
                th[i] -= lr * dx;
            }
        };
    };

    /// <summary>AdaBound as in the authors' reference code (Luo et al. 2019).</summary>
    private static Func<int, Reference> AdaBound(double lr, double finalLr, double gamma, double b1, double b2, double eps) => n =>
    {
        var m = new double[n];
        var v = new double[n];
        return (t, th, g) =>
        {
            double stepSize = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
            double fl = finalLr * lr / lr;
            double lower = fl * (1 - 1 / (gamma * t + 1)), upper = fl * (1 + 1 / (gamma * t));
            for (int i = 0; i < n; i++)
            {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double s = Math.Clamp(stepSize / (Math.Sqrt(v[i]) + eps), lower, upper);
                th[i] -= s * m[i];
            }
        };
    };

    /// <summary>torch 2.x RAdam, including decoupled_weight_decay (θ ← θ(1 − γλ) before the step).</summary>
    private static Func<int, Reference> TorchRAdam(double lr, double b1, double b2, double eps, double wd, bool decoupled) => n =>
    {
        var m = new double[n];
        var v = new double[n];
        return (t, th, g) =>
        {
            double bc1 = 1 - Math.Pow(b1, t), bc2 = 1 - Math.Pow(b2, t);
            double rhoInf = 2 / (1 - b2) - 1, rho = rhoInf - 2 * t * Math.Pow(b2, t) / bc2;
            for (int i = 0; i < n; i++)
            {
                double gi = g[i];
                if (decoupled) th[i] *= 1 - lr * wd;
                else gi += wd * th[i];
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                double mhat = m[i] / bc1;
                if (rho > 5)
                {
                    double rect = Math.Sqrt((rho - 4) * (rho - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rho));
                    th[i] -= mhat * lr * (Math.Sqrt(bc2) / (Math.Sqrt(v[i]) + eps)) * rect;
                }
                else th[i] -= mhat * lr;
            }
        };
    };

    /// <summary>torch Rprop: the sign of g·g_prev scales the step size (η₊, η₋ or 1, clamped); after a sign change g counts as 0.</summary>
    private static Func<int, Reference> TorchRprop(double lr, double etaMinus, double etaPlus, double min, double max) => n =>
    {
        var prev = new double[n];
        var size = Enumerable.Repeat(lr, n).ToArray();
        return (t, th, g) =>
        {
            for (int i = 0; i < n; i++)
            {
                double s = Math.Sign(g[i] * prev[i]);
                double eta = s > 0 ? etaPlus : s < 0 ? etaMinus : 1;
                size[i] = Math.Clamp(size[i] * eta, min, max);
                double gi = s < 0 ? 0 : g[i];
                th[i] -= Math.Sign(gi) * size[i];
                prev[i] = gi;
            }
        };
    };

    /// <summary>Rprop after an L2 term g + λθ (one fused multiply-add, as the chain's decay link), which torch's Rprop lacks.</summary>
    private static Func<int, Reference> TorchRpropL2(double lr, double wd) => n =>
    {
        var inner = TorchRprop(lr, 0.5, 1.2, 1e-6, 50)(n);
        var gl = new double[n];
        return (t, th, g) =>
        {
            for (int i = 0; i < n; i++) gl[i] = Math.FusedMultiplyAdd(th[i], wd, g[i]);
            inner(t, th, gl);
        };
    };

    /// <summary>Textbook heavy ball v ← μv − γg, θ ← θ + v.</summary>
    private static Func<int, Reference> HeavyBall(double lr, double mu) => n =>
    {
        var v = new double[n];
        return (t, th, g) =>
        {
            for (int i = 0; i < n; i++) { v[i] = mu * v[i] - lr * g[i]; th[i] += v[i]; }
        };
    };

    /// <summary>SGDW: θ ← θ − γλθ, then SGD with momentum.</summary>
    private static Func<int, Reference> Sgdw(double lr, double mu, double wd) => n =>
    {
        var inner = TorchSgd(lr, mu)(n);
        return (t, th, g) =>
        {
            for (int i = 0; i < n; i++) th[i] -= lr * wd * th[i];
            inner(t, th, g);
        };
    };

    [Fact] public void Sgd_defaults() => Check("sgd", new(), TorchSgd(1e-3));
    [Fact] public void Sgd_with_everything() => Check("sgd", new() { LearningRate = 0.05, Momentum = 0.8, Dampening = 0.3, WeightDecay = 0.01 }, TorchSgd(0.05, 0.8, 0.3, 0.01));
    [Fact] public void Momentum_pytorch_form() => Check("momentum", new() { LearningRate = 0.1 }, TorchSgd(0.1, 0.9));
    [Fact] public void Nesterov() => Check("nesterov", new() { LearningRate = 0.1, WeightDecay = 0.02 }, TorchSgd(0.1, 0.9, 0, 0.02, nesterov: true));
    [Fact] public void Heavy_ball_textbook() => Check("heavy-ball", new() { LearningRate = 0.1, Momentum = 0.7 }, HeavyBall(0.1, 0.7));
    [Fact] public void Sgdw_decoupled() => Check("sgdw", new() { LearningRate = 0.1 }, Sgdw(0.1, 0.9, 1e-2));
    [Fact] public void Adam_defaults() => Check("adam", new(), TorchAdam(1e-3, 0.9, 0.999, 1e-8, 0, false, false));
    [Fact] public void Adam_with_l2() => Check("adam", new() { LearningRate = 0.01, WeightDecay = 0.1, Beta1 = 0.8, Beta2 = 0.99 }, TorchAdam(0.01, 0.8, 0.99, 1e-8, 0.1, false, false));
    [Fact] public void AdamW_defaults() => Check("adamw", new() { LearningRate = 0.01 }, TorchAdam(0.01, 0.9, 0.999, 1e-8, 1e-2, false, true));
    [Fact] public void Amsgrad() => Check("amsgrad", new() { LearningRate = 0.02 }, TorchAdam(0.02, 0.9, 0.999, 1e-8, 0, true, false));
    [Fact] public void AdamW_amsgrad() => Check("adamw", new() { LearningRate = 0.02, AmsGrad = true, WeightDecay = 0.05 }, TorchAdam(0.02, 0.9, 0.999, 1e-8, 0.05, true, true));
    [Fact] public void Adamax_defaults() => Check("adamax", new(), TorchAdamax(2e-3, 0.9, 0.999, 1e-8));
    [Fact] public void Nadam_defaults() => Check("nadam", new(), TorchNadam(2e-3, 0.9, 0.999, 1e-8, 4e-3, 0));
    [Fact] public void Nadam_with_l2() => Check("nadam", new() { LearningRate = 0.01, WeightDecay = 0.1, MomentumDecay = 0.1 }, TorchNadam(0.01, 0.9, 0.999, 1e-8, 0.1, 0.1));
    [Fact] public void Adagrad_defaults() => Check("adagrad", new(), TorchAdagrad(1e-2, 0, 0, 1e-10, 0));
    [Fact] public void Adagrad_with_decay_and_accumulator() => Check("adagrad", new() { LearningRate = 0.1, LearningRateDecay = 0.5, InitialAccumulator = 0.3, WeightDecay = 0.01 }, TorchAdagrad(0.1, 0.5, 0.3, 1e-10, 0.01));
    [Fact] public void Rmsprop_defaults() => Check("rmsprop", new(), TorchRmsprop(1e-2, 0.99, 1e-8, 0, false, 0));
    [Fact] public void Rmsprop_centred_with_momentum() => Check("rmsprop-centred", new() { Momentum = 0.5, WeightDecay = 0.01, Alpha = 0.9 }, TorchRmsprop(1e-2, 0.9, 1e-8, 0.5, true, 0.01));
    [Fact] public void Adadelta_defaults() => Check("adadelta", new(), TorchAdadelta(1.0, 0.9, 1e-6));
    [Fact] public void RAdam_defaults_through_the_rectified_steps() => Check("radam", new(), TorchRAdam(1e-3, 0.9, 0.999, 1e-8, 0, false), steps: 12);
    [Fact] public void RAdam_with_l2() => Check("radam", new() { LearningRate = 0.01, WeightDecay = 0.1, Beta1 = 0.8, Beta2 = 0.99 }, TorchRAdam(0.01, 0.8, 0.99, 1e-8, 0.1, false), steps: 10);
    [Fact] public void RAdam_decoupled_weight_decay() => Check("radam", new() { LearningRate = 0.01, WeightDecay = 0.05, DecoupledWeightDecay = true, Beta2 = 0.9 }, TorchRAdam(0.01, 0.9, 0.9, 1e-8, 0.05, true), steps: 10);
    [Fact] public void Rprop_defaults() => Check("rprop", new(), TorchRprop(1e-2, 0.5, 1.2, 1e-6, 50), tol: 0, steps: 20);
    [Fact] public void Rprop_with_l2_and_a_large_rate() => Check("rprop", new() { LearningRate = 0.3, WeightDecay = 0.1 }, TorchRpropL2(0.3, 0.1), tol: 0, steps: 20);
    [Fact] public void AdaBound_defaults() => Check("adabound", new(), AdaBound(1e-3, 0.1, 1e-3, 0.9, 0.999, 1e-8));

    [Fact]
    public void Clipping_by_norm_then_adam_equals_adam_on_the_clipped_gradient()
    {
        Prop.ForAll(Problem.ToArbitrary(), p =>
        {
            int n = p.Theta.Length;
            var clipped = Flat.Create("adam", n, new() { ClipNorm = 0.5, ClipValue = 0.3 });
            var plain = Optimizers.Create("adam", n);
            var a = (double[])p.Theta.Clone();
            var b = (double[])p.Theta.Clone();
            var g = new double[n];
            var gc = new double[n];
            for (int t = 0; t < 3; t++)
            {
                for (int i = 0; i < n; i++) g[i] = p.D[i] * a[i] + p.C[i];
                clipped.Step(a, g);
                for (int i = 0; i < n; i++) g[i] = p.D[i] * b[i] + p.C[i];
                double norm = Math.Sqrt(g.Sum(v => v * v));
                double coef = Math.Min(1, 0.5 / (norm + 1e-6));
                for (int i = 0; i < n; i++) gc[i] = Math.Clamp(g[i] * coef, -0.3, 0.3);
                plain.Step(b, gc);
            }
            return a.Zip(b).All(z => Math.Abs(z.First - z.Second) <= 1e-12 * Math.Max(1, Math.Abs(z.Second)));
        }).Check(TestSupport.Quick(10));
    }

    [Fact]
    public void Heavy_ball_textbook_form_equals_pytorch_form_at_constant_rate()
    {
        Prop.ForAll(Problem.ToArbitrary(), p =>
        {
            int n = p.Theta.Length;
            var textbook = Flat.Create("heavy-ball", n, new() { LearningRate = 0.05, Momentum = 0.9 });
            var torch = Flat.Create("momentum", n, new() { LearningRate = 0.05, Momentum = 0.9 });
            var a = (double[])p.Theta.Clone();
            var b = (double[])p.Theta.Clone();
            var g = new double[n];
            for (int t = 0; t < 20; t++)
            {
                for (int i = 0; i < n; i++) g[i] = p.D[i] * a[i] + p.C[i];
                textbook.Step(a, g);
                for (int i = 0; i < n; i++) g[i] = p.D[i] * b[i] + p.C[i];
                torch.Step(b, g);
            }
            return a.Zip(b).All(z => Math.Abs(z.First - z.Second) <= 1e-10 * Math.Max(1, Math.Abs(z.Second)));
        }).Check(TestSupport.Quick(10));
    }

    [Fact]
    public void Nesterov_reparameterised_form_tracks_the_look_ahead_point_of_Sutskevers_form()
    {
        // Sutskever et al.: v ← μv − γ∇f(θ + μv), θ ← θ + v. PyTorch's form stores θ̃ = θ + μv.
        Prop.ForAll(Problem.ToArbitrary(), p =>
        {
            int n = p.Theta.Length;
            const double lr = 0.05, mu = 0.9;
            var opt = Flat.Create("nesterov", n, new() { LearningRate = lr, Momentum = mu });
            var tilde = (double[])p.Theta.Clone();
            var theta = (double[])p.Theta.Clone();
            var v = new double[n];
            var g = new double[n];
            for (int t = 0; t < 20; t++)
            {
                for (int i = 0; i < n; i++) g[i] = p.D[i] * tilde[i] + p.C[i];
                opt.Step(tilde, g);
                for (int i = 0; i < n; i++)
                {
                    double look = theta[i] + mu * v[i];
                    v[i] = mu * v[i] - lr * (p.D[i] * look + p.C[i]);
                    theta[i] += v[i];
                }
            }
            for (int i = 0; i < n; i++)
                if (!(Math.Abs(tilde[i] - (theta[i] + mu * v[i])) <= 1e-10 * Math.Max(1, Math.Abs(tilde[i])))) return false;
            return true;
        }).Check(TestSupport.Quick(10));
    }
}
