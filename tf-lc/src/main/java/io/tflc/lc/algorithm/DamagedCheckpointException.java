package io.tflc.lc.algorithm;

import java.io.IOException;

/**
 * A checkpoint that cannot be resumed because its files are damaged: truncated, garbled, or missing a part. The
 * message names the checkpoint's folder, what is wrong, and how to start over.
 */
public final class DamagedCheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public DamagedCheckpointException(String message) {
        super(message);
    }

    public DamagedCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
