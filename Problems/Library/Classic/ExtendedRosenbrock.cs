using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Optima.LinearAlgebra;

namespace Optima.Problems.Library;

/// <summary>
/// The extended Rosenbrock function in the separable form of Moré, Garbow and Hillstrom (problem 21):
/// f(x) = Σᵢ₌₁^{n/2} [100(x₂ᵢ − x₂ᵢ₋₁²)² + (1 − x₂ᵢ₋₁)²] for even n — n/2 independent copies of the 2-D banana valley,
/// so the Hessian is block-diagonal with 2×2 blocks. (This is not the chained form Σᵢ₌₁ⁿ⁻¹ [100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²],
/// which couples neighbouring variables and has a second local minimum for 4 ≤ n ≤ 7.)
/// Minimum 0 at (1, …, 1); standard start (−1.2, 1, −1.2, 1, …).
/// </summary>
/// <remarks>The residual form of the same function is <see cref="Mgh.MghExtendedRosenbrock"/>.</remarks>
public sealed class ExtendedRosenbrock : TestProblem
{
    /// <summary>The default dimension, 10.</summary>
    public const int DefaultDimension = 10;

    /// <summary>Creates the problem in dimension <paramref name="n"/>.</summary>
    /// <param name="n">Number of variables: even and at least 2 (default 10).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is odd or less than 2.</exception>
    public ExtendedRosenbrock(int n = DefaultDimension) => Dimension = RequireEvenDimension(n);

    /// <summary>Checks n (shared with the residual form <see cref="Mgh.MghExtendedRosenbrock"/>).</summary>
    internal static int RequireEvenDimension(int n) => n >= 2 && n % 2 == 0 ? n
        : throw new ArgumentOutOfRangeException(nameof(n), n, "The extended Rosenbrock function needs an even dimension n ≥ 2.");

    /// <summary>The standard start (−1.2, 1, −1.2, 1, …) in dimension n.</summary>
    internal static double[] Start(int n)
    {
        var x = new double[n];
        for (int i = 0; i < n; i += 2)
        {
            x[i] = -1.2;
            x[i + 1] = 1.0;
        }
        return x;
    }

    /// <summary>The minimiser (1, …, 1) in dimension n.</summary>
    internal static double[] Minimizer(int n)
    {
        var x = new double[n];
        Array.Fill(x, 1.0);
        return x;
    }

    /// <inheritdoc/>
    public override string Name => "rosenbrock-ext";
    /// <inheritdoc/>
    public override string Description => $"Extended Rosenbrock, separable MGH 21 form (n = {Dimension})";
    /// <inheritdoc/>
    public override string Reference => "Moré, Garbow, Hillstrom, ACM TOMS 7 (1981), problem 21; Rosenbrock, Comput. J. 3 (1960)";
    /// <inheritdoc/>
    public override int Dimension { get; }
    /// <inheritdoc/>
    public override bool HasAnalyticHessian => true;
    /// <inheritdoc/>
    public override double? KnownMinimum => 0.0;

    /// <inheritdoc/>
    public override double[] StandardStart() => Start(Dimension);

    /// <inheritdoc/>
    public override IReadOnlyList<double[]> KnownMinimizers() => [Minimizer(Dimension)];

    /// <inheritdoc/>
    public override T Evaluate<T>(ReadOnlySpan<T> x)
    {
        T sum = T.Zero, hundred = C<T>(100);
        for (int i = 0; i < x.Length; i += 2)
        {
            T a = T.One - x[i], b = x[i + 1] - x[i] * x[i];
            sum += hundred * b * b + a * a;
        }
        return sum;
    }

    /// <summary>f(x), vectorised as <see cref="ValueAndGradient"/> is; no allocation.</summary>
    public override double Value(ReadOnlySpan<double> x)
    {
        CheckLength(x.Length, nameof(x));
        return Kernel(x, default, false);
    }

    /// <summary>
    /// f(x) and ∇f(x): ∂f/∂x₂ᵢ₋₁ = −2(1 − x₂ᵢ₋₁) − 400x₂ᵢ₋₁(x₂ᵢ − x₂ᵢ₋₁²), ∂f/∂x₂ᵢ = 200(x₂ᵢ − x₂ᵢ₋₁²). Vectorised over
    /// Vector256 (two pairs per vector: a lane swap gives each lane its partner, a blend picks the odd/even formula)
    /// with a scalar tail; no allocation.
    /// </summary>
    public override double ValueAndGradient(ReadOnlySpan<double> x, Span<double> g)
    {
        CheckLength(x.Length, nameof(x));
        CheckLength(g.Length, "gradient");
        return Kernel(x, g, true);
    }

    // f = Σ over pairs p of 100(x₂ₚ₊₁ − x₂ₚ²)² + (1 − x₂ₚ)², summed in four partial sums (pair p into sum p mod 4,
    // combined as (s₀ + s₁) + (s₂ + s₃)) on every CPU: the Vector256 path computes the same lanes four pairs at a time,
    // the scalar path one pair at a time, so the value is the same bits with or without SIMD.
    private static double Kernel(ReadOnlySpan<double> x, Span<double> g, bool gradient)
    {
        int n = x.Length, i = 0;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            ref double xr = ref MemoryMarshal.GetReference(x);
            ref double gr = ref MemoryMarshal.GetReference(g);
            var even = Vector256.Create(-1L, 0L, -1L, 0L).AsDouble();
            var swap = Vector256.Create(1L, 0L, 3L, 2L);
            Vector256<double> one = Vector256.Create(1.0), hundred = Vector256.Create(100.0);
            Vector256<double> m2 = Vector256.Create(-2.0), m400 = Vector256.Create(-400.0), c200 = Vector256.Create(200.0);
            Vector256<double> acc0 = Vector256<double>.Zero, acc1 = Vector256<double>.Zero;
            for (; i <= n - 8; i += 8)
            {
                Step(ref xr, ref gr, i, ref acc0);     // pairs ≡ 0, 1 (mod 4), each term in both lanes of its pair
                Step(ref xr, ref gr, i + 4, ref acc1); // pairs ≡ 2, 3 (mod 4)
            }
            s0 = acc0[0];
            s1 = acc0[2];
            s2 = acc1[0];
            s3 = acc1[2];

            void Step(ref double xr, ref double gr, int k, ref Vector256<double> acc)
            {
                var v = Vector256.LoadUnsafe(ref xr, (nuint)k);
                var w = Vector256.Shuffle(v, swap);
                var a = Vector256.ConditionalSelect(even, v, w);   // x₂ᵢ₋₁ in both lanes of the pair
                var b = Vector256.ConditionalSelect(even, w, v);   // x₂ᵢ
                var u = b - a * a;
                var c = one - a;
                acc += hundred * u * u + c * c;
                if (gradient)
                    Vector256.ConditionalSelect(even, m2 * c + m400 * a * u, c200 * u).StoreUnsafe(ref gr, (nuint)k);
            }
        }
        for (; i < n; i += 2)
        {
            double a = 1 - x[i], b = x[i + 1] - x[i] * x[i];
            double term = 100 * b * b + a * a;
            switch ((i >> 1) & 3)
            {
                case 0: s0 += term; break;
                case 1: s1 += term; break;
                case 2: s2 += term; break;
                default: s3 += term; break;
            }
            if (gradient)
            {
                g[i] = -2 * a - 400 * x[i] * b;
                g[i + 1] = 200 * b;
            }
        }
        return (s0 + s1) + (s2 + s3);
    }

    /// <inheritdoc/>
    public override void Hessian(ReadOnlySpan<double> x, DenseMatrix h)
    {
        CheckLength(x.Length, nameof(x));
        h.Clear();
        for (int i = 0; i < x.Length; i += 2)
        {
            h[i, i] = 2 - 400 * (x[i + 1] - 3 * x[i] * x[i]);
            h[i, i + 1] = h[i + 1, i] = -400 * x[i];
            h[i + 1, i + 1] = 200;
        }
    }
}
