package io.tflc.lc.prune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The multiple that structured pruning rounds unit/channel counts to. TF's CPU kernels (oneDNN) lay channels out
 * in blocks (8 floats with AVX2, 16 with AVX-512): 17 channels can cost as much as 32 plus a re-layout, so a pruned
 * model with half the FLOPs may serve slower. The machine's alignment is measured once per run (about a second): a
 * 3×3 convolution from 32 channels to c and back, on a batch of 32 12×12 images, for c = 1…{@value #MAX_CHANNELS},
 * in interleaved rounds, medians. Latency there is a staircase (on an AVX-512 EPYC: flat over 1–16, 17–32,
 * 33–48 channels, +35% at each block), so the alignment is the smallest of 1, 2, 4, 8, 16 for which every step
 * down of one alignment saves at least {@value #SAVING} of the latency: pruning in smaller steps would buy FLOPs
 * and no time. If no candidate passes (latency that hardly depends on channels, or a very noisy machine),
 * {@value #FALLBACK}.
 */
public final class Alignment {
    private static final int MAX_CHANNELS = 48;
    private static final int[] CANDIDATES = {1, 2, 4, 8, 16};
    private static final double SAVING = 0.10;
    private static final int ROUNDS = 15;
    /** When no candidate pays: the AVX2 block, which also divides the AVX-512 one, so it rarely costs a block. */
    static final int FALLBACK = 8;
    private static volatile Measurement cached;

    private Alignment() {
    }

    /** The probe's medians (milliseconds per run, index c − 1) and the alignment chosen from them. */
    public record Measurement(int alignment, double[] millis) {
        public String table() {
            StringBuilder s = new StringBuilder("channels → ms:");
            for (int c = 1; c <= millis.length; c++) {
                s.append(String.format(Locale.ROOT, " %d:%.3f", c, millis[c - 1]));
            }
            return s.toString();
        }
    }

    /**
     * The alignment a pruning run uses: {@code requested} when it is given (&gt; 0), else {@link #machine()}'s; with
     * a line saying which and how to change it ({@code option} names the setting, e.g. {@code --align}).
     *
     * @throws IllegalArgumentException when {@code requested} is negative
     */
    public static Chosen resolve(int requested, String option) {
        if (requested < 0) {
            throw new IllegalArgumentException(option + " is " + requested + "; it is the multiple unit counts are "
                    + "kept in (1: any count), or leave it out for the alignment measured on this machine");
        }
        if (requested > 0) {
            return new Chosen(requested, "alignment: " + requested + " (" + option + ")");
        }
        int measured = machine().alignment();
        return new Chosen(measured, "alignment: " + measured + " (measured on this machine; " + option
                + " N to override)");
    }

    /** An alignment and the line that says where it came from. */
    public record Chosen(int alignment, String line) {
    }

    /** This machine's alignment, measured on first use and kept for the rest of the run. */
    public static Measurement machine() {
        Measurement m = cached;
        if (m == null) {
            synchronized (Alignment.class) {
                if (cached == null) {
                    cached = measure();
                }
                m = cached;
            }
        }
        return m;
    }

    /** Runs the probe (not cached). */
    public static Measurement measure() {
        try (Graph graph = new Graph(); Session session = new Session(graph);
             TFloat32 x = random(Shape.of(32, 12, 12, 32), 1)) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> input = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(32, 12, 12, 32)));
            List<String> targets = new ArrayList<>();
            SplittableRandom seeds = new SplittableRandom(7);
            for (int c = 1; c <= MAX_CHANNELS; c++) {
                // Constant filters: the input is fed, so nothing can be folded away at graph optimisation.
                Operand<TFloat32> down = tf.constant(Shape.of(3, 3, 32, c), DataBuffers.of(values(9 * 32 * c, seeds), true, false));
                Operand<TFloat32> up = tf.constant(Shape.of(3, 3, c, 32), DataBuffers.of(values(9 * 32 * c, seeds), true, false));
                Operand<TFloat32> mid = tf.nn.relu(tf.nn.conv2d(input, down, List.of(1L, 1L, 1L, 1L), "VALID"));
                targets.add(tf.nn.conv2d(mid, up, List.of(1L, 1L, 1L, 1L), "VALID").op().name());
            }
            double[][] times = new double[MAX_CHANNELS][ROUNDS];
            for (int warm = 0; warm < 2; warm++) {
                targets.forEach(t -> run(session, input, x, t));
            }
            // Round-robin over the sizes so that load from other processes hits all of them alike.
            for (int r = 0; r < ROUNDS; r++) {
                for (int c = 0; c < MAX_CHANNELS; c++) {
                    long start = System.nanoTime();
                    run(session, input, x, targets.get(c));
                    times[c][r] = (System.nanoTime() - start) / 1e6;
                }
            }
            double[] medians = new double[MAX_CHANNELS];
            for (int c = 0; c < MAX_CHANNELS; c++) {
                double[] t = times[c].clone();
                Arrays.sort(t);
                medians[c] = t[ROUNDS / 2];
            }
            return new Measurement(choose(medians), medians);
        }
    }

    /**
     * The smallest candidate whose every step down (from one multiple to the next smaller one, within the table)
     * saves at least {@value #SAVING} of the latency, or {@link #FALLBACK}.
     */
    static int choose(double[] millis) {
        for (int a : CANDIDATES) {
            boolean pays = true;
            for (int m = a; m + a <= millis.length && pays; m += a) {
                pays = millis[m - 1] <= (1 - SAVING) * millis[m + a - 1];
            }
            if (pays) {
                return a;
            }
        }
        return FALLBACK;
    }

    /**
     * The largest multiple of {@code alignment} below {@code target} units (at most {@code units − 1}), or 0 when
     * there is none; a layer of fewer units than the alignment has no aligned smaller size.
     */
    static int below(double target, int units, int alignment) {
        return (int) Math.floor(Math.min(target, units - 1) / alignment) * alignment;
    }

    /** {@code target} units rounded to the nearest multiple of {@code alignment}, at least one multiple, at most all. */
    static int nearest(double target, int units, int alignment) {
        if (units <= alignment) {
            return units;
        }
        int k = Math.max(alignment, (int) Math.round(target / alignment) * alignment);
        return Math.min(k, units);
    }

    private static void run(Session session, Placeholder<TFloat32> input, TFloat32 x, String target) {
        try (Result ignored = session.runner().feed(input, x).addTarget(target).run()) {
            // Only the time counts.
        }
    }

    private static float[] values(int n, SplittableRandom random) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextDouble() - 0.5) * 0.1f;
        }
        return v;
    }

    private static TFloat32 random(Shape shape, long seed) {
        return TFloat32.tensorOf(shape, DataBuffers.of(values((int) shape.size(), new SplittableRandom(seed)), true,
                false));
    }
}
