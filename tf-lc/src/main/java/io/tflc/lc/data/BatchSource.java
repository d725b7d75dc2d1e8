package io.tflc.lc.data;

import java.util.SplittableRandom;

/**
 * The minibatches of one set of examples, a pass at a time: held in memory ({@link Minibatches}) or read from disk
 * as training goes ({@code TfRecordStream}). Batches are only valid inside the callback that receives them.
 */
public interface BatchSource extends AutoCloseable {

    /** Examples in one pass. */
    int size();

    /** Examples per batch (the last batch of a pass may hold fewer). */
    int batchSize();

    /** Batches in one pass. */
    default int count() {
        return (size() + batchSize() - 1) / batchSize();
    }

    /**
     * One pass in an order drawn from {@code random}: a permutation of the examples in memory, a shuffle buffer on
     * disk. The same {@code random} state gives the same order.
     */
    void shuffled(SplittableRandom random, Minibatches.BatchConsumer consumer);

    /**
     * The first {@code batches} batches (all, if a pass has fewer) of the pass {@link #shuffled} would make with the
     * same {@code random}. A source that can stop early does; this default makes the whole pass and skips the rest.
     */
    default void shuffledHead(SplittableRandom random, int batches, Minibatches.BatchConsumer consumer) {
        int[] left = {batches};
        shuffled(random, batch -> {
            if (left[0] > 0) {
                left[0]--;
                consumer.accept(batch);
            }
        });
    }

    /** One pass in the stored order. */
    void inOrder(Minibatches.BatchConsumer consumer);

    @Override
    void close();
}
