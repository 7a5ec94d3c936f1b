#!/usr/bin/env python3
"""Reference lasso/elastic-net solutions from scikit-learn for Tests/Convex/AdmmTests.cs.

The data are a closed formula, so the C# test rebuilds them exactly:
  A[i,j] = sin(1.3 i + 0.7 j^2 + 0.1) + 0.5 cos(0.37 i j),  b = A w + 0.1 sin(5 i),
  w = (3, -2, 0, 0, 1.5, 0, ..., 0). sklearn's Lasso(alpha) minimizes (1/2m)||Ax-b||^2 + alpha ||x||_1,
i.e. Optima's 1/2||Ax-b||^2 + lambda ||x||_1 with lambda = m alpha.
Run: /usr/bin/python3 Benchmarks/Convex/lasso_reference.py
"""
import numpy as np
from sklearn.linear_model import Lasso, ElasticNet

m, n = 40, 12
i = np.arange(m)[:, None]
j = np.arange(n)[None, :]
A = np.sin(1.3 * i + 0.7 * j * j + 0.1) + 0.5 * np.cos(0.37 * i * j)
w = np.zeros(n); w[0], w[1], w[4] = 3.0, -2.0, 1.5
b = A @ w + 0.1 * np.sin(5 * np.arange(m))

lasso = Lasso(alpha=0.05, fit_intercept=False, tol=1e-15, max_iter=10**7).fit(A, b)
print("lasso lambda =", m * 0.05)
print(", ".join(repr(float(v)) for v in lasso.coef_))
# ElasticNet: (1/2m)||Ax-b||^2 + alpha*l1_ratio*||x||_1 + alpha*(1-l1_ratio)/2*||x||^2
enet = ElasticNet(alpha=0.05, l1_ratio=0.5, fit_intercept=False, tol=1e-15, max_iter=10**7).fit(A, b)
print("enet l1 =", m * 0.05 * 0.5, "l2 =", m * 0.05 * 0.5)
print(", ".join(repr(float(v)) for v in enet.coef_))
