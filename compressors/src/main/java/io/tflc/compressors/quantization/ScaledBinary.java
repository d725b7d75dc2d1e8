package io.tflc.compressors.quantization;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Compression;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.Quantized;
import io.tflc.compressors.Theta;

/**
 * Quantization to {−a, +a} with a learned: the optimal codes are the signs and then a = mean |x| (exact).
 * Bits: 1 per weight + 32 for a.
 */
public record ScaledBinary() implements Compression {

    @Override
    public Theta compress(Matrix x, CStep step) {
        double sum = 0;
        for (int i = 0; i < x.size(); i++) {
            sum += Math.abs(x.at(i));
        }
        double a = sum / x.size();
        return new Quantized(x.rows(), x.cols(), new double[] {-a, a}, Signs.of(x), 1);
    }

    @Override
    public String describe() {
        return "scaled_binary";
    }
}
