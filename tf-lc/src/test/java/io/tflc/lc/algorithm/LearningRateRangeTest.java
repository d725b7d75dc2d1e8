package io.tflc.lc.algorithm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.FashionMnist;
import io.tflc.lc.data.BatchSource;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.lstep.LStepGraph;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** The range test on a small softmax layer: the rule it states, a rate that trains, and nothing left changed. */
class LearningRateRangeTest {

    private static TrainableModel model() {
        LayerGraph layers = new LayerGraph(new Graph(), 4);
        Placeholder<TFloat32> input = layers.input(784);
        return layers.build(input, layers.dense("dense", input, 10, false));
    }

    @Test
    void choosesTheLargestRateTheModelStandsAndPutsEverythingBack() {
        Dataset train = FashionMnist.get().train().head(2000);
        List<String> penalized = List.of("dense/kernel");
        try (TrainableModel model = model();
             BatchSource batches = train.batches(50)) {
            LStepGraph lstep = new LStepGraph(model, penalized, new Optimizer(Optimizer.SGD_NESTEROV, 0.9));
            Map<String, float[]> before = model.access().readAll();
            Map<String, float[]> slotsBefore = lstep.state().readAll();

            LearningRateRange.Result result = LearningRateRange.measure(model, lstep, penalized, batches, train, 7,
                    0);

            model.access().readAll().forEach((name, values) -> assertArrayEquals(before.get(name), values, name));
            // Nesterov's velocities start from zero again, as they were (the test trained with them).
            Map<String, float[]> slotsAfter = lstep.state().readAll();
            long velocities = slotsBefore.keySet().stream().filter(n -> n.contains("velocity_")).count();
            assertTrue(velocities >= 1, slotsBefore.keySet().toString());
            slotsBefore.forEach((name, values) -> {
                if (name.contains("velocity_")) {
                    assertArrayEquals(values, slotsAfter.get(name), name);
                }
            });
            assertFollowsTheRule(result);
            List<Double> losses = result.probeLosses();
            // An untrained layer learns: the probe loss fell well below the start before the rate got too large,
            // and the rate found is one SGD trains this layer with (neither the floor nor the ceiling).
            double best = losses.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).min().orElseThrow();
            assertTrue(best < 0.8 * losses.get(0), losses.toString());
            assertTrue(result.learningRate() > 1e-4 && result.learningRate() < 0.5, result.describe());
            assertTrue(result.describe().startsWith("learning rate from a range test on the reference: "));

            // Deterministic for a seed: the same rate again, from the same (restored) start.
            assertEquals(result, LearningRateRange.measure(model, lstep, penalized, batches, train, 7, 0));
        }
    }

    @Test
    void aLargerCompressionLossAllowsALargerRate() {
        Dataset train = FashionMnist.get().train().head(2000);
        List<String> penalized = List.of("dense/kernel");
        try (TrainableModel model = model();
             BatchSource batches = train.batches(50)) {
            LStepGraph lstep = new LStepGraph(model, penalized, new Optimizer(Optimizer.SGD_NESTEROV, 0.9));
            LearningRateRange.Result relative = LearningRateRange.measure(model, lstep, penalized, batches, train, 7,
                    0);
            // ΔL as large as the untrained layer's loss itself: the allowance is ten times the relative rule's.
            double deltaLoss = relative.probeLosses().get(0);
            LearningRateRange.Result allowed = LearningRateRange.measure(model, lstep, penalized, batches, train, 7,
                    deltaLoss);

            assertFollowsTheRule(relative);
            assertFollowsTheRule(allowed);
            assertEquals(deltaLoss, allowed.compressionLoss());
            assertTrue(allowed.learningRate() > relative.learningRate(), relative.describe() + " / "
                    + allowed.describe());
            // Up to the rate the relative rule stopped at, both saw the same curve (same seed, same start).
            int common = relative.probeLosses().size();
            assertEquals(relative.probeLosses().subList(0, common - 1), allowed.probeLosses().subList(0, common - 1));
            // A ΔL below zero (compression helped) allows nothing beyond the relative rule.
            assertEquals(relative.learningRate(), LearningRateRange.measure(model, lstep, penalized, batches, train, 7,
                    -1).learningRate());
        }
    }

    @Test
    void adamTriesNoRateAboveATenthOfTheWeightsRms() {
        Dataset train = FashionMnist.get().train().head(2000);
        List<String> penalized = List.of("dense/kernel");
        try (TrainableModel model = model();
             BatchSource batches = train.batches(50)) {
            LStepGraph lstep = new LStepGraph(model, penalized, new Optimizer(Optimizer.ADAM, 0.9));
            float[] kernel = model.access().readAll().get("dense/kernel");
            double squares = 0;
            for (float v : kernel) {
                squares += (double) v * v;
            }
            double ceiling = LearningRateRange.ADAM_STEP_SHARE * Math.sqrt(squares / kernel.length);
            // ΔL so large that only the ceiling can end the test before the rates run out.
            LearningRateRange.Result result = LearningRateRange.measure(model, lstep, penalized, batches, train, 7,
                    1e6);

            assertEquals(ceiling, result.ceiling(), 1e-6 * ceiling);
            int triable = (int) Math.floor(Math.log(ceiling / LearningRateRange.LOW) / Math.log(2)) + 1;
            assertTrue(triable < LearningRateRange.RATES, "ceiling " + ceiling);
            assertEquals(triable + 1, result.probeLosses().size(), result.describe());
            assertEquals(LearningRateRange.LOW * Math.pow(2, triable - 1), result.learningRate(), 1e-15);
            assertTrue(result.describe().contains("a tenth of the weights' RMS"), result.describe());
        }
    }

    /**
     * The stated rule on the measured curve: every rate up to the chosen one kept the probe loss within the allowance
     * of its running minimum, and the next one (when the test got there) did not.
     */
    private static void assertFollowsTheRule(LearningRateRange.Result result) {
        List<Double> losses = result.probeLosses();
        double deltaLoss = result.compressionLoss();
        int stable = (int) Math.round(Math.log(result.learningRate() / LearningRateRange.LOW) / Math.log(2));
        assertEquals(LearningRateRange.LOW * Math.pow(2, stable), result.learningRate(), 1e-15);
        double lowest = losses.get(0);
        for (int i = 1; i <= stable + 1; i++) {
            double limit = lowest + LearningRateRange.TOLERANCE * Math.max(lowest, deltaLoss);
            assertTrue(losses.get(i) <= limit, "rate " + i + ": " + losses);
            lowest = Math.min(lowest, losses.get(i));
        }
        if (losses.size() > stable + 2) {
            double limit = lowest + LearningRateRange.TOLERANCE * Math.max(lowest, deltaLoss);
            assertTrue(!(losses.get(stable + 2) <= limit), losses.toString());
        }
    }
}
