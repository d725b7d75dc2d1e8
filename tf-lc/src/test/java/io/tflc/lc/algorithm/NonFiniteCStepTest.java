package io.tflc.lc.algorithm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Compression;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.Theta;
import io.tflc.compressors.Uncompressed;
import io.tflc.compressors.quantization.AdaptiveCodebook;
import io.tflc.compressors.views.AsIs;
import io.tflc.lc.FashionMnist;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** NaN entering or leaving a C-step stops the run with the task, its weights and the LC step named. */
class NonFiniteCStepTest {
    private static final Dataset TRAIN = FashionMnist.get().train().head(500);
    private static final Dataset TEST = FashionMnist.get().test().head(200);

    @Test
    void nanInTheReferenceWeightsIsNamedBeforeDirectCompression() throws Exception {
        try (TrainableModel model = linearModel()) {
            float[] kernel = model.access().read(List.of("dense/kernel")).get("dense/kernel");
            kernel[7 * 10 + 3] = Float.NaN;
            model.access().assign(Map.of("dense/kernel", kernel));

            CStepException e = assertThrows(CStepException.class, () -> run(model, new AdaptiveCodebook(2)));

            assertTrue(e.getMessage().startsWith("the weights of task fc (dense/kernel) in the reference model (direct "
                    + "compression): NaN at [7, 3] of 784×10; the model holds non-finite weights"), e.getMessage());
        }
    }

    /** A C-step whose result is not finite (as a wrong native kernel gave, issue 12) is named with its LC step. */
    @Test
    void aNonFiniteCStepResultIsNamedWithItsStep() throws Exception {
        Compression nanAfterDirect = new Compression() {
            @Override
            public Theta compress(Matrix x, CStep step) {
                double[] values = x.toArray();
                if (step.lcStep() > 0) {
                    values[0] = Double.NaN;
                }
                return new Uncompressed(Matrix.of(x.rows(), x.cols(), values));
            }

            @Override
            public String describe() {
                return "nan_after_dc";
            }
        };
        try (TrainableModel model = linearModel()) {
            CStepException e = assertThrows(CStepException.class, () -> run(model, nanAfterDirect));

            assertTrue(e.getMessage().equals("the C-step (nan_after_dc) of task fc (dense/kernel) after the L-step of "
                    + "LC step 1 (μ=0.001) returned non-finite values: NaN at [0, 0] of 784×10"), e.getMessage());
        }
    }

    private static TrainableModel linearModel() {
        LayerGraph layers = new LayerGraph(new Graph(), 4);
        Placeholder<TFloat32> input = layers.input(784);
        return layers.build(input, layers.dense("dense", input, 10, false));
    }

    private static void run(TrainableModel model, Compression compression) throws Exception {
        List<Task> tasks = List.of(new Task("fc", List.of("dense/kernel"), new AsIs(new int[] {784, 10}), compression));
        new LcRun(model, tasks, new MuSchedule(1e-3, 1.5, 2),
                new LStepSettings(1, 1, 100, new Optimizer(Optimizer.SGD_NESTEROV, 0.9), 0.01, 1),
                TRAIN, TEST, 1, new LcRun.Listener() { }, null, "plan").run(false);
    }
}
