package io.tflc.examples.bench;

import io.tflc.lc.data.Datasets;
import io.tflc.lc.verify.Verification;
import io.tflc.lc.verify.Verifier;
import java.nio.file.Path;
import java.util.Arrays;
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
        if (args.size() != 2) {
            System.err.println("usage: tf-lc bench serving ORIGINAL COMPRESSED (two SavedModel folders)");
            return 2;
        }
        Path original = Path.of(args.get(0));
        Path compressed = Path.of(args.get(1));
        Datasets data = Datasets.loadMnistLayout(Datasets.FASHION_MNIST, 1f / 255, Verifier.exampleShape(original));
        double[] ratios = new double[REPETITIONS];
        double[] originalMs = new double[REPETITIONS];
        double[] compressedMs = new double[REPETITIONS];
        for (int r = 0; r < REPETITIONS; r++) {
            Verification v = Verifier.compare(original, compressed, data.test().head(2048), 256);
            originalMs[r] = v.originalMillisPerBatch();
            compressedMs[r] = v.compressedMillisPerBatch();
            ratios[r] = compressedMs[r] / originalMs[r];
        }
        Arrays.sort(ratios);
        Arrays.sort(originalMs);
        Arrays.sort(compressedMs);
        System.out.printf(Locale.ROOT, "per-batch latency (256 images), medians of %d repetitions:%n"
                        + "  original   %.3f ms (%.3f–%.3f)%n  compressed %.3f ms (%.3f–%.3f)%n"
                        + "  ratio compressed/original %.3f (%.3f–%.3f)%n", REPETITIONS,
                originalMs[REPETITIONS / 2], originalMs[0], originalMs[REPETITIONS - 1],
                compressedMs[REPETITIONS / 2], compressedMs[0], compressedMs[REPETITIONS - 1],
                ratios[REPETITIONS / 2], ratios[0], ratios[REPETITIONS - 1]);
        return 0;
    }
}
