package io.tflc.savedmodels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.family.TType;
import org.tensorflow.types.TString;

/**
 * Save and restore ops for resource variables, named as TF's SavedModel loader and TF Java expect them
 * ({@code save/filename}, {@code save/control_dependency}, {@code save/restore_all}). TF Java's own saver only sees
 * VariableV2 and silently drops resource variables (docs/library-facts.md, 'Loading and exporting SavedModels').
 * Checkpoint keys are the variables' names.
 */
public final class ResourceSaver {
    public static final String FILENAME = "save/filename";
    public static final String SAVE = "save/control_dependency";
    public static final String RESTORE = "save/restore_all";

    private ResourceSaver() {
    }

    /** Adds the saver over {@code variables} unless the graph already has one. */
    public static void ensure(Graph graph, List<SavedVariable> variables) {
        if (graph.operation(RESTORE) != null) {
            return;
        }
        Ops tf = Ops.create(graph).withSubScope("save");
        String[] names = variables.stream().map(SavedVariable::name).toArray(String[]::new);
        Placeholder<TString> filename = tf.withName("filename").placeholder(TString.class,
                Placeholder.shape(Shape.scalar()));
        String[] wholeTensors = new String[names.length];
        Arrays.fill(wholeTensors, "");
        Operand<TString> keys = tf.constant(StdArrays.ndCopyOf(names));
        Operand<TString> slices = tf.constant(StdArrays.ndCopyOf(wholeTensors));
        List<Operand<?>> values = new ArrayList<>();
        List<Class<? extends TType>> types = new ArrayList<>();
        for (SavedVariable v : variables) {
            values.add(tf.readVariableOp(v.handle(), v.type()));
            types.add(v.type());
        }
        Op save = tf.train.save(filename, keys, slices, values);
        tf.withControlDependencies(List.of(save)).withName("control_dependency").identity(filename);
        Restore restored = tf.train.restore(filename, keys, slices, types);
        List<Op> assigns = new ArrayList<>();
        for (int i = 0; i < variables.size(); i++) {
            assigns.add(tf.assignVariableOp(variables.get(i).handle(), restored.tensors().get(i)));
        }
        tf.withControlDependencies(assigns).withName("restore_all").noOp();
    }
}
