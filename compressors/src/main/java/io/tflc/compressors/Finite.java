package io.tflc.compressors;

import java.util.function.IntToDoubleFunction;

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
        require(m.size(), m::at, m.cols(), what);
    }

    /** As {@link #require(Matrix, String)}, for a row-major block of {@code cols} columns. */
    public static void require(double[] rowMajor, int cols, String what) {
        require(rowMajor.length, i -> rowMajor[i], cols, what);
    }

    /** The index of the first value that is NaN or infinite, or −1 when all are finite. */
    public static int firstNonFinite(double[] values) {
        return firstNonFinite(values.length, i -> values[i]);
    }

    private static void require(int size, IntToDoubleFunction value, int cols, String what) {
        int i = firstNonFinite(size, value);
        if (i >= 0) {
            throw new NonFiniteException(what, value.applyAsDouble(i) + " at [" + i / cols + ", " + i % cols + "] of "
                    + size / cols + "×" + cols);
        }
    }

    private static int firstNonFinite(int size, IntToDoubleFunction value) {
        for (int i = 0; i < size; i++) {
            if (!Double.isFinite(value.applyAsDouble(i))) {
                return i;
            }
        }
        return -1;
    }
}
