package io.tflc.savedmodels;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedConcreteFunction;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObject;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObjectGraph;
import org.tensorflow.proto.VariableDef;

/**
 * Which variables of a SavedModel its author marked as not trainable (BatchNorm moving statistics, a Keras
 * {@code Normalization} layer's mean, variance and count, optimizer state, metrics), as the SavedModel itself says:
 * <ul>
 *   <li>TF2/Keras models: the object graph's variables whose {@code trainable} is false. A variable is tied to its
 *       VarHandleOp by the outer graph's call nodes, whose captured inputs follow the concrete function's
 *       {@code bound_inputs}; a variable no call captures is tied by name, the n-th object of a name to the n-th
 *       VarHandleOp TF made unique from it ({@code count}, {@code count_1}), since TF writes both in the same order.
 *       </li>
 *   <li>TF1 graphs: every variable not in the {@code trainable_variables} collection, when the graph has one.</li>
 * </ul>
 * Neither present: nothing is known (an empty set), and {@link TrainableModel} keeps its own rule.
 */
public final class Trainability {
    private static final Set<String> VARIABLE_OPS = Set.of("VarHandleOp", "VariableV2", "Variable");

    private Trainability() {
    }

    /** The graph names of the variables the SavedModel marks as not trainable. */
    public static Set<String> nonTrainable(MetaGraphDef meta) {
        SavedObjectGraph objects = meta.getObjectGraphDef();
        if (objects.getNodesCount() > 0) {
            return fromObjectGraph(objects, meta.getGraphDef().getNodeList());
        }
        CollectionDef trainable = meta.getCollectionDefMap().get("trainable_variables");
        if (trainable != null) {
            return outsideCollection(trainable, meta.getGraphDef().getNodeList());
        }
        return Set.of();
    }

    private static Set<String> fromObjectGraph(SavedObjectGraph objects, List<NodeDef> nodes) {
        Map<Integer, String> handles = byCapture(objects, nodes);
        Set<String> captured = new HashSet<>(handles.values());
        byName(objects, nodes).forEach((id, name) -> {
            if (!handles.containsKey(id) && !captured.contains(name)) {
                handles.put(id, name);
            }
        });
        Set<String> frozen = new TreeSet<>();
        handles.forEach((id, name) -> {
            if (!objects.getNodes(id).getVariable().getTrainable()) {
                frozen.add(name);
            }
        });
        return frozen;
    }

    /** Object ids of captured variables → the VarHandleOps the outer graph's call nodes pass for them. */
    private static Map<Integer, String> byCapture(SavedObjectGraph objects, List<NodeDef> nodes) {
        Map<String, SavedConcreteFunction> functions = objects.getConcreteFunctionsMap();
        Set<String> variables = variableNodes(nodes);
        Map<Integer, String> handles = new HashMap<>();
        for (NodeDef node : nodes) {
            if (!node.getAttrMap().containsKey("f") || !node.getAttrOrThrow("f").hasFunc()) {
                continue;
            }
            SavedConcreteFunction function = functions.get(node.getAttrOrThrow("f").getFunc().getName());
            if (function == null) {
                continue;
            }
            List<String> inputs = node.getInputList().stream().filter(i -> !i.startsWith("^")).toList();
            List<Integer> bound = function.getBoundInputsList();
            int first = inputs.size() - bound.size();
            for (int i = 0; i < bound.size() && first >= 0; i++) {
                String source = nodeOf(inputs.get(first + i));
                SavedObject object = objects.getNodes(bound.get(i));
                if (object.hasVariable() && variables.contains(source)) {
                    handles.put(bound.get(i), source);
                }
            }
        }
        return handles;
    }

    /** Object ids of variables → VarHandleOps named as TF names them when it writes the variables in order. */
    private static Map<Integer, String> byName(SavedObjectGraph objects, List<NodeDef> nodes) {
        Set<String> variables = variableNodes(nodes);
        Set<String> taken = new HashSet<>();
        Map<Integer, String> handles = new HashMap<>();
        for (int id = 0; id < objects.getNodesCount(); id++) {
            SavedObject object = objects.getNodes(id);
            if (!object.hasVariable() || object.getVariable().getName().isEmpty()) {
                continue;
            }
            String name = object.getVariable().getName();
            String unique = name;
            for (int n = 1; taken.contains(unique); n++) {
                unique = name + "_" + n;
            }
            taken.add(unique);
            if (variables.contains(unique)) {
                handles.put(id, unique);
            }
        }
        return handles;
    }

    private static Set<String> outsideCollection(CollectionDef trainable, List<NodeDef> nodes) {
        Set<String> listed = new HashSet<>();
        for (ByteString bytes : trainable.getBytesList().getValueList()) {
            try {
                listed.add(nodeOf(VariableDef.parseFrom(bytes).getVariableName()));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalArgumentException("the trainable_variables collection of the SavedModel holds an "
                        + "entry that is not a VariableDef (" + e.getMessage() + "); the model is corrupt or was not "
                        + "written by TF", e);
            }
        }
        Set<String> frozen = new LinkedHashSet<>(variableNodes(nodes));
        frozen.removeAll(listed);
        return frozen;
    }

    private static Set<String> variableNodes(List<NodeDef> nodes) {
        Set<String> names = new LinkedHashSet<>();
        nodes.stream().filter(n -> VARIABLE_OPS.contains(n.getOp())).forEach(n -> names.add(n.getName()));
        return names;
    }

    private static String nodeOf(String tensor) {
        int colon = tensor.indexOf(':');
        return colon < 0 ? tensor : tensor.substring(0, colon);
    }
}
