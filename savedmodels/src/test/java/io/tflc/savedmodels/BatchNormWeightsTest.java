package io.tflc.savedmodels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tflc.savedmodels.layers.LayerGraph;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;

/** An inference-mode BatchNorm: γ and β are trained, the moving statistics are kept out of training. */
class BatchNormWeightsTest {

    @Test
    void movingStatisticsAreNotTrainable() {
        LayerGraph layers = new LayerGraph(new Graph(), 1);
        Ops tf = layers.ops();
        Placeholder<TFloat32> input = layers.input(6, 6, 1);
        Operand<TFloat32> conv = layers.conv2d("conv2d", input, 2, 3, false);
        List<Operand<TFloat32>> bn = new java.util.ArrayList<>();
        Ops scope = tf.withSubScope("batch_normalization"); // one scope: TF Java renames a repeated one
        for (String name : List.of("gamma", "beta", "moving_mean", "moving_variance")) {
            VarHandleOp h = scope.withName(name).varHandleOp(TFloat32.class,
                    Shape.of(2), VarHandleOp.sharedName("batch_normalization/" + name));
            bn.add(tf.readVariableOp(h, TFloat32.class));
        }
        FusedBatchNorm<TFloat32, TFloat32> normalized = tf.nn.fusedBatchNorm(conv, bn.get(0), bn.get(1), bn.get(2),
                bn.get(3), FusedBatchNorm.isTraining(false));
        try (TrainableModel model = layers.build(input, layers.dense("dense", layers.flatten(normalized.y()), 3,
                false))) {
            assertEquals(List.of("batch_normalization/beta", "batch_normalization/gamma", "conv2d/bias",
                    "conv2d/kernel", "dense/bias", "dense/kernel"),
                    model.trainableWeights().stream().map(ModelWeight::name).toList());
            assertEquals(8, model.weights().size());
            assertEquals("FusedBatchNormV3", model.weight("batch_normalization/moving_mean").layer());
        }
    }
}
