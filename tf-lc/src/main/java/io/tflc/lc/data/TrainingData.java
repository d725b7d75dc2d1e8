package io.tflc.lc.data;

/**
 * Examples an LC run trains on and measures: a {@link Dataset} in memory, or a set streamed from disk that never
 * is ({@code TfRecordStream}). Each {@link #batches} call opens an independent pass-maker; close it after use.
 */
public interface TrainingData {

    /** Number of examples. */
    int size();

    /** Minibatches of {@code batchSize} examples over the whole set. */
    BatchSource batches(int batchSize);
}
