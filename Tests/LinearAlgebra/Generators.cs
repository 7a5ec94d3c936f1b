using Optima.LinearAlgebra;

namespace Optima.Tests.LinearAlgebra;

/// <summary>Seeded random matrices for the property tests.</summary>
public static class Generators
{
    public static DenseMatrix Random(int m, int n, int seed)
    {
        var rng = new Random(seed);
        var a = new DenseMatrix(m, n);
        for (int k = 0; k < a.Data.Length; k++) a.Data[k] = rng.NextDouble() * 2 - 1;
        return a;
    }

    public static double[] Vector(int n, int seed)
    {
        var rng = new Random(seed);
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.NextDouble() * 2 - 1;
        return v;
    }

    /// <summary>A random SPD matrix BᵀB + n·shift·I.</summary>
    public static DenseMatrix Spd(int n, int seed, double shift = 0.1)
    {
        var b = Random(n, n, seed);
        var a = new DenseMatrix(n, n);
        for (int j = 0; j < n; j++)
            for (int i = 0; i <= j; i++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += b[k, i] * b[k, j];
                a[i, j] = s;
                a[j, i] = s;
            }
        for (int i = 0; i < n; i++) a[i, i] += n * shift;
        return a;
    }

    /// <summary>A random sparse, strictly diagonally dominant matrix (symmetric when asked; then SPD).</summary>
    public static CsrMatrix DiagonallyDominant(int n, int seed, bool symmetric, int perRow = 4)
    {
        var rng = new Random(seed);
        var ii = new List<int>(); var jj = new List<int>(); var vv = new List<double>();
        var rowSum = new double[n];
        for (int i = 0; i < n; i++)
            for (int t = 0; t < perRow; t++)
            {
                int j = rng.Next(n);
                if (j == i) continue;
                double v = rng.NextDouble() * 2 - 1;
                ii.Add(i); jj.Add(j); vv.Add(v); rowSum[i] += Math.Abs(v);
                if (symmetric) { ii.Add(j); jj.Add(i); vv.Add(v); rowSum[j] += Math.Abs(v); }
            }
        for (int i = 0; i < n; i++) { ii.Add(i); jj.Add(i); vv.Add(rowSum[i] * 1.5 + 1.0); }
        return CsrMatrix.FromCoordinates(n, n, ii.ToArray(), jj.ToArray(), vv.ToArray());
    }

    public static double MaxAbsDiff(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }

    public static double Norm(ReadOnlySpan<double> a)
    {
        double s = 0;
        foreach (double v in a) s += v * v;
        return Math.Sqrt(s);
    }

    /// <summary>‖b − A·x‖₂.</summary>
    public static double ResidualNorm(ILinearOperator a, ReadOnlySpan<double> x, ReadOnlySpan<double> b)
    {
        var y = new double[a.Rows];
        a.Apply(x, y);
        for (int i = 0; i < y.Length; i++) y[i] = b[i] - y[i];
        return Norm(y);
    }
}
