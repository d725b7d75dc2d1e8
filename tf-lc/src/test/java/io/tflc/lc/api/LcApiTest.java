package io.tflc.lc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.Quantized;
import io.tflc.lc.FashionMnist;
import io.tflc.lc.TestModels;
import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.algorithm.MuSchedule;
import io.tflc.lc.algorithm.Row;
import io.tflc.lc.data.Datasets;
import io.tflc.lc.plan.Plan;
import io.tflc.lc.plan.PlanException;
import io.tflc.lc.plan.PlanParser;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.safety.ModelTrust;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17, item 1: the Java API describes the same run a plan file does, with defaults, and fails by name. */
class LcApiTest {
    private static final int TRAIN = 2000;
    private static final int TEST = 500;

    @TempDir
    static Path shared;

    @BeforeAll
    static void reference() throws Exception {
        TestModels.trainAndSave(1, 32, FashionMnist.get().train().head(TRAIN), 1, shared.resolve("reference"));
    }

    private static CompressionBuilder shortRun(Path output) {
        return Lc.compress(shared.resolve("reference"))
                .data(DataSource.idx(Datasets.FASHION_MNIST))
                .limits(TRAIN, TEST)
                .validation(400)
                .task("re:dense.*/kernel", Compressions.codebook(2))
                .schedule(new MuSchedule(1e-3, 1.5, 2))
                .lStep(LStep.sgdNesterov(1, 0.02).batchSize(64))
                .seed(3)
                .output(output);
    }

    @Test
    void theApiRunsTheRunItsJsonPlanDescribes(@TempDir Path dir) throws Exception {
        Path planFile = dir.resolve("plan.json");
        Files.writeString(planFile, """
                {
                  "model": {"savedmodel": "%s"},
                  "data": {"source": "idx:%s", "train_limit": %d, "test_limit": %d, "validation": 400},
                  "tasks": [{"weights": "re:dense.*/kernel", "compression": {"type": "adaptive_codebook", "k": 2}}],
                  "schedule": {"mu0": 1e-3, "growth": 1.5, "steps": 2},
                  "l_step": {"epochs": 1, "batch_size": 64, "lr0": 0.02},
                  "seed": 3,
                  "output": "json"
                }""".formatted(shared.resolve("reference"), Datasets.FASHION_MNIST, TRAIN, TEST));
        Plan fromJson = PlanParser.parse(planFile);
        CompressionBuilder api = shortRun(dir.resolve("json"));
        assertEquals(fromJson, api.plan(), "the builder makes the plan the JSON file parses to");

        LcReport expected = Lc.run(planFile, new LcRun.Listener() { }).report();
        List<String> notices = new ArrayList<>();
        CompressionResult result = shortRun(dir.resolve("api")).checkpoints(dir.resolve("cp"))
                .listener(new LcRun.Listener() {
                    @Override
                    public void notice(String message) {
                        notices.add(message);
                    }
                }).run();

        LcReport report = result.report();
        assertEquals(expected.rows().size(), report.rows().size());
        for (int i = 0; i < report.rows().size(); i++) {
            Row a = expected.rows().get(i);
            Row b = report.rows().get(i);
            assertEquals(a.stage(), b.stage(), "row " + i);
            assertEquals(a.testError(), b.testError(), 1.5 / TEST, "row " + i + " test error");
            assertEquals(a.trainLoss(), b.trainLoss(), 1e-3 * a.trainLoss(), "row " + i + " train loss");
            assertEquals(a.bits(), b.bits(), "row " + i + " bits");
        }
        assertEquals(expected.exportedStep(), report.exportedStep());
        // What CompressJob used to print reaches the listener instead.
        assertTrue(notices.stream().anyMatch(n -> n.startsWith("validation: 400 training examples held out")), notices
                .toString());
        assertTrue(notices.stream().anyMatch(n -> n.startsWith("exported: ")), notices.toString());

        assertEquals(List.of("dense/kernel", "dense_1/kernel"), new ArrayList<>(result.taskWeights().values().stream()
                .flatMap(List::stream).toList()));
        Quantized theta = assertInstanceOf(Quantized.class, result.theta("dense_1/kernel"));
        assertTrue(theta.codebook().length <= 2, "a 1-bit codebook");
        assertThrows(IllegalArgumentException.class, () -> result.theta("dense/bias"));
        assertTrue(Files.exists(dir.resolve("api").resolve("plan.json")), "the plan is kept beside its results");
        assertTrue(Files.exists(dir.resolve("cp").resolve(io.tflc.lc.algorithm.Checkpoint.MANIFEST)));
        assertFalse(Files.exists(dir.resolve("api").resolve("checkpoint")), "checkpoints go where they were sent");

        Path served = result.exportTo(dir.resolve("served"));
        try (TrainableModel loaded = SavedModelReader.read(served, "serving_default", null, null,
                ModelTrust.CHECK_OPS)) {
            assertEquals(2, loaded.trainableWeights().stream().filter(w -> w.name().endsWith("kernel")).count());
        }
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> result.exportTo(served));
    }

    @Test
    void onlyModelDataAndTasksAreNeeded() throws Exception {
        Plan plan = Lc.compress(shared.resolve("reference")).data(DataSource.idx(Datasets.FASHION_MNIST))
                .task("dense/kernel", Compressions.prune(0.1).plus(Compressions.codebook(2))).plan();
        assertTrue(plan.schedule().derived(), "μ is derived from the model");
        assertEquals(Plan.DEFAULT_SCHEDULE.steps(), plan.schedule().steps());
        assertEquals(null, plan.lStep());
        assertEquals(Plan.defaultLStep(60_000, Set.of(), false), plan.lStep(60_000, Set.of(), false));
        assertEquals(Plan.Loss.AUTO, plan.loss());
        assertEquals(0, plan.seed());
        assertEquals(Plan.Data.AUTO_VALIDATION, plan.data().validation());
        assertFalse(plan.foldBatchNorm());
        assertTrue(plan.output().startsWith(Path.of(System.getProperty("java.io.tmpdir")).toRealPath()),
                plan.output().toString());

        assertEquals(1, plan.tasks().size());
        assertEquals("l0_constraint(fraction=0.1) + adaptive_codebook(k=2)",
                plan.tasks().get(0).compression().describe());
        assertEquals(null, plan.prune());
        Plan pruned = Lc.compress(shared.resolve("reference")).data(DataSource.idx(Datasets.FASHION_MNIST))
                .task("dense/kernel", Compressions.codebook(2)).output(plan.output())
                .pruneFirst(PruningMethod.ID, PruningSize.flops(0.5), 300).plan();
        assertEquals(new Plan.Prune("id", Double.NaN, 0.5, 300), pruned.prune());
        Files.delete(plan.output()); // made empty for the run that never came
    }

    @Test
    void aSelectorThatPicksNoWeightIsRefusedNamingTheWeights(@TempDir Path dir) {
        CompressionBuilder run = Lc.compress(shared.resolve("reference")).data(DataSource.idx(Datasets.FASHION_MNIST))
                .limits(200, 100).validation(0).task("re:conv.*/kernel", View.CONV_FILTERS, Compressions.codebook(4))
                .output(dir.resolve("out"));
        PlanException e = assertThrows(PlanException.class, run::run);
        assertTrue(e.getMessage().contains("re:conv.*/kernel") && e.getMessage().contains("dense/kernel")
                && e.getMessage().contains("dense_1/kernel"), e.getMessage());
    }

    @Test
    void missingPiecesAndBadValuesAreNamed() {
        CompressionBuilder noTask = Lc.compress(shared.resolve("reference"))
                .data(DataSource.idx(Datasets.FASHION_MNIST));
        assertTrue(assertThrows(IllegalStateException.class, noTask::plan).getMessage().contains("task("));
        CompressionBuilder noData = Lc.compress(shared.resolve("reference"))
                .task("dense/kernel", Compressions.codebook(2));
        assertTrue(assertThrows(IllegalStateException.class, noData::plan).getMessage().contains("data("));
        CompressionBuilder badK = Lc.compress(shared.resolve("reference")).data(DataSource.idx(Datasets.FASHION_MNIST))
                .task("dense/kernel", Compressions.codebook(0));
        assertTrue(assertThrows(PlanException.class, badK::plan).getMessage().contains("tasks[0].compression"));
        assertThrows(IllegalArgumentException.class, () -> Lc.compress(shared)
                .data(DataSource.csv(Path.of("a.csv"), "y"), DataSource.csv(Path.of("b.csv"), "label")));
        assertThrows(IllegalArgumentException.class, () -> LStep.adam(1, 0.001).momentum(1));
    }
}
