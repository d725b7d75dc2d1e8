package io.tflc.lc.api;

import java.nio.file.Path;

/**
 * Where examples are read from: one of the kinds {@link io.tflc.lc.data.DataSources} reads, as its
 * {@code KIND:PATH} text with an absolute path. A source's label (CSV column, TFRecord feature) applies to the run's
 * data as a whole: a train and a test source that name different labels are refused.
 */
public final class DataSource {
    private final String text;
    private final String label;

    private DataSource(String kind, String path, String label) {
        this.text = kind + ":" + path;
        this.label = label;
    }

    /**
     * MNIST-layout IDX files in {@code dir}: as the run's only source, its {@code train-*} and {@code t10k-*} files
     * are the train and test sets (or its {@code t10k-*} set is split); features are scaled by 1/255.
     */
    public static DataSource idx(Path dir) {
        return new DataSource("idx", absolute(dir), null);
    }

    /** A numeric CSV table with a header row; {@code labelColumn} null: the last column. */
    public static DataSource csv(Path file, String labelColumn) {
        return new DataSource("csv", absolute(file), labelColumn);
    }

    /** NumPy arrays {@code x.npy} (features) and {@code y.npy} (labels) in {@code dir}. */
    public static DataSource npy(Path dir) {
        return new DataSource("npy", absolute(dir), null);
    }

    /** NumPy arrays of features and labels. */
    public static DataSource npy(Path features, Path labels) {
        return new DataSource("npy", absolute(features) + "," + absolute(labels), null);
    }

    /** One sub-folder of images per class, in sorted folder-name order. */
    public static DataSource images(Path dir) {
        return new DataSource("images", absolute(dir), null);
    }

    /**
     * {@code tf.Example} records in the files {@code glob} matches (e.g. {@code /data/train-*.tfrecord});
     * {@code labelFeature} null: "label".
     */
    public static DataSource tfrecord(String glob, String labelFeature) {
        if (glob.contains(",")) {
            throw new IllegalArgumentException("tfrecord source '" + glob + "': give one glob per source, without "
                    + "commas");
        }
        return new DataSource("tfrecord", Path.of(glob).isAbsolute() ? glob
                : Path.of("").toAbsolutePath().resolve(glob).toString(), labelFeature);
    }

    /** {@code count} generated inputs without labels, for {@link Loss#DISTILL}. */
    public static DataSource noise(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("noise needs at least one example; got " + count);
        }
        return new DataSource("noise", String.valueOf(count), null);
    }

    /** The {@code KIND:PATH} text plans and the command line give. */
    public String text() {
        return text;
    }

    /** The label column or feature this source names, or null. */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return text;
    }

    private static String absolute(Path path) {
        return path.toAbsolutePath().normalize().toString();
    }
}
