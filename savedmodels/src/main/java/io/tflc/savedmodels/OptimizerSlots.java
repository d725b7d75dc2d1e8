package io.tflc.savedmodels;

import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObject;

/**
 * The slot names of the optimizer a SavedModel was trained with, as its object graph records them: Keras saves the
 * optimizer with the model, and each of its per-variable slots is a slot variable of the object graph (Adam, Nadam and
 * Adamax: {@code m} and {@code v}; SGD with momentum: {@code momentum}; RMSprop: {@code rms}; Adagrad:
 * {@code accumulator}). A TF1 graph, a model exported without its optimizer, or one trained by plain SGD records none.
 */
public final class OptimizerSlots {
    private OptimizerSlots() {
    }

    /** The slot names in {@code meta}'s object graph, sorted; empty when it records no optimizer state. */
    public static Set<String> of(MetaGraphDef meta) {
        Set<String> names = new TreeSet<>();
        for (SavedObject node : meta.getObjectGraphDef().getNodesList()) {
            node.getSlotVariablesList().forEach(slot -> names.add(slot.getSlotName()));
        }
        return names;
    }
}
