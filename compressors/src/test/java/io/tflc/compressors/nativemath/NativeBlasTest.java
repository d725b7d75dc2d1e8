package io.tflc.compressors.nativemath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tflc.compressors.Matrix;
import io.tflc.compressors.lowrank.Svd;
import org.bytedeco.openblas.global.openblas;
import org.junit.jupiter.api.Test;

/** After ND4J has started and a C-step has used LAPACK, OpenBLAS runs on one thread (see {@link NativeBlas}). */
class NativeBlasTest {

    @Test
    void openBlasRunsSingleThreadedAfterNd4jStarted() {
        assumeTrue(System.getenv("OPENBLAS_NUM_THREADS") == null,
                "OPENBLAS_NUM_THREADS is set, and NativeBlas respects it");
        Matrix x = Matrix.of(3, 2, new double[] {1, 2, 3, 4, 5, 6});
        x.times(Matrix.of(2, 2, new double[] {1, 0, 0, 1}));
        Svd.of(x);
        assertEquals(1, openblas.blas_get_num_threads());
    }
}
