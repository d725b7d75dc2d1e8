package io.tflc.compressors.nativemath;

import io.tflc.compressors.Finite;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The gate in front of OpenBLAS, which serves ND4J's matrix products and the C-steps' LAPACK routines. The first
 * {@link #ready()} in a JVM starts ND4J, sets OpenBLAS's thread count and checks the native maths against pure Java
 * ({@link NativeMathCheck}); when that check failed, every call throws {@link NativeMathException}, so no C-step runs
 * on wrong numbers.
 *
 * <p>One thread unless {@code OPENBLAS_NUM_THREADS} says otherwise: the LC loop runs the C-steps of its tasks in
 * parallel, next to TF's thread pools; OpenBLAS's workers spin while waiting for work, and on a 2-core machine a
 * 784×300 SVD that takes 30–60 ms alone took 1–4 s when TF or another process held the cores (measured 2026-11-24;
 * one thread: 33–95 ms).
 */
public final class NativeBlas {

    private NativeBlas() {
    }

    /** Call before using OpenBLAS, directly or through ND4J. */
    public static void ready() {
        String failure = Started.FAILURE;
        if (failure != null) {
            throw new NativeMathException(failure);
        }
    }

    /**
     * Throws {@link NativeMathException} when a native routine returned NaN or infinity from finite input, which only
     * a wrong kernel does; {@code what} names the computation ("the SVD of a 784×300 matrix").
     */
    public static void requireFiniteResult(double[] result, String what) {
        int i = Finite.firstNonFinite(result);
        if (i >= 0) {
            throw new NativeMathException(NativeMathCheck.describeFailure(what + " returned " + result[i]
                    + " from finite input"));
        }
    }

    /** The OpenBLAS release on the class path, as its header states it ("0.3.26"). */
    public static String version() {
        try {
            // Read at run time: javac would inline the constant of the release this class was compiled against.
            Object header = openblas.class.getField("OPENBLAS_VERSION").get(null);
            return header.toString().trim().replace("OpenBLAS ", "");
        } catch (ReflectiveOperationException e) {
            return "(unknown version)";
        }
    }

    /** The holder idiom: the JVM runs this once, thread-safely, at the first {@link #ready()}. */
    private static final class Started {
        /** What went wrong, or null when the native maths agreed with pure Java. */
        static final String FAILURE;

        static {
            // ND4J sets OpenBLAS's thread count when its backend starts: start it first so that this setting stays.
            Nd4j.getBackend();
            if (System.getenv("OPENBLAS_NUM_THREADS") == null) {
                openblas.blas_set_num_threads(1);
            }
            // The check's own native calls come back into ready() while this initializer runs; on the initializing
            // thread the JVM lets them through with FAILURE still null (JLS §12.4.2), so they run unchecked, once.
            FAILURE = NativeMathCheck.standard().firstFailure().orElse(null);
        }
    }
}
