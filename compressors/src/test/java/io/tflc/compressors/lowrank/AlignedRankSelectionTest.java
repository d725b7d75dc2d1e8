package io.tflc.compressors.lowrank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.BruteForce;
import io.tflc.compressors.CStep;
import io.tflc.compressors.LowRankFactors;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.Theta;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Rank selection with ranks rounded up to an alignment (factored layers, issue 18): the rank is the criterion's
 * rounded up, never rounded down, so the distance to the weights never exceeds the unaligned choice's.
 */
class AlignedRankSelectionTest {

    @Test
    void theChosenRankIsRoundedUpAndTheErrorNeverGrows() {
        Random random = new Random(41);
        int rounded = 0;
        for (int trial = 0; trial < 40; trial++) {
            int m = 20 + random.nextInt(20);
            int n = 20 + random.nextInt(20);
            Matrix x = BruteForce.random(random, m, n);
            double alpha = 1e-3 * random.nextDouble();
            RankSelection plain = new RankSelection(alpha, 1, true);
            int alignment = 4 + 4 * random.nextInt(2);
            Theta free = plain.compress(x, CStep.direct(1));
            Theta aligned = plain.aligned(alignment).compress(x, CStep.direct(1));
            int r = rank(free);
            int a = rank(aligned);
            int full = Math.min(m, n);
            int up = (r + alignment - 1) / alignment * alignment;
            assertEquals(up < full ? up : r, a, m + "×" + n + " α=" + alpha + " alignment " + alignment);
            rounded += a != r ? 1 : 0;
            assertTrue(x.squaredDistance(aligned.decompress()) <= x.squaredDistance(free.decompress()) + 1e-9,
                    "rank " + a + " is at least as close as rank " + r);
        }
        assertTrue(rounded > 10, "the trials exercise rounding: " + rounded);
    }

    @Test
    void anAlignmentBelowOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RankSelection(1e-3).aligned(0));
        assertTrue(e.getMessage().contains("alignment is 0"), e.getMessage());
    }

    @Test
    void truncatedFactorsAreTheSmallerTruncatedSvd() {
        Matrix x = BruteForce.random(new Random(42), 12, 9);
        LowRankFactors six = (LowRankFactors) new FixedRank(6).compress(x, CStep.direct(1));
        LowRankFactors four = six.truncated(4);
        Matrix direct = new FixedRank(4).compress(x, CStep.direct(1)).decompress();
        assertEquals(4, four.rank());
        assertTrue(direct.squaredDistance(four.decompress()) < 1e-18 * Math.max(1, x.squaredNorm()),
                "the first 4 of 6 SVD factors are the rank-4 SVD");
        assertThrows(IllegalArgumentException.class, () -> six.truncated(7));
    }

    private static int rank(Theta theta) {
        return theta instanceof LowRankFactors f ? f.rank() : Math.min(theta.rows(), theta.cols());
    }
}
