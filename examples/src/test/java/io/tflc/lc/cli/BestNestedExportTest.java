package io.tflc.lc.cli;

import io.tflc.lc.api.PlanRunner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.FashionMnist;
import io.tflc.lc.TestModels;
import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.algorithm.Row;
import io.tflc.lc.data.BatchSource;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.evaluation.Evaluator;
import io.tflc.lc.objective.SoftmaxCrossEntropy;
import io.tflc.lc.plan.PlanParser;
import io.tflc.lc.report.ReportWriter;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.TrainableModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, item 1: a run exports the best nested model it has seen (DC included), not the last, and an L-step whose
 * learning rate is far too high mid-run neither costs the result nor leaves the run without a model.
 */
class BestNestedExportTest {
    private static final int TRAIN = 3000;
    private static final int TEST = 1000;

    @TempDir
    static Path shared;

    @BeforeAll
    static void reference() throws Exception {
        TestModels.trainAndSave(1, 32, FashionMnist.get().train().head(TRAIN), 2, shared.resolve("reference"));
    }

    /** A plan on the reference MLP with 1-bit kernels and an L-step learning rate of lr0·growth^j. */
    private static LcReport run(Path dir, String name, double lr0, double growth, int steps) throws Exception {
        Path plan = dir.resolve(name + ".json");
        Files.writeString(plan, """
                {
                  "model": {"savedmodel": "%s"},
                  "data": {"train_limit": %d, "test_limit": %d},
                  "tasks": [{"weights": "re:dense.*/kernel", "compression": {"type": "adaptive_codebook", "k": 2}}],
                  "schedule": {"mu0": 1e-3, "growth": 1.5, "steps": %d},
                  "l_step": {"epochs": 1, "batch_size": 64, "lr0": %s, "lr_decay": %s},
                  "output": "%s"
                }""".formatted(shared.resolve("reference"), TRAIN, TEST, steps, lr0, growth, name));
        return PlanRunner.run(PlanParser.parse(plan), PlanParser.fingerprint(plan), name, PlanRunner.Options.NEW,
                new LcRun.Listener() { }).report();
    }

    /** The exported model's test error, measured on the loaded SavedModel. */
    private static double servedError(Path model) throws Exception {
        Dataset test = FashionMnist.get().test().head(TEST);
        try (TrainableModel served = SavedModelReader.read(model, "serving_default", null, null);
             BatchSource batches = test.batchesFor(served, 500)) {
            return new Evaluator(served, new SoftmaxCrossEntropy()).evaluate(batches).error();
        }
    }

    private static Row lowestTrainLoss(LcReport report) {
        return report.rows().subList(1, report.rows().size()).stream()
                .min(Comparator.comparingDouble(Row::trainLoss)).orElseThrow();
    }

    @Test
    void anLStepLearningRateFarTooHighMidRunStillExportsTheBestNestedModelNoWorseThanDc(@TempDir Path dir)
            throws Exception {
        // SGD (Nesterov 0.9) at 0.005, 0.05, 0.5, 5, 50: sane first, far too high from the third step on.
        LcReport report = run(dir, "diverging", 0.005, 10, 5);
        String steps = report.rows().stream().map(r -> String.format(java.util.Locale.ROOT, "%s %d: train loss %.4f, "
                + "test error %.2f%%", r.stage(), r.step(), r.trainLoss(), 100 * r.testError()))
                .reduce((a, b) -> a + "\n" + b).orElseThrow() + "\nstop: " + report.stop() + "\nexported: "
                + report.exportedText();
        System.out.println(steps);
        Row dc = report.directCompression();
        boolean jumped = report.steps().stream().anyMatch(r -> r.testError() > report.exported().testError() + 0.05);
        assertTrue(report.stop() != null || jumped, "the learning rate made the run diverge or the error jump:\n"
                + steps);
        assertEquals(lowestTrainLoss(report).step(), report.exportedStep(), "the best nested step is exported:\n"
                + steps);
        assertTrue(report.exported().trainLoss() <= dc.trainLoss(), steps);
        double served = servedError(dir.resolve("diverging/model"));
        assertEquals(report.exported().testError(), served, 1.0 / TEST, "the model on disk is the exported step");
        assertTrue(served <= dc.testError(), "served " + served + " vs DC " + dc.testError() + "\n" + steps);
        LcReport written = ReportWriter.read(dir.resolve("diverging")).report();
        assertEquals(report.exportedStep(), written.exportedStep());
        assertEquals(report.stop(), written.stop());
        assertTrue(Files.readString(dir.resolve("diverging/report.md")).contains("Exported (`model/`): "
                + report.exportedText()));
    }

    @Test
    void theExportIsTheBestStepNotTheLastWhenTheLastIsWorse(@TempDir Path dir) throws Exception {
        LcReport report = run(dir, "worse-last", 0.005, 4, 4);
        Row best = lowestTrainLoss(report);
        String steps = report.rows().stream().map(r -> r.step() + ": " + r.trainLoss() + " " + r.testError())
                .reduce((a, b) -> a + "\n" + b).orElseThrow() + "\nstop: " + report.stop();
        System.out.println(steps);
        assertTrue(report.finalRow().trainLoss() > best.trainLoss(), "the last step is worse than the best:\n"
                + steps);
        assertEquals(best.step(), report.exportedStep(), steps);
        assertTrue(report.exportedStep() > 0 && report.exportedStep() < report.finalRow().step(),
                "an LC step between DC and the last is the best:\n" + steps);
        assertEquals(best.testError(), servedError(dir.resolve("worse-last/model")), 1.0 / TEST);
    }
}
