package io.tflc.savedmodels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15, item 7: what a SavedModel marks as not trainable stays out of training, whatever layer reads it. */
class TrainabilityTest {

    @Test
    void tf1CollectionLeavesStatisticsOut(@TempDir Path dir) throws Exception {
        NormalizedModel.write(dir.resolve("model"));
        assertEquals(Set.copyOf(NormalizedModel.STATISTICS),
                Trainability.nonTrainable(ServeGraph.read(dir.resolve("model"))));
        try (TrainableModel model = SavedModelReader.read(dir.resolve("model"), "serving_default", null, null)) {
            assertEquals(6, model.weights().size());
            assertEquals(List.of("dense/bias", "dense/kernel", "dense_1/bias", "dense_1/kernel"),
                    model.trainableWeights().stream().map(ModelWeight::name).toList());
            for (String statistic : NormalizedModel.STATISTICS) {
                assertFalse(model.weight(statistic).trainable(), statistic);
            }
        }
    }

    /**
     * Keras's object graph: the Normalization layer's mean, variance and count and the metrics' counts (the VarHandleOp
     * of the second {@code count} is {@code count_1}) are not trainable; the DS-CNN's captured moving statistics are
     * tied to their VarHandleOps through the serving function's bound inputs.
     */
    @Test
    void kerasObjectGraph() {
        Set<String> autompg = Trainability.nonTrainable(ServeGraph.read(
                SharedFiles.require("savedmodels/keras-autompg-regression")));
        assertTrue(autompg.containsAll(List.of("mean", "variance", "count", "count_1", "total", "Adam/iter")), autompg
                .toString());
        assertTrue(autompg.stream().noneMatch(n -> n.startsWith("dense_")), autompg.toString());
        Set<String> kws = Trainability.nonTrainable(ServeGraph.read(
                SharedFiles.require("savedmodels/mlperf-tiny-kws-dscnn")));
        assertTrue(kws.containsAll(List.of("batch_normalization/moving_mean", "batch_normalization_8/moving_variance")),
                kws.toString());
        assertTrue(kws.stream().noneMatch(n -> n.endsWith("/gamma") && !n.startsWith("Adam/")
                || n.endsWith("kernel") && !n.startsWith("Adam/")), kws.toString());
    }
}
