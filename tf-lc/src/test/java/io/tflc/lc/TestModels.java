package io.tflc.lc;

import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Minibatches;
import io.tflc.lc.lstep.LStepGraph;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.savedmodels.ModelExporter;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Small models for tests: a 784-h-10 MLP, and a trained one saved as the reference of an LC run. */
public final class TestModels {
    private TestModels() {
    }

    /** 784 → hidden (ReLU) → 10; weights dense/{kernel,bias}, dense_1/{kernel,bias}. */
    public static TrainableModel mlp(long seed, int hidden) {
        LayerGraph layers = new LayerGraph(new Graph(), seed);
        Placeholder<TFloat32> input = layers.input(784);
        Operand<TFloat32> h = layers.dense("dense", input, hidden, true);
        return layers.build(input, layers.dense("dense_1", h, 10, false));
    }

    /** Trains {@link #mlp} for {@code epochs} on {@code train} (SGD Nesterov, lr 0.05) and saves it at {@code target}. */
    public static void trainAndSave(long seed, int hidden, Dataset train, int epochs, Path target) throws IOException {
        try (TrainableModel model = mlp(seed, hidden); Minibatches batches = new Minibatches(train, 64)) {
            LStepGraph training = new LStepGraph(model, List.of(), new Optimizer(Optimizer.SGD_NESTEROV, 0.9));
            training.setLearningRate(0.05);
            for (int epoch = 0; epoch < epochs; epoch++) {
                training.epoch(batches, train.shuffledIndices(new SplittableRandom(epoch)), () -> { });
            }
            ModelExporter.write(model, target, false);
        }
    }
}
