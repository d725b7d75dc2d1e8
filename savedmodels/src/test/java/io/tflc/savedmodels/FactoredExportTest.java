package io.tflc.savedmodels;

import io.tflc.compressors.Precision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.CStep;
import io.tflc.compressors.LowRankFactors;
import io.tflc.compressors.lowrank.FixedRank;
import io.tflc.compressors.views.AsIs;
import io.tflc.compressors.views.ConvFilters;
import io.tflc.compressors.views.ConvSpatial;
import io.tflc.compressors.views.View;
import io.tflc.savedmodels.layers.LayerGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Issue 5, acceptance 3: factored low-rank layers serve the nested model's outputs with fewer FLOPs. */
class FactoredExportTest {

    static TrainableModel lenet300(long seed) {
        LayerGraph layers = new LayerGraph(new Graph(), seed);
        Placeholder<TFloat32> input = layers.input(784);
        Operand<TFloat32> x = layers.dense("dense_1", layers.dense("dense", input, 300, true), 100, true);
        return layers.build(input, layers.dense("dense_2", x, 10, false));
    }

    /** A 3×3 convolution of stride 2 with SAME padding (uneven padding on 12×12), as residual networks use. */
    static TrainableModel stridedSame(long seed) {
        LayerGraph layers = new LayerGraph(new Graph(), seed);
        Placeholder<TFloat32> input = layers.input(12, 12, 1);
        Operand<TFloat32> x = layers.relu(layers.conv2d("conv2d", input, 4, 3, 2, "SAME"));
        return layers.build(input, layers.dense("dense", layers.flatten(x), 3, false));
    }

    @ParameterizedTest
    @CsvSource({"lenet300, dense/kernel, 20, as_is", "cnn, conv2d/kernel, 2, conv_filters",
            "cnn, conv2d/kernel, 2, conv_spatial", "strided, conv2d/kernel, 1, conv_spatial"})
    void factoredLayersMatchTheNestedModelWithFewerFlops(String modelName, String weight, int rank, String viewName,
                                                         @TempDir Path dir) throws Exception {
        boolean dense = modelName.equals("lenet300");
        long[] dims = dense ? new long[] {3, 784} : new long[] {3, 12, 12, 1};
        float[] batch = new float[(int) (dims[0] * dims[1] * (dense ? 1 : dims[2]))];
        Random random = new Random(2);
        for (int i = 0; i < batch.length; i++) {
            batch[i] = random.nextFloat();
        }
        Path target = dir.resolve("factored");
        float[] nested;
        long originalFlops;
        try (TrainableModel model = dense ? lenet300(4) : modelName.equals("cnn") ? SavedModelRoundTripTest.cnn(4)
                : stridedSame(4)) {
            originalFlops = totalFlops(model);
            int[] shape = model.weight(weight).dims();
            View view = switch (viewName) {
                case "as_is" -> new AsIs(shape);
                case "conv_filters" -> new ConvFilters(shape);
                default -> new ConvSpatial(shape);
            };
            double[] d = Precision.toDoubles(model.access().read(List.of(weight)).get(weight));
            LowRankFactors theta = (LowRankFactors) new FixedRank(rank).compress(view.pack(List.of(d)), CStep.direct(1));
            model.access().assign(Map.of(weight, Precision.toFloats(view.unpack(theta.decompress()).get(0))));
            nested = FloatRun.run(model.session(), "input", "probabilities", dims, batch);
            ModelExporter.write(model, List.of(new ModelExporter.CompressedTask(List.of(weight), view, theta,
                    ModelExporter.Form.FACTORED)), target, false);
        }
        try (SavedModelBundle bundle = SavedModelBundle.load(target.toString(), "serve")) {
            float[] served = FloatRun.run(bundle.session(), "input", "probabilities", dims, batch);
            for (int i = 0; i < nested.length; i++) {
                assertEquals(nested[i], served[i], 1e-5 * Math.max(1, Math.abs(nested[i])), "output " + i);
            }
        }
        assertEquals(List.of(), io.tflc.savedmodels.safety.OpScan.scan(ServeGraph.read(target)), "factored export");
        try (TrainableModel factored = SavedModelReader.read(target, "serving_default", null, null)) {
            long flops = totalFlops(factored);
            System.out.printf("%s %s rank %d (%s): FLOPs per example %,d → %,d%n", modelName, weight, rank, viewName,
                    originalFlops, flops);
            assertTrue(flops < originalFlops, flops + " vs " + originalFlops);
            assertTrue(factored.weights().stream().noneMatch(w -> w.name().equals(weight)),
                    "the dense weight is gone from the factored model");
        }
    }

    /** Rank selection may choose rank 0: such a layer is stored decoded at load (zeros), not as 0-channel layers. */
    @org.junit.jupiter.api.Test
    void rankZeroExportsAndServesTheNestedModel(@TempDir Path dir) throws Exception {
        long[] dims = {2, 12, 12, 1};
        float[] batch = new float[2 * 144];
        Random random = new Random(3);
        for (int i = 0; i < batch.length; i++) {
            batch[i] = random.nextFloat();
        }
        Path target = dir.resolve("rank0");
        float[] nested;
        try (TrainableModel model = SavedModelRoundTripTest.cnn(4)) {
            View view = new ConvFilters(model.weight("conv2d/kernel").dims());
            double[] d = Precision.toDoubles(model.access().read(List.of("conv2d/kernel")).get("conv2d/kernel"));
            LowRankFactors theta = (LowRankFactors) new FixedRank(0).compress(view.pack(List.of(d)), CStep.direct(1));
            model.access().assign(Map.of("conv2d/kernel", Precision.toFloats(view.unpack(theta.decompress()).get(0))));
            nested = FloatRun.run(model.session(), "input", "probabilities", dims, batch);
            ModelExporter.write(model, List.of(new ModelExporter.CompressedTask(List.of("conv2d/kernel"), view, theta,
                    ModelExporter.Form.FACTORED)), target, false);
        }
        try (SavedModelBundle bundle = SavedModelBundle.load(target.toString(), "serve")) {
            float[] served = FloatRun.run(bundle.session(), "input", "probabilities", dims, batch);
            for (int i = 0; i < nested.length; i++) {
                assertEquals(nested[i], served[i], 1e-6, "output " + i);
            }
        }
    }

    private static long totalFlops(TrainableModel model) {
        return model.weights().stream().mapToLong(w -> Flops.perExample(model, w)).sum();
    }
}
