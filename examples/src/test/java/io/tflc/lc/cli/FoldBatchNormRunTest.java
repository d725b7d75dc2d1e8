package io.tflc.lc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.savedmodels.ModelExporter;
import io.tflc.savedmodels.ServeGraph;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Issue 15, item 6: {@code compress --fold-batch-norm} folds BatchNorm as the model loads and says so. */
class FoldBatchNormRunTest {

    @Test
    void foldsBeforeCompressingAndExportsWithoutBatchNorm(@TempDir Path dir) throws Exception {
        LayerGraph layers = new LayerGraph(new Graph(), 9);
        Placeholder<TFloat32> input = layers.input(16);
        Operand<TFloat32> image = layers.ops().reshape(input, layers.ops().constant(new long[] {-1, 4, 4, 1}));
        Operand<TFloat32> x = layers.relu(layers.batchNorm("batch_normalization", layers.conv2d("conv2d", image, 4, 3,
                false)));
        try (TrainableModel model = layers.build(input, layers.dense("dense", layers.flatten(x), 3, false))) {
            ModelExporter.write(model, dir.resolve("model"), false);
        }
        StringBuilder csv = new StringBuilder();
        for (int j = 0; j < 16; j++) {
            csv.append("x").append(j).append(',');
        }
        csv.append("label\n");
        Random random = new Random(2);
        for (int i = 0; i < 96; i++) {
            for (int j = 0; j < 16; j++) {
                csv.append(String.format(Locale.ROOT, "%.3f,", random.nextFloat()));
            }
            csv.append(random.nextInt(3)).append('\n');
        }
        Path data = Files.writeString(dir.resolve("data.csv"), csv);
        CliRun run = CliRun.of(new CompressCommand(), "--model", dir.resolve("model").toString(), "--data",
                "csv:" + data, "--split-train", "64", "--task", "dense/kernel=codebook:4", "--task",
                "conv2d/bias=codebook:2", "--steps", "2",
                "--fold-batch-norm", "--out", dir.resolve("run").toString());
        assertEquals(0, run.status(), run.all());
        assertTrue(run.output().contains("fold_batch_norm: folded 1 of 1 BatchNorm nodes into their layers"),
                run.all());
        assertTrue(Files.readString(dir.resolve("run/plan.json")).contains("\"fold_batch_norm\": true"));
        assertEquals(0, ServeGraph.read(dir.resolve("run/model")).getGraphDef().getNodeList().stream()
                .filter(n -> n.getOp().startsWith("FusedBatchNorm")).count());
        try (SavedModelBundle bundle = SavedModelBundle.load(dir.resolve("run/model").toString(), "serve")) {
            assertEquals(1, bundle.metaGraphDef().getSignatureDefMap().get("serving_default").getInputsCount());
        }
    }
}
