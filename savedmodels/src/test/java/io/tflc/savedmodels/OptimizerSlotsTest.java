package io.tflc.savedmodels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;

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

    /** The loaded model declares them, and a rebuilt copy (BatchNorm folded, moved to a TF server) keeps them. */
    @Test
    void aLoadedModelDeclaresItsSlotsAndCopiesKeepThem() {
        try (TrainableModel model = SavedModelReader.read(SharedFiles.require("savedmodels/keras-mnist-mlp"),
                "serving_default", null, null);
             TrainableModel copy = model.rebuilt(model.graph().toGraphDef(), model.access().readAll(),
                     model.declared().nonTrainable())) {
            assertEquals(Set.of("m", "v"), model.declared().optimizerSlots());
            assertEquals(Set.of("m", "v"), copy.declared().optimizerSlots());
        }
    }

    /**
     * A TF1 graph saved with its training variables names the slots after the optimizer, beside their variables;
     * other variables whose names merely end alike, or ops that are not variables, are not slots.
     */
    @Test
    void tf1SlotsAreReadFromTheirNames() {
        MetaGraphDef adam = meta(variable("dense/kernel"), variable("dense/kernel/Adam"),
                variable("dense/kernel/Adam_1"), variable("beta1_power"));
        assertEquals(Set.of("Adam", "Adam_1"), OptimizerSlots.of(adam));
        MetaGraphDef momentum = meta(variable("dense/kernel"), variable("dense/kernel/Momentum"));
        assertEquals(Set.of("Momentum"), OptimizerSlots.of(momentum));
        MetaGraphDef none = meta(variable("dense/kernel"), variable("Adamant"),
                NodeDef.newBuilder().setName("dense/kernel/Adam").setOp("Identity").build());
        assertEquals(Set.of(), OptimizerSlots.of(none));
    }

    private static NodeDef variable(String name) {
        return NodeDef.newBuilder().setName(name).setOp("VariableV2").build();
    }

    private static MetaGraphDef meta(NodeDef... nodes) {
        return MetaGraphDef.newBuilder().setGraphDef(GraphDef.newBuilder().addAllNode(java.util.List.of(nodes)))
                .build();
    }

    /** A TF1 graph exported for inference (as tf-lc's own exports are) has neither, so no slots. */
    @Test
    void tf1GraphRecordsNone(@TempDir Path dir) throws Exception {
        NormalizedModel.write(dir.resolve("model"));
        assertEquals(Set.of(), OptimizerSlots.of(ServeGraph.read(dir.resolve("model"))));
    }
}
