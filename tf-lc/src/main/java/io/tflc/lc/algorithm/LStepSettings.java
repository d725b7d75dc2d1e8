package io.tflc.lc.algorithm;

import io.tflc.lc.lstep.Optimizer;

/**
 * How each L-step trains: epochs per LC step ({@code firstEpochs} for the first, which starts from the reference),
 * minibatch size, optimizer, and the learning rate lr0·decay^j at LC step j.
 */
public record LStepSettings(int epochs, int firstEpochs, int batchSize, Optimizer optimizer, double lr0,
                            double lrDecay) {
    public LStepSettings {
        if (epochs < 0 || firstEpochs < 0 || batchSize < 1 || !(lr0 > 0) || !(lrDecay > 0)) {
            throw new IllegalArgumentException("L-step needs epochs ≥ 0, batch size ≥ 1, lr0 > 0 and decay > 0");
        }
    }

    public int epochs(int step) {
        return step == 0 ? firstEpochs : epochs;
    }

    public double learningRate(int step) {
        return lr0 * Math.pow(lrDecay, step);
    }
}
