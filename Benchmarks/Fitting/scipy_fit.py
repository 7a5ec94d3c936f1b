"""scipy.optimize.least_squares on the data the C# `fit` benchmark writes (x.bin, y.bin: float64 little-endian).

Usage: /usr/bin/python3 scipy_fit.py DIR START   (START: comma-separated a1,k1,a2,k2,c)
Prints one line per method: the whole fit time (best of 3), iterations (nfev/njev), and the cost.
"""
import sys
import time

import numpy as np
from scipy.optimize import least_squares


def main():
    folder, start = sys.argv[1], np.array([float(v) for v in sys.argv[2].split(",")])
    x = np.fromfile(f"{folder}/x.bin", dtype="<f8")
    y = np.fromfile(f"{folder}/y.bin", dtype="<f8")

    def fun(p):
        return p[0] * np.exp(-p[1] * x) + p[2] * np.exp(-p[3] * x) + p[4] - y

    def jac(p):
        e1, e2 = np.exp(-p[1] * x), np.exp(-p[3] * x)
        return np.column_stack([e1, -p[0] * x * e1, e2, -p[2] * x * e2, np.ones_like(x)])

    for method in ("trf", "lm"):
        best = None
        for _ in range(3):
            t0 = time.perf_counter()
            r = least_squares(fun, start, jac=jac, method=method)
            t = time.perf_counter() - t0
            if best is None or t < best[0]:
                best = (t, r)
        t, r = best
        njev = r.njev if r.njev is not None else r.nfev
        print(f"   scipy least_squares {method:<5} {t:8.3f} s  nfev {r.nfev:4d}  njev {njev:4d}  "
              f"{1e3 * t / max(njev, 1):8.2f} ms/J-eval  RSS {2 * r.cost:.10g}  (status {r.status})")


if __name__ == "__main__":
    main()
