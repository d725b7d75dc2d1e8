package io.tflc.savedmodels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.savedmodels.layers.LayerGraph;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;

class SavedModelRoundTripTest {

    static TrainableModel cnn(long seed) {
        LayerGraph layers = new LayerGraph(new Graph(), seed);
        Placeholder<TFloat32> input = layers.input(12, 12, 1);
        Operand<TFloat32> x = layers.maxPool(layers.conv2d("conv2d", input, 4, 3, true), 2);
        x = layers.dense("dense", layers.flatten(x), 16, true);
        return layers.build(input, layers.dense("dense_1", x, 3, false));
    }

    static float[] run(org.tensorflow.Session session, String input, String output, float[] batch) {
        return FloatRun.run(session, input, output, new long[] {2, 12, 12, 1}, batch);
    }

    @Test
    void writtenModelsServeTheSameOutputsInPlainTfJava(@TempDir Path dir) throws Exception {
        float[] batch = new float[2 * 144];
        Random random = new Random(3);
        for (int i = 0; i < batch.length; i++) {
            batch[i] = random.nextFloat();
        }
        Path target = dir.resolve("model");
        float[] expected;
        try (TrainableModel model = cnn(5)) {
            // Unrelated state (like optimizer slots) must not reach the export.
            Ops.create(model.graph()).withName("slot").varHandleOp(TFloat32.class, Shape.of(3), VarHandleOp.sharedName("slot"));
            expected = run(model.session(), "input", "probabilities", batch);
            ModelExporter.write(model, target, false);
        }
        try (SavedModelBundle bundle = SavedModelBundle.load(target.toString(), "serve")) {
            assertArrayEquals(expected, run(bundle.session(), "input", "probabilities", batch), 0);
            assertNull(bundle.graph().operation("slot"), "ops outside the served output are pruned");
            assertTrue(bundle.metaGraphDef().getSignatureDefMap().containsKey("serving_default"));
        }
        try (TrainableModel back = SavedModelReader.read(target, "serving_default", null, null)) {
            assertEquals("logits", back.logits().op().name(), "the softmax's input is found as the logits");
            assertEquals(6, back.weights().size());
            assertEquals("Conv2D", back.weight("conv2d/kernel").layer());
            assertArrayEquals(expected, run(back.session(), "input", "probabilities", batch), 0);
        }
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().contains(".tmp-")),
                    "no temporary folder left behind");
        }
    }

    @Test
    void anEarlierModelNeedsForce(@TempDir Path dir) throws Exception {
        Path target = Files.createDirectories(dir.resolve("model"));
        try (TrainableModel model = cnn(6)) {
            ModelExporter.write(model, target, false); // an empty folder takes a model without --force
            FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                    () -> ModelExporter.write(model, target, false));
            assertTrue(e.getMessage().contains("--force"), e.getMessage());
            ModelExporter.write(model, target, true);
            assertTrue(Files.exists(target.resolve("saved_model.pb")));
        }
    }

    @Test
    void aFolderWithoutSavedModelIsNamedInTheError(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SavedModelReader.read(dir, "serving_default", null, null));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("saved_model.pb"));
    }

    @Test
    void weightAccessRoundTrips() {
        try (TrainableModel model = cnn(7)) {
            float[] ones = new float[16 * 3];
            java.util.Arrays.fill(ones, 1f);
            model.access().assign(Map.of("dense_1/kernel", ones));
            assertArrayEquals(ones, model.access().read(java.util.List.of("dense_1/kernel")).get("dense_1/kernel"));
        }
    }
}
