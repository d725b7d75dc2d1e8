package io.tflc.savedmodels;

import io.tflc.compressors.Precision;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Compression;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.Theta;
import io.tflc.compressors.additive.AdditiveCombination;
import io.tflc.compressors.factors.SparseQuantizedFactors;
import io.tflc.compressors.lowrank.FixedRank;
import io.tflc.compressors.lowrank.RankSelection;
import io.tflc.compressors.pruning.L0Constraint;
import io.tflc.compressors.pruning.L0Penalty;
import io.tflc.compressors.pruning.L1Constraint;
import io.tflc.compressors.pruning.L1Penalty;
import io.tflc.compressors.quantization.AdaptiveCodebook;
import io.tflc.compressors.quantization.Binary;
import io.tflc.compressors.quantization.FixedCodebook;
import io.tflc.compressors.quantization.ScaledBinary;
import io.tflc.compressors.quantization.ScaledTernary;
import io.tflc.compressors.quantization.VectorQuantization;
import io.tflc.compressors.views.AsIs;
import io.tflc.compressors.views.Concatenated;
import io.tflc.compressors.views.ConvFilters;
import io.tflc.compressors.views.ConvSpatial;
import io.tflc.compressors.views.View;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.SavedModelBundle;

/**
 * Every compression type exports, reloads in plain TF Java and serves exactly the nested model (weights := Δ(Θ)):
 * the small CNN of {@link SavedModelRoundTripTest} (conv kernel [3, 3, 1, 4], dense [100, 16], dense_1 [16, 3]).
 */
class CompressedRoundTripTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("adaptive codebook k=4", "dense/kernel", "as_is", new AdaptiveCodebook(4)),
                Arguments.of("adaptive codebook k=1", "dense/kernel", "as_is", new AdaptiveCodebook(1)),
                Arguments.of("adaptive codebook k=8 (3-bit codes)", "dense/kernel", "as_is", new AdaptiveCodebook(8)),
                Arguments.of("fixed codebook", "dense/kernel", "as_is", new FixedCodebook(new double[] {-0.1, 0, 0.1})),
                Arguments.of("binary", "dense/kernel", "as_is", new Binary()),
                Arguments.of("scaled binary", "dense/kernel", "as_is", new ScaledBinary()),
                Arguments.of("scaled ternary", "dense/kernel", "as_is", new ScaledTernary()),
                Arguments.of("vector quantization", "dense/kernel", "as_is", new VectorQuantization(4, 2)),
                Arguments.of("l0 constraint 5% (gaps)", "dense/kernel", "as_is", L0Constraint.keepFraction(0.05)),
                Arguments.of("l0 constraint 60% (bitmap)", "dense/kernel", "as_is", L0Constraint.keepFraction(0.6)),
                Arguments.of("l1 constraint", "dense/kernel", "as_is", new L1Constraint(5)),
                Arguments.of("l0 penalty", "dense/kernel", "as_is", new L0Penalty(1e-3)),
                Arguments.of("l1 penalty", "dense/kernel", "as_is", new L1Penalty(0.05)),
                Arguments.of("low rank 3", "dense/kernel", "as_is", new FixedRank(3)),
                Arguments.of("low rank 0", "dense/kernel", "as_is", new FixedRank(0)),
                Arguments.of("low rank full (uncompressed)", "dense_1/kernel", "as_is", new FixedRank(99)),
                Arguments.of("rank selection", "dense/kernel", "as_is", new RankSelection(0.015)),
                Arguments.of("low rank conv filters", "conv2d/kernel", "conv_filters", new FixedRank(2)),
                Arguments.of("low rank conv spatial", "conv2d/kernel", "conv_spatial", new FixedRank(2)),
                Arguments.of("codebook over two layers", "dense/kernel,dense_1/kernel", "concatenated",
                        new AdaptiveCodebook(2)),
                Arguments.of("sparse factors, 2-bit values, 4-bit codebook", "dense/kernel", "as_is",
                        new SparseQuantizedFactors(16, 4, 2, 2, 4)),
                Arguments.of("sparse factors, unit values (VQ)", "dense/kernel", "as_is",
                        new SparseQuantizedFactors(8, 4, 1, 0, 8)),
                Arguments.of("sparse factors, two unit terms", "dense/kernel", "as_is",
                        new SparseQuantizedFactors(8, 4, 2, 0, 8)),
                Arguments.of("sparse factors, 1-bit values, float codebook", "dense/kernel", "as_is",
                        new SparseQuantizedFactors(8, 8, 2, 1, 32)),
                Arguments.of("additive codebook + 2% corrections", "dense/kernel", "as_is",
                        new AdditiveCombination(List.of(new AdaptiveCodebook(2), L0Constraint.keepFraction(0.02)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void exportsReloadsAndMatchesTheNestedModel(String label, String weights, String viewName, Compression compression,
                                                @TempDir Path dir) throws Exception {
        float[] batch = new float[2 * 144];
        Random random = new Random(5);
        for (int i = 0; i < batch.length; i++) {
            batch[i] = random.nextFloat();
        }
        Path target = dir.resolve("compressed");
        float[] nested;
        long denseBytes;
        try (TrainableModel model = SavedModelRoundTripTest.cnn(9)) {
            List<String> names = List.of(weights.split(","));
            List<int[]> shapes = names.stream().map(n -> model.weight(n).dims()).toList();
            View view = switch (viewName) {
                case "as_is" -> new AsIs(shapes.get(0));
                case "conv_filters" -> new ConvFilters(shapes.get(0));
                case "conv_spatial" -> new ConvSpatial(shapes.get(0));
                default -> new Concatenated(shapes);
            };
            Map<String, float[]> current = model.access().read(names);
            List<double[]> values = new ArrayList<>();
            for (String n : names) {
                values.add(Precision.toDoubles(current.get(n)));
            }
            Theta theta = compression.compress(view.pack(values), CStep.direct(1));
            Matrix delta = theta.decompress();
            List<double[]> unpacked = view.unpack(delta);
            Map<String, float[]> assign = new LinkedHashMap<>();
            denseBytes = 0;
            for (int i = 0; i < names.size(); i++) {
                assign.put(names.get(i), Precision.toFloats(unpacked.get(i)));
                denseBytes += 4L * unpacked.get(i).length;
            }
            model.access().assign(assign);
            nested = SavedModelRoundTripTest.run(model.session(), "input", "probabilities", batch);
            ModelExporter.write(model, List.of(new ModelExporter.CompressedTask(names, view, theta,
                    ModelExporter.Form.DENSE)), target, false);
            assertTrue(theta.bits() / 8 < denseBytes || label.contains("uncompressed") || label.contains("60%"),
                    label + ": Θ takes " + theta.bits() / 8 + " bytes of " + denseBytes);
        }
        try (SavedModelBundle bundle = SavedModelBundle.load(target.toString(), "serve")) {
            assertArrayEquals(nested, SavedModelRoundTripTest.run(bundle.session(), "input", "probabilities", batch),
                    1e-5f, label);
        }
        try (var files = Files.list(target.resolve("variables"))) {
            assertTrue(files.count() >= 2);
        }
        // The decoders use allowed ops only: tf-lc's exports pass its own op scan (issue 13).
        assertEquals(List.of(), io.tflc.savedmodels.safety.OpScan.scan(ServeGraph.read(target)), label);
    }
}
