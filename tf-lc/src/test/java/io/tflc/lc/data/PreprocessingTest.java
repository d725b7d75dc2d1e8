package io.tflc.lc.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PreprocessingTest {

    @Test
    void scaleThenMeanAndStdPerChannel() {
        float[] x = {10, 20, 30, 40, 50, 60}; // two pixels of three channels
        Preprocessing.apply(x, new int[] {2, 3}, new DataSpec.Preprocess(0.5f, new float[] {5, 10, 15},
                new float[] {1, 2, 5}, false, null));
        assertArrayEquals(new float[] {0, 0, 0, 15, 7.5f, 3}, x);
        float[] y = {1, 2, 3, 4};
        Preprocessing.apply(y, new int[] {4}, new DataSpec.Preprocess(1f, new float[] {1}, null, false, null));
        assertArrayEquals(new float[] {0, 1, 2, 3}, y); // one mean serves every channel
    }

    @Test
    void perImageStandardizationIsTfsFormula() {
        float[] x = {1, 2, 3, 4, 7, 7, 7, 7};
        Preprocessing.apply(x, new int[] {4}, new DataSpec.Preprocess(1f, null, null, true, null));
        double std = Math.sqrt(1.25); // of 1, 2, 3, 4
        for (int i = 0; i < 4; i++) {
            assertEquals((float) ((i + 1 - 2.5) / std), x[i]);
        }
        for (int i = 4; i < 8; i++) {
            assertEquals(0f, x[i]); // a flat image divides by 1/√N, not by 0
        }
    }

    @Test
    void meanOrStdOfAnotherLengthThanTheChannelsIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Preprocessing.apply(
                new float[12], new int[] {2, 2, 3}, new DataSpec.Preprocess(1f, new float[] {0.5f, 0.5f}, null,
                        false, null)));
        assertTrue(e.getMessage().contains("mean has 2 values") && e.getMessage().contains("3 channels"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Preprocessing.apply(new float[3], new int[] {3},
                new DataSpec.Preprocess(1f, null, new float[] {1, 0, 1}, false, null)));
    }
}
