package io.tflc.lc.plan;

/** A plan that cannot run: the message names the key or weight at fault and the choices that exist. */
public final class PlanException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PlanException(String message) {
        super(message);
    }

    public PlanException(String message, Throwable cause) {
        super(message, cause);
    }
}
