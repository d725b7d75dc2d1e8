/**
 * Interpolative decomposition for structured (neuron/channel) pruning: column-pivoted QR, the R factor of a tall
 * matrix built block by block, and the kept columns with their interpolation matrix.
 */
package io.tflc.compressors.id;
