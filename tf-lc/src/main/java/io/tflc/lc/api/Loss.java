package io.tflc.lc.api;

/** What the L-step minimises. */
public enum Loss {
    /** Chosen from the model's output and the labels: softmax or sigmoid cross-entropy, or mean squared error. */
    AUTO("auto"),
    SOFTMAX_CROSS_ENTROPY("softmax_cross_entropy"),
    SIGMOID_CROSS_ENTROPY("sigmoid_cross_entropy"),
    MSE("mse"),
    MAE("mae"),
    /** Learn the reference model's own outputs (softened by a temperature); the data needs no labels. */
    DISTILL("distill");

    private final String planName;

    Loss(String planName) {
        this.planName = planName;
    }

    /** The name plans give it ({@code "loss"}). */
    public String planName() {
        return planName;
    }
}
