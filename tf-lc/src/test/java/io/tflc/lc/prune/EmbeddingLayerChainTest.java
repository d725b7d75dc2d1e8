package io.tflc.lc.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.data.Dataset;
import io.tflc.savedmodels.FloatRun;
import io.tflc.savedmodels.Flops;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * An embedding table is a weight of no prunable layer, and the dense layers after it prune as usual (ID pruning of a
 * hidden layer fed by a flattened lookup, the table kept as it is).
 */
class EmbeddingLayerChainTest {

    @Test
    void theTableIsSkippedAndTheHiddenDenseLayerIsPrunable() {
        LayerGraph layers = new LayerGraph(new Graph(), 2);
        Placeholder<TFloat32> input = layers.input(6);
        Operand<TFloat32> rows = layers.embedding("embedding", input, 20, 4);
        Operand<TFloat32> hidden = layers.dense("dense", layers.flatten(rows), 5, true);
        try (TrainableModel model = layers.build(input, layers.dense("dense_1", hidden, 3, false))) {
            List<PrunableLayer> chain = LayerChain.of(model).layers();
            assertEquals(List.of("dense/kernel"), chain.stream().map(PrunableLayer::kernel).toList());
            assertEquals("dense_1/kernel", chain.get(0).nextKernel());
            assertEquals(0, Flops.perExample(model, model.weight("embedding/embeddings")));
            assertEquals(2L * 24 * 5, Flops.perExample(model, model.weight("dense/kernel")));

            float[] ids = new float[50 * 6];
            java.util.SplittableRandom random = new java.util.SplittableRandom(9);
            for (int i = 0; i < ids.length; i++) {
                ids[i] = random.nextInt(20);
            }
            Dataset data = Dataset.ofClasses(ids, new int[50], new int[] {6});
            float[] table = model.access().read(List.of("embedding/embeddings")).get("embedding/embeddings");
            try (TrainableModel pruned = new StructuredPruner(model, data).prune(Map.of("dense/kernel", 3),
                    StructuredPruner.Method.ID)) {
                assertEquals(List.of(24L, 3L), List.of(pruned.weight("dense/kernel").shape().asArray()[0],
                        pruned.weight("dense/kernel").shape().asArray()[1]));
                assertArrayEquals(table, pruned.access().read(List.of("embedding/embeddings"))
                        .get("embedding/embeddings"), "the table is carried over as it is");
                float[] out = FloatRun.run(pruned.session(), "input:0", "probabilities:0", new long[] {50, 6}, ids);
                assertTrue(java.util.Arrays.stream(toDouble(out)).allMatch(Double::isFinite));
            }
        }
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
