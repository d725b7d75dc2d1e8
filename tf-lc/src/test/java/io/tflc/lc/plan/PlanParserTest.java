package io.tflc.lc.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import io.tflc.compressors.additive.AdditiveCombination;
import io.tflc.lc.algorithm.LStepSettings;
import io.tflc.lc.algorithm.Task;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class PlanParserTest {
    private static final Path BASE = Path.of("/plans");

    private static final String PLAN = """
            {
              "model": {"savedmodel": "../models/reference"},
              "data": {"train_limit": 1000},
              "tasks": [
                {"name": "kernels", "weights": "re:dense.*/kernel", "compression": {"type": "adaptive_codebook", "k": 2}},
                {"weights": ["dense/bias", "dense_1/bias"], "view": "concatenated",
                 "compression": [{"type": "binary"}, {"type": "l0_constraint", "fraction": 0.01}]}
              ],
              "schedule": {"mu0": 9e-5, "growth": 1.1, "steps": 30},
              "l_step": {"epochs": 1, "first_epochs": 2, "batch_size": 256, "lr0": 0.1, "lr_decay": 0.98},
              "seed": 3,
              "output": "runs/k2"
            }""";

    private static Plan parse(String json) {
        return PlanParser.parse(JsonParser.parseString(json), BASE);
    }

    private static TrainableModel mlp() {
        LayerGraph layers = new LayerGraph(new Graph(), 1);
        Placeholder<TFloat32> input = layers.input(8);
        return layers.build(input, layers.dense("dense_1", layers.dense("dense", input, 4, true), 3, false));
    }

    @Test
    void readsAPlanAndResolvesItsTasks() {
        Plan plan = parse(PLAN);
        assertEquals(Path.of("/models/reference"), plan.model().savedModel().normalize());
        assertEquals(Path.of("/plans/runs/k2"), plan.output());
        assertEquals(30, plan.schedule().steps());
        assertEquals(2, plan.lStep().epochs(0));
        assertEquals(1000, plan.data().trainLimit());
        assertTrue(plan.tasks().get(1).compression() instanceof AdditiveCombination);
        try (TrainableModel model = mlp()) {
            List<Task> kernels = plan.tasks().get(0).resolve(model);
            assertEquals(List.of("kernels:dense/kernel", "kernels:dense_1/kernel"),
                    kernels.stream().map(Task::name).toList());
            List<Task> biases = plan.tasks().get(1).resolve(model);
            assertEquals(1, biases.size());
            assertEquals(List.of("dense/bias", "dense_1/bias"), biases.get(0).weights());
        }
    }

    @Test
    void aPlanWithoutMu0OrGrowthHasItsScheduleDerivedFromTheModel() {
        var given = parse(PLAN).schedule();
        assertFalse(given.derived());
        assertEquals(9e-5, given.mu0());
        assertEquals(1.1, given.growth());
        var none = parse(PLAN.replace("\"schedule\": {\"mu0\": 9e-5, \"growth\": 1.1, \"steps\": 30},", ""))
                .schedule();
        assertTrue(none.derived());
        assertEquals(30, none.steps());
        assertEquals(1e5, none.mu(29) / none.mu0(), 1e-3, "μ ends 10⁵× μ0");
        var steps = parse(PLAN.replace("\"mu0\": 9e-5, \"growth\": 1.1, \"steps\": 30", "\"steps\": 11"))
                .schedule();
        assertTrue(steps.derived());
        assertEquals(11, steps.steps());
        assertEquals(1e5, steps.mu(10) / steps.mu0(), 1e-3);
        var mu0Only = parse(PLAN.replace("\"growth\": 1.1, ", "")).schedule();
        assertFalse(mu0Only.derived(), "a plan that gives μ0 keeps the fixed default growth");
        assertEquals(Plan.DEFAULT_SCHEDULE.growth(), mu0Only.growth());
    }

    @Test
    void theValidationSplitIsACountNoneOrAuto() {
        assertFalse(parse(PLAN).data().validates(), "none unless asked for: the shipped plans' results stay");
        assertEquals(600, parse(PLAN.replace("\"train_limit\": 1000", "\"validation\": 600")).data().validation());
        Plan.Data auto = parse(PLAN.replace("\"train_limit\": 1000", "\"validation\": \"auto\"")).data();
        assertTrue(auto.validates());
        assertEquals(Plan.Data.AUTO_VALIDATION, auto.validation());
        PlanException e = assertThrows(PlanException.class,
                () -> parse(PLAN.replace("\"train_limit\": 1000", "\"validation\": \"some\"")));
        assertTrue(e.getMessage().contains("data.validation") && e.getMessage().contains("\"auto\""), e.getMessage());
    }

    @Test
    void theStreamCacheIsOnOffOrAuto() {
        assertEquals(Plan.Data.StreamCache.AUTO, parse(PLAN).data().streamCache());
        String streamed = PLAN.replace("\"train_limit\": 1000", "\"stream\": true, \"stream_cache\": %s");
        assertEquals(Plan.Data.StreamCache.ON, parse(streamed.formatted("true")).data().streamCache());
        assertEquals(Plan.Data.StreamCache.OFF, parse(streamed.formatted("false")).data().streamCache());
        assertEquals(Plan.Data.StreamCache.AUTO, parse(streamed.formatted("\"auto\"")).data().streamCache());
        PlanException e = assertThrows(PlanException.class, () -> parse(streamed.formatted("\"always\"")));
        assertTrue(e.getMessage().contains("data.stream_cache") && e.getMessage().contains("\"auto\""),
                e.getMessage());
    }

    /** Issue 16: with no l_step the optimizer follows the one the SavedModel says trained it; distillation is Adam. */
    @Test
    void theDefaultLStepFineTunesWithTheKindOfOptimizerThatTrainedTheModel() {
        Plan plan = parse(PLAN.replaceAll("(?s)\"l_step\": \\{[^}]*\\},", ""));
        assertEquals(null, plan.lStep(), "the plan gives no L-step");
        for (Set<String> slots : List.of(Set.of("m", "v"), Set.of("rms", "momentum"), Set.of("accumulator"),
                Set.of("Adam", "Adam_1"))) {
            LStepSettings l = plan.lStep(60_000, slots, false);
            assertEquals(Optimizer.ADAM, l.optimizer().kind(), slots.toString());
            assertTrue(l.lr0FromModel());
        }
        for (Set<String> slots : List.of(Set.<String>of(), Set.of("momentum"), Set.of("Momentum"))) {
            assertEquals(Optimizer.SGD_NESTEROV, plan.lStep(60_000, slots, false).optimizer().kind(), slots.toString());
            assertEquals(Optimizer.ADAM, plan.lStep(60_000, slots, true).optimizer().kind(), "distilled " + slots);
        }
        // Either way at least 200 updates of 64 examples: 313 rows (5 minibatches) train 40 epochs, 60,000 rows 2.
        assertEquals(40, plan.lStep(313, Set.of(), false).epochs());
        assertEquals(2, plan.lStep(60_000, Set.of("m", "v"), false).epochs());
    }

    @Test
    void anLStepMayAskForItsLearningRateToBeMeasured() {
        assertFalse(parse(PLAN).lStep().lr0FromModel());
        LStepSettings auto = parse(PLAN.replace("\"lr0\": 0.1", "\"lr0\": \"auto\"")).lStep();
        assertTrue(auto.lr0FromModel());
        assertEquals(256, auto.batchSize(), "the rest of the plan's L-step stands");
        PlanException e = assertThrows(PlanException.class,
                () -> parse(PLAN.replace("\"lr0\": 0.1", "\"lr0\": \"fast\"")));
        assertTrue(e.getMessage().contains("l_step.lr0") && e.getMessage().contains("\"auto\""), e.getMessage());
    }

    @Test
    void pruningTakesAnAlignmentOrMeasuresOne() {
        String withPrune = PLAN.replace("\"seed\": 3,", "\"prune\": {\"flops_target\": 0.5, \"align\": 8}, \"seed\": 3,");
        assertEquals(new Plan.Prune("id", Double.NaN, 0.5, 2000, 8), parse(withPrune).prune());
        assertEquals(0, parse(withPrune.replace(", \"align\": 8", "")).prune().align(), "0: measured");
        PlanException e = assertThrows(PlanException.class, () -> parse(withPrune.replace("\"align\": 8",
                "\"align\": -2")));
        assertTrue(e.getMessage().contains("prune.align"), e.getMessage());
    }

    @Test
    void unknownKeysAreNamedWithTheKeysThatExist() {
        PlanException e = assertThrows(PlanException.class, () -> parse(PLAN.replace("\"lr0\"", "\"lr\"")));
        assertTrue(e.getMessage().contains("l_step.lr") && e.getMessage().contains("lr0"), e.getMessage());
        PlanException top = assertThrows(PlanException.class, () -> parse(PLAN.replace("\"seed\"", "\"sead\"")));
        assertTrue(top.getMessage().contains("unknown key sead"), top.getMessage());
    }

    @Test
    void aMisspelledRequiredKeyIsNamedAlongWithTheMissingOne() {
        PlanException e = assertThrows(PlanException.class, () -> parse(PLAN.replace("\"k\": 2", "\"K\": 2")));
        assertTrue(e.getMessage().contains("missing key tasks[0].compression.k")
                && e.getMessage().contains("unknown key tasks[0].compression.K"), e.getMessage());
        PlanException type = assertThrows(PlanException.class,
                () -> parse(PLAN.replace("{\"type\": \"binary\"}", "{\"tpye\": \"binary\"}")));
        assertTrue(type.getMessage().contains("missing key") && type.getMessage().contains("unknown key")
                && type.getMessage().contains("tpye"), type.getMessage());
        PlanException steps = assertThrows(PlanException.class,
                () -> parse(PLAN.replace("\"steps\"", "\"step\"")));
        assertTrue(steps.getMessage().contains("unknown key schedule.step"), steps.getMessage());
    }

    @Test
    void aMissingKeyWithNothingAlikeIsOnlyMissing() {
        PlanException e = assertThrows(PlanException.class, () -> parse(PLAN.replace("\"k\": 2", "\"note\": 2")));
        assertTrue(e.getMessage().contains("missing key tasks[0].compression.k"), e.getMessage());
        assertFalse(e.getMessage().contains("note"), e.getMessage());
    }

    @Test
    void unknownCompressionTypesListTheTypes() {
        PlanException e = assertThrows(PlanException.class,
                () -> parse(PLAN.replace("adaptive_codebook", "kmeans")));
        assertTrue(e.getMessage().contains("kmeans") && e.getMessage().contains("adaptive_codebook"), e.getMessage());
    }

    @Test
    void missingWeightsListTheModelsWeights() {
        Plan plan = parse(PLAN.replace("re:dense.*/kernel", "conv/kernel"));
        try (TrainableModel model = mlp()) {
            PlanException e = assertThrows(PlanException.class, () -> plan.tasks().get(0).resolve(model));
            assertTrue(e.getMessage().contains("conv/kernel") && e.getMessage().contains("dense_1/kernel"),
                    e.getMessage());
        }
    }

    @Test
    void aViewThatDoesNotFitNamesTheWeightAndTheViewsThatDo() {
        Plan plan = parse(PLAN.replace("\"weights\": \"re:dense.*/kernel\"",
                "\"weights\": \"dense/kernel\", \"view\": \"conv_filters\""));
        try (TrainableModel model = mlp()) {
            PlanException e = assertThrows(PlanException.class, () -> plan.tasks().get(0).resolve(model));
            assertTrue(e.getMessage().contains("dense/kernel") && e.getMessage().contains("as_is"), e.getMessage());
        }
    }

    @Test
    void foldBatchNormIsAnOptionOffByDefault() {
        assertFalse(parse(PLAN).foldBatchNorm());
        assertTrue(parse(PLAN.replace("\"seed\": 3,", "\"seed\": 3, \"fold_batch_norm\": true,")).foldBatchNorm());
        assertTrue(parse(PLAN.replace("\"seed\": 3,", "\"seed\": 3, \"fold_batch_norm\": true,"))
                .withOutput(Path.of("/elsewhere")).foldBatchNorm());
    }

    /** Issue 18: a factored task's export should have no BatchNorm left, so such a plan folds unless it says not. */
    @Test
    void aPlanWithAFactoredTaskFoldsBatchNormUnlessItSaysNot() {
        String factored = PLAN.replace("{\"type\": \"adaptive_codebook\", \"k\": 2}}",
                "{\"type\": \"low_rank\", \"rank\": 2}, \"form\": \"factored\"}");
        assertTrue(parse(factored).foldBatchNorm());
        assertFalse(parse(factored.replace("\"seed\": 3,", "\"seed\": 3, \"fold_batch_norm\": false,"))
                .foldBatchNorm());
    }

    /** Issue 18: the plan's align rounds factored ranks (0 when absent: measured on the machine). */
    @Test
    void theAlignmentOfFactoredRanksIsAPlanSetting() {
        assertEquals(0, parse(PLAN).align());
        Plan aligned = parse(PLAN.replace("\"seed\": 3,", "\"seed\": 3, \"align\": 16,"));
        assertEquals(16, aligned.align());
        assertEquals(16, aligned.withOutput(Path.of("/elsewhere")).align());
        PlanException e = assertThrows(PlanException.class, () -> parse(PLAN.replace("\"seed\": 3,",
                "\"seed\": 3, \"align\": -1,")));
        assertTrue(e.getMessage().contains("align is -1") && e.getMessage().contains("factored ranks"),
                e.getMessage());
    }

    /** Issue 15, item 7: statistics are never compressed: patterns skip them, naming one is an error. */
    @Test
    void statisticsAreNeverCompressed() {
        LayerGraph layers = new LayerGraph(new Graph(), 1);
        Placeholder<TFloat32> input = layers.input(6, 6, 1);
        Operand<TFloat32> x = layers.batchNorm("batch_normalization", layers.conv2d("conv2d", input, 2, 3, false));
        try (TrainableModel model = layers.build(input, layers.dense("dense", layers.flatten(x), 3, false))) {
            Plan everything = parse(PLAN.replace("\"weights\": \"re:dense.*/kernel\"",
                    "\"weights\": \"re:.*\", \"view\": \"concatenated\""));
            assertEquals(List.of("batch_normalization/beta", "batch_normalization/gamma", "conv2d/bias",
                    "conv2d/kernel", "dense/bias", "dense/kernel"),
                    everything.tasks().get(0).resolve(model).get(0).weights().stream().sorted().toList());
            Plan statistics = parse(PLAN.replace("re:dense.*/kernel", "re:.*moving_.*"));
            PlanException none = assertThrows(PlanException.class, () -> statistics.tasks().get(0).resolve(model));
            assertTrue(none.getMessage().contains("no trainable weight matches"), none.getMessage());
            Plan named = parse(PLAN.replace("re:dense.*/kernel", "batch_normalization/moving_variance"));
            PlanException e = assertThrows(PlanException.class, () -> named.tasks().get(0).resolve(model));
            assertTrue(e.getMessage().contains("batch_normalization/moving_variance is not trainable")
                    && e.getMessage().contains("remove it from the task"), e.getMessage());
        }
    }

    @Test
    void aTaskWithoutAViewGetsTheViewItsLayerCallsFor() {
        Plan plan = parse(PLAN.replace("re:dense.*/kernel", "re:.*kernel"));
        LayerGraph layers = new LayerGraph(new Graph(), 1);
        Placeholder<TFloat32> input = layers.input(6, 6, 2);
        var x = layers.depthwiseConv2d("depthwise_conv2d", layers.conv2d("conv2d", input, 4, 3, true), 3);
        try (TrainableModel model = layers.build(input, layers.dense("dense", layers.flatten(x), 3, false))) {
            List<Task> kernels = plan.tasks().get(0).resolve(model);
            assertEquals("[ConvFilters[3, 3, 2, 4], AsIs[64, 3], Depthwise[3, 3, 4, 1]]",
                    kernels.stream().map(t -> t.view().toString()).toList().toString());
        }
        Plan wrong = parse(PLAN.replace("re:dense.*/kernel\"", "dense/kernel\", \"view\": \"depthwise\""));
        try (TrainableModel model = mlp()) {
            PlanException e = assertThrows(PlanException.class, () -> wrong.tasks().get(0).resolve(model));
            assertTrue(e.getMessage().contains("dense/kernel") && e.getMessage().contains("as_is"), e.getMessage());
        }
    }
}
