using System.Buffers;
using Optima.LinearAlgebra;

namespace Optima.Problems.Derivatives;

/// <summary>
/// Exact derivatives of functions written once in generic math (<see cref="IScalarFunction"/>,
/// <see cref="IVectorFunction"/>), by forward-mode automatic differentiation: first derivatives on <see cref="Jet"/>s
/// (eight partials per evaluation), second derivatives on nested <see cref="Dual{T}"/> numbers. No truncation error,
/// only the rounding of the function's own arithmetic.
/// </summary>
/// <remarks>
/// Costs, in evaluations of the function: gradient ⌈n/8⌉ on jets; Jacobian ⌈n/8⌉ on jets (m outputs each);
/// Hessian-vector product n (nested duals); full Hessian n(n+1)/2 (nested duals, exploiting symmetry). A jet's
/// partials are, bit for bit, the derivatives that one <c>Dual&lt;double&gt;</c> evaluation per input gives.
/// Forward mode suits the small and medium parameter counts of curve fitting and the test library; for very large
/// n give the problem an analytic gradient. Work buffers come from <see cref="ArrayPool{T}"/>, so repeated calls
/// do not allocate.
/// </remarks>
public static class AutoDiff
{
    /// <summary>Writes ∇f(x) into <paramref name="gradient"/> and returns f(x).</summary>
    /// <remarks>One evaluation on <see cref="Jet"/>s per block of <see cref="Jet.Width"/> inputs.</remarks>
    public static double Gradient<TF>(TF function, ReadOnlySpan<double> x, Span<double> gradient) where TF : IScalarFunction
    {
        ArgumentNullException.ThrowIfNull(function);
        int n = function.Dimension;
        Guard.Length(x.Length, n, nameof(x));
        Guard.Length(gradient.Length, n, nameof(gradient));
        if (n == 0) return function.Evaluate(x);
        var pool = ArrayPool<Jet>.Shared;
        var buffer = pool.Rent(n);
        try
        {
            var xj = buffer.AsSpan(0, n);
            double value = 0;
            for (int first = 0; first < n; first += Jet.Width)
            {
                Jet.Seed(x, first, xj);
                var y = function.Evaluate<Jet>(xj);
                y.CopyPartialsTo(gradient[first..]);
                value = y.Value;
            }
            return value;
        }
        finally
        {
            pool.Return(buffer);
        }
    }

    /// <summary>Writes F(x) into <paramref name="values"/> and the m×n Jacobian ∂F/∂x into <paramref name="jacobian"/>.</summary>
    /// <remarks>One evaluation on <see cref="Jet"/>s per block of <see cref="Jet.Width"/> inputs.</remarks>
    public static void Jacobian<TF>(TF function, ReadOnlySpan<double> x, Span<double> values, DenseMatrix jacobian) where TF : IVectorFunction
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(jacobian);
        int n = function.Inputs, m = function.Outputs;
        Guard.Length(x.Length, n, nameof(x));
        Guard.Length(values.Length, m, nameof(values));
        if (jacobian.Rows != m || jacobian.Columns != n)
            throw new ArgumentException($"The Jacobian must be {m}×{n} but is {jacobian.Rows}×{jacobian.Columns}.", nameof(jacobian));
        if (n == 0)
        {
            function.Evaluate(x, values);
            return;
        }
        var pool = ArrayPool<Jet>.Shared;
        var inBuffer = pool.Rent(n);
        var outBuffer = pool.Rent(m);
        try
        {
            var xj = inBuffer.AsSpan(0, n);
            var yj = outBuffer.AsSpan(0, m);
            Span<double> row = stackalloc double[Jet.Width];
            for (int first = 0; first < n; first += Jet.Width)
            {
                Jet.Seed(x, first, xj);
                function.Evaluate<Jet>(xj, yj);
                int count = Math.Min(Jet.Width, n - first);
                for (int i = 0; i < m; i++)
                {
                    yj[i].CopyPartialsTo(row);
                    for (int k = 0; k < count; k++) jacobian[i, first + k] = row[k];
                }
            }
            for (int i = 0; i < m; i++) values[i] = yj[i].Value;
        }
        finally
        {
            pool.Return(inBuffer);
            pool.Return(outBuffer);
        }
    }

    /// <summary>
    /// Writes the n×n Hessian ∇²f(x) into <paramref name="hessian"/> (and, when given, ∇f(x) into
    /// <paramref name="gradient"/>) by forward-over-forward differentiation; returns f(x).
    /// </summary>
    public static double Hessian<TF>(TF function, ReadOnlySpan<double> x, DenseMatrix hessian, Span<double> gradient = default)
        where TF : IScalarFunction
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(hessian);
        int n = function.Dimension;
        Guard.Length(x.Length, n, nameof(x));
        if (hessian.Rows != n || hessian.Columns != n)
            throw new ArgumentException($"The Hessian must be {n}×{n} but is {hessian.Rows}×{hessian.Columns}.", nameof(hessian));
        if (!gradient.IsEmpty) Guard.Length(gradient.Length, n, nameof(gradient));
        var pool = ArrayPool<Dual<Dual<double>>>.Shared;
        var buffer = pool.Rent(n);
        try
        {
            var xd = buffer.AsSpan(0, n);
            for (int k = 0; k < n; k++) xd[k] = new(Dual<double>.Constant(x[k]), default);
            double value = n == 0 ? function.Evaluate(x) : 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = i; j < n; j++)
                {
                    // Inner tangent along eᵢ, outer tangent along eⱼ: the mixed part is ∂²f/∂xᵢ∂xⱼ.
                    xd[i] = new(new(x[i], 1.0), new(i == j ? 1.0 : 0.0, 0.0));
                    if (j != i) xd[j] = new(Dual<double>.Constant(x[j]), new(1.0, 0.0));
                    var y = function.Evaluate<Dual<Dual<double>>>(xd);
                    if (j != i) xd[j] = new(Dual<double>.Constant(x[j]), default);
                    double hij = y.Derivative.Derivative;
                    hessian[i, j] = hij;
                    hessian[j, i] = hij;
                    if (j == i)
                    {
                        value = y.Value.Value;
                        if (!gradient.IsEmpty) gradient[i] = y.Value.Derivative;
                    }
                }
                xd[i] = new(Dual<double>.Constant(x[i]), default);
            }
            return value;
        }
        finally
        {
            pool.Return(buffer);
        }
    }

    /// <summary>Writes ∇²f(x)·v into <paramref name="result"/> without forming the Hessian (n nested-dual evaluations).</summary>
    public static void HessianVector<TF>(TF function, ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> result)
        where TF : IScalarFunction
    {
        ArgumentNullException.ThrowIfNull(function);
        int n = function.Dimension;
        Guard.Length(x.Length, n, nameof(x));
        Guard.Length(v.Length, n, nameof(v));
        Guard.Length(result.Length, n, nameof(result));
        var pool = ArrayPool<Dual<Dual<double>>>.Shared;
        var buffer = pool.Rent(n);
        try
        {
            var xd = buffer.AsSpan(0, n);
            // Outer tangent v on every variable; inner tangent eᵢ picks row i of H·v.
            for (int k = 0; k < n; k++) xd[k] = new(Dual<double>.Constant(x[k]), new(v[k], 0.0));
            for (int i = 0; i < n; i++)
            {
                xd[i] = new(new(x[i], 1.0), new(v[i], 0.0));
                var y = function.Evaluate<Dual<Dual<double>>>(xd);
                xd[i] = new(Dual<double>.Constant(x[i]), new(v[i], 0.0));
                result[i] = y.Derivative.Derivative;
            }
        }
        finally
        {
            pool.Return(buffer);
        }
    }
}
