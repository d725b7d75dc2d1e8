package io.tflc.lc.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A problem's training and test sets (either may be null where a command needs only one). {@link DataSources}
 * makes them from a plan's sources; the MNIST-layout loader here remains for the IDX folders tf-lc started with.
 */
public record Datasets(Dataset train, Dataset test) {

    /** Where the Debian package {@code dataset-fashion-mnist} installs Fashion-MNIST. */
    public static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    /**
     * Loads {@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz} and their {@code t10k-}
     * counterparts from {@code dir} (either set may be absent: then it is null), pixels times {@code scale}.
     */
    public static Datasets loadMnistLayout(Path dir, float scale, int[] exampleShape) throws IOException {
        return mnistLayout(dir, new DataSpec(null, null, null, null, DataSpec.Preprocess.NONE.withScale(scale)),
                exampleShape);
    }

    /** Fashion-MNIST from its Debian path, pixels scaled to [0, 1], examples as 784-vectors. */
    public static Datasets fashionMnist() throws IOException {
        return loadMnistLayout(FASHION_MNIST, 1f / 255, new int[] {784});
    }

    /** The {@code train-*} and {@code t10k-*} sets of an IDX folder, prepared as {@code spec} says. */
    static Datasets mnistLayout(Path dir, DataSpec spec, int[] exampleShape) throws IOException {
        IdxSource.requireFolder(dir);
        IdxSource train = new IdxSource(dir, IdxSource.TRAIN, spec);
        IdxSource test = new IdxSource(dir, IdxSource.TEST, spec);
        if (!train.exists() && !test.exists()) {
            throw new DataUnavailableException(dir + " holds neither train-* nor t10k-* IDX files"
                    + " ({train,t10k}-images-idx3-ubyte.gz and {train,t10k}-labels-idx1-ubyte.gz)");
        }
        return new Datasets(train.exists() ? train.load(exampleShape) : null,
                test.exists() ? test.load(exampleShape) : null);
    }
}
