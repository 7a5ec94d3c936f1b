using Optima.LinearAlgebra;

namespace Optima.Problems;

/// <summary>
/// The objective form of a least-squares problem: f(p) = Σ rᵢ(p)² (the residual sum of squares, as NIST StRD and
/// Moré–Garbow–Hillstrom state it) with gradient ∇f = 2Jᵀr, so any gradient method can minimise it.
/// </summary>
/// <remarks>Buffers are reused between calls: not thread-safe.</remarks>
public sealed class LeastSquaresObjective : IGradientObjective
{
    private readonly ILeastSquaresProblem _problem;
    private readonly double[] _r;
    private readonly DenseMatrix _j;

    /// <summary>Wraps <paramref name="problem"/>.</summary>
    public LeastSquaresObjective(ILeastSquaresProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        _problem = problem;
        _r = new double[problem.Residuals];
        _j = new DenseMatrix(problem.Residuals, problem.Parameters);
    }

    /// <summary>The wrapped problem.</summary>
    public ILeastSquaresProblem Problem => _problem;

    /// <inheritdoc/>
    public int Dimension => _problem.Parameters;

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x)
    {
        _problem.Evaluate(x, _r, null);
        return SumOfSquares(_r);
    }

    /// <inheritdoc/>
    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        if (gradient.Length != Dimension)
            throw new ArgumentException($"gradient has length {gradient.Length}; expected {Dimension}.", nameof(gradient));
        _problem.Evaluate(x, _r, _j);
        _j.TransposeMultiply(_r, gradient);
        for (int i = 0; i < gradient.Length; i++) gradient[i] *= 2.0;
        return SumOfSquares(_r);
    }

    private static double SumOfSquares(ReadOnlySpan<double> r)
    {
        double s = 0;
        foreach (double v in r) s += v * v;
        return s;
    }
}
