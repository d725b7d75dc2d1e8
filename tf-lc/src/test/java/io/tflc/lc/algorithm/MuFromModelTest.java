package io.tflc.lc.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MuFromModelTest {

    @Test
    void mu0IsKappaTimesTheCurvatureAlongTheCompression() {
        // The Keras MNIST CNN's DC (codebook:4 on every kernel): ΔL = 0.1465, D = 98.56.
        MuSchedule mu = MuFromModel.derive(MuSchedule.fromModel(30), 0.1465, 98.56);
        assertEquals(MuFromModel.KAPPA * 2 * 0.1465 / 98.56, mu.mu0(), 1e-12);
        assertEquals(30, mu.steps());
        assertTrue(mu.derived());
        assertEquals(MuFromModel.SPAN * mu.mu0(), mu.mu(29), 1e-9 * mu.mu0());
        String line = MuFromModel.describe(mu, 0.1465, 98.56);
        assertTrue(line.startsWith("μ from the model: μ0 = ") && line.contains("ΔL = 0.1465")
                && line.contains("D = 98.56") && line.contains("over 30 steps"), line);
    }

    @Test
    void aDcThatLostNothingOrMovedNothingStillGivesASaneMu0() {
        assertEquals(MuFromModel.PROVISIONAL_MU0, MuFromModel.mu0(-0.01, 50), "DC better than the reference");
        assertEquals(MuFromModel.PROVISIONAL_MU0, MuFromModel.mu0(0, 0), "nothing moved");
        assertEquals(MuFromModel.PROVISIONAL_MU0, MuFromModel.mu0(0.1, 0), "no distance: no curvature to measure");
        assertEquals(MuFromModel.MAX_MU0, MuFromModel.mu0(100, 1e-6), "ceiling");
        assertEquals(MuFromModel.MIN_MU0, MuFromModel.mu0(1e-9, 1e6), "floor");
        assertEquals(1, MuFromModel.growth(1));
        assertEquals(1, MuFromModel.growth(0));
    }

    @Test
    void muHoldsOnlyWhileTheNestedModelStillImprovesOnItsBest() {
        assertTrue(!MuFromModel.grows(1.0, 0.5), "a new best by far: the L-step is still making progress at this μ");
        assertTrue(MuFromModel.grows(1.0, 1.0 - MuFromModel.PROGRESS / 2), "settled: within the margin of the best");
        assertTrue(MuFromModel.grows(1.0, 1.3), "worse than the best: more steps at this μ do not help");
        assertTrue(MuFromModel.grows(Double.NaN, 0.5) && MuFromModel.grows(1.0, Double.NaN), "not a number: grow");
    }
}
