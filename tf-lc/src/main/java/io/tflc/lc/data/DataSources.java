package io.tflc.lc.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Makes {@link DataSource}s from {@code KIND:PATH} texts, and a problem's train and test sets from a plan's data
 * section. Kinds:
 * <ul>
 * <li>{@code idx:DIR} – MNIST-layout IDX files ({@link IdxSource}); {@code idx:DIR/PREFIX} picks a set by prefix;
 * <li>{@code csv:FILE} – a numeric table with a header row ({@link CsvSource});
 * <li>{@code npy:DIR} or {@code npy:X.npy,Y.npy} – NumPy arrays ({@link NpySource});
 * <li>{@code images:DIR} – one sub-folder of images per class ({@link ImageFolderSource});
 * <li>{@code tfrecord:GLOB} – {@code tf.Example} records ({@link TfRecordSource});
 * <li>{@code noise:N} – N generated inputs without labels, for distillation ({@link NoiseSource}).
 * </ul>
 */
public final class DataSources {
    /** The kinds {@link #open(String, DataSpec)} knows, for messages. */
    public static final String KINDS = "idx, csv, npy, images, tfrecord, noise";

    private DataSources() {
    }

    /** {@code text} as {@code KIND:PATH}: a plain path (no kind) is an IDX folder, as before sources had kinds. */
    public static String withKind(String text) {
        return text.contains(":") ? text : "idx:" + text;
    }

    /**
     * The files and folders {@code kindColonPath} reads: each comma-separated path, and for a glob the folder it
     * searches (what a run's output must lie apart from).
     */
    public static List<Path> paths(String kindColonPath) {
        List<Path> paths = new ArrayList<>();
        if (isNoise(kindColonPath)) {
            return paths;
        }
        for (String part : kindColonPath.substring(kindColonPath.indexOf(':') + 1).split(",")) {
            int glob = Stream.of("*", "?", "[").mapToInt(part::indexOf).filter(i -> i >= 0).min().orElse(-1);
            paths.add(glob < 0 ? Path.of(part) : Path.of(part.substring(0, glob)).toAbsolutePath().getParent());
        }
        return paths;
    }

    /**
     * The source {@code kindColonPath} names. A folder given as {@code idx:DIR} means its test set ({@code t10k-*}),
     * the set a split divides; {@link #open(DataSpec, String, String, String, int, long, int[])} picks sets by role.
     *
     * @throws IllegalArgumentException for a text that is not {@code KIND:PATH} with a known kind
     */
    public static DataSource open(String kindColonPath, DataSpec spec) {
        return open(kindColonPath, spec, IdxSource.TEST);
    }

    /**
     * The train and test sets of a plan's data section, shaped for a model taking {@code exampleShape} and prepared
     * as {@code spec} says. Either {@code train} and {@code test} name two sources, or {@code source} names one and
     * {@code splitTrain} > 0 splits it: the first {@code splitTrain} examples of a permutation seeded by
     * {@code splitSeed} train, the rest test. Without a split, {@code source} must be {@code idx:DIR}: its
     * {@code train-*} and {@code t10k-*} files (either may be absent: that set is then null). An {@code idx:DIR}
     * given as {@code train} or {@code test} means its {@code train-*} or {@code t10k-*} files; split, its
     * {@code t10k-*} files.
     *
     * @throws IllegalArgumentException for an inconsistent combination (train without test, a split larger than
     *         the source, a single non-IDX source without a split) or an unusable spec
     * @throws IOException for data that is missing, corrupt, empty or shaped unlike the model's input
     */
    public static Datasets open(DataSpec spec, String source, String train, String test, int splitTrain,
                                long splitSeed, int[] exampleShape) throws IOException {
        Preprocessing.check(spec.preprocess(), exampleShape);
        if (source != null && (train != null || test != null)) {
            throw new IllegalArgumentException("data names a source (" + source + ") and train/test sources; give "
                    + "either one source (with a split, or idx:DIR) or both train and test");
        }
        if (source == null) {
            return trainAndTest(spec, train, test, splitTrain, exampleShape);
        }
        if (splitTrain > 0) {
            return split(open(source, spec, IdxSource.TEST), splitTrain, splitSeed, exampleShape);
        }
        if (!kind(source).equals("idx")) {
            throw new IllegalArgumentException("data source " + source + " alone needs a split (data.split.train: "
                    + "the number of training examples), or give train and test sources");
        }
        IdxSource idx = (IdxSource) open(source, spec, IdxSource.TEST);
        return Datasets.mnistLayout(idx.dir(), spec, exampleShape);
    }

    private static Datasets trainAndTest(DataSpec spec, String train, String test, int splitTrain,
                                         int[] exampleShape) throws IOException {
        if (train == null || test == null) {
            throw new IllegalArgumentException(train == null && test == null ? "data names no source"
                    : "data names a " + (train == null ? "test" : "train") + " source but no "
                    + (train == null ? "train" : "test") + " source; give both, or one source with a split");
        }
        if (splitTrain > 0) {
            throw new IllegalArgumentException("data.split divides one source; with train and test sources there is "
                    + "nothing to split");
        }
        DataSource trainSource = open(train, spec, IdxSource.TRAIN);
        DataSource testSource = open(test, spec, IdxSource.TEST);
        if (trainSource instanceof ImageFolderSource a && testSource instanceof ImageFolderSource b
                && !a.classes().equals(b.classes())) {
            throw new InvalidDataException(train + " has classes " + a.classes() + " but " + test + " has "
                    + b.classes() + ": labels would not mean the same; list the classes in label order with "
                    + "data.classes");
        }
        return new Datasets(trainSource.load(exampleShape), testSource.load(exampleShape));
    }

    private static Datasets split(DataSource source, int splitTrain, long seed, int[] exampleShape)
            throws IOException {
        Dataset all = source.load(exampleShape);
        if (splitTrain >= all.size()) {
            throw new IllegalArgumentException("split.train " + splitTrain + " but " + source.describe() + " holds "
                    + all.size() + " examples (the test set would be empty)");
        }
        int[] order = all.shuffledIndices(new SplittableRandom(seed));
        return new Datasets(all.select(Arrays.copyOfRange(order, 0, splitTrain)),
                all.select(Arrays.copyOfRange(order, splitTrain, order.length)));
    }

    private static DataSource open(String kindColonPath, DataSpec spec, String idxPrefix) {
        String kind = kind(kindColonPath);
        String path = kindColonPath.substring(kind.length() + 1);
        if (path.isBlank()) {
            throw new IllegalArgumentException("data source '" + kindColonPath + "' names no path after '" + kind
                    + ":'");
        }
        if (!kind.equals("npy") && !kind.equals("tfrecord") && path.contains(",")) {
            throw new IllegalArgumentException("data source '" + kindColonPath + "': " + kind + " takes one path");
        }
        return switch (kind) {
            case "idx" -> IdxSource.at(path, idxPrefix, spec);
            case "csv" -> new CsvSource(Path.of(path), spec);
            case "npy" -> npy(kindColonPath, path, spec);
            case "images" -> new ImageFolderSource(Path.of(path), spec);
            case "tfrecord" -> new TfRecordSource(path, spec);
            case NoiseSource.KIND -> new NoiseSource(path, spec);
            default -> throw new IllegalArgumentException("data source '" + kindColonPath + "' has kind '" + kind
                    + "'; the kinds are " + KINDS + " (e.g. csv:data/auto-mpg.csv)");
        };
    }

    /**
     * The scale features get when none is given: 1/255 for IDX images (pixel bytes, as tf-lc always read them),
     * 1 for every other source.
     */
    public static float defaultScale(String kindColonPath) {
        return kindColonPath != null && kindColonPath.startsWith("idx:") ? 1f / 255 : 1f;
    }

    /** Whether {@code kindColonPath} names generated inputs ({@code noise:N}), which have no labels. */
    public static boolean isNoise(String kindColonPath) {
        return kindColonPath != null && kindColonPath.startsWith(NoiseSource.KIND + ":");
    }

    private static DataSource npy(String text, String path, DataSpec spec) {
        String[] files = path.split(",");
        if (files.length == 1) {
            return NpySource.inFolder(Path.of(path), spec);
        }
        if (files.length != 2) {
            throw new IllegalArgumentException("data source '" + text + "' is npy:DIR (with x.npy and y.npy) or "
                    + "npy:FEATURES.npy,LABELS.npy");
        }
        return new NpySource(Path.of(files[0].strip()), Path.of(files[1].strip()), spec);
    }

    private static String kind(String kindColonPath) {
        int colon = kindColonPath.indexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("data source '" + kindColonPath + "' is not KIND:PATH; the kinds are "
                    + KINDS + " (e.g. csv:data/auto-mpg.csv, images:photos/train, tfrecord:/data/train-*.tfrecord)");
        }
        return kindColonPath.substring(0, colon);
    }
}
