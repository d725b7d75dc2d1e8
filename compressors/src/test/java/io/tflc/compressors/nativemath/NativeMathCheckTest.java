package io.tflc.compressors.nativemath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.Matrix;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NativeMathCheckTest {

    @Test
    void nativeMathAgreesWithJavaOnThisMachine() {
        assertEquals(Optional.empty(), NativeMathCheck.standard().firstFailure());
        NativeBlas.ready();
    }

    /** A reference that is wrong by 1e-7 of its scale at one entry fails every problem: none is vacuous. */
    @Test
    void everyProblemCatchesASmallError() {
        for (NativeMathCheck.Problem problem : NativeMathCheck.standard().problems()) {
            NativeMathCheck.Problem tampered = new NativeMathCheck.Problem(problem.name(), problem.nativeResult(), () -> {
                double[] reference = problem.reference().get();
                double scale = 1;
                for (double v : reference) {
                    scale = Math.max(scale, Math.abs(v));
                }
                reference[reference.length / 2] += 1e-7 * scale;
                return reference;
            });
            Optional<String> failure = new NativeMathCheck(List.of(tampered)).firstFailure();
            assertTrue(failure.isPresent(), problem.name() + " did not notice a wrong reference");
            assertTrue(failure.get().contains(problem.name()), failure.get());
        }
    }

    @Test
    void aMismatchNamesTheLibraryItsCoreTypeAndTheWorkaround() {
        Matrix a = Matrix.of(2, 2, new double[] {1, 2, 3, 4});
        NativeMathCheck wrong = new NativeMathCheck(List.of(new NativeMathCheck.Problem("a 2×2 square",
                () -> a.times(a).toArray(), () -> new double[] {7, 10, 15, 23})));

        String message = wrong.firstFailure().orElseThrow();

        String core = OpenBlasCore.detect().orElseThrow();
        assertTrue(message.startsWith("native maths is wrong on this machine: a 2×2 square differs from a pure-Java "
                + "result by 0.0435"), message);
        assertTrue(message.contains("OpenBLAS " + NativeBlas.version() + " with its " + core + " kernels"), message);
        String forced = System.getenv("OPENBLAS_CORETYPE");
        String workaround = "Haswell".equalsIgnoreCase(forced) ? "Sandybridge" : "Haswell";
        assertTrue(message.contains("export OPENBLAS_CORETYPE=" + workaround), message);
    }

    @Test
    void aNativeResultWithNaNOrAnErrorFails() {
        NativeMathCheck nan = new NativeMathCheck(List.of(new NativeMathCheck.Problem("NaN",
                () -> new double[] {1, Double.NaN}, () -> new double[] {1, 2})));
        assertTrue(nan.firstFailure().orElseThrow().contains("NaN differs from a pure-Java result by NaN"));

        NativeMathCheck error = new NativeMathCheck(List.of(new NativeMathCheck.Problem("a failing call", () -> {
            throw new ArithmeticException("LAPACK info=-4");
        }, () -> new double[] {1})));
        assertTrue(error.firstFailure().orElseThrow().contains("a failing call failed: LAPACK info=-4"));
    }

    @Test
    void aNonFiniteResultFromFiniteInputIsANativeMathError() {
        NativeMathException e = assertThrows(NativeMathException.class,
                () -> NativeBlas.requireFiniteResult(new double[] {0, Double.POSITIVE_INFINITY}, "the SVD of a 2×1 matrix"));
        assertTrue(e.getMessage().contains("the SVD of a 2×1 matrix returned Infinity from finite input"), e.getMessage());
    }

    @Test
    void theVersionIsTheOneThePomPins() {
        assertEquals("0.3.26", NativeBlas.version());
    }
}
