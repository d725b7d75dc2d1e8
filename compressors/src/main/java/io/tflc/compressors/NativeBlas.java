package io.tflc.compressors;

import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.factory.Nd4j;

/**
 * OpenBLAS, which serves ND4J's matrix products and the C-steps' LAPACK routines, runs on one thread unless
 * {@code OPENBLAS_NUM_THREADS} says otherwise. The LC loop runs the C-steps of its tasks in parallel, next to TF's
 * thread pools; OpenBLAS's workers spin while waiting for work, and on a 2-core machine a 784×300 SVD that takes
 * 30–60 ms alone took 1–4 s when TF or another process held the cores (measured 2026-11-24; one thread: 33–95 ms).
 */
public final class NativeBlas {
    static {
        // ND4J sets OpenBLAS's thread count when its backend starts: start it first so that this setting stays.
        Nd4j.getBackend();
        if (System.getenv("OPENBLAS_NUM_THREADS") == null) {
            openblas.blas_set_num_threads(1);
        }
    }

    private NativeBlas() {
    }

    /** Call before using OpenBLAS (directly or through ND4J); the first call applies the setting above. */
    public static void ready() {
        // The work is in the static initializer, which the JVM runs once, thread-safely, at the first call.
    }
}
