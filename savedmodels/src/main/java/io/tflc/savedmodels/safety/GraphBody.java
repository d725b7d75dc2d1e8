package io.tflc.savedmodels.safety;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/**
 * The nodes of the graph or of one library function, found by name. Inputs name a node in both ("node",
 * "node:1" in a graph, "node:output:0" in a function) or, in a function, one of its arguments.
 *
 * @param function the function's name, or null for the graph
 * @param arguments the function's input argument names, in order (empty for the graph)
 */
record GraphBody(String function, Map<String, NodeDef> nodes, List<String> arguments) {

    static GraphBody of(GraphDef graph) {
        return new GraphBody(null, byName(graph.getNodeList()), List.of());
    }

    static GraphBody of(FunctionDef function) {
        List<String> arguments = new ArrayList<>();
        for (OpDef.ArgDef arg : function.getSignature().getInputArgList()) {
            arguments.add(arg.getName());
        }
        return new GraphBody(function.getSignature().getName(), byName(function.getNodeDefList()), arguments);
    }

    NodeDef node(String input) {
        return nodes.get(source(input));
    }

    /** The node or argument an input refers to, without output index or control marker. */
    static String source(String input) {
        String name = input.startsWith("^") ? input.substring(1) : input;
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }

    /** The data inputs of a node, in order (control inputs come last and start with '^'). */
    static List<String> dataInputs(NodeDef node) {
        return node.getInputList().stream().filter(in -> !in.startsWith("^")).toList();
    }

    private static Map<String, NodeDef> byName(List<NodeDef> list) {
        Map<String, NodeDef> map = new HashMap<>();
        list.forEach(n -> map.put(n.getName(), n));
        return map;
    }
}
