package io.tflc.lc.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.CStep;
import io.tflc.compressors.LowRankFactors;
import io.tflc.compressors.Precision;
import io.tflc.compressors.lowrank.FixedRank;
import io.tflc.compressors.views.AsIs;
import io.tflc.lc.data.Dataset;
import io.tflc.savedmodels.ModelExporter;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import io.tflc.savedmodels.safety.ModelTrust;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Each factored task gets a latency line against its own dense form; dense tasks get none; scratch is removed. */
class FactoredFormCheckTest {

    @Test
    void everyFactoredTaskIsTimedAgainstItsDenseForm(@TempDir Path dir) throws Exception {
        try (TrainableModel model = threeDenseLayers(31, 32)) {
            List<ModelExporter.CompressedTask> tasks = List.of(task(model, "dense/kernel", 8,
                    ModelExporter.Form.FACTORED), task(model, "dense_1/kernel", 4, ModelExporter.Form.DENSE));
            Path exported = dir.resolve("model");
            ModelExporter.write(model, tasks, exported, false);
            List<String> lines = FactoredFormCheck.check(model, tasks, exported, randomInputs(32), dir,
                    ModelTrust.CHECK_OPS);
            System.out.println(lines);
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).matches("(warning: the )?[fF]actored form of \\[dense/kernel].*latency ratio "
                    + "factored/dense \\d+\\.\\d+ \\(\\d+\\.\\d+–\\d+\\.\\d+, 3 repetitions\\).*"), lines.get(0));
            try (var left = Files.list(dir)) {
                assertEquals(List.of(exported), left.toList(), "the dense-form export is deleted");
            }
        }
    }

    /**
     * Issue 18: a factored rank that is not a multiple of the alignment (9 with 8) is served beside the rank below
     * (8), and the line says which is faster; an aligned rank (8) gets no such line.
     */
    @Test
    void aRankOffTheAlignmentIsTimedAgainstTheAlignedRankBelow(@TempDir Path dir) throws Exception {
        try (TrainableModel model = threeDenseLayers(33, 48)) {
            List<ModelExporter.CompressedTask> tasks = List.of(task(model, "dense/kernel", 9,
                    ModelExporter.Form.FACTORED), task(model, "dense_1/kernel", 8, ModelExporter.Form.FACTORED));
            Path exported = dir.resolve("model");
            ModelExporter.write(model, tasks, exported, false);
            List<String> lines = FactoredFormCheck.check(model, tasks, exported, randomInputs(34), dir,
                    ModelTrust.CHECK_OPS, 8);
            System.out.println(lines);
            assertEquals(3, lines.size(), lines.toString());
            assertTrue(lines.get(1).matches("(warning: \\[dense/kernel] has rank 9, not a multiple of the alignment 8; "
                    + "rank 8 serves faster: |rank 9 of \\[dense/kernel] against rank 8 \\(the alignment 8\\): )"
                    + "latency ratio rank 8/rank 9 \\d+\\.\\d+ \\(\\d+\\.\\d+–\\d+\\.\\d+, 3 repetitions\\).*"),
                    lines.get(1));
            assertTrue(lines.get(2).contains("[dense_1/kernel]") && lines.get(2).contains("factored/dense"),
                    lines.get(2));
            try (var left = Files.list(dir)) {
                assertEquals(List.of(exported), left.toList(), "the scratch exports are deleted");
            }
        }
    }

    /** 64 → dense 96 → dense_1 {@code hidden} → dense_2 4, weights drawn with {@code seed}. */
    private static TrainableModel threeDenseLayers(long seed, int hidden) {
        LayerGraph layers = new LayerGraph(new Graph(), seed);
        Placeholder<TFloat32> input = layers.input(64);
        Operand<TFloat32> h = layers.dense("dense_1", layers.dense("dense", input, 96, true), hidden, true);
        return layers.build(input, layers.dense("dense_2", h, 4, false));
    }

    private static ModelExporter.CompressedTask task(TrainableModel model, String weight, int rank,
                                                     ModelExporter.Form form) {
        AsIs view = new AsIs(model.weight(weight).dims());
        double[] w = Precision.toDoubles(model.access().read(List.of(weight)).get(weight));
        LowRankFactors theta = (LowRankFactors) new FixedRank(rank).compress(view.pack(List.of(w)), CStep.direct(1));
        return new ModelExporter.CompressedTask(List.of(weight), view, theta, form);
    }

    /** 256 uniform inputs of width 64 (the fixtures' input), labels unused. */
    private static Dataset randomInputs(long seed) {
        Random random = new Random(seed);
        float[] x = new float[256 * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        return Dataset.ofClasses(x, new int[256], new int[] {64});
    }
}
