#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine that has the .NET 10 SDK: installs what the tests need first,
# then builds everything (Release) and runs the tests. Prints a closing line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

# Packages the tests use when present (tests that need them report themselves skipped otherwise).
bash scripts/setup.sh || echo "warning: optional test dependencies could not be installed; dependent tests will skip" >&2

log=$(mktemp)
dotnet test Solvers.sln -c Release "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly summaries ("Passed!  - Failed: 0, Passed: 30, Skipped: 0, Total: 30 …").
read -r passed failed skipped < <(awk '
  /(Passed|Failed)! +- +Failed:/ {
    for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1));
      if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
  }
  END { printf "%d %d %d\n", p, f, s }' "$log")
rm -f "$log"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "error: no test ran" >&2
  exit 1
fi
exit "$status"
