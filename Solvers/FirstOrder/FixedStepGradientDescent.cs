using Optima.Problems;

namespace Optima.Solvers.FirstOrder;

/// <summary>
/// Gradient descent with a fixed step ("gd-fixed" in the registry): x ← x − α∇f(x). The simplest first-order method, converging linearly with
/// rate (κ−1)/(κ+1) on a quadratic with condition number κ when α = 2/(L+μ), and diverging when α &gt; 2/L.
/// </summary>
/// <param name="LearningRate">The step α &gt; 0. Default 1e-3.</param>
public sealed record FixedStepGradientDescent(double LearningRate = 1e-3) : IMinimizer<IGradientObjective>
{
    /// <inheritdoc/>
    public string Name => "gd-fixed";

    /// <inheritdoc/>
    public OptimizationResult Minimize(IGradientObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "The learning rate must be a finite number > 0.");
        if (start.Length != problem.Dimension)
            throw new ArgumentException($"The start has length {start.Length} but the problem has dimension {problem.Dimension}.", nameof(start));
        IterativeDriver.RequireFiniteStart(start);
        return IterativeDriver.Run(Name, problem, start, (p, x) => new State(p, x, LearningRate), options);
    }

    private sealed class State(IGradientObjective problem, ReadOnlySpan<double> start, double alpha) : MethodState(start)
    {
        private readonly double[] _g = new double[start.Length];

        public override ReadOnlySpan<double> Gradient => _g;

        public override bool Initialize()
        {
            StepSize = alpha;
            Value = problem.ValueAndGradient(X, _g);
            GradientNorm = MaxNorm(_g);
            return double.IsFinite(Value) && double.IsFinite(GradientNorm);
        }

        public override StepStatus Iterate()
        {
            for (int i = 0; i < X.Length; i++) X[i] -= alpha * _g[i];
            Value = problem.ValueAndGradient(X, _g);
            GradientNorm = MaxNorm(_g);
            return StepStatus.Accepted;
        }
    }
}
