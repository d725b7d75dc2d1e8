package io.tflc.savedmodels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16: which optimizer trained a model, as far as the SavedModel records it. */
class OptimizerSlotsTest {

    /** The public Keras models were trained with Adam and saved with it. */
    @Test
    void kerasModelsRecordAdamsSlots() {
        for (String model : new String[] {"keras-mnist-mlp", "keras-mnist-cnn", "keras-autompg-regression",
                "mlperf-tiny-kws-dscnn"}) {
            assertEquals(Set.of("m", "v"), OptimizerSlots.of(ServeGraph.read(
                    SharedFiles.require("savedmodels/" + model))), model);
        }
    }

    /** A TF1 graph (as tf-lc's own exports are) has no object graph, so no slots. */
    @Test
    void tf1GraphRecordsNone(@TempDir Path dir) throws Exception {
        NormalizedModel.write(dir.resolve("model"));
        assertEquals(Set.of(), OptimizerSlots.of(ServeGraph.read(dir.resolve("model"))));
    }
}
