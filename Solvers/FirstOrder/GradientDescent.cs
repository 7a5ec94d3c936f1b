using Optima.Problems;
using Optima.Solvers.Internal;
using Optima.Solvers.LineSearches;

namespace Optima.Solvers.FirstOrder;

/// <summary>
/// Gradient descent with the step chosen by a line search along d = −∇f (the "optimal learning rate by line
/// search"). The first trial step of each search is α_{k−1}·∇f_{k−1}ᵀd_{k−1}/∇f_kᵀd_k (Nocedal and Wright eq. 3.60),
/// so the step adapts to the local scale. Linear convergence with rate ((κ−1)/(κ+1))² on quadratics with exact searches.
/// </summary>
/// <param name="LineSearch">The line search; default Moré–Thuente (strong Wolfe, c₁ = 1e-4, c₂ = 0.9).</param>
public sealed record GradientDescent(ILineSearch? LineSearch = null) : IMinimizer<IGradientObjective>
{
    /// <inheritdoc/>
    public string Name => "gd";

    /// <inheritdoc/>
    public OptimizationResult Minimize(IGradientObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        MethodChecks.Start(problem, start);
        return IterativeDriver.Run(Name, problem, start, (p, x) => new State(p, x, LineSearch ?? new MoreThuente()), options);
    }

    private sealed class State(IGradientObjective problem, ReadOnlySpan<double> start, ILineSearch lineSearch)
        : LineSearchState(problem, start, lineSearch)
    {
        protected override double ComputeDirection()
        {
            Vec.Negate(G, D);
            if (Accepted == 0) return SteepestDescentStep();
            double ratio = LastSlope / Vec.Dot(G, D);
            double next = LastStep * ratio;
            return double.IsFinite(next) && next > 0 ? next : SteepestDescentStep();
        }
    }
}
