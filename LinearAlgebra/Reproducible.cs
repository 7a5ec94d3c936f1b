using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Optima.LinearAlgebra;

/// <summary>
/// Reductions whose result is the same bits on every CPU: with AVX-512, with AVX2, with 128-bit vectors (SSE, NEON)
/// and with no SIMD at all. <c>TensorPrimitives.Dot/Sum/Norm</c> keep as many partial sums as the vector holds, so
/// their answer changes with the machine; these keep <see cref="Lanes"/> = 16 partial sums in a fixed layout instead.
/// </summary>
/// <remarks>
/// The order, which every code path follows exactly: entry i is accumulated into partial sum i mod 16, in increasing
/// i (a product with one rounding, <see cref="Math.FusedMultiplyAdd"/>, for <see cref="Dot(ReadOnlySpan{double}, ReadOnlySpan{double})"/> and
/// <see cref="SumOfSquares"/>); the 16 partial sums, all starting at +0, are then combined pairwise as
/// t<sub>j</sub> = p<sub>j</sub> + p<sub>j+8</sub>, u<sub>j</sub> = t<sub>j</sub> + t<sub>j+4</sub>,
/// v<sub>j</sub> = u<sub>j</sub> + u<sub>j+2</sub>, result = v<sub>0</sub> + v<sub>1</sub>. An AVX-512 machine holds
/// the partial sums in two registers, an AVX2 machine in four, a 128-bit one in eight, and the scalar path in an
/// array: the same operations in the same order, so the same bits. Sixteen independent chains also hide the FMA
/// latency, so the fixed order costs little speed (measured in <c>Benchmarks -- reduce</c>). On an x86 machine
/// without FMA hardware the products are fused in software (correct, slower).
/// </remarks>
[SkipLocalsInit] // the partial-sum buffers are written in full before they are read
public static unsafe class Reproducible
{
    /// <summary>The number of partial sums every reduction keeps, whatever the vector width.</summary>
    public const int Lanes = 16;

    /// <summary>True when fused multiply-add is a hardware instruction (x86 FMA3 or ARM64); otherwise it is emulated.</summary>
    internal static readonly bool FmaHardware = System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;

    // Below 2⁻⁹⁶⁸ a sum of squares may have lost entries to underflow (squares under 2⁻¹⁰²² are subnormal).
    private static readonly double SmallestSafe = Math.ScaleB(1.0, -968);

    /// <summary>Σ xᵢ·yᵢ in the fixed order (each product fused into its partial sum).</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length) throw new ArgumentException($"x has length {x.Length} and y {y.Length}.", nameof(y));
        fixed (double* px = x, py = y) return Dot(x.Length, px, py);
    }

    /// <summary>Σ xᵢ in the fixed order.</summary>
    public static double Sum(ReadOnlySpan<double> x)
    {
        fixed (double* px = x) return Reduce<SumOp>(x.Length, px, px);
    }

    /// <summary>Σ |xᵢ| in the fixed order (the 1-norm).</summary>
    public static double SumOfMagnitudes(ReadOnlySpan<double> x)
    {
        fixed (double* px = x) return Reduce<MagnitudeOp>(x.Length, px, px);
    }

    /// <summary>Σ xᵢ² in the fixed order (each square fused into its partial sum).</summary>
    public static double SumOfSquares(ReadOnlySpan<double> x)
    {
        fixed (double* px = x) return Reduce<SquareOp>(x.Length, px, px);
    }

    /// <summary>
    /// The Euclidean norm √(Σ xᵢ²) in the fixed order, without overflow or underflow: when the plain sum of squares
    /// overflows or may have lost entries to underflow, the vector is summed again scaled by a power of two near its
    /// largest magnitude (exact scaling), so a finite vector always gets a finite, accurate norm.
    /// </summary>
    public static double Norm(ReadOnlySpan<double> x)
    {
        double ss = SumOfSquares(x);
        if (ss >= SmallestSafe && ss <= double.MaxValue) return Math.Sqrt(ss);
        if (double.IsNaN(ss)) return ss;
        double max = 0;
        foreach (double v in x)
        {
            double a = Math.Abs(v);
            if (a > max) max = a;
            else if (double.IsNaN(a)) return a;
        }
        if (max == 0 || double.IsInfinity(max)) return max;
        int e = Math.ILogB(max);
        double scale = Math.ScaleB(1.0, -e), sum = 0;
        // Rare path (overflow/underflow): a scaled copy in blocks keeps it allocation-free and in the fixed order.
        Span<double> lanes = stackalloc double[Lanes];
        lanes.Clear();
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i] * scale;
            lanes[i & 15] = Math.FusedMultiplyAdd(v, v, lanes[i & 15]);
        }
        fixed (double* pl = lanes) sum = Combine(pl);
        return Math.ScaleB(Math.Sqrt(sum), e);
    }

    /// <summary>Σ xᵢ·yᵢ over n entries at x and y, in the fixed order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double Dot(int n, double* x, double* y) => Reduce<DotOp>(n, x, y);

    /// <summary>Combines 16 partial sums in the fixed tree order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Combine(double* p)
    {
        double t0 = p[0] + p[8], t1 = p[1] + p[9], t2 = p[2] + p[10], t3 = p[3] + p[11];
        double t4 = p[4] + p[12], t5 = p[5] + p[13], t6 = p[6] + p[14], t7 = p[7] + p[15];
        double u0 = t0 + t4, u1 = t1 + t5, u2 = t2 + t6, u3 = t3 + t7;
        double v0 = u0 + u2, v1 = u1 + u3;
        return v0 + v1;
    }

    /// <summary>The vector widths a fused reduction may use: 512, 256 or 128 bits, or 0 for the scalar path.</summary>
    internal static int Width(bool fused)
    {
        if (Vector512.IsHardwareAccelerated) return 512;
        if (fused && !FmaHardware) return 0; // software FMA: the scalar path (libm fma) is the faster emulation
        if (Vector256.IsHardwareAccelerated) return 256;
        if (Vector128.IsHardwareAccelerated) return 128;
        return 0;
    }

    private interface IOp
    {
        static abstract bool Fused { get; }
        static abstract bool Unary { get; } // reads x only (y is not loaded)
        static abstract double Step(double x, double y, double acc);
        static abstract Vector512<double> Step(Vector512<double> x, Vector512<double> y, Vector512<double> acc);
        static abstract Vector256<double> Step(Vector256<double> x, Vector256<double> y, Vector256<double> acc);
        static abstract Vector128<double> Step(Vector128<double> x, Vector128<double> y, Vector128<double> acc);
    }

    private struct DotOp : IOp
    {
        public static bool Fused => true;
        public static bool Unary => false;
        public static double Step(double x, double y, double acc) => Math.FusedMultiplyAdd(x, y, acc);
        public static Vector512<double> Step(Vector512<double> x, Vector512<double> y, Vector512<double> acc) => Vector512.FusedMultiplyAdd(x, y, acc);
        public static Vector256<double> Step(Vector256<double> x, Vector256<double> y, Vector256<double> acc) => Vector256.FusedMultiplyAdd(x, y, acc);
        public static Vector128<double> Step(Vector128<double> x, Vector128<double> y, Vector128<double> acc) => Vector128.FusedMultiplyAdd(x, y, acc);
    }

    // x·x fused into the partial sum: the operation DotOp does on (x, x), so SumOfSquares(x) = Dot(x, x) to the bit.
    private struct SquareOp : IOp
    {
        public static bool Fused => true;
        public static bool Unary => true;
        public static double Step(double x, double y, double acc) => Math.FusedMultiplyAdd(x, x, acc);
        public static Vector512<double> Step(Vector512<double> x, Vector512<double> y, Vector512<double> acc) => Vector512.FusedMultiplyAdd(x, x, acc);
        public static Vector256<double> Step(Vector256<double> x, Vector256<double> y, Vector256<double> acc) => Vector256.FusedMultiplyAdd(x, x, acc);
        public static Vector128<double> Step(Vector128<double> x, Vector128<double> y, Vector128<double> acc) => Vector128.FusedMultiplyAdd(x, x, acc);
    }

    private struct SumOp : IOp
    {
        public static bool Fused => false;
        public static bool Unary => true;
        public static double Step(double x, double y, double acc) => acc + x;
        public static Vector512<double> Step(Vector512<double> x, Vector512<double> y, Vector512<double> acc) => acc + x;
        public static Vector256<double> Step(Vector256<double> x, Vector256<double> y, Vector256<double> acc) => acc + x;
        public static Vector128<double> Step(Vector128<double> x, Vector128<double> y, Vector128<double> acc) => acc + x;
    }

    private struct MagnitudeOp : IOp
    {
        public static bool Fused => false;
        public static bool Unary => true;
        public static double Step(double x, double y, double acc) => acc + Math.Abs(x);
        public static Vector512<double> Step(Vector512<double> x, Vector512<double> y, Vector512<double> acc) => acc + Vector512.Abs(x);
        public static Vector256<double> Step(Vector256<double> x, Vector256<double> y, Vector256<double> acc) => acc + Vector256.Abs(x);
        public static Vector128<double> Step(Vector128<double> x, Vector128<double> y, Vector128<double> acc) => acc + Vector128.Abs(x);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Reduce<TOp>(int n, double* x, double* y) where TOp : struct, IOp
    {
        double* lanes = stackalloc double[Lanes];
        int i = 0;
        int width = n >= Lanes ? Width(TOp.Fused) : 0;
        if (width == 512)
        {
            Vector512<double> a0 = default, a1 = default;
            for (; i <= n - 16; i += 16)
            {
                a0 = TOp.Step(Vector512.Load(x + i), TOp.Unary ? default : Vector512.Load(y + i), a0);
                a1 = TOp.Step(Vector512.Load(x + i + 8), TOp.Unary ? default : Vector512.Load(y + i + 8), a1);
            }
            a0.Store(lanes);
            a1.Store(lanes + 8);
        }
        else if (width == 256)
        {
            Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= n - 16; i += 16)
            {
                a0 = TOp.Step(Vector256.Load(x + i), TOp.Unary ? default : Vector256.Load(y + i), a0);
                a1 = TOp.Step(Vector256.Load(x + i + 4), TOp.Unary ? default : Vector256.Load(y + i + 4), a1);
                a2 = TOp.Step(Vector256.Load(x + i + 8), TOp.Unary ? default : Vector256.Load(y + i + 8), a2);
                a3 = TOp.Step(Vector256.Load(x + i + 12), TOp.Unary ? default : Vector256.Load(y + i + 12), a3);
            }
            a0.Store(lanes);
            a1.Store(lanes + 4);
            a2.Store(lanes + 8);
            a3.Store(lanes + 12);
        }
        else if (width == 128)
        {
            Vector128<double> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            for (; i <= n - 16; i += 16)
            {
                a0 = TOp.Step(Vector128.Load(x + i), TOp.Unary ? default : Vector128.Load(y + i), a0);
                a1 = TOp.Step(Vector128.Load(x + i + 2), TOp.Unary ? default : Vector128.Load(y + i + 2), a1);
                a2 = TOp.Step(Vector128.Load(x + i + 4), TOp.Unary ? default : Vector128.Load(y + i + 4), a2);
                a3 = TOp.Step(Vector128.Load(x + i + 6), TOp.Unary ? default : Vector128.Load(y + i + 6), a3);
                a4 = TOp.Step(Vector128.Load(x + i + 8), TOp.Unary ? default : Vector128.Load(y + i + 8), a4);
                a5 = TOp.Step(Vector128.Load(x + i + 10), TOp.Unary ? default : Vector128.Load(y + i + 10), a5);
                a6 = TOp.Step(Vector128.Load(x + i + 12), TOp.Unary ? default : Vector128.Load(y + i + 12), a6);
                a7 = TOp.Step(Vector128.Load(x + i + 14), TOp.Unary ? default : Vector128.Load(y + i + 14), a7);
            }
            a0.Store(lanes); a1.Store(lanes + 2); a2.Store(lanes + 4); a3.Store(lanes + 6);
            a4.Store(lanes + 8); a5.Store(lanes + 10); a6.Store(lanes + 12); a7.Store(lanes + 14);
        }
        else
        {
            for (int j = 0; j < Lanes; j++) lanes[j] = 0;
        }
        // The tail (and the whole vector on the scalar path) continues lane i mod 16: the same operations.
        for (; i < n; i++) lanes[i & 15] = TOp.Step(x[i], y[i], lanes[i & 15]);
        return Combine(lanes);
    }

    /// <summary>Adds x·y (fused) to partial sum i mod 16 of <paramref name="lanes"/>: one step of <see cref="Dot(ReadOnlySpan{double}, ReadOnlySpan{double})"/>'s order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Accumulate(double* lanes, int i, double x, double y) => lanes[i & 15] = Math.FusedMultiplyAdd(x, y, lanes[i & 15]);

    /// <summary>Σ a·b and Σ a·c in one pass over a, each the same bits as <see cref="Dot(ReadOnlySpan{double}, ReadOnlySpan{double})"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void DotPair(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c, out double ab, out double ac)
    {
        if (b.Length != a.Length || c.Length != a.Length) throw new ArgumentException($"a, b and c have lengths {a.Length}, {b.Length} and {c.Length}.", nameof(c));
        fixed (double* pa = a, pb = b, pc = c) DotPair(a.Length, pa, pb, pc, out ab, out ac);
    }

    /// <summary>Σ s², Σ s·y and Σ y² in one pass, each the same bits as <see cref="Dot(ReadOnlySpan{double}, ReadOnlySpan{double})"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Dot3(ReadOnlySpan<double> s, ReadOnlySpan<double> y, out double ss, out double sy, out double yy)
    {
        if (y.Length != s.Length) throw new ArgumentException($"s has length {s.Length} and y {y.Length}.", nameof(y));
        fixed (double* ps = s, py = y) Dot3(s.Length, ps, py, out ss, out sy, out yy);
    }

    /// <summary>Σ a·b and Σ a·c in one pass over a (each in <see cref="Dot(ReadOnlySpan{double}, ReadOnlySpan{double})"/>'s order, so the same bits as two calls).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void DotPair(int n, double* a, double* b, double* c, out double ab, out double ac)
    {
        int w = n >= Lanes ? Width(true) : 0;
        if (w == 512) DotPair<Block512>(n, a, b, c, out ab, out ac);
        else if (w == 256) DotPair<Block256>(n, a, b, c, out ab, out ac);
        else if (w == 128) DotPair<Block128>(n, a, b, c, out ab, out ac);
        else DotPair<BlockNone>(n, a, b, c, out ab, out ac);
    }

    /// <summary>Σ s², Σ s·y and Σ y² in one pass (each in <see cref="Dot(ReadOnlySpan{double}, ReadOnlySpan{double})"/>'s order).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Dot3(int n, double* s, double* y, out double ss, out double sy, out double yy)
    {
        int w = n >= Lanes ? Width(true) : 0;
        if (w == 512) Dot3<Block512>(n, s, y, out ss, out sy, out yy);
        else if (w == 256) Dot3<Block256>(n, s, y, out ss, out sy, out yy);
        else if (w == 128) Dot3<Block128>(n, s, y, out ss, out sy, out yy);
        else Dot3<BlockNone>(n, s, y, out ss, out sy, out yy);
    }

    /// <summary>r ← r − α·q (fused) and returns the new Σ r² in <see cref="Dot(ReadOnlySpan{double}, ReadOnlySpan{double})"/>'s order, in one pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double UpdateAndSquare(int n, double alpha, double* q, double* r)
    {
        int w = n >= Lanes ? Width(true) : 0;
        if (w == 512) return UpdateAndSquare<Block512>(n, alpha, q, r);
        if (w == 256) return UpdateAndSquare<Block256>(n, alpha, q, r);
        if (w == 128) return UpdateAndSquare<Block128>(n, alpha, q, r);
        return UpdateAndSquare<BlockNone>(n, alpha, q, r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotPair<TB>(int n, double* a, double* b, double* c, out double ab, out double ac) where TB : struct, IBlock<TB>
    {
        double* l1 = stackalloc double[Lanes];
        double* l2 = stackalloc double[Lanes];
        int i = 0;
        TB s1 = TB.Zero, s2 = TB.Zero;
        if (TB.Vectorized)
            for (; i <= n - 16; i += 16)
            {
                var va = TB.Load(a + i);
                s1 = TB.Fma(va, TB.Load(b + i), s1);
                s2 = TB.Fma(va, TB.Load(c + i), s2);
            }
        TB.Store(s1, l1);
        TB.Store(s2, l2);
        for (; i < n; i++)
        {
            Accumulate(l1, i, a[i], b[i]);
            Accumulate(l2, i, a[i], c[i]);
        }
        ab = Combine(l1);
        ac = Combine(l2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dot3<TB>(int n, double* s, double* y, out double ss, out double sy, out double yy) where TB : struct, IBlock<TB>
    {
        double* l1 = stackalloc double[Lanes];
        double* l2 = stackalloc double[Lanes];
        double* l3 = stackalloc double[Lanes];
        int i = 0;
        TB a1 = TB.Zero, a2 = TB.Zero, a3 = TB.Zero;
        if (TB.Vectorized)
            for (; i <= n - 16; i += 16)
            {
                var vs = TB.Load(s + i);
                var vy = TB.Load(y + i);
                a1 = TB.Fma(vs, vs, a1);
                a2 = TB.Fma(vs, vy, a2);
                a3 = TB.Fma(vy, vy, a3);
            }
        TB.Store(a1, l1);
        TB.Store(a2, l2);
        TB.Store(a3, l3);
        for (; i < n; i++)
        {
            Accumulate(l1, i, s[i], s[i]);
            Accumulate(l2, i, s[i], y[i]);
            Accumulate(l3, i, y[i], y[i]);
        }
        ss = Combine(l1);
        sy = Combine(l2);
        yy = Combine(l3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double UpdateAndSquare<TB>(int n, double alpha, double* q, double* r) where TB : struct, IBlock<TB>
    {
        double* lanes = stackalloc double[Lanes];
        int i = 0;
        TB acc = TB.Zero;
        if (TB.Vectorized)
        {
            TB minusAlpha = TB.Broadcast(-alpha);
            for (; i <= n - 16; i += 16)
            {
                TB v = TB.Fma(minusAlpha, TB.Load(q + i), TB.Load(r + i));
                TB.Store(v, r + i);
                acc = TB.Fma(v, v, acc);
            }
        }
        TB.Store(acc, lanes);
        for (; i < n; i++)
        {
            double v = Math.FusedMultiplyAdd(-alpha, q[i], r[i]);
            r[i] = v;
            Accumulate(lanes, i, v, v);
        }
        return Combine(lanes);
    }

    /// <summary>Sixteen consecutive doubles held in the registers of one vector width (the partial sums' layout).</summary>
    private interface IBlock<TSelf> where TSelf : struct, IBlock<TSelf>
    {
        static abstract bool Vectorized { get; }
        static abstract TSelf Zero { get; }
        static abstract TSelf Broadcast(double v);
        static abstract TSelf Load(double* p);
        static abstract void Store(TSelf v, double* p);
        static abstract TSelf Fma(TSelf a, TSelf b, TSelf c);
    }

    private struct Block512 : IBlock<Block512>
    {
        private Vector512<double> _0, _1;
        public static bool Vectorized => true;
        public static Block512 Zero => default;
        public static Block512 Broadcast(double v) => new() { _0 = Vector512.Create(v), _1 = Vector512.Create(v) };
        public static Block512 Load(double* p) => new() { _0 = Vector512.Load(p), _1 = Vector512.Load(p + 8) };
        public static void Store(Block512 v, double* p) { v._0.Store(p); v._1.Store(p + 8); }
        public static Block512 Fma(Block512 a, Block512 b, Block512 c)
            => new() { _0 = Vector512.FusedMultiplyAdd(a._0, b._0, c._0), _1 = Vector512.FusedMultiplyAdd(a._1, b._1, c._1) };
    }

    private struct Block256 : IBlock<Block256>
    {
        private Vector256<double> _0, _1, _2, _3;
        public static bool Vectorized => true;
        public static Block256 Zero => default;
        public static Block256 Broadcast(double v) { var b = Vector256.Create(v); return new() { _0 = b, _1 = b, _2 = b, _3 = b }; }
        public static Block256 Load(double* p)
            => new() { _0 = Vector256.Load(p), _1 = Vector256.Load(p + 4), _2 = Vector256.Load(p + 8), _3 = Vector256.Load(p + 12) };
        public static void Store(Block256 v, double* p) { v._0.Store(p); v._1.Store(p + 4); v._2.Store(p + 8); v._3.Store(p + 12); }
        public static Block256 Fma(Block256 a, Block256 b, Block256 c) => new()
        {
            _0 = Vector256.FusedMultiplyAdd(a._0, b._0, c._0), _1 = Vector256.FusedMultiplyAdd(a._1, b._1, c._1),
            _2 = Vector256.FusedMultiplyAdd(a._2, b._2, c._2), _3 = Vector256.FusedMultiplyAdd(a._3, b._3, c._3),
        };
    }

    private struct Block128 : IBlock<Block128>
    {
        private Vector128<double> _0, _1, _2, _3, _4, _5, _6, _7;
        public static bool Vectorized => true;
        public static Block128 Zero => default;
        public static Block128 Broadcast(double v)
        {
            var b = Vector128.Create(v);
            return new() { _0 = b, _1 = b, _2 = b, _3 = b, _4 = b, _5 = b, _6 = b, _7 = b };
        }
        public static Block128 Load(double* p) => new()
        {
            _0 = Vector128.Load(p), _1 = Vector128.Load(p + 2), _2 = Vector128.Load(p + 4), _3 = Vector128.Load(p + 6),
            _4 = Vector128.Load(p + 8), _5 = Vector128.Load(p + 10), _6 = Vector128.Load(p + 12), _7 = Vector128.Load(p + 14),
        };
        public static void Store(Block128 v, double* p)
        {
            v._0.Store(p); v._1.Store(p + 2); v._2.Store(p + 4); v._3.Store(p + 6);
            v._4.Store(p + 8); v._5.Store(p + 10); v._6.Store(p + 12); v._7.Store(p + 14);
        }
        public static Block128 Fma(Block128 a, Block128 b, Block128 c) => new()
        {
            _0 = Vector128.FusedMultiplyAdd(a._0, b._0, c._0), _1 = Vector128.FusedMultiplyAdd(a._1, b._1, c._1),
            _2 = Vector128.FusedMultiplyAdd(a._2, b._2, c._2), _3 = Vector128.FusedMultiplyAdd(a._3, b._3, c._3),
            _4 = Vector128.FusedMultiplyAdd(a._4, b._4, c._4), _5 = Vector128.FusedMultiplyAdd(a._5, b._5, c._5),
            _6 = Vector128.FusedMultiplyAdd(a._6, b._6, c._6), _7 = Vector128.FusedMultiplyAdd(a._7, b._7, c._7),
        };
    }

    /// <summary>The scalar path: no vector loop; the tail loop does all the work into zeroed partial sums.</summary>
    private struct BlockNone : IBlock<BlockNone>
    {
        public static bool Vectorized => false;
        public static BlockNone Zero => default;
        public static BlockNone Broadcast(double v) => default;
        public static BlockNone Load(double* p) => default;
        public static void Store(BlockNone v, double* p) { for (int j = 0; j < Lanes; j++) p[j] = 0; }
        public static BlockNone Fma(BlockNone a, BlockNone b, BlockNone c) => default;
    }
}
