package io.tflc.savedmodels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FlopsTest {
    @Test
    void countsMultiplyAddsTwiceAndBiasesOnce() {
        // 12×12×1 input; conv 3×3 → 10×10×4; pool 2 → 5×5×4 = 100; dense 16; dense 3.
        try (TrainableModel model = SavedModelRoundTripTest.cnn(1)) {
            assertEquals(2L * 10 * 10 * 4 * 3 * 3 * 1, Flops.perExample(model, model.weight("conv2d/kernel")));
            assertEquals(10L * 10 * 4, Flops.perExample(model, model.weight("conv2d/bias")));
            assertEquals(2L * 100 * 16, Flops.perExample(model, model.weight("dense/kernel")));
            assertEquals(3, Flops.perExample(model, model.weight("dense_1/bias")));
        }
    }
}
