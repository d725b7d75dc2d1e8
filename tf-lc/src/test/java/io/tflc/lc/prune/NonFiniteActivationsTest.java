package io.tflc.lc.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflc.compressors.NonFiniteException;
import io.tflc.lc.data.Dataset;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Activations that are not finite stop ID pruning with the layer and the images named, before LAPACK sees them. */
class NonFiniteActivationsTest {

    @Test
    void anInfiniteActivationIsNamedByLayerAndImages() {
        LayerGraph layers = new LayerGraph(new Graph(), 1);
        Placeholder<TFloat32> input = layers.input(6);
        try (TrainableModel model = layers.build(input, layers.dense("dense_1", layers.dense("dense", input, 8, true),
                3, false))) {
            float[] bias = new float[8];
            bias[5] = Float.POSITIVE_INFINITY;
            model.access().assign(Map.of("dense/bias", bias));
            Random random = new Random(3);
            float[] x = new float[250 * 6];
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextFloat();
            }

            NonFiniteException e = assertThrows(NonFiniteException.class,
                    () -> new StructuredPruner(model, Dataset.ofClasses(x, new int[250], new int[] {6})));

            assertEquals("the activations of dense/kernel's units (what dense_1/kernel receives) on pruning images "
                    + "1–100: Infinity at [0, 5] of 100×8; check the model's weights and the input scale", e.getMessage());
        }
    }
}
