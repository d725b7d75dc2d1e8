/**
 * Structured pruning by interpolative decomposition (Chee et al., NeurIPS 2022) and its magnitude baseline: prunable
 * layer chains, Z from unlabeled data, per-layer sizes, folding, and the smaller graph.
 */
package io.tflc.lc.prune;
