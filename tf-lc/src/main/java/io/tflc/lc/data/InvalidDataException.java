package io.tflc.lc.data;

import java.io.IOException;

/**
 * Data that is there but cannot be used: a corrupt or truncated file, a CSV value that is not a number, an example
 * of another shape than the model's input, a source with no examples. The message names the source, the file and
 * the row, record or image, so that the user can find and mend it; it is an {@link IOException} so that callers
 * handle every loading failure in one place.
 */
public final class InvalidDataException extends IOException {
    private static final long serialVersionUID = 1L;

    public InvalidDataException(String message) {
        super(message);
    }

    public InvalidDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
