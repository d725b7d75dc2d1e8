package io.tflc.lc;

import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Minibatches;
import io.tflc.lc.lstep.LStepGraph;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A small residual network for Fashion-MNIST, Keras names: a stem (conv2d 3×3 stride 2 → BN → ReLU, 14×14×16), two
 * blocks (conv → BN → ReLU → conv → BN, added to the block's input, ReLU; block 1 is conv2d_1/conv2d_2, block 2
 * conv2d_3/conv2d_4), global average pooling and a dense layer of 10 logits.
 */
public final class ResidualNetwork {
    public static final int WIDTH = 16;

    private ResidualNetwork() {
    }

    public static TrainableModel build(long seed) {
        LayerGraph layers = new LayerGraph(new Graph(), seed);
        Placeholder<TFloat32> input = layers.input(28, 28, 1);
        Operand<TFloat32> x = layers.relu(layers.batchNorm("batch_normalization",
                layers.conv2d("conv2d", input, WIDTH, 3, 2, "SAME")));
        for (int block = 0; block < 2; block++) {
            int first = 1 + 2 * block;
            Operand<TFloat32> y = layers.relu(layers.batchNorm("batch_normalization_" + first,
                    layers.conv2d("conv2d_" + first, x, WIDTH, 3, 1, "SAME")));
            y = layers.batchNorm("batch_normalization_" + (first + 1),
                    layers.conv2d("conv2d_" + (first + 1), y, WIDTH, 3, 1, "SAME"));
            x = layers.relu(layers.add(y, x));
        }
        return layers.build(input, layers.dense("dense", layers.globalAveragePool(x), 10, false));
    }

    /** Fashion-MNIST images (flat in {@code data}) as [28, 28, 1], the network's input. */
    public static Dataset images(Dataset data) {
        return new Dataset(data.features(), data.targets(), new int[] {28, 28, 1}, data.targetWidth());
    }

    /** {@link #build} trained for {@code epochs} on {@code train} (Adam, lr 0.005, batch 64). */
    public static TrainableModel trained(long seed, Dataset train, int epochs) {
        TrainableModel model = build(seed);
        try (Minibatches batches = new Minibatches(train, 64)) {
            LStepGraph training = new LStepGraph(model, List.of(), new Optimizer(Optimizer.ADAM, 0.9));
            training.setLearningRate(0.005);
            for (int epoch = 0; epoch < epochs; epoch++) {
                training.epoch(batches, train.shuffledIndices(new SplittableRandom(seed + epoch)), () -> { });
            }
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
