package io.tflc.compressors.quantization;

import static io.tflc.compressors.BruteForce.relativeGap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.BruteForce;
import io.tflc.compressors.CStep;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.Quantized;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Each quantization C-step against an exhaustive search over all assignments, on small random inputs. */
class QuantizationOptimalityTest {
    private static final CStep DC = CStep.direct(1e-3);

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void adaptiveCodebookIsTheGlobalOptimum(int k) {
        Random random = new Random(k);
        for (int trial = 0; trial < 30; trial++) {
            int n = 1 + random.nextInt(k == 4 ? 7 : 8);
            Matrix x = BruteForce.random(random, 1, n);
            double best = BruteForce.kMeans1D(x.toArray(), Math.min(k, n));
            double got = new AdaptiveCodebook(k).objective(x, new AdaptiveCodebook(k).compress(x, DC), 1);
            assertTrue(relativeGap(got, best) <= 1e-6 || Math.abs(got - best) < 1e-12,
                    "k=" + k + " trial " + trial + ": " + got + " vs optimum " + best);
        }
    }

    /** On larger inputs than enumeration allows, the O(k·n log n) DP agrees with a plain O(k·n²) DP. */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 5, 8, 16})
    void adaptiveCodebookMatchesQuadraticDp(int k) {
        Random random = new Random(100 + k);
        double[] x = new double[k == 16 ? 1500 : 300];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian() * (i % 3 == 0 ? 3 : 1);
        }
        Matrix m = Matrix.rowVector(x);
        double got = m.squaredDistance(new AdaptiveCodebook(k).compress(m, DC).decompress());
        assertTrue(relativeGap(got, quadraticDp(x, k)) <= 1e-9, got + " vs " + quadraticDp(x, k));
    }

    @Test
    void runMergingForHugeInputsIsNoWorseThanTheRunsAndCloseToExact() {
        Random random = new Random(7);
        double[] x = new double[20_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        double exact = error(x, OptimalKMeans1D.centers(x, 4));
        // Force the approximate path: at most 200 runs per layer.
        double approximate = error(x, OptimalKMeans1D.centers(x, 4, 600));
        assertTrue(approximate >= exact - 1e-9, "the exact DP must be optimal");
        assertTrue(relativeGap(approximate, exact) < 1e-3, approximate + " vs exact " + exact);
    }

    @Test
    void binaryIsTheSign() {
        Matrix x = Matrix.rowVector(-2, -0.1, 0, 0.3, 5);
        assertArrayEquals(new double[] {-1, -1, 1, 1, 1}, new Binary().compress(x, DC).decompress().toArray());
    }

    @Test
    void scaledBinaryIsTheGlobalOptimum() {
        Random random = new Random(3);
        for (int trial = 0; trial < 30; trial++) {
            Matrix x = BruteForce.random(random, 1, 1 + random.nextInt(10));
            double[] v = x.toArray();
            double[] best = {Double.POSITIVE_INFINITY};
            BruteForce.assignments(v.length, 2, a -> {
                // For fixed signs s, the best scale is a = <s, x>/n.
                double dot = 0;
                for (int i = 0; i < v.length; i++) {
                    dot += (a[i] == 0 ? -1 : 1) * v[i];
                }
                double scale = dot / v.length;
                double err = 0;
                for (int i = 0; i < v.length; i++) {
                    double d = v[i] - (a[i] == 0 ? -1 : 1) * scale;
                    err += d * d;
                }
                best[0] = Math.min(best[0], err);
            });
            double got = x.squaredDistance(new ScaledBinary().compress(x, DC).decompress());
            assertTrue(relativeGap(got, best[0]) <= 1e-6, got + " vs " + best[0]);
        }
    }

    @Test
    void scaledTernaryIsTheGlobalOptimum() {
        Random random = new Random(4);
        for (int trial = 0; trial < 30; trial++) {
            Matrix x = BruteForce.random(random, 1, 1 + random.nextInt(8));
            double[] v = x.toArray();
            double[] best = {x.squaredNorm()};
            BruteForce.assignments(v.length, 3, a -> {
                double dot = 0;
                int nonzero = 0;
                for (int i = 0; i < v.length; i++) {
                    dot += (a[i] - 1) * v[i];
                    nonzero += a[i] == 1 ? 0 : 1;
                }
                if (nonzero == 0) {
                    return;
                }
                double scale = dot / nonzero;
                double err = 0;
                for (int i = 0; i < v.length; i++) {
                    double d = v[i] - (a[i] - 1) * scale;
                    err += d * d;
                }
                best[0] = Math.min(best[0], err);
            });
            double got = x.squaredDistance(new ScaledTernary().compress(x, DC).decompress());
            assertTrue(relativeGap(got, best[0]) <= 1e-6, got + " vs " + best[0]);
        }
    }

    @Test
    void fixedCodebookIsTheGlobalOptimum() {
        Random random = new Random(5);
        double[] codebook = {-1, -0.25, 0.5, 2};
        for (int trial = 0; trial < 20; trial++) {
            Matrix x = BruteForce.random(random, 1, 1 + random.nextInt(7));
            double[] v = x.toArray();
            double[] best = {Double.POSITIVE_INFINITY};
            BruteForce.assignments(v.length, codebook.length, a -> {
                double err = 0;
                for (int i = 0; i < v.length; i++) {
                    err += (v[i] - codebook[a[i]]) * (v[i] - codebook[a[i]]);
                }
                best[0] = Math.min(best[0], err);
            });
            double got = x.squaredDistance(new FixedCodebook(codebook).compress(x, DC).decompress());
            assertTrue(relativeGap(got, best[0]) <= 1e-6, got + " vs " + best[0]);
        }
    }

    @Test
    void fewerDistinctValuesThanKAreKeptExactly() {
        Matrix x = Matrix.rowVector(0.5, 0.5, -1, 0.5, -1);
        Quantized q = (Quantized) new AdaptiveCodebook(4).compress(x, DC);
        assertEquals(x, q.decompress());
        assertEquals(2, q.codebook().length);
    }

    private static double error(double[] x, double[] centers) {
        double err = 0;
        for (double v : x) {
            double c = centers[Codebooks.nearest(centers, v)];
            err += (v - c) * (v - c);
        }
        return err;
    }

    /** Textbook O(k·n²) DP over sorted values, as an independent reference. */
    private static double quadraticDp(double[] values, int k) {
        double[] x = values.clone();
        java.util.Arrays.sort(x);
        int n = x.length;
        double[][] d = new double[k + 1][n + 1];
        for (double[] row : d) {
            java.util.Arrays.fill(row, Double.POSITIVE_INFINITY);
        }
        d[0][0] = 0;
        for (int m = 1; m <= k; m++) {
            for (int j = 1; j <= n; j++) {
                double sum = 0;
                double squares = 0;
                for (int i = j; i >= 1; i--) {
                    sum += x[i - 1];
                    squares += x[i - 1] * x[i - 1];
                    int count = j - i + 1;
                    double cost = squares - sum * sum / count;
                    d[m][j] = Math.min(d[m][j], d[m - 1][i - 1] + Math.max(cost, 0));
                }
            }
        }
        return d[k][n];
    }
}
