using System.Numerics.Tensors;
using Optima.LinearAlgebra.Kernels;
using Optima.Problems;
using Optima.Solvers.Internal;
using Optima.Solvers.LineSearches;

namespace Optima.Solvers.QuasiNewton;

/// <summary>
/// Limited-memory BFGS (Liu and Nocedal 1989; Nocedal and Wright §7.2): the BFGS update of γI by the last
/// <see cref="Memory"/> pairs (s, y), with initial matrix γI, γ = sᵀy/yᵀy from the newest pair, and a strong Wolfe
/// line search. Storage is 2·m·n doubles allocated once per run; iterations do not allocate. Pairs with
/// yᵀs ≤ 1.5e-8·‖s‖·‖y‖ (√ε) are not stored. On a failed search the memory is cleared once and the search retried along −∇f.
/// The direction comes from the compact representation of the inverse Hessian (Byrd, Nocedal and Schnabel 1994),
/// mathematically the two-loop recursion but computed in two blocked passes over the stored pairs instead of 4m.
/// </summary>
/// <param name="Memory">Number of (s, y) pairs m ≥ 1. Default 10.</param>
/// <param name="LineSearch">The line search; default Moré–Thuente (c₁ = 1e-4, c₂ = 0.9).</param>
/// <param name="Threads">Threads for the two passes over the stored pairs: null (default) takes the run's
/// <see cref="ComputeOptions.Threads"/>, whose automatic setting uses all cores once m·n ≥ 2¹⁹ (8 MB of pairs) and the
/// calling thread below; 1 always runs them on the calling thread; k &gt; 1 uses at most k. The passes
/// are bandwidth-bound and each costs a fork and a join, so more threads pay only with large m·n. On a shared 2-vCPU
/// virtual machine two threads were as fast as one when the host was quiet and 1.1–2× faster when other tenants
/// competed for memory bandwidth (see the lbfgs benchmark). The iterates do not depend on it, to the bit.</param>
public sealed record Lbfgs(int Memory = 10, ILineSearch? LineSearch = null, int? Threads = null) : IMinimizer<IGradientObjective>
{
    /// <inheritdoc/>
    public string Name => "lbfgs";

    /// <inheritdoc/>
    public OptimizationResult Minimize(IGradientObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        MethodChecks.Start(problem, start);
        if (Memory < 1) throw new ArgumentOutOfRangeException(nameof(Memory), Memory, "Memory must be at least 1.");
        if (Threads is < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Threads must be null (the run's Compute.Threads) or a positive count.");
        int threads = Threads ?? options?.Compute.Threads ?? 0; // 0: automatic (all cores for large m·n)
        return IterativeDriver.Run(Name, problem, start, (p, x) => new State(p, x, LineSearch ?? new MoreThuente(), Memory, threads), options);
    }

    private sealed class State : LineSearchState
    {
        // Doubles per block of the two history passes: the blocks of g, y_new and d stay in L1 while the history
        // streams through, so each pass reads every stored pair from memory once.
        private const int Block = 1024;

        // Below 8 MB of stored pairs a pass takes well under a millisecond and threads barely pay.
        private const long ParallelThreshold = 1 << 19;

        private readonly double[][] _s, _y;
        private readonly int _m;
        // Slot-indexed inner products: _sy[i·m + j] = sᵢᵀyⱼ (kept where i is not newer than j), _yy[i·m + j] = yᵢᵀyⱼ.
        private readonly double[] _sy, _yy;
        // Per step: a = Sᵀg, b = Yᵀg, the newest pair's cross products Sᵀy_new and Yᵀy_new, and small work vectors in
        // logical (oldest → newest) order.
        private readonly double[] _a, _b, _syNew, _yyNew, _u, _p;
        private readonly double[] _partial;
        private readonly int _blocks, _threads;
        private readonly Action<int> _productsOfBlock, _directionOfBlock;
        private int _count, _newest = -1;
        private bool _crossPending;
        private double _gamma;

        public State(IGradientObjective problem, ReadOnlySpan<double> start, ILineSearch lineSearch, int m, int threads)
            : base(problem, start, lineSearch)
        {
            int n = start.Length;
            _m = m;
            _s = new double[m][];
            _y = new double[m][];
            // Uninitialised: a slot is always written before it is read, so the GC need not zero 2·m·n doubles.
            for (int i = 0; i < m; i++)
            {
                _s[i] = GC.AllocateUninitializedArray<double>(n);
                _y[i] = GC.AllocateUninitializedArray<double>(n);
            }
            _sy = new double[m * m];
            _yy = new double[m * m];
            _a = new double[m];
            _b = new double[m];
            _syNew = new double[m];
            _yyNew = new double[m];
            _u = new double[m];
            _p = new double[m];
            _blocks = (n + Block - 1) / Block;
            _partial = new double[_blocks * 4 * m];
            _threads = threads > 0 ? threads : (long)n * m >= ParallelThreshold ? Environment.ProcessorCount : 1;
            _productsOfBlock = ProductsOfBlock;
            _directionOfBlock = DirectionOfBlock;
        }

        /// <summary>The slot of the k-th stored pair, oldest first.</summary>
        private int Slot(int k) => (_newest - _count + 1 + k + _m) % _m;

        protected override double ComputeDirection()
        {
            if (_count == 0)
            {
                Vec.Negate(G, D);
                return SteepestDescentStep();
            }
            HistoryProducts();
            int c = _count, m = _m;
            // Compact form of the L-BFGS inverse Hessian (Byrd, Nocedal and Schnabel 1994, Theorem 2.2) with H₀ = γI:
            // H·g = γg + S·p − γY·u, u = R⁻¹a, p = R⁻ᵀ((Δ + γYᵀY)·u − γb), where R is the upper triangle of SᵀY and Δ its
            // diagonal. It equals the two-loop recursion, but needs only two passes over the stored pairs (the products
            // Sᵀg, Yᵀg, and the newest pair's products with the history, then the combination).
            int nw = _newest;
            double gamma = _gamma = _sy[nw * m + nw] / _yy[nw * m + nw];
            for (int k = c - 1; k >= 0; k--)
            {
                int sk = Slot(k);
                double sum = _a[sk];
                for (int l = k + 1; l < c; l++) sum -= _sy[sk * m + Slot(l)] * _u[l];
                _u[k] = sum / _sy[sk * m + sk];
            }
            for (int k = 0; k < c; k++)
            {
                int sk = Slot(k);
                double v = _sy[sk * m + sk] * _u[k] - gamma * _b[sk];
                for (int l = 0; l < c; l++) v += gamma * _yy[sk * m + Slot(l)] * _u[l];
                for (int l = 0; l < k; l++) v -= _sy[Slot(l) * m + sk] * _p[l];
                _p[k] = v / _sy[sk * m + sk];
            }
            ForkJoin.Run(_blocks, _directionOfBlock, _threads);
            return 1.0;
        }

        /// <summary>
        /// One blocked pass over the stored pairs: a = Sᵀg, b = Yᵀg and, when a pair was added since the last pass,
        /// its products with the older pairs (sᵢᵀy_new and yᵢᵀy_new), which complete R and YᵀY. Each block writes its
        /// own partial sums, added up in block order, so the result does not depend on the number of threads.
        /// </summary>
        private void HistoryProducts()
        {
            int c = _count, m = _m, nw = _newest, width = 4 * m;
            ForkJoin.Run(_blocks, _productsOfBlock, _threads);
            Array.Clear(_a);
            Array.Clear(_b);
            Array.Clear(_syNew);
            Array.Clear(_yyNew);
            for (int blk = 0; blk < _blocks; blk++)
            {
                var row = _partial.AsSpan(blk * width, width);
                for (int k = 0; k < c; k++)
                {
                    int sk = Slot(k);
                    _a[sk] += row[sk];
                    _b[sk] += row[m + sk];
                    _syNew[sk] += row[2 * m + sk];
                    _yyNew[sk] += row[3 * m + sk];
                }
            }
            if (!_crossPending) return;
            for (int k = 0; k < c - 1; k++)
            {
                int sk = Slot(k);
                _sy[sk * m + nw] = _syNew[sk];
                _yy[sk * m + nw] = _yy[nw * m + sk] = _yyNew[sk];
            }
            _crossPending = false;
        }

        private void ProductsOfBlock(int blk)
        {
            int m = _m, nw = _newest, start = blk * Block, len = Math.Min(Block, G.Length - start);
            var row = _partial.AsSpan(blk * 4 * m, 4 * m);
            row.Clear();
            var g = G.AsSpan(start, len);
            var yn = _y[nw].AsSpan(start, len);
            for (int k = 0; k < _count; k++)
            {
                int sk = Slot(k);
                var s = _s[sk].AsSpan(start, len);
                var y = _y[sk].AsSpan(start, len);
                if (_crossPending && sk != nw) Vec.Dot4(s, y, g, yn, ref row[sk], ref row[m + sk], ref row[2 * m + sk], ref row[3 * m + sk]);
                else
                {
                    row[sk] = Vec.Dot(s, g);
                    row[m + sk] = Vec.Dot(y, g);
                }
            }
        }

        /// <summary>d = −γg − S·p + γY·u on one block.</summary>
        private void DirectionOfBlock(int blk)
        {
            int start = blk * Block, len = Math.Min(Block, D.Length - start);
            var d = D.AsSpan(start, len);
            TensorPrimitives.Multiply(G.AsSpan(start, len), -_gamma, d);
            for (int k = 0; k < _count; k++)
            {
                int sk = Slot(k);
                Vec.Axpy2(-_p[k], _s[sk].AsSpan(start, len), _gamma * _u[k], _y[sk].AsSpan(start, len), d);
            }
        }

        protected override void AfterStep()
        {
            if (!CurvaturePair.Accept(S, Y, out _, out double ys, out double yy)) return;
            int m = _m;
            _newest = (_newest + 1) % m;
            S.CopyTo(_s[_newest], 0);
            Y.CopyTo(_y[_newest], 0);
            _sy[_newest * m + _newest] = ys;
            _yy[_newest * m + _newest] = yy;
            _count = Math.Min(_count + 1, m);
            _crossPending = _count > 1;
        }

        protected override bool ResetAfterFailure()
        {
            if (_count == 0) return false;
            _count = 0;
            _newest = -1;
            _crossPending = false;
            return true;
        }
    }
}

/// <summary>The pair-acceptance test shared by <see cref="Lbfgs"/> and <see cref="Lbfgsb"/>.</summary>
internal static class CurvaturePair
{
    /// <summary>
    /// sᵀs, sᵀy, yᵀy in one pass, and whether the pair is stored: yᵀs &gt; 1.5e-8·‖s‖·‖y‖ (√ε; skipping pairs with little or
    /// negative curvature keeps the quasi-Newton matrix positive definite) with finite products.
    /// </summary>
    public static bool Accept(ReadOnlySpan<double> s, ReadOnlySpan<double> y, out double ss, out double ys, out double yy)
    {
        Vec.Dot3(s, y, out ss, out ys, out yy);
        return ys > 1.5e-8 * Math.Sqrt(ss * yy) && double.IsFinite(ys) && double.IsFinite(yy);
    }
}
