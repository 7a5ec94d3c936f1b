using Optima.Problems;
using Optima.Solvers.Internal;
using Optima.Solvers.LineSearches;

namespace Optima.Solvers.FirstOrder;

/// <summary>The β formula of nonlinear conjugate gradients.</summary>
public enum ConjugateGradientUpdate
{
    /// <summary>Polak–Ribière with the non-negativity restart β = max(0, g₊ᵀ(g₊ − g)/gᵀg) (Gilbert and Nocedal 1992).</summary>
    PolakRibierePlus,

    /// <summary>Fletcher–Reeves β = g₊ᵀg₊/gᵀg; needs a strong Wolfe search with c₂ &lt; ½ to guarantee descent.</summary>
    FletcherReeves,
}

/// <summary>
/// Nonlinear conjugate gradients (Nocedal and Wright §5.2): d₊ = −g₊ + β·d, restarted with d = −g every
/// <see cref="RestartInterval"/> iterations (default n), when consecutive gradients are far from orthogonal
/// (|g₊ᵀg| ≥ 0.1·‖g₊‖², Powell 1977), and when d is not a descent direction. With an exact line search on a strictly
/// convex quadratic both variants are linear CG and terminate in at most n iterations.
/// </summary>
/// <param name="Update">The β formula. Default Polak–Ribière+.</param>
/// <param name="LineSearch">The line search; default Moré–Thuente with c₂ = 0.1.</param>
/// <param name="RestartInterval">Restart every this many iterations; 0 means n. Default 0.</param>
public sealed record NonlinearConjugateGradient(
    ConjugateGradientUpdate Update = ConjugateGradientUpdate.PolakRibierePlus, ILineSearch? LineSearch = null, int RestartInterval = 0)
    : IMinimizer<IGradientObjective>
{
    /// <inheritdoc/>
    public string Name => Update == ConjugateGradientUpdate.FletcherReeves ? "cg-fr" : "cg-pr";

    /// <inheritdoc/>
    public OptimizationResult Minimize(IGradientObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        MethodChecks.Start(problem, start);
        if (RestartInterval < 0)
            throw new ArgumentOutOfRangeException(nameof(RestartInterval), RestartInterval, "RestartInterval must be ≥ 0.");
        return IterativeDriver.Run(Name, problem, start, (p, x) => new State(p, x, LineSearch ?? new MoreThuente(C2: 0.1), Update,
            RestartInterval == 0 ? x.Length : RestartInterval), options);
    }

    private sealed class State(IGradientObjective problem, ReadOnlySpan<double> start, ILineSearch lineSearch,
        ConjugateGradientUpdate update, int restartInterval) : LineSearchState(problem, start, lineSearch)
    {
        private int _sinceRestart;
        private bool _forceRestart;

        protected override double ComputeDirection()
        {
            if (Accepted == 0 || _forceRestart)
            {
                _forceRestart = false;
                return Restart();
            }
            double gg = Vec.Dot(G, G), ggPrev = Vec.Dot(GPrevious, GPrevious), gPrevG = Vec.Dot(G, GPrevious);
            if (++_sinceRestart >= restartInterval || Math.Abs(gPrevG) >= 0.1 * gg) return Restart();
            double beta = update == ConjugateGradientUpdate.FletcherReeves ? gg / ggPrev : Math.Max(0.0, (gg - gPrevG) / ggPrev);
            if (!double.IsFinite(beta)) return Restart();
            for (int i = 0; i < D.Length; i++) D[i] = -G[i] + beta * D[i];
            double slope = Vec.Dot(G, D);
            if (!(slope < 0)) return Restart();
            double next = LastStep * LastSlope / slope;
            return double.IsFinite(next) && next > 0 ? next : SteepestDescentStep();
        }

        private double Restart()
        {
            _sinceRestart = 0;
            Vec.Negate(G, D);
            if (Accepted == 0) return SteepestDescentStep();
            double next = LastStep * LastSlope / Vec.Dot(G, D);
            return double.IsFinite(next) && next > 0 ? next : SteepestDescentStep();
        }

        protected override bool ResetAfterFailure()
        {
            if (_sinceRestart == 0) return false;
            _forceRestart = true;
            return true;
        }
    }
}
