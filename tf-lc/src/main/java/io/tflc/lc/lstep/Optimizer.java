package io.tflc.lc.lstep;

/**
 * The L-step's optimizer: SGD with Nesterov momentum (the LC papers' choice) or Adam.
 *
 * @param kind {@code sgd_nesterov} or {@code adam}
 * @param momentum Nesterov momentum (SGD) or β1 (Adam)
 */
public record Optimizer(String kind, double momentum) {
    public static final String SGD_NESTEROV = "sgd_nesterov";
    public static final String ADAM = "adam";

    public Optimizer {
        if (!kind.equals(SGD_NESTEROV) && !kind.equals(ADAM)) {
            throw new IllegalArgumentException("unknown optimizer '" + kind + "'; optimizers: " + SGD_NESTEROV + ", " + ADAM);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
    }
}
