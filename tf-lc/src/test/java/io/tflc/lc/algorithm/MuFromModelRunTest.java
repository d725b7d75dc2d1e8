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

/** A run whose μ is derived at DC uses it for every step, reports it, and a resumed run keeps it. */
class MuFromModelRunTest {
    private static final LStepSettings L_STEP =
            new LStepSettings(1, 1, 100, new Optimizer(Optimizer.SGD_NESTEROV, 0.9), 0.01, 1);

    private static LcRun run(TrainableModel model, Dataset train, Dataset test, Path checkpoints,
                             LcRun.Listener listener) {
        List<Task> tasks = List.of(new Task("dense/kernel", List.of("dense/kernel"), new AsIs(new int[] {784, 10}),
                new AdaptiveCodebook(2)));
        return new LcRun(model, tasks, MuSchedule.fromModel(3), L_STEP, train, test, 1, listener, checkpoints, "plan");
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
            // Killed as step 3 starts: the checkpoint holds steps 1 and 2 and the μ derived at DC.
            LcRun.Listener kill = new LcRun.Listener() {
                @Override
                public void stepStarted(int step, int steps, double mu, int epochs, int batchesPerEpoch) {
                    if (step == 3) {
                        throw new IllegalStateException("killed");
                    }
                }
            };
            assertThrows(IllegalStateException.class, () -> run(model, train, test, checkpoints, kill).run(false));
        }
        Checkpoint kept = Checkpoint.read(checkpoints);
        assertEquals(2, kept.completedSteps());
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
        assertEquals(derived.mu(1), kept.rows().get(3).mu(), 1e-15);

        try (TrainableModel model = model()) {
            LcReport report = run(model, train, test, checkpoints, new LcRun.Listener() { }).run(true);
            assertEquals(derived, report.schedule(), "the resumed run keeps the μ measured at the start");
            assertEquals(derived.mu(2), report.finalRow().mu(), 1e-15);
            assertEquals(MuFromModel.SPAN * derived.mu0(), report.finalRow().mu(), 1e-9 * derived.mu0(), "μ ends SPAN× μ0");
        }
    }
}
