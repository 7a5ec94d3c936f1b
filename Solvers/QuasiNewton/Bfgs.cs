using Optima.Problems;
using Optima.Solvers.Internal;
using Optima.Solvers.LineSearches;

namespace Optima.Solvers.QuasiNewton;

/// <summary>
/// BFGS with the inverse-Hessian update H₊ = (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ, ρ = 1/yᵀs (Nocedal and Wright §6.1),
/// in O(n²) per iteration with no allocation. H₀ = I for the first step, then rescaled to (sᵀy/yᵀy)·I before the
/// first update (Shanno and Phua 1978; N&amp;W eq. 6.20). The update is skipped when yᵀs ≤ 1.5e-8·‖s‖·‖y‖ (√ε) (it
/// would lose positive definiteness); with a strong Wolfe search that only happens through rounding. When the search
/// fails or d is not a descent direction, H is reset once to γI with γ = sᵀy/yᵀy of the newest pair (not the first
/// one, which can be off by orders of magnitude late in a run), and the next update rescales it again as after the
/// first step.
/// </summary>
/// <param name="LineSearch">The line search; default Moré–Thuente (c₁ = 1e-4, c₂ = 0.9).</param>
/// <param name="InitialScaling">Rescale H₀ by sᵀy/yᵀy before the first update (and the first after a reset). Default true.</param>
public sealed record Bfgs(ILineSearch? LineSearch = null, bool InitialScaling = true) : IMinimizer<IGradientObjective>
{
    /// <inheritdoc/>
    public string Name => "bfgs";

    /// <inheritdoc/>
    public OptimizationResult Minimize(IGradientObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        MethodChecks.Start(problem, start);
        return IterativeDriver.Run(Name, problem, start, (p, x) => new State(p, x, LineSearch ?? new MoreThuente(), InitialScaling), options);
    }

    private sealed class State : LineSearchState
    {
        private readonly double[] _h;     // n×n inverse Hessian approximation, row-major (symmetric)
        private readonly double[] _hy;
        private readonly bool _scale;
        private int _updates;
        private bool _fresh = true;
        private double _gamma = 1.0;

        public State(IGradientObjective problem, ReadOnlySpan<double> start, ILineSearch lineSearch, bool scale)
            : base(problem, start, lineSearch)
        {
            int n = start.Length;
            _h = new double[n * n];
            _hy = new double[n];
            _scale = scale;
            SetIdentity(1.0);
        }

        /// <summary>Updates skipped because yᵀs was not sufficiently positive.</summary>
        public int Skipped { get; private set; }

        private void SetIdentity(double gamma)
        {
            int n = D.Length;
            Array.Clear(_h);
            for (int i = 0; i < n; i++) _h[i * n + i] = gamma;
        }

        protected override double ComputeDirection()
        {
            int n = D.Length;
            for (int i = 0; i < n; i++) D[i] = -Vec.Dot(_h.AsSpan(i * n, n), G);
            return _fresh && Accepted == 0 ? SteepestDescentStep() : 1.0;
        }

        protected override void AfterStep()
        {
            int n = D.Length;
            double ys = Vec.Dot(Y, S);
            if (!(ys > 1.5e-8 * Vec.Norm2(S) * Vec.Norm2(Y)) || !double.IsFinite(ys))
            {
                Skipped++;
                return;
            }
            _gamma = ys / Vec.Dot(Y, Y);
            // Shanno–Phua: H₀ = γI before the first update, and again before the first update after a reset.
            if (_fresh && _scale) SetIdentity(_gamma);
            double rho = 1.0 / ys;
            for (int i = 0; i < n; i++) _hy[i] = Vec.Dot(_h.AsSpan(i * n, n), Y);
            double yhy = Vec.Dot(Y, _hy);
            double c = rho * rho * yhy + rho;
            for (int i = 0; i < n; i++)
            {
                var row = _h.AsSpan(i * n, n);
                // H_ij += −ρ·Hy_i·s_j − ρ·s_i·Hy_j + (ρ²·yᵀHy + ρ)·s_i·s_j
                Vec.Axpy(c * S[i] - rho * _hy[i], S, row);
                Vec.Axpy(-rho * S[i], _hy, row);
            }
            _updates++;
            _fresh = false;
        }

        protected override bool ResetAfterFailure()
        {
            if (_fresh) return false;
            SetIdentity(_updates > 0 && _scale ? _gamma : 1.0);
            _fresh = true;
            return true;
        }
    }
}
