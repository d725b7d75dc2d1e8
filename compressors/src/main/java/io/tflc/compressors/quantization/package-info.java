/**
 * Quantization C-steps: adaptive codebook (exact 1-D k-means), fixed codebook, binary, scaled binary, scaled
 * ternary, and vector quantization (k-means in d dimensions).
 */
package io.tflc.compressors.quantization;
