package io.tflc.lc.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.data.Dataset;
import io.tflc.savedmodels.FloatRun;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Networks whose layers repeat units are pruned to the distinct ones with their outputs unchanged (≤ 1e-5). */
class DuplicatedUnitsTest {

    /** Copies the units of the last dimension of {@code weight} as {@code copies} says (unit i := unit copies[i]). */
    static void duplicate(TrainableModel model, String weight, int[] copies) {
        float[] w = model.access().read(List.of(weight)).get(weight);
        int units = copies.length;
        float[] out = w.clone();
        for (int r = 0; r < w.length / units; r++) {
            for (int u = 0; u < units; u++) {
                out[r * units + u] = w[r * units + copies[u]];
            }
        }
        model.access().assign(Map.of(weight, out));
    }

    static void randomBias(TrainableModel model, String bias, int[] copies, Random random) {
        float[] b = new float[copies.length];
        float[] distinct = new float[copies.length];
        for (int i = 0; i < distinct.length; i++) {
            distinct[i] = (float) random.nextGaussian() * 0.1f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = distinct[copies[i]];
        }
        model.access().assign(Map.of(bias, b));
    }

    static Dataset noise(int n, int[] shape, long seed) {
        Random random = new Random(seed);
        int size = java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        float[] x = new float[n * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        return Dataset.ofClasses(x, new int[n], shape);
    }

    static void assertSameOutputs(TrainableModel a, TrainableModel b, Dataset data, long[] dims) {
        float[] inputs = new float[(int) (dims[0] * data.exampleSize())];
        Random random = new Random(99);
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = random.nextFloat();
        }
        float[] x = FloatRun.run(a.session(), "input", "probabilities", dims, inputs);
        float[] y = FloatRun.run(b.session(), "input", "probabilities", dims, inputs);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], y[i], 1e-5 * Math.max(1, Math.abs(x[i])), "output " + i);
        }
    }

    @Test
    void denseUnitsAreFoldedIntoTheNextDenseLayer() {
        LayerGraph layers = new LayerGraph(new Graph(), 1);
        Placeholder<TFloat32> input = layers.input(6);
        int[] copies = {0, 1, 0, 3, 1, 5, 5, 0};
        try (TrainableModel model = layers.build(input, layers.dense("dense_1", layers.dense("dense", input, 8, true),
                3, false))) {
            duplicate(model, "dense/kernel", copies);
            randomBias(model, "dense/bias", copies, new Random(1));
            Dataset data = noise(200, new int[] {6}, 2);
            StructuredPruner pruner = new StructuredPruner(model, data);
            assertEquals(1, pruner.layers().size());
            try (TrainableModel pruned = pruner.prune(Map.of("dense/kernel", 4), StructuredPruner.Method.ID)) {
                assertEquals(List.of(6L, 4L), List.of(pruned.weight("dense/kernel").shape().asArray()[0],
                        pruned.weight("dense/kernel").shape().asArray()[1]));
                assertEquals(4, pruned.weight("dense_1/kernel").shape().asArray()[0]);
                assertSameOutputs(model, pruned, data, new long[] {7, 6});
            }
        }
    }

    @Test
    void convChannelsFoldIntoTheNextConvAndThroughAFlattenIntoADenseLayer() {
        LayerGraph layers = new LayerGraph(new Graph(), 3);
        Placeholder<TFloat32> input = layers.input(10, 10, 1);
        Operand<TFloat32> x = layers.conv2d("conv2d", input, 6, 3, true);
        x = layers.maxPool(layers.conv2d("conv2d_1", x, 4, 3, true), 2);
        try (TrainableModel model = layers.build(input, layers.dense("dense", layers.flatten(x), 5, false))) {
            int[] first = {0, 1, 0, 2, 1, 2};
            int[] second = {0, 0, 2, 2};
            Random random = new Random(4);
            duplicate(model, "conv2d/kernel", first);
            randomBias(model, "conv2d/bias", first, random);
            duplicate(model, "conv2d_1/kernel", second);
            randomBias(model, "conv2d_1/bias", second, random);
            Dataset data = noise(100, new int[] {10, 10, 1}, 5);
            StructuredPruner pruner = new StructuredPruner(model, data);
            assertEquals(List.of("conv2d/kernel", "conv2d_1/kernel"),
                    pruner.layers().stream().map(PrunableLayer::kernel).toList());
            assertTrue(pruner.layers().get(1).flatten() != null, "conv2d_1 reaches the dense layer through a flatten");
            try (TrainableModel pruned = pruner.prune(Map.of("conv2d/kernel", 3, "conv2d_1/kernel", 2),
                    StructuredPruner.Method.ID)) {
                assertEquals(3, pruned.weight("conv2d/kernel").shape().asArray()[3]);
                assertEquals(3, pruned.weight("conv2d_1/kernel").shape().asArray()[2]);
                assertEquals(2, pruned.weight("conv2d_1/kernel").shape().asArray()[3]);
                assertEquals(2 * 3 * 3, pruned.weight("dense/kernel").shape().asArray()[0], "3×3 positions × 2 channels");
                assertSameOutputs(model, pruned, data, new long[] {4, 10, 10, 1});
            }
        }
    }
}
