package io.tflc.examples.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.StepStats;

/**
 * Executor time per op type, summed over traced steps (TF's FULL_TRACE step stats): where a training step's time
 * goes. Node times are each node's own run time, so on 2 cores their sum can exceed the wall time.
 */
final class OpProfile {
    private final Map<String, double[]> byType = new HashMap<>();
    private int steps;

    void add(Graph graph, StepStats stats) {
        steps++;
        for (DeviceStepStats device : stats.getDevStatsList()) {
            for (NodeExecStats node : device.getNodeStatsList()) {
                GraphOperation op = graph.operation(node.getNodeName());
                String type = op == null ? "(executor: " + node.getNodeName() + ")" : op.type();
                double[] entry = byType.computeIfAbsent(type, t -> new double[2]);
                entry[0] += node.getAllEndRelMicros();
                entry[1]++;
            }
        }
    }

    /** Microseconds per step of all nodes. */
    double microsPerStep() {
        return byType.values().stream().mapToDouble(e -> e[0]).sum() / steps;
    }

    double nodesPerStep() {
        return byType.values().stream().mapToDouble(e -> e[1]).sum() / steps;
    }

    /** The op types that cost {@code other} more time per step than this profile, largest first. */
    String extraIn(OpProfile other, int top) {
        List<String> types = new ArrayList<>(other.byType.keySet());
        types.sort((a, b) -> Double.compare(other.perStep(b) - perStep(b), other.perStep(a) - perStep(a)));
        StringBuilder out = new StringBuilder();
        for (String type : types.subList(0, Math.min(top, types.size()))) {
            out.append(String.format(Locale.ROOT, "    %-28s %+8.1f µs/step  (%.1f → %.1f µs, %.0f → %.0f nodes)%n",
                    type, other.perStep(type) - perStep(type), perStep(type), other.perStep(type), count(type),
                    other.count(type)));
        }
        return out.toString();
    }

    private double perStep(String type) {
        double[] e = byType.get(type);
        return e == null ? 0 : e[0] / steps;
    }

    private double count(String type) {
        double[] e = byType.get(type);
        return e == null ? 0 : e[1] / steps;
    }
}
