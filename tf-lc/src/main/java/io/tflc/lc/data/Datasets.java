package io.tflc.lc.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The train and test sets of an image classification problem stored as IDX files (MNIST layout). */
public record Datasets(Dataset train, Dataset test) {

    /** Where the Debian package {@code dataset-fashion-mnist} installs Fashion-MNIST. */
    public static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    /**
     * Loads {@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz} and their {@code t10k-}
     * counterparts from {@code dir} (either set may be absent: then it is null), pixels times {@code scale}.
     */
    public static Datasets loadMnistLayout(Path dir, float scale, int[] exampleShape) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new DataUnavailableException(dir.equals(FASHION_MNIST)
                    ? "Fashion-MNIST is not installed at " + dir + ": run `apt-get install -y dataset-fashion-mnist`"
                    : "no dataset folder at " + dir);
        }
        Dataset train = load(dir, "train", scale, exampleShape);
        Dataset test = load(dir, "t10k", scale, exampleShape);
        if (train == null && test == null) {
            throw new DataUnavailableException(dir + " holds neither train-* nor t10k-* IDX files"
                    + " ({train,t10k}-images-idx3-ubyte.gz and {train,t10k}-labels-idx1-ubyte.gz)");
        }
        return new Datasets(train, test);
    }

    /** Fashion-MNIST from its Debian path, pixels scaled to [0, 1], examples as 784-vectors. */
    public static Datasets fashionMnist() throws IOException {
        return loadMnistLayout(FASHION_MNIST, 1f / 255, new int[] {784});
    }

    private static Dataset load(Path dir, String prefix, float scale, int[] exampleShape) throws IOException {
        Path images = dir.resolve(prefix + "-images-idx3-ubyte.gz");
        Path labels = dir.resolve(prefix + "-labels-idx1-ubyte.gz");
        if (!Files.exists(images) && !Files.exists(labels)) {
            return null;
        }
        Idx.Tensor x = Idx.read(images);
        int expected = 1;
        for (int d : exampleShape) {
            expected *= d;
        }
        if (x.itemSize() != expected) {
            throw new IllegalArgumentException(images + " holds examples of " + x.itemSize() + " values, the model "
                    + "input takes " + expected);
        }
        return Dataset.fromIdx(x, Idx.read(labels), scale, exampleShape, 10);
    }
}
