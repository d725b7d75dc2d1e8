package io.tflc.savedmodels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Compression;
import io.tflc.compressors.Precision;
import io.tflc.compressors.Theta;
import io.tflc.compressors.lowrank.FixedRank;
import io.tflc.compressors.quantization.AdaptiveCodebook;
import io.tflc.compressors.views.Depthwise;
import io.tflc.savedmodels.layers.LayerGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** A depthwise kernel compressed in the depthwise view exports, reloads in plain TF Java, serves the nested model. */
class DepthwiseExportTest {
    private static final long[] BATCH = {3, 8, 8, 2};

    @Test
    void lowRankAndCodebookInTheDepthwiseViewServeTheNestedModel(@TempDir Path dir) throws Exception {
        for (Compression compression : List.of(new FixedRank(2), new AdaptiveCodebook(4))) {
            float[] batch = new float[3 * 8 * 8 * 2];
            Random random = new Random(11);
            for (int i = 0; i < batch.length; i++) {
                batch[i] = random.nextFloat();
            }
            Path target = dir.resolve(compression.describe());
            float[] nested;
            float[] original;
            LayerGraph layers = new LayerGraph(new Graph(), 3);
            Placeholder<TFloat32> input = layers.input(8, 8, 2);
            Operand<TFloat32> x = layers.conv2d("conv2d", input, 6, 3, true);
            x = layers.relu(layers.depthwiseConv2d("depthwise_conv2d", x, 3));
            try (TrainableModel model = layers.build(input, layers.dense("dense", layers.flatten(x), 3, false))) {
                String name = "depthwise_conv2d/depthwise_kernel";
                Depthwise view = new Depthwise(model.weight(name).dims());
                original = FloatRun.run(model.session(), "input", "probabilities", BATCH, batch);
                Theta theta = compression.compress(
                        view.pack(List.of(Precision.toDoubles(model.access().read(List.of(name)).get(name)))),
                        CStep.direct(1));
                assertEquals("9×6", theta.decompress().shape());
                model.access().assign(Map.of(name, Precision.toFloats(view.unpack(theta.decompress()).get(0))));
                nested = FloatRun.run(model.session(), "input", "probabilities", BATCH, batch);
                ModelExporter.write(model, List.of(new ModelExporter.CompressedTask(List.of(name), view, theta,
                        ModelExporter.Form.DENSE)), target, false);
            }
            try (SavedModelBundle bundle = SavedModelBundle.load(target.toString(), "serve")) {
                float[] served = FloatRun.run(bundle.session(), "input", "probabilities", BATCH, batch);
                assertArrayEquals(nested, served, 1e-5f, compression.describe());
                double moved = 0;
                for (int i = 0; i < served.length; i++) {
                    moved = Math.max(moved, Math.abs(served[i] - original[i]));
                }
                assertTrue(moved > 1e-4, compression.describe() + " changed the kernel, so the outputs move: " + moved);
            }
        }
    }
}
