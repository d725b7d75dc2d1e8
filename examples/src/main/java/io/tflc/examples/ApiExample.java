package io.tflc.examples;

import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.algorithm.MuSchedule;
import io.tflc.lc.api.CompressionResult;
import io.tflc.lc.api.Compressions;
import io.tflc.lc.api.DataSource;
import io.tflc.lc.api.Lc;
import io.tflc.lc.api.View;
import io.tflc.lc.cli.ProgressListener;
import java.io.IOException;
import java.nio.file.Path;

/** The Java API on a public Keras CNN: 2-bit codebooks for every kernel, trained on 8,000 MNIST test images. */
public final class ApiExample {
    private ApiExample() {
    }

    /** {@code ApiExample [SHARED_FOLDER [OUTPUT]]}: defaults {@code ../shared} and {@code runs/api-example}. */
    public static void main(String[] args) throws IOException {
        Path shared = Path.of(args.length > 0 ? args[0] : "../shared");
        Path output = Path.of(args.length > 1 ? args[1] : "runs/api-example");
        CompressionResult r = compress(shared, output, 30, new ProgressListener(System.out));
        System.out.printf("test error %.2f%% (original %.2f%%), %.1f× smaller on disk: %s%n",
                100 * r.report().exported().testError(), 100 * r.report().reference().testError(),
                r.sizes().compressed().ratio(r.sizes().original()), r.model());
    }

    /** Compresses {@code shared}'s keras-mnist-cnn in {@code steps} LC steps; the SavedModel is in {@code model/}. */
    public static CompressionResult compress(Path shared, Path output, int steps, LcRun.Listener listener)
            throws IOException {
        return Lc.compress(shared.resolve("savedmodels/keras-mnist-cnn"))
                .data(DataSource.idx(shared.resolve("data/mnist")), 8000).inputScale(1).seed(1)
                .task("re:conv2d.*/kernel", View.CONV_FILTERS, Compressions.codebook(4))
                .task("re:dense.*/kernel", Compressions.codebook(4))
                .schedule(MuSchedule.fromModel(steps))
                .output(output).force().listener(listener)
                .run();
    }
}
