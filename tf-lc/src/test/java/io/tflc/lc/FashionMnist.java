package io.tflc.lc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tflc.lc.data.Datasets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** Fashion-MNIST for tests, loaded once; tests skip with a message naming the package when it is absent. */
public final class FashionMnist {
    private static Datasets cached;

    private FashionMnist() {
    }

    public static synchronized Datasets get() {
        assumeTrue(Files.isDirectory(Datasets.FASHION_MNIST),
                "Fashion-MNIST is missing at " + Datasets.FASHION_MNIST + ": apt-get install -y dataset-fashion-mnist");
        if (cached == null) {
            try {
                cached = Datasets.fashionMnist();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cached;
    }
}
