package io.tflc.lc.lstep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.FashionMnist;
import io.tflc.lc.TestModels;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Minibatches;
import io.tflc.savedmodels.TrainableModel;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LStepGraphTest {

    static TrainableModel mlp(long seed) {
        return TestModels.mlp(seed, 64);
    }

    @ParameterizedTest
    @CsvSource({"sgd_nesterov, 0.05", "adam, 0.002"})
    void plainTrainingLearnsFashionMnist(String optimizer, double learningRate) {
        Dataset train = FashionMnist.get().train().head(6000);
        Dataset test = FashionMnist.get().test().head(2000);
        try (TrainableModel model = mlp(1);
             Minibatches trainBatches = new Minibatches(train, 64);
             Minibatches testBatches = new Minibatches(test, 500)) {
            assertEquals(List.of("dense/bias", "dense/kernel", "dense_1/bias", "dense_1/kernel"),
                    model.weights().stream().map(w -> w.name()).toList());
            LStepGraph lstep = new LStepGraph(model, List.of(), new Optimizer(optimizer, 0.9));
            lstep.setLearningRate(learningRate);
            double before = lstep.evaluate(testBatches).error();
            SplittableRandom random = new SplittableRandom(1);
            for (int epoch = 0; epoch < 2; epoch++) {
                lstep.epoch(trainBatches, train.shuffledIndices(random), () -> { });
            }
            double after = lstep.evaluate(testBatches).error();
            System.out.printf("L-step training: test error %.2f%% → %.2f%%%n", 100 * before, 100 * after);
            assertTrue(before > 0.7, "an untrained model is near chance: " + before);
            assertTrue(after < 0.25, "two epochs on 6,000 images reach < 25% error: " + after);
        }
    }

    /** Plain SGD with lr·μ = 1: each step lands on the target up to lr times the data gradient. */
    @Test
    void aLargePenaltyPullsTheWeightsOntoTheirTargets() {
        Dataset train = FashionMnist.get().train().head(1000);
        try (TrainableModel model = mlp(2); Minibatches batches = new Minibatches(train, 100)) {
            LStepGraph lstep = new LStepGraph(model, List.of("dense_1/kernel"), new Optimizer(Optimizer.SGD_NESTEROV, 0));
            float[] target = new float[64 * 10];
            java.util.Arrays.fill(target, 0.05f);
            lstep.setPenalty(1000, Map.of("dense_1/kernel", target));
            lstep.setLearningRate(1e-3);
            for (int epoch = 0; epoch < 3; epoch++) {
                lstep.epoch(batches, train.shuffledIndices(new SplittableRandom(epoch)), () -> { });
            }
            float[] w = model.access().read(List.of("dense_1/kernel")).get("dense_1/kernel");
            double maxGap = 0;
            for (float v : w) {
                maxGap = Math.max(maxGap, Math.abs(v - 0.05));
            }
            assertTrue(maxGap < 0.01, "weights stay within 0.01 of the target, got " + maxGap);
        }
    }

    /**
     * One plain SGD step with and without the penalty from the same weights and batch: the penalty's share of the
     * update is exactly lr·μ·(w − target), and the epoch's total loss adds μ/2·‖w − target‖² of the final weights.
     */
    @Test
    void thePenaltyAddsExactlyMuTimesTheDistanceToTheGradient() {
        Dataset train = FashionMnist.get().train().head(100);
        double lr = 0.1;
        double mu = 0.5;
        float[][] after = new float[2][];
        double[] totals = new double[2];
        double[] data = new double[2];
        float[] start = null;
        float[] target = null;
        for (int run = 0; run < 2; run++) {
            try (TrainableModel model = mlp(3); Minibatches batches = new Minibatches(train, 100)) {
                LStepGraph lstep = new LStepGraph(model, List.of("dense_1/kernel"),
                        new Optimizer(Optimizer.SGD_NESTEROV, 0));
                start = model.access().read(List.of("dense_1/kernel")).get("dense_1/kernel");
                target = new float[start.length];
                for (int i = 0; i < target.length; i++) {
                    target[i] = start[i] + (i % 2 == 0 ? 1f : -0.5f);
                }
                lstep.setPenalty(run == 0 ? 0 : mu, Map.of("dense_1/kernel", target));
                lstep.setLearningRate(lr);
                LStepGraph.EpochLoss loss = lstep.epoch(batches, java.util.stream.IntStream.range(0, 100).toArray(),
                        () -> { });
                totals[run] = loss.total();
                data[run] = loss.data();
                after[run] = model.access().read(List.of("dense_1/kernel")).get("dense_1/kernel");
            }
        }
        double distance = 0;
        for (int i = 0; i < start.length; i++) {
            assertEquals(-lr * mu * (start[i] - target[i]), after[1][i] - after[0][i], 1e-5, "element " + i);
            distance += Math.pow(after[1][i] - target[i], 2);
        }
        assertEquals(data[0], data[1], 1e-6, "the cross-entropy is computed before the update");
        assertEquals(data[1] + mu / 2 * distance, totals[1], 1e-3 * totals[1]);
        assertEquals(totals[0], data[0], 1e-6);
    }
}
