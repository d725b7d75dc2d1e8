package io.tflc.lc.cli;

import io.tflc.lc.api.PlanRunner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.plan.Plan;
import io.tflc.lc.plan.PlanParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 4, acceptance 2: the shipped plans compress the public Keras models in ../shared with a 2-bit codebook
 * per kernel, training on 8,000 MNIST test images and evaluating on the other 2,000; the LC model's accuracy must
 * be within 0.5 points of the original's. Skips with a message when ../shared is absent.
 */
class KerasCompressionTest {

    @ParameterizedTest
    @ValueSource(strings = {"keras-mnist-mlp-k4", "keras-mnist-cnn-k4"})
    void twoBitCodebooksKeepTheAccuracyWithinHalfAPoint(String name, @TempDir Path out) throws Exception {
        Path planFile = Path.of("..", "examples", "plans", name + ".json");
        Plan shipped = PlanParser.parse(planFile);
        assumeTrue(Files.exists(shipped.model().savedModel()) && shipped.data().paths().stream().allMatch(Files::exists),
                "skipped: " + shipped.model().savedModel().normalize().toAbsolutePath() + " or "
                        + shipped.data().paths() + " is missing (../shared; CI has it)");
        Plan plan = shipped.withOutput(out.resolve("run"));
        LcReport report = PlanRunner.run(plan, PlanParser.fingerprint(planFile), name, PlanRunner.Options.NEW,
                new LcRun.Listener() { }).report();
        for (var row : report.rows()) {
            double wrong = row.testError() * 2000;
            assertEquals(Math.round(wrong), wrong, 1e-6, "error rates of the 2,000 held-out images");
        }
        double reference = report.reference().testError();
        double lc = report.finalRow().testError();
        System.out.printf("%s: test error original %.2f%%, DC %.2f%%, LC %.2f%%%n", name, 100 * reference,
                100 * report.directCompression().testError(), 100 * lc);
        assertTrue(lc <= reference + 0.005, name + ": LC error " + lc + " vs original " + reference);
        assertTrue(report.directCompression().testError() > lc, "LC improves on direct compression");
        assertTrue(Files.exists(out.resolve("run").resolve("model").resolve("saved_model.pb")));
    }
}
