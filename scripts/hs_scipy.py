"""Runs scipy's SLSQP and trust-constr on the Hock-Schittkowski problems coded in
Problems/Library/Constrained/HockSchittkowski.cs (the same lines, parsed here) and prints success counts, success being
|f - f*| <= 1e-6 * max(1, |f*|) with the constraints met to 1e-6.
Run: /usr/bin/python3 scripts/hs_scipy.py   (scipy 1.10; numerical gradients for objective and constraints, as a user
without derivatives would call them; --exact uses sympy-free central differences is not needed: both methods get the
same finite-difference derivatives.)"""
import math, re, sys, time, warnings
import numpy as np
from scipy.optimize import minimize, Bounds, NonlinearConstraint

SRC = "Problems/Library/Constrained/HockSchittkowski.cs"
line_re = re.compile(r'new\("(hs\d+)", "([^"]*)", \[(.*?)\], (null|"[^"]*"),\s*\[(.*?)\], (.*?)\),\s*$')

def cs_number(text):
    t = text.replace("Math.Sqrt", "math.sqrt").replace("Math.Asin", "math.asin").replace("Math.PI", "math.pi") \
            .replace("Math.Log", "math.log").replace("S2", "math.sqrt(2)").replace("S3", "math.sqrt(3)")
    return eval(t)

def to_py(expr):
    e = expr.replace("^", "**").replace("ln(", "log(")
    return re.sub(r"x(\d+)", lambda m: f"x[{int(m.group(1)) - 1}]", e)

def load():
    text = open(SRC).read()
    # join the one multi-line entry (hs056)
    text = re.sub(r",\s*\n\s*\[", ", [", text)
    out = []
    for line in text.splitlines():
        m = line_re.search(line.strip())
        if not m: continue
        name, f, cons, bounds, x0, fstar = m.groups()
        cons = re.findall(r'"([^"]*)"', cons)
        x0 = [cs_number(v) for v in x0.split(",")]
        out.append((name, f, cons, None if bounds == "null" else bounds.strip('"'), np.array(x0, float), cs_number(fstar)))
    return out

env = {"sin": np.sin, "cos": np.cos, "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "pi": math.pi}

def parse_bounds(text, n):
    lo, hi = [-np.inf] * n, [np.inf] * n
    if text is None: return lo, hi
    parts = text.split(",")
    def end(s): return {"inf": np.inf, "-inf": -np.inf}.get(s, None) if s in ("inf", "-inf") else float(s)
    if len(parts) == 1 and "=" not in parts[0]:
        a, b = parts[0].split(":"); return [end(a)] * n, [end(b)] * n
    for p in parts:
        k, v = p.split("="); a, b = v.split(":"); i = int(k[1:]) - 1
        lo[i], hi[i] = end(a), end(b)
    return lo, hi

def constraint_funcs(cons):
    eqs, ineqs = [], []   # scipy convention: eq == 0, ineq >= 0
    for c in cons:
        if ">=" in c:
            a, b = c.split(">="); ineqs.append(eval(f"lambda x: ({to_py(a)}) - ({to_py(b)})", env))
        elif "<=" in c:
            a, b = c.split("<="); ineqs.append(eval(f"lambda x: ({to_py(b)}) - ({to_py(a)})", env))
        else:
            a, b = c.split("="); eqs.append(eval(f"lambda x: ({to_py(a)}) - ({to_py(b)})", env))
    return eqs, ineqs

def run(problem, method):
    name, f, cons, bounds, x0, fstar = problem
    n = len(x0)
    fun = eval(f"lambda x: {to_py(f)}", env)
    lo, hi = parse_bounds(bounds, n)
    eqs, ineqs = constraint_funcs(cons)
    b = Bounds(lo, hi) if bounds else None
    x0p = np.clip(x0, lo, hi)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if method == "SLSQP":
                cs = [{"type": "eq", "fun": g} for g in eqs] + [{"type": "ineq", "fun": g} for g in ineqs]
                r = minimize(fun, x0p, method="SLSQP", bounds=b, constraints=cs, options=dict(maxiter=1000, ftol=1e-12))
            else:
                cs = [NonlinearConstraint(g, 0, 0) for g in eqs] + [NonlinearConstraint(g, 0, np.inf) for g in ineqs]
                r = minimize(fun, x0p, method="trust-constr", bounds=b, constraints=cs, options=dict(maxiter=3000, gtol=1e-10, xtol=1e-12))
        except Exception as e:
            return False, float("nan"), str(e)[:40]
    x = r.x
    viol = max([abs(g(x)) for g in eqs] + [max(-g(x), 0) for g in ineqs] + [0.0])
    viol = max(viol, max([max(l - xi, xi - h, 0) for xi, l, h in zip(x, lo, hi)]))
    ok = abs(r.fun - fstar) <= 1e-6 * max(1, abs(fstar)) and viol <= 1e-6
    return ok, r.fun, ""

if __name__ == "__main__":
    probs = load()
    print(f"{len(probs)} problems")
    totals = {}
    for method in ("SLSQP", "trust-constr"):
        t0 = time.time(); good = 0; misses = []
        for p in probs:
            ok, fv, err = run(p, method)
            good += ok
            if not ok: misses.append(f"{p[0]}(f={fv:.8g} f*={p[5]:.8g}{' ' + err if err else ''})")
        totals[method] = good
        print(f"{method}: {good}/{len(probs)} reached f* in {time.time() - t0:.1f} s; misses: {', '.join(misses)}")
