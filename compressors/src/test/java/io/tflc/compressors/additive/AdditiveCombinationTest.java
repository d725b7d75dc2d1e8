package io.tflc.compressors.additive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.AdditiveSum;
import io.tflc.compressors.BruteForce;
import io.tflc.compressors.CStep;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.SparseValues;
import io.tflc.compressors.Theta;
import io.tflc.compressors.lowrank.FixedRank;
import io.tflc.compressors.pruning.L0Constraint;
import io.tflc.compressors.quantization.AdaptiveCodebook;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdditiveCombinationTest {

    /** A 1-bit codebook plus 1% corrections fits better than the codebook alone, as in the ECML paper. */
    @Test
    void codebookPlusCorrectionsBeatsTheCodebookAlone() {
        Matrix x = BruteForce.random(new Random(61), 100, 50);
        double codebookOnly = x.squaredDistance(new AdaptiveCodebook(2).compress(x, CStep.direct(1)).decompress());
        AdditiveCombination combination =
                new AdditiveCombination(List.of(new AdaptiveCodebook(2), L0Constraint.keepFraction(0.01)));
        AdditiveSum sum = (AdditiveSum) combination.compress(x, CStep.direct(1));
        assertEquals(50, ((SparseValues) sum.parts().get(1)).kept());
        assertTrue(x.squaredDistance(sum.decompress()) < codebookOnly);
        assertTrue(sum.sweepObjectives().length >= 2, "alternates until the objective settles");
    }

    /**
     * Low rank + sparse on a matrix that is exactly rank 1 plus 3 spikes smaller than the rank-1 part: alternation
     * (a local method) recovers the planted decomposition. With spikes that dominate the matrix, the first rank-1
     * fit would take a spike instead and alternation would stop in a local optimum.
     */
    @Test
    void lowRankPlusSparseRecoversAPlantedDecomposition() {
        Random random = new Random(62);
        Matrix u = BruteForce.random(random, 12, 1);
        Matrix v = BruteForce.random(random, 1, 9);
        double[] spikes = new double[108];
        spikes[5] = 4;
        spikes[50] = -3.5;
        spikes[100] = 3;
        Matrix x = u.times(v).plus(Matrix.of(12, 9, spikes));
        Theta theta = new AdditiveCombination(List.of(new FixedRank(1), L0Constraint.keep(3)))
                .compress(x, CStep.direct(1));
        assertTrue(x.squaredDistance(theta.decompress()) < 1e-8 * x.squaredNorm(),
                "residual " + x.squaredDistance(theta.decompress()));
    }
}
