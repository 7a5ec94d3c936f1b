using Optima.Problems;
using Optima.Solvers.Internal;
using Optima.Solvers.LineSearches;

namespace Optima.Solvers.QuasiNewton;

/// <summary>
/// Limited-memory BFGS (Liu and Nocedal 1989; Nocedal and Wright Alg. 7.4): the two-loop recursion over the last
/// <see cref="Memory"/> pairs (s, y), with initial matrix γI, γ = sᵀy/yᵀy from the newest pair, and a strong Wolfe
/// line search. Storage is 2·m·n doubles allocated once per run; iterations do not allocate. Pairs with
/// yᵀs ≤ 1.5e-8·‖s‖·‖y‖ (√ε) are not stored. On a failed search the memory is cleared once and the search retried along −∇f.
/// The two-loop recursion is 4m dot/axpy passes over n (System.Numerics.Tensors.TensorPrimitives, SIMD).
/// </summary>
/// <param name="Memory">Number of (s, y) pairs m ≥ 1. Default 10.</param>
/// <param name="LineSearch">The line search; default Moré–Thuente (c₁ = 1e-4, c₂ = 0.9).</param>
public sealed record Lbfgs(int Memory = 10, ILineSearch? LineSearch = null) : IMinimizer<IGradientObjective>
{
    /// <inheritdoc/>
    public string Name => "lbfgs";

    /// <inheritdoc/>
    public OptimizationResult Minimize(IGradientObjective problem, ReadOnlySpan<double> start, SolverOptions? options = null)
    {
        MethodChecks.Start(problem, start);
        if (Memory < 1) throw new ArgumentOutOfRangeException(nameof(Memory), Memory, "Memory must be at least 1.");
        var counter = new EvaluationCounter();
        return IterativeDriver.Run(Name, new State(problem, start, LineSearch ?? new MoreThuente(), counter, Memory),
            options ?? new SolverOptions(), counter);
    }

    private sealed class State : LineSearchState
    {
        private readonly double[][] _s, _y;
        private readonly double[] _rho, _alpha;
        private int _count, _newest = -1;

        public State(IGradientObjective problem, ReadOnlySpan<double> start, ILineSearch lineSearch, EvaluationCounter counter, int m)
            : base(problem, start, lineSearch, counter)
        {
            int n = start.Length;
            _s = new double[m][];
            _y = new double[m][];
            // Uninitialised: a slot is always written (CopyTo) before the two-loop reads it, so the GC need not zero 2·m·n doubles.
            for (int i = 0; i < m; i++)
            {
                _s[i] = GC.AllocateUninitializedArray<double>(n);
                _y[i] = GC.AllocateUninitializedArray<double>(n);
            }
            _rho = new double[m];
            _alpha = new double[m];
        }

        protected override double ComputeDirection()
        {
            int m = _s.Length;
            if (_count == 0)
            {
                Vec.Negate(G, D);
                return SteepestDescentStep();
            }
            // The two-loop recursion (Nocedal & Wright, Algorithm 7.4) with each update fused with the dot product
            // the next step needs, so every history pair is streamed once per loop.
            int oldest = (_newest - _count + 1 + m) % m;
            double gamma = 1.0 / (_rho[_newest] * Vec.Dot(_y[_newest], _y[_newest]));
            // First loop, newest to oldest: αᵢ = ρᵢ sᵢᵀq, q ← q − αᵢyᵢ; the last update also scales by γ = sᵀy/yᵀy.
            _alpha[_newest] = _rho[_newest] * Vec.Dot(_s[_newest], G);
            ReadOnlySpan<double> q = G;
            double beta = 0;
            for (int k = 0, i = _newest; k < _count; k++)
            {
                int next = (i - 1 + m) % m;
                bool last = k == _count - 1;
                double dot = Vec.ScaleAxpyDot(last ? gamma : 1.0, -_alpha[i], _y[i], q, D, last ? _y[oldest] : _s[next]);
                q = D;
                if (last) beta = _rho[oldest] * dot;
                else _alpha[next] = _rho[next] * dot;
                i = next;
            }
            // Second loop, oldest to newest: βᵢ = ρᵢ yᵢᵀr, r ← r + (αᵢ − βᵢ)sᵢ; the last update also negates (d = −r).
            for (int k = 0, i = oldest; k < _count; k++)
            {
                int next = (i + 1) % m;
                bool last = k == _count - 1;
                double dot = Vec.ScaleAxpyDot(last ? -1.0 : 1.0, _alpha[i] - beta, _s[i], D, D, last ? default : _y[next]);
                if (!last) beta = _rho[next] * dot;
                i = next;
            }
            return 1.0;
        }

        protected override void AfterStep()
        {
            double ys = Vec.Dot(Y, S);
            if (!(ys > 1.5e-8 * Vec.Norm2(S) * Vec.Norm2(Y)) || !double.IsFinite(ys)) return;
            int m = _s.Length;
            _newest = (_newest + 1) % m;
            S.CopyTo(_s[_newest], 0);
            Y.CopyTo(_y[_newest], 0);
            _rho[_newest] = 1.0 / ys;
            _count = Math.Min(_count + 1, m);
        }

        protected override bool ResetAfterFailure()
        {
            if (_count == 0) return false;
            _count = 0;
            _newest = -1;
            return true;
        }
    }
}
