package io.tflc.lc.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.data.Dataset;
import io.tflc.savedmodels.BatchNormFolding;
import io.tflc.savedmodels.FloatRun;
import io.tflc.savedmodels.ModelExporter;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.SharedFiles;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Issue 18: what {@code prune-id} exports by default, a pruned model with its BatchNorm folded into the layers before
 * it, runs no BatchNorm op and serves the pruned model's outputs within 1e-5: on conv→BN→relu→conv→BN whose
 * first convolution loses channels (its BatchNorm with them), on the public DS-CNN (depthwise layers, nine
 * BatchNorms) and on the public MNIST CNN.
 */
class PrunedBatchNormFoldingTest {
    private static final double TOLERANCE = 1e-5;

    @Test
    void aPrunedConvolutionWithBatchNormExportsWithNone(@TempDir Path dir) throws Exception {
        LayerGraph layers = new LayerGraph(new Graph(), 7);
        Placeholder<TFloat32> input = layers.input(10, 10, 3);
        Operand<TFloat32> x = layers.relu(layers.batchNorm("batch_normalization",
                layers.conv2d("conv2d", input, 16, 3, 1, "SAME"), 1.5f));
        x = layers.relu(layers.batchNorm("batch_normalization_1", layers.conv2d("conv2d_1", x, 8, 3, 1, "SAME"),
                0.5f));
        try (TrainableModel model = layers.build(input, layers.dense("dense", layers.flatten(x), 4, false))) {
            List<String> folded = pruneFoldAndExport(model, new long[] {10, 10, 3}, 0.5, dir);
            assertEquals(List.of("conv2d/Conv2d", "conv2d_1/Conv2d"), folded);
        }
    }

    @Test
    void thePublicDepthwiseSeparableCnnPrunedExportsWithNoBatchNorm(@TempDir Path dir) throws Exception {
        Path kws = SharedFiles.require("savedmodels/mlperf-tiny-kws-dscnn");
        try (TrainableModel model = SavedModelReader.read(kws, "serving_default", null, null)) {
            List<String> folded = pruneFoldAndExport(model, new long[] {49, 10, 1}, 0.5, dir);
            assertEquals(9, folded.size(), folded.toString());
        }
    }

    /** The MNIST CNN has no BatchNorm (BatchNormFoldingTest): folding finds none and changes nothing. */
    @Test
    void thePublicMnistCnnPrunedExportsWithNoBatchNorm(@TempDir Path dir) throws Exception {
        Path cnn = SharedFiles.require("savedmodels/keras-mnist-cnn");
        try (TrainableModel model = SavedModelReader.read(cnn, "serving_default", null, null)) {
            assertEquals(List.of(), pruneFoldAndExport(model, new long[] {28, 28, 1}, 0.5, dir));
        }
    }

    /**
     * Prunes half the units of every prunable layer by ID on generated inputs, folds BatchNorm, exports, and checks
     * the export: no FusedBatchNorm op, outputs within 1e-5 of the unfolded pruned model's. Returns the layers
     * folded into.
     */
    private static List<String> pruneFoldAndExport(TrainableModel model, long[] example, double keep, Path dir)
            throws Exception {
        int size = (int) Arrays.stream(example).reduce(1, (a, b) -> a * b);
        Random random = new Random(11);
        float[] x = new float[40 * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        int[] shape = Arrays.stream(example).mapToInt(d -> (int) d).toArray();
        StructuredPruner pruner = new StructuredPruner(model, Dataset.ofClasses(x, new int[40], shape));
        Map<String, Integer> kept = pruner.keep(keep, 1);
        long[] dims = new long[example.length + 1];
        dims[0] = 4;
        System.arraycopy(example, 0, dims, 1, example.length);
        float[] probe = Arrays.copyOf(x, 4 * size);
        String in = model.input().op().name() + ":" + model.input().index();
        String out = model.output().op().name() + ":" + model.output().index();
        try (TrainableModel pruned = pruner.prune(kept, StructuredPruner.Method.ID)) {
            assertTrue(kept.values().stream().anyMatch(k -> k > 0), kept.toString());
            float[] before = FloatRun.run(pruned.session(), in, out, dims, probe);
            BatchNormFolding.Result result = BatchNormFolding.fold(pruned);
            Path exported = dir.resolve("pruned");
            try (TrainableModel folded = result.model()) {
                System.out.println(model.input().op().name() + " pruned to " + kept + ": " + result.summary());
                assertEquals(List.of(), result.leftAlone(), result.summary());
                ModelExporter.write(folded, exported, false);
            }
            try (SavedModelBundle served = SavedModelBundle.load(exported.toString(), "serve")) {
                List<String> norms = new ArrayList<>();
                served.graph().operations().forEachRemaining(op -> {
                    if (op.type().startsWith("FusedBatchNorm")) {
                        norms.add(op.name());
                    }
                });
                assertEquals(List.of(), norms, "BatchNorm ops left in the export");
                float[] after = FloatRun.run(served.session(), in, out, dims, probe);
                for (int i = 0; i < before.length; i++) {
                    assertEquals(before[i], after[i], TOLERANCE * Math.max(1, Math.abs(before[i])), "output " + i);
                }
            }
            return result.folded().stream().map(BatchNormFolding.Decision::layer).toList();
        }
    }
}
