package io.tflc.compressors.factors;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.VectorQuantized;
import io.tflc.compressors.quantization.VectorQuantization;

/**
 * Residual (stage-wise) vector quantization as sparse factors: k-means with ⌊k/s⌋ rows on the vectors, then on what
 * is left of them, s times; each vector takes one row of each stage with value 1. It is a feasible point of the
 * factors with k rows and s unit terms (the rows past s·⌊k/s⌋ stay 0), so starting from it the C-step can only end
 * at or below residual quantization's error.
 *
 * @param codebook k×d, the stages' rows one block after the other
 * @param z n×k dense, one 1 per stage and vector
 */
record ResidualStages(double[] codebook, double[] z) {

    static ResidualStages of(Matrix w, int k, int stages) {
        int n = w.rows();
        int d = w.cols();
        int perStage = k / stages;
        double[] codebook = new double[k * d];
        double[] z = new double[n * k];
        double[] residual = w.toArray();
        for (int s = 0; s < stages; s++) {
            VectorQuantized vq = (VectorQuantized) new VectorQuantization(perStage, d)
                    .compress(Matrix.of(n, d, residual), CStep.direct(1));
            double[] centers = vq.codebook().toArray();
            System.arraycopy(centers, 0, codebook, s * perStage * d, perStage * d);
            int[] codes = vq.codes();
            for (int i = 0; i < n; i++) {
                z[i * k + s * perStage + codes[i]] = 1;
                for (int t = 0; t < d; t++) {
                    residual[i * d + t] -= centers[codes[i] * d + t];
                }
            }
        }
        return new ResidualStages(codebook, z);
    }
}
