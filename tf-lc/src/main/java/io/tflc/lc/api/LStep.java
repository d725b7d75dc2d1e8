package io.tflc.lc.api;

/**
 * How each L-step trains: {@code epochs} per LC step ({@code firstEpochs} for the first, which starts from the
 * reference), minibatch size, optimizer with its momentum (Nesterov momentum for SGD, β1 for Adam), and the learning
 * rate lr0·lrDecay^j at LC step j. A run given none takes {@link io.tflc.lc.plan.Plan#defaultLStep}, sized to the
 * training set.
 */
public record LStep(int epochs, int firstEpochs, int batchSize, Optimizer optimizer, double momentum, double lr0,
                    double lrDecay) {
    /** @throws IllegalArgumentException for a value out of range (the message names it) */
    public LStep {
        if (epochs < 0 || firstEpochs < 0) {
            throw new IllegalArgumentException("L-step epochs must be ≥ 0; got " + epochs + " and first " + firstEpochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("L-step batch size must be ≥ 1; got " + batchSize);
        }
        if (optimizer == null) {
            throw new IllegalArgumentException("L-step optimizer is null; use Optimizer.SGD_NESTEROV or ADAM");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("L-step momentum must be in [0, 1); got " + momentum);
        }
        if (!(lr0 > 0) || !(lrDecay > 0)) {
            throw new IllegalArgumentException("L-step learning rate and its decay must be > 0; got " + lr0 + " and "
                    + lrDecay);
        }
    }

    /** SGD with Nesterov momentum 0.9, batch 128, no learning-rate decay: what plans' {@code l_step} defaults to. */
    public static LStep sgdNesterov(int epochs, double lr0) {
        return new LStep(epochs, epochs, 128, Optimizer.SGD_NESTEROV, 0.9, lr0, 1);
    }

    /** Adam with β1 0.9, batch 128, no learning-rate decay. */
    public static LStep adam(int epochs, double lr0) {
        return new LStep(epochs, epochs, 128, Optimizer.ADAM, 0.9, lr0, 1);
    }

    public LStep firstEpochs(int first) {
        return new LStep(epochs, first, batchSize, optimizer, momentum, lr0, lrDecay);
    }

    public LStep batchSize(int size) {
        return new LStep(epochs, firstEpochs, size, optimizer, momentum, lr0, lrDecay);
    }

    public LStep momentum(double value) {
        return new LStep(epochs, firstEpochs, batchSize, optimizer, value, lr0, lrDecay);
    }

    /** The learning rate at LC step j is lr0·decay^j. */
    public LStep decay(double decay) {
        return new LStep(epochs, firstEpochs, batchSize, optimizer, momentum, lr0, decay);
    }
}
