package io.tflc.examples;

import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** The LC papers' reference models, built in Java with resource variables. */
public final class ReferenceModels {
    public static final List<String> NAMES = List.of("lenet300", "lenet5", "mlp1024");

    private ReferenceModels() {
    }

    public static TrainableModel build(String name, long seed) {
        return switch (name) {
            case "lenet300" -> lenet300(seed);
            case "lenet5" -> lenet5(seed);
            case "mlp1024" -> mlp1024(seed);
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; models: " + NAMES);
        };
    }

    /** LeNet300: 784-300-100-10, ReLU. Input [batch, 784]. */
    public static TrainableModel lenet300(long seed) {
        LayerGraph layers = new LayerGraph(new Graph(), seed);
        Placeholder<TFloat32> input = layers.input(784);
        Operand<TFloat32> x = layers.dense("dense", input, 300, true);
        x = layers.dense("dense_1", x, 100, true);
        return layers.build(input, layers.dense("dense_2", x, 10, false));
    }

    /** One hidden layer of 1024 ReLU units: 784-1024-10 (the structured-pruning experiments' model). */
    public static TrainableModel mlp1024(long seed) {
        LayerGraph layers = new LayerGraph(new Graph(), seed);
        Placeholder<TFloat32> input = layers.input(784);
        return layers.build(input, layers.dense("dense_1", layers.dense("dense", input, 1024, true), 10, false));
    }

    /** LeNet5 (Caffe variant): conv 20 and 50 filters 5×5, each with 2×2 max-pooling, dense 500, 10. Input 28×28×1. */
    public static TrainableModel lenet5(long seed) {
        LayerGraph layers = new LayerGraph(new Graph(), seed);
        Placeholder<TFloat32> input = layers.input(28, 28, 1);
        Operand<TFloat32> x = layers.maxPool(layers.conv2d("conv2d", input, 20, 5, true), 2);
        x = layers.maxPool(layers.conv2d("conv2d_1", x, 50, 5, true), 2);
        x = layers.dense("dense", layers.flatten(x), 500, true);
        return layers.build(input, layers.dense("dense_1", x, 10, false));
    }

    /** The example shape the model takes, for loading IDX images. */
    public static int[] exampleShape(String name) {
        return name.equals("lenet5") ? new int[] {28, 28, 1} : new int[] {784};
    }
}
