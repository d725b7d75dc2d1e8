package io.tflc.lc.cli;

import io.tflc.lc.api.PlanRunner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.savedmodels.safety.ModelTrust;
import io.tflc.lc.FashionMnist;
import io.tflc.lc.TestModels;
import io.tflc.lc.algorithm.Checkpoint;
import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.algorithm.Row;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.plan.PlanParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run killed with SIGKILL mid-step and resumed ends where an uninterrupted run with the same seed ends. */
class KillAndResumeTest {
    private static final int STEPS = 8;

    @Test
    void aKilledRunResumesToTheUninterruptedResult(@TempDir Path dir) throws Exception {
        Dataset train = FashionMnist.get().train().head(6000);
        TestModels.trainAndSave(3, 64, train, 1, dir.resolve("reference"));
        Path straight = plan(dir, "straight");
        Path killed = plan(dir, "killed");

        LcReport expected = PlanRunner.run(PlanParser.parse(straight), PlanParser.fingerprint(straight), "straight",
                PlanRunner.Options.NEW, new LcRun.Listener() { }).report();

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                CompressMain.class.getName(), "--plan", killed.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        Path checkpoints = dir.resolve("killed").resolve("checkpoint");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (completedSteps(checkpoints) < 2 && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(150); // into the next step
        assertTrue(child.isAlive(), "the child must still be running when it is killed:\n"
                + Files.readString(dir.resolve("child.log")));
        child.destroyForcibly().waitFor(); // SIGKILL
        int reached = completedSteps(checkpoints);
        assertTrue(reached >= 2 && reached < STEPS, "killed after " + reached + " steps");
        assertFalse(Files.exists(dir.resolve("killed").resolve("report.json")), "the killed run had not finished");

        LcReport resumed = PlanRunner.run(PlanParser.parse(killed), PlanParser.fingerprint(killed), "resumed",
                new PlanRunner.Options(true, false, ModelTrust.CHECK_OPS), new LcRun.Listener() { }).report();

        assertEquals(expected.rows().size(), resumed.rows().size());
        for (int i = 0; i < expected.rows().size(); i++) {
            Row a = expected.rows().get(i);
            Row b = resumed.rows().get(i);
            assertEquals(a.testError(), b.testError(), 0.005, "row " + i + " test error");
            assertEquals(a.trainLoss(), b.trainLoss(), 0.01 * a.trainLoss(), "row " + i + " train loss");
            assertEquals(a.bits(), b.bits(), "row " + i + " bits");
        }
        // The best nested model so far lives in the checkpoint: the resumed run exports the same step.
        assertEquals(expected.exportedStep(), resumed.exportedStep());
        assertTrue(resumed.criterion().contains("validation loss (1000"), resumed.criterion());
    }

    private static int completedSteps(Path checkpoints) {
        try {
            Checkpoint c = Checkpoint.read(checkpoints);
            return c == null ? -1 : c.completedSteps();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static Path plan(Path dir, String output) throws java.io.IOException {
        Path file = dir.resolve(output + ".json");
        Files.writeString(file, """
                {
                  "model": {"savedmodel": "reference"},
                  "data": {"train_limit": 6000, "test_limit": 1000, "validation": 1000},
                  "tasks": [{"weights": "re:dense.*/kernel", "compression": {"type": "adaptive_codebook", "k": 2}}],
                  "schedule": {"mu0": 5e-3, "growth": 1.5, "steps": %d},
                  "l_step": {"epochs": 2, "batch_size": 64, "lr0": 0.02},
                  "seed": 5,
                  "output": "%s"
                }""".formatted(STEPS, output));
        return file;
    }
}
