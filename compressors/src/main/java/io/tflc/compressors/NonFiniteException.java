package io.tflc.compressors;

/** Numbers that must be finite (weights, activations, a C-step's input) hold NaN or infinity. */
public final class NonFiniteException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    /** Which value, where: "NaN at [1, 1] of 2×3". */
    private final String finding;

    NonFiniteException(String subject, String finding) {
        super(subject + ": " + finding);
        this.finding = finding;
    }

    /**
     * The same finding said of {@code subject} by a caller that knows what the numbers are (a layer's activations
     * rather than "a block of rows"), followed by {@code advice}.
     */
    public NonFiniteException about(String subject, String advice) {
        return new NonFiniteException(subject, finding + "; " + advice);
    }
}
