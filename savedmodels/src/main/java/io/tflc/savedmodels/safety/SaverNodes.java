package io.tflc.savedmodels.safety;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SaverDef;

/**
 * Which file ops of a SavedModel belong to its own saver. A checkpoint op is the saver's when
 * <ul>
 *   <li>it runs only for the save or restore op {@code saver_def} names: in the graph, every node that depends on
 *       it is one that the save tensor or the restore op depends on; in a function, the function is called only
 *       from such nodes (or from functions that are themselves the saver's), and</li>
 *   <li>every path it reads or writes is built from the filename tensor {@code saver_def} names (which the loader
 *       feeds with {@code variables/variables}): that tensor or the function argument bound to it, through
 *       Identity, StringJoin (the filename first, then relative suffixes without ".."), ShardedFilename and
 *       Pack.</li>
 * </ul>
 * Keras' {@code __inference__traced_save/restore} functions and TF1 {@code save/...} nodes pass; a RestoreV2 of a
 * constant path, or a SaveV2 the serving output depends on, does not.
 */
final class SaverNodes {
    /** Checkpoint ops and the indices of their path inputs. */
    static final Map<String, int[]> FILE_OPS = Map.of(
            "SaveV2", new int[] {0}, "RestoreV2", new int[] {0}, "MergeV2Checkpoints", new int[] {0, 1},
            "Save", new int[] {0}, "SaveSlices", new int[] {0}, "Restore", new int[] {0},
            "RestoreSlice", new int[] {0});
    private static final Set<String> CALLS = Set.of("StatefulPartitionedCall", "PartitionedCall");

    private final GraphBody graph;
    private final Map<String, GraphBody> functions;
    private final Set<String> saverOnly;
    /** The graph node saver_def names as the filename tensor (empty when it names none). */
    private final Set<String> filename;
    /** Saver functions and, for each, the names of its arguments bound to the filename. */
    private final Map<String, Set<String>> saverFunctions = new LinkedHashMap<>();

    private SaverNodes(MetaGraphDef meta) {
        graph = GraphBody.of(meta.getGraphDef());
        functions = new HashMap<>();
        for (FunctionDef f : meta.getGraphDef().getLibrary().getFunctionList()) {
            functions.put(f.getSignature().getName(), GraphBody.of(f));
        }
        SaverDef saver = meta.getSaverDef();
        List<String> roots = new ArrayList<>();
        if (!saver.getSaveTensorName().isEmpty()) {
            roots.add(GraphBody.source(saver.getSaveTensorName()));
        }
        if (!saver.getRestoreOpName().isEmpty()) {
            roots.add(saver.getRestoreOpName());
        }
        saverOnly = saverOnly(roots);
        filename = saver.getFilenameTensorName().isEmpty() ? Set.of()
                : Set.of(GraphBody.source(saver.getFilenameTensorName()));
        findSaverFunctions();
    }

    static SaverNodes of(MetaGraphDef meta) {
        return new SaverNodes(meta);
    }

    /** Whether the checkpoint op {@code node} (in {@code function}, or the graph when null) is the saver's own. */
    boolean owns(String function, NodeDef node) {
        GraphBody body = function == null ? graph : functions.get(function);
        Set<String> paths = function == null ? (saverOnly.contains(node.getName()) ? filename : null)
                : saverFunctions.get(function);
        if (paths == null) {
            return false;
        }
        List<String> inputs = GraphBody.dataInputs(node);
        for (int index : FILE_OPS.get(node.getOp())) {
            if (index >= inputs.size() || !fromFilename(body, inputs.get(index), paths)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Graph nodes that only the saver's roots depend on: the roots' ancestors, less every ancestor of a node that
     * is not one of them (that node could be run for another reason, and would run these too).
     */
    private Set<String> saverOnly(List<String> roots) {
        Set<String> closure = ancestors(roots);
        List<String> others = graph.nodes().keySet().stream().filter(n -> !closure.contains(n)).toList();
        Set<String> reachedByOthers = ancestors(others);
        Set<String> only = new HashSet<>(closure);
        only.removeAll(reachedByOthers);
        return only;
    }

    private Set<String> ancestors(List<String> roots) {
        Set<String> seen = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>(roots);
        while (!pending.isEmpty()) {
            NodeDef node = graph.nodes().get(pending.pop());
            if (node != null && seen.add(node.getName())) {
                node.getInputList().forEach(in -> pending.push(GraphBody.source(in)));
            }
        }
        return seen;
    }

    /**
     * Functions every caller of which is a call node the saver alone runs, found outward from the graph; for each,
     * the arguments every caller binds to the filename.
     */
    private void findSaverFunctions() {
        Map<String, List<Caller>> callers = callers();
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Map.Entry<String, List<Caller>> e : callers.entrySet()) {
                GraphBody callee = functions.get(e.getKey());
                if (callee == null || saverFunctions.containsKey(e.getKey())
                        || !e.getValue().stream().allMatch(this::bySaver)) {
                    continue;
                }
                Set<String> bound = new HashSet<>();
                for (int i = 0; i < callee.arguments().size(); i++) {
                    int argument = i;
                    if (e.getValue().stream().allMatch(c -> passesFilename(c, argument))) {
                        bound.add(callee.arguments().get(i));
                    }
                }
                saverFunctions.put(e.getKey(), bound);
                grew = true;
            }
        }
    }

    private record Caller(GraphBody body, NodeDef node, boolean call) {
    }

    /** For each function, the nodes that call it: call ops (arguments bound in order) or any other function attr. */
    private Map<String, List<Caller>> callers() {
        Map<String, List<Caller>> callers = new HashMap<>();
        List<GraphBody> bodies = new ArrayList<>(functions.values());
        bodies.add(graph);
        for (GraphBody body : bodies) {
            for (NodeDef node : body.nodes().values()) {
                if (functions.containsKey(node.getOp())) {
                    callers.computeIfAbsent(node.getOp(), k -> new ArrayList<>()).add(new Caller(body, node, true));
                }
                for (Map.Entry<String, AttrValue> attr : node.getAttrMap().entrySet()) {
                    boolean call = CALLS.contains(node.getOp()) && attr.getKey().equals("f");
                    List<String> names = new ArrayList<>();
                    if (attr.getValue().hasFunc()) {
                        names.add(attr.getValue().getFunc().getName());
                    }
                    attr.getValue().getList().getFuncList().forEach(f -> names.add(f.getName()));
                    for (String name : names) {
                        callers.computeIfAbsent(name, k -> new ArrayList<>()).add(new Caller(body, node, call));
                    }
                }
            }
        }
        return callers;
    }

    private boolean bySaver(Caller caller) {
        return caller.call() && (caller.body().function() == null ? saverOnly.contains(caller.node().getName())
                : saverFunctions.containsKey(caller.body().function()));
    }

    private boolean passesFilename(Caller caller, int argument) {
        List<String> inputs = GraphBody.dataInputs(caller.node());
        Set<String> paths = caller.body().function() == null ? filename : saverFunctions.get(caller.body().function());
        return argument < inputs.size() && fromFilename(caller.body(), inputs.get(argument), paths);
    }

    /** Whether the string tensor {@code input} is the filename or a path under it (see the class comment). */
    private static boolean fromFilename(GraphBody body, String input, Set<String> filename) {
        if (filename.contains(GraphBody.source(input))) {
            return true;
        }
        NodeDef node = body.node(input);
        if (node == null) {
            return false;
        }
        List<String> inputs = GraphBody.dataInputs(node);
        return switch (node.getOp()) {
            case "Identity" -> !inputs.isEmpty() && fromFilename(body, inputs.get(0), filename);
            case "StringJoin" -> !inputs.isEmpty() && fromFilename(body, inputs.get(0), filename)
                    && inputs.stream().skip(1).allMatch(in -> relativeSuffix(body, in));
            case "ShardedFilename" -> inputs.size() == 3 && fromFilename(body, inputs.get(0), filename)
                    && isConst(body, inputs.get(1)) && isConst(body, inputs.get(2));
            case "Pack" -> !inputs.isEmpty() && inputs.stream().allMatch(in -> fromFilename(body, in, filename));
            default -> false;
        };
    }

    /** A constant string (or a choice between two) that cannot lead out of the folder it is appended to. */
    private static boolean relativeSuffix(GraphBody body, String input) {
        NodeDef node = body.node(input);
        if (node == null) {
            return false;
        }
        List<String> inputs = GraphBody.dataInputs(node);
        if ((node.getOp().equals("Select") || node.getOp().equals("SelectV2")) && inputs.size() == 3) {
            return relativeSuffix(body, inputs.get(1)) && relativeSuffix(body, inputs.get(2));
        }
        if (!isConst(body, input) || node.getAttrOrThrow("dtype").getType() != DataType.DT_STRING) {
            return false;
        }
        return node.getAttrOrThrow("value").getTensor().getStringValList().stream()
                .map(b -> b.toStringUtf8())
                .allMatch(s -> !s.startsWith("/") && !s.contains("\\") && !List.of(s.split("/")).contains(".."));
    }

    private static boolean isConst(GraphBody body, String input) {
        NodeDef node = body.node(input);
        return node != null && node.getOp().equals("Const");
    }
}
