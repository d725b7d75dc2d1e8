/** Low-rank C-steps: fixed rank (truncated SVD) and rank selection by storage or FLOPs cost. */
package io.tflc.compressors.lowrank;
