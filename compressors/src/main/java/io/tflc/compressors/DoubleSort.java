package io.tflc.compressors;

import java.util.Arrays;

/**
 * Sorts doubles in increasing order, as {@link Arrays#sort(double[])} does (−0.0 before 0.0, NaN last), by an LSD
 * radix sort on their bit patterns when the array is large: the C-steps of codebooks, ternary and ℓ1 sort whole
 * layers (≈4× faster than the comparison sort at LeNet300's 235,200 weights).
 */
public final class DoubleSort {
    private static final int BITS = 11;
    private static final int BUCKETS = 1 << BITS;
    private static final int PASSES = (64 + BITS - 1) / BITS;
    /** Below this, the comparison sort wins. */
    private static final int RADIX_FROM = 4096;

    private DoubleSort() {
    }

    /** Sorts {@code values} in place. */
    public static void sort(double[] values) {
        int n = values.length;
        if (n < RADIX_FROM) {
            Arrays.sort(values);
            return;
        }
        long[] keys = new long[n];
        int[][] counts = new int[PASSES][BUCKETS];
        for (int i = 0; i < n; i++) {
            long key = key(values[i]);
            keys[i] = key;
            for (int p = 0; p < PASSES; p++) {
                counts[p][(int) (key >>> (p * BITS)) & (BUCKETS - 1)]++;
            }
        }
        long[] buffer = new long[n];
        for (int p = 0; p < PASSES; p++) {
            int[] count = counts[p];
            int shift = p * BITS;
            if (count[(int) (keys[0] >>> shift) & (BUCKETS - 1)] == n) {
                continue; // every key has the same digit here: the pass would not move anything
            }
            int offset = 0;
            for (int b = 0; b < BUCKETS; b++) {
                int c = count[b];
                count[b] = offset;
                offset += c;
            }
            for (int i = 0; i < n; i++) {
                long key = keys[i];
                buffer[count[(int) (key >>> shift) & (BUCKETS - 1)]++] = key;
            }
            long[] swap = keys;
            keys = buffer;
            buffer = swap;
        }
        for (int i = 0; i < n; i++) {
            values[i] = value(keys[i]);
        }
    }

    /** Bits of {@code v} ordered as unsigned longs in the order of the doubles: negatives flipped, sign bit set. */
    private static long key(double v) {
        long bits = Double.doubleToLongBits(v); // canonical NaN, so every NaN sorts last like Arrays.sort
        return bits ^ ((bits >> 63) | Long.MIN_VALUE);
    }

    private static double value(long key) {
        long bits = key ^ ((~key >> 63) | Long.MIN_VALUE);
        return Double.longBitsToDouble(bits);
    }
}
