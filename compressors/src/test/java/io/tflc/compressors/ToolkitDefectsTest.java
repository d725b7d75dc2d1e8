package io.tflc.compressors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.lowrank.FixedRank;
import io.tflc.compressors.lowrank.RankSelection;
import io.tflc.compressors.pruning.L0Penalty;
import io.tflc.compressors.pruning.L1Constraint;
import io.tflc.compressors.pruning.L1Penalty;
import io.tflc.compressors.quantization.AdaptiveCodebook;
import io.tflc.compressors.quantization.ScaledTernary;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The cases on which the public PyTorch LC toolkit is wrong (docs/lc-algorithm.md, 'Compression types'), one test
 * each.
 */
class ToolkitDefectsTest {

    @Test
    void l1ProjectionOfOneOneOntoTheUnitBallIsAHalfEach() {
        Theta theta = new L1Constraint(1).compress(Matrix.rowVector(1, 1), CStep.direct(1));
        assertArrayEquals(new double[] {0.5, 0.5}, theta.decompress().toArray(), 1e-15);
    }

    @Test
    void exactKMeansHandlesDuplicatesFewValuesAndConstants() {
        for (Matrix x : List.of(Matrix.rowVector(1, 1, 1, 2, 2, 3), Matrix.rowVector(0.3), Matrix.rowVector(4, 4, 4, 4),
                Matrix.rowVector(1, 2), Matrix.rowVector(-1, 1, -1, 1, 0, 0, 5))) {
            for (int k = 1; k <= 5; k++) {
                Theta theta = new AdaptiveCodebook(k).compress(x, CStep.direct(1));
                assertEquals(x.size(), theta.decompress().size());
            }
        }
        Matrix ties = Matrix.rowVector(1, 1, 1, 2, 2, 3);
        assertEquals(0, ties.squaredDistance(new AdaptiveCodebook(3).compress(ties, CStep.direct(1)).decompress()));
    }

    @Test
    void lowRankAtOrAboveFullRankReturnsTheMatrix() {
        Matrix x = BruteForce.random(new Random(41), 4, 3);
        for (int r = 3; r <= 6; r++) {
            Theta theta = new FixedRank(r).compress(x, CStep.direct(1));
            assertEquals(x, theta.decompress());
            assertEquals(32L * 12, theta.bits(), "the matrix itself, not costlier factors");
        }
    }

    @Test
    void ternaryKeepsTheShapeOfAMatrix() {
        Matrix x = BruteForce.random(new Random(42), 5, 7);
        Matrix q = new ScaledTernary().compress(x, CStep.direct(1)).decompress();
        assertEquals(5, q.rows());
        assertEquals(7, q.cols());
    }

    @Test
    void directCompressionOfPenaltyFormsIsNotEmpty() {
        Matrix x = BruteForce.random(new Random(43), 20, 10);
        double mu0 = 9e-5 * 1e4; // the first μ of a schedule
        for (Compression c : List.of(new L0Penalty(1e-4), new L1Penalty(1e-4), new RankSelection(1e-6))) {
            Matrix dc = c.compress(x, CStep.direct(mu0)).decompress();
            assertTrue(dc.squaredNorm() > 0, c.describe() + " gave an empty model at DC");
        }
    }

    @Test
    void penaltyFormsRefuseMuZeroAndSayWhatToDo() {
        Matrix x = BruteForce.random(new Random(44), 3, 3);
        for (Compression c : List.of(new L0Penalty(1e-4), new L1Penalty(1e-4), new RankSelection(1e-6))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> c.compress(x, CStep.direct(0)));
            assertTrue(e.getMessage().contains("μ0"), e.getMessage());
        }
    }
}
