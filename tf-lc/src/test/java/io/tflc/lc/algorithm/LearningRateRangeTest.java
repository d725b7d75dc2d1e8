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
            Optimizer sgd = new Optimizer(Optimizer.SGD_NESTEROV, 0.9);
            LStepGraph lstep = new LStepGraph(model, penalized, sgd);
            Map<String, float[]> before = model.access().readAll();
            Map<String, float[]> slotsBefore = lstep.state().readAll();

            LearningRateRange.Result result = LearningRateRange.measure(model, lstep, penalized, batches, train, 7);

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
            // The stated rule on the measured curve: every rate up to the chosen one kept the probe loss within the
            // tolerance of its running minimum, and the next one (when the test got there) did not.
            List<Double> losses = result.probeLosses();
            int stable = (int) Math.round(Math.log(result.learningRate() / LearningRateRange.LOW) / Math.log(2));
            assertEquals(LearningRateRange.LOW * Math.pow(2, stable), result.learningRate(), 1e-15);
            double lowest = losses.get(0);
            for (int i = 1; i <= stable + 1; i++) {
                assertTrue(losses.get(i) <= (1 + LearningRateRange.TOLERANCE) * lowest, "rate " + i + ": " + losses);
                lowest = Math.min(lowest, losses.get(i));
            }
            if (losses.size() > stable + 2) {
                assertTrue(!(losses.get(stable + 2) <= (1 + LearningRateRange.TOLERANCE) * lowest), losses.toString());
            }
            // An untrained layer learns: the probe loss fell well below the start before the rate got too large,
            // and the rate found is one SGD trains this layer with (neither the floor nor the ceiling).
            double best = losses.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).min().orElseThrow();
            assertTrue(best < 0.8 * losses.get(0), losses.toString());
            Optimizer adam = new Optimizer(Optimizer.ADAM, 0.9);
            assertTrue(result.learningRate() > 1e-4 && result.learningRate() < 0.5, result.describe(adam));
            assertTrue(result.describe(adam).startsWith("learning rate from a range test on the reference: "));
            // The L-step's lr0: Adam's the rate itself, SGD's the stated multiple of it, and the line says so.
            assertEquals(result.learningRate(), result.lr0(adam));
            assertEquals(LearningRateRange.SGD_MULTIPLE * result.learningRate(), result.lr0(sgd), 1e-15);
            assertTrue(result.describe(sgd).endsWith(String.format(java.util.Locale.ROOT, "SGD's lr0 is 4× it: %.3g",
                    result.lr0(sgd))), result.describe(sgd));

            // Deterministic for a seed: the same rate again, from the same (restored) start.
            assertEquals(result, LearningRateRange.measure(model, lstep, penalized, batches, train, 7));
        }
    }
}
