package io.tflc.savedmodels;

import org.tensorflow.GraphOperation;
import org.tensorflow.ndarray.Shape;

/**
 * Floating-point operations per example of the layer a weight feeds: 2 per multiply-add of a MatMul or a
 * convolution (from the static shape of its output), and one per output value of a BiasAdd. Activations, pooling
 * and the like are not counted: they do not depend on compression.
 */
public final class Flops {
    private Flops() {
    }

    /** FLOPs per example of {@code weight}'s consuming op, or 0 when its kind is not counted or shapes are unknown. */
    public static long perExample(TrainableModel model, ModelWeight weight) {
        GraphOperation op = model.graph().operation(weight.consumer());
        if (op == null) {
            return 0;
        }
        Shape out = op.output(0).shape();
        long perExampleOutputs = out.isUnknown() ? -1 : sizeBeyondBatch(out);
        if (perExampleOutputs < 0) {
            return 0;
        }
        return switch (weight.layer()) {
            case "MatMul" -> 2 * weight.shape().size(0) * weight.shape().size(1);
            case "Conv2D" -> 2 * perExampleOutputs * weight.shape().size(0) * weight.shape().size(1)
                    * weight.shape().size(2);
            case "DepthwiseConv2dNative" -> 2 * perExampleOutputs * weight.shape().size(0) * weight.shape().size(1);
            case "BiasAdd" -> perExampleOutputs;
            default -> 0;
        };
    }

    /** Number of values per example of a [batch, …] shape, or −1 if any of them is unknown. */
    private static long sizeBeyondBatch(Shape shape) {
        long n = 1;
        for (int i = 1; i < shape.numDimensions(); i++) {
            if (shape.size(i) < 0) {
                return -1;
            }
            n *= shape.size(i);
        }
        return n;
    }
}
