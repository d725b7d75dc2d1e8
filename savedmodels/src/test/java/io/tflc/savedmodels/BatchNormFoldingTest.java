package io.tflc.savedmodels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.savedmodels.layers.LayerGraph;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TFloat32;

/**
 * Issue 15, item 6: inference-mode BatchNorm folded into the convolution, depthwise convolution or dense layer before
 * it; outputs unchanged, no BatchNorm left in the model nor in its export; a BatchNorm after anything else stays.
 */
class BatchNormFoldingTest {
    private static final long[] DIMS = {5, 8, 8, 2};

    /**
     * conv (bias) → BN → relu → depthwise (bias) → BN → relu → 1×1 conv (no bias) → BN → relu → flatten → dense →
     * [-1,1,1,6] → BN → flatten → dense: every BatchNorm folds, the one without a bias into a new {@code conv2d_1/bias}.
     */
    private static TrainableModel folding() {
        LayerGraph layers = new LayerGraph(new Graph(), 7);
        Placeholder<TFloat32> input = layers.input(8, 8, 2);
        Operand<TFloat32> x = layers.conv2d("conv2d", input, 4, 3, false);
        x = layers.relu(layers.batchNorm("batch_normalization", x));
        x = layers.depthwiseConv2d("depthwise_conv2d", x, 3);
        x = layers.relu(layers.batchNorm("batch_normalization_1", x));
        x = layers.conv2d("conv2d_1", x, 5, 1, 1, "SAME");
        x = layers.relu(layers.batchNorm("batch_normalization_2", x));
        x = layers.dense("dense", layers.flatten(x), 6, false);
        x = layers.ops().reshape(x, layers.ops().constant(new long[] {-1, 1, 1, 6}));
        x = layers.flatten(layers.batchNorm("batch_normalization_3", x));
        return layers.build(input, layers.dense("dense_1", x, 3, false));
    }

    @Test
    void foldsIntoConvolutionDepthwiseAndDenseWithEqualOutputs(@TempDir Path dir) throws Exception {
        try (TrainableModel model = folding()) {
            float[] x = inputs(DIMS, 3);
            float[] before = run(model, x);
            BatchNormFolding.Result result = BatchNormFolding.fold(model);
            try (TrainableModel folded = result.model()) {
                assertEquals(List.of("conv2d/Conv2d", "depthwise_conv2d/DepthwiseConv2dNative", "conv2d_1/Conv2d",
                        "dense/MatMul"), result.folded().stream().map(BatchNormFolding.Decision::layer).toList(),
                        result.summary());
                assertTrue(result.leftAlone().isEmpty(), result.summary());
                assertEquals(List.of(), opsOfType(folded.graph(), "FusedBatchNorm"));
                assertEquals(List.of("conv2d/bias", "conv2d/kernel", "conv2d_1/bias", "conv2d_1/kernel", "dense/bias",
                        "dense/kernel", "dense_1/bias", "dense_1/kernel", "depthwise_conv2d/bias",
                        "depthwise_conv2d/depthwise_kernel"),
                        folded.weights().stream().map(ModelWeight::name).sorted().toList());
                assertTrue(folded.weights().stream().allMatch(ModelWeight::trainable));
                assertClose(before, run(folded, x), "folded");
                assertClose(before, run(model, x), "the original, after the fold");

                ModelExporter.write(folded, dir.resolve("model"), false);
                MetaGraphDef meta = ServeGraph.read(dir.resolve("model"));
                List<String> norms = new ArrayList<>();
                meta.getGraphDef().getNodeList().stream().filter(n -> n.getOp().startsWith("FusedBatchNorm"))
                        .map(NodeDef::getName).forEach(norms::add);
                meta.getGraphDef().getLibrary().getFunctionList().forEach(f -> f.getNodeDefList().stream()
                        .filter(n -> n.getOp().startsWith("FusedBatchNorm")).map(NodeDef::getName)
                        .forEach(norms::add));
                assertEquals(List.of(), norms, "BatchNorm in the exported saved_model.pb");
                try (SavedModelBundle bundle = SavedModelBundle.load(dir.resolve("model").toString(), "serve")) {
                    assertClose(before, FloatRun.run(bundle.session(), "input:0", "probabilities:0", DIMS, x),
                            "served by plain TF");
                }
            }
        }
    }

    @Test
    void aBatchNormAfterAnAddStaysAndSaysWhy() {
        LayerGraph layers = new LayerGraph(new Graph(), 3);
        Placeholder<TFloat32> input = layers.input(8, 8, 2);
        Operand<TFloat32> a = layers.conv2d("conv2d", input, 4, 3, false);
        Operand<TFloat32> b = layers.conv2d("conv2d_1", input, 4, 3, false);
        Operand<TFloat32> x = layers.relu(layers.batchNorm("batch_normalization", layers.add(a, b)));
        Operand<TFloat32> c = layers.conv2d("conv2d_2", x, 4, 3, false);
        x = layers.relu(layers.batchNorm("batch_normalization_1", c));
        try (TrainableModel model = layers.build(input, layers.dense("dense", layers.flatten(x), 3, false))) {
            float[] xs = inputs(DIMS, 4);
            BatchNormFolding.Result result = BatchNormFolding.fold(model);
            try (TrainableModel folded = result.model()) {
                assertEquals(1, result.folded().size(), result.summary());
                assertEquals("conv2d_2/Conv2d", result.folded().get(0).layer());
                assertEquals(1, result.leftAlone().size(), result.summary());
                BatchNormFolding.Decision left = result.leftAlone().get(0);
                assertTrue(left.batchNorm().startsWith("batch_normalization/"), left.toString());
                assertTrue(left.reason().contains("(Add)") && left.reason().contains("not a Conv2D"), left.reason());
                assertTrue(result.summary().contains("left alone: " + left.batchNorm()), result.summary());
                assertEquals(1, opsOfType(folded.graph(), "FusedBatchNorm").size());
                assertFalse(folded.weight("batch_normalization/moving_mean").trainable());
                assertTrue(folded.weight("batch_normalization/gamma").trainable());
                assertClose(run(model, xs), run(folded, xs), "folded");
            }
        }
    }

    /** What the fold does to the public models: the DS-CNN's nine BatchNorms fold; the MNIST CNN has none. */
    @Test
    void publicModels() {
        Path kws = SharedFiles.require("savedmodels/mlperf-tiny-kws-dscnn");
        try (TrainableModel model = SavedModelReader.read(kws, "serving_default", null, null)) {
            BatchNormFolding.Result result = BatchNormFolding.fold(model);
            try (TrainableModel folded = result.model()) {
                System.out.println("mlperf-tiny-kws-dscnn: " + result.summary());
                result.decisions().forEach(d -> System.out.println("  " + d));
                assertEquals(9, result.folded().size(), result.summary());
                assertEquals(List.of(), opsOfType(folded.graph(), "FusedBatchNorm"));
                assertEquals(model.weights().size() - 4 * 9, folded.weights().size());
                float[] x = inputs(new long[] {3, 49, 10, 1}, 5);
                assertClose(run(model, x), run(folded, x), "kws folded");
            }
        }
        Path cnn = SharedFiles.require("savedmodels/keras-mnist-cnn");
        try (TrainableModel model = SavedModelReader.read(cnn, "serving_default", null, null)) {
            BatchNormFolding.Result result = BatchNormFolding.fold(model);
            result.model().close();
            System.out.println("keras-mnist-cnn: " + result.summary());
            assertEquals(List.of(), result.decisions());
        }
    }

    private static List<String> opsOfType(Graph graph, String prefix) {
        List<String> found = new ArrayList<>();
        for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
            GraphOperation op = it.next();
            if (op.type().startsWith(prefix)) {
                found.add(op.name());
            }
        }
        return found;
    }

    private static float[] run(TrainableModel model, float[] x) {
        long[] dims = model.input().shape().asArray();
        dims[0] = x.length / java.util.Arrays.stream(dims).skip(1).reduce(1, (p, d) -> p * d);
        return FloatRun.run(model.session(), model.input().op().name() + ":0", model.output().op().name() + ":0", dims,
                x);
    }

    private static float[] inputs(long[] dims, long seed) {
        Random random = new Random(seed);
        float[] x = new float[(int) java.util.Arrays.stream(dims).reduce(1, (p, d) -> p * d)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, Math.abs(expected[i])), what + " at " + i);
        }
    }
}
