#!/usr/bin/env bash
# Issue 19's budget sweep on LeNet5's dense layer, direct compression only: the 800×500 kernel dense/kernel of
# runs/reference-lenet5 (400,000 weights, the other layers stay floats) as one view of 8-value vectors, compressed by
# sparse factors, vector quantization and a scalar codebook at 1 and 0.5 bit per weight, each a plan with "steps": 0
# and the LC settings of examples/experiments/lenet5.json. Writes results/factors/dc-lenet5.md; each run's folder is
# runs/factors-sweep-lenet5/<name> (a finished one is not run again). Needs runs/reference-lenet5 and jq.
# Usage, from the repository root: examples/sweeps/factors-lenet5-dc.sh
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/dc-sweep.sh"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out="$root/runs/factors-sweep-lenet5"
table="$root/results/factors/dc-lenet5.md"
mkdir -p "$out" "$(dirname "$table")"
weights=400000

# budget (bits per weight) | label | compression
configs=(
  '1|factors s=2, k=16, unit values|{"type":"sparse_factors","k":16,"d":8,"s":2,"value_bits":0,"codebook_bits":8}'
  '1|factors s=2, k=8, 1-bit values|{"type":"sparse_factors","k":8,"d":8,"s":2,"value_bits":1,"codebook_bits":8}'
  '1|factors s=1, k=64, 2-bit values|{"type":"sparse_factors","k":64,"d":8,"s":1,"value_bits":2,"codebook_bits":8}'
  '1|VQ k=128|{"type":"vector_quantization","k":128,"d":8}'
  '1|scalar codebook k=2|{"type":"adaptive_codebook","k":2}'
  '0.5|factors s=2, k=4, unit values|{"type":"sparse_factors","k":4,"d":8,"s":2,"value_bits":0,"codebook_bits":8}'
  '0.5|factors s=1, k=8, 1-bit values|{"type":"sparse_factors","k":8,"d":8,"s":1,"value_bits":1,"codebook_bits":8}'
  '0.5|VQ k=16|{"type":"vector_quantization","k":16,"d":8}'
)

{
  echo "# Sparse factors against their special cases on LeNet5's dense layer: direct compression"
  echo
  echo "\`examples/sweeps/factors-lenet5-dc.sh\`, $(date -u +%F). runs/reference-lenet5's dense/kernel (800×500,"
  echo "400,000 weights) as one view of 8-value vectors; every other weight stays float. Bits per weight: the Θ's"
  echo "bits over 400,000. ‖W − Δ(Θ)‖²: the C-step's objective. A scalar codebook has no 0.5-bit form (k = 2 is 1 bit)."
  echo
} > "$table"

# dense/kernel alone, with the LC settings of examples/experiments/lenet5.json and no LC step.
write_plan() {
  jq -n --argjson c "$1" --arg model "$root/runs/reference-lenet5" --arg output "$2" '{
    model: {savedmodel: $model},
    tasks: [{name: "dense", weights: "dense/kernel", view: "concatenated", compression: $c}],
    schedule: {mu0: 0.001, growth: 1.25, steps: 0},
    l_step: {epochs: 1, first_epochs: 3, batch_size: 128, optimizer: "sgd_nesterov", momentum: 0.9, lr0: 0.02,
             lr_decay: 0.98},
    seed: 1, output: $output}'
}

dc_sweep "$out" "$table" "$weights" 2 write_plan "${configs[@]}"
echo "wrote $table"
