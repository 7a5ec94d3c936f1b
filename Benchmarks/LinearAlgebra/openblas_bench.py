#!/usr/bin/python3
"""OpenBLAS/LAPACK (through numpy/scipy) side of the Optima linear-algebra benchmark.

Prints one JSON object per line: {"lib": "openblas", "op": ..., "n": ..., "seconds": ..., "gflops": ...}.
Pin the thread count with OPENBLAS_NUM_THREADS before starting (run.sh does).
usage: openblas_bench.py dense 1000,2000 REPS [cpu] | openblas_bench.py cg GRID TOL MAXITER
("cpu": time the thread's CPU seconds, for a shared machine; one thread only)
"""
import json
import sys
import time

import numpy as np
import scipy.linalg as sl


CLOCK = time.perf_counter  # time.thread_time with the "cpu" argument (one thread: OpenBLAS runs on this thread)


def best_of(reps, setup, fn):
    best = float("inf")
    fn(setup())  # warm-up
    for _ in range(reps):
        arg = setup()
        t0 = CLOCK()
        fn(arg)
        best = min(best, CLOCK() - t0)
    return best


def kernel_info():
    """Which OpenBLAS kernel set runs (OPENBLAS_CORETYPE=Haswell forces the AVX2 one), via threadpoolctl if present."""
    try:
        import threadpoolctl
        info = [i for i in threadpoolctl.threadpool_info() if i.get("internal_api") == "openblas"]
        if info:
            return {"lib": "openblas", "info": f"OpenBLAS {info[0].get('version')} {info[0].get('architecture')}, "
                                               f"{info[0].get('num_threads')} thread(s)"}
    except ImportError:
        pass
    return {"lib": "openblas", "info": "OpenBLAS (kernel unknown: install python3-threadpoolctl)"}


def dense(sizes, reps):
    print(json.dumps(kernel_info()), flush=True)
    rng = np.random.default_rng(42)
    for n in sizes:
        a = np.asfortranarray(rng.uniform(-1, 1, (n, n)))
        b = np.asfortranarray(rng.uniform(-1, 1, (n, n)))
        spd = np.asfortranarray(a + a.T + 2 * n * np.eye(n))
        a32, b32 = np.asfortranarray(a, dtype=np.float32), np.asfortranarray(b, dtype=np.float32)
        cases = [
            ("GEMM", 2.0 * n ** 3, lambda: None, lambda _: a @ b),
            ("SGEMM", 2.0 * n ** 3, lambda: None, lambda _: a32 @ b32),
            ("LU", 2.0 / 3.0 * n ** 3, lambda: a.copy(order="F"),
             lambda x: sl.lu_factor(x, overwrite_a=True, check_finite=False)),
            ("Cholesky", 1.0 / 3.0 * n ** 3, lambda: spd.copy(order="F"),
             lambda x: sl.cholesky(x, lower=True, overwrite_a=True, check_finite=False)),
            ("QR", 4.0 / 3.0 * n ** 3, lambda: a.copy(order="F"),
             lambda x: sl.qr(x, mode="r", overwrite_a=True, check_finite=False)),
        ]
        for op, flops, setup, fn in cases:
            s = best_of(reps, setup, fn)
            print(json.dumps({"lib": "openblas", "op": op, "n": n, "seconds": s, "gflops": flops / s * 1e-9}), flush=True)


def cg(grid, tol, maxiter):
    import scipy.sparse as sp
    import scipy.sparse.linalg as spl
    n = grid * grid
    t = sp.diags([-1.0, 4.0, -1.0], [-1, 0, 1], shape=(grid, grid))
    # 5-point Laplacian: kron(I, T) + kron(S, I) with the off-diagonal couplings of the other direction.
    s = sp.diags([-1.0, -1.0], [-1, 1], shape=(grid, grid))
    a = (sp.kron(sp.identity(grid), t) + sp.kron(s, sp.identity(grid))).tocsr()
    a.sort_indices()
    b = a @ np.ones(n)
    iters = [0]

    def count(_):
        iters[0] += 1

    t0 = time.perf_counter()
    try:
        x, info = spl.cg(a, b, rtol=tol, maxiter=maxiter, callback=count)
    except TypeError:  # scipy < 1.12 names it tol
        x, info = spl.cg(a, b, tol=tol, maxiter=maxiter, callback=count)
    secs = time.perf_counter() - t0
    rel = float(np.linalg.norm(b - a @ x) / np.linalg.norm(b))
    print(json.dumps({"lib": "scipy", "op": "CG", "n": n, "iterations": iters[0], "seconds": secs,
                      "msPerIteration": secs / max(iters[0], 1) * 1e3, "relativeResidual": rel, "info": int(info)}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "dense":
        if len(sys.argv) > 4 and sys.argv[4] == "cpu":
            CLOCK = time.thread_time
        dense([int(v) for v in sys.argv[2].split(",")], int(sys.argv[3]))
    elif sys.argv[1] == "cg":
        cg(int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit("usage: openblas_bench.py dense SIZES REPS | cg GRID TOL MAXITER")
