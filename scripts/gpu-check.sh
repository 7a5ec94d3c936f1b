#!/usr/bin/env bash
# The GPU check, for a machine with an NVIDIA GPU and no .NET (the H100/H200 machines here: CUDA 13 driver only).
#
#   scripts/gpu-check.sh            publishes the CLI as one compressed, self-contained linux-x64 file,
#                                   artifacts/gpu-check/optima (≤ 64 MiB, the most a device session can carry)
#   scripts/gpu-check.sh --run      also runs it here: `optima device --device auto` (on a machine without a GPU it
#                                   falls back and says why; OPTIMA_GPU_CHECK_DEVICE=cpu-accelerator runs the checks
#                                   on ILGPU's CPU emulator instead)
#
# On the GPU machine: ./optima device --device cuda [--json] [--size N]
#   checks PCG(Jacobi), Adam (float32/float64) and Nesterov SGD on the device against Optima's CPU paths (exit 0 all
#   agree, 1 a check failed, 2 no usable CUDA device — the message names the cause), then times the fused Adam step
#   over 1e8 float32 parameters against the device-to-device copy bandwidth (the issue's target: ≥ 70 %).
#   Also: ./optima solve --matrix A.mtx --method pcg --precond jacobi --device cuda
# Not trimmed: ILGPU generates kernels at run time by reflection (trimming would need ILGPU, ILGPU.Algorithms and the
# Optima assemblies as roots), and NativeAOT cannot run ILGPU at all.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OPTIMA_GPU_CHECK_OUT:-artifacts/gpu-check}
limit=$((64 * 1024 * 1024))
rm -rf "$out"
dotnet publish Cli/Optima.Cli.csproj -c Release -r linux-x64 --self-contained true \
  -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true \
  -p:DebugType=none -p:GenerateDocumentationFile=false -o "$out" -v q -nologo >/dev/null
rm -f "$out"/*.pdb "$out"/*.xml
size=$(du -cb "$out" | tail -n1 | cut -f1)
echo "gpu-check: $out/optima, $((size / 1024 / 1024)) MiB in all ($(ls "$out" | tr '\n' ' '))"
if [ "$size" -gt "$limit" ]; then
  echo "gpu-check: the publish is $size bytes, over the 64 MiB a device session can carry" >&2
  exit 1
fi
if [ "${1:-}" = "--run" ]; then
  "$out/optima" device --device "${OPTIMA_GPU_CHECK_DEVICE:-auto}" --size "${OPTIMA_GPU_CHECK_SIZE:-100000}"
fi
