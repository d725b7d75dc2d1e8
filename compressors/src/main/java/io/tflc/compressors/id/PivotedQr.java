package io.tflc.compressors.id;

import io.tflc.compressors.Finite;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.nativemath.NativeBlas;
import org.bytedeco.openblas.global.openblas;

/**
 * Column-pivoted QR, Z[:, P] = Q·R with |R_ii| non-increasing, by LAPACK's {@code dgeqp3} (Householder with
 * column pivoting, double precision) from the OpenBLAS that ND4J ships; ND4J itself does not expose it.
 *
 * @param r the p×n upper-triangular factor, p = min(m, n), columns in pivot order
 * @param pivots P: column j of R belongs to column {@code pivots[j]} of Z (0-based)
 * @param q the m×p orthonormal factor, or null when it was not asked for
 */
public record PivotedQr(Matrix r, int[] pivots, Matrix q) {

    public PivotedQr {
        pivots = pivots.clone();
    }

    @Override
    public int[] pivots() {
        return pivots.clone();
    }

    /** R and P only (all the interpolative decomposition needs). */
    public static PivotedQr of(Matrix z) {
        return of(z, false);
    }

    public static PivotedQr of(Matrix z, boolean withQ) {
        int m = z.rows();
        int n = z.cols();
        int p = Math.min(m, n);
        Finite.require(z, "the input of a pivoted QR");
        double[] a = z.toArray();
        int[] jpvt = new int[n];
        double[] tau = new double[Math.max(p, 1)];
        NativeBlas.ready();
        int info = openblas.LAPACKE_dgeqp3(openblas.LAPACK_ROW_MAJOR, m, n, a, n, jpvt, tau);
        if (info != 0) {
            throw new ArithmeticException("the pivoted QR of a " + z.shape() + " matrix failed (LAPACK dgeqp3 info="
                    + info + ")");
        }
        NativeBlas.requireFiniteResult(a, "the pivoted QR of a " + z.shape() + " matrix (dgeqp3)");
        double[] r = new double[p * n];
        for (int i = 0; i < p; i++) {
            for (int j = i; j < n; j++) {
                r[i * n + j] = a[i * n + j];
            }
        }
        int[] pivots = new int[n];
        for (int j = 0; j < n; j++) {
            pivots[j] = jpvt[j] - 1;
        }
        Matrix q = null;
        if (withQ && p > 0) {
            double[] reflectors = new double[m * p];
            for (int i = 0; i < m; i++) {
                System.arraycopy(a, i * n, reflectors, i * p, p);
            }
            info = openblas.LAPACKE_dorgqr(openblas.LAPACK_ROW_MAJOR, m, p, p, reflectors, p, tau);
            if (info != 0) {
                throw new ArithmeticException("forming Q failed (LAPACK dorgqr info=" + info + ")");
            }
            NativeBlas.requireFiniteResult(reflectors, "forming the Q of a " + z.shape() + " matrix (dorgqr)");
            q = Matrix.of(m, p, reflectors);
        }
        return new PivotedQr(Matrix.of(p, n, r), pivots, q);
    }
}
