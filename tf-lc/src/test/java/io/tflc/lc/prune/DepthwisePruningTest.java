package io.tflc.lc.prune;

import static io.tflc.lc.prune.DuplicatedUnitsTest.assertSameOutputs;
import static io.tflc.lc.prune.DuplicatedUnitsTest.duplicate;
import static io.tflc.lc.prune.DuplicatedUnitsTest.noise;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.data.Dataset;
import io.tflc.lc.evaluation.Predictions;
import io.tflc.savedmodels.FloatRun;
import io.tflc.savedmodels.ModelExporter;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.SharedFiles;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.nio.file.Path;
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
 * ID pruning through depthwise convolutions (issue 15, item 4): a depthwise layer of multiplier 1 carries each
 * channel on its own, so pruning its producer's channels prunes its kernel's channels (axis 2), bias and BatchNorm
 * with them; a multiplier other than 1 ends the chain, and the layers left whole are named with the reason.
 */
class DepthwisePruningTest {

    @Test
    void theProducersChannelsArePrunedThroughTheDepthwiseLayerWithTheOutputsKept() {
        LayerGraph layers = new LayerGraph(new Graph(), 5);
        Placeholder<TFloat32> input = layers.input(10, 10, 1);
        Operand<TFloat32> x = layers.conv2d("conv2d", input, 6, 3, true);
        x = layers.relu(layers.batchNorm("batch_normalization", layers.depthwiseConv2d("depthwise_conv2d", x, 3)));
        x = layers.conv2d("conv2d_1", x, 4, 3, true);
        try (TrainableModel model = layers.build(input, layers.dense("dense", layers.flatten(x), 5, false))) {
            // channels 3–5 repeat 0–2 all the way to conv2d_1's input: Z has rank 3, so keeping 3 is exact
            int[] copies = {0, 1, 2, 0, 1, 2};
            for (String w : List.of("conv2d/kernel", "conv2d/bias", "depthwise_conv2d/depthwise_kernel",
                    "depthwise_conv2d/bias", "batch_normalization/gamma", "batch_normalization/beta",
                    "batch_normalization/moving_mean", "batch_normalization/moving_variance")) {
                duplicate(model, w, copies);
            }
            Dataset data = noise(100, new int[] {10, 10, 1}, 6);
            StructuredPruner pruner = new StructuredPruner(model, data);
            PrunableLayer first = pruner.layers().get(0);
            assertEquals("conv2d/kernel", first.kernel());
            assertEquals(List.of("depthwise_conv2d/depthwise_kernel"), first.depthwise());
            assertEquals("conv2d_1/kernel", first.nextKernel());
            assertTrue(first.perUnit().containsAll(List.of("conv2d/bias", "depthwise_conv2d/bias",
                    "batch_normalization/gamma", "batch_normalization/moving_variance")), first.perUnit().toString());
            assertTrue(first.z().contains("Relu"), "Z is what conv2d_1 receives, after the depthwise layer's BN and "
                    + "ReLU: " + first.z());
            try (TrainableModel pruned = pruner.prune(Map.of("conv2d/kernel", 3, "conv2d_1/kernel", 4),
                    StructuredPruner.Method.ID)) {
                assertEquals(List.of(3L, 3L, 3L, 1L),
                        Arrays.stream(pruned.weight("depthwise_conv2d/depthwise_kernel").shape().asArray()).boxed()
                                .toList());
                assertEquals(3, pruned.weight("batch_normalization/moving_mean").size());
                assertEquals(3, pruned.weight("conv2d_1/kernel").shape().asArray()[2]);
                assertSameOutputs(model, pruned, data, new long[] {4, 10, 10, 1});
                assertTrue(StructuredPruner.flops(pruned) < StructuredPruner.flops(model));
            }
        }
    }

    @Test
    void aChannelMultiplierEndsTheChainAndEveryLayerLeftWholeSaysWhy() {
        LayerGraph layers = new LayerGraph(new Graph(), 6);
        Placeholder<TFloat32> input = layers.input(8, 8, 1);
        Operand<TFloat32> x = layers.depthwiseConv2d("depthwise_conv2d", input, 3);
        x = layers.conv2d("conv2d", x, 4, 3, true);
        x = layers.relu(layers.depthwiseConv2d("depthwise_conv2d_1", x, 3, 2));
        x = layers.conv2d("conv2d_1", x, 4, 3, true);
        try (TrainableModel model = layers.build(input, layers.dense("dense", layers.flatten(x), 3, false))) {
            StructuredPruner pruner = new StructuredPruner(model, noise(50, new int[] {8, 8, 1}, 1));
            assertEquals(List.of("conv2d_1/kernel"), pruner.layers().stream().map(PrunableLayer::kernel).toList());
            Map<String, String> why = pruner.notPruned();
            assertEquals(List.of("conv2d/kernel", "dense/kernel", "depthwise_conv2d/depthwise_kernel",
                    "depthwise_conv2d_1/depthwise_kernel"), why.keySet().stream().sorted().toList());
            assertTrue(why.get("conv2d/kernel").contains("depthwise_conv2d_1/depthwise_kernel")
                    && why.get("conv2d/kernel").contains("multiplier 2"), why.get("conv2d/kernel"));
            assertTrue(why.get("dense/kernel").contains("the model's outputs"), why.get("dense/kernel"));
            assertTrue(why.get("depthwise_conv2d_1/depthwise_kernel").contains("multiplier is 2"),
                    why.get("depthwise_conv2d_1/depthwise_kernel"));
            assertTrue(why.get("depthwise_conv2d/depthwise_kernel").contains("Dense/Conv2D"),
                    why.get("depthwise_conv2d/depthwise_kernel"));
            try (TrainableModel pruned = pruner.prune(pruner.keep(0.5), StructuredPruner.Method.ID)) {
                PruneReport report = new PruneReport("id", pruner.keep(0.5), why, 1, 1, 1,
                        StructuredPruner.parameters(model), StructuredPruner.parameters(pruned),
                        StructuredPruner.flops(model), StructuredPruner.flops(pruned), -1, -1);
                String table = report.table();
                assertTrue(table.contains("conv2d/kernel: its channels reach the depthwise convolution"), table);
                assertTrue(table.contains("dense/kernel: the last layer"), table);
            }
        }
    }

    @Test
    void theKeywordSpottingDsCnnIsPrunedThroughItsFourDepthwiseLayers(@TempDir Path dir) throws Exception {
        try (TrainableModel model = SavedModelReader.read(SharedFiles.require("savedmodels/mlperf-tiny-kws-dscnn"),
                "serving_default", null, null)) {
            // No audio is available: the inputs are generated (Gaussian, σ = 10, a scale chosen without data).
            Dataset pruning = gaussian(1000, 1);
            Dataset held = gaussian(1000, 2);
            StructuredPruner pruner = new StructuredPruner(model, pruning);
            List<String> through = pruner.layers().stream().filter(l -> !l.depthwise().isEmpty())
                    .map(l -> l.kernel() + " → " + l.depthwise() + " → " + l.nextKernel()).toList();
            System.out.println("DS-CNN: pruned through depthwise: " + through + "; left whole: "
                    + StructuredPruner.describe(pruner.notPruned()));
            assertEquals(4, through.size(), through.toString());
            assertEquals(List.of("conv2d/kernel", "conv2d_1/kernel", "conv2d_2/kernel", "conv2d_3/kernel",
                    "conv2d_4/kernel"), pruner.layers().stream().map(PrunableLayer::kernel).toList());
            assertEquals(List.of("dense/kernel"), List.copyOf(pruner.notPruned().keySet()));
            Map<String, Integer> kept = pruner.keep(0.5);
            try (TrainableModel pruned = pruner.prune(kept, StructuredPruner.Method.ID)) {
                int[] before = Predictions.of(model, held);
                int[] after = Predictions.of(pruned, held);
                double agreement = Predictions.agreement(before, after);
                long flops = StructuredPruner.flops(model);
                long prunedFlops = StructuredPruner.flops(pruned);
                System.out.printf("DS-CNN keep 0.5: FLOPs %,d → %,d (%.1f%%), parameters %,d → %,d, agreement on "
                                + "generated inputs %.2f%%%n", flops, prunedFlops, 100.0 * prunedFlops / flops,
                        StructuredPruner.parameters(model), StructuredPruner.parameters(pruned), 100 * agreement);
                assertEquals(32, pruned.weight("depthwise_conv2d_3/depthwise_kernel").shape().asArray()[2]);
                assertTrue(prunedFlops < 0.4 * flops, "FLOPs " + prunedFlops + " of " + flops);
                Path exported = dir.resolve("pruned");
                ModelExporter.write(pruned, exported, false);
                float[] batch = Arrays.copyOf(held.features(), 4 * 490);
                long[] dims = {4, 49, 10, 1};
                float[] inMemory = FloatRun.run(pruned.session(), name(pruned.input()), name(pruned.output()), dims,
                        batch);
                try (SavedModelBundle bundle = SavedModelBundle.load(exported.toString(), "serve")) {
                    var signature = bundle.metaGraphDef().getSignatureDefMap().get("serving_default");
                    float[] served = FloatRun.run(bundle.session(), signature.getInputsMap().get(pruned.inputName())
                            .getName(), signature.getOutputsMap().get(pruned.outputName()).getName(), dims, batch);
                    assertArrayEquals(inMemory, served, 1e-5f, "the pruned DS-CNN exports and serves the same");
                }
            }
            // the FLOPs target counts a depthwise layer's FLOPs as shrinking with its producer's channels
            Map<String, Integer> half = pruner.flopsTarget(0.5);
            try (TrainableModel pruned = pruner.prune(half, StructuredPruner.Method.ID)) {
                long flops = StructuredPruner.flops(pruned);
                System.out.printf("DS-CNN FLOPs target 0.5: kept %s, FLOPs %,d → %,d, agreement %.2f%%%n", half,
                        StructuredPruner.flops(model), flops, 100 * Predictions.agreement(Predictions.of(model, held),
                                Predictions.of(pruned, held)));
                assertTrue(flops <= 0.5 * StructuredPruner.flops(model), "FLOPs " + flops);
                assertTrue(flops > 0.4 * StructuredPruner.flops(model), "reached, not overshot: " + flops);
            }
        }
    }

    private static String name(org.tensorflow.Output<?> output) {
        return output.op().name() + ":" + output.index();
    }

    private static Dataset gaussian(int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n * 49 * 10];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * 10);
        }
        return Dataset.ofClasses(x, new int[n], new int[] {49, 10, 1});
    }
}
