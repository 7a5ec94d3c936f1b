#!/usr/bin/env python3
"""emcee (Foreman-Mackey et al. 2013, the affine-invariant ensemble sampler) on the targets of Docs/sampling.md's table,
for its ESS-per-evaluation column beside Optima's MH and HMC.

    /usr/bin/python3 Benchmarks/Sampling/emcee_sampling.py      (python3-emcee: scripts/setup-benchmarks.sh)

Each target is the one the Optima table used: the 10-D covariance Σ = BBᵀ + 0.2·I is rebuilt from the same xoshiro256**
stream (seed 11) as Tests/Sampling/SamplerTests.cs, so the matrices are identical. emcee runs 32 walkers (≥ 2n) for
1000 burn-in steps (discarded) and 5000 kept steps; every step costs one evaluation per walker and yields one draw per
walker, so ESS per evaluation = 1/τ with τ the largest integrated autocorrelation time over the variables (emcee's own
estimator, per walker, averaged over walkers as in emcee's documentation).
"""
import sys

import numpy as np

try:
    import emcee
except ImportError:
    sys.exit("emcee is not installed: run scripts/setup-benchmarks.sh (Debian's python3-emcee).")

MASK = (1 << 64) - 1


class Xoshiro256StarStar:
    """Problems/Data/Xoshiro256StarStar.cs, bit for bit (SplitMix64 seeding)."""

    def __init__(self, seed):
        x = seed
        self.s = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & MASK
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            self.s.append(z ^ (z >> 31))

    @staticmethod
    def _rotl(v, k):
        return ((v << k) | (v >> (64 - k))) & MASK

    def next_u64(self):
        s0, s1, s2, s3 = self.s
        result = (self._rotl((s1 * 5) & MASK, 7) * 9) & MASK
        t = (s1 << 17) & MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = self._rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return result

    def next_double(self, lo=0.0, hi=1.0):
        return lo + (hi - lo) * ((self.next_u64() >> 11) * (1.0 / (1 << 53)))


def gaussian10():
    n = 10
    rng = Xoshiro256StarStar(11)
    b = np.array([rng.next_double(-1, 1) for _ in range(n * n)]).reshape(n, n)
    cov = b @ b.T + 0.2 * np.eye(n)
    precision = np.linalg.inv(cov)
    return "10-D correlated Gaussian", n, lambda x: -0.5 * x @ precision @ x


def banana():
    def logp(x):
        r = x[1] - 0.5 * x[0] ** 2
        return -0.5 * x[0] ** 2 - 0.5 * r * r / 0.25
    return "banana b=0.5", 2, logp


def mixture():
    def logp(x):
        la = np.log(0.4 / 0.8) - 0.5 * ((x[0] + 1.5) / 0.8) ** 2
        lc = np.log(0.6) - 0.5 * (x[0] - 1.5) ** 2
        return np.logaddexp(la, lc) - 0.5 * x[1] ** 2
    return "mixture 0.4·N(-1.5,0.8²)+0.6·N(1.5,1)", 2, logp


def main():
    walkers, burn, steps = 32, 1000, 5000
    print(f"emcee {emcee.__version__}: {walkers} walkers, {burn} burn-in + {steps} kept steps, seed 1")
    print("| target | method | acceptance | min ESS | evaluations after burn-in | ESS per evaluation | τ (steps) |")
    print("|---|---|---|---|---|---|---|")
    for make in (gaussian10, banana, mixture):
        name, n, logp = make()
        rs = np.random.default_rng(1)
        start = 1e-2 * rs.standard_normal((walkers, n))
        sampler = emcee.EnsembleSampler(walkers, n, logp)
        sampler.random_state = np.random.RandomState(1).get_state()
        sampler.run_mcmc(start, burn + steps, progress=False)
        chain = sampler.get_chain(discard=burn)
        tau = emcee.autocorr.integrated_time(chain, quiet=True).max()
        evaluations = walkers * steps
        ess = evaluations / tau
        print(f"| {name} | emcee | {np.mean(sampler.acceptance_fraction):.2f} | {ess:.0f} | {evaluations} | {1 / tau:.4f} | {tau:.1f} |")


if __name__ == "__main__":
    main()
