"""Reference values for Tests/Solvers/LbfgsbTests.cs: scipy's L-BFGS-B on bound-constrained MGH problems.
Run: /usr/bin/python3 scripts/lbfgsb_reference.py   (scipy 1.10; values are pasted into the test)."""
import numpy as np
from scipy.optimize import minimize

def ext_rosen(x):
    f = 0.0; g = np.zeros_like(x)
    for i in range(0, len(x), 2):
        t1 = 10 * (x[i+1] - x[i]**2); t2 = 1 - x[i]
        f += t1*t1 + t2*t2
        g[i] += -40*x[i]*t1 - 2*t2; g[i+1] += 20*t1
    return f, g

def wood(x):
    x1,x2,x3,x4 = x
    f = 100*(x2-x1**2)**2 + (1-x1)**2 + 90*(x4-x3**2)**2 + (1-x3)**2 + 10.1*((x2-1)**2+(x4-1)**2) + 19.8*(x2-1)*(x4-1)
    g = np.array([-400*x1*(x2-x1**2) - 2*(1-x1),
                  200*(x2-x1**2) + 20.2*(x2-1) + 19.8*(x4-1),
                  -360*x3*(x4-x3**2) - 2*(1-x3),
                  180*(x4-x3**2) + 20.2*(x4-1) + 19.8*(x2-1)])
    return f, g

cases = [
    ("extended-rosenbrock n=10, x_i in [-2, 0.5] (odd i) / [-1, 2] (even i)", ext_rosen,
     np.tile([-1.2, 1.0], 5), [(-2, 0.5), (-1, 2)] * 5),
    ("extended-rosenbrock n=4, x in [1.5, 3]", ext_rosen, np.array([2.0, 2.0, 2.0, 2.0]), [(1.5, 3)] * 4),
    ("wood, x in [-3, 0.8] x [-3, 3] x [-3, 3] x [-3, 3]", wood, np.array([-3.0, -1, -3, -1]), [(-3, 0.8), (-3, 3), (-3, 3), (-3, 3)]),
]
for name, fun, x0, b in cases:
    r = minimize(fun, x0, jac=True, method="L-BFGS-B", bounds=b, options=dict(ftol=1e-15, gtol=1e-12, maxiter=10000))
    print(name)
    print("  f =", repr(r.fun), " nit =", r.nit, " nfev =", r.nfev)
    print("  x =", ", ".join(repr(float(v)) for v in r.x))
