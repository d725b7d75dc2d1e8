package io.tflc.examples.bench;

import io.tflc.lc.data.Datasets;
import io.tflc.lc.verify.ServingLatency;
import io.tflc.lc.verify.Verifier;
import io.tflc.savedmodels.safety.ModelTrust;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Per-batch inference latency of an original and a compressed SavedModel, served as a pipeline serves them
 * (plain SavedModelBundle). Each repetition alternates the two models over 41 timed batches of 256 after warm-up
 * and takes medians; the ratio compressed/original is reported as the median over 7 repetitions with its range.
 */
final class ServingBenchmark {
    private static final int REPETITIONS = 7;

    private ServingBenchmark() {
    }

    static int run(List<String> args) throws Exception {
        List<String> folders = new java.util.ArrayList<>(args);
        int threads = 0;
        int flag = folders.indexOf("--threads");
        if (flag >= 0) {
            try {
                threads = Integer.parseInt(folders.get(flag + 1));
            } catch (IndexOutOfBoundsException | NumberFormatException e) {
                threads = -1;
            }
            folders.subList(flag, Math.min(flag + 2, folders.size())).clear();
        }
        if (folders.size() != 2 || threads < 0) {
            System.err.println("usage: tf-lc bench serving [--threads N] ORIGINAL COMPRESSED (two SavedModel folders; "
                    + "N ≥ 1 threads per session, default all cores)");
            return 2;
        }
        Path original = Path.of(folders.get(0));
        Path compressed = Path.of(folders.get(1));
        Datasets data = Datasets.loadMnistLayout(Datasets.FASHION_MNIST, 1f / 255, Verifier.exampleShape(original,
                ModelTrust.CHECK_OPS));
        ServingLatency latency = ServingLatency.measure(original, compressed, data.test(), 256, REPETITIONS,
                ModelTrust.CHECK_OPS, threads);
        System.out.printf(Locale.ROOT, "per-batch latency (256 images, %s), medians of %d repetitions:%n"
                        + "  original   %.3f ms%n  compressed %.3f ms%n  ratio compressed/original %.3f (%.3f–%.3f)%n",
                threads == 0 ? "all cores" : threads + (threads == 1 ? " thread" : " threads"), REPETITIONS,
                latency.originalMillis(), latency.compressedMillis(), latency.ratio(), latency.minRatio(),
                latency.maxRatio());
        return 0;
    }
}
