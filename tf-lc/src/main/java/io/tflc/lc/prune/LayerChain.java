package io.tflc.lc.prune;

import io.tflc.savedmodels.ModelWeight;
import io.tflc.savedmodels.TrainableModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.tensorflow.GraphOperation;

/**
 * Finds the prunable layers of a model: consecutive MatMul/Conv2D layers whose connection carries each unit on its
 * own (BiasAdd, activations, pooling, BatchNorm, Identity, depthwise convolutions of channel multiplier 1, and one
 * flatten Reshape), and, for every other weighted layer, why it is not pruned: its output also feeds something else
 * (a residual add, a concat), reaches an op that mixes channels, a depthwise convolution with a multiplier, or is
 * the model's output.
 */
final class LayerChain {
    private static final Set<String> KERNEL_OPS = Set.of("MatMul", "Conv2D");
    private static final String DEPTHWISE = "DepthwiseConv2dNative";
    private static final Set<String> PER_UNIT = Set.of("BiasAdd", "Relu", "Relu6", "Elu", "Selu", "LeakyRelu", "Tanh",
            "Sigmoid", "MaxPool", "MaxPoolV2", "AvgPool", "Identity", "FusedBatchNormV3");
    private static final Set<String> BRANCH_JOINS = Set.of("Add", "AddV2", "AddN", "ConcatV2", "Concat", "Mul");

    private final List<PrunableLayer> layers;
    private final Map<String, String> notPruned;

    private LayerChain(List<PrunableLayer> layers, Map<String, String> notPruned) {
        this.layers = layers;
        this.notPruned = notPruned;
    }

    /** The prunable layers, from the input towards the logits. */
    List<PrunableLayer> layers() {
        return layers;
    }

    /** Kernels of weighted layers that are not pruned (neither on their own nor with a producer), with the reason. */
    Map<String, String> notPruned() {
        return notPruned;
    }

    static LayerChain of(TrainableModel model) {
        Map<String, ModelWeight> byConsumer = new HashMap<>();
        Map<String, String> readToWeight = new HashMap<>();
        for (ModelWeight w : model.weights()) {
            for (GraphOperation read : ((GraphOperation) w.handle().op()).consumers()) {
                readToWeight.put(read.name(), w.name());
            }
            if (KERNEL_OPS.contains(w.layer())) {
                byConsumer.put(w.consumer(), w);
            }
        }
        // Only the inference path counts: training ops (gradients) and tf-lc's own ops also read activations.
        Set<String> inference = new HashSet<>();
        Deque<GraphOperation> walk = new ArrayDeque<>(List.of((GraphOperation) model.logits().op()));
        while (!walk.isEmpty()) {
            GraphOperation op = walk.pop();
            if (inference.add(op.name())) {
                op.inputs().forEach(in -> walk.push((GraphOperation) in.op()));
            }
        }
        List<PrunableLayer> layers = new ArrayList<>();
        Map<String, String> notPruned = new LinkedHashMap<>();
        Map<String, String> depthwiseReasons = new HashMap<>();
        for (ModelWeight kernel : model.weights()) {
            if (!KERNEL_OPS.contains(kernel.layer())) {
                continue;
            }
            GraphOperation op = model.graph().operation(kernel.consumer());
            List<String> perUnit = new ArrayList<>();
            List<String> depthwise = new ArrayList<>();
            String flatten = null;
            String z = null;
            String reason = null;
            GraphOperation current = op;
            while (reason == null) {
                List<GraphOperation> consumers = new ArrayList<>(current.consumers(0));
                consumers.removeIf(c -> !inference.contains(c.name()));
                if (consumers.isEmpty()) {
                    reason = "the last layer: its units are the model's outputs";
                    break;
                }
                if (consumers.size() > 1) {
                    String ops = consumers.stream().map(c -> c.type() + " '" + c.name() + "'")
                            .collect(Collectors.joining(", "));
                    reason = "its output feeds " + consumers.size() + " ops (" + ops + "): a residual connection or "
                            + "branch, whose other side needs the same channels";
                    break;
                }
                GraphOperation next = consumers.get(0);
                boolean fromCurrent = next.input(0).op().name().equals(current.name());
                if (byConsumer.containsKey(next.name()) && fromCurrent) {
                    z = z == null ? current.name() + ":0" : z;
                    ModelWeight nextKernel = byConsumer.get(next.name());
                    long units = kernel.shape().size(kernel.shape().numDimensions() - 1);
                    int spatial = 1;
                    if (flatten != null) {
                        long[] zShape = model.graph().operation(nodeOf(z)).output(0).shape().asArray();
                        spatial = (int) (zShape[1] * zShape[2]);
                    }
                    layers.add(new PrunableLayer(kernel.name(), op.type(), perUnit, depthwise, nextKernel.name(),
                            next.type(), z, flatten, spatial, (int) units));
                    break;
                }
                if (next.type().equals("Reshape") && flatten == null && current.output(0).shape().numDimensions() == 4) {
                    flatten = next.name();
                    z = current.name() + ":0";
                } else if (PER_UNIT.contains(next.type())) {
                    for (int i = 1; i < next.numInputs(); i++) {
                        String weight = readToWeight.get(next.input(i).op().name());
                        if (weight != null) {
                            perUnit.add(weight);
                        }
                    }
                } else if (next.type().equals(DEPTHWISE) && fromCurrent && next.numInputs() > 1
                        && readToWeight.containsKey(next.input(1).op().name())) {
                    ModelWeight filters = model.weight(readToWeight.get(next.input(1).op().name()));
                    long multiplier = filters.shape().size(3);
                    if (multiplier != 1) {
                        depthwiseReasons.put(filters.name(), "its channel multiplier is " + multiplier + " (output "
                                + "channel c·" + multiplier + " + m comes from input channel c): tf-lc prunes through "
                                + "depthwise convolutions of multiplier 1 only");
                        reason = "its channels reach the depthwise convolution " + filters.name() + " of channel "
                                + "multiplier " + multiplier + " (each channel makes " + multiplier + "): tf-lc "
                                + "prunes through depthwise convolutions of multiplier 1 only";
                        break;
                    }
                    // With multiplier 1, output channel c is input channel c filtered on its own: a per-unit op.
                    depthwise.add(filters.name());
                } else if (BRANCH_JOINS.contains(next.type())) {
                    String join = next.type().startsWith("Concat") ? "a concatenation"
                            : next.type().equals("Mul") ? "a product, e.g. squeeze-excite gating" : "a residual add";
                    reason = "its output reaches " + next.type() + " '" + next.name() + "', which joins it with "
                            + "another branch (" + join + ") that needs the same channels; tf-lc prunes only "
                            + "channels inside a block and folds them into the block's next layer";
                } else {
                    reason = "its output reaches " + next.type() + " '" + next.name() + "', which does not carry "
                            + "each unit on its own (tf-lc prunes through bias, activations, pooling, BatchNorm, "
                            + "depthwise convolutions of multiplier 1 and one flatten)";
                }
                current = next;
            }
            if (reason != null) {
                notPruned.put(kernel.name(), reason);
                for (String d : depthwise) {
                    depthwiseReasons.put(d, "its channels are those of " + kernel.name() + ", which is not pruned");
                }
            }
        }
        Set<String> carried = new HashSet<>();
        layers.forEach(l -> carried.addAll(l.depthwise()));
        for (ModelWeight w : model.weights()) {
            if (w.layer().equals(DEPTHWISE) && !carried.contains(w.name())) {
                notPruned.put(w.name(), depthwiseReasons.getOrDefault(w.name(), "a depthwise convolution's channels "
                        + "are its input's: they are pruned only with the Dense/Conv2D layer that makes them, and no "
                        + "such layer feeds it through per-channel ops alone"));
            }
        }
        return new LayerChain(order(model, layers), notPruned);
    }

    /** Layers from the input towards the logits. */
    private static List<PrunableLayer> order(TrainableModel model, List<PrunableLayer> layers) {
        Map<String, Integer> depth = new HashMap<>();
        Deque<GraphOperation> pending = new ArrayDeque<>(List.of((GraphOperation) model.input().op()));
        int n = 0;
        while (!pending.isEmpty()) {
            GraphOperation op = pending.poll();
            if (depth.putIfAbsent(op.name(), n++) == null) {
                pending.addAll(op.consumers());
            }
        }
        return layers.stream().sorted((a, b) -> Integer.compare(
                depth.getOrDefault(model.weight(a.kernel()).consumer(), 0),
                depth.getOrDefault(model.weight(b.kernel()).consumer(), 0))).toList();
    }

    static String nodeOf(String tensor) {
        return tensor.substring(0, tensor.indexOf(':'));
    }

}
