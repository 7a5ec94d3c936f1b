#!/usr/bin/env bash
# Side-by-side linear-algebra benchmark: Optima vs MathNet (managed) vs OpenBLAS (Debian's, through numpy/scipy).
# usage: Benchmarks/LinearAlgebra/run.sh [threads] [extra options for the linalg mode, e.g. --sizes 1000 --grid 500]
# Installs python3-numpy/scipy and the pthread OpenBLAS when missing (needs root / apt), then runs
#   dotnet run -c Release --project Benchmarks -- linalg --threads N ...
# OpenBLAS is pinned to the same thread count (OPENBLAS_NUM_THREADS) by the benchmark itself.
set -euo pipefail
cd "$(dirname "$0")/../.."
threads="${1:-1}"
shift || true

if ! /usr/bin/python3 -c 'import numpy, scipy, threadpoolctl' 2>/dev/null; then
    echo "installing python3-numpy, python3-scipy, libopenblas0-pthread, python3-threadpoolctl ..." >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-numpy python3-scipy libopenblas0-pthread python3-threadpoolctl >/dev/null
fi
/usr/bin/python3 - <<'PY' >&2
import numpy, scipy
print(f"numpy {numpy.__version__}, scipy {scipy.__version__}")
PY

export OPENBLAS_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads"
dotnet run -c Release --project Benchmarks -- linalg --threads "$threads" "$@"
