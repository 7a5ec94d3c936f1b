using Optima.LinearAlgebra;
using Optima.Problems;

namespace Optima.Solvers.Internal;

/// <summary>∇²f at the point <paramref name="x"/> (an array the method updates in place) as an operator: v ↦ ∇²f(x)·v.</summary>
internal sealed class HessianOperator(IHessianObjective problem, double[] x) : ILinearOperator
{
    public int Rows => x.Length;

    public int Columns => x.Length;

    public void Apply(ReadOnlySpan<double> v, Span<double> y) => problem.HessianVector(x, v, y);
}
