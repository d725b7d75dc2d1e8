package io.tflc.compressors.quantization;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Compression;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.Quantized;
import io.tflc.compressors.Theta;
import java.util.Arrays;

/**
 * Quantization to a codebook the user fixes: the C-step assigns each weight to its nearest entry (exact).
 * Bits: ⌈log2 k⌉ per weight + 32·k (the codebook is stored with the model so that it decodes on its own).
 */
public record FixedCodebook(double[] values) implements Compression {

    public FixedCodebook {
        if (values.length == 0) {
            throw new IllegalArgumentException("a fixed codebook needs at least one value");
        }
        values = Arrays.stream(values).sorted().distinct().toArray();
        if (!Double.isFinite(values[0]) || !Double.isFinite(values[values.length - 1])) {
            throw new IllegalArgumentException("a fixed codebook must hold finite values: " + Arrays.toString(values));
        }
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    @Override
    public Theta compress(Matrix x, CStep step) {
        return new Quantized(x.rows(), x.cols(), values, Codebooks.assign(values, x), values.length);
    }

    @Override
    public String describe() {
        return "fixed_codebook" + Arrays.toString(values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FixedCodebook f && Arrays.equals(values, f.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return describe();
    }
}
