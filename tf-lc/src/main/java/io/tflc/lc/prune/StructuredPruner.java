package io.tflc.lc.prune;

import io.tflc.compressors.Matrix;
import io.tflc.compressors.NonFiniteException;
import io.tflc.compressors.Precision;
import io.tflc.compressors.id.Interpolation;
import io.tflc.compressors.id.PivotedQr;
import io.tflc.compressors.id.StackedR;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Minibatches;
import io.tflc.savedmodels.Flops;
import io.tflc.savedmodels.ModelWeight;
import io.tflc.savedmodels.SavedModelWriter;
import io.tflc.savedmodels.TrainableModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;

/**
 * Removes neurons and channels (Chee et al., "Model Preserving Compression for Neural Networks"): for each prunable
 * layer, Z (what the next layer receives) on unlabeled data, its column-pivoted QR (block by block, so Z is never
 * held whole), the kept units I = the first k pivots and T = [I_k | R11⁻¹R12]; the layer keeps outputs I (kernel,
 * bias, BatchNorm, and the channels of depthwise convolutions in between), and T folds into the next layer's
 * kernel, so the next layer receives Z[:, I]·T ≈ Z. Layers it cannot prune are named with the reason
 * ({@link #notPruned}). The magnitude baseline keeps the units with the largest outgoing weights, with no
 * correction. The result is a smaller graph (variables with fewer units), not masked weights.
 */
public final class StructuredPruner {
    /** Each step of the FLOPs-target heuristic shrinks one layer to at most ⌊α·units⌋. */
    private static final double STEP = 0.9;

    public enum Method { ID, MAGNITUDE }

    private final TrainableModel model;
    private final List<PrunableLayer> layers;
    private final Map<String, String> notPruned;
    private final Map<String, PivotedQr> qr = new HashMap<>();

    /** Analyses {@code model}: finds the prunable layers and, with {@code data}, the pivoted QR of each Z. */
    public StructuredPruner(TrainableModel model, Dataset data) {
        model.requireAnyBatchSize("prune");
        this.model = model;
        LayerChain chain = LayerChain.of(model);
        this.layers = chain.layers();
        this.notPruned = chain.notPruned();
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("no prunable layer: tf-lc prunes Dense/Conv2D layers whose units reach "
                    + "the next Dense/Conv2D layer only through bias, activation, pooling, BatchNorm, depthwise "
                    + "convolutions of multiplier 1 or a flatten; here: " + describe(notPruned));
        }
        Map<String, StackedR> stacks = new LinkedHashMap<>();
        layers.forEach(l -> stacks.put(l.kernel(), new StackedR(l.units())));
        try (Minibatches batches = new Minibatches(data, 100)) {
            long[] examples = {0};
            batches.forEachInOrder(batch -> {
                Session.Runner runner = model.session().runner().feed(model.input(), batch.features());
                layers.forEach(l -> runner.fetch(l.z()));
                try (Result result = runner.run()) {
                    for (int i = 0; i < layers.size(); i++) {
                        TFloat32 z = (TFloat32) result.get(i);
                        float[] values = new float[Math.toIntExact(z.shape().size())];
                        z.asRawTensor().data().asFloats().read(values);
                        double[] rows = Precision.toDoubles(values);
                        PrunableLayer layer = layers.get(i);
                        try {
                            stacks.get(layer.kernel()).add(rows, rows.length / layer.units());
                        } catch (NonFiniteException e) {
                            throw e.about("the activations of " + layer.kernel() + "'s units (what "
                                    + layer.nextKernel() + " receives) on pruning images " + (examples[0] + 1) + "–"
                                    + (examples[0] + batch.size()), "check the model's weights and the input scale");
                        }
                    }
                }
                examples[0] += batch.size();
            });
        }
        stacks.forEach((kernel, stack) -> qr.put(kernel, PivotedQr.of(stack.r())));
    }

    public List<PrunableLayer> layers() {
        return layers;
    }

    /**
     * The kernels of weighted layers whose output units are kept whole (neither pruned on their own nor with the
     * layer that produces their channels), with the reason; a kernel here may still lose input channels as the
     * next layer of a pruned one.
     */
    public Map<String, String> notPruned() {
        return notPruned;
    }

    /** "kernel: reason; …" for messages. */
    public static String describe(Map<String, String> notPruned) {
        return notPruned.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                .collect(java.util.stream.Collectors.joining("; "));
    }

    /** Units kept per layer at a fixed share (at least one). */
    public Map<String, Integer> keep(double share) {
        return keep(share, 1);
    }

    /**
     * Units kept per layer at a fixed share, rounded to the nearest multiple of {@code alignment} (at least one
     * multiple); layers of at most {@code alignment} units stay whole.
     */
    public Map<String, Integer> keep(double share, int alignment) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        layers.forEach(l -> sizes.put(l.kernel(), Math.max(1, Alignment.nearest(share * l.units(), l.units(),
                alignment))));
        return sizes;
    }

    /** {@link #flopsTarget(double, int)} in steps of single units. */
    public Map<String, Integer> flopsTarget(double target) {
        return flopsTarget(target, 1);
    }

    /**
     * Units kept per layer so that the weighted layers' FLOPs fall to {@code target} of the original: repeatedly
     * shrink, to the largest multiple of {@code alignment} at most ⌊0.9·units⌋ (and below the current size), the
     * layer whose first dropped pivot |R[k,k]|/|R[0,0]| is smallest per FLOPs the step saves (in the layer, its
     * depthwise convolutions and the next layer); then layers grow back, an alignment at a time, into what the
     * last step left below the target.
     */
    public Map<String, Integer> flopsTarget(double target, int alignment) {
        Map<String, Long> flops = new HashMap<>();
        model.weights().forEach(w -> flops.put(w.name(), Flops.perExample(model, w)));
        double original = flops.values().stream().mapToLong(Long::longValue).sum();
        return shrink(target, alignment, sizes -> currentFlops(sizes, flops) / original, sizes -> true,
                "of the FLOPs");
    }

    /**
     * Units kept per layer so that the model's latency falls to {@code target} of the original's: the steps of
     * {@link #flopsTarget(double, int)}, each chosen by its error per latency saved as {@code latency} estimates it
     * (a step that saves no time is taken last); once the estimate is below the target, each further step waits
     * for the pruned model's measured latency, so the target holds as measured, not only as estimated.
     */
    public Map<String, Integer> latencyTarget(double target, int alignment, LatencyTable latency) {
        return shrink(target, alignment, latency::estimate, sizes -> latency.measured(this, sizes) <= target,
                "of the latency");
    }

    /**
     * The greedy search: {@code cost} is the share of the original's cost at given sizes, ranks the steps and
     * stops them at {@code target} once {@code confirmed} agrees.
     */
    private Map<String, Integer> shrink(double target, int alignment,
                                        java.util.function.ToDoubleFunction<Map<String, Integer>> cost,
                                        java.util.function.Predicate<Map<String, Integer>> confirmed, String what) {
        if (alignment < 1) {
            throw new IllegalArgumentException("the alignment is " + alignment + "; it must be at least 1 (1: any "
                    + "number of units)");
        }
        Map<String, Integer> sizes = keep(1);
        double current = cost.applyAsDouble(sizes);
        while (current > target || !confirmed.test(sizes)) {
            PrunableLayer best = null;
            double bestScore = Double.POSITIVE_INFINITY;
            double bestCost = current;
            for (PrunableLayer l : layers) {
                int k = sizes.get(l.kernel());
                int next = Alignment.below(STEP * k, k, alignment);
                if (next < 1) {
                    continue;
                }
                Matrix r = qr.get(l.kernel()).r();
                double error = Math.abs(r.get(next, next)) / Math.max(Math.abs(r.get(0, 0)), 1e-300);
                sizes.put(l.kernel(), next);
                double after = cost.applyAsDouble(sizes);
                sizes.put(l.kernel(), k);
                // Measured latency can rise by noise; such a step ranks behind every step that saves.
                double score = current - after > 0 ? error / (current - after) : 1e300 * (1 + error);
                if (best == null || score < bestScore) {
                    bestScore = score;
                    best = l;
                    bestCost = after;
                }
            }
            if (best == null) {
                throw new IllegalArgumentException("cannot reach " + target + " " + what + " by pruning units alone"
                        + (alignment > 1 ? " in multiples of " + alignment + " (try --align 1)" : "") + "; "
                        + (current > target ? String.format(java.util.Locale.ROOT, "the smallest sizes give %.3f",
                        current) : "the estimate reached it but the pruned model, measured, stayed above it"));
            }
            sizes.put(best.kernel(), Alignment.below(STEP * sizes.get(best.kernel()), sizes.get(best.kernel()),
                    alignment));
            current = bestCost;
        }
        Map<String, Integer> shrunk = new LinkedHashMap<>(sizes);
        if (fill(sizes, target, alignment, cost, current) && !confirmed.test(sizes)) {
            return shrunk;
        }
        return sizes;
    }

    /**
     * Spends what the last step left below the target: in steps of the alignment the last step can overshoot by
     * far (48 → 32 channels), so layers grow back one alignment at a time (to multiples of it, never past their
     * units), the one whose first dropped pivot is largest per cost added, while the cost stays within the target.
     * Returns whether any layer grew.
     */
    private boolean fill(Map<String, Integer> sizes, double target, int alignment,
                         java.util.function.ToDoubleFunction<Map<String, Integer>> cost, double current) {
        boolean grew = false;
        while (true) {
            PrunableLayer best = null;
            double bestGain = 0;
            double bestCost = current;
            for (PrunableLayer l : layers) {
                int k = sizes.get(l.kernel());
                // Only to aligned sizes: growing 16 channels back to all 20 would cost a whole block of latency.
                int up = k + alignment;
                if (up > l.units()) {
                    continue;
                }
                sizes.put(l.kernel(), up);
                double after = cost.applyAsDouble(sizes);
                sizes.put(l.kernel(), k);
                if (after > target) {
                    continue;
                }
                Matrix r = qr.get(l.kernel()).r();
                double error = Math.abs(r.get(k, k)) / Math.max(Math.abs(r.get(0, 0)), 1e-300);
                double gain = error / Math.max(after - current, 1e-12);
                if (best == null || gain > bestGain) {
                    best = l;
                    bestGain = gain;
                    bestCost = after;
                }
            }
            if (best == null) {
                return grew;
            }
            sizes.put(best.kernel(), sizes.get(best.kernel()) + alignment);
            current = bestCost;
            grew = true;
        }
    }

    /** FLOPs of the weighted layers with {@code sizes} units kept (FLOPs scale with in × out units). */
    private double currentFlops(Map<String, Integer> sizes, Map<String, Long> flops) {
        Map<String, double[]> factors = new HashMap<>(); // weight → {in share, out share}
        for (PrunableLayer l : layers) {
            double share = (double) sizes.get(l.kernel()) / l.units();
            factors.computeIfAbsent(l.kernel(), k -> new double[] {1, 1})[1] = share;
            factors.computeIfAbsent(l.nextKernel(), k -> new double[] {1, 1})[0] = share;
            for (String v : l.perUnit()) {
                factors.computeIfAbsent(v, k -> new double[] {1, 1})[1] = share;
            }
            for (String d : l.depthwise()) {
                factors.computeIfAbsent(d, k -> new double[] {1, 1})[1] = share;
            }
        }
        double total = 0;
        for (Map.Entry<String, Long> e : flops.entrySet()) {
            double[] f = factors.getOrDefault(e.getKey(), new double[] {1, 1});
            total += e.getValue() * f[0] * f[1];
        }
        return total;
    }

    /** The pruned model, in a new graph and session (the caller closes it). */
    public TrainableModel prune(Map<String, Integer> sizes, Method method) {
        Map<String, float[]> values = new HashMap<>(model.access().readAll());
        Map<String, long[]> shapes = new HashMap<>();
        model.weights().forEach(w -> shapes.put(w.name(), w.shape().asArray()));
        Map<String, Long> flattenWidths = new HashMap<>();
        for (PrunableLayer l : layers) {
            int k = sizes.get(l.kernel());
            if (k >= l.units()) {
                continue;
            }
            int units = l.units();
            int[] kept;
            double[][] t;
            if (method == Method.ID) {
                Interpolation id = Interpolation.of(qr.get(l.kernel()), k).sorted();
                kept = id.kept();
                t = new double[k][units];
                for (int i = 0; i < k; i++) {
                    for (int c = 0; c < units; c++) {
                        t[i][c] = id.t().get(i, c);
                    }
                }
            } else {
                kept = byOutgoingNorm(values.get(l.nextKernel()), shapes.get(l.nextKernel()), units, k);
                t = new double[k][units];
                for (int i = 0; i < k; i++) {
                    t[i][kept[i]] = 1;
                }
            }
            values.put(l.kernel(), selectLast(values.get(l.kernel()), units, kept));
            shapes.put(l.kernel(), withLast(shapes.get(l.kernel()), k));
            for (String v : l.perUnit()) {
                values.put(v, selectLast(values.get(v), units, kept));
                shapes.put(v, withLast(shapes.get(v), k));
            }
            for (String d : l.depthwise()) {
                // [H, W, C, 1] in row-major order is [H·W, C]: the channels are its last dimension of values.
                values.put(d, selectLast(values.get(d), units, kept));
                long[] shape = shapes.get(d).clone();
                shape[2] = k;
                shapes.put(d, shape);
            }
            values.put(l.nextKernel(), fold(values.get(l.nextKernel()), shapes.get(l.nextKernel()), units, t, l));
            long[] next = shapes.get(l.nextKernel()).clone();
            if (l.flatten() != null) {
                next[0] = (long) l.spatial() * k;
                flattenWidths.put(l.flatten(), next[0]);
            } else {
                next[next.length - 2] = k;
            }
            shapes.put(l.nextKernel(), next);
        }
        return rebuild(shapes, values, flattenWidths);
    }

    /** Units in decreasing order of the norm of their outgoing weights, the first k, sorted by index. */
    private static int[] byOutgoingNorm(float[] next, long[] shape, int units, int k) {
        double[] norm = new double[units];
        int out = (int) shape[shape.length - 1];
        for (int i = 0; i < next.length; i++) {
            int unit = (i / out) % units;
            norm[unit] += next[i] * (double) next[i];
        }
        return IntStream.range(0, units).boxed().sorted(Comparator.comparingDouble(u -> -norm[u])).limit(k)
                .mapToInt(Integer::intValue).sorted().toArray();
    }

    /** The entries of the last dimension at {@code kept}. */
    private static float[] selectLast(float[] values, int units, int[] kept) {
        int rows = values.length / units;
        float[] out = new float[rows * kept.length];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < kept.length; i++) {
                out[r * kept.length + i] = values[r * units + kept[i]];
            }
        }
        return out;
    }

    /** The next kernel viewed as [G, units, out] (G: spatial taps or flattened positions), multiplied by T. */
    private static float[] fold(float[] next, long[] shape, int units, double[][] t, PrunableLayer layer) {
        int out = (int) shape[shape.length - 1];
        int groups = next.length / (units * out);
        int k = t.length;
        float[] folded = new float[groups * k * out];
        for (int g = 0; g < groups; g++) {
            for (int i = 0; i < k; i++) {
                for (int c = 0; c < units; c++) {
                    double w = t[i][c];
                    if (w == 0) {
                        continue;
                    }
                    int from = (g * units + c) * out;
                    int to = (g * k + i) * out;
                    for (int o = 0; o < out; o++) {
                        folded[to + o] += (float) (w * next[from + o]);
                    }
                }
            }
        }
        return folded;
    }

    private static long[] withLast(long[] shape, int last) {
        long[] s = shape.clone();
        s[s.length - 1] = last;
        return s;
    }

    /** The inference graph with new variable shapes and flatten widths, in a new session, with the new values. */
    private TrainableModel rebuild(Map<String, long[]> shapes, Map<String, float[]> values, Map<String, Long> flattens) {
        List<String> served = new ArrayList<>(List.of(model.output().op().name()));
        served.addAll(model.declared().outputOps());
        GraphDef.Builder def = SavedModelWriter.prune(model.graph().toGraphDef(), served.toArray(String[]::new))
                .toBuilder();
        Map<String, String> reshapeShapes = new HashMap<>();
        for (NodeDef node : def.getNodeList()) {
            if (flattens.containsKey(node.getName())) {
                reshapeShapes.put(node.getInput(1).split(":")[0], node.getName());
            }
        }
        for (int i = 0; i < def.getNodeCount(); i++) {
            NodeDef node = def.getNode(i);
            NodeDef.Builder b = node.toBuilder().removeAttr("_output_shapes");
            if (node.getOp().equals("VarHandleOp") && shapes.containsKey(node.getName())) {
                TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
                Arrays.stream(shapes.get(node.getName())).forEach(d -> shape.addDim(TensorShapeProto.Dim.newBuilder()
                        .setSize(d)));
                b.putAttr("shape", AttrValue.newBuilder().setShape(shape).build());
            }
            if (reshapeShapes.containsKey(node.getName())) {
                long width = flattens.get(reshapeShapes.get(node.getName()));
                DataType type = node.getAttrOrThrow("dtype").getType();
                TensorProto.Builder tensor = TensorProto.newBuilder().setDtype(type).setTensorShape(
                        TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dim.newBuilder().setSize(2)));
                if (type == DataType.DT_INT64) {
                    tensor.addInt64Val(-1).addInt64Val(width);
                } else {
                    tensor.addIntVal(-1).addIntVal((int) width);
                }
                b.putAttr("value", AttrValue.newBuilder().setTensor(tensor).build());
            }
            def.setNode(i, b.build());
        }
        return model.rebuilt(def.build(), values, model.declared().nonTrainable());
    }

    /** Parameters of all weights of a model. */
    public static long parameters(TrainableModel model) {
        return model.weights().stream().mapToLong(ModelWeight::size).sum();
    }

    /** FLOPs per example of a model's weighted layers. */
    public static long flops(TrainableModel model) {
        return model.weights().stream().mapToLong(w -> Flops.perExample(model, w)).sum();
    }

}
