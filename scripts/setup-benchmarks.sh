#!/usr/bin/env bash
# Installs the peers the benchmarks compare against (never needed by the build or the tests, so scripts/test.sh does
# not run this): OpenBLAS through Debian's numpy/scipy for `Benchmarks -- linalg`, threadpoolctl so that benchmark can
# say which OpenBLAS kernel set ran (OPENBLAS_CORETYPE), torch for `Benchmarks -- optim` and `mnist`, scikit-learn for the
# lasso comparison (Benchmarks/Convex) and emcee for Benchmarks/Sampling/emcee_sampling.py.
# Idempotent; needs root (or sudo) for apt.
set -euo pipefail
packages=(python3-numpy python3-scipy libopenblas0-pthread python3-threadpoolctl python3-torch python3-sklearn python3-emcee)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
