using Optima.LinearAlgebra;

namespace Optima.Problems;

/// <summary>
/// A scalar objective f: ℝⁿ → ℝ to be minimised. The base of the problem family: a solver asks only for the
/// capability it needs (value, gradient, Hessian, residuals, minibatches) by asking for the matching interface.
/// </summary>
/// <remarks>
/// Implementations may be stateful (they can reuse internal buffers) and are not required to be thread-safe.
/// A value of NaN or ±∞ is allowed: a solver treats it as a failed evaluation, not as an exception.
/// </remarks>
public interface IObjective
{
    /// <summary>Number of variables n.</summary>
    int Dimension { get; }

    /// <summary>f(x). <paramref name="x"/> has length <see cref="Dimension"/>.</summary>
    double Value(ReadOnlySpan<double> x);
}

/// <summary>An objective that also computes its gradient ∇f.</summary>
public interface IGradientObjective : IObjective
{
    /// <summary>Computes f(x) and writes ∇f(x) into <paramref name="gradient"/> (length <see cref="IObjective.Dimension"/>).</summary>
    /// <returns>f(x).</returns>
    double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient);
}

/// <summary>An objective that also computes second derivatives: the Hessian ∇²f and Hessian-vector products.</summary>
public interface IHessianObjective : IGradientObjective
{
    /// <summary>Writes the n×n Hessian ∇²f(x) into <paramref name="hessian"/> (every entry is overwritten).</summary>
    void Hessian(ReadOnlySpan<double> x, DenseMatrix hessian);

    /// <summary>Writes ∇²f(x)·v into <paramref name="result"/> without forming the Hessian when the implementation can.</summary>
    void HessianVector(ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> result);
}

/// <summary>
/// A nonlinear least-squares problem: residuals r: ℝᵖ → ℝᵐ and their m×p Jacobian J = ∂r/∂p.
/// The associated objective is the residual sum of squares S(p) = Σ rᵢ(p)² (see <see cref="LeastSquaresObjective"/>).
/// </summary>
public interface ILeastSquaresProblem
{
    /// <summary>Number of parameters p.</summary>
    int Parameters { get; }

    /// <summary>Number of residuals m.</summary>
    int Residuals { get; }

    /// <summary>
    /// Writes r(p) into <paramref name="residuals"/> (length <see cref="Residuals"/>) and, when
    /// <paramref name="jacobian"/> is not null, the m×p Jacobian into it (every entry is overwritten).
    /// </summary>
    void Evaluate(ReadOnlySpan<double> parameters, Span<double> residuals, DenseMatrix? jacobian);
}

/// <summary>
/// A finite-sum objective f(x) = (1/N) Σᵢ fᵢ(x), the shape of empirical risk, so stochastic methods can work on
/// minibatches. <see cref="IObjective.Value"/> and <see cref="IGradientObjective.ValueAndGradient"/> are the full
/// mean over all N terms.
/// </summary>
public interface IFiniteSumObjective : IGradientObjective
{
    /// <summary>Number of terms N.</summary>
    int Count { get; }

    /// <summary>
    /// The mean value and gradient over the terms listed in <paramref name="batch"/> (indices in [0, N), repeats
    /// allowed): (1/|B|) Σ_{i∈B} fᵢ(x) and its gradient, written into <paramref name="gradient"/>.
    /// </summary>
    double BatchValueAndGradient(ReadOnlySpan<double> x, ReadOnlySpan<int> batch, Span<double> gradient);
}

/// <summary>
/// A finite sum that can also evaluate its minibatch gradients in single precision: float32 parameters and gradient,
/// float32 arithmetic inside (as deep-learning frameworks train by default). Same terms, dimension and parameter layout
/// as the double methods; a float32 training run (<c>MinibatchTrainer</c> with float parameters) uses this.
/// </summary>
public interface ISinglePrecisionFiniteSum : IFiniteSumObjective
{
    /// <summary>
    /// The mean value (accumulated in double) and float32 gradient over the terms listed in <paramref name="batch"/>,
    /// written into <paramref name="gradient"/>.
    /// </summary>
    double BatchValueAndGradient(ReadOnlySpan<float> x, ReadOnlySpan<int> batch, Span<float> gradient);
}
