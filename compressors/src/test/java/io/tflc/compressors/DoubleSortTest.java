package io.tflc.compressors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The radix sort orders exactly as Arrays.sort does, bit for bit, on both sides of its size threshold. */
class DoubleSortTest {

    @Test
    void sortsLikeArraysSort() {
        SplittableRandom random = new SplittableRandom(3);
        double[] specials = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 1e-310, -1e-310};
        for (int trial = 0; trial < 60; trial++) {
            int n = trial < 20 ? random.nextInt(100) : 4000 + random.nextInt(300_000);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = switch (random.nextInt(4)) {
                    case 0 -> specials[random.nextInt(specials.length)];
                    case 1 -> random.nextInt(5) - 2;                 // many ties
                    case 2 -> 0.05 * random.nextGaussian();          // a layer's weights
                    default -> Double.longBitsToDouble(random.nextLong()); // any bit pattern, NaNs included
                };
            }
            double[] expected = v.clone();
            Arrays.sort(expected);
            DoubleSort.sort(v);
            // Arrays.sort keeps a NaN's payload, the radix sort makes it canonical: compare NaNs as NaNs.
            for (int i = 0; i < n; i++) {
                if (Double.isNaN(expected[i])) {
                    expected[i] = Double.NaN;
                }
            }
            assertArrayEquals(expected, v, "trial " + trial + ", n=" + n);
        }
    }
}
