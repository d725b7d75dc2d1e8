package io.tflc.lc.algorithm;

/**
 * A C-step could not run or gave non-finite values; the message names the task, its weights and the LC step, and
 * the cause holds the compressor's own error.
 */
public final class CStepException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CStepException(String message, Throwable cause) {
        super(message, cause);
    }
}
