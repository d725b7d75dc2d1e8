package io.tflc.savedmodels;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;

/**
 * Folds inference-mode BatchNorm into the layer before it, so that the weights LC compresses are the ones that run
 * and the exported model has no BatchNorm left. A {@code FusedBatchNorm}/{@code V2}/{@code V3} node (not training,
 * NHWC) whose input comes from a Conv2D, DepthwiseConv2dNative or MatMul, optionally through the layer's BiasAdd and
 * Identity or Reshape nodes that keep the channel axis last, computes {@code (z − mean)·s + β} with
 * {@code s = γ/√(var+ε)} per output channel, which is the layer itself with
 * <pre>kernel' = kernel·s (per output channel; channel c·M+m of a depthwise [H,W,C,M] kernel)
 * bias'   = β + (b − mean)·s (b = 0 without a BiasAdd)</pre>
 * The BatchNorm node keeps its name and becomes an Identity when the layer has a bias, else a BiasAdd over a new
 * variable named after the layer ({@code conv2d/bias}); γ, β and the moving statistics leave the graph.
 *
 * <p>A BatchNorm after anything else, or one whose layer or bias also feeds other nodes, stays, and the result says
 * why. The folded model's outputs are compared with the original's on generated inputs; a difference above 1e-5
 * (relative to max(1, |y|)) is an error.
 */
public final class BatchNormFolding {
    private static final Set<String> NORMS = Set.of("FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3");
    private static final Set<String> LAYERS = Set.of("Conv2D", "DepthwiseConv2dNative", "MatMul");
    private static final double TOLERANCE = 1e-5;

    private BatchNormFolding() {
    }

    /**
     * What became of one BatchNorm node.
     *
     * @param batchNorm the BatchNorm node
     * @param layer the layer it was folded into, or null when it was left alone
     * @param reason why it was left alone (null when folded)
     */
    public record Decision(String batchNorm, String layer, String reason) {
        public boolean folded() {
            return layer != null;
        }

        @Override
        public String toString() {
            return folded() ? batchNorm + " folded into " + layer : batchNorm + " left alone: " + reason;
        }
    }

    /** The folded model (a new one: the caller closes both) and what became of each BatchNorm, in graph order. */
    public record Result(TrainableModel model, List<Decision> decisions) {
        public List<Decision> folded() {
            return decisions.stream().filter(Decision::folded).toList();
        }

        public List<Decision> leftAlone() {
            return decisions.stream().filter(d -> !d.folded()).toList();
        }

        /** One line for a run's output: how many were folded, and each one left alone with its reason. */
        public String summary() {
            String line = "fold_batch_norm: folded " + folded().size() + " of " + decisions.size()
                    + " BatchNorm nodes into their layers";
            return leftAlone().isEmpty() ? line : line + "; left alone: " + leftAlone().stream()
                    .map(d -> d.batchNorm() + " (" + d.reason() + ")").collect(Collectors.joining("; "));
        }
    }

    /** A fold to apply: the BatchNorm, its layer's kernel and bias variables (bias null: none), its parameters. */
    private record Fold(NodeDef norm, String layer, String kernel, String bias, float[] scale, float[] offset,
                        float[] mean, float[] variance, float epsilon) {
    }

    /**
     * {@link #fold}'s model, with its {@link Result#summary} said through {@code say}; or null, said with the reason,
     * when the folded model's outputs fail the check against {@code model}'s: the BatchNorm is then kept as it is.
     */
    public static TrainableModel foldOrKeep(TrainableModel model, java.util.function.Consumer<String> say) {
        try {
            Result result = fold(model);
            say.accept(result.summary());
            return result.model();
        } catch (IllegalStateException e) {
            say.accept("BatchNorm kept as it is: " + e.getMessage());
            return null;
        }
    }

    /** Folds every BatchNorm that can be folded; {@code model} is left as it was. */
    public static Result fold(TrainableModel model) {
        List<String> roots = new ArrayList<>(List.of(model.output().op().name(), model.logits().op().name()));
        roots.addAll(model.declared().outputOps());
        if (model.computedTargets()) {
            roots.add(model.targets().op().name());
        }
        GraphDef graph = SavedModelWriter.prune(model.graph().toGraphDef(), roots.toArray(String[]::new));
        Nodes nodes = new Nodes(graph);
        Set<String> weights = model.weights().stream().map(ModelWeight::name).collect(Collectors.toSet());

        List<Decision> decisions = new ArrayList<>();
        List<Fold> folds = new ArrayList<>();
        for (NodeDef node : graph.getNodeList()) {
            if (!NORMS.contains(node.getOp())) {
                continue;
            }
            try {
                Fold fold = foldOf(node, nodes, weights, model);
                folds.add(fold);
                decisions.add(new Decision(node.getName(), fold.layer(), null));
            } catch (Unfoldable e) {
                decisions.add(new Decision(node.getName(), null, e.getMessage()));
            }
        }

        Map<String, float[]> values = new HashMap<>(model.access().readAll());
        GraphDef.Builder rewritten = graph.toBuilder();
        Set<String> taken = graph.getNodeList().stream().map(NodeDef::getName).collect(Collectors.toCollection(
                HashSet::new));
        for (Fold fold : folds) {
            rewrite(rewritten, fold, values, taken);
        }
        GraphDef folded = SavedModelWriter.prune(rewritten.build(), roots.toArray(String[]::new));
        Set<String> nonTrainable = model.weights().stream().filter(w -> !w.trainable()).map(ModelWeight::name)
                .collect(Collectors.toSet());
        nonTrainable.addAll(model.declared().nonTrainable());

        TrainableModel result = model.rebuilt(folded, values, nonTrainable);
        try {
            check(model, result);
            return new Result(result, List.copyOf(decisions));
        } catch (RuntimeException e) {
            result.close();
            throw e;
        }
    }

    /** The fold of BatchNorm {@code norm}; {@link Unfoldable} says why there is none. */
    private static Fold foldOf(NodeDef norm, Nodes nodes, Set<String> weights, TrainableModel model)
            throws Unfoldable {
        if (norm.containsAttr("is_training") && norm.getAttrOrThrow("is_training").getB()) {
            throw new Unfoldable("training mode (is_training true): it normalizes with the batch's statistics");
        }
        if (norm.containsAttr("data_format") && !norm.getAttrOrThrow("data_format").getS().toStringUtf8()
                .equals("NHWC")) {
            throw new Unfoldable("data_format " + norm.getAttrOrThrow("data_format").getS().toStringUtf8()
                    + ": only NHWC is folded");
        }
        for (int k = 1; k <= 5; k++) {
            List<String> users = nodes.consumers(norm.getName() + ":" + k);
            if (!users.isEmpty()) {
                throw new Unfoldable("its output " + k + " (a batch statistic) is used by " + users.get(0));
            }
        }
        String bias = null;
        NodeDef biasAdd = null;
        NodeDef current = nodes.producer(norm.getInput(0));
        String after = norm.getName();
        while (current != null && !LAYERS.contains(current.getOp())) {
            List<String> users = nodes.consumers(current.getName() + ":0");
            if (users.size() != 1) {
                throw new Unfoldable("the output of " + current.getName() + " is also used by "
                        + other(users, after));
            }
            if (current.getOp().equals("BiasAdd") && biasAdd == null) {
                if (current.containsAttr("data_format") && !current.getAttrOrThrow("data_format").getS()
                        .toStringUtf8().equals("NHWC")) {
                    throw new Unfoldable(current.getName() + " is not NHWC");
                }
                biasAdd = current;
            } else if (!current.getOp().equals("Identity") && !(current.getOp().equals("Reshape")
                    && keepsLastAxis(model.graph(), current.getName()))) {
                throw new Unfoldable("it follows " + current.getName() + " (" + current.getOp() + "), not a Conv2D, "
                        + "DepthwiseConv2dNative or MatMul (through its BiasAdd)");
            }
            after = current.getName();
            current = nodes.producer(current.getInput(0));
        }
        if (current == null) {
            throw new Unfoldable("no layer before it");
        }
        NodeDef layer = current;
        List<String> layerUsers = nodes.consumers(layer.getName() + ":0");
        if (layerUsers.size() != 1) {
            throw new Unfoldable("the output of " + layer.getName() + " is also used by "
                    + other(layerUsers, after));
        }
        if (layer.getOp().equals("MatMul") && layer.getAttrOrThrow("transpose_b").getB()) {
            throw new Unfoldable(layer.getName() + " multiplies by a transposed kernel (transpose_b)");
        }
        if (layer.containsAttr("data_format") && !layer.getAttrOrThrow("data_format").getS().toStringUtf8()
                .equals("NHWC")) {
            throw new Unfoldable(layer.getName() + " is not NHWC");
        }
        String kernel = nodes.variableRead(layer.getInput(1));
        if (kernel == null || !weights.contains(kernel)) {
            throw new Unfoldable("the kernel of " + layer.getName() + " is not a variable of the model");
        }
        List<String> kernelUsers = nodes.users(kernel);
        if (!kernelUsers.equals(List.of(layer.getName()))) {
            throw new Unfoldable("its kernel " + kernel + " is shared with " + other(kernelUsers, layer.getName()));
        }
        if (biasAdd != null) {
            bias = nodes.variableRead(biasAdd.getInput(1));
            if (bias == null || !weights.contains(bias)) {
                throw new Unfoldable("the bias of " + biasAdd.getName() + " is not a variable of the model");
            }
            List<String> biasUsers = nodes.users(bias);
            if (!biasUsers.equals(List.of(biasAdd.getName()))) {
                throw new Unfoldable("its bias " + bias + " is shared with " + other(biasUsers, biasAdd.getName()));
            }
        }
        float[][] parameters;
        try {
            parameters = fetch(model.session(), norm.getInputList().subList(1, 5));
        } catch (TensorFlowException e) {
            throw new Unfoldable("its scale, offset, mean and variance are not constants of the model ("
                    + firstLine(e.getMessage()) + ")");
        }
        Shape layerShape = model.graph().operation(layer.getName()).output(0).shape();
        long channels = layerShape.size(layerShape.numDimensions() - 1);
        for (float[] p : parameters) {
            if (p.length != channels) {
                throw new Unfoldable("it normalizes " + p.length + " channels but " + layer.getName() + " has "
                        + channels);
            }
        }
        float epsilon = norm.containsAttr("epsilon") ? norm.getAttrOrThrow("epsilon").getF() : 1e-4f;
        return new Fold(norm, layer.getName(), kernel, bias, parameters[0], parameters[1], parameters[2],
                parameters[3], epsilon);
    }

    /**
     * Puts the folded kernel and bias in {@code values} and replaces the BatchNorm node: an Identity of its input when
     * the layer's bias took the offset, else a BiasAdd of a new bias variable.
     */
    private static void rewrite(GraphDef.Builder graph, Fold fold, Map<String, float[]> values, Set<String> taken) {
        int channels = fold.scale().length;
        double[] s = new double[channels];
        for (int c = 0; c < channels; c++) {
            s[c] = fold.scale()[c] / Math.sqrt((double) fold.variance()[c] + fold.epsilon());
        }
        float[] kernel = values.get(fold.kernel()).clone();
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] = (float) (kernel[i] * s[i % channels]);
        }
        values.put(fold.kernel(), kernel);
        float[] old = fold.bias() == null ? new float[channels] : values.get(fold.bias());
        float[] bias = new float[channels];
        for (int c = 0; c < channels; c++) {
            bias[c] = (float) (fold.offset()[c] + ((double) old[c] - fold.mean()[c]) * s[c]);
        }

        NodeDef norm = fold.norm();
        NodeDef.Builder replacement = NodeDef.newBuilder().setName(norm.getName()).setDevice(norm.getDevice())
                .addInput(norm.getInput(0))
                .putAttr("T", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build());
        if (fold.bias() != null) {
            values.put(fold.bias(), bias);
            replacement.setOp("Identity");
        } else {
            String name = unique(scopeOf(fold.kernel()) + "/bias", taken);
            String read = unique(name + "/Read/ReadVariableOp", taken);
            graph.addNode(NodeDef.newBuilder().setName(name).setOp("VarHandleOp").setDevice(norm.getDevice())
                    .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
                    .putAttr("shape", AttrValue.newBuilder().setShape(TensorShapeProto.newBuilder()
                            .addDim(TensorShapeProto.Dim.newBuilder().setSize(channels))).build())
                    .putAttr("shared_name", AttrValue.newBuilder().setS(ByteString.copyFromUtf8(name)).build())
                    .putAttr("container", AttrValue.newBuilder().setS(ByteString.EMPTY).build()));
            graph.addNode(NodeDef.newBuilder().setName(read).setOp("ReadVariableOp").setDevice(norm.getDevice())
                    .addInput(name).putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build()));
            values.put(name, bias);
            replacement.setOp("BiasAdd").addInput(read)
                    .putAttr("data_format", AttrValue.newBuilder().setS(ByteString.copyFromUtf8("NHWC")).build());
        }
        norm.getInputList().stream().filter(i -> i.startsWith("^")).forEach(replacement::addInput);
        for (int i = 0; i < graph.getNodeCount(); i++) {
            if (graph.getNode(i).getName().equals(norm.getName())) {
                graph.setNode(i, replacement.build());
            }
        }
    }

    /** Runs both models on the same generated inputs; outputs and logits must agree within the tolerance. */
    private static void check(TrainableModel original, TrainableModel folded) {
        long[] dims = original.input().shape().asArray();
        dims[0] = 4;
        for (int i = 1; i < dims.length; i++) {
            if (dims[i] < 1) {
                dims[i] = 8; // a size the model leaves open: any will do for equality
            }
        }
        float[] x = new float[Math.toIntExact(Shape.of(dims).size())];
        Random random = new Random(17);
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        for (Output<TFloat32> out : List.of(original.output(), original.logits())) {
            String name = out.op().name() + ":" + out.index();
            String input = original.input().op().name() + ":" + original.input().index();
            float[] expected = FloatRun.run(original.session(), input, name, dims, x);
            float[] actual = FloatRun.run(folded.session(), input, name, dims, x);
            for (int i = 0; i < expected.length; i++) {
                double gap = Math.abs(actual[i] - expected[i]);
                if (!(gap <= TOLERANCE * Math.max(1, Math.abs(expected[i])))) {
                    throw new IllegalStateException("folding BatchNorm changed the model's " + name + " by " + gap
                            + " at value " + i + " (" + expected[i] + " before, " + actual[i] + " after); run without "
                            + "fold_batch_norm and please report this model");
                }
            }
        }
    }

    /** The values of float tensors that do not depend on the input, each flattened. */
    private static float[][] fetch(Session session, List<String> tensors) {
        Session.Runner runner = session.runner();
        tensors.forEach(runner::fetch);
        try (org.tensorflow.Result r = runner.run()) {
            float[][] out = new float[tensors.size()][];
            for (int i = 0; i < out.length; i++) {
                TFloat32 t = (TFloat32) r.get(i);
                out[i] = new float[Math.toIntExact(t.shape().size())];
                t.asRawTensor().data().asFloats().read(out[i]);
            }
            return out;
        }
    }

    /** Whether the Reshape keeps the last axis (same static size before and after), so channels stay channels. */
    private static boolean keepsLastAxis(Graph graph, String reshape) {
        GraphOperation op = graph.operation(reshape);
        Shape in = op.input(0).shape();
        Shape out = op.output(0).shape();
        return !in.isUnknown() && !out.isUnknown() && in.numDimensions() > 0 && out.numDimensions() > 0
                && in.size(in.numDimensions() - 1) > 0
                && in.size(in.numDimensions() - 1) == out.size(out.numDimensions() - 1);
    }

    private static String other(List<String> users, String expected) {
        return users.stream().filter(u -> !u.equals(expected)).findFirst().orElse("nothing");
    }

    private static String scopeOf(String variable) {
        int slash = variable.lastIndexOf('/');
        return slash < 0 ? variable : variable.substring(0, slash);
    }

    private static String unique(String name, Set<String> taken) {
        String candidate = name;
        for (int n = 1; taken.contains(candidate); n++) {
            candidate = name + "_" + n;
        }
        taken.add(candidate);
        return candidate;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /** Why a BatchNorm stays as it is. */
    private static final class Unfoldable extends Exception {
        Unfoldable(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The nodes of a graph by name, and who consumes each tensor (data inputs only). */
    private static final class Nodes {
        private final Map<String, NodeDef> byName = new HashMap<>();
        private final Map<String, List<String>> consumers = new HashMap<>();

        Nodes(GraphDef graph) {
            for (NodeDef node : graph.getNodeList()) {
                byName.put(node.getName(), node);
                for (String input : node.getInputList()) {
                    if (!input.startsWith("^")) {
                        consumers.computeIfAbsent(tensor(input), k -> new ArrayList<>()).add(node.getName());
                    }
                }
            }
        }

        NodeDef producer(String input) {
            return byName.get(nodeOf(input));
        }

        List<String> consumers(String tensor) {
            return consumers.getOrDefault(tensor(tensor), List.of());
        }

        /** The VarHandleOp a ReadVariableOp reads (through Identity nodes on either side), or null. */
        String variableRead(String input) {
            NodeDef node = producer(input);
            while (node != null && node.getOp().equals("Identity")) {
                node = producer(node.getInput(0));
            }
            if (node == null || !node.getOp().equals("ReadVariableOp")) {
                return null;
            }
            node = producer(node.getInput(0));
            while (node != null && node.getOp().equals("Identity")) {
                node = producer(node.getInput(0));
            }
            return node != null && node.getOp().equals("VarHandleOp") ? node.getName() : null;
        }

        /** The nodes that compute with a variable's value: past its reads and any Identity between. */
        List<String> users(String variable) {
            List<String> users = new ArrayList<>();
            List<String> pending = new ArrayList<>(List.of(variable + ":0"));
            Set<String> seen = new HashSet<>();
            while (!pending.isEmpty()) {
                String tensor = pending.remove(pending.size() - 1);
                for (String user : consumers(tensor)) {
                    NodeDef node = byName.get(user);
                    if (!seen.add(user)) {
                        continue;
                    }
                    if (node.getOp().equals("Identity") || node.getOp().equals("ReadVariableOp")) {
                        pending.add(user + ":0");
                    } else {
                        users.add(user);
                    }
                }
            }
            return users;
        }

        private static String tensor(String input) {
            return input.indexOf(':') < 0 ? input + ":0" : input;
        }

        private static String nodeOf(String input) {
            String name = input.startsWith("^") ? input.substring(1) : input;
            int colon = name.indexOf(':');
            return colon < 0 ? name : name.substring(0, colon);
        }
    }
}
