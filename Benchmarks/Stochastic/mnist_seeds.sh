#!/usr/bin/env bash
# Test accuracy after 10 epochs of Adam (lr 1e-3, batch 128, MLP 784-256-10, one thread) over several seeds, Optima
# (optima train --json) beside PyTorch (mnist_torch.py), for a constant rate and for the cosine schedule.
# Usage: Benchmarks/Stochastic/mnist_seeds.sh [seeds=10] [precision=float32]   (needs python3-torch and the data set)
set -euo pipefail
cd "$(dirname "$0")/../.."
seeds=${1:-10}; precision=${2:-float32}
dotnet build -c Release Cli >/dev/null
optima=Cli/bin/Release/net10.0/optima
for schedule in constant cosine; do
  for s in $(seq 1 "$seeds"); do
    o=$("$optima" train --data fashion-mnist --model mlp:256 --optimizer adam --lr 1e-3 --epochs 10 --batch 128 --threads 1 \
          --precision "$precision" --schedule "$schedule" --seed "$s" --json | python3 -c "import sys, json; print(json.load(sys.stdin)['testAccuracy'])")
    t=$(/usr/bin/python3 Benchmarks/Stochastic/mnist_torch.py --epochs 10 --batch 128 --lr 1e-3 --threads 1 \
          --dtype "$precision" --schedule "$schedule" --seed "$s" | tail -1 | python3 -c "import sys, json; print(json.load(sys.stdin)['testAccuracy'])")
    echo "$schedule seed $s optima $o torch $t"
  done
done
