#!/usr/bin/env bash
# Same bits on every CPU: runs the fingerprint (Benchmarks -- fingerprint: NIST, MGH, CG/PCG, dense solves, the
# first-order optimizers, an MLP, a curve fit and its posterior, MH/HMC, the convex solvers; one line per item with a hash of its exact bits) under the machine's
# default instruction set and under every narrower setting .NET can select on this machine, and fails, listing the
# differing lines, when any setting gives different bits. Also compares one compute thread against all cores.
# Usage: scripts/fingerprint.sh [--no-build]. (In .NET 10, DOTNET_EnableAVX512F=0 does nothing; DOTNET_EnableAVX512=0 is
# the AVX2-only machine.)
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != "--no-build" ]; then
  dotnet build Benchmarks/Optima.Benchmarks.csproj -c Release -v q -nologo >/dev/null || { echo "fingerprint: build failed" >&2; exit 1; }
fi
dll=Benchmarks/bin/Release/net10.0/Optima.Benchmarks.dll
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run() { # name, env settings...
  local name=$1; shift
  if ! env "$@" dotnet "$dll" fingerprint "${extra[@]}" >"$out/$name.txt" 2>"$out/$name.err"; then
    echo "fingerprint: the run '$name' ($*) failed:" >&2; cat "$out/$name.err" >&2; status=1
  fi
}

status=0
extra=()
run default
sed -n 1p "$out/default.err"
lines=$(wc -l <"$out/default.txt")
echo "fingerprint: $lines items under the default ISA ($(tail -n1 "$out/default.err" | tr -d '# '))"

# The settings below the machine's own (each one is skipped when it would equal the default).
settings=()
avx512=$(dotnet "$dll" fingerprint --isa 2>/dev/null || true)
case "$avx512" in *"Vector512 True"*) settings+=("DOTNET_PreferredVectorBitWidth=256" "DOTNET_EnableAVX512=0");; esac
case "$avx512" in *"Vector256 True"*) settings+=("DOTNET_PreferredVectorBitWidth=128" "DOTNET_EnableAVX2=0");; esac
case "$avx512" in *"Vector128 True"*) settings+=("DOTNET_EnableHWIntrinsic=0");; esac

compare() { # name, label
  if ! diff -q "$out/default.txt" "$out/$1.txt" >/dev/null; then
    echo "fingerprint: DIFFERENT bits under $2:" >&2
    diff "$out/default.txt" "$out/$1.txt" | grep '^[<>]' >&2
    status=1
  else
    echo "fingerprint: same bits under $2"
  fi
}

for s in "${settings[@]}"; do
  name=${s//[^A-Za-z0-9]/_}
  run "$name" "$s"
  compare "$name" "$s"
done
extra=(--threads 1)
run threads1
compare threads1 "one compute thread"
exit $status
