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
}
