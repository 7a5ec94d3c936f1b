using System.Numerics.Tensors;
using Optima.LinearAlgebra;
using Optima.LinearAlgebra.Kernels;
using Optima.Problems;

namespace Optima.Solvers.Fitting;

/// <summary>How one free parameter maps from the solver's variable u to the model's parameter x.</summary>
internal enum TransformKind { Scaled, Lower, Upper, Both }

/// <summary>
/// The map x(u) of one free parameter: x = s·u without bounds; with bounds the smooth MINUIT-style maps
/// x = lo + (hi − lo)(1 + sin u)/2 (two-sided) and x = lo + s(√(u² + 1) − 1) (one-sided), which keep every trial point
/// inside the box. The covariance is never taken through the map: it comes from the Jacobian in x itself.
/// </summary>
internal readonly record struct ParameterTransform(TransformKind Kind, double Lower, double Upper, double Scale)
{
    public double ToExternal(double u) => Kind switch
    {
        TransformKind.Scaled => Scale * u,
        TransformKind.Lower => Math.Max(Lower, Lower + Scale * SqrtHypotMinusOne(u)),
        TransformKind.Upper => Math.Min(Upper, Upper - Scale * SqrtHypotMinusOne(u)),
        _ => Math.Clamp(Lower + (Upper - Lower) * (0.5 + 0.5 * Math.Sin(u)), Lower, Upper),
    };

    public double Derivative(double u) => Kind switch
    {
        TransformKind.Scaled => Scale,
        TransformKind.Lower => Scale * u / Math.Sqrt(u * u + 1),
        TransformKind.Upper => -Scale * u / Math.Sqrt(u * u + 1),
        _ => 0.5 * (Upper - Lower) * Math.Cos(u),
    };

    /// <summary>u for a start x inside the bounds; a start on a bound is moved just inside (where the map's slope is not 0).</summary>
    public double ToInternal(double x)
    {
        switch (Kind)
        {
            case TransformKind.Scaled:
                return x / Scale;
            case TransformKind.Lower:
            case TransformKind.Upper:
            {
                double t = (Kind == TransformKind.Lower ? x - Lower : Upper - x) / Scale + 1;
                double u = Math.Sqrt(Math.Max(t * t - 1, 0));
                return Math.Max(u, 0.1);
            }
            default:
            {
                double c = Math.Clamp(2 * (x - Lower) / (Upper - Lower) - 1, -1, 1);
                double u = Math.Asin(c);
                const double limit = Math.PI / 2 - 0.05;
                return Math.Clamp(u, -limit, limit);
            }
        }
    }

    /// <summary>√(u² + 1) − 1 without cancellation.</summary>
    private static double SqrtHypotMinusOne(double u) => u * u / (Math.Sqrt(u * u + 1) + 1);
}

/// <summary>
/// The least-squares problem the solver sees: residuals r̃ᵢ = loss(wᵢ·(f(xᵢ; p) − yᵢ)) in the free, transformed
/// parameters u, with the chain rule applied to the model's Jacobian. Not thread-safe (it owns buffers).
/// </summary>
/// <remarks>
/// From <see cref="LargeRows"/> points on, with <see cref="Threads"/> ≠ 1, the model is evaluated in parallel: the rows
/// are cut into fixed ranges of <see cref="PartRows"/> points, each evaluated into its slice of the values and its rows
/// of the Jacobian (and, when parameters are fixed or the loss is robust, turned into its rows of the solver's
/// residuals and Jacobian) by whichever thread claims it. Every point is computed by the same code as on one thread,
/// so the results are the same bits on any number of threads. Nothing is allocated per evaluation.
/// </remarks>
internal sealed class FitProblem : ILeastSquaresProblem
{
    /// <summary>Points per unit of parallel work: a multiple of the expression block (256 points).</summary>
    public const int PartRows = 2048;

    private readonly ModelEvaluator _model;
    private readonly double[] _rows, _y;
    private readonly double[]? _w;
    private readonly int _v;
    private readonly int[] _free;
    private readonly ParameterTransform[] _transforms;
    private readonly RobustLoss _loss;
    private readonly double[] _full, _f, _fJ, _uJ, _chain;
    private readonly bool _direct;
    private DenseMatrix? _jFull, _lastJacobian;

    // The parallel evaluation: the body is created once; the call's arguments live in these fields while it runs.
    private readonly Action<int> _part;
    private DenseMatrix? _callJacobian;
    private unsafe double* _callResiduals;
    private int _callMode;

    private const int ModeValues = 0, ModeScaled = 1, ModeChain = 2;

    /// <summary>
    /// Threads for the model evaluation from <see cref="LargeRows"/> points on: 1 = the calling thread only, 0 = all
    /// cores, k = at most k. Set by the fit (from <see cref="RunOptions.Compute"/>); default 1.
    /// </summary>
    public int Threads { get; init; } = 1;

    public FitProblem(ModelEvaluator model, double[] rows, int v, double[] y, double[]? residualWeights, double[] fullStart,
        int[] free, ParameterTransform[] transforms, RobustLoss loss)
    {
        _part = EvaluatePart;
        _model = model;
        _rows = rows;
        _v = v;
        _y = y;
        _w = residualWeights;
        _free = free;
        _transforms = transforms;
        _loss = loss;
        _full = (double[])fullStart.Clone();
        _f = new double[y.Length];
        _fJ = new double[y.Length];
        _uJ = new double[free.Length];
        _chain = new double[free.Length];
        _direct = free.Length == fullStart.Length && loss.Kind == LossKind.Linear;
    }

    /// <summary>
    /// The last Jacobian evaluation, when it was made at exactly <paramref name="u"/> (bit for bit): the matrix it was
    /// written to (the solver's, which no solver here modifies after an evaluation) and the model values there. Lets the
    /// polish and the statistics start from the Jacobian the solver already has instead of evaluating it again.
    /// </summary>
    public bool TryLastJacobian(ReadOnlySpan<double> u, out DenseMatrix jacobian, out ReadOnlySpan<double> modelValues)
    {
        jacobian = _lastJacobian!;
        modelValues = _fJ;
        return _lastJacobian is not null && u.SequenceEqual(_uJ);
    }

    /// <summary>The residuals r̃ for the model values <paramref name="f"/>: the same arithmetic as <see cref="Evaluate"/>.</summary>
    public void ResidualsFromValues(ReadOnlySpan<double> f, Span<double> residuals)
    {
        int m = _y.Length;
        if (_loss.Kind == LossKind.Linear)
        {
            TensorPrimitives.Subtract(f[..m], _y, residuals);
            if (_w is not null) TensorPrimitives.Multiply(residuals[..m], _w, residuals);
            return;
        }
        for (int i = 0; i < m; i++)
        {
            double r = _w is null ? f[i] - _y[i] : _w[i] * (f[i] - _y[i]);
            residuals[i] = _loss.Transform(r).Value;
        }
    }

    /// <summary>The chain-rule factor dx/du of free variable k at <paramref name="u"/>.</summary>
    public double Derivative(int k, ReadOnlySpan<double> u) => _transforms[k].Derivative(u[k]);

    /// <summary>True when the loss is plain least squares.</summary>
    public bool IsLinearLoss => _loss.Kind == LossKind.Linear;

    /// <summary>
    /// From this many points on, the fit takes its large-data paths: batched (vectorized) model evaluation where the
    /// model allows it, the streamed QR of the Jacobian, and statistics from the solver's last Jacobian. Below it the
    /// Jacobian fits in cache and the per-point evaluation and direct factorizations are as fast.
    /// </summary>
    public const int LargeRows = 4096;

    public int Parameters => _free.Length;

    public int Residuals => _y.Length;

    public int AllParameters => _full.Length;

    /// <summary>The full parameter vector for the free variables <paramref name="u"/> (fixed ones at their values).</summary>
    public void ToExternal(ReadOnlySpan<double> u, Span<double> full)
    {
        _full.CopyTo(full);
        for (int k = 0; k < _free.Length; k++) full[_free[k]] = _transforms[k].ToExternal(u[k]);
    }

    public double[] ToInternal(ReadOnlySpan<double> full)
    {
        var u = new double[_free.Length];
        for (int k = 0; k < u.Length; k++) u[k] = _transforms[k].ToInternal(full[_free[k]]);
        return u;
    }

    /// <summary>
    /// The exact Hessian of ½Σr̃² in u, JᵀJ + Σᵢ rᵢwᵢ∇²fᵢ, for the model's exact second derivatives; only for plain least
    /// squares with unbounded parameters (x = s·u). Returns false when not available.
    /// </summary>
    public bool ExactHessian(ReadOnlySpan<double> u, double[] residuals, DenseMatrix jacobian, DenseMatrix hessian)
    {
        if (_loss.Kind != LossKind.Linear) return false;
        foreach (var t in _transforms) if (t.Kind != TransformKind.Scaled) return false;
        int m = _y.Length, n = _free.Length, all = _full.Length;
        var full = new double[all];
        ToExternal(u, full);
        var c = new double[m];
        for (int i = 0; i < m; i++) c[i] = residuals[i] * (_w is null ? 1 : _w[i]);
        var second = new double[all * all];
        if (!_model.WeightedHessianSum(_rows, _v, full, c, second)) return false;
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
            {
                var ca = jacobian.Column(a);
                var cb = jacobian.Column(b);
                double sum = 0;
                for (int i = 0; i < m; i++) sum += ca[i] * cb[i];
                hessian[a, b] = sum + _transforms[a].Scale * _transforms[b].Scale * second[_free[a] + _free[b] * all];
            }
        return true;
    }

    /// <summary>
    /// True when the rounding of the model values (about ε·|yᵢ| per point) could change the sum of squares of
    /// <paramref name="residuals"/> in its first 6 digits: then residuals in double-double precision are worth their cost.
    /// </summary>
    public bool RoundingMatters(ReadOnlySpan<double> residuals)
    {
        double noise = 0;
        for (int i = 0; i < _y.Length; i++)
        {
            double e = 2.2e-16 * Math.Abs(_y[i]) * (_w is null ? 1 : _w[i]);
            noise += e * e;
        }
        return noise > 1e-12 * AccurateSum.SumOfSquares(residuals);
    }

    /// <summary>
    /// Overwrites <paramref name="residuals"/> with the residuals at <paramref name="u"/> from double-double model values,
    /// when the model supports it; returns false (leaving them) otherwise.
    /// </summary>
    public bool ExtendedResiduals(ReadOnlySpan<double> u, double[] residuals)
    {
        var full = new double[_full.Length];
        ToExternal(u, full);
        var e = new double[_y.Length];
        if (!_model.ExtendedResiduals(_rows, _v, full, _y, e)) return false;
        for (int i = 0; i < e.Length; i++)
        {
            if (!double.IsFinite(e[i])) return false;
            double r = _w is null ? -e[i] : -_w[i] * e[i];
            residuals[i] = _loss.Kind == LossKind.Linear ? r : _loss.Transform(r).Value;
        }
        return true;
    }

    /// <summary>True when this evaluation runs in parts on several threads.</summary>
    private bool RunsInParallel => Threads != 1 && _y.Length >= LargeRows && Environment.ProcessorCount > 1;

    public unsafe void Evaluate(ReadOnlySpan<double> u, Span<double> residuals, DenseMatrix? jacobian)
    {
        int m = _y.Length, n = _free.Length;
        ToExternal(u, _full);
        if (jacobian is null)
        {
            if (RunsInParallel) RunParts(ModeValues, null, null);
            else _model.Evaluate(_rows, _v, _full, _f, null);
            ResidualsFromValues(_f, residuals);
            return;
        }
        _lastJacobian = null;
        for (int k = 0; k < n; k++) _chain[k] = _transforms[k].Derivative(u[k]);
        if (_direct)
        {
            // Every parameter free and plain least squares: the model writes ∂f/∂p straight into the solver's matrix,
            // scaled by wᵢ, then by dx/du (the same products as below), while each block is in cache where it can.
            if (RunsInParallel) RunParts(ModeScaled, jacobian, null);
            else _model.EvaluateScaled(_rows, _v, _full, _fJ, jacobian, _w, _chain);
            ResidualsFromValues(_fJ, residuals);
        }
        else
        {
            _jFull ??= new DenseMatrix(m, _full.Length);
            if (RunsInParallel)
            {
                fixed (double* r = residuals) RunParts(ModeChain, jacobian, r);
            }
            else
            {
                _model.Evaluate(_rows, _v, _full, _fJ, _jFull);
                fixed (double* r = residuals) ChainRows(jacobian, r, 0, m);
            }
        }
        u.CopyTo(_uJ);
        _lastJacobian = jacobian;
    }

    /// <summary>
    /// Residuals r̃ᵢ and rows i of the solver's Jacobian (∂r̃ᵢ/∂uₖ = scaleᵢ·∂fᵢ/∂p_free(k)·dx/du) from the model's
    /// values and full Jacobian, for first ≤ i &lt; first + count. Per entry the same operations in the same order for any
    /// range, so a split of the rows changes no bit.
    /// </summary>
    private unsafe void ChainRows(DenseMatrix jacobian, double* residuals, int first, int count)
    {
        int m = _y.Length, n = _free.Length;
        var src = _jFull!.AsSpan();
        var dst = jacobian.AsSpan();
        for (int i = first; i < first + count; i++)
        {
            double w = _w is null ? 1.0 : _w[i];
            double r = w * (_fJ[i] - _y[i]);
            double scale = w;
            if (_loss.Kind != LossKind.Linear)
            {
                var (value, derivative) = _loss.Transform(r);
                r = value;
                scale *= derivative;
            }
            residuals[i] = r;
            for (int k = 0; k < n; k++) dst[k * m + i] = scale * src[_free[k] * m + i];
        }
        for (int k = 0; k < n; k++)
        {
            double d = _chain[k];
            if (d != 1) foreach (ref double e in dst.Slice(k * m + first, count)) e *= d;
        }
    }

    /// <summary>Runs <see cref="EvaluatePart"/> over all parts on up to <see cref="Threads"/> threads; a model's exception reaches the caller (ForkJoin rethrows it).</summary>
    private unsafe void RunParts(int mode, DenseMatrix? jacobian, double* residuals)
    {
        _callMode = mode;
        _callJacobian = jacobian;
        _callResiduals = residuals;
        int parts = (_y.Length + PartRows - 1) / PartRows;
        try
        {
            ForkJoin.Run(parts, _part, Threads);
        }
        finally
        {
            _callJacobian = null;
            _callResiduals = null;
        }
    }

    /// <summary>One part of a parallel evaluation.</summary>
    private unsafe void EvaluatePart(int part)
    {
        int m = _y.Length, first = part * PartRows, count = Math.Min(PartRows, m - first);
        switch (_callMode)
        {
            case ModeValues:
                _model.EvaluateRange(_rows, _v, _full, _f, null, first, count);
                break;
            case ModeScaled:
                _model.EvaluateScaledRange(_rows, _v, _full, _fJ, _callJacobian!, _w, _chain, first, count);
                break;
            default:
                _model.EvaluateRange(_rows, _v, _full, _fJ, _jFull, first, count);
                ChainRows(_callJacobian!, _callResiduals, first, count);
                break;
        }
    }
}
