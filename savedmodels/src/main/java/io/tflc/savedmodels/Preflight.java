package io.tflc.savedmodels;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.internal.c_api.global.tensorflow;

/**
 * Checks before any training that every op between the weights and the logits has a registered gradient, and
 * lists those that do not, with the fix where one is known. TF Java's own check is not public; this asks the same
 * native registry.
 */
public final class Preflight {
    /** Fixes for ops known to lack a gradient in TF 2.16's C++ registry (docs/library-facts.md, 'Gradients'). */
    private static final Map<String, String> FIXES = Map.of(
            "SparseSoftmaxCrossEntropyWithLogits", "use the dense cross-entropy with one-hot labels (tf-lc's own loss "
                    + "does), or register a Java gradient with TensorFlow.registerCustomGradient",
            "FusedBatchNorm", "re-export the model with FusedBatchNormV3 (TF ≥ 1.15), which has a gradient",
            "FusedBatchNormV2", "re-export the model with FusedBatchNormV3 (TF ≥ 1.15), which has a gradient",
            "Round", "a rounding op in the forward pass has no gradient; remove it or register a straight-through "
                    + "gradient with TensorFlow.registerCustomGradient",
            "While", "loops cannot be differentiated in TF Java graphs",
            "If", "conditionals cannot be differentiated in TF Java graphs");

    private Preflight() {
    }

    /** One op without a gradient on the training path. */
    public record Problem(String opType, String node, String fix) {
        @Override
        public String toString() {
            return opType + " (" + node + ")" + (fix.isEmpty() ? "" : ": " + fix);
        }
    }

    /** Ops on a path from a weight to the logits that have no registered gradient. */
    public static List<Problem> missingGradients(TrainableModel model) {
        Set<String> upstreamOfLogits = new HashSet<>();
        Deque<GraphOperation> pending = new ArrayDeque<>(List.of((GraphOperation) model.logits().op()));
        while (!pending.isEmpty()) {
            GraphOperation op = pending.pop();
            if (upstreamOfLogits.add(op.name())) {
                for (Operand<?> in : op.inputs()) {
                    pending.push((GraphOperation) in.op());
                }
            }
        }
        Set<String> seen = new HashSet<>();
        List<Problem> problems = new ArrayList<>();
        for (ModelWeight w : model.weights()) {
            pending.add((GraphOperation) w.handle().op());
        }
        while (!pending.isEmpty()) {
            GraphOperation op = pending.pop();
            if (!upstreamOfLogits.contains(op.name()) || !seen.add(op.name())) {
                continue;
            }
            if (!op.type().equals("VarHandleOp") && !tensorflow.TFJ_HasGradient(op.type())) {
                problems.add(new Problem(op.type(), op.name(), FIXES.getOrDefault(op.type(), "")));
            }
            for (GraphOperation next : op.consumers()) {
                pending.push(next);
            }
        }
        return problems;
    }
}
