package io.tflc.savedmodels;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * Turns a TF1 graph's reference variables ({@code VariableV2}, {@code Variable}) into resource variables, so that
 * such a model trains, compresses and exports by the same path as a Keras one: TF's gradients and tf-lc's weight
 * access work on resource variables only.
 *
 * <p>A variable keeps its name and becomes a {@code VarHandleOp} (shared by its name: unnamed handles would alias each
 * other). Its users change with it: {@code Assign}/{@code AssignAdd}/{@code AssignSub} become the
 * {@code *VariableOp} of the same name (a data use of their output reads the variable after them), the
 * {@code Identity} that reads it ({@code kernel/read}) a {@code ReadVariableOp}, {@code IsVariableInitialized}
 * {@code VarIsInitializedOp}, and any other op that reads the value (the saver's {@code SaveV2}) reads it through one
 * inserted {@code ReadVariableOp}. The model's own saver, whose restore assigns by these names, restores it unchanged.
 *
 * <p>Only the nodes that {@code roots} need are kept: a TF1 graph may hold its training ops, which update reference
 * variables in ways that have no place in a served model. Any other op that takes a variable by reference is an
 * error that names it.
 */
final class ReferenceVariables {
    private static final Set<String> VARIABLES = Set.of("VariableV2", "Variable");
    private static final Map<String, String> ASSIGNS = Map.of(
            "Assign", "AssignVariableOp",
            "AssignAdd", "AssignAddVariableOp",
            "AssignSub", "AssignSubVariableOp");

    private ReferenceVariables() {
    }

    /** True if the graph holds any reference variable. */
    static boolean present(GraphDef graph) {
        return graph.getNodeList().stream().anyMatch(n -> VARIABLES.contains(n.getOp()));
    }

    /** The graph, pruned to what {@code roots} need, with resource variables in place of reference ones. */
    static GraphDef toResource(GraphDef graph, List<String> roots) {
        GraphDef pruned = SavedModelWriter.prune(graph, roots.toArray(String[]::new));
        Map<String, NodeDef> variables = new HashMap<>();
        for (NodeDef node : pruned.getNodeList()) {
            if (VARIABLES.contains(node.getOp())) {
                variables.put(node.getName(), node);
            }
        }
        Map<String, NodeDef> assignsWithDataUsers = assignsReadAsData(pruned, variables);
        Map<String, String> insertedReads = new HashMap<>();
        List<NodeDef> out = new ArrayList<>();
        for (NodeDef node : pruned.getNodeList()) {
            String variable = node.getInputCount() > 0 ? variableOf(node.getInput(0), variables) : null;
            if (VARIABLES.contains(node.getOp())) {
                out.add(handle(node));
            } else if (variable != null && ASSIGNS.containsKey(node.getOp())) {
                out.add(resourceOp(node, ASSIGNS.get(node.getOp()), "dtype"));
            } else if (variable != null && node.getOp().equals("Identity")) {
                out.add(resourceOp(node, "ReadVariableOp", "dtype"));
            } else if (variable != null && node.getOp().equals("IsVariableInitialized")) {
                out.add(NodeDef.newBuilder().setName(node.getName()).setOp("VarIsInitializedOp")
                        .addAllInput(node.getInputList()).setDevice(node.getDevice()).build());
            } else {
                out.add(readThroughOps(node, variables, assignsWithDataUsers, insertedReads, out));
            }
        }
        GraphDef.Builder builder = pruned.toBuilder().clearNode();
        out.forEach(builder::addNode);
        return builder.build();
    }

    /** The variable a data input names ("v" or "v:0"), or null. */
    private static String variableOf(String input, Map<String, NodeDef> variables) {
        if (input.startsWith("^")) {
            return null;
        }
        String node = input.endsWith(":0") ? input.substring(0, input.length() - 2) : input;
        return variables.containsKey(node) ? node : null;
    }

    private static NodeDef handle(NodeDef variable) {
        String shared = variable.getAttrOrDefault("shared_name", AttrValue.getDefaultInstance()).getS().toStringUtf8();
        return NodeDef.newBuilder()
                .setName(variable.getName())
                .setOp("VarHandleOp")
                .setDevice(variable.getDevice())
                .putAttr("dtype", variable.getAttrOrThrow("dtype"))
                .putAttr("shape", variable.getAttrOrThrow("shape"))
                .putAttr("container", variable.getAttrOrDefault("container", AttrValue.newBuilder()
                        .setS(com.google.protobuf.ByteString.EMPTY).build()))
                .putAttr("shared_name", AttrValue.newBuilder().setS(com.google.protobuf.ByteString.copyFromUtf8(
                        shared.isEmpty() ? variable.getName() : shared)).build())
                .build();
    }

    /** {@code node} as the resource op {@code op} of the same name and inputs, its {@code T} as {@code typeAttr}. */
    private static NodeDef resourceOp(NodeDef node, String op, String typeAttr) {
        return NodeDef.newBuilder()
                .setName(node.getName())
                .setOp(op)
                .setDevice(node.getDevice())
                .addAllInput(node.getInputList())
                .putAttr(typeAttr, node.getAttrOrThrow("T"))
                .build();
    }

    /**
     * {@code node} with every data input that names a variable, or the output of an assign to one, replaced by a
     * read of the variable (after the assign, for the latter).
     */
    private static NodeDef readThroughOps(NodeDef node, Map<String, NodeDef> variables, Map<String, NodeDef> assigns,
                                          Map<String, String> insertedReads, List<NodeDef> out) {
        NodeDef.Builder copy = node.toBuilder().clearInput();
        for (String input : node.getInputList()) {
            String variable = variableOf(input, variables);
            String source = input.startsWith("^") ? null : (input.endsWith(":0")
                    ? input.substring(0, input.length() - 2) : input);
            if (variable != null) {
                if (ASSIGNS.containsKey(node.getOp()) || node.getOp().startsWith("Apply")
                        || node.getOp().startsWith("SparseApply") || node.getOp().startsWith("Scatter")) {
                    throw new IllegalArgumentException("op " + node.getOp() + " (node " + node.getName() + ") updates "
                            + "the reference variable " + variable + " in the served graph; tf-lc turns reference "
                            + "variables into resource variables and cannot convert this op");
                }
                copy.addInput(insertedReads.computeIfAbsent(variable, v -> {
                    String name = v + "/tflc_read";
                    out.add(NodeDef.newBuilder().setName(name).setOp("ReadVariableOp").addInput(v)
                            .setDevice(variables.get(v).getDevice())
                            .putAttr("dtype", variables.get(v).getAttrOrThrow("dtype")).build());
                    return name;
                }));
            } else if (source != null && assigns.containsKey(source)) {
                // An assign's output is the variable after the assign: read it once the assign has run.
                NodeDef assigned = assigns.get(source);
                copy.addInput(insertedReads.computeIfAbsent(source, a -> {
                    String name = a + "/tflc_value";
                    out.add(NodeDef.newBuilder().setName(name).setOp("ReadVariableOp").addInput(assigned.getName())
                            .addInput("^" + a).setDevice(assigned.getDevice())
                            .putAttr("dtype", assigned.getAttrOrThrow("dtype")).build());
                    return name;
                }));
            } else {
                copy.addInput(input);
            }
        }
        return copy.build();
    }

    /**
     * The variable assigned by each assign whose output some node reads as data (an assign op's output is the
     * variable), by the assign's name.
     */
    private static Map<String, NodeDef> assignsReadAsData(GraphDef graph, Map<String, NodeDef> variables) {
        Map<String, NodeDef> assigns = new HashMap<>();
        for (NodeDef node : graph.getNodeList()) {
            String variable = node.getInputCount() > 0 ? variableOf(node.getInput(0), variables) : null;
            if (ASSIGNS.containsKey(node.getOp()) && variable != null) {
                assigns.put(node.getName(), variables.get(variable));
            }
        }
        Map<String, NodeDef> read = new HashMap<>();
        for (NodeDef node : graph.getNodeList()) {
            for (String input : node.getInputList()) {
                String source = input.endsWith(":0") ? input.substring(0, input.length() - 2) : input;
                if (!input.startsWith("^") && assigns.containsKey(source)) {
                    read.put(source, assigns.get(source));
                }
            }
        }
        return read;
    }
}
