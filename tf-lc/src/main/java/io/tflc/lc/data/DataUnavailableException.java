package io.tflc.lc.data;

import java.io.IOException;

/** A dataset that is not where it should be; the message says how to get it. */
public final class DataUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    public DataUnavailableException(String message) {
        super(message);
    }
}
