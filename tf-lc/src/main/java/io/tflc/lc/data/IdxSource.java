package io.tflc.lc.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One set of an IDX dataset in the MNIST layout: {@code PREFIX-images-idx3-ubyte} and {@code PREFIX-labels-idx1-ubyte}
 * in a folder (gzipped with {@code .gz} or not), where PREFIX is {@code train} or {@code t10k} for the MNIST family.
 * Pixels become floats 0..255 and are then preprocessed, so with a scale the features are exactly
 * {@code (pixel & 0xff) * scale}, as tf-lc always loaded them; labels become class indices.
 */
public final class IdxSource implements DataSource {
    /** The training set's file prefix in the MNIST layout. */
    public static final String TRAIN = "train";
    /** The test set's file prefix in the MNIST layout. */
    public static final String TEST = "t10k";

    private final Path dir;
    private final String prefix;
    private final DataSpec spec;

    public IdxSource(Path dir, String prefix, DataSpec spec) {
        this.dir = dir;
        this.prefix = prefix;
        this.spec = spec;
    }

    /**
     * The source an {@code idx:PATH} names: a folder means its {@code defaultPrefix} set; otherwise the last part
     * of PATH is the prefix ({@code idx:/data/mnist/train} is the train set of /data/mnist).
     */
    public static IdxSource at(String path, String defaultPrefix, DataSpec spec) {
        Path p = Path.of(path);
        if (!Files.isDirectory(p) && p.getFileName() != null) {
            IdxSource prefixed = new IdxSource(p.toAbsolutePath().getParent(), p.getFileName().toString(), spec);
            if (prefixed.exists()) {
                return prefixed;
            }
        }
        return new IdxSource(p, defaultPrefix, spec);
    }

    public Path dir() {
        return dir;
    }

    public String prefix() {
        return prefix;
    }

    /** The images file, gzipped if that exists, otherwise plain. */
    public Path images() {
        return file("images-idx3-ubyte");
    }

    /** The labels file, gzipped if that exists, otherwise plain. */
    public Path labels() {
        return file("labels-idx1-ubyte");
    }

    /** Whether either file of this set exists (a folder may hold only a train or only a test set). */
    public boolean exists() {
        return Files.exists(images()) || Files.exists(labels());
    }

    @Override
    public Dataset load(int[] exampleShape) throws IOException {
        Examples.refuseResize(this, spec);
        requireFolder(dir);
        if (!exists()) {
            throw new DataUnavailableException(describe() + ": no IDX files " + images().getFileName() + " and "
                    + labels().getFileName() + " in " + dir);
        }
        Idx.Tensor x = Idx.read(images());
        Idx.Tensor y = Idx.read(labels());
        if (x.count() != y.count()) {
            throw new InvalidDataException(describe() + ": " + images() + " holds " + x.count() + " images but "
                    + labels() + " holds " + y.count() + " labels");
        }
        if (y.itemSize() != 1) {
            throw new InvalidDataException(describe() + ": " + labels() + " holds labels of shape "
                    + Arrays.toString(Arrays.copyOfRange(y.dims(), 1, y.dims().length)) + "; one class index each is"
                    + " expected");
        }
        ExampleShapes.check(Arrays.stream(x.dims()).skip(1).asLongStream().toArray(), exampleShape,
                describe() + ": " + images());
        byte[] pixels = x.values();
        float[] features = Examples.allocate(this, x.count(), ExampleShapes.size(exampleShape));
        for (int i = 0; i < pixels.length; i++) {
            features[i] = pixels[i] & 0xff;
        }
        float[] targets = new float[y.count()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = y.values()[i] & 0xff;
        }
        return Examples.dataset(this, features, targets, 1, exampleShape, spec);
    }

    @Override
    public String describe() {
        return "idx:" + dir + " (" + prefix + "-*)";
    }

    /** Throws, saying how to get the data, when the dataset folder is missing. */
    static void requireFolder(Path dir) throws DataUnavailableException {
        if (!Files.isDirectory(dir)) {
            throw new DataUnavailableException(dir.equals(Datasets.FASHION_MNIST)
                    ? "Fashion-MNIST is not installed at " + dir + ": run `apt-get install -y dataset-fashion-mnist`"
                    : "no dataset folder at " + dir);
        }
    }

    private Path file(String kind) {
        Path gz = dir.resolve(prefix + "-" + kind + ".gz");
        Path plain = dir.resolve(prefix + "-" + kind);
        return Files.exists(gz) || !Files.exists(plain) ? gz : plain;
    }
}
