using Optima.LinearAlgebra;

namespace Optima.Tests.Convex;

/// <summary>Random problems for the convex tests, from a seed.</summary>
internal static class ConvexTestData
{
    public static DenseMatrix Gaussian(Random rng, int rows, int columns)
    {
        var a = new DenseMatrix(rows, columns);
        for (int i = 0; i < a.Data.Length; i++) a.Data[i] = Normal(rng);
        return a;
    }

    public static double[] Vector(Random rng, int n, double scale = 1.0)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = scale * Normal(rng);
        return v;
    }

    public static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    public static double MaxAbsDiff(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double d = 0;
        for (int i = 0; i < a.Length; i++) d = Math.Max(d, Math.Abs(a[i] - b[i]));
        return d;
    }

    /// <summary>
    /// Cyclic coordinate descent for ½‖Ax − b‖² + λ₁‖x‖₁ + (λ₂/2)‖x‖² until no coordinate moves by more than 1e-15
    /// (the high-precision reference the ADMM results are held to).
    /// </summary>
    public static double[] CoordinateDescent(DenseMatrix a, double[] b, double l1, double l2)
    {
        int m = a.Rows, n = a.Columns;
        var x = new double[n];
        var r = (double[])b.Clone();
        var norms = new double[n];
        for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) norms[j] += a[i, j] * a[i, j];
        for (int sweep = 0; sweep < 2_000_000; sweep++)
        {
            double change = 0;
            for (int j = 0; j < n; j++)
            {
                double rho = 0;
                for (int i = 0; i < m; i++) rho += a[i, j] * r[i];
                rho += norms[j] * x[j];
                double xj = (rho > l1 ? rho - l1 : rho < -l1 ? rho + l1 : 0.0) / (norms[j] + l2);
                double d = xj - x[j];
                if (d != 0)
                {
                    for (int i = 0; i < m; i++) r[i] -= a[i, j] * d;
                    x[j] = xj;
                    change = Math.Max(change, Math.Abs(d));
                }
            }
            if (change <= 1e-15) break;
        }
        return x;
    }
}
