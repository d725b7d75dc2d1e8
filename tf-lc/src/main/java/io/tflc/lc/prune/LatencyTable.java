package io.tflc.lc.prune;

import io.tflc.lc.data.Dataset;
import io.tflc.savedmodels.TrainableModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Per-layer latency tables measured on this machine (NetAdapt-style): for each prunable layer and candidate size
 * (multiples of the alignment, at most {@value #SIZES_PER_LAYER} per layer, evenly spread), the whole model's
 * latency with only that layer at that size, as a share of the original's, measured side by side (alternating
 * runs on one batch, medians). The whole model rather than the layer alone, because the layer's size also sets the
 * next layer's input and the per-channel ops in between. A configuration's latency is estimated as the product of
 * each layer's share at its size (linear between measured sizes), and confirmed by measuring the pruned model
 * ({@link #measured}), since estimates of neighbouring layers do not combine exactly.
 */
public final class LatencyTable {
    private static final int SIZES_PER_LAYER = 8;
    private static final int ROUNDS = 15;
    private static final int BATCH = 256;

    private final Map<String, TreeMap<Integer, Double>> shares;
    private final TrainableModel model;
    private final Dataset sample;

    private LatencyTable(Map<String, TreeMap<Integer, Double>> shares, TrainableModel model, Dataset sample) {
        this.shares = shares;
        this.model = model;
        this.sample = sample;
    }

    /**
     * Measures {@code pruner}'s layers at their candidate sizes, on a batch of up to {@value #BATCH} examples of
     * {@code data} (weights come from magnitude pruning: only the shapes matter for time).
     */
    public static LatencyTable measure(StructuredPruner pruner, TrainableModel model, Dataset data, int alignment) {
        Dataset sample = data.head(Math.min(BATCH, data.size()));
        Map<String, TreeMap<Integer, Double>> shares = new LinkedHashMap<>();
        try (TFloat32 batch = batch(sample)) {
            for (PrunableLayer l : pruner.layers()) {
                TreeMap<Integer, Double> table = new TreeMap<>();
                table.put(l.units(), 1.0);
                for (int k : candidates(l.units(), alignment)) {
                    Map<String, Integer> sizes = new LinkedHashMap<>(pruner.keep(1));
                    sizes.put(l.kernel(), k);
                    try (TrainableModel smaller = pruner.prune(sizes, StructuredPruner.Method.MAGNITUDE)) {
                        table.put(k, share(model, smaller, batch));
                    }
                }
                shares.put(l.kernel(), table);
            }
        }
        return new LatencyTable(shares, model, sample);
    }

    /** The measured latency of {@code pruner}'s model with {@code sizes} units kept, as a share of the original's. */
    double measured(StructuredPruner pruner, Map<String, Integer> sizes) {
        try (TFloat32 batch = batch(sample);
             TrainableModel smaller = pruner.prune(sizes, StructuredPruner.Method.MAGNITUDE)) {
            return share(model, smaller, batch);
        }
    }

    private static TFloat32 batch(Dataset sample) {
        long[] dims = new long[sample.exampleShape().length + 1];
        dims[0] = sample.size();
        for (int i = 0; i < sample.exampleShape().length; i++) {
            dims[i + 1] = sample.exampleShape()[i];
        }
        return TFloat32.tensorOf(Shape.of(dims), DataBuffers.of(sample.features(), true, false));
    }

    /** Aligned sizes below {@code units}, at most {@value #SIZES_PER_LAYER}, evenly spread, the smallest included. */
    static List<Integer> candidates(int units, int alignment) {
        List<Integer> all = new ArrayList<>();
        for (int k = Alignment.below(units - 1, units, alignment); k >= 1; k -= alignment) {
            all.add(k);
        }
        if (all.size() <= SIZES_PER_LAYER) {
            return all;
        }
        List<Integer> spread = new ArrayList<>();
        for (int i = 0; i < SIZES_PER_LAYER; i++) {
            spread.add(all.get((int) Math.round((double) i * (all.size() - 1) / (SIZES_PER_LAYER - 1))));
        }
        return spread;
    }

    /**
     * Estimated latency of the model with {@code sizes} units kept, as a share of the original's: the product of
     * the layers' shares. A product, not NetAdapt's sum of savings, because the tables hold whole-model shares: a
     * convolution between two pruned layers costs in proportion to its input times its output channels, and both
     * tables count its saving (the sum estimated 0.33 where 0.47 was measured on keras-mnist-cnn, the product 0.45).
     */
    public double estimate(Map<String, Integer> sizes) {
        double share = 1;
        for (Map.Entry<String, TreeMap<Integer, Double>> e : shares.entrySet()) {
            share *= at(e.getValue(), sizes.get(e.getKey()));
        }
        return share;
    }

    /** Linear between the measured sizes; below the smallest, the smallest's share. */
    private static double at(TreeMap<Integer, Double> table, int k) {
        Map.Entry<Integer, Double> low = table.floorEntry(k);
        Map.Entry<Integer, Double> high = table.ceilingEntry(k);
        if (low == null) {
            return high.getValue();
        }
        if (high == null || high.getKey().equals(low.getKey())) {
            return low.getValue();
        }
        double t = (double) (k - low.getKey()) / (high.getKey() - low.getKey());
        return low.getValue() + t * (high.getValue() - low.getValue());
    }

    /** One line per layer: "kernel: size→share …". */
    public String table() {
        StringBuilder s = new StringBuilder();
        shares.forEach((kernel, table) -> {
            s.append("  ").append(kernel).append(':');
            table.descendingMap().forEach((k, v) -> s.append(String.format(Locale.ROOT, " %d→%.3f", k, v)));
            s.append('\n');
        });
        return s.toString();
    }

    /** The smaller model's latency over the original's: alternating runs after warm-up, ratio of medians. */
    private static double share(TrainableModel original, TrainableModel smaller, TFloat32 batch) {
        for (int w = 0; w < 3; w++) {
            time(original, batch);
            time(smaller, batch);
        }
        double[] a = new double[ROUNDS];
        double[] b = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            a[r] = time(original, batch);
            b[r] = time(smaller, batch);
        }
        Arrays.sort(a);
        Arrays.sort(b);
        return b[ROUNDS / 2] / a[ROUNDS / 2];
    }

    private static double time(TrainableModel model, TFloat32 batch) {
        long start = System.nanoTime();
        try (Result ignored = model.session().runner().feed(model.input(), batch).fetch(model.output()).run()) {
            return (System.nanoTime() - start) / 1e6;
        }
    }
}
