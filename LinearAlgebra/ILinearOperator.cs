namespace Optima.LinearAlgebra;

/// <summary>
/// A linear map y = A·x known only through its action, so iterative solvers can run matrix-free
/// (a Hessian-vector product, a Jacobian product, a stencil) as well as on stored matrices.
/// </summary>
public interface ILinearOperator
{
    /// <summary>Length of y.</summary>
    int Rows { get; }

    /// <summary>Length of x.</summary>
    int Columns { get; }

    /// <summary>Computes y = A·x. <paramref name="y"/> is overwritten; it must not overlap <paramref name="x"/>.</summary>
    void Apply(ReadOnlySpan<double> x, Span<double> y);
}
