package io.tflc.lc.prune;

import io.tflc.lc.evaluation.Predictions;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.FashionMnist;
import io.tflc.lc.TestModels;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Minibatches;
import io.tflc.lc.lstep.LStepGraph;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.savedmodels.TrainableModel;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, acceptance 2: a 784-1024-10 MLP trained on Fashion-MNIST, its hidden layer kept at 50%, 25% and 10% from
 * 2,000 unlabeled training images, no fine-tuning: ID beats magnitude pruning in agreement at each size by more than
 * a point, and in accuracy where pruning is heavy (25%, 10%); at 50% it is within 0.5 points or better. The margins
 * hold on the float paths measured in issue 12 (OpenBLAS Haswell/AVX-512 kernels, oneDNN on, off and limited to AVX2).
 */
class IdVersusMagnitudeTest {

    @Test
    void idKeepsMoreAccuracyAndAgreementThanMagnitudeAtEverySize() {
        Dataset train = FashionMnist.get().train();
        Dataset test = FashionMnist.get().test();
        try (TrainableModel model = TestModels.mlp(1, 1024); Minibatches batches = new Minibatches(train, 128)) {
            LStepGraph training = new LStepGraph(model, List.of(), new Optimizer(Optimizer.SGD_NESTEROV, 0.9));
            for (int epoch = 0; epoch < 3; epoch++) {
                training.setLearningRate(0.05 * Math.pow(0.9, epoch));
                training.epoch(batches, train.shuffledIndices(new SplittableRandom(epoch)), () -> { });
            }
            int[] sample = Arrays.copyOf(train.shuffledIndices(new SplittableRandom(7)), 2000);
            StructuredPruner pruner = new StructuredPruner(model, train.select(sample));
            int[] original = Predictions.of(model, test);
            for (double keep : new double[] {0.5, 0.25, 0.1}) {
                double[] accuracy = new double[2];
                double[] agreement = new double[2];
                StructuredPruner.Method[] methods = {StructuredPruner.Method.ID, StructuredPruner.Method.MAGNITUDE};
                for (int m = 0; m < 2; m++) {
                    try (TrainableModel pruned = pruner.prune(pruner.keep(keep), methods[m])) {
                        int[] p = Predictions.of(pruned, test);
                        accuracy[m] = Predictions.accuracy(p, test);
                        agreement[m] = Predictions.agreement(original, p);
                    }
                }
                System.out.printf("keep %.2f: ID %.2f%% / %.2f%%, magnitude %.2f%% / %.2f%% (accuracy / agreement)%n",
                        keep, 100 * accuracy[0], 100 * agreement[0], 100 * accuracy[1], 100 * agreement[1]);
                assertTrue(agreement[0] > agreement[1] + 0.01, "keep " + keep + ": ID agreement " + agreement[0]
                        + " vs magnitude " + agreement[1]);
                // At 50% both stay within 0.5 points of the original and the gap (0.15–0.43 points on three float
                // paths, issue 12) is smaller than what another kernel moves: there, ID must only not be worse.
                double margin = keep >= 0.5 ? -0.005 : 0.005;
                assertTrue(accuracy[0] > accuracy[1] + margin, "keep " + keep + ": ID accuracy " + accuracy[0]
                        + " vs magnitude " + accuracy[1]);
            }
        }
    }
}
