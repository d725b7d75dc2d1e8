package io.tflc.lc.api;

/** The L-step's optimizer. */
public enum Optimizer {
    /** SGD with Nesterov momentum, the LC papers' choice. */
    SGD_NESTEROV(io.tflc.lc.lstep.Optimizer.SGD_NESTEROV),
    /** Adam: its steps do not scale with the loss, so one learning rate serves losses of any size. */
    ADAM(io.tflc.lc.lstep.Optimizer.ADAM);

    private final String planName;

    Optimizer(String planName) {
        this.planName = planName;
    }

    /** The name plans give it ({@code "l_step": {"optimizer": …}}). */
    public String planName() {
        return planName;
    }
}
