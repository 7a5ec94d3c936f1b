#!/usr/bin/python3
"""SciPy's Nelder-Mead as a peer of `Optima.Benchmarks nm`, evaluating Optima's own problems.

The benchmark starts this script once and drives it over stdin/stdout, so both sides minimise the very same MGH
functions (no second transcription of the problems in Python):
  C# -> peer : run <config> <n> <adaptive 0|1> <maxfev> <x0_1> ... <x0_n>
  peer -> C# : f <x_1> ... <x_n>          (one line per evaluation; C# answers with the value on one line)
  peer -> C# : done <nfev> <fun> <nit> <status>
  C# -> peer : quit
config "defaults" is minimize(method='Nelder-Mead') with SciPy's default tolerances (xatol = fatol = 1e-4);
config "tight" sets xatol = 1e-10, fatol = 1e-14 (Optima's own stopping tolerances). Both use adaptive=True for
n > 2 (Gao and Han's coefficients, as Optima) and maxfev = maxiter = the given budget.
"""
import sys
import numpy as np
from scipy.optimize import minimize


def main():
    out = sys.stdout
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] == "quit":
            break
        config, n, adaptive, maxfev = parts[1], int(parts[2]), parts[3] == "1", int(parts[4])
        x0 = np.array([float(v) for v in parts[5:5 + n]])

        def f(x):
            out.write("f " + " ".join(repr(float(v)) for v in x) + "\n")
            out.flush()
            return float(sys.stdin.readline())

        options = {"adaptive": adaptive, "maxfev": maxfev, "maxiter": maxfev}
        if config == "tight":
            options.update(xatol=1e-10, fatol=1e-14)
        r = minimize(f, x0, method="Nelder-Mead", options=options)
        out.write(f"done {r.nfev} {float(r.fun)!r} {r.nit} {r.status}\n")
        out.flush()


if __name__ == "__main__":
    main()
