package io.tflc.compressors.quantization;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Compression;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.Quantized;
import io.tflc.compressors.Theta;

/**
 * Quantization to a learned codebook of k values: the C-step is 1-D k-means, solved exactly by
 * {@link OptimalKMeans1D} (so no warm start is needed: the previous Θ is ignored).
 * Bits: ⌈log2 k⌉ per weight + 32·k.
 */
public record AdaptiveCodebook(int k) implements Compression {

    public AdaptiveCodebook {
        if (k < 1) {
            throw new IllegalArgumentException("an adaptive codebook needs k ≥ 1, got " + k);
        }
    }

    @Override
    public Theta compress(Matrix x, CStep step) {
        double[] codebook = OptimalKMeans1D.centers(x.toArray(), k);
        return new Quantized(x.rows(), x.cols(), codebook, Codebooks.assign(codebook, x), codebook.length);
    }

    @Override
    public String describe() {
        return "adaptive_codebook(k=" + k + ")";
    }
}
