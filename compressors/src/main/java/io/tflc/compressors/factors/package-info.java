/** Sparse, quantized matrix factors W ≈ Z·C as an LC compression type (projected gradient descent C-step). */
package io.tflc.compressors.factors;
