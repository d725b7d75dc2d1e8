package io.tflc.compressors;

/**
 * Checks that numbers entering or leaving a computation are finite, so that a NaN is reported where it enters, named
 * by the caller, instead of surfacing later as a LAPACK error code or a silently wrong model.
 */
public final class Finite {

    private Finite() {
    }

    /**
     * Throws {@link NonFiniteException} when {@code m} holds NaN or infinity; the message starts with {@code what}
     * ("the weights of task fc1 after LC step 4") and names the first such value by row and column.
     */
    public static void require(Matrix m, String what) {
        for (int i = 0; i < m.size(); i++) {
            if (!Double.isFinite(m.at(i))) {
                throw new NonFiniteException(what + ": " + m.at(i) + " at [" + i / m.cols() + ", " + i % m.cols()
                        + "] of " + m.shape());
            }
        }
    }

    /** As {@link #require(Matrix, String)}, for a row-major block of {@code cols} columns. */
    public static void require(double[] rowMajor, int cols, String what) {
        for (int i = 0; i < rowMajor.length; i++) {
            if (!Double.isFinite(rowMajor[i])) {
                throw new NonFiniteException(what + ": " + rowMajor[i] + " at [" + i / cols + ", " + i % cols + "] of "
                        + rowMajor.length / cols + "×" + cols);
            }
        }
    }
}
