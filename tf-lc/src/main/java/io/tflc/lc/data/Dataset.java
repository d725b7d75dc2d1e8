package io.tflc.lc.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A labelled dataset held in memory: {@code size()} examples of {@code exampleShape} float features (row-major)
 * and integer class labels in [0, classes).
 */
public final class Dataset {
    private final float[] features;
    private final int[] labels;
    private final int[] exampleShape;
    private final int exampleSize;
    private final int classes;

    public Dataset(float[] features, int[] labels, int[] exampleShape, int classes) {
        this.exampleShape = exampleShape.clone();
        this.exampleSize = Arrays.stream(exampleShape).reduce(1, (a, b) -> a * b);
        if (features.length != (long) labels.length * exampleSize) {
            throw new IllegalArgumentException(labels.length + " labels need " + (long) labels.length * exampleSize
                    + " feature values of shape " + Arrays.toString(exampleShape) + ", got " + features.length);
        }
        for (int label : labels) {
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("label " + label + " outside [0, " + classes + ")");
            }
        }
        this.features = features;
        this.labels = labels;
        this.classes = classes;
    }

    /** Images and labels from IDX tensors, pixels multiplied by {@code scale}. */
    public static Dataset fromIdx(Idx.Tensor images, Idx.Tensor labels, float scale, int[] exampleShape,
                                  int classes) {
        if (images.count() != labels.count()) {
            throw new IllegalArgumentException(images.count() + " images but " + labels.count() + " labels");
        }
        byte[] pixels = images.values();
        float[] features = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            features[i] = (pixels[i] & 0xff) * scale;
        }
        int[] y = new int[labels.count()];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels.values()[i] & 0xff;
        }
        return new Dataset(features, y, exampleShape, classes);
    }

    public int size() {
        return labels.length;
    }

    public int classes() {
        return classes;
    }

    public int[] exampleShape() {
        return exampleShape.clone();
    }

    public int exampleSize() {
        return exampleSize;
    }

    public int label(int i) {
        return labels[i];
    }

    /** A copy of every example's features, one example after another. */
    public float[] features() {
        return features.clone();
    }

    /** A copy of the labels. */
    public int[] labels() {
        return labels.clone();
    }

    /** Copies the features of example {@code i} into {@code out} at {@code offset}. */
    void copyFeatures(int i, float[] out, int offset) {
        System.arraycopy(features, i * exampleSize, out, offset, exampleSize);
    }

    /** The examples at {@code indices}, in that order. */
    public Dataset select(int[] indices) {
        float[] f = new float[indices.length * exampleSize];
        int[] y = new int[indices.length];
        for (int t = 0; t < indices.length; t++) {
            copyFeatures(indices[t], f, t * exampleSize);
            y[t] = labels[indices[t]];
        }
        return new Dataset(f, y, exampleShape, classes);
    }

    /** The first {@code count} examples. */
    public Dataset head(int count) {
        int n = Math.min(count, size());
        return new Dataset(Arrays.copyOf(features, n * exampleSize), Arrays.copyOf(labels, n), exampleShape, classes);
    }

    /** A permutation of 0..size−1 drawn from {@code random}. */
    public int[] shuffledIndices(SplittableRandom random) {
        int[] order = new int[size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
