package io.tflc.lc.data;

/**
 * Turns TensorFlow's run-time errors about data (an undecodable image, a corrupt record) into messages for users.
 * TF Java throws them as {@code TensorFlowException}s, except invalid arguments, which are
 * {@code IllegalArgumentException}s; callers catch both around a session run.
 */
final class TfErrors {
    private TfErrors() {
    }

    /** The first line of a TensorFlow error: later lines name graph nodes, which tell a user nothing. */
    static String firstLine(RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }
}
