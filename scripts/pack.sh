#!/usr/bin/env bash
# Builds the NuGet packages into a local folder feed (default: ./artifacts/packages):
#   Optima.Core, Optima.LinearAlgebra, Optima.Problems, Optima.Solvers (library packages, with .snupkg symbols) and
#   optima (the .NET tool; ReadyToRun for this machine's runtime identifier, or portable with --portable).
# Then: dotnet tool install --global optima --add-source ./artifacts/packages
# Options: --portable (tool package as portable IL, any platform), --tool-only, -o DIR.
# Environment: OPTIMA_REPOSITORY_URL=https://… records the public repository URL in the packages (Source Link).
set -euo pipefail
cd "$(dirname "$0")/.."

out=artifacts/packages
portable=0
tool_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    -o) out="$2"; shift 2 ;;
    --portable) portable=1; shift ;;
    --tool-only) tool_only=1; shift ;;
    *) echo "usage: scripts/pack.sh [-o DIR] [--portable] [--tool-only]" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
out=$(cd "$out" && pwd)

props=(-c Release -o "$out" -p:OPTIMA_PACK=true)
[ -n "${OPTIMA_REPOSITORY_URL:-}" ] && props+=("-p:RepositoryUrl=$OPTIMA_REPOSITORY_URL")

if [ "$tool_only" -eq 0 ]; then
  for p in Core/Optima.Core.csproj LinearAlgebra/Optima.LinearAlgebra.csproj Problems/Optima.Problems.csproj Solvers/Optima.Solvers.csproj; do
    dotnet pack "$p" "${props[@]}" --nologo -v quiet
  done
fi

tool=("${props[@]}")
if [ "$portable" -eq 0 ]; then
  rid=$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')
  [ -n "$rid" ] && tool+=("-p:OptimaToolRid=$rid")
fi
dotnet pack Cli/Optima.Cli.csproj "${tool[@]}" --nologo -v quiet

echo "Packages in $out:"
ls -1 "$out"
