package io.tflc.lc.prune;

import io.tflc.savedmodels.ModelWeight;
import io.tflc.savedmodels.TrainableModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.GraphOperation;

/**
 * Finds the prunable layers of a model: consecutive MatMul/Conv2D layers whose connection carries each unit on its
 * own (BiasAdd, activations, pooling, BatchNorm, Identity, and one flatten Reshape). A layer whose output also
 * feeds anything else (a residual add, a concat) is left alone, and so is the last one (its units are classes).
 */
final class LayerChain {
    private static final Set<String> KERNEL_OPS = Set.of("MatMul", "Conv2D");
    private static final Set<String> PER_UNIT = Set.of("BiasAdd", "Relu", "Relu6", "Elu", "Selu", "LeakyRelu", "Tanh",
            "Sigmoid", "MaxPool", "MaxPoolV2", "AvgPool", "Identity", "FusedBatchNormV3");

    private LayerChain() {
    }

    static List<PrunableLayer> of(TrainableModel model) {
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
        java.util.Set<String> inference = new java.util.HashSet<>();
        Deque<GraphOperation> walk = new ArrayDeque<>(List.of((GraphOperation) model.logits().op()));
        while (!walk.isEmpty()) {
            GraphOperation op = walk.pop();
            if (inference.add(op.name())) {
                op.inputs().forEach(in -> walk.push((GraphOperation) in.op()));
            }
        }
        List<PrunableLayer> layers = new ArrayList<>();
        for (ModelWeight kernel : model.weights()) {
            if (!KERNEL_OPS.contains(kernel.layer())) {
                continue;
            }
            GraphOperation op = model.graph().operation(kernel.consumer());
            List<String> perUnit = new ArrayList<>();
            String flatten = null;
            String z = null;
            GraphOperation current = op;
            boolean ok = true;
            while (ok) {
                var consumers = new ArrayList<>(current.consumers(0));
                consumers.removeIf(c -> !inference.contains(c.name()));
                if (consumers.size() != 1) {
                    ok = false;
                    break;
                }
                GraphOperation next = consumers.iterator().next();
                if (byConsumer.containsKey(next.name()) && next.input(0).op().name().equals(current.name())) {
                    z = z == null ? current.name() + ":0" : z;
                    ModelWeight nextKernel = byConsumer.get(next.name());
                    long units = kernel.shape().size(kernel.shape().numDimensions() - 1);
                    int spatial = 1;
                    if (flatten != null) {
                        long[] zShape = model.graph().operation(nodeOf(z)).output(0).shape().asArray();
                        spatial = (int) (zShape[1] * zShape[2]);
                    }
                    layers.add(new PrunableLayer(kernel.name(), op.type(), perUnit, nextKernel.name(), next.type(), z,
                            flatten, spatial, (int) units));
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
                } else {
                    ok = false;
                }
                current = next;
            }
        }
        return order(model, layers);
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
