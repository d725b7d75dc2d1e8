package io.tflc.lc.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.Theta;
import io.tflc.compressors.quantization.AdaptiveCodebook;
import io.tflc.compressors.views.AsIs;
import io.tflc.lc.FashionMnist;
import io.tflc.lc.TestModels;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** A short LC run on a small MLP and 6,000 Fashion-MNIST images, from a saved reference. */
class LcRunTest {

    @Test
    void lcBeatsDirectCompressionWithOneBitCodebooks(@TempDir Path dir) throws Exception {
        Dataset train = FashionMnist.get().train().head(6000);
        Dataset test = FashionMnist.get().test().head(2000);
        Path reference = dir.resolve("reference");
        TestModels.trainAndSave(1, 64, train, 4, reference);
        try (TrainableModel model = SavedModelReader.read(reference, "serving_default", null, null)) {
            List<Task> tasks = List.of(
                    new Task("dense/kernel", List.of("dense/kernel"), new AsIs(new int[] {784, 64}),
                            new AdaptiveCodebook(2)),
                    new Task("dense_1/kernel", List.of("dense_1/kernel"), new AsIs(new int[] {64, 10}),
                            new AdaptiveCodebook(2)));
            LcRun run = new LcRun(model, tasks, new MuSchedule(5e-3, 1.5, 8),
                    new LStepSettings(1, 2, 64, new Optimizer(Optimizer.SGD_NESTEROV, 0.9), 0.02, 0.98),
                    train, test, 7, new LcRun.Listener() { }, null, "test");
            LcReport report = run.run(false);

            assertEquals(2 + 8, report.rows().size());
            double reference0 = report.reference().testError();
            double dc = report.directCompression().testError();
            double lc = report.finalRow().testError();
            System.out.printf("1-bit LC run: test error reference %.2f%%, DC %.2f%%, LC %.2f%%%n", 100 * reference0,
                    100 * dc, 100 * lc);
            assertTrue(lc < dc - 0.02, "LC " + lc + " should beat DC " + dc + " (reference " + reference0 + ")");
            assertTrue(report.finalRow().compressionRatio() > 20, "1-bit kernels: " + report.finalRow().compressionRatio());
            List<Row.TaskRow> first = report.steps().get(0).tasks();
            List<Row.TaskRow> last = report.finalRow().tasks();
            assertTrue(last.get(0).distance() < first.get(0).distance(), "‖w − Δ(Θ)‖² shrinks as μ grows");
            for (Theta theta : run.thetas()) {
                assertTrue(Arrays.stream(theta.decompress().toArray()).distinct().count() <= 2);
            }
        }
    }

    @Test
    void aDivergingRunStopsWithTheStepAndTheFixAndKeepsDirectCompressionAsItsResult(@TempDir Path dir)
            throws Exception {
        try (TrainableModel model = softmaxLayer()) {
            Path checkpoints = dir.resolve("checkpoint");
            LcRun run = oneBitRun(model, 1e6, new LcRun.Listener() { }, checkpoints);
            LcReport report = run.run(false);
            assertTrue(report.stop() != null && report.stop().contains("LC step 1") && report.stop().contains("lr0"),
                    "the stop names the step and the fix: " + report.stop());
            assertEquals(2, report.rows().size(), "no LC step finished");
            assertEquals(0, report.exportedStep(), "direct compression is the only nested model, so the result");
            assertEquals(0, run.best().step());
            Checkpoint kept = Checkpoint.read(checkpoints);
            assertEquals(0, kept.completedSteps(), "the state after direct compression is kept");
            assertEquals(2, kept.rows().size());
            assertEquals(0, kept.best().step());
        }
    }

    @Test
    void aDivergedLStepRunsAgainFromWhereItStartedAtHalfTheRateAndTheRunGoesOn() throws Exception {
        try (TrainableModel model = softmaxLayer()) {
            List<String> notices = new java.util.ArrayList<>();
            // Measured on this layer: the first epoch's loss comes to about 40·lr against an explosion threshold of
            // 1000× the reference's 2.5, so 200 explodes (8,000) and 25 trains (about 1,000).
            double lr0 = 200;
            LcRun run = oneBitRun(model, lr0, new LcRun.Listener() {
                @Override
                public void notice(String message) {
                    notices.add(message);
                }
            }, null);
            LcReport report = run.run(false);

            assertNull(report.stop(), "a retry at a lower rate trained: " + notices);
            assertEquals(2 + 3, report.rows().size(), "every LC step finished");
            assertTrue(notices.get(0).startsWith("LC step 1 diverged at lr=200 "), notices.toString());
            long retries = notices.stream().filter(n -> n.contains("runs again from where it started")).count();
            assertTrue(retries >= 1 && retries <= LcRun.RETRIES, notices.toString());
            // The rate stays halved: every LC step ran at lr0 / 2^retries.
            for (Row step : report.steps()) {
                assertEquals(lr0 / Math.pow(2, retries), step.learningRate(), 1e-9, notices.toString());
                assertTrue(Double.isFinite(step.trainLoss()), "the retry started from finite weights");
            }
        }
    }

    /** An untrained softmax layer on Fashion-MNIST's 784 pixels. */
    private static TrainableModel softmaxLayer() {
        LayerGraph layers = new LayerGraph(new Graph(), 4);
        Placeholder<TFloat32> input = layers.input(784);
        return layers.build(input, layers.dense("dense", input, 10, false));
    }

    /** Three LC steps of k = 2 on its kernel, SGD Nesterov at {@code lr0}, 2,000 training and 500 test images. */
    private static LcRun oneBitRun(TrainableModel model, double lr0, LcRun.Listener listener, Path checkpoints) {
        List<Task> tasks = List.of(new Task("dense/kernel", List.of("dense/kernel"), new AsIs(new int[] {784, 10}),
                new AdaptiveCodebook(2)));
        return new LcRun(model, tasks, new MuSchedule(1e-3, 1.5, 3),
                new LStepSettings(1, 1, 100, new Optimizer(Optimizer.SGD_NESTEROV, 0.9), lr0, 1),
                FashionMnist.get().train().head(2000), FashionMnist.get().test().head(500), 1, listener, checkpoints,
                "plan");
    }
}
