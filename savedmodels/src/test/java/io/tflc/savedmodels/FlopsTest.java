package io.tflc.savedmodels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tflc.savedmodels.layers.LayerGraph;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

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

    @Test
    void aDepthwiseConvolutionCountsOneFilterPerOutputChannelNotAllInputs() {
        // 9×7×2 input; conv 3×3 VALID → 7×5×6; depthwise 3×3 SAME → 7×5×6, then multiplier 2 → 7×5×12; dense 3.
        LayerGraph layers = new LayerGraph(new Graph(), 1);
        Placeholder<TFloat32> input = layers.input(9, 7, 2);
        Operand<TFloat32> x = layers.conv2d("conv2d", input, 6, 3, true);
        x = layers.depthwiseConv2d("depthwise_conv2d", x, 3);
        x = layers.depthwiseConv2d("depthwise_conv2d_1", x, 3, 2);
        try (TrainableModel model = layers.build(input, layers.dense("dense", layers.flatten(x), 3, false))) {
            // each output value of a depthwise layer is one 3×3 window of one input channel: 9 multiply-adds
            assertEquals(2L * 7 * 5 * 6 * 3 * 3,
                    Flops.perExample(model, model.weight("depthwise_conv2d/depthwise_kernel")));
            assertEquals(7L * 5 * 6, Flops.perExample(model, model.weight("depthwise_conv2d/bias")));
            assertEquals(2L * 7 * 5 * 12 * 3 * 3,
                    Flops.perExample(model, model.weight("depthwise_conv2d_1/depthwise_kernel")));
            assertEquals(7L * 5 * 12, Flops.perExample(model, model.weight("depthwise_conv2d_1/bias")));
            assertEquals(2L * 7 * 5 * 6 * 3 * 3 * 2, Flops.perExample(model, model.weight("conv2d/kernel")));
        }
    }

    @Test
    void theKeywordSpottingDsCnnCountsItsDepthwiseAndPointwiseLayers() {
        // MLPerf Tiny DS-CNN: input 49×10×1; conv 10×4 stride 2 SAME → 25×5×64; then four times depthwise 3×3 SAME
        // (64 channels) and pointwise 1×1 64 → 64 on 25×5; average pool; dense 64 → 12.
        try (TrainableModel model = SavedModelReader.read(SharedFiles.require("savedmodels/mlperf-tiny-kws-dscnn"),
                "serving_default", null, null)) {
            long positions = 25 * 5;
            assertEquals(2L * positions * 64 * 10 * 4, Flops.perExample(model, model.weight("conv2d/kernel")));
            long depthwise = 0;
            long pointwise = 0;
            for (String suffix : new String[] {"", "_1", "_2", "_3"}) {
                depthwise += Flops.perExample(model, model.weight("depthwise_conv2d" + suffix + "/depthwise_kernel"));
            }
            for (int i = 1; i <= 4; i++) {
                pointwise += Flops.perExample(model, model.weight("conv2d_" + i + "/kernel"));
            }
            assertEquals(4 * 2L * positions * 64 * 3 * 3, depthwise);
            assertEquals(4 * 2L * positions * 64 * 64, pointwise);
            assertEquals(2L * 64 * 12, Flops.perExample(model, model.weight("dense/kernel")));
            // BatchNorm is not counted (folding removes it); biases once per output value
            assertEquals(0, Flops.perExample(model, model.weight("batch_normalization_1/gamma")));
            assertEquals(positions * 64, Flops.perExample(model, model.weight("depthwise_conv2d/bias")));
        }
    }
}
