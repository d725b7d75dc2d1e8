package io.tflc.lc.lstep;

/** The L-step's loss became NaN, infinite or exploded; the message names where and what to change. */
public final class DivergenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DivergenceException(String message) {
        super(message);
    }
}
