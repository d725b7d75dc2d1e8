package io.tflc.savedmodels;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/**
 * Replaces function-call nodes ({@code StatefulPartitionedCall}, {@code PartitionedCall}) by the bodies of the
 * functions they call, recursively, so that the graph is flat: TF computes no gradients through call nodes
 * (SymbolicGradient fails at run time, docs/library-facts.md, 'Gradients'), but does through the ops inside.
 *
 * <p>Inside a FunctionDef an input is an argument name, {@code node:out_arg:i} (the i-th tensor of the node's
 * output argument {@code out_arg}) or {@code ^node}; in the flat graph it is {@code node:k} with k the position
 * among all of the node's outputs, found from the op's OpDef (an output argument holds {@code number_attr} or
 * {@code type_list_attr} tensors, else one). Inlined nodes are named after the call node, e.g.
 * {@code StatefulPartitionedCall/StatefulPartitionedCall/dense/MatMul}. Control edges are kept; a control edge
 * on a call becomes control edges on the nodes that produce its outputs.
 *
 * <p>Colocation attributes ({@code _class}, entries {@code loc:@NAME}) name nodes as the function body names them,
 * or by names that vanish when inlined (arguments, the traced graph's captures, call nodes): TF refuses to import a
 * node colocated with an unknown node, so entries naming a body node are renamed like it and the others dropped.
 */
final class FunctionInliner {
    private static final Set<String> CALLS = Set.of("StatefulPartitionedCall", "PartitionedCall");
    private static final String COLOCATION = "_class";
    private static final String LOCATION = "loc:@";

    private final Map<String, FunctionDef> functions = new HashMap<>();
    private final Map<String, OpDef> ops = new HashMap<>();
    private final List<NodeDef> flat = new ArrayList<>();

    private FunctionInliner(GraphDef graph) {
        for (FunctionDef f : graph.getLibrary().getFunctionList()) {
            functions.put(f.getSignature().getName(), f);
        }
        for (OpDef op : TensorFlow.registeredOpList().getOpList()) {
            ops.put(op.getName(), op);
        }
    }

    /** The flat graph, and for every inlined outer call node the flat names of its outputs. */
    record Result(GraphDef graph, Map<String, List<String>> callOutputs) {
    }

    /** Inlines the outer call nodes named in {@code calls}; every other node, and the library, is kept as is. */
    static Result inline(GraphDef graph, Set<String> calls) {
        FunctionInliner inliner = new FunctionInliner(graph);
        Map<String, List<String>> outputs = new HashMap<>();
        for (NodeDef node : graph.getNodeList()) {
            if (calls.contains(node.getName())) {
                List<String> data = new ArrayList<>();
                List<String> control = new ArrayList<>();
                for (String in : node.getInputList()) {
                    (in.startsWith("^") ? control : data).add(in);
                }
                outputs.put(node.getName(), inliner.call(node, node.getName(), data, control));
            } else {
                inliner.flat.add(node);
            }
        }
        GraphDef.Builder builder = graph.toBuilder().clearNode();
        Set<String> names = new java.util.HashSet<>();
        inliner.flat.forEach(n -> names.add(n.getName()));
        inliner.flat.forEach(n -> builder.addNode(colocatedWithExisting(n, names)));
        return new Result(builder.build(), outputs);
    }

    /** Emits the body of the function {@code call} invokes; returns the flat names of its return values. */
    private List<String> call(NodeDef call, String prefix, List<String> args, List<String> control) {
        AttrValue f = call.getAttrMap().get("f");
        FunctionDef function = f == null ? null : functions.get(f.getFunc().getName());
        if (function == null) {
            throw new IllegalArgumentException("call node " + call.getName() + " calls a function that is not in the "
                    + "SavedModel's library: " + (f == null ? "(no f attribute)" : f.getFunc().getName()));
        }
        var signature = function.getSignature();
        if (signature.getInputArgCount() != args.size()) {
            throw new IllegalArgumentException("call node " + call.getName() + " passes " + args.size()
                    + " inputs to " + signature.getName() + ", which takes " + signature.getInputArgCount());
        }
        Map<String, String> bindings = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            bindings.put(signature.getInputArg(i).getName(), args.get(i));
        }
        Map<String, NodeDef> body = new HashMap<>();
        function.getNodeDefList().forEach(n -> body.put(n.getName(), n));
        Map<String, List<String>> nestedOutputs = new HashMap<>();
        // Inline nested calls first, in body order (a FunctionDef's nodes may come in any order).
        for (NodeDef node : topologicalOrder(function)) {
            List<String> data = new ArrayList<>();
            List<String> ctrl = new ArrayList<>(control);
            for (String in : node.getInputList()) {
                if (in.startsWith("^")) {
                    ctrl.addAll(controlOn(prefix, in.substring(1), nestedOutputs));
                } else {
                    data.add(resolve(in, prefix, bindings, body, nestedOutputs));
                }
            }
            String name = prefix + "/" + node.getName();
            if (CALLS.contains(node.getOp())) {
                nestedOutputs.put(node.getName(), call(node, name, data, ctrl));
            } else {
                NodeDef.Builder copy = node.toBuilder().setName(name).clearInput().setDevice("");
                renameColocation(copy, prefix, body);
                data.forEach(copy::addInput);
                new LinkedHashSet<>(ctrl).forEach(copy::addInput);
                flat.add(copy.build());
            }
        }
        List<String> returns = new ArrayList<>();
        for (var out : signature.getOutputArgList()) {
            String ret = function.getRetMap().get(out.getName());
            returns.add(resolve(ret, prefix, bindings, body, nestedOutputs));
        }
        return returns;
    }

    /** Colocation with a body node becomes colocation with its flat name; a nested call is no node once inlined. */
    private static void renameColocation(NodeDef.Builder copy, String prefix, Map<String, NodeDef> body) {
        AttrValue colocation = copy.getAttrMap().get(COLOCATION);
        if (colocation == null) {
            return;
        }
        AttrValue.ListValue.Builder renamed = AttrValue.ListValue.newBuilder();
        for (com.google.protobuf.ByteString entry : colocation.getList().getSList()) {
            String text = entry.toStringUtf8();
            NodeDef target = text.startsWith(LOCATION) ? body.get(text.substring(LOCATION.length())) : null;
            if (target != null && !CALLS.contains(target.getOp())) {
                text = LOCATION + prefix + "/" + target.getName();
            }
            renamed.addS(com.google.protobuf.ByteString.copyFromUtf8(text));
        }
        copy.putAttr(COLOCATION, colocation.toBuilder().setList(renamed).build());
    }

    /** The node without the colocation entries that name no node of the flat graph (the attribute when none is left). */
    private static NodeDef colocatedWithExisting(NodeDef node, Set<String> names) {
        AttrValue colocation = node.getAttrMap().get(COLOCATION);
        if (colocation == null) {
            return node;
        }
        List<com.google.protobuf.ByteString> kept = colocation.getList().getSList().stream()
                .filter(e -> !e.toStringUtf8().startsWith(LOCATION)
                        || names.contains(e.toStringUtf8().substring(LOCATION.length())))
                .toList();
        if (kept.size() == colocation.getList().getSCount()) {
            return node;
        }
        NodeDef.Builder copy = node.toBuilder();
        if (kept.isEmpty()) {
            copy.removeAttr(COLOCATION);
        } else {
            copy.putAttr(COLOCATION, colocation.toBuilder().setList(colocation.getList().toBuilder().clearS()
                    .addAllS(kept)).build());
        }
        return copy.build();
    }

    private List<String> controlOn(String prefix, String node, Map<String, List<String>> nestedOutputs) {
        List<String> outs = nestedOutputs.get(node);
        if (outs == null) {
            return List.of("^" + prefix + "/" + node);
        }
        return outs.stream().map(o -> "^" + (o.contains(":") ? o.substring(0, o.lastIndexOf(':')) : o)).toList();
    }

    /** The flat tensor name of a FunctionDef input reference. */
    private String resolve(String ref, String prefix, Map<String, String> bindings, Map<String, NodeDef> body,
                           Map<String, List<String>> nestedOutputs) {
        String[] parts = ref.split(":");
        if (parts.length == 1) {
            String bound = bindings.get(ref);
            if (bound == null) {
                throw new IllegalArgumentException("reference to unknown argument " + ref + " under " + prefix);
            }
            return bound;
        }
        String node = parts[0];
        String arg = parts[1];
        int index = parts.length > 2 ? Integer.parseInt(parts[2]) : 0;
        List<String> nested = nestedOutputs.get(node);
        if (nested != null) {
            return nested.get(index);
        }
        NodeDef def = body.get(node);
        if (def == null) {
            throw new IllegalArgumentException("reference to unknown node " + node + " under " + prefix);
        }
        return prefix + "/" + node + ":" + (offset(def, arg) + index);
    }

    /** Position of the first tensor of output argument {@code arg} among all outputs of {@code node}. */
    private int offset(NodeDef node, String arg) {
        OpDef op = ops.get(node.getOp());
        if (op == null) {
            throw new IllegalArgumentException("op " + node.getOp() + " (node " + node.getName() + ") is not "
                    + "registered in this TensorFlow build");
        }
        int offset = 0;
        for (OpDef.ArgDef out : op.getOutputArgList()) {
            if (out.getName().equals(arg)) {
                return offset;
            }
            if (!out.getNumberAttr().isEmpty()) {
                offset += (int) node.getAttrMap().get(out.getNumberAttr()).getI();
            } else if (!out.getTypeListAttr().isEmpty()) {
                offset += node.getAttrMap().get(out.getTypeListAttr()).getList().getTypeCount();
            } else {
                offset += 1;
            }
        }
        throw new IllegalArgumentException("op " + node.getOp() + " has no output argument " + arg);
    }

    /** The function's nodes ordered so that every node comes after the nodes it reads. */
    private static List<NodeDef> topologicalOrder(FunctionDef function) {
        Map<String, NodeDef> byName = new HashMap<>();
        function.getNodeDefList().forEach(n -> byName.put(n.getName(), n));
        List<NodeDef> order = new ArrayList<>();
        Set<String> done = new java.util.HashSet<>();
        for (NodeDef n : function.getNodeDefList()) {
            visit(n, byName, done, new java.util.HashSet<>(), order);
        }
        return order;
    }

    private static void visit(NodeDef node, Map<String, NodeDef> byName, Set<String> done, Set<String> active,
                              List<NodeDef> order) {
        if (done.contains(node.getName())) {
            return;
        }
        if (!active.add(node.getName())) {
            throw new IllegalArgumentException("cycle through node " + node.getName() + " (loops are not supported)");
        }
        for (String in : node.getInputList()) {
            String source = in.startsWith("^") ? in.substring(1) : in.split(":")[0];
            NodeDef dep = byName.get(source);
            if (dep != null) {
                visit(dep, byName, done, active, order);
            }
        }
        active.remove(node.getName());
        done.add(node.getName());
        order.add(node);
    }
}
