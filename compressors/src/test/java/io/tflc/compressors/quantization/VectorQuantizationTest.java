package io.tflc.compressors.quantization;

import static io.tflc.compressors.BruteForce.relativeGap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.BruteForce;
import io.tflc.compressors.CStep;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.Theta;
import io.tflc.compressors.VectorQuantized;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * k-means in d &gt; 1 dimensions is NP-hard, so the C-step is Lloyd with k-means++ restarts and warm starts. These
 * tests check it against exhaustive search on small inputs and check the warm start's guarantee.
 */
class VectorQuantizationTest {

    @Test
    void findsTheExhaustiveOptimumOnSmallInputs() {
        Random random = new Random(11);
        int misses = 0;
        for (int trial = 0; trial < 40; trial++) {
            int d = 1 + random.nextInt(3);
            int n = 3 + random.nextInt(6);
            int k = 2 + random.nextInt(2);
            Matrix x = BruteForce.random(random, n, d);
            VectorQuantization vq = new VectorQuantization(k, d, 8, trial);
            double got = x.squaredDistance(vq.compress(x, CStep.direct(1)).decompress());
            double best = BruteForce.kMeans(x.toArray(), d, k);
            assertTrue(got >= best - 1e-9, "nothing beats the exhaustive optimum");
            if (relativeGap(got, best) > 1e-6) {
                misses++;
            }
        }
        assertEquals(0, misses, "instances where the heuristic missed the optimum");
    }

    @Test
    void warmStartIsNeverWorseThanThePreviousCodebook() {
        Random random = new Random(12);
        Matrix x = BruteForce.random(random, 200, 4);
        VectorQuantization vq = new VectorQuantization(16, 4, 0, 1);
        Theta first = vq.compress(x, CStep.direct(1));
        Matrix moved = x.plus(BruteForce.random(random, 200, 4).reshape(200, 4));
        Theta second = vq.compress(moved, CStep.of(1, 1, first));
        // Lloyd from the previous codebook can only lower the error of that codebook on the new data.
        VectorQuantized previous = (VectorQuantized) first;
        double previousError = 0;
        double[] points = moved.toArray();
        Matrix codebook = previous.codebook();
        for (int p = 0; p < 200; p++) {
            double bestD = Double.POSITIVE_INFINITY;
            for (int c = 0; c < 16; c++) {
                double dd = 0;
                for (int t = 0; t < 4; t++) {
                    double diff = points[p * 4 + t] - codebook.get(c, t);
                    dd += diff * diff;
                }
                bestD = Math.min(bestD, dd);
            }
            previousError += bestD;
        }
        assertTrue(moved.squaredDistance(second.decompress()) <= previousError + 1e-9);
    }

    @Test
    void rejectsAViewThatDoesNotSplitIntoVectors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new VectorQuantization(2, 4).compress(Matrix.zeros(3, 3), CStep.direct(1)));
        assertTrue(e.getMessage().contains("multiple of d"), e.getMessage());
    }
}
