package io.tflc.compressors.id;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.BruteForce;
import io.tflc.compressors.Matrix;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InterpolationTest {

    private static Matrix columns(Matrix z, int[] index) {
        double[] out = new double[z.rows() * index.length];
        for (int i = 0; i < z.rows(); i++) {
            for (int j = 0; j < index.length; j++) {
                out[i * index.length + j] = z.get(i, index[j]);
            }
        }
        return Matrix.of(z.rows(), index.length, out);
    }

    @Test
    void pivotedQrReproducesThePermutedMatrixWithDecreasingDiagonal() {
        Random random = new Random(1);
        for (int trial = 0; trial < 10; trial++) {
            int m = 5 + random.nextInt(30);
            int n = 1 + random.nextInt(12);
            Matrix z = BruteForce.random(random, m, n);
            PivotedQr qr = PivotedQr.of(z, true);
            Matrix zp = columns(z, qr.pivots());
            assertTrue(zp.squaredDistance(qr.q().times(qr.r())) <= 1e-20 * Math.max(1, z.squaredNorm()));
            for (int i = 1; i < Math.min(m, n); i++) {
                assertTrue(Math.abs(qr.r().get(i, i)) <= Math.abs(qr.r().get(i - 1, i - 1)) * (1 + 1e-12));
            }
        }
    }

    @Test
    void stackingBlockRsGivesTheSameRAndPivots() {
        Random random = new Random(2);
        Matrix z = BruteForce.random(random, 500, 7);
        StackedR stacked = new StackedR(7);
        double[] all = z.toArray();
        for (int start = 0; start < 500; start += 60) {
            int rows = Math.min(60, 500 - start);
            stacked.add(Arrays.copyOfRange(all, start * 7, (start + rows) * 7), rows);
        }
        PivotedQr direct = PivotedQr.of(z);
        PivotedQr viaBlocks = PivotedQr.of(stacked.r());
        assertArrayEquals(direct.pivots(), viaBlocks.pivots());
        for (int i = 0; i < 7; i++) {
            for (int j = i; j < 7; j++) {
                assertEquals(Math.abs(direct.r().get(i, j)), Math.abs(viaBlocks.r().get(i, j)), 1e-9);
            }
        }
    }

    @Test
    void theIdIsExactWhenTheRankIsAtMostK() {
        Random random = new Random(3);
        Matrix z = BruteForce.random(random, 40, 3).times(BruteForce.random(random, 3, 9));
        for (int k = 3; k <= 9; k++) {
            Interpolation id = Interpolation.of(PivotedQr.of(z), k);
            Matrix approx = columns(z, id.kept()).times(id.t());
            assertTrue(z.squaredDistance(approx) <= 1e-18 * z.squaredNorm(), "k=" + k);
        }
        Interpolation two = Interpolation.of(PivotedQr.of(z), 2);
        assertTrue(two.error() > 1e-3, "a rank-3 matrix is not rank 2");
    }

    @Test
    void duplicatedColumnsAreDroppedExactly() {
        Random random = new Random(4);
        Matrix base = BruteForce.random(random, 30, 3);
        int[] copies = {0, 1, 0, 2, 1, 1};
        Matrix z = columns(base, copies);
        Interpolation id = Interpolation.of(PivotedQr.of(z), 3).sorted();
        assertEquals(3, Arrays.stream(id.kept()).map(c -> copies[c]).distinct().count(), "one column of each kind");
        assertTrue(z.squaredDistance(columns(z, id.kept()).times(id.t())) <= 1e-20 * z.squaredNorm());
        for (int i = 0; i < 3; i++) {
            assertEquals(1.0, id.t().get(i, id.kept()[i]), 1e-12);
        }
    }
}
