package io.tflc.compressors.id;

import io.tflc.compressors.Finite;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.nativemath.NativeBlas;
import org.bytedeco.openblas.global.openblas;

/**
 * The R factor of a tall matrix Z = [Z1; Z2; …] built from its row blocks, so that Z never has to be held whole:
 * the R of [R_sofar; Z_b] (plain Householder QR, {@code dgeqrf}) after each block. Zᵀ Z = Rᵀ R, so a pivoted QR of
 * the final R has the same R and pivots as one of Z, up to signs.
 */
public final class StackedR {
    private final int columns;
    private double[] r; // columns × columns, row-major, or null before the first block
    private long rows;

    public StackedR(int columns) {
        if (columns < 1) {
            throw new IllegalArgumentException("need at least one column, got " + columns);
        }
        this.columns = columns;
    }

    /** Adds the rows of {@code block} (rows × columns, row-major). */
    public void add(double[] block, int blockRows) {
        if ((long) blockRows * columns != block.length) {
            throw new IllegalArgumentException(blockRows + " rows of " + columns + " need " + (long) blockRows * columns
                    + " values, got " + block.length);
        }
        Finite.require(block, columns, "a block of rows for a QR");
        int kept = r == null ? 0 : columns;
        int m = kept + blockRows;
        double[] a = new double[m * columns];
        if (r != null) {
            System.arraycopy(r, 0, a, 0, r.length);
        }
        System.arraycopy(block, 0, a, kept * columns, block.length);
        int p = Math.min(m, columns);
        double[] tau = new double[p];
        NativeBlas.ready();
        int info = openblas.LAPACKE_dgeqrf(openblas.LAPACK_ROW_MAJOR, m, columns, a, columns, tau);
        if (info != 0) {
            throw new ArithmeticException("the QR of a block failed (LAPACK dgeqrf info=" + info + ")");
        }
        NativeBlas.requireFiniteResult(a, "the QR of a " + m + "×" + columns + " block (dgeqrf)");
        double[] next = new double[columns * columns];
        for (int i = 0; i < p; i++) {
            for (int j = i; j < columns; j++) {
                next[i * columns + j] = a[i * columns + j];
            }
        }
        r = next;
        rows += blockRows;
    }

    /** Rows added so far. */
    public long rows() {
        return rows;
    }

    /** The columns × columns R of everything added. */
    public Matrix r() {
        if (r == null) {
            throw new IllegalStateException("no rows were added");
        }
        return Matrix.of(columns, columns, r);
    }
}
