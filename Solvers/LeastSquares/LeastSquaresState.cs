using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Factorizations;
using Optima.Problems;
using Optima.Solvers.Internal;
using Optima.Solvers.TrustRegions;

namespace Optima.Solvers.LeastSquares;

/// <summary>
/// Shared state of least-squares methods: residuals r (m), Jacobian J (m×n), the cost S = Σ rᵢ² reported as
/// <see cref="MethodState.Value"/> and its gradient ∇S = 2Jᵀr (whose max-norm is <see cref="MethodState.GradientNorm"/>).
/// </summary>
internal abstract class LeastSquaresState : MethodState
{
    protected readonly ILeastSquaresProblem Problem;
    protected readonly double[] R, RTrial, Grad;
    protected readonly DenseMatrix J;

    protected LeastSquaresState(ILeastSquaresProblem problem, ReadOnlySpan<double> start) : base(start)
    {
        Problem = problem;
        R = new double[problem.Residuals];
        RTrial = new double[problem.Residuals];
        Grad = new double[problem.Parameters];
        J = new DenseMatrix(problem.Residuals, problem.Parameters);
    }

    protected static double SumOfSquares(ReadOnlySpan<double> r) => Vec.Dot(r, r);

    /// <summary>r and J at <see cref="MethodState.X"/>; Value, Grad, GradientNorm updated. False when not finite.</summary>
    protected bool EvaluateWithJacobian()
    {
        Problem.Evaluate(X, R, J);
        Value = SumOfSquares(R);
        if (!double.IsFinite(Value) || !J.IsFinite())
        {
            GradientNorm = double.NaN;
            return false;
        }
        UpdateGradient();
        return true;
    }

    protected void UpdateGradient()
    {
        J.TransposeMultiply(R, Grad);
        Vec.Scale(Grad, 2.0);
        GradientNorm = MaxNorm(Grad);
    }

    /// <summary>Residuals only, at <paramref name="point"/>, into <see cref="RTrial"/>; returns Σ r².</summary>
    protected double TrialCost(ReadOnlySpan<double> point)
    {
        Problem.Evaluate(point, RTrial, null);
        return SumOfSquares(RTrial);
    }

    public override ReadOnlySpan<double> Gradient => Grad;

    // MINPACK's orthogonality test: cos(r, J·eᵢ) = |Jᵢᵀr| / (‖Jᵢ‖·‖r‖) for every column. It does not depend on how the
    // parameters are scaled, unlike max|gᵢ|·max(|xᵢ|, 1)/|f| (Meyer's x₁ ≈ 0.0056 with |∂S/∂x₁| at its rounding floor
    // of ~1e-3 fails that test by a factor of 5 while the cosine is ~1e-11).
    internal override bool GradientWithinRounding()
    {
        double rNorm = Math.Sqrt(Value);
        if (rNorm == 0) return true; // S = 0: a global minimum
        if (!double.IsFinite(rNorm)) return false;
        for (int i = 0; i < Grad.Length; i++)
        {
            double jNorm = Reproducible.Norm(J.Column(i));
            if (jNorm == 0) continue; // a parameter S does not depend on
            if (!(0.5 * Math.Abs(Grad[i]) <= CosineThreshold * jNorm * rNorm)) return false;
        }
        return true;
    }

    private static readonly double CosineThreshold = Math.Sqrt(Math.ScaleB(1.0, -52));

    public override bool Initialize() => EvaluateWithJacobian();
}

/// <summary>
/// The Gauss-Newton model of S = Σ rᵢ² around x: gradient 2Jᵀr and Hessian approximation 2JᵀJ, for the trust-region
/// strategies. The unshifted solve is the Gauss-Newton step by column-pivoted QR of J (least squares, rank revealing);
/// shifted solves use Cholesky of 2JᵀJ + λI.
/// </summary>
internal sealed class GaussNewtonModel(DenseMatrix j, double[] r, double[] gradient) : ITrustRegionModel
{
    private readonly double[] _jv = new double[r.Length], _negR = new double[r.Length];
    private readonly DenseMatrix _jtj = new(j.Columns, j.Columns), _work = new(j.Columns, j.Columns);
    private readonly double[] _rhs = new double[j.Columns];
    private bool _jtjValid;

    public int Rows => j.Columns;

    public int Columns => j.Columns;

    public ReadOnlySpan<double> Gradient => gradient;

    /// <summary>Call when J changed.</summary>
    public void Invalidate() => _jtjValid = false;

    public void Apply(ReadOnlySpan<double> v, Span<double> result)
    {
        j.Multiply(v, _jv);
        j.TransposeMultiply(_jv, result);
        Vec.Scale(result, 2.0);
    }

    public bool TrySolveShifted(double lambda, Span<double> step)
    {
        if (lambda == 0)
        {
            var qr = PivotedQrFactorization.Factorize(j);
            Vec.Negate(r, _negR);
            qr.Solve(_negR, step);
            return Vec.AllFinite(step);
        }
        if (!_jtjValid)
        {
            DenseBlas.Gemm(2.0, j, true, j, false, 0.0, _jtj, 1);
            _jtjValid = true;
        }
        _jtj.CopyTo(_work);
        for (int i = 0; i < Rows; i++) _work[i, i] += lambda;
        var chol = CholeskyFactorization.TryFactorize(_work, out _, new DenseFactorizationOptions { Overwrite = true });
        if (chol is null) return false;
        Vec.Negate(gradient, _rhs);
        chol.Solve(_rhs, step);
        return true;
    }
}
