using Optima.LinearAlgebra;

namespace Optima.Solvers.Convex;

/// <summary>
/// The discrete gradient of a width×height image (row-major, pixel (r, c) at r·width + c) by forward differences with
/// Neumann boundaries (the difference across the last column/row is 0), as in Chambolle &amp; Pock 2011 §6.1: Ku = (∂ₓu, ∂ᵧu)
/// stacked as 2N entries. Its adjoint is −div. ‖K‖² ≤ 8.
/// </summary>
public sealed class Gradient2D : IAdjointOperator
{
    /// <summary>The gradient of a <paramref name="width"/>×<paramref name="height"/> image.</summary>
    public Gradient2D(int width, int height)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"The image is {width}×{height}; both sizes must be ≥ 1.");
        Width = width;
        Height = height;
    }

    /// <summary>Image width (columns).</summary>
    public int Width { get; }

    /// <summary>Image height (rows).</summary>
    public int Height { get; }

    /// <inheritdoc/>
    public int Rows => 2 * Width * Height;

    /// <inheritdoc/>
    public int Columns => Width * Height;

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> u, Span<double> p)
    {
        int w = Width, h = Height, n = w * h;
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
            {
                int i = r * w + c;
                p[i] = c < w - 1 ? u[i + 1] - u[i] : 0.0;
                p[n + i] = r < h - 1 ? u[i + w] - u[i] : 0.0;
            }
    }

    /// <inheritdoc/>
    public void ApplyTranspose(ReadOnlySpan<double> p, Span<double> u)
    {
        int w = Width, h = Height, n = w * h;
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
            {
                int i = r * w + c;
                double div = (c < w - 1 ? p[i] : 0.0) - (c > 0 ? p[i - 1] : 0.0)
                    + (r < h - 1 ? p[n + i] : 0.0) - (r > 0 ? p[n + i - w] : 0.0);
                u[i] = -div;
            }
    }
}

/// <summary>
/// The indicator of {p : ‖(pᵢ, p_{N+i})‖₂ ≤ r for every pixel i}, the conjugate of r·‖·‖_{2,1} (isotropic total
/// variation): the prox projects each pixel's gradient pair onto the disc.
/// </summary>
public sealed class PixelwiseBallProjection : IProximalOperator
{
    /// <summary>Pairs (pᵢ, p_{N+i}) of a 2N vector, each held to radius <paramref name="radius"/> &gt; 0.</summary>
    public PixelwiseBallProjection(double radius = 1.0)
    {
        if (!(radius > 0) || double.IsInfinity(radius)) throw new ArgumentOutOfRangeException(nameof(radius), radius, "The radius must be a finite number > 0.");
        Radius = radius;
    }

    /// <summary>The radius r.</summary>
    public double Radius { get; }

    /// <inheritdoc/>
    public void Prox(ReadOnlySpan<double> v, double t, Span<double> result)
    {
        ProxChecks.Sizes(v, t, result);
        if (v.Length % 2 != 0) throw new ArgumentException($"v has {v.Length} entries; it must hold pairs (an even length).", nameof(v));
        int n = v.Length / 2;
        for (int i = 0; i < n; i++)
        {
            double a = v[i], b = v[n + i], norm = Math.Sqrt(a * a + b * b);
            double s = norm > Radius ? Radius / norm : 1.0;
            result[i] = a * s;
            result[n + i] = b * s;
        }
    }

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> x)
    {
        int n = x.Length / 2;
        for (int i = 0; i < n; i++)
            if (Math.Sqrt(x[i] * x[i] + x[n + i] * x[n + i]) > Radius * (1 + 1e-12)) return double.PositiveInfinity;
        return 0.0;
    }
}

/// <summary>
/// Total-variation denoising (the ROF model, Rudin, Osher &amp; Fatemi 1992): min_u ‖∇u‖_{2,1} + (λ/2)‖u − f‖², solved by
/// <see cref="PrimalDual"/> with K = ∇ (<see cref="Gradient2D"/>), f* the indicator of the pixelwise unit discs and
/// g = (λ/2)‖· − f‖². The duality gap P(u) − D(p), with D(p) = ⟨Kᵀp, f⟩ − ‖Kᵀp‖²/(2λ), is the stopping test; since P
/// is λ-strongly convex, ‖u − u*‖₂ ≤ √(2·gap/λ).
/// </summary>
public static class TotalVariation
{
    /// <summary>Denoises <paramref name="image"/> (row-major, width×height) with fidelity weight <paramref name="lambda"/> &gt; 0 (larger: closer to the data).</summary>
    public static ConvexResult Denoise(ReadOnlySpan<double> image, int width, int height, double lambda, PdhgOptions? options = null)
    {
        var k = new Gradient2D(width, height);
        if (image.Length != k.Columns) throw new ArgumentException($"image has {image.Length} pixels; {width}×{height} needs {k.Columns}.", nameof(image));
        ProxChecks.Finite(image, nameof(image));
        if (!(lambda > 0) || double.IsInfinity(lambda)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "lambda must be a finite number > 0.");
        var f = image.ToArray();
        double[] grad = new double[k.Rows], div = new double[k.Columns];
        double Gap(ReadOnlySpan<double> u, ReadOnlySpan<double> p, out double primalValue)
        {
            primalValue = Objective(k, u, f, lambda, grad);
            k.ApplyTranspose(p, div);
            double dualValue = Reproducible.Dot(div, f) - Reproducible.SumOfSquares(div) / (2 * lambda);
            return Math.Max(primalValue - dualValue, 0.0);
        }
        options ??= PdhgOptions.Default;
        // g = (λ/2)‖u − f‖² is λ-strongly convex: accelerate with γ = 0.7λ unless told otherwise (Chambolle & Pock §6.2).
        if (options.StrongConvexity is null) options = options with { StrongConvexity = 0.7 * lambda };
        // Start from the data: the gap is then small where the image is flat.
        return PrimalDual.Solve(k, new PixelwiseBallProjection(1.0), new SquaredL2(lambda, f), options, f, Gap, "Chambolle–Pock TV denoising (ROF)");
    }

    /// <summary>The ROF objective ‖∇u‖_{2,1} + (λ/2)‖u − f‖².</summary>
    public static double Objective(ReadOnlySpan<double> u, int width, int height, ReadOnlySpan<double> f, double lambda) =>
        Objective(new Gradient2D(width, height), u, f, lambda, new double[2 * width * height]);

    private static double Objective(Gradient2D k, ReadOnlySpan<double> u, ReadOnlySpan<double> f, double lambda, Span<double> grad)
    {
        k.Apply(u, grad);
        int n = k.Columns;
        double tv = 0, fit = 0;
        for (int i = 0; i < n; i++)
        {
            tv += Math.Sqrt(grad[i] * grad[i] + grad[n + i] * grad[n + i]);
            double d = u[i] - f[i];
            fit = Math.FusedMultiplyAdd(d, d, fit);
        }
        return tv + 0.5 * lambda * fit;
    }
}

/// <summary>
/// Linear programs in standard form, min cᵀx s.t. Ax = b, x ≥ 0, by <see cref="PrimalDual"/> (the PDLP idea without its
/// restarts and preconditioning): K = A, g(x) = cᵀx + 𝟙{x ≥ 0} (prox: max(v − τc, 0)), f = 𝟙{· = b} (prox of f*: v − σb).
/// The reported dual is the LP multiplier λ of max bᵀλ s.t. Aᵀλ ≤ c. The stopping test is a KKT error reported as the
/// duality gap: |cᵀx − bᵀλ| + ‖Ax − b‖∞ + ‖max(Aᵀλ − c, 0)‖∞ ≤ <see cref="PdhgOptions.GapTolerance"/>·max(1, |cᵀx|).
/// Plain PDHG converges linearly but slowly on badly scaled LPs; this is the teaching version for small problems.
/// </summary>
public static class LinearProgram
{
    /// <summary>Solves min cᵀx s.t. Ax = b, x ≥ 0.</summary>
    public static ConvexResult Solve(DenseMatrix a, ReadOnlySpan<double> b, ReadOnlySpan<double> c, PdhgOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (b.Length != a.Rows) throw new ArgumentException($"b has {b.Length} entries but A has {a.Rows} rows.", nameof(b));
        if (c.Length != a.Columns) throw new ArgumentException($"c has {c.Length} entries but A has {a.Columns} columns.", nameof(c));
        if (!a.IsFinite()) throw new ArgumentException("A has a NaN or infinite entry.", nameof(a));
        ProxChecks.Finite(b, nameof(b));
        ProxChecks.Finite(c, nameof(c));
        var bb = b.ToArray();
        var cc = c.ToArray();
        double[] ax = new double[a.Rows], aty = new double[a.Columns];
        double Gap(ReadOnlySpan<double> x, ReadOnlySpan<double> y, out double primalValue)
        {
            // λ = −y (the saddle's y multiplies Ax − b). A KKT error, zero exactly at an optimal pair: the gap |cᵀx − bᵀλ| plus
            // the primal infeasibility ‖Ax − b‖∞ and the dual infeasibility ‖max(Aᵀλ − c, 0)‖∞ (x ≥ 0 holds by the prox).
            primalValue = Reproducible.Dot(cc, x);
            a.Multiply(x, ax);
            a.TransposeMultiply(y, aty);
            double primalInfeasibility = 0, dualInfeasibility = 0;
            for (int i = 0; i < ax.Length; i++) primalInfeasibility = Math.Max(primalInfeasibility, Math.Abs(ax[i] - bb[i]));
            for (int j = 0; j < aty.Length; j++) dualInfeasibility = Math.Max(dualInfeasibility, -aty[j] - cc[j]);
            return Math.Abs(primalValue + Reproducible.Dot(bb, y)) + primalInfeasibility + dualInfeasibility;
        }
        var result = PrimalDual.Solve(new MatrixOperator(a), new ShiftProx(bb), new LinearOnOrthant(cc), options, default, Gap, "Chambolle–Pock LP");
        var lambda = result.Dual!;
        for (int i = 0; i < lambda.Length; i++) lambda[i] = -lambda[i];
        return result;
    }

    // f* for f = 𝟙{· = b}: f*(y) = bᵀy, prox_{σf*}(v) = v − σb.
    private sealed class ShiftProx(double[] shift) : IProximalOperator
    {
        public void Prox(ReadOnlySpan<double> v, double t, Span<double> result)
        {
            for (int i = 0; i < v.Length; i++) result[i] = Math.FusedMultiplyAdd(-t, shift[i], v[i]);
        }

        public double Value(ReadOnlySpan<double> x) => Reproducible.Dot(shift, x);
    }

    // g(x) = cᵀx + 𝟙{x ≥ 0}: prox_{τg}(v) = max(v − τc, 0).
    private sealed class LinearOnOrthant(double[] cost) : IProximalOperator
    {
        public void Prox(ReadOnlySpan<double> v, double t, Span<double> result)
        {
            for (int i = 0; i < v.Length; i++) result[i] = Math.Max(Math.FusedMultiplyAdd(-t, cost[i], v[i]), 0.0);
        }

        public double Value(ReadOnlySpan<double> x)
        {
            foreach (double a in x) if (!(a >= 0)) return double.PositiveInfinity;
            return Reproducible.Dot(cost, x);
        }
    }
}
