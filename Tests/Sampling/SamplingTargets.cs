using Optima.Problems;

namespace Optima.Tests.Sampling;

/// <summary>A multivariate normal N(μ, Σ) as a negative log density ½(x − μ)ᵀΣ⁻¹(x − μ), with its gradient.</summary>
internal sealed class GaussianTarget : IGradientObjective
{
    private readonly double[] _mean;
    private readonly double[,] _precision;

    public GaussianTarget(double[] mean, double[,] covariance)
    {
        _mean = mean;
        Covariance = covariance;
        _precision = Inverse(covariance);
    }

    public double[,] Covariance { get; }

    public double[] Mean => _mean;

    public int Dimension => _mean.Length;

    public double Value(ReadOnlySpan<double> x)
    {
        int n = Dimension;
        double s = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) s += (x[i] - _mean[i]) * _precision[i, j] * (x[j] - _mean[j]);
        return 0.5 * s;
    }

    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        int n = Dimension;
        for (int i = 0; i < n; i++)
        {
            double g = 0;
            for (int j = 0; j < n; j++) g += _precision[i, j] * (x[j] - _mean[j]);
            gradient[i] = g;
        }
        return Value(x);
    }

    /// <summary>Σ = BBᵀ + 0.2·I, symmetric positive definite.</summary>
    public static double[,] CovarianceFrom(double[] b, int n)
    {
        var c = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                for (int k = 0; k < n; k++) c[i, j] += b[i * n + k] * b[j * n + k];
                if (i == j) c[i, j] += 0.2;
            }
        return c;
    }

    /// <summary>Gauss–Jordan with partial pivoting (small SPD matrices only).</summary>
    public static double[,] Inverse(double[,] a)
    {
        int n = a.GetLength(0);
        var m = new double[n, 2 * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++) m[i, j] = a[i, j];
            m[i, n + i] = 1;
        }
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
                if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col])) pivot = r;
            for (int j = 0; j < 2 * n; j++) (m[col, j], m[pivot, j]) = (m[pivot, j], m[col, j]);
            double d = m[col, col];
            for (int j = 0; j < 2 * n; j++) m[col, j] /= d;
            for (int r = 0; r < n; r++)
            {
                if (r == col) continue;
                double f = m[r, col];
                for (int j = 0; j < 2 * n; j++) m[r, j] -= f * m[col, j];
            }
        }
        var inv = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) inv[i, j] = m[i, n + j];
        return inv;
    }
}

/// <summary>
/// A banana (Rosenbrock-type, "twisted Gaussian") density: x₁ ~ N(0, s₁²), x₂ | x₁ ~ N(b·x₁², s₂²). Known moments:
/// E x₁ = 0, E x₂ = b·s₁², Var x₁ = s₁², Var x₂ = s₂² + 2b²s₁⁴.
/// </summary>
internal sealed class BananaTarget(double s1, double s2, double b) : IGradientObjective
{
    public int Dimension => 2;

    public double[] Mean => [0, b * s1 * s1];

    public double[] Variance => [s1 * s1, s2 * s2 + 2 * b * b * s1 * s1 * s1 * s1];

    public double Value(ReadOnlySpan<double> x)
    {
        double r = x[1] - b * x[0] * x[0];
        return 0.5 * x[0] * x[0] / (s1 * s1) + 0.5 * r * r / (s2 * s2);
    }

    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        double r = x[1] - b * x[0] * x[0];
        gradient[0] = x[0] / (s1 * s1) - 2 * b * x[0] * r / (s2 * s2);
        gradient[1] = r / (s2 * s2);
        return Value(x);
    }
}

/// <summary>
/// A mixture w·N(a, σa²) + (1 − w)·N(c, σc²) in the first coordinate, times N(0, 1) in the others. Mean of x₁:
/// w·a + (1 − w)·c.
/// </summary>
internal sealed class MixtureTarget(int n, double w, double a, double sa, double c, double sc) : IGradientObjective
{
    public int Dimension => n;

    public double Mean => w * a + (1 - w) * c;

    public double Value(ReadOnlySpan<double> x) => ValueAndGradient(x, stackalloc double[n]);

    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        double za = (x[0] - a) / sa, zc = (x[0] - c) / sc;
        double la = Math.Log(w / sa) - 0.5 * za * za, lc = Math.Log((1 - w) / sc) - 0.5 * zc * zc;
        double top = Math.Max(la, lc);
        double ea = Math.Exp(la - top), ec = Math.Exp(lc - top), sum = ea + ec;
        double u = -(top + Math.Log(sum));
        // d/dx₁ of −log(Σ wₖφₖ) = Σ rₖ·(x₁ − μₖ)/σₖ² with responsibilities rₖ.
        gradient[0] = (ea * za / sa + ec * zc / sc) / sum;
        for (int i = 1; i < n; i++)
        {
            u += 0.5 * x[i] * x[i];
            gradient[i] = x[i];
        }
        return u;
    }
}
