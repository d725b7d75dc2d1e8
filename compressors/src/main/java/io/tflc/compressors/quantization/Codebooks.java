package io.tflc.compressors.quantization;

import io.tflc.compressors.Matrix;

/** Assignment of values to the nearest entry of a sorted scalar codebook. */
final class Codebooks {
    private Codebooks() {
    }

    /** Index of the entry of {@code sorted} nearest to {@code v} (the lower one on a tie). */
    static int nearest(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length - 1;
        // Binary search for the last entry whose midpoint with its successor is below v.
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (v > (sorted[mid] + sorted[mid + 1]) / 2) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Codes of every value of {@code x} against the sorted codebook. */
    static int[] assign(double[] sorted, Matrix x) {
        int[] codes = new int[x.size()];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = nearest(sorted, x.at(i));
        }
        return codes;
    }
}
