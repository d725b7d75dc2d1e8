package io.tflc.lc.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.quantization.AdaptiveCodebook;
import io.tflc.compressors.views.AsIs;
import io.tflc.lc.FashionMnist;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A run whose μ is derived at DC grows it by the adaptive rule, and one whose lr0 comes from the model uses the range
 * test's; both are reported and a resumed run keeps them.
 */
class MuFromModelRunTest {
    /** lr0 from the model: 0.01 is provisional, the range test replaces it. */
    private static final LStepSettings L_STEP =
            new LStepSettings(1, 1, 100, new Optimizer(Optimizer.SGD_NESTEROV, 0.9), 0.01, 0.9, true);
    private static final int STEPS = 5;

    private static LcRun run(TrainableModel model, Dataset train, Dataset test, Path checkpoints,
                             LcRun.Listener listener) {
        return run(model, L_STEP, train, test, checkpoints, listener);
    }

    private static LcRun run(TrainableModel model, LStepSettings lStep, Dataset train, Dataset test, Path checkpoints,
                             LcRun.Listener listener) {
        List<Task> tasks = List.of(new Task("dense/kernel", List.of("dense/kernel"), new AsIs(new int[] {784, 10}),
                new AdaptiveCodebook(2)));
        return new LcRun(model, tasks, MuSchedule.fromModel(STEPS), lStep, train, test, 1, listener, checkpoints, "plan");
    }

    private static TrainableModel model() {
        LayerGraph layers = new LayerGraph(new Graph(), 4);
        Placeholder<TFloat32> input = layers.input(784);
        return layers.build(input, layers.dense("dense", input, 10, false));
    }

    @Test
    void theDerivedScheduleDrivesEveryStepAndSurvivesAResume(@TempDir Path dir) throws Exception {
        Dataset train = FashionMnist.get().train().head(1000);
        Dataset test = FashionMnist.get().test().head(300);
        Path checkpoints = dir.resolve("checkpoint");
        try (TrainableModel model = model()) {
            // Killed as step 4 starts: the checkpoint holds steps 1 to 3, the μ derived at DC and the measured lr0.
            LcRun.Listener kill = new LcRun.Listener() {
                @Override
                public void stepStarted(int step, int steps, double mu, int epochs, int batchesPerEpoch) {
                    if (step == 4) {
                        throw new IllegalStateException("killed");
                    }
                }
            };
            assertThrows(IllegalStateException.class, () -> run(model, train, test, checkpoints, kill).run(false));
        }
        Checkpoint kept = Checkpoint.read(checkpoints);
        assertEquals(3, kept.completedSteps());
        MuSchedule derived = kept.schedule();
        Row reference = kept.rows().get(0);
        Row dc = kept.rows().get(1);
        double deltaLoss = dc.trainLoss() - reference.trainLoss();
        double distance = dc.tasks().stream().mapToDouble(Row.TaskRow::distance).sum();
        assertTrue(derived.derived());
        assertEquals(MuFromModel.mu0(deltaLoss, distance), derived.mu0(), 1e-12, "μ0 = κ·2ΔL/D, clamped");
        assertTrue(deltaLoss > 0 && distance > 0, "DC of a random layer to 1 bit loses loss: ΔL " + deltaLoss);
        assertEquals(MuFromModel.PROVISIONAL_MU0, dc.mu(), "DC runs at the provisional μ");
        assertEquals(derived.mu0(), kept.rows().get(2).mu(), 1e-15);
        double lr0 = kept.lr0();
        assertTrue(lr0 != L_STEP.lr0() && lr0 > 0, "the range test's lr0 replaced the provisional one: " + lr0);
        for (int j = 0; j < 3; j++) {
            assertEquals(lr0 * Math.pow(0.9, j), kept.rows().get(2 + j).learningRate(), 1e-9 * lr0);
        }

        // The same plan resolved to another optimizer (a default L-step under another tf-lc version): its state does
        // not fit, and the resume says so instead of failing on a missing variable.
        try (TrainableModel model = model()) {
            LStepSettings adam = new LStepSettings(1, 1, 100, new Optimizer(Optimizer.ADAM, 0.9), 0.01, 0.9, true);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> run(model, adam, train, test, checkpoints, new LcRun.Listener() { }).run(true));
            assertTrue(e.getMessage().contains("was written by an L-step with another optimizer")
                    && e.getMessage().contains("run without --resume"), e.getMessage());
        }
        try (TrainableModel model = model()) {
            LcReport report = run(model, train, test, checkpoints, new LcRun.Listener() { }).run(true);
            assertEquals(derived, report.schedule(), "the resumed run keeps the μ measured at the start");
            assertEquals(lr0, report.lStep().lr0(), "and the learning rate");
            assertTrue(report.lStep().lr0FromModel());
            List<Row> rows = report.rows();
            assertEquals(lr0 * Math.pow(0.9, STEPS - 1), report.finalRow().learningRate(), 1e-9 * lr0);
            // μ grew after a step exactly when that step's nested training loss (the criterion without a validation
            // split) was not more than PROGRESS below the best before it, DC included; resumed or not.
            double best = rows.get(1).trainLoss();
            int grown = 0;
            for (int i = 2; i + 1 < rows.size(); i++) {
                double value = rows.get(i).trainLoss();
                boolean grows = !(value < best * (1 - MuFromModel.PROGRESS));
                grown += grows ? 1 : 0;
                assertEquals(rows.get(i).mu() * (grows ? derived.growth() : 1), rows.get(i + 1).mu(),
                        1e-9 * rows.get(i).mu(), "step " + (i - 1) + " (μ then " + rows.get(i).mu() + ")");
                best = Math.min(best, value);
            }
            assertEquals(derived.mu(grown), report.finalRow().mu(), 1e-9 * derived.mu0());
        }
    }
}
