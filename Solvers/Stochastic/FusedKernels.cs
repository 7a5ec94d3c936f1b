using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Optima.Solvers.Stochastic;

/// <summary>
/// Single-pass kernels for the common chains, used by <see cref="ChainOptimizer"/> in place of the blocked chain when
/// it recognises one: [L2 decay] → scale_by_adam/amsgrad → [decoupled decay] → −γ (Adam, AMSGrad, AdamW) and
/// [L2 decay] → [trace] → [decoupled decay] → −γ (SGD, momentum, Nesterov, SGDW). Each reads the gradient, the
/// parameters and the state once and writes the parameters and the state once, with the same floating-point
/// operations in the same order as the chain, so results are bit-identical to it. The options are compile-time flags
/// (generic struct arguments), so each combination is its own branch-free loop.
/// </summary>
internal abstract class FusedKernel
{
    /// <summary>A short description, e.g. "fused adam".</summary>
    public abstract string Name { get; }

    /// <summary>One update over the whole vectors (the gradient has been checked finite).</summary>
    public abstract void Run(Span<double> parameters, ReadOnlySpan<double> gradient, double learningRate);

    /// <summary>The kernel for <paramref name="chain"/>, or null when the chain has no fused form.</summary>
    public static FusedKernel? For(IReadOnlyList<GradientTransform> chain)
    {
        int i = 0, last = chain.Count - 1;
        if (last < 0 || chain[last] is not ScaleByLearningRate) return null;
        double l2 = 0, dec = 0;
        if (i < last && chain[i] is AddDecayedWeights a) { l2 = a.Lambda; i++; }
        GradientTransform? core = null;
        if (i < last && chain[i] is ScaleByAdam or Trace) core = chain[i++];
        if (i < last && chain[i] is AddDecayedWeights d) { dec = d.Lambda; i++; }
        if (i != last) return null;
        return core switch
        {
            ScaleByAdam adam => new AdamKernel(adam, l2, dec),
            Trace trace => new SgdKernel(trace, l2, dec),
            _ => new SgdKernel(null, l2, dec),
        };
    }

    internal interface IFlag { static abstract bool On { get; } }

    internal readonly struct Yes : IFlag { public static bool On => true; }

    internal readonly struct No : IFlag { public static bool On => false; }

    private sealed class AdamKernel(ScaleByAdam adam, double l2, double dec) : FusedKernel
    {
        public override string Name => adam.Fused.AmsGrad ? "fused amsgrad" : "fused adam";

        public override void Run(Span<double> parameters, ReadOnlySpan<double> gradient, double learningRate)
        {
            var m = adam.WholeStateVector(0);
            var v = adam.WholeStateVector(1);
            var vmax = adam.Fused.AmsGrad ? adam.WholeStateVector(2) : v;
            switch ((l2 != 0, dec != 0, adam.Fused.AmsGrad))
            {
                case (false, false, false): Adam<No, No, No>(parameters, gradient, m, v, vmax, learningRate); break;
                case (false, true, false): Adam<No, Yes, No>(parameters, gradient, m, v, vmax, learningRate); break;
                case (true, false, false): Adam<Yes, No, No>(parameters, gradient, m, v, vmax, learningRate); break;
                case (true, true, false): Adam<Yes, Yes, No>(parameters, gradient, m, v, vmax, learningRate); break;
                case (false, false, true): Adam<No, No, Yes>(parameters, gradient, m, v, vmax, learningRate); break;
                case (false, true, true): Adam<No, Yes, Yes>(parameters, gradient, m, v, vmax, learningRate); break;
                case (true, false, true): Adam<Yes, No, Yes>(parameters, gradient, m, v, vmax, learningRate); break;
                case (true, true, true): Adam<Yes, Yes, Yes>(parameters, gradient, m, v, vmax, learningRate); break;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Adam<TL2, TDec, TAms>(Span<double> parameters, ReadOnlySpan<double> gradient, double[] mArray, double[] vArray, double[] vmaxArray, double lr)
            where TL2 : IFlag where TDec : IFlag where TAms : IFlag
        {
            var (b1s, b2s, epss, _, c1s, c2s) = adam.Fused;
            double a1s = 1 - b1s, a2s = 1 - b2s, minusLr = -lr;
            int n = parameters.Length, w = Vector<double>.Count;
            ref double p = ref MemoryMarshal.GetReference(parameters);
            ref double g = ref MemoryMarshal.GetReference(gradient);
            ref double m = ref MemoryMarshal.GetArrayDataReference(mArray);
            ref double v = ref MemoryMarshal.GetArrayDataReference(vArray);
            ref double vx = ref MemoryMarshal.GetArrayDataReference(vmaxArray);
            Vector<double> b1 = new(b1s), b2 = new(b2s), a1 = new(a1s), a2 = new(a2s), c1 = new(c1s), c2 = new(c2s), eps = new(epss),
                lam = new(l2), decay = new(dec), step = new(minusLr);
            nuint i = 0, end = (nuint)(n - n % w);
            for (; i < end; i += (nuint)w)
            {
                var th = Vector.LoadUnsafe(ref p, i);
                var gi = Vector.LoadUnsafe(ref g, i);
                if (TL2.On) gi = Vector.FusedMultiplyAdd(th, lam, gi);
                var mi = Vector.FusedMultiplyAdd(b1, Vector.LoadUnsafe(ref m, i), a1 * gi);
                var vi = Vector.FusedMultiplyAdd(b2, Vector.LoadUnsafe(ref v, i), a2 * gi * gi);
                mi.StoreUnsafe(ref m, i);
                vi.StoreUnsafe(ref v, i);
                if (TAms.On)
                {
                    vi = Vector.Max(Vector.LoadUnsafe(ref vx, i), vi);
                    vi.StoreUnsafe(ref vx, i);
                }
                var u = mi * c1 / Vector.FusedMultiplyAdd(Vector.SquareRoot(vi), c2, eps);
                if (TDec.On) u = Vector.FusedMultiplyAdd(th, decay, u);
                Vector.FusedMultiplyAdd(u, step, th).StoreUnsafe(ref p, i);
            }
            for (int k = (int)end; k < n; k++)
            {
                double th = parameters[k], gi = gradient[k];
                if (TL2.On) gi = Math.FusedMultiplyAdd(th, l2, gi);
                double mi = Math.FusedMultiplyAdd(b1s, mArray[k], a1s * gi);
                double vi = Math.FusedMultiplyAdd(b2s, vArray[k], a2s * gi * gi);
                mArray[k] = mi;
                vArray[k] = vi;
                if (TAms.On) vmaxArray[k] = vi = Math.Max(vmaxArray[k], vi);
                double u = mi * c1s / Math.FusedMultiplyAdd(Math.Sqrt(vi), c2s, epss);
                if (TDec.On) u = Math.FusedMultiplyAdd(th, dec, u);
                parameters[k] = Math.FusedMultiplyAdd(u, minusLr, th);
            }
        }
    }

    private sealed class SgdKernel(Trace? trace, double l2, double dec) : FusedKernel
    {
        public override string Name => trace is null ? "fused sgd" : trace.Fused.Nesterov ? "fused nesterov" : "fused momentum";

        public override void Run(Span<double> parameters, ReadOnlySpan<double> gradient, double learningRate)
        {
            if (trace is null)
            {
                switch ((l2 != 0, dec != 0))
                {
                    case (false, false): Sgd<No, No, No, No, No>(parameters, gradient, null, learningRate); break;
                    case (true, false): Sgd<Yes, No, No, No, No>(parameters, gradient, null, learningRate); break;
                    case (false, true): Sgd<No, No, No, No, Yes>(parameters, gradient, null, learningRate); break;
                    case (true, true): Sgd<Yes, No, No, No, Yes>(parameters, gradient, null, learningRate); break;
                }
                return;
            }
            var b = trace.WholeStateVector(0);
            var (_, _, nesterov, first) = trace.Fused;
            // Dispatch on (L2, first, Nesterov, decoupled): the trace flag is on.
            int key = (l2 != 0 ? 8 : 0) | (first ? 4 : 0) | (nesterov ? 2 : 0) | (dec != 0 ? 1 : 0);
            switch (key)
            {
                case 0: Sgd<No, Yes, No, No, No>(parameters, gradient, b, learningRate); break;
                case 1: Sgd<No, Yes, No, No, Yes>(parameters, gradient, b, learningRate); break;
                case 2: Sgd<No, Yes, No, Yes, No>(parameters, gradient, b, learningRate); break;
                case 3: Sgd<No, Yes, No, Yes, Yes>(parameters, gradient, b, learningRate); break;
                case 4: Sgd<No, Yes, Yes, No, No>(parameters, gradient, b, learningRate); break;
                case 5: Sgd<No, Yes, Yes, No, Yes>(parameters, gradient, b, learningRate); break;
                case 6: Sgd<No, Yes, Yes, Yes, No>(parameters, gradient, b, learningRate); break;
                case 7: Sgd<No, Yes, Yes, Yes, Yes>(parameters, gradient, b, learningRate); break;
                case 8: Sgd<Yes, Yes, No, No, No>(parameters, gradient, b, learningRate); break;
                case 9: Sgd<Yes, Yes, No, No, Yes>(parameters, gradient, b, learningRate); break;
                case 10: Sgd<Yes, Yes, No, Yes, No>(parameters, gradient, b, learningRate); break;
                case 11: Sgd<Yes, Yes, No, Yes, Yes>(parameters, gradient, b, learningRate); break;
                case 12: Sgd<Yes, Yes, Yes, No, No>(parameters, gradient, b, learningRate); break;
                case 13: Sgd<Yes, Yes, Yes, No, Yes>(parameters, gradient, b, learningRate); break;
                case 14: Sgd<Yes, Yes, Yes, Yes, No>(parameters, gradient, b, learningRate); break;
                default: Sgd<Yes, Yes, Yes, Yes, Yes>(parameters, gradient, b, learningRate); break;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Sgd<TL2, TTrace, TFirst, TNesterov, TDec>(Span<double> parameters, ReadOnlySpan<double> gradient, double[]? bArray, double lr)
            where TL2 : IFlag where TTrace : IFlag where TFirst : IFlag where TNesterov : IFlag where TDec : IFlag
        {
            double mus = 0, keeps = 1, minusLr = -lr;
            if (TTrace.On) (mus, keeps, _, _) = trace!.Fused;
            int n = parameters.Length, w = Vector<double>.Count;
            ref double p = ref MemoryMarshal.GetReference(parameters);
            ref double g = ref MemoryMarshal.GetReference(gradient);
            ref double b = ref TTrace.On ? ref MemoryMarshal.GetArrayDataReference(bArray!) : ref p;
            Vector<double> mu = new(mus), keep = new(keeps), lam = new(l2), decay = new(dec), step = new(minusLr);
            nuint i = 0, end = (nuint)(n - n % w);
            for (; i < end; i += (nuint)w)
            {
                var th = Vector.LoadUnsafe(ref p, i);
                var u = Vector.LoadUnsafe(ref g, i);
                if (TL2.On) u = Vector.FusedMultiplyAdd(th, lam, u);
                if (TTrace.On)
                {
                    var bi = TFirst.On ? u : Vector.FusedMultiplyAdd(mu, Vector.LoadUnsafe(ref b, i), keep * u);
                    bi.StoreUnsafe(ref b, i);
                    u = TNesterov.On ? Vector.FusedMultiplyAdd(mu, bi, u) : bi;
                }
                if (TDec.On) u = Vector.FusedMultiplyAdd(th, decay, u);
                Vector.FusedMultiplyAdd(u, step, th).StoreUnsafe(ref p, i);
            }
            for (int k = (int)end; k < n; k++)
            {
                double th = parameters[k], u = gradient[k];
                if (TL2.On) u = Math.FusedMultiplyAdd(th, l2, u);
                if (TTrace.On)
                {
                    double bi = TFirst.On ? u : Math.FusedMultiplyAdd(mus, bArray![k], keeps * u);
                    bArray![k] = bi;
                    u = TNesterov.On ? Math.FusedMultiplyAdd(mus, bi, u) : bi;
                }
                if (TDec.On) u = Math.FusedMultiplyAdd(th, dec, u);
                parameters[k] = Math.FusedMultiplyAdd(u, minusLr, th);
            }
        }
    }
}
