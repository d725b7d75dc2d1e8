package io.tflc.examples;

import io.tflc.lc.data.Datasets;
import io.tflc.lc.data.Minibatches;
import io.tflc.lc.evaluation.Evaluator;
import io.tflc.lc.lstep.LStepGraph;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.savedmodels.ModelExporter;
import io.tflc.savedmodels.OutputFolder;
import io.tflc.savedmodels.TrainableModel;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tf-lc train-reference}: trains LeNet300 or LeNet5 on Fashion-MNIST and saves it as a SavedModel. */
@Command(name = "train-reference", mixinStandardHelpOptions = true,
        description = "Train a reference model (lenet300, lenet5, mlp1024, resnet20) on Fashion-MNIST and save it as a SavedModel "
                + "(signature serving_default: input → probabilities).")
public final class TrainReferenceCommand implements Callable<Integer> {

    @Option(names = "--model", description = "lenet300, lenet5, mlp1024 or resnet20 (default: ${DEFAULT-VALUE})")
    private String model = "lenet300";

    @Option(names = "--epochs", description = "epochs (default: ${DEFAULT-VALUE})")
    private int epochs = 15;

    @Option(names = "--lr", description = "learning rate, decayed ×0.9 per epoch (default: ${DEFAULT-VALUE})")
    private double learningRate = 0.05;

    @Option(names = "--batch-size", description = "minibatch size (default: ${DEFAULT-VALUE})")
    private int batchSize = 128;

    @Option(names = "--seed", description = "seed of the initial weights and shuffling (default: ${DEFAULT-VALUE})")
    private long seed = 1;

    @Option(names = "--out", required = true, description = "SavedModel folder to write")
    private Path out;

    @Option(names = "--force", description = "replace a model tf-lc wrote earlier in the folder")
    private boolean force;

    @Override
    public Integer call() throws Exception {
        try (OutputFolder folder = OutputFolder.claim(out, Map.of("data", Datasets.FASHION_MNIST),
                "train-reference --model " + model)) {
            if (!folder.isEmpty() && !force) {
                throw new FileAlreadyExistsException(out.toString(), null, "pass --force to replace it");
            }
            train();
        }
        return 0;
    }

    private void train() throws IOException {
        Datasets data = Datasets.loadMnistLayout(Datasets.FASHION_MNIST, 1f / 255, ReferenceModels.exampleShape(model));
        try (TrainableModel m = ReferenceModels.build(model, seed);
             Minibatches batches = new Minibatches(data.train(), batchSize);
             Minibatches test = new Minibatches(data.test(), 1000)) {
            LStepGraph training = new LStepGraph(m, List.of(), new Optimizer(Optimizer.SGD_NESTEROV, 0.9));
            SplittableRandom random = new SplittableRandom(seed);
            for (int epoch = 0; epoch < epochs; epoch++) {
                training.setLearningRate(learningRate * Math.pow(0.9, epoch));
                double loss = training.epoch(batches, data.train().shuffledIndices(random), () -> { }).data();
                Evaluator.Evaluation e = training.evaluate(test);
                System.out.printf(Locale.ROOT, "epoch %2d/%d  train loss %.4f  test error %.2f%%%n", epoch + 1, epochs,
                        loss, 100 * e.error());
            }
            ModelExporter.write(m, out, force);
            System.out.println("saved " + out);
        }
    }
}
