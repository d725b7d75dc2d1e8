package io.tflc.examples.bench;

import io.tflc.examples.ReferenceModels;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Datasets;
import io.tflc.lc.data.Minibatches;
import io.tflc.lc.lstep.LStepGraph;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.savedmodels.ModelWeight;
import io.tflc.savedmodels.TrainableModel;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * An L-step epoch with the LC penalty on every kernel against a plain training epoch, LeNet300 on the Fashion-MNIST
 * training set (60,000 images, batches of 128), alternating the two after a warm-up epoch each; medians of 7.
 */
final class LStepBenchmark {
    private static final int REPETITIONS = 7;

    private LStepBenchmark() {
    }

    static int run() throws Exception {
        Dataset train = Datasets.fashionMnist().train();
        try (TrainableModel plainModel = ReferenceModels.lenet300(1);
             TrainableModel lcModel = ReferenceModels.lenet300(1);
             Minibatches plainBatches = new Minibatches(train, 128);
             Minibatches lcBatches = new Minibatches(train, 128)) {
            LStepGraph plain = new LStepGraph(plainModel, List.of(), new Optimizer(Optimizer.SGD_NESTEROV, 0.9));
            List<String> kernels = lcModel.weights().stream().map(ModelWeight::name).filter(n -> n.endsWith("kernel"))
                    .toList();
            LStepGraph lc = new LStepGraph(lcModel, kernels, new Optimizer(Optimizer.SGD_NESTEROV, 0.9));
            plain.setLearningRate(0.01);
            lc.setLearningRate(0.01);
            Map<String, float[]> targets = lcModel.access().read(kernels).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            lc.setPenalty(1e-2, targets);
            SplittableRandom random = new SplittableRandom(1);
            plain.epoch(plainBatches, train.shuffledIndices(random), () -> { });
            lc.epoch(lcBatches, train.shuffledIndices(random), () -> { });
            double[] plainSeconds = new double[REPETITIONS];
            double[] lcSeconds = new double[REPETITIONS];
            double[] ratios = new double[REPETITIONS];
            for (int r = 0; r < REPETITIONS; r++) {
                int[] order = train.shuffledIndices(random);
                long t0 = System.nanoTime();
                plain.epoch(plainBatches, order, () -> { });
                long t1 = System.nanoTime();
                lc.epoch(lcBatches, order, () -> { });
                long t2 = System.nanoTime();
                plainSeconds[r] = (t1 - t0) / 1e9;
                lcSeconds[r] = (t2 - t1) / 1e9;
                ratios[r] = lcSeconds[r] / plainSeconds[r];
            }
            Arrays.sort(plainSeconds);
            Arrays.sort(lcSeconds);
            Arrays.sort(ratios);
            int m = REPETITIONS / 2;
            System.out.printf(Locale.ROOT, "LeNet300 epoch (60,000 images, batch 128), medians of %d:%n"
                            + "  plain training      %.3f s (%.3f–%.3f)%n  L-step with penalty %.3f s (%.3f–%.3f)%n"
                            + "  ratio %.3f (%.3f–%.3f)%n", REPETITIONS, plainSeconds[m], plainSeconds[0],
                    plainSeconds[REPETITIONS - 1], lcSeconds[m], lcSeconds[0], lcSeconds[REPETITIONS - 1], ratios[m],
                    ratios[0], ratios[REPETITIONS - 1]);
        }
        return 0;
    }
}
