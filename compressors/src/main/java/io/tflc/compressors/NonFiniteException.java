package io.tflc.compressors;

/** Numbers that must be finite (weights, activations, a C-step's input) hold NaN or infinity. */
public final class NonFiniteException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    public NonFiniteException(String message) {
        super(message);
    }
}
