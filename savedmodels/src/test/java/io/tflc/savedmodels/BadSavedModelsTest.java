package io.tflc.savedmodels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.savedmodels.layers.LayerGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Every kind of bad SavedModel fails with a message that names the file and the fix. */
class BadSavedModelsTest {

    private static Path export(Path dir, String name, int hidden) throws Exception {
        LayerGraph layers = new LayerGraph(new Graph(), 1);
        Placeholder<TFloat32> input = layers.input(6);
        try (TrainableModel model = layers.build(input, layers.dense("dense_1", layers.dense("dense", input, hidden,
                true), 3, false))) {
            ModelExporter.write(model, dir.resolve(name), false);
        }
        return dir.resolve(name);
    }

    private static IllegalArgumentException failure(Path dir, String signature, String input, String output) {
        return assertThrows(IllegalArgumentException.class, () -> SavedModelReader.read(dir, signature, input, output));
    }

    @Test
    void truncatedSavedModelPb(@TempDir Path tmp) throws Exception {
        Path model = export(tmp, "m", 4);
        Path pb = model.resolve("saved_model.pb");
        byte[] bytes = Files.readAllBytes(pb);
        Files.write(pb, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        IllegalArgumentException e = failure(model, "serving_default", null, null);
        assertTrue(e.getMessage().contains(pb.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void missingVariables(@TempDir Path tmp) throws Exception {
        Path model = export(tmp, "m", 4);
        try (Stream<Path> files = Files.list(model.resolve("variables"))) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        IllegalArgumentException e = failure(model, "serving_default", null, null);
        assertTrue(e.getMessage().contains("variables.index") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void variablesOfAnotherModel(@TempDir Path tmp) throws Exception {
        Path model = export(tmp, "small", 4);
        Path other = export(tmp, "large", 9);
        try (Stream<Path> files = Files.list(other.resolve("variables"))) {
            for (Path f : files.toList()) {
                Files.copy(f, model.resolve("variables").resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        IllegalArgumentException e = failure(model, "serving_default", null, null);
        assertTrue(e.getMessage().contains(model.toString()) && e.getMessage().contains("do not match"),
                e.getMessage());
    }

    @Test
    void unknownSignatureAndTensorNamesListTheChoices(@TempDir Path tmp) throws Exception {
        Path model = export(tmp, "m", 4);
        IllegalArgumentException signature = failure(model, "predict", null, null);
        assertTrue(signature.getMessage().contains("serving_default"), signature.getMessage());
        IllegalArgumentException input = failure(model, "serving_default", "image", null);
        assertTrue(input.getMessage().contains("'image'") && input.getMessage().contains("input"), input.getMessage());
        IllegalArgumentException output = failure(model, "serving_default", null, "logits");
        assertTrue(output.getMessage().contains("probabilities"), output.getMessage());
    }

    @Test
    void opsWithoutGradientAreListedWithTheirFix() {
        LayerGraph layers = new LayerGraph(new Graph(), 1);
        Placeholder<TFloat32> input = layers.input(6);
        var hidden = layers.ops().math.round(layers.dense("dense", input, 4, false));
        try (TrainableModel model = layers.build(input, layers.dense("dense_1", hidden, 3, false))) {
            List<Preflight.Problem> problems = Preflight.missingGradients(model);
            assertEquals(1, problems.size(), problems.toString());
            assertEquals("Round", problems.get(0).opType());
            assertTrue(problems.get(0).fix().contains("registerCustomGradient"));
        }
    }
}
