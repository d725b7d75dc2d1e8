package io.tflc.compressors.quantization;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Compression;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.Quantized;
import io.tflc.compressors.Theta;

/** Quantization to {−1, +1}: the C-step is the sign (0 goes to +1; both are optimal). Bits: 1 per weight. */
public record Binary() implements Compression {

    @Override
    public Theta compress(Matrix x, CStep step) {
        return new Quantized(x.rows(), x.cols(), new double[] {-1, 1}, Signs.of(x), 0);
    }

    @Override
    public String describe() {
        return "binary";
    }
}
