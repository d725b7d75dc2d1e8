package io.tflc.compressors.quantization;

import io.tflc.compressors.Matrix;

/** Codes of the signs of x against a codebook {negative, positive}: 0 for x &lt; 0, 1 otherwise. */
final class Signs {
    private Signs() {
    }

    static int[] of(Matrix x) {
        int[] codes = new int[x.size()];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = x.at(i) < 0 ? 0 : 1;
        }
        return codes;
    }
}
