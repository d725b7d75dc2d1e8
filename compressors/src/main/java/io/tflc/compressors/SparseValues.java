package io.tflc.compressors;

import java.util.Arrays;

/**
 * A pruned weight: the values kept and their positions (row-major indices, strictly increasing); every other
 * weight is zero.
 *
 * <p>Bits: 32 per kept value plus the cheaper of two position codes (see {@link PositionCoding}).
 */
public record SparseValues(int rows, int cols, int[] positions, double[] values) implements Theta {

    public SparseValues {
        positions = positions.clone();
        values = values.clone();
        if (positions.length != values.length) {
            throw new IllegalArgumentException(positions.length + " positions but " + values.length + " values");
        }
        long n = (long) rows * cols;
        for (int i = 0; i < positions.length; i++) {
            if (positions[i] < 0 || positions[i] >= n || (i > 0 && positions[i] <= positions[i - 1])) {
                throw new IllegalArgumentException(
                        "positions must be strictly increasing in [0, " + n + "); position " + i + " is " + positions[i]);
            }
        }
    }

    @Override
    public int[] positions() {
        return positions.clone();
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    /** Number of kept values. */
    public int kept() {
        return values.length;
    }

    @Override
    public Matrix decompress() {
        double[] out = new double[rows * cols];
        for (int i = 0; i < positions.length; i++) {
            out[positions[i]] = values[i];
        }
        return Matrix.adopt(rows, cols, out);
    }

    @Override
    public long bits() {
        return (long) Bits.FLOAT * values.length + PositionCoding.best(positions, rows * cols).bits();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparseValues s && rows == s.rows && cols == s.cols
                && Arrays.equals(positions, s.positions) && Arrays.equals(values, s.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(positions) * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "SparseValues[" + rows + "×" + cols + ", kept=" + values.length + "]";
    }
}
