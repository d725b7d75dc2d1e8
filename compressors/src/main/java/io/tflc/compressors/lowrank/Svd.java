package io.tflc.compressors.lowrank;

import io.tflc.compressors.Finite;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.nativemath.NativeBlas;
import org.bytedeco.openblas.global.openblas;

/**
 * Thin singular value decomposition X = U·diag(s)·Vᵀ in double precision, by LAPACK's divide-and-conquer
 * {@code dgesdd} from the OpenBLAS that ND4J ships. NaN in or out is reported, never passed on.
 *
 * <p>Why not ND4J's own wrapper: it offers only {@code gesvd} with full square factors (with thin ones it crashed
 * the JVM, and ND4J's Svd op could not infer its output shape, docs/library-facts.md, 'Native maths'); computing
 * the full 784×784 factor of a
 * LeNet300 layer took ≈200 ms against ≈30 ms for thin {@code dgesdd} on this machine.
 *
 * @param u m×p left singular vectors, p = min(m, n)
 * @param s the p singular values, decreasing
 * @param vt p×n right singular vectors (rows)
 */
public record Svd(Matrix u, double[] s, Matrix vt) {

    public static Svd of(Matrix x) {
        int m = x.rows();
        int n = x.cols();
        int p = Math.min(m, n);
        if (p == 0) {
            return new Svd(Matrix.zeros(m, 0), new double[0], Matrix.zeros(0, n));
        }
        Finite.require(x, "the input of an SVD");
        double[] a = x.toArray();
        double[] s = new double[p];
        double[] u = new double[m * p];
        double[] vt = new double[p * n];
        NativeBlas.ready();
        int info = openblas.LAPACKE_dgesdd(openblas.LAPACK_ROW_MAJOR, (byte) 'S', m, n, a, n, s, u, p, vt, n);
        if (info != 0) {
            throw new ArithmeticException("the SVD of a " + x.shape() + " matrix failed (LAPACK dgesdd info=" + info
                    + (info > 0 ? ": did not converge)" : ": bad argument " + -info + ")"));
        }
        String what = "the SVD of a " + x.shape() + " matrix (dgesdd)";
        NativeBlas.requireFiniteResult(s, what);
        NativeBlas.requireFiniteResult(u, what);
        NativeBlas.requireFiniteResult(vt, what);
        return new Svd(Matrix.of(m, p, u), s, Matrix.of(p, n, vt));
    }

    @Override
    public double[] s() {
        return s.clone();
    }

    /** The best rank-r approximation's factors, with √s split between them: (U_r·√S_r, √S_r·V_rᵀ). */
    public Matrix[] truncate(int r) {
        int m = u.rows();
        int n = vt.cols();
        double[] left = new double[m * r];
        double[] right = new double[r * n];
        for (int j = 0; j < r; j++) {
            double root = Math.sqrt(s[j]);
            for (int i = 0; i < m; i++) {
                left[i * r + j] = u.get(i, j) * root;
            }
            for (int i = 0; i < n; i++) {
                right[j * n + i] = vt.get(j, i) * root;
            }
        }
        return new Matrix[] {Matrix.of(m, r, left), Matrix.of(r, n, right)};
    }

    /** Σ_{i≥r} s_i² for every r = 0..p: the squared error of the best rank-r approximation. */
    public double[] tailEnergy() {
        double[] tail = new double[s.length + 1];
        for (int i = s.length - 1; i >= 0; i--) {
            tail[i] = tail[i + 1] + s[i] * s[i];
        }
        return tail;
    }
}
