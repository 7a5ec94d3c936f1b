#!/usr/bin/env python3
"""scikit-learn's peer for `Optima.Benchmarks lasso`: reads X,y from a CSV (last column y, one header line), fits
Lasso(alpha, fit_intercept=False, tol, max_iter=10^6) three times and prints one JSON line {coef, seconds (best of 3),
iterations, version}. Usage: sklearn_lasso.py FILE ALPHA TOL"""
import json, sys, time
import numpy as np
import sklearn
from sklearn.linear_model import Lasso

data = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1, ndmin=2)
X, y = np.ascontiguousarray(data[:, :-1]), data[:, -1]
alpha, tol = float(sys.argv[2]), float(sys.argv[3])
best, model = float("inf"), None
for _ in range(3):
    t = time.perf_counter()
    model = Lasso(alpha=alpha, fit_intercept=False, tol=tol, max_iter=10**6).fit(X, y)
    best = min(best, time.perf_counter() - t)
print(json.dumps({"coef": model.coef_.tolist(), "seconds": best, "iterations": int(model.n_iter_), "version": sklearn.__version__}))
