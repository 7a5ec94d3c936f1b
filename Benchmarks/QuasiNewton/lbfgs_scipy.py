#!/usr/bin/python3
"""scipy's L-BFGS-B on the extended Rosenbrock function (MGH 21, separable form), for Benchmarks `lbfgs` mode.

Usage: lbfgs_scipy.py N GTOL REPEATS
Runs minimize(method='L-BFGS-B', jac=True) from the standard start (-1.2, 1, -1.2, 1, ...) with memory m = 10,
gtol = GTOL (on the projected gradient's max-norm, which is the gradient's max-norm without bounds) and ftol = 0 (so
only the gradient test stops it), REPEATS times, and prints one JSON object: the wall time of each whole call and their median,
the time spent inside the objective, iterations, evaluations, final f and gradient max-norm.
"""
import json
import sys
import time

import numpy as np
from scipy.optimize import minimize


def rosenbrock(x, g, stats):
    t0 = time.perf_counter()
    a = x[0::2]
    b = x[1::2]
    u = b - a * a
    v = 1.0 - a
    f = float(100.0 * np.dot(u, u) + np.dot(v, v))
    g[0::2] = -400.0 * a * u - 2.0 * v
    g[1::2] = 200.0 * u
    stats["eval_s"] += time.perf_counter() - t0
    return f, g.copy()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    gtol = float(sys.argv[2]) if len(sys.argv) > 2 else 1e-5
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    x0 = np.empty(n)
    x0[0::2] = -1.2
    x0[1::2] = 1.0
    g = np.empty(n)
    times, evals_s, res = [], [], None
    for _ in range(repeats):
        stats = {"eval_s": 0.0}
        t0 = time.perf_counter()
        res = minimize(lambda x: rosenbrock(x, g, stats), x0, jac=True, method="L-BFGS-B",
                       options={"maxcor": 10, "gtol": gtol, "ftol": 0.0, "maxiter": 10_000, "maxfun": 100_000})
        times.append(time.perf_counter() - t0)
        evals_s.append(stats["eval_s"])
    gmax = float(np.max(np.abs(res.jac)))
    print(json.dumps({
        "scipy": __import__("scipy").__version__,
        "n": n, "gtol": gtol, "repeats": repeats,
        "seconds": times,
        "seconds_median": float(np.median(times)), "seconds_min": float(np.min(times)), "seconds_max": float(np.max(times)),
        "eval_seconds_median": float(np.median(evals_s)),
        "iterations": int(res.nit), "evaluations": int(res.nfev), "f": float(res.fun), "gradient_max_norm": gmax,
        "message": str(res.message),
    }))


if __name__ == "__main__":
    main()
