package io.tflc.lc.data;

/**
 * What every source does last with the values it read: refuse an empty source (a run on no examples would report
 * nonsense accuracies rather than fail), preprocess the features, and wrap them in a {@link Dataset}. One place, so
 * that all sources agree on these rules.
 */
final class Examples {
    private Examples() {
    }

    /**
     * A dataset of the raw {@code features} (preprocessed here, in place) and {@code targets}.
     *
     * @throws InvalidDataException when there are no examples
     */
    static Dataset dataset(DataSource source, float[] features, float[] targets, int targetWidth, int[] exampleShape,
                           DataSpec spec) throws InvalidDataException {
        requireSome(source, targets.length / Math.max(targetWidth, 1));
        Preprocessing.apply(features, exampleShape, spec.preprocess());
        return new Dataset(features, targets, exampleShape, targetWidth);
    }

    /** Throws for a resize asked of a source that holds no images to resize, rather than ignoring it. */
    static void refuseResize(DataSource source, DataSpec spec) {
        if (spec.preprocess().resize() != null) {
            throw new IllegalArgumentException(source.describe() + ": preprocess resize applies to images (images:, "
                    + "and tfrecord: with decode image); this source's examples are arrays");
        }
    }

    /** Throws when a source holds no examples. */
    static void requireSome(DataSource source, long count) throws InvalidDataException {
        if (count == 0) {
            throw new InvalidDataException(source.describe() + " holds no examples");
        }
    }

    /** {@code count} examples of {@code exampleSize} values as one Java array, or an error naming the source. */
    static float[] allocate(DataSource source, long count, int exampleSize) throws InvalidDataException {
        long values = count * exampleSize;
        if (values > Integer.MAX_VALUE - 8) {
            throw new InvalidDataException(source.describe() + " holds " + count + " examples of " + exampleSize
                    + " values: more than one Java array holds (2³¹ values); stream TFRecords of float lists or raw bytes instead (data.stream)");
        }
        return new float[(int) values];
    }
}
