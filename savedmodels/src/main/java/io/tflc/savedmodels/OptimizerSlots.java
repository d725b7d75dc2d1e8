package io.tflc.savedmodels;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObject;

/**
 * The slot names of the optimizer a SavedModel was trained with, as far as it records them.
 * <ul>
 *   <li>TF2/Keras: Keras saves the optimizer with the model, and each per-variable slot is a slot variable of the
 *       object graph (Adam, Nadam and Adamax: {@code m} and {@code v}; SGD with momentum: {@code momentum}; RMSprop:
 *       {@code rms}; Adagrad: {@code accumulator}).</li>
 *   <li>TF1 graphs saved with their training variables: the {@code tf.compat.v1.train} optimizers name a slot after
 *       the optimizer, beside its variable ({@code dense/kernel/Adam}, {@code dense/kernel/Adam_1},
 *       {@code dense/kernel/Momentum}); those names ({@code Adam}, {@code Adam_1}, {@code Momentum}, …) are
 *       returned.</li>
 * </ul>
 * A model exported without its optimizer (a TF1 inference graph, tf-lc's own exports, Keras with
 * {@code include_optimizer=False}) or trained by plain SGD records none.
 */
public final class OptimizerSlots {
    private static final Set<String> VARIABLE_OPS = Set.of("VariableV2", "Variable", "VarHandleOp");
    private static final Pattern TF1_SLOT = Pattern.compile(
            "/(Adam(_1)?|Momentum|RMSProp(_1)?|Adagrad|Adadelta(_1)?|Ftrl(_1)?|Nadam(_1)?)$");

    private OptimizerSlots() {
    }

    /** The slot names {@code meta} records, sorted; empty when it records no optimizer state. */
    public static Set<String> of(MetaGraphDef meta) {
        Set<String> names = new TreeSet<>();
        for (SavedObject node : meta.getObjectGraphDef().getNodesList()) {
            node.getSlotVariablesList().forEach(slot -> names.add(slot.getSlotName()));
        }
        if (names.isEmpty()) {
            for (NodeDef node : meta.getGraphDef().getNodeList()) {
                Matcher slot = TF1_SLOT.matcher(node.getName());
                if (VARIABLE_OPS.contains(node.getOp()) && slot.find()) {
                    names.add(slot.group(1));
                }
            }
        }
        return names;
    }
}
