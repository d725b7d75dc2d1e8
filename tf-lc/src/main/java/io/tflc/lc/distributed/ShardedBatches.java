package io.tflc.lc.distributed;

import io.tflc.lc.data.BatchSource;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Minibatches;
import java.util.SplittableRandom;

/**
 * One worker's share of each pass: every worker draws the same permutation (same seed and state), cuts it into
 * global batches of {@code workers × local} examples, and takes the {@code index}-th local batch of each. All workers
 * so run the same number of steps per pass (a collective waits for every peer); the examples that do not fill a last
 * global batch are left out of that pass (they differ from pass to pass with the permutation).
 */
final class ShardedBatches implements BatchSource {
    private final Dataset data;
    private final Minibatches batches;
    private final int local;
    private final int index;
    private final int workers;
    private final int steps;

    ShardedBatches(Dataset data, int local, int index, int workers) {
        this.data = data;
        this.local = local;
        this.index = index;
        this.workers = workers;
        this.steps = data.size() / (local * workers);
        if (steps == 0) {
            throw new IllegalArgumentException("the training set (" + data.size() + " examples) is smaller than one "
                    + "global batch (" + workers + " workers × " + local + "): lower the batch size or the workers");
        }
        this.batches = new Minibatches(data, local);
    }

    /** Steps (local batches) per pass, the same on every worker. */
    @Override
    public int count() {
        return steps;
    }

    /** Examples this worker trains on per pass. */
    @Override
    public int size() {
        return steps * local;
    }

    @Override
    public int batchSize() {
        return local;
    }

    @Override
    public void shuffled(SplittableRandom random, Minibatches.BatchConsumer consumer) {
        batches.forEach(share(data.shuffledIndices(random)), consumer);
    }

    @Override
    public void inOrder(Minibatches.BatchConsumer consumer) {
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        batches.forEach(share(order), consumer);
    }

    /** This worker's examples of {@code order}, in the order of its steps. */
    int[] share(int[] order) {
        int[] mine = new int[steps * local];
        for (int s = 0; s < steps; s++) {
            System.arraycopy(order, (s * workers + index) * local, mine, s * local, local);
        }
        return mine;
    }

    @Override
    public void close() {
        batches.close();
    }
}
