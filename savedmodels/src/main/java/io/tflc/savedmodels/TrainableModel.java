package io.tflc.savedmodels;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Placeholder;

/**
 * A classifier in a TF graph that tf-lc can train and compress, whatever its source (built in Java, loaded from a
 * SavedModel): the graph and its session, the input, the logits, the output the model serves, a label placeholder,
 * and its trainable weights, which are resource variables.
 *
 * <p>The weights are the VarHandleOps the logits depend on: optimizer slots, metrics and anything else that does
 * not feed the logits are left out. Closing the model closes its session and graph (or the bundle that owns them).
 */
public final class TrainableModel implements AutoCloseable {
    private final Graph graph;
    private final Session session;
    private final AutoCloseable owner;
    private final Output<TFloat32> input;
    private final Output<TFloat32> logits;
    private final Output<TFloat32> output;
    private final String inputName;
    private final String outputName;
    private final Output<TFloat32> targets;
    private final Declared declared;
    /** The placeholder made when no targets are given (scope tflc, name targets). */
    private static final String DEFAULT_TARGETS = "tflc/targets";
    private final List<ModelWeight> weights;
    private final WeightAccess access;

    /**
     * @param owner what to close with the model (a SavedModelBundle, or null to close the session and graph)
     * @param output what the model serves: the logits or a softmax of them
     * @param inputName the input's name in the serving signature
     * @param outputName the output's name in the serving signature
     */
    public TrainableModel(Graph graph, Session session, AutoCloseable owner, Output<TFloat32> input,
                          Output<TFloat32> logits, Output<TFloat32> output, String inputName, String outputName) {
        this(graph, session, owner, input, logits, output, inputName, outputName, null);
    }

    /**
     * @param targets what training compares the model with, [batch, width] floats (class indices, values to fit,
     *     a reference model's outputs: the objective decides): a placeholder {@code tflc/targets} when null, or any
     *     float tensor of the graph (fed, or computed there, e.g. from data held in the graph)
     */
    public TrainableModel(Graph graph, Session session, AutoCloseable owner, Output<TFloat32> input,
                          Output<TFloat32> logits, Output<TFloat32> output, String inputName, String outputName,
                          Output<TFloat32> targets) {
        this(graph, session, owner, input, logits, output, inputName, outputName, targets, Declared.NOTHING);
    }

    /**
     * What a model's SavedModel declares beyond its graph's one output.
     *
     * @param otherOutputs the signature's other outputs (e.g. {@code classes} next to {@code probabilities}), by
     *     signature name: exported with the model so that its signature stays the same
     * @param fixedBatch the one batch size the graph takes (a TF1 graph with a fixed batch dimension that could not
     *     be relaxed), or 0 for any
     * @param nonTrainable variables the SavedModel marks as not trainable ({@link Trainability}): their weights are
     *     read by the forward pass but never trained nor compressed
     * @param optimizerSlots the slot names of the optimizer the model was saved with ({@link OptimizerSlots}), sorted;
     *     empty when it records none
     */
    public record Declared(Map<String, Output<?>> otherOutputs, int fixedBatch, Set<String> nonTrainable,
                           Set<String> optimizerSlots) {
        /** Nothing declared: one output, any batch size, trainability from the graph alone, no optimizer state. */
        public static final Declared NOTHING = new Declared(Map.of(), 0, Set.of(), Set.of());

        public Declared {
            otherOutputs = Map.copyOf(otherOutputs);
            nonTrainable = Set.copyOf(nonTrainable);
            optimizerSlots = java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(optimizerSlots));
        }

        /** The same declarations for a copy of the model in {@code graph} (its other outputs found by name). */
        public Declared in(Graph graph) {
            Map<String, Output<?>> outputs = new java.util.LinkedHashMap<>();
            otherOutputs.forEach((key, o) -> outputs.put(key, graph.outputOrThrow(o.op().name() + ":" + o.index())));
            return new Declared(outputs, fixedBatch, nonTrainable, optimizerSlots);
        }

        /** The ops the other outputs are made by, to keep when the graph is pruned. */
        public List<String> outputOps() {
            return otherOutputs.values().stream().map(o -> o.op().name()).toList();
        }
    }

    /** @param declared what the model's SavedModel declares beyond its graph */
    public TrainableModel(Graph graph, Session session, AutoCloseable owner, Output<TFloat32> input,
                          Output<TFloat32> logits, Output<TFloat32> output, String inputName, String outputName,
                          Output<TFloat32> targets, Declared declared) {
        ResourceGatherGradient.register();
        this.graph = graph;
        this.declared = declared;
        this.session = session;
        this.owner = owner;
        this.input = input;
        this.logits = logits;
        this.output = output;
        this.inputName = inputName;
        this.outputName = outputName;
        this.targets = targets != null ? targets : Ops.create(graph).withSubScope("tflc").withName("targets")
                .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1))).output();
        this.weights = discoverWeights(logits, input, declared.nonTrainable());
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("the logits " + logits.op().name() + " depend on no resource variable"
                    + " (VarHandleOp): nothing to train or compress");
        }
        this.access = new WeightAccess(graph, session, weights.stream()
                .map(w -> new WeightAccess.Variable(w.name(), w.shape(), w.handle())).toList(), "tflc/weights");
    }

    public Graph graph() {
        return graph;
    }

    public Session session() {
        return session;
    }

    public Output<TFloat32> input() {
        return input;
    }

    public Output<TFloat32> logits() {
        return logits;
    }

    /** What the model serves (logits or probabilities), kept unchanged by compression. */
    public Output<TFloat32> output() {
        return output;
    }

    /** The input's name in the serving signature. */
    public String inputName() {
        return inputName;
    }

    /** The output's name in the serving signature. */
    public String outputName() {
        return outputName;
    }

    /** What the model's SavedModel declares beyond its graph (other outputs, a fixed batch, trainability). */
    public Declared declared() {
        return declared;
    }

    /**
     * Refuses a model whose graph takes one batch size only, for {@code purpose} (e.g. "prune"), which needs
     * batches of other sizes.
     */
    public void requireAnyBatchSize(String purpose) {
        if (declared.fixedBatch() > 0) {
            throw new IllegalArgumentException("this model's graph takes batches of exactly " + declared.fixedBatch()
                    + " examples (the size is built into the graph, e.g. a Reshape to [" + declared.fixedBatch()
                    + ", …]), and tf-lc cannot " + purpose + " such a model yet (it trains, compresses and evaluates "
                    + "it). Export it again with a free batch dimension (None in TF1's placeholder, -1 in reshapes)");
        }
    }

    /** The shape of one example, e.g. [784] or [28, 28, 1]. */
    public int[] exampleShape() {
        long[] dims = input.shape().asArray();
        int[] example = new int[dims.length - 1];
        for (int i = 1; i < dims.length; i++) {
            example[i - 1] = Math.toIntExact(dims[i]);
        }
        return example;
    }

    /**
     * This model from {@code def}, a rewrite of its graph that keeps the input, logits and output (and any other
     * served output) under their names, in a new graph and session: the weights are set from {@code values} by name,
     * computed targets are kept when {@code def} still has them, and the SavedModel's declarations carry over with
     * {@code nonTrainable} as the variables that do not train. The caller closes both models.
     */
    public TrainableModel rebuilt(org.tensorflow.proto.GraphDef def, Map<String, float[]> values,
                                  Set<String> nonTrainable) {
        return rebuilt(def, values, nonTrainable, Session::new);
    }

    /**
     * As {@link #rebuilt(org.tensorflow.proto.GraphDef, Map, Set)}, with the session {@code sessions} opens on the new
     * graph (e.g. one that runs on a TF server).
     */
    public TrainableModel rebuilt(org.tensorflow.proto.GraphDef def, Map<String, float[]> values,
                                  Set<String> nonTrainable, java.util.function.Function<Graph, Session> sessions) {
        Graph copy = new Graph();
        Session copySession = null;
        try {
            copy.importGraphDef(def);
            copySession = sessions.apply(copy);
            Output<TFloat32> copiedTargets = !computedTargets() || copy.operation(targets.op().name()) == null ? null
                    : same(copy, targets);
            TrainableModel rebuilt = new TrainableModel(copy, copySession, null, same(copy, input), same(copy, logits),
                    same(copy, output), inputName, outputName, copiedTargets, new Declared(
                    declared.in(copy).otherOutputs(), declared.fixedBatch(), nonTrainable, declared.optimizerSlots()));
            Map<String, float[]> assign = new java.util.LinkedHashMap<>();
            for (ModelWeight w : rebuilt.weights()) {
                assign.put(w.name(), values.get(w.name()));
            }
            rebuilt.access().assign(assign);
            return rebuilt;
        } catch (RuntimeException e) {
            if (copySession != null) {
                copySession.close();
            }
            copy.close();
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private static Output<TFloat32> same(Graph graph, Output<TFloat32> like) {
        return (Output<TFloat32>) graph.outputOrThrow(like.op().name() + ":" + like.index());
    }

    /** Whether the targets are computed in the graph rather than the placeholder fed per batch. */
    public boolean computedTargets() {
        return !targets.op().name().equals(DEFAULT_TARGETS);
    }

    /** The targets, [batch, width] floats (see the constructor). */
    public Output<TFloat32> targets() {
        return targets;
    }

    public List<ModelWeight> weights() {
        return weights;
    }

    /** The weight called {@code name}, or an error listing the weights that exist. */
    public ModelWeight weight(String name) {
        return weights.stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no weight '" + name + "' in the model; its weights are "
                        + weights.stream().map(ModelWeight::name).collect(Collectors.joining(", "))));
    }

    /** Reads and writes the weights' values. */
    public WeightAccess access() {
        return access;
    }

    @Override
    public void close() {
        if (owner != null) {
            try {
                owner.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the model failed", e);
            }
        } else {
            session.close();
            graph.close();
        }
    }

    /** BatchNorm reads its moving mean and variance at inputs 3 and 4 (x, scale, offset come first). */
    private static boolean isMovingStatistic(GraphOperation user, GraphOperation read) {
        if (!user.type().startsWith("FusedBatchNorm")) {
            return false;
        }
        for (int i = 3; i < user.numInputs(); i++) {
            if (user.input(i).op().name().equals(read.name())) {
                return true;
            }
        }
        return false;
    }

    /** The weights training may change. */
    public List<ModelWeight> trainableWeights() {
        return weights.stream().filter(ModelWeight::trainable).toList();
    }

    /**
     * VarHandleOps reachable backwards from the logits, in order of discovery, with their consumers; the walk stops
     * at the input (what computes the input, e.g. data held in the graph, is not the model).
     */
    private static List<ModelWeight> discoverWeights(Output<TFloat32> logits, Output<TFloat32> input,
                                                     Set<String> nonTrainable) {
        List<ModelWeight> found = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Deque<GraphOperation> pending = new ArrayDeque<>();
        pending.add((GraphOperation) logits.op());
        List<GraphOperation> handles = new ArrayList<>();
        while (!pending.isEmpty()) {
            GraphOperation op = pending.pop();
            if (!seen.add(op.name()) || op.name().equals(input.op().name())) {
                continue;
            }
            if (op.type().equals("VarHandleOp")) {
                handles.add(op);
            }
            for (Operand<?> in : op.inputs()) {
                pending.push((GraphOperation) in.op());
            }
        }
        handles.sort((a, b) -> a.name().compareTo(b.name()));
        for (GraphOperation handle : handles) {
            String layer = "?";
            String consumer = "?";
            boolean trainable = !nonTrainable.contains(handle.name());
            for (GraphOperation read : handle.consumers()) {
                if (read.type().equals("ReadVariableOp") && seen.contains(read.name())) {
                    for (GraphOperation user : read.consumers()) {
                        if (seen.contains(user.name())) {
                            layer = user.type();
                            consumer = user.name();
                            trainable &= !isMovingStatistic(user, read);
                        }
                    }
                } else if (read.type().equals("ResourceGather") && seen.contains(read.name())) {
                    // An embedding table: the lookup reads the resource itself, with no ReadVariableOp between.
                    layer = read.type();
                    consumer = read.name();
                }
            }
            found.add(new ModelWeight(handle.name(), handle.attributes().getAttrShape("shape"), handle.output(0),
                    layer, consumer, trainable));
        }
        return List.copyOf(found);
    }
}
