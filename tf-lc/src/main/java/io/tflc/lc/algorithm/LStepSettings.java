package io.tflc.lc.algorithm;

import io.tflc.lc.lstep.Optimizer;

/**
 * How each L-step trains: epochs per LC step ({@code firstEpochs} for the first, which starts from the reference),
 * minibatch size, optimizer, and the learning rate lr0·decay^j at LC step j.
 *
 * @param lr0FromModel lr0 is to be (or was) measured on the reference by a range test ({@link LearningRateRange})
 *     rather than given by the plan; until then lr0 is provisional
 */
public record LStepSettings(int epochs, int firstEpochs, int batchSize, Optimizer optimizer, double lr0,
                            double lrDecay, boolean lr0FromModel) {
    public LStepSettings {
        if (epochs < 0 || firstEpochs < 0 || batchSize < 1 || !(lr0 > 0) || !(lrDecay > 0)) {
            throw new IllegalArgumentException("L-step needs epochs ≥ 0, batch size ≥ 1, lr0 > 0 and decay > 0");
        }
    }

    /** Settings the plan gives in full. */
    public LStepSettings(int epochs, int firstEpochs, int batchSize, Optimizer optimizer, double lr0,
                         double lrDecay) {
        this(epochs, firstEpochs, batchSize, optimizer, lr0, lrDecay, false);
    }

    /** The same settings with a measured lr0 (still marked as from the model). */
    public LStepSettings withLr0(double measured) {
        return new LStepSettings(epochs, firstEpochs, batchSize, optimizer, measured, lrDecay, lr0FromModel);
    }

    public int epochs(int step) {
        return step == 0 ? firstEpochs : epochs;
    }

    public double learningRate(int step) {
        return lr0 * Math.pow(lrDecay, step);
    }
}
