package io.tflc.lc.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.FashionMnist;
import io.tflc.lc.ResidualNetwork;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.evaluation.Predictions;
import io.tflc.savedmodels.TrainableModel;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * ID pruning inside residual blocks (issue 15, item 5; docs/structured-pruning.md): the first convolution of each
 * block loses half
 * its channels and T folds into the block's second convolution; the layers whose output must keep the channels of
 * the residual sum (the stem, each block's second convolution) and the last layer are left whole, each with its
 * reason; without fine-tuning the pruned network keeps most decisions of a briefly trained one.
 */
class ResidualPruningTest {

    @Test
    void theFirstConvolutionOfEachBlockIsPrunedAndFoldedIntoTheSecond() {
        Dataset train = ResidualNetwork.images(FashionMnist.get().train().head(6000));
        Dataset test = ResidualNetwork.images(FashionMnist.get().test().head(2000));
        try (TrainableModel model = ResidualNetwork.trained(1, train, 3)) {
            int[] sample = Arrays.copyOf(train.shuffledIndices(new SplittableRandom(3)), 1000);
            StructuredPruner pruner = new StructuredPruner(model, train.select(sample));
            assertEquals(List.of("conv2d_1/kernel → conv2d_2/kernel", "conv2d_3/kernel → conv2d_4/kernel"),
                    pruner.layers().stream().map(l -> l.kernel() + " → " + l.nextKernel()).toList());
            Map<String, String> why = pruner.notPruned();
            assertEquals(List.of("conv2d/kernel", "conv2d_2/kernel", "conv2d_4/kernel", "dense/kernel"),
                    why.keySet().stream().sorted().toList());
            assertTrue(why.get("conv2d/kernel").contains("feeds 2 ops"), why.get("conv2d/kernel"));
            for (String second : List.of("conv2d_2/kernel", "conv2d_4/kernel")) {
                assertTrue(why.get(second).contains("Add") && why.get(second).contains("residual"), why.get(second));
            }
            assertTrue(why.get("dense/kernel").contains("last layer"), why.get("dense/kernel"));

            Map<String, Integer> kept = pruner.keep(0.5);
            try (TrainableModel pruned = pruner.prune(kept, StructuredPruner.Method.ID)) {
                assertEquals(8, pruned.weight("conv2d_1/kernel").shape().asArray()[3]);
                assertEquals(8, pruned.weight("batch_normalization_1/moving_variance").size());
                assertEquals(List.of(3L, 3L, 8L, 16L), Arrays.stream(pruned.weight("conv2d_2/kernel").shape().asArray())
                        .boxed().toList(), "T folds into the block's second convolution, whose outputs stay 16");
                assertEquals(16, pruned.weight("conv2d/kernel").shape().asArray()[3]);
                int[] before = Predictions.of(model, test);
                int[] after = Predictions.of(pruned, test);
                double agreement = Predictions.agreement(before, after);
                double magnitudeAgreement;
                try (TrainableModel magnitude = pruner.prune(kept, StructuredPruner.Method.MAGNITUDE)) {
                    magnitudeAgreement = Predictions.agreement(before, Predictions.of(magnitude, test));
                    System.out.printf("residual network, blocks' first convolutions at 8 of 16 channels: FLOPs %,d → "
                                    + "%,d, accuracy %.2f%% → %.2f%%, agreement %.2f%% (magnitude: %.2f%%)%n",
                            StructuredPruner.flops(model), StructuredPruner.flops(pruned),
                            100 * Predictions.accuracy(before, test), 100 * Predictions.accuracy(after, test),
                            100 * agreement, 100 * magnitudeAgreement);
                }
                // measured: 92.4% (magnitude pruning, with no correction through BatchNorm, 11.5%)
                assertTrue(agreement > 0.85, "agreement " + agreement);
                assertTrue(agreement > magnitudeAgreement, "ID " + agreement + " vs magnitude " + magnitudeAgreement);
            }
        }
    }
}
