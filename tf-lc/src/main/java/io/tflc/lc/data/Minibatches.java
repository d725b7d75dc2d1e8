package io.tflc.lc.data;

import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * Feeds a dataset to a graph in minibatches through tensors allocated once: one pair for full batches and one
 * for the last, shorter batch. Batches are only valid inside the callback that receives them.
 *
 * <p>{@link #exactly}: for a graph that takes one batch size only, every batch has that size; the last one is padded
 * with the pass's first examples, and its {@link Batch#size} counts the real ones (which come first).
 */
public final class Minibatches implements BatchSource {

    /**
     * One minibatch: features [rows, example shape…] and targets [rows, target width], of which the first
     * {@code size} are real (rows = size, except in a padded last batch, see {@link #exactly}).
     */
    public record Batch(TFloat32 features, TFloat32 targets, int size) {
        Batch withSize(int real) {
            return new Batch(features, targets, real);
        }
    }

    /** What runs on each batch. */
    @FunctionalInterface
    public interface BatchConsumer {
        void accept(Batch batch);
    }

    private final Dataset data;
    private final int batchSize;
    private final Buffers full;
    /** The shorter last batch's, made when a pass first needs them (a sharded or partial pass never does). */
    private Buffers last;
    private final boolean exact;

    public Minibatches(Dataset data, int batchSize) {
        this(data, batchSize, false);
    }

    private Minibatches(Dataset data, int batchSize, boolean exact) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be ≥ 1, got " + batchSize);
        }
        this.data = data;
        this.exact = exact;
        this.batchSize = exact ? batchSize : Math.min(batchSize, Math.max(data.size(), 1));
        this.full = new Buffers(this.batchSize);
    }

    /** Batches of exactly {@code batchSize} examples, the last one padded (see the class comment). */
    public static Minibatches exactly(Dataset data, int batchSize) {
        return new Minibatches(data, batchSize, true);
    }

    @Override
    public int size() {
        return data.size();
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    /** A pass in the permutation {@code data.shuffledIndices(random)} draws. */
    @Override
    public void shuffled(java.util.SplittableRandom random, BatchConsumer consumer) {
        forEach(data.shuffledIndices(random), consumer);
    }

    /** Fills only the batches asked for, not the whole pass. */
    @Override
    public void shuffledHead(java.util.SplittableRandom random, int batches, BatchConsumer consumer) {
        int[] order = data.shuffledIndices(random);
        forEach(java.util.Arrays.copyOf(order, (int) Math.min(order.length, (long) batches * batchSize)), consumer);
    }

    @Override
    public void inOrder(BatchConsumer consumer) {
        forEachInOrder(consumer);
    }

    /** Runs {@code consumer} on every batch of the examples in {@code order}. */
    public void forEach(int[] order, BatchConsumer consumer) {
        for (int start = 0; start < order.length; start += batchSize) {
            int size = Math.min(batchSize, order.length - start);
            if (exact && size < batchSize) {
                int[] padded = new int[batchSize];
                for (int i = 0; i < batchSize; i++) {
                    padded[i] = order[(start + i) % order.length];
                }
                consumer.accept(full.fill(padded, 0).withSize(size));
                continue;
            }
            if (size < batchSize && size != data.size() % batchSize) {
                throw new IllegalArgumentException("order of " + order.length + " examples does not match a dataset"
                        + " of " + data.size());
            }
            if (size < batchSize && last == null) {
                last = new Buffers(size);
            }
            consumer.accept((size == batchSize ? full : last).fill(order, start));
        }
    }

    /** Runs {@code consumer} on every batch in the dataset's own order. */
    public void forEachInOrder(BatchConsumer consumer) {
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        forEach(order, consumer);
    }

    @Override
    public void close() {
        full.close();
        if (last != null) {
            last.close();
        }
    }

    private final class Buffers implements AutoCloseable {
        final int size;
        final float[] featureScratch;
        final float[] targetScratch;
        final TFloat32 features;
        final TFloat32 targets;

        Buffers(int size) {
            this.size = size;
            int[] shape = data.exampleShape();
            long[] dims = new long[shape.length + 1];
            dims[0] = size;
            for (int i = 0; i < shape.length; i++) {
                dims[i + 1] = shape[i];
            }
            featureScratch = new float[size * data.exampleSize()];
            targetScratch = new float[size * data.targetWidth()];
            features = TFloat32.tensorOf(Shape.of(dims));
            targets = TFloat32.tensorOf(Shape.of(size, data.targetWidth()));
        }

        Batch fill(int[] order, int start) {
            for (int t = 0; t < size; t++) {
                data.copyFeatures(order[start + t], featureScratch, t * data.exampleSize());
                data.copyTargets(order[start + t], targetScratch, t * data.targetWidth());
            }
            features.asRawTensor().data().asFloats().write(featureScratch);
            targets.asRawTensor().data().asFloats().write(targetScratch);
            return new Batch(features, targets, size);
        }

        @Override
        public void close() {
            features.close();
            targets.close();
        }
    }
}
