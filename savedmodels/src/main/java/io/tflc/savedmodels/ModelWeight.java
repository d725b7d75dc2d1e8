package io.tflc.savedmodels;

import java.util.Arrays;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;

/**
 * One trainable weight of a model: a resource variable (VarHandleOp) and where it is used.
 *
 * @param name the variable's name in the graph, e.g. {@code dense_1/kernel}
 * @param shape its static shape
 * @param handle the VarHandleOp's output (the resource; gradients are taken with respect to it)
 * @param layer the kind of layer that consumes it, e.g. {@code MatMul}, {@code BiasAdd}, {@code Conv2D}
 * @param consumer the name of the op that consumes its value
 * @param trainable false for state that the forward pass reads but training must not change: what the SavedModel
 *     marks as not trainable ({@link Trainability}), and BatchNorm moving mean and variance
 */
public record ModelWeight(String name, Shape shape, Output<?> handle, String layer, String consumer,
                          boolean trainable) {

    /** Number of values. */
    public int size() {
        return Math.toIntExact(shape.size());
    }

    /** The shape as ints, e.g. [784, 300]. */
    public int[] dims() {
        return Arrays.stream(shape.asArray()).mapToInt(Math::toIntExact).toArray();
    }
}
