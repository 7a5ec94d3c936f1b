namespace Optima.Solvers;

/// <summary>
/// A method: an immutable configuration that can run on any problem offering the capability it needs
/// (<typeparamref name="TProblem"/>: an <c>IGradientObjective</c> for gradient methods, an <c>IHessianObjective</c> for Newton,
/// an <c>ILeastSquaresProblem</c> for Gauss-Newton and LM). Each call to <see cref="Minimize"/> creates its own state,
/// so one method object can be shared between runs and threads.
/// </summary>
public interface IMinimizer<in TProblem> where TProblem : class
{
    /// <summary>The registry name, e.g. "gd", "bfgs", "lm".</summary>
    string Name { get; }

    /// <summary>Minimises from <paramref name="start"/>. Misuse (bad sizes, invalid options) throws; every run outcome is in the result.</summary>
    OptimizationResult Minimize(TProblem problem, ReadOnlySpan<double> start, SolverOptions? options = null);
}
