package io.tflc.savedmodels;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The public models and the MNIST test set in {@code ../shared}; tests skip with a message when it is absent. */
public final class SharedFiles {
    private SharedFiles() {
    }

    /** {@code ../shared/<relative>} seen from the repository root (tests run in a module folder). */
    public static Path require(String relative) {
        Path path = Path.of("..", "..", "shared").resolve(relative).normalize();
        assumeTrue(Files.exists(path), "skipped: " + path.toAbsolutePath() + " is missing (the shared folder beside "
                + "the repository holds the public Keras models and MNIST; CI has it)");
        return path;
    }

    /** The first {@code count} MNIST test images as raw pixel values 0..255, row-major. */
    public static float[] mnistImages(int count) throws IOException {
        Path file = require("data/mnist/t10k-images-idx3-ubyte.gz");
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
            in.skipNBytes(16);
            byte[] pixels = in.readNBytes(count * 784);
            float[] out = new float[pixels.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = pixels[i] & 0xff;
            }
            return out;
        }
    }
}
