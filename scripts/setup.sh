#!/usr/bin/env bash
# Installs the Debian packages Optima's tests and benchmarks can use. Idempotent; needs root (or sudo) for apt.
# Nothing here is required to build: the library itself needs only the .NET 10 SDK.
set -euo pipefail
packages=(dataset-fashion-mnist chromium openmpi-bin libopenmpi-dev)   # chromium: the HTML report test renders in headless Chromium; openmpi: the MPI tests (mpirun); later: python3-scipy …
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq || true
  $sudo_cmd apt-get -f install -y -qq || true
  $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
