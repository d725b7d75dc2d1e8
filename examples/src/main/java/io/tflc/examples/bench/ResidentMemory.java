package io.tflc.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * This process's resident memory over a run, sampled from Linux's {@code /proc/self/status} ({@code VmRSS}): all
 * of it, TensorFlow's native buffers included, which the Java heap figures do not see. Each sample also records the
 * Java heap committed, so that growth of the heap can be told apart from growth of native memory.
 */
final class ResidentMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    /** One sample: after {@code step} steps (e.g. batches), resident and Java heap committed bytes. */
    record Sample(long step, long resident, long heap) {
    }

    private final List<Sample> samples = new ArrayList<>();

    /** Records the memory now, after {@code step} steps. */
    void sample(long step) {
        samples.add(new Sample(step, residentBytes(), Runtime.getRuntime().totalMemory()));
    }

    List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** Largest minus smallest resident size sampled. */
    long residentRange() {
        long max = samples.stream().mapToLong(Sample::resident).max().orElse(0);
        long min = samples.stream().mapToLong(Sample::resident).min().orElse(0);
        return max - min;
    }

    /**
     * Prints the first sample, about every tenth of the samples, the last, and the range, with {@code of} the steps
     * in the run.
     */
    void print(PrintStream out, long of, String unit) {
        int n = samples.size();
        int every = Math.max(1, n / 10);
        for (int i = 0; i < n; i++) {
            if (i % every == 0 || i == n - 1) {
                Sample s = samples.get(i);
                out.printf(Locale.ROOT, "  %s %,7d of %,d (%3.0f%%)  resident %,7.1f MB  Java heap committed "
                        + "%,7.1f MB%n", unit, s.step, of, 100.0 * s.step / of, s.resident / 1e6, s.heap / 1e6);
            }
        }
        long heapRange = samples.stream().mapToLong(Sample::heap).max().orElse(0)
                - samples.stream().mapToLong(Sample::heap).min().orElse(0);
        out.printf(Locale.ROOT, "  resident max − min over %d samples: %.1f MB (Java heap committed: %.1f MB); "
                        + "last − first: %+.1f MB%n", n, residentRange() / 1e6, heapRange / 1e6,
                (samples.get(n - 1).resident - samples.get(0).resident) / 1e6);
    }

    /** The resident set size of this process now. */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // in kB
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + STATUS + " (resident memory is measured on Linux)", e);
        }
        throw new IllegalStateException(STATUS + " has no VmRSS line");
    }
}
