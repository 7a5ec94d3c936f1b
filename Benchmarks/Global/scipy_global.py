#!/usr/bin/python3
"""SciPy's differential_evolution and dual_annealing on the four functions of `Optima.Benchmarks global`.

Same functions, domains, seeds (1..S), budget (B*n evaluations) and success test (f_best <= 1e-4) as the C# mode.
differential_evolution: SciPy's defaults (best1bin, popsize 15, mutation (0.5, 1), recombination 0.7, Latin hypercube)
with maxiter set so the generations fit the budget, polish=False (the polish's L-BFGS-B evaluations would exceed it),
tol=atol=0 (run the whole budget) and vectorized=True, which makes SciPy update the population once per generation
("deferred", as Optima's DE does so that a generation can be evaluated in parallel; SciPy's default is "immediate");
dual_annealing: SciPy's defaults (with its local search, whose evaluations count in nfev) and maxfun = budget.
Evaluations are counted by a wrapper (points evaluated), since with vectorized=True SciPy's nfev counts calls.
Usage: /usr/bin/python3 scipy_global.py [--dims 10,30] [--seeds 20] [--budget 5000]
"""
import argparse, time
import numpy as np
from scipy.optimize import differential_evolution, dual_annealing

# Each takes x of shape (n,) or (n, S) (S points at once, for differential_evolution's vectorized=True).
def rastrigin(x): return 10 * x.shape[0] + np.sum(x * x - 10 * np.cos(2 * np.pi * x), axis=0)
def ackley(x):
    n = x.shape[0]
    return 20 + np.e - 20 * np.exp(-0.2 * np.sqrt(np.sum(x * x, axis=0) / n)) - np.exp(np.sum(np.cos(2 * np.pi * x), axis=0) / n)
def schwefel(x): return 418.9828872724338 * x.shape[0] - np.sum(x * np.sin(np.sqrt(np.abs(x))), axis=0)
def griewank(x):
    i = np.arange(1, x.shape[0] + 1).reshape((-1,) + (1,) * (x.ndim - 1))
    return 1 + np.sum(x * x, axis=0) / 4000 - np.prod(np.cos(x / np.sqrt(i)), axis=0)

FUNCTIONS = [("rastrigin", rastrigin, 5.12), ("ackley", ackley, 32.768), ("schwefel", schwefel, 500.0), ("griewank", griewank, 600.0)]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dims", default="10,30")
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--budget", type=int, default=5000)
    a = ap.parse_args()
    print(f"# SciPy global methods: {a.seeds} seeds (1..{a.seeds}), budget {a.budget}*n evaluations, success f <= 1e-4")
    print("function    n   method          success  median-best   median-evals  seconds")
    for n in [int(d) for d in a.dims.split(",")]:
        for name, f, half in FUNCTIONS:
            bounds = [(-half, half)] * n
            for method in ("de", "dual_annealing"):
                t0 = time.perf_counter()
                best, evals = [], []
                for s in range(1, a.seeds + 1):
                    count = [0]
                    def counted(x):  # counts points, not calls: with vectorized=True SciPy's nfev counts calls
                        count[0] += 1 if x.ndim == 1 else x.shape[1]
                        return f(x)
                    if method == "de":
                        r = differential_evolution(counted, bounds, seed=s, maxiter=a.budget // 15 - 1, polish=False, tol=0, atol=0, vectorized=True)
                    else:
                        r = dual_annealing(counted, bounds, seed=s, maxfun=a.budget * n)
                    best.append(r.fun)
                    evals.append(count[0])
                ok = sum(1 for b in best if b <= 1e-4)
                print(f"{name:<10} {n:3}   {method:<14} {ok:3}/{a.seeds:<3}  {np.median(best):11.4g}   {np.median(evals):12.0f}  {time.perf_counter() - t0:6.1f}")

if __name__ == "__main__":
    main()
