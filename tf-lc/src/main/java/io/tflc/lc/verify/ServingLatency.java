package io.tflc.lc.verify;

import io.tflc.lc.data.Dataset;
import io.tflc.savedmodels.safety.ModelTrust;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Per-batch serving latency of a compressed SavedModel next to its original, as {@code tf-lc bench serving}
 * measures it: each repetition is one {@link Verifier#compare} (warm-up, then the two models alternate over the
 * same batches, medians), and the figures are medians over the repetitions with the range of the ratio, because
 * one repetition on a shared machine can be far off.
 *
 * @param ratios compressed/original of each repetition, sorted
 */
public record ServingLatency(double originalMillis, double compressedMillis, double[] ratios, int batchSize) {

    /** Measures {@code repetitions} times on the first batch of {@code batchSize} examples of {@code data}. */
    public static ServingLatency measure(Path original, Path compressed, Dataset data, int batchSize, int repetitions,
                                         ModelTrust trust) throws IOException {
        return measure(original, compressed, data, batchSize, repetitions, trust, 0);
    }

    /**
     * {@link #measure(Path, Path, Dataset, int, int, ModelTrust)} with both sessions limited to {@code threads}
     * threads (0: all cores), as {@link Verifier#compare(Path, Path, Dataset, int, ModelTrust, Verifier.Kind, int)}.
     */
    public static ServingLatency measure(Path original, Path compressed, Dataset data, int batchSize, int repetitions,
                                         ModelTrust trust, int threads) throws IOException {
        if (repetitions < 1) {
            throw new IllegalArgumentException("latency repetitions must be at least 1, not " + repetitions);
        }
        double[] a = new double[repetitions];
        double[] b = new double[repetitions];
        double[] ratios = new double[repetitions];
        int batch = batchSize;
        for (int r = 0; r < repetitions; r++) {
            // One batch is all the timing reads: the accuracy pass over more would be thrown away.
            Verification v = Verifier.compare(original, compressed, data.head(Math.min(batchSize, data.size())),
                    batchSize, trust, Verifier.Kind.CLASSES, threads);
            a[r] = v.originalMillisPerBatch();
            b[r] = v.compressedMillisPerBatch();
            ratios[r] = b[r] / a[r];
            batch = v.batchSize();
        }
        Arrays.sort(ratios);
        return new ServingLatency(median(a), median(b), ratios, batch);
    }

    public double ratio() {
        return median(ratios);
    }

    public double minRatio() {
        return ratios[0];
    }

    public double maxRatio() {
        return ratios[ratios.length - 1];
    }

    /** One line for reports: both medians and the ratio with its range. */
    public String line() {
        return String.format(Locale.ROOT, "latency per batch of %d, medians of %d repetitions: original %.3f ms, "
                + "compressed %.3f ms, ratio %.3f (%.3f–%.3f)", batchSize, ratios.length, originalMillis,
                compressedMillis, ratio(), minRatio(), maxRatio());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
