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

    /**
     * Minibatches for {@code model}: of {@code batchSize} examples, or of exactly the one size a model's graph takes
     * ({@link io.tflc.savedmodels.TrainableModel.Declared#fixedBatch}), the last one padded.
     */
    default BatchSource batchesFor(io.tflc.savedmodels.TrainableModel model, int batchSize) {
        int fixed = model.declared().fixedBatch();
        return fixed > 0 ? exactBatches(fixed) : batches(batchSize);
    }

    /** Batches of exactly {@code batchSize} examples, the last one padded with the pass's first examples. */
    BatchSource exactBatches(int batchSize);
}
