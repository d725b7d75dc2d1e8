#!/usr/bin/env bash
# Issue 19's budget sweep, direct compression only: LeNet300's three kernels as one view of 8-value vectors (as in
# examples/plans/lenet300-factors-1bit.json) compressed by sparse factors, vector quantization and scalar codebooks at
# 1, 0.5 and 0.25 bits per weight, each the plan with "steps": 0. Writes results/factors/dc.md; each run's folder is
# runs/factors-sweep/<name> (a finished one is not run again). Needs runs/reference-lenet300 and jq.
# Usage, from the repository root: examples/sweeps/factors-dc.sh
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/dc-sweep.sh"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out="$root/runs/factors-sweep"
table="$root/results/factors/dc.md"
mkdir -p "$out" "$(dirname "$table")"

# budget (bits per weight) | label | compression
configs=(
  '1|factors s=2, k=16, unit values|{"type":"sparse_factors","k":16,"d":8,"s":2,"value_bits":0,"codebook_bits":8}'
  '1|factors s=4, k=4, unit values|{"type":"sparse_factors","k":4,"d":8,"s":4,"value_bits":0,"codebook_bits":8}'
  '1|factors s=2, k=8, 1-bit values|{"type":"sparse_factors","k":8,"d":8,"s":2,"value_bits":1,"codebook_bits":8}'
  '1|factors s=1, k=64, 2-bit values (issue 7)|{"type":"sparse_factors","k":64,"d":8,"s":1,"value_bits":2,"codebook_bits":8}'
  '1|VQ k=128|{"type":"vector_quantization","k":128,"d":8}'
  '1|VQ k=256|{"type":"vector_quantization","k":256,"d":8}'
  '1|scalar codebook k=2|{"type":"adaptive_codebook","k":2}'
  '0.5|factors s=2, k=4, unit values|{"type":"sparse_factors","k":4,"d":8,"s":2,"value_bits":0,"codebook_bits":8}'
  '0.5|factors s=2, k=2, 1-bit values|{"type":"sparse_factors","k":2,"d":8,"s":2,"value_bits":1,"codebook_bits":8}'
  '0.5|factors s=1, k=8, 1-bit values|{"type":"sparse_factors","k":8,"d":8,"s":1,"value_bits":1,"codebook_bits":8}'
  '0.5|VQ k=16|{"type":"vector_quantization","k":16,"d":8}'
  '0.25|factors s=2, k=2, unit values|{"type":"sparse_factors","k":2,"d":8,"s":2,"value_bits":0,"codebook_bits":8}'
  '0.25|factors s=1, k=2, 1-bit values|{"type":"sparse_factors","k":2,"d":8,"s":1,"value_bits":1,"codebook_bits":8}'
  '0.25|VQ k=4|{"type":"vector_quantization","k":4,"d":8}'
)

{
  echo "# Sparse factors against their special cases on LeNet300: direct compression"
  echo
  echo "\`examples/sweeps/factors-dc.sh\`, $(date -u +%F). The plan of \`examples/plans/lenet300-factors-1bit.json\`"
  echo "with \"steps\": 0: the three kernels (266,200 weights) as one view of 8-value vectors, one compression each;"
  echo "biases stay floats. Bits per weight: the Θ's bits over 266,200. ‖W − Δ(Θ)‖²: the C-step's objective"
  echo "(‖W‖² = 1,046)."
  echo
} > "$table"

# The plan of examples/plans/lenet300-factors-1bit.json with one compression and no LC step.
write_plan() {
  jq --argjson c "$1" --arg model "$root/runs/reference-lenet300" --arg output "$2" \
    '.tasks[0].compression = $c | .schedule.steps = 0 | .model.savedmodel = $model | .output = $output' \
    examples/plans/lenet300-factors-1bit.json
}

dc_sweep "$out" "$table" 266200 0 write_plan "${configs[@]}"
echo "wrote $table"
