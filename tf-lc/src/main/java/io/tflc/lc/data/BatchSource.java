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

    /** One pass in the stored order. */
    void inOrder(Minibatches.BatchConsumer consumer);

    @Override
    void close();
}
