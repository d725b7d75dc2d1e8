package io.tflc.lc.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A dataset held in memory: {@code size()} examples of {@code exampleShape} float features (row-major), each with
 * {@code targetWidth} float targets: a class index (width 1) for classifiers, the values to fit for regression, or
 * a reference model's outputs for distillation. What the targets mean is the objective's business.
 */
public final class Dataset implements TrainingData {
    private final float[] features;
    private final float[] targets;
    private final int[] exampleShape;
    private final int exampleSize;
    private final int targetWidth;

    public Dataset(float[] features, float[] targets, int[] exampleShape, int targetWidth) {
        this.exampleShape = exampleShape.clone();
        this.exampleSize = Arrays.stream(exampleShape).reduce(1, (a, b) -> a * b);
        if (targetWidth < 1 || targets.length % targetWidth != 0) {
            throw new IllegalArgumentException(targets.length + " target values do not make rows of " + targetWidth);
        }
        long size = targets.length / targetWidth;
        if (features.length != size * exampleSize) {
            throw new IllegalArgumentException(size + " examples need " + size * exampleSize
                    + " feature values of shape " + Arrays.toString(exampleShape) + ", got " + features.length);
        }
        this.features = features;
        this.targets = targets;
        this.targetWidth = targetWidth;
    }

    /** Examples labelled with class indices (one target each). */
    public static Dataset ofClasses(float[] features, int[] labels, int[] exampleShape) {
        float[] targets = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            targets[i] = labels[i];
        }
        return new Dataset(features, targets, exampleShape, 1);
    }

    /** Images and labels from IDX tensors, pixels multiplied by {@code scale}. */
    public static Dataset fromIdx(Idx.Tensor images, Idx.Tensor labels, float scale, int[] exampleShape) {
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
        return ofClasses(features, y, exampleShape);
    }

    @Override
    public int size() {
        return targets.length / targetWidth;
    }

    @Override
    public BatchSource batches(int batchSize) {
        return new Minibatches(this, batchSize);
    }

    @Override
    public BatchSource exactBatches(int batchSize) {
        return Minibatches.exactly(this, batchSize);
    }

    public int[] exampleShape() {
        return exampleShape.clone();
    }

    public int exampleSize() {
        return exampleSize;
    }

    public int targetWidth() {
        return targetWidth;
    }

    /** The class index of example {@code i} (its first target, for datasets labelled with classes). */
    public int label(int i) {
        return (int) targets[i * targetWidth];
    }

    /** Target {@code j} of example {@code i}. */
    public float target(int i, int j) {
        return targets[i * targetWidth + j];
    }

    /** A copy of every example's features, one example after another. */
    public float[] features() {
        return features.clone();
    }

    /** A copy of the targets, one example's row after another. */
    public float[] targets() {
        return targets.clone();
    }

    /** The class index of every example (see {@link #label}). */
    public int[] labels() {
        int[] labels = new int[size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = label(i);
        }
        return labels;
    }

    /** The same examples with other targets (e.g. a reference model's outputs), {@code width} per example. */
    public Dataset withTargets(float[] newTargets, int width) {
        if (newTargets.length != (long) size() * width) {
            throw new IllegalArgumentException(size() + " examples need " + (long) size() * width + " targets of width "
                    + width + ", got " + newTargets.length);
        }
        return new Dataset(features, newTargets, exampleShape, width);
    }

    /** Copies the features of example {@code i} into {@code out} at {@code offset}. */
    void copyFeatures(int i, float[] out, int offset) {
        System.arraycopy(features, i * exampleSize, out, offset, exampleSize);
    }

    /** Copies the targets of example {@code i} into {@code out} at {@code offset}. */
    void copyTargets(int i, float[] out, int offset) {
        System.arraycopy(targets, i * targetWidth, out, offset, targetWidth);
    }

    /** The examples at {@code indices}, in that order. */
    public Dataset select(int[] indices) {
        float[] f = new float[indices.length * exampleSize];
        float[] y = new float[indices.length * targetWidth];
        for (int t = 0; t < indices.length; t++) {
            copyFeatures(indices[t], f, t * exampleSize);
            copyTargets(indices[t], y, t * targetWidth);
        }
        return new Dataset(f, y, exampleShape, targetWidth);
    }

    /** The first {@code count} examples. */
    public Dataset head(int count) {
        int n = Math.min(count, size());
        return new Dataset(Arrays.copyOf(features, n * exampleSize), Arrays.copyOf(targets, n * targetWidth),
                exampleShape, targetWidth);
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
