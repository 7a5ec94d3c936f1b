#!/usr/bin/env bash
# Regenerates every figure under Docs/figures/ with the optima CLI (run from anywhere; needs the .NET 10 SDK).
# Convergence-vs-time panels depend on the machine, so regenerated files differ in those curves; everything else
# (iterations, paths, orders of convergence) is deterministic.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/Docs/figures"
mkdir -p "$out"
dotnet build "$root/Cli/Optima.Cli.csproj" -v q -nologo >/dev/null
optima() { dotnet "$root/Cli/bin/Debug/net10.0/optima.dll" "$@"; }
# Exit code 1 (no method converged) is a result, not a failure, for a figure.
run() { optima "$@" >/dev/null 2>&1 || [ $? -eq 1 ]; }

# first-order.md: the first-order family on Rosenbrock's valley and on an ill-conditioned quadratic (κ = 100).
run compare --problem rosenbrock --methods gd,momentum,nesterov,adagrad,rmsprop,adam --max-iter 2000 \
    --plot "$out/first-order-rosenbrock.svg" --paths "$out/first-order-paths.svg"
run compare --problem quadratic --dim 10 --methods gd-fixed,momentum,nesterov,adagrad,rmsprop,adam,amsgrad,adamw --max-iter 2000 \
    --plot "$out/first-order-quadratic.svg"

# second-order.md: Newton, quasi-Newton and trust regions on Rosenbrock; least squares on MGH Beale.
run compare --problem rosenbrock --methods gd,bfgs,lbfgs,newton,newton-tr,newton-tr-dogleg,newton-cg \
    --plot "$out/second-order-rosenbrock.svg" --paths "$out/second-order-paths.svg"
run compare --problem mgh-beale --methods gauss-newton,levenberg,lm,dogleg-ls,bfgs,newton \
    --plot "$out/least-squares-beale.svg" --paths "$out/least-squares-paths.svg"

# linear-systems.md: minimising ½xᵀAx − bᵀx is solving Ax = b (n = 50, κ = 100).
run compare --problem quadratic --dim 50 --methods gd-fixed,gd,cg-pr,lbfgs,newton --max-iter 5000 \
    --plot "$out/linear-systems-quadratic.svg"

# when-to-use.md: cost per iteration matters at n = 100; and a saddle point, classified.
run compare --problem rosenbrock-ext --dim 100 --methods gd,adam,bfgs,lbfgs,newton,newton-cg --max-iter 5000 \
    --plot "$out/when-to-use-rosenbrock100.svg"
optima analyze --objective "x^2 - y^2" --at x=0,y=0 > "$out/saddle-analysis.txt"
optima compare --problem rosenbrock > "$out/rosenbrock-table.txt" 2>/dev/null || true

echo "figures written to $out"
