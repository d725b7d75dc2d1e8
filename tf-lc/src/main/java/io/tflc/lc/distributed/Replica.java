package io.tflc.lc.distributed;

import io.tflc.lc.data.BatchSource;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.TrainingData;
import io.tflc.lc.lstep.GradientReduction;
import io.tflc.savedmodels.TrainableModel;

/**
 * What an LC run does differently as worker {@code index} of {@code workers}: its L-step averages gradients across
 * the workers and trains on its shard of each pass; only worker 0 writes (checkpoints, reports, the model). The plan's
 * batch size is the global batch: each worker takes {@code batch / workers} examples a step, so the learning rate of
 * the plan holds unchanged for any number of workers, and a checkpoint resumes with another number.
 */
public record Replica(int index, int workers) {
    /** One process: no reduction, the whole training set, writes. */
    public static final Replica ALONE = new Replica(0, 1);

    public Replica {
        if (workers < 1 || index < 0 || index >= workers) {
            throw new IllegalArgumentException("worker " + index + " of " + workers + " does not exist");
        }
    }

    /** Whether this worker writes checkpoints, reports and the model. */
    public boolean writes() {
        return index == 0;
    }

    public GradientReduction reduction() {
        return workers == 1 ? GradientReduction.LOCAL : new CollectiveAverage(workers);
    }

    /** Examples per worker and step for a global batch of {@code batchSize}. */
    public int localBatch(int batchSize) {
        if (batchSize % workers != 0) {
            throw new IllegalArgumentException("the batch size " + batchSize + " (the global batch) does not divide "
                    + "among " + workers + " workers: make l_step.batch_size a multiple of " + workers);
        }
        return batchSize / workers;
    }

    /** The minibatches this worker trains on, for a global batch of {@code batchSize}. */
    public BatchSource trainingBatches(TrainingData train, TrainableModel model, int batchSize) {
        if (workers == 1) {
            return train.batchesFor(model, batchSize);
        }
        if (!(train instanceof Dataset data)) {
            throw new IllegalArgumentException("a run on " + workers + " workers needs its training set in memory "
                    + "(data.stream is not sharded yet): leave data.stream out or run on one worker");
        }
        if (model.declared().fixedBatch() > 0) {
            throw new IllegalArgumentException("this model's graph takes batches of exactly "
                    + model.declared().fixedBatch() + " examples: it cannot be trained on " + workers + " workers "
                    + "(each takes a share of the batch); run it on one");
        }
        return new ShardedBatches(data, localBatch(batchSize), index, workers);
    }
}
