package io.tflc.compressors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflc.compressors.id.PivotedQr;
import io.tflc.compressors.id.StackedR;
import io.tflc.compressors.lowrank.FixedRank;
import io.tflc.compressors.lowrank.Svd;
import org.junit.jupiter.api.Test;

/** NaN or infinity entering a native routine is named where it enters, never left to LAPACK's error codes. */
class FiniteTest {
    private static final Matrix WITH_NAN = Matrix.of(2, 3, new double[] {1, 2, 3, 4, Double.NaN, 6});

    @Test
    void namesTheFirstNonFiniteValueByRowAndColumn() {
        NonFiniteException e = assertThrows(NonFiniteException.class, () -> Finite.require(WITH_NAN, "the weights"));
        assertEquals("the weights: NaN at [1, 1] of 2×3", e.getMessage());
        Finite.require(Matrix.of(1, 2, new double[] {1, -1e300}), "finite values");
    }

    @Test
    void theNativeRoutinesRefuseNonFiniteInput() {
        assertEquals("the input of an SVD: NaN at [1, 1] of 2×3",
                assertThrows(NonFiniteException.class, () -> Svd.of(WITH_NAN)).getMessage());
        assertEquals("the input of a pivoted QR: NaN at [1, 1] of 2×3",
                assertThrows(NonFiniteException.class, () -> PivotedQr.of(WITH_NAN)).getMessage());
        double[] block = {1, 2, Double.NEGATIVE_INFINITY, 4};
        assertEquals("a block of rows for a QR: -Infinity at [1, 0] of 2×2",
                assertThrows(NonFiniteException.class, () -> new StackedR(2).add(block, 2)).getMessage());
        assertThrows(NonFiniteException.class, () -> new FixedRank(1).compress(WITH_NAN, CStep.direct(1)));
    }
}
