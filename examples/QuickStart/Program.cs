// The README's ten-line example: a function written once in generic math, differentiated exactly,
// checked against finite differences, and minimised.
using System.Numerics;
using Optima.Problems;
using Optima.Problems.Derivatives;
using Optima.Solvers;

var f = AutoDiffObjective.Create(new Booth());                        // exact ∇f and ∇²f by autodiff
Console.WriteLine(GradientCheck.Run(f, [0.5, -0.5]));                 // compares with finite differences
var result = Methods.Minimize("bfgs", f, [0.0, 0.0]);                 // or "lbfgs", "newton", "newton-tr", …
Console.WriteLine(result.Brief());                                    // x = [1, 3], f ≈ 0

readonly struct Booth : IScalarFunction
{
    public int Dimension => 2;
    public T Evaluate<T>(ReadOnlySpan<T> x) where T : IFloatingPointIeee754<T>
    {
        T a = x[0] + T.CreateChecked(2) * x[1] - T.CreateChecked(7), b = T.CreateChecked(2) * x[0] + x[1] - T.CreateChecked(5);
        return a * a + b * b;
    }
}
