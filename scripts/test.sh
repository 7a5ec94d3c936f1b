#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine that has the .NET 10 SDK: installs what the tests need first,
# then builds everything (Release) and runs the tests. Prints a closing line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

# Packages the tests use when present (tests that need them report themselves skipped otherwise).
bash scripts/setup.sh || echo "warning: optional test dependencies could not be installed; dependent tests will skip" >&2

# Sums dotnet test's per-assembly summaries in a log ("Passed!  - Failed: 0, Passed: 30, Skipped: 0, Total: 30 …")
# and prints "passed failed skipped".
summarize() {
  awk '
    /(Passed|Failed)! +- +Failed:/ {
      for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1));
        if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
    }
    END { printf "%d %d %d\n", p, f, s }' "$1"
}

# Tests that need ../shared/data (NIST StRD, matrices) report themselves skipped without it; a checkout that has it
# must run them all, so there a missing file fails its test instead (Tests/Core/TestSupport.cs).
if [ -d ../shared/data ]; then export OPTIMA_REQUIRE_SHARED_DATA=1; fi

log=$(mktemp)
dotnet test Solvers.sln -c Release "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

read -r passed failed skipped < <(summarize "$log")
rm -f "$log"

# Same bits on every CPU (Docs/reproducibility.md): the fingerprint under every narrower ISA setting and one thread,
# and, on an AVX-512 machine, the whole suite once more as an AVX2-only machine (DOTNET_EnableAVX512=0; the issue's
# DOTNET_EnableAVX512F=0 does nothing in .NET 10). A failure of either counts in the closing line's "failed".
if [ "$status" -eq 0 ]; then
  # (fingerprint.sh builds the Benchmarks project, which dotnet test does not.)
  if ! bash scripts/fingerprint.sh; then failed=$((failed + 1)); status=1; fi
  if dotnet Benchmarks/bin/Release/net10.0/Optima.Benchmarks.dll fingerprint --isa 2>/dev/null | grep -q "Vector512 True"; then
    log=$(mktemp)
    DOTNET_EnableAVX512=0 dotnet test Tests/Optima.Tests.csproj -c Release --no-build "$@" >"$log" 2>&1
    narrow=$?
    read -r p2 f2 s2 < <(summarize "$log")
    echo "under DOTNET_EnableAVX512=0: ${p2} passed, ${f2} failed, ${s2} skipped"
    if [ "$narrow" -ne 0 ] || [ "$p2" -eq 0 ]; then
      grep -E '^\s+Failed |Error Message' -A3 "$log" | head -60 >&2
      failed=$((failed + (f2 > 0 ? f2 : 1))); status=1
    fi
    rm -f "$log"
  fi
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "error: no test ran" >&2
  exit 1
fi
exit "$status"
