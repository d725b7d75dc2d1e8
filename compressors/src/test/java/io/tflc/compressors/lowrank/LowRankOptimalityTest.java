package io.tflc.compressors.lowrank;

import static io.tflc.compressors.BruteForce.relativeGap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.BruteForce;
import io.tflc.compressors.CStep;
import io.tflc.compressors.LowRankFactors;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.Theta;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Low-rank C-steps against Eckart–Young with singular values from an independent Jacobi eigen-solver, and rank
 * selection against an exhaustive scan over every rank.
 */
class LowRankOptimalityTest {

    @Test
    void fixedRankReachesTheEckartYoungError() {
        Random random = new Random(31);
        for (int trial = 0; trial < 20; trial++) {
            int m = 1 + random.nextInt(7);
            int n = 1 + random.nextInt(7);
            Matrix x = BruteForce.random(random, m, n);
            double[] s2 = BruteForce.squaredSingularValues(x);
            for (int r = 0; r <= Math.min(m, n); r++) {
                double best = 0;
                for (int i = r; i < s2.length; i++) {
                    best += s2[i];
                }
                Theta theta = new FixedRank(r).compress(x, CStep.direct(1));
                double got = x.squaredDistance(theta.decompress());
                assertTrue(relativeGap(got, best) <= 1e-6 || Math.abs(got - best) < 1e-10,
                        m + "×" + n + " r=" + r + ": " + got + " vs " + best);
            }
        }
    }

    @Test
    void rankSelectionIsTheBestRank() {
        Random random = new Random(32);
        for (int trial = 0; trial < 30; trial++) {
            int m = 2 + random.nextInt(6);
            int n = 2 + random.nextInt(6);
            Matrix x = BruteForce.random(random, m, n);
            double mu = 0.1 + random.nextDouble();
            double alpha = random.nextDouble() * 0.2;
            boolean normalize = trial % 2 == 0;
            double flops = trial % 3 == 0 ? 9 : 1;
            RankSelection selection = new RankSelection(alpha, flops, normalize);
            double[] s2 = BruteForce.squaredSingularValues(x);
            double norm = normalize ? x.squaredNorm() : 1;
            double best = Double.POSITIVE_INFINITY;
            for (int r = 0; r <= s2.length; r++) {
                double tail = 0;
                for (int i = r; i < s2.length; i++) {
                    tail += s2[i];
                }
                best = Math.min(best, tail / norm + 2 * alpha * r * (m + n) * flops / mu);
            }
            double got = selection.objective(x, selection.compress(x, CStep.of(mu, 1, null)), mu);
            assertTrue(relativeGap(got, best) <= 1e-6, "trial " + trial + ": " + got + " vs " + best);
        }
    }

    @Test
    void factorsHaveTheRequestedShapes() {
        Matrix x = BruteForce.random(new Random(33), 9, 5);
        LowRankFactors f = (LowRankFactors) new FixedRank(2).compress(x, CStep.direct(1));
        assertEquals(9, f.u().rows());
        assertEquals(2, f.u().cols());
        assertEquals(2, f.v().rows());
        assertEquals(5, f.v().cols());
    }
}
