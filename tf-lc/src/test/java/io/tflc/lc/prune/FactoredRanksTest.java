package io.tflc.lc.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.api.PlanRunner;
import io.tflc.lc.plan.PlanParser;
import io.tflc.savedmodels.ModelExporter;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Issue 18: a plan's factored rank-selection task keeps its rank in multiples of the plan's {@code align} (rounded
 * up), and, because it has a factored task, folds the model's BatchNorm first, so the export has none left.
 */
class FactoredRanksTest {

    @Test
    void aFactoredRankSelectionRunKeepsAlignedRanksAndExportsNoBatchNorm(@TempDir Path dir) throws Exception {
        LayerGraph layers = new LayerGraph(new Graph(), 5);
        Placeholder<TFloat32> input = layers.input(28, 28, 1);
        Operand<TFloat32> x = layers.relu(layers.batchNorm("batch_normalization",
                layers.conv2d("conv2d", input, 24, 3, 2, "SAME")));
        x = layers.relu(layers.batchNorm("batch_normalization_1", layers.conv2d("conv2d_1", x, 40, 3, 2, "SAME")));
        try (TrainableModel model = layers.build(input, layers.dense("dense", layers.flatten(x), 10, false))) {
            ModelExporter.write(model, dir.resolve("reference"), false);
        }
        Path plan = dir.resolve("plan.json");
        Files.writeString(plan, """
                {"model": {"savedmodel": "reference"},
                 "data": {"train_limit": 1000, "test_limit": 500},
                 "tasks": [{"weights": "conv2d_1/kernel", "view": "conv_filters", "form": "factored",
                            "compression": {"type": "rank_selection", "alpha": 1e-4, "normalize": true}}],
                 "schedule": {"mu0": 1, "growth": 2, "steps": 2},
                 "l_step": {"epochs": 1, "batch_size": 100, "lr0": 0.01},
                 "align": 8,
                 "output": "run"}""");
        List<String> notices = new ArrayList<>();
        PlanRunner.run(PlanParser.parse(plan), PlanParser.fingerprint(plan), "aligned ranks", PlanRunner.Options.NEW,
                new LcRun.Listener() {
                    @Override
                    public void notice(String message) {
                        notices.add(message);
                    }
                });
        assertTrue(notices.contains("factored ranks: alignment: 8 (align)"), notices.toString());
        assertTrue(notices.stream().anyMatch(n -> n.startsWith("fold_batch_norm: folded 2 of 2")), notices.toString());
        try (SavedModelBundle served = SavedModelBundle.load(dir.resolve("run").resolve("model").toString(),
                "serve")) {
            List<String> types = new ArrayList<>();
            served.graph().operations().forEachRemaining(op -> types.add(op.type()));
            assertTrue(types.stream().noneMatch(t -> t.startsWith("FusedBatchNorm")), types.toString());
            GraphOperation u = served.graph().operation("tflc_storage/factors_0/u/read");
            long rank = u == null ? -1 : u.output(0).shape().get(3);
            System.out.println("factored rank of conv2d_1/kernel (40 filters), aligned to 8: " + rank);
            assertTrue(rank > 0 && rank < 40 && rank % 8 == 0, "factor U of rank " + rank + " (a multiple of 8)");
            assertEquals(rank, served.graph().operation("tflc_storage/factors_0/v/read").output(0).shape().get(2));
        }
    }
}
