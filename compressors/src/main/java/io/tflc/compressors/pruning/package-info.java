/** Pruning C-steps: ℓ0 and ℓ1 constraints (projections) and ℓ0 and ℓ1 penalties (thresholds). */
package io.tflc.compressors.pruning;
