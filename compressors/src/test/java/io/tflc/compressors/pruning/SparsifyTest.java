package io.tflc.compressors.pruning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tflc.compressors.Matrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Quickselect finds exactly the value a full sort puts at each rank, duplicates and signs included. */
class SparsifyTest {

    @Test
    void magnitudeAtRankEqualsTheSortedMagnitude() {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(trial < 100 ? 20 : 5000);
            double[] v = new double[n];
            int distinct = 1 + random.nextInt(n);
            for (int i = 0; i < n; i++) {
                // Few distinct values on some trials: many ties, and ± pairs of the same magnitude.
                v[i] = (random.nextBoolean() ? 1 : -1) * random.nextInt(distinct) * 0.25;
            }
            Matrix x = Matrix.of(1, n, v);
            double[] sorted = Sparsify.sortedMagnitudes(x);
            for (int k : new int[] {0, n / 3, n / 2, n - 1, random.nextInt(n)}) {
                assertEquals(sorted[k], Sparsify.magnitudeAtRank(x, k), "n=" + n + " k=" + k + " trial " + trial);
            }
        }
    }
}
