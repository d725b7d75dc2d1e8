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
    public static final List<String> NAMES = List.of("lenet300", "lenet5", "mlp1024", "resnet20");

    private ReferenceModels() {
    }

    public static TrainableModel build(String name, long seed) {
        return switch (name) {
            case "lenet300" -> lenet300(seed);
            case "lenet5" -> lenet5(seed);
            case "mlp1024" -> mlp1024(seed);
            case "resnet20" -> resnet20(seed);
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

    /**
     * ResNet-20 (He et al. 2016, the CIFAR variant) for 28×28×1 images: a 3×3 convolution to 16 channels, three
     * stages of three residual blocks (16, 32, 64 channels; the first block of stages 2 and 3 halves the resolution
     * with a strided convolution and a 1×1 projection shortcut), global average pooling, dense 10; 0.27 M
     * parameters. Every convolution is followed by a BatchNorm, which runs in inference mode as everywhere in
     * tf-lc: it trains as a per-channel affine map, and the last BatchNorm of each block starts at γ = 0 so that
     * blocks start as the identity (Goyal et al. 2017), which trains without batch statistics.
     */
    public static TrainableModel resnet20(long seed) {
        LayerGraph layers = new LayerGraph(new Graph(), seed);
        Placeholder<TFloat32> input = layers.input(28, 28, 1);
        int[] counter = {0, 0};
        Operand<TFloat32> x = layers.relu(batchNorm(layers, conv(layers, counter, input, 16, 3, 1), counter, 1));
        int[] widths = {16, 32, 64};
        for (int stage = 0; stage < widths.length; stage++) {
            for (int block = 0; block < 3; block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                Operand<TFloat32> branch = layers.relu(batchNorm(layers,
                        conv(layers, counter, x, widths[stage], 3, stride), counter, 1));
                branch = batchNorm(layers, conv(layers, counter, branch, widths[stage], 3, 1), counter, 0);
                Operand<TFloat32> shortcut = stride == 1 ? x
                        : batchNorm(layers, conv(layers, counter, x, widths[stage], 1, stride), counter, 1);
                x = layers.relu(layers.add(branch, shortcut));
            }
        }
        return layers.build(input, layers.dense("dense", layers.globalAveragePool(x), 10, false));
    }

    /** The next Keras-named convolution (conv2d, conv2d_1, …), SAME, no bias. */
    private static Operand<TFloat32> conv(LayerGraph layers, int[] counter, Operand<TFloat32> x, int filters, int size,
                                          int stride) {
        String name = counter[0] == 0 ? "conv2d" : "conv2d_" + counter[0];
        counter[0]++;
        return layers.conv2d(name, x, filters, size, stride, "SAME");
    }

    /** The next Keras-named BatchNorm (batch_normalization, batch_normalization_1, …). */
    private static Operand<TFloat32> batchNorm(LayerGraph layers, Operand<TFloat32> x, int[] counter, float gamma) {
        String name = counter[1] == 0 ? "batch_normalization" : "batch_normalization_" + counter[1];
        counter[1]++;
        return layers.batchNorm(name, x, gamma);
    }

    /** The example shape the model takes, for loading IDX images. */
    public static int[] exampleShape(String name) {
        return name.equals("lenet5") || name.equals("resnet20") ? new int[] {28, 28, 1} : new int[] {784};
    }
}
