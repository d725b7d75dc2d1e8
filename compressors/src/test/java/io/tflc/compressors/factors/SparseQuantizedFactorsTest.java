package io.tflc.compressors.factors;

import static io.tflc.compressors.BruteForce.relativeGap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.BruteForce;
import io.tflc.compressors.CStep;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.SparseFactors;
import io.tflc.compressors.quantization.VectorQuantization;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SparseQuantizedFactorsTest {

    @Test
    void withoutSparsityAndQuantizationItReachesTheTruncatedSvd() {
        Random random = new Random(1);
        Matrix w = BruteForce.random(random, 60, 12);
        for (int k = 1; k <= 6; k++) {
            SparseFactors f = (SparseFactors) new SparseQuantizedFactors(k, 12, k, 32, 32).compress(w, CStep.direct(1));
            double[] s2 = BruteForce.squaredSingularValues(w);
            double best = 0;
            for (int i = k; i < s2.length; i++) {
                best += s2[i];
            }
            double got = w.squaredDistance(f.decompress());
            assertTrue(relativeGap(got, best) <= 1e-4, "k=" + k + ": " + got + " vs Eckart–Young " + best);
        }
    }

    @Test
    void oneUnitTermPerVectorMatchesVectorQuantization() {
        Random random = new Random(2);
        Matrix w = BruteForce.random(random, 80, 40);
        double vq = w.squaredDistance(new VectorQuantization(16, 4).compress(w, CStep.direct(1)).decompress());
        SparseFactors f = (SparseFactors) new SparseQuantizedFactors(16, 4, 1, 0, 32).compress(w, CStep.direct(1));
        double got = w.squaredDistance(f.decompress());
        assertTrue(got <= vq * 1.01, "factors " + got + " vs vector quantization " + vq);
        assertEquals((long) 800 * 4 + 16 * 4 * 32, f.bits(), "n·s·(0 + log2 16) + k·d·32");
    }

    /**
     * Unit values with s terms from k rows contain vector quantization with k rows (centres / s, each taken s times)
     * and residual quantization with s stages of k/s rows, so on random data the fit is never worse than either.
     */
    @ParameterizedTest(name = "k={0} s={1}")
    @CsvSource({"16, 2", "8, 2", "9, 3", "4, 4"})
    void unitTermsFitAtLeastAsWellAsVectorAndResidualQuantization(int k, int s) {
        Random random = new Random(10 * k + s);
        Matrix w = BruteForce.random(random, 300, 4);
        SparseFactors f = (SparseFactors) new SparseQuantizedFactors(k, 4, s, 0, 32).compress(w, CStep.direct(1));
        double got = w.squaredDistance(f.decompress());
        double vq = w.squaredDistance(new VectorQuantization(k, 4).compress(w, CStep.direct(1)).decompress());
        Matrix left = w;
        for (int stage = 0; stage < s; stage++) {
            left = left.minus(new VectorQuantization(k / s, 4).compress(left, CStep.direct(1)).decompress());
        }
        double residual = left.squaredNorm();
        assertTrue(got <= vq * (1 + 1e-9), "factors " + got + " vs vector quantization " + vq);
        assertTrue(got <= residual * (1 + 1e-9), "factors " + got + " vs residual quantization " + residual);
        assertEquals((long) 300 * s * io.tflc.compressors.Bits.ceilLog2(k) + (long) k * 4 * 32, f.bits());
    }

    @ParameterizedTest
    @CsvSource({"16, 4, 2, 2, 4", "32, 8, 3, 3, 3", "8, 8, 1, 1, 2", "4, 2, 3, 4, 8"})
    void descentNeverRisesAndEveryThetaIsFeasible(int k, int d, int s, int valueBits, int codebookBits) {
        Random random = new Random(k * 31 + d);
        Matrix w = BruteForce.random(random, 50, 16);
        SparseQuantizedFactors compression = new SparseQuantizedFactors(k, d, s, valueBits, codebookBits);
        SparseFactors f = (SparseFactors) compression.compress(w, CStep.direct(1));
        double[] objectives = f.objectives();
        for (int i = 1; i < objectives.length; i++) {
            assertTrue(objectives[i] <= objectives[i - 1], "iteration " + i + " rose");
        }
        assertEquals(objectives[objectives.length - 1], w.squaredDistance(f.decompress()),
                1e-9 * Math.max(1, objectives[objectives.length - 1]));
        int terms = f.indices().length / s;
        for (int i = 0; i < terms; i++) {
            java.util.Set<Integer> used = new java.util.HashSet<>();
            for (int t = 0; t < s; t++) {
                double v = f.values()[i * s + t];
                assertTrue(v != 0 || valueBits >= 2, "with " + valueBits + "-bit values every term is used");
                if (v != 0) {
                    assertTrue(used.add(f.indices()[i * s + t]), "a term per codebook row at most");
                    assertOnGrid(v, valueBits, f.valueScale());
                }
            }
        }
        for (double c : f.codebook().toArray()) {
            assertOnGrid(c, codebookBits, f.codebookScale());
        }
        // Warm start from its own Θ: the next C-step can only end at or below it.
        SparseFactors again = (SparseFactors) compression.compress(w, CStep.of(1, 1, f));
        assertTrue(w.squaredDistance(again.decompress()) <= w.squaredDistance(f.decompress()) * (1 + 1e-9));
    }

    /**
     * A warm start whose third row no vector uses: one iteration's least squares still moves the used rows onto
     * their vectors' means (a singular ZᵀZ used to leave every row to a 1/L gradient step, which moves a row used by
     * 10 of 40 vectors a third of the way).
     */
    @Test
    void anUnusedRowDoesNotStopTheLeastSquaresUpdate() {
        Random random = new Random(3);
        double[][] centres = {{0, 0}, {10, 10}};
        int[] sizes = {30, 10};
        Matrix w = clusters(random, centres, sizes);
        double[] start = {0.5, 0.5, 10.5, 10.5, 100, 100};
        SparseFactors f = (SparseFactors) new SparseQuantizedFactors(3, 2, 1, 0, 32, 1)
                .compress(w, CStep.of(1, 1, warmStart(w, start, 3)));
        double[] c = f.codebook().toArray();
        for (int r = 0, first = 0; r < 2; first += sizes[r], r++) {
            for (int t = 0; t < 2; t++) {
                double mean = 0;
                for (int i = first; i < first + sizes[r]; i++) {
                    mean += w.get(i, t) / sizes[r];
                }
                assertEquals(mean, c[r * 2 + t], 1e-6, "row " + r + " on its vectors' mean");
            }
        }
    }

    /**
     * Four clusters, a warm start with three rows on three of them and the fourth row far away: the unused row is
     * moved onto the worst-fitted vector, the search takes it up, and the descent ends at the four clusters' own
     * scatter (left unused, the row stayed where it was and the fourth cluster kept the wrong rows).
     */
    @Test
    void anUnusedRowIsPutToUse() {
        Random random = new Random(4);
        double[][] centres = {{0, 0}, {10, 0}, {0, 10}, {10, 10}};
        int[] sizes = {20, 20, 20, 20};
        Matrix w = clusters(random, centres, sizes);
        double scatter = 0;
        for (int r = 0, first = 0; r < 4; first += sizes[r], r++) {
            for (int t = 0; t < 2; t++) {
                double mean = 0;
                for (int i = first; i < first + sizes[r]; i++) {
                    mean += w.get(i, t) / sizes[r];
                }
                for (int i = first; i < first + sizes[r]; i++) {
                    scatter += (w.get(i, t) - mean) * (w.get(i, t) - mean);
                }
            }
        }
        double[] start = {0, 0, 10, 0, 0, 10, 1000, 1000};
        SparseFactors f = (SparseFactors) new SparseQuantizedFactors(4, 2, 1, 0, 32)
                .compress(w, CStep.of(1, 1, warmStart(w, start, 4)));
        assertEquals(scatter, w.squaredDistance(f.decompress()), 1e-6 * scatter, "the four clusters' scatter");
    }

    /** Vectors around the centres, sizes[r] of them around centres[r], one cluster after the other. */
    private static Matrix clusters(Random random, double[][] centres, int[] sizes) {
        int n = java.util.Arrays.stream(sizes).sum();
        double[] w = new double[n * 2];
        for (int r = 0, i = 0; r < centres.length; r++) {
            for (int m = 0; m < sizes[r]; m++, i++) {
                w[i * 2] = centres[r][0] + 0.3 * random.nextGaussian();
                w[i * 2 + 1] = centres[r][1] + 0.3 * random.nextGaussian();
            }
        }
        return Matrix.of(n, 2, w);
    }

    /** A previous Θ with one unit term per vector (its nearest row) and a float codebook. */
    private static SparseFactors warmStart(Matrix w, double[] codebook, int k) {
        int n = w.rows();
        int[] indices = new int[n];
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double dx = w.get(i, 0) - codebook[j * 2];
                double dy = w.get(i, 1) - codebook[j * 2 + 1];
                if (dx * dx + dy * dy < best) {
                    best = dx * dx + dy * dy;
                    indices[i] = j;
                }
            }
            values[i] = 1;
        }
        return new SparseFactors(n, 2, Matrix.of(k, 2, codebook), indices, values, 1, 0, 0, 32, 0, new double[] {0});
    }

    private static void assertOnGrid(double v, int bits, double scale) {
        if (bits >= 32) {
            return;
        }
        if (bits == 1) {
            assertEquals(scale, Math.abs(v), 1e-12);
            return;
        }
        double j = v / scale;
        assertEquals(Math.round(j), j, 1e-9, "on the grid");
        assertTrue(Math.abs(Math.round(j)) <= (1 << (bits - 1)) - 1, "within the grid: " + j);
    }
}
