package io.tflc.compressors.nativemath;

import io.tflc.compressors.Matrix;
import io.tflc.compressors.id.PivotedQr;
import io.tflc.compressors.id.StackedR;
import io.tflc.compressors.lowrank.Svd;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Small known problems solved by the native routines tf-lc uses (ND4J's gemm, LAPACK's QR, pivoted QR and SVD, each
 * through tf-lc's own wrapper) and by plain Java, compared. OpenBLAS picks its kernels for the CPU at load time, and
 * an old release picked AVX-512 kernels that returned NaN (issue 12); a result that holds on one kernel set only must
 * not pass unnoticed.
 *
 * <p>The shapes are those of the C-steps in small (a tall QR in row blocks as ID pruning stacks them, matrices with
 * odd sizes that reach the kernels' edge cases), so the whole check takes milliseconds.
 */
final class NativeMathCheck {
    /** Allowed difference, relative to the reference's largest magnitude: double rounding, with room. */
    static final double TOLERANCE = 1e-9;

    /** One native computation and the pure-Java result it must equal, both flattened into arrays of equal length. */
    record Problem(String name, Supplier<double[]> nativeResult, Supplier<double[]> reference) {
    }

    private final List<Problem> problems;

    NativeMathCheck(List<Problem> problems) {
        this.problems = List.copyOf(problems);
    }

    static NativeMathCheck standard() {
        return new NativeMathCheck(List.of(product(67, 45, 53, 1), product(300, 200, 100, 2), stackedQr(600, 48, 3),
                pivotedQr(200, 30, 4), svd(120, 80, 5)));
    }

    List<Problem> problems() {
        return problems;
    }

    /** A message for the first problem whose native result differs from its reference, or empty when all agree. */
    Optional<String> firstFailure() {
        for (Problem problem : problems) {
            double[] reference = problem.reference().get();
            double[] actual;
            try {
                actual = problem.nativeResult().get();
            } catch (NativeMathException e) {
                return Optional.of(e.getMessage()); // the gate's own check failed first: its message says it all
            } catch (ArithmeticException e) {
                return Optional.of(describeFailure(problem.name() + " failed: " + e.getMessage()));
            }
            double difference = difference(actual, reference);
            if (!(difference <= TOLERANCE)) {
                return Optional.of(describeFailure(problem.name() + " differs from a pure-Java result by "
                        + String.format("%.3g", difference) + " relative to its largest value (allowed "
                        + TOLERANCE + ")"));
            }
        }
        return Optional.empty();
    }

    /** What went wrong, where (library, version, core type) and what to do. */
    static String describeFailure(String what) {
        String forced = System.getenv("OPENBLAS_CORETYPE");
        String core = OpenBlasCore.detect().orElse("unknown");
        return "native maths is wrong on this machine: " + what + ", computed by OpenBLAS " + NativeBlas.version()
                + " with its " + core + " kernels" + (forced == null ? "" : " (OPENBLAS_CORETYPE=" + forced + ")")
                + ". tf-lc stops rather than compress with wrong numbers. Workaround: export OPENBLAS_CORETYPE="
                + ("Haswell".equalsIgnoreCase(forced) ? "Sandybridge" : "Haswell")
                + " (older, well-tried kernels) and run again; please report the CPU model (lscpu) with this message";
    }

    /** max |a − b| / max(1, max |b|); NaN when a holds NaN or the lengths differ. */
    static double difference(double[] actual, double[] reference) {
        if (actual.length != reference.length) {
            return Double.NaN;
        }
        double scale = 1;
        for (double v : reference) {
            scale = Math.max(scale, Math.abs(v));
        }
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs(actual[i] - reference[i]);
            if (!(d <= worst)) {
                worst = d; // also takes NaN, which then stays
            }
        }
        return worst / scale;
    }

    /** C = A·B by ND4J (OpenBLAS dgemm) vs three loops. */
    static Problem product(int m, int k, int n, long seed) {
        Matrix a = random(m, k, seed);
        Matrix b = random(k, n, seed + 100);
        return new Problem("the matrix product of " + a.shape() + " and " + b.shape() + " (dgemm)",
                () -> a.times(b).toArray(), () -> JavaMath.times(a, b).toArray());
    }

    /**
     * R of a tall matrix from its row blocks (dgeqrf, as ID pruning stacks its activations) vs the Gram matrix: RᵀR =
     * AᵀA holds whatever the signs of R's rows.
     */
    static Problem stackedQr(int m, int n, int blocks) {
        Matrix a = random(m, n, 3);
        return new Problem("the QR of a " + a.shape() + " matrix in " + blocks + " row blocks (dgeqrf)", () -> {
            StackedR stack = new StackedR(n);
            int per = m / blocks;
            double[] all = a.toArray();
            for (int b = 0; b < blocks; b++) {
                int rows = b == blocks - 1 ? m - per * b : per;
                double[] block = new double[rows * n];
                System.arraycopy(all, per * b * n, block, 0, block.length);
                stack.add(block, rows);
            }
            Matrix r = stack.r();
            return JavaMath.times(r.transpose(), r).toArray();
        }, () -> JavaMath.times(a.transpose(), a).toArray());
    }

    /**
     * Column-pivoted QR (dgeqp3 and dorgqr) vs pivoted Gram-Schmidt: the same pivots, then Q·R = A[:, P] and
     * |diag R| equal to the Java one's. Columns are scaled apart so that the pivot order has no near-ties. The pivot
     * indices (up to n − 1) set the scale of the comparison, which stays within 3e-8 of the values for n = 30.
     */
    static Problem pivotedQr(int m, int n, long seed) {
        double[] spread = new double[n];
        for (int j = 0; j < n; j++) {
            spread[j] = Math.pow(0.8, (j * 7) % n);
        }
        Matrix a = JavaMath.scaleColumns(random(m, n, seed), spread);
        return new Problem("the column-pivoted QR of a " + a.shape() + " matrix (dgeqp3, dorgqr)", () -> {
            PivotedQr qr = PivotedQr.of(a, true);
            int[] pivots = qr.pivots();
            double[] diagonal = new double[n];
            for (int j = 0; j < n; j++) {
                diagonal[j] = Math.abs(qr.r().get(j, j));
            }
            return concat(toDoubles(pivots), diagonal, JavaMath.times(qr.q(), qr.r()).toArray());
        }, () -> {
            JavaMath.PivotedGramSchmidt reference = JavaMath.pivotedGramSchmidt(a);
            return concat(toDoubles(reference.pivots()), reference.diagonal(),
                    JavaMath.columns(a, reference.pivots()).toArray());
        });
    }

    /**
     * The SVD (dgesdd) of A = U0·diag(s0)·V0ᵀ built in Java with known singular values: the values equal s0 and
     * U·diag(s)·Vᵀ equals A.
     */
    static Problem svd(int m, int n, long seed) {
        double[] s0 = new double[n];
        for (int i = 0; i < n; i++) {
            s0[i] = Math.pow(2, -i / 10.0);
        }
        Matrix u0 = JavaMath.orthonormalColumns(random(m, n, seed));
        Matrix v0 = JavaMath.orthonormalColumns(random(n, n, seed + 1));
        Matrix a = JavaMath.times(JavaMath.scaleColumns(u0, s0), v0.transpose());
        return new Problem("the SVD of a " + a.shape() + " matrix with known singular values (dgesdd)", () -> {
            Svd svd = Svd.of(a);
            return concat(svd.s(), JavaMath.times(JavaMath.scaleColumns(svd.u(), svd.s()), svd.vt()).toArray());
        }, () -> concat(s0, a.toArray()));
    }

    private static Matrix random(int rows, int cols, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] values = new double[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble(-1, 1);
        }
        return Matrix.of(rows, cols, values);
    }

    private static double[] toDoubles(int[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static double[] concat(double[]... parts) {
        int length = 0;
        for (double[] part : parts) {
            length += part.length;
        }
        double[] out = new double[length];
        int at = 0;
        for (double[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }
}
