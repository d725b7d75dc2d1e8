package io.tflc.savedmodels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** TF1 SavedModels (reference variables, a classic saver, a fixed batch, two outputs) import, train and export. */
class Tf1ImportTest {
    private static final int[] EXAMPLE = {6, 6, 1};
    private static final int BATCH = 8;

    @Test
    void referenceVariablesBecomeResourceVariablesAndServeTheSame(@TempDir Path dir) {
        Path saved = Tf1Models.write(dir.resolve("tf1"), BATCH, EXAMPLE, 3, true, 1);
        float[] batch = inputs(BATCH);
        try (TrainableModel model = SavedModelReader.read(saved, "serving_default", null, null);
             SavedModelBundle original = SavedModelBundle.load(saved.toString(), "serve")) {
            assertEquals(List.of("bn_beta", "bn_gamma", "bn_moving_mean", "bn_moving_variance", "conv_kernel",
                    "dense_bias", "dense_kernel"), model.weights().stream().map(ModelWeight::name).toList());
            assertEquals(List.of("bn_beta", "bn_gamma", "conv_kernel", "dense_bias", "dense_kernel"),
                    model.trainableWeights().stream().map(ModelWeight::name).toList());
            Set<String> types = opTypes(model.graph());
            for (String gone : List.of("VariableV2", "Assign", "FusedBatchNorm", "ApplyGradientDescent")) {
                assertFalse(types.contains(gone), gone + " left in " + types);
            }
            assertTrue(types.contains("FusedBatchNormV3"), "v1 BatchNorm upgraded to V3");
            assertEquals(List.of(), Preflight.missingGradients(model), "every op on the way to the logits has a "
                    + "gradient (the v1 BatchNorm has none)");
            assertEquals("probabilities", model.outputName(), "the one float output is trained");
            assertEquals(Set.of("classes"), model.declared().otherOutputs().keySet());
            assertEquals(0, model.declared().fixedBatch(), "the batch dimension is relaxed");

            // The weights are the checkpoint's (restored by the model's own saver through the rewritten assigns).
            float[] kernel = model.access().read(List.of("conv_kernel")).get("conv_kernel");
            try (Result r = original.session().runner().fetch("conv_kernel_read").run()) {
                float[] expected = new float[kernel.length];
                ((TFloat32) r.get(0)).asRawTensor().data().asFloats().read(expected);
                assertArrayEquals(expected, kernel, 0);
            }
            float[] mine = run(model, batch, BATCH);
            assertArrayEquals(FloatRun.run(original.session(), "input:0", "probabilities:0",
                    new long[] {BATCH, 6, 6, 1}, batch), mine, 1e-6f);
            // Any batch size now runs, with the same output per example.
            float[] three = run(model, Arrays.copyOf(batch, 3 * 36), 3);
            assertArrayEquals(Arrays.copyOf(mine, three.length), three, 1e-6f);
        }
    }

    @Test
    void gradientsFlowIntoTheFormerReferenceVariables(@TempDir Path dir) {
        Path saved = Tf1Models.write(dir.resolve("tf1"), BATCH, EXAMPLE, 3, true, 2);
        try (TrainableModel model = SavedModelReader.read(saved, "serving_default", null, null)) {
            Ops tf = Ops.create(model.graph());
            var loss = tf.math.mean(tf.math.square(model.logits()), tf.constant(new int[] {0, 1}));
            List<Output<?>> handles = new ArrayList<>();
            model.trainableWeights().forEach(w -> handles.add(w.handle()));
            Output<?>[] gradients = model.graph().addGradients(loss.asOutput(), handles.toArray(Output[]::new));
            try (TFloat32 x = TFloat32.tensorOf(org.tensorflow.ndarray.Shape.of(4, 6, 6, 1))) {
                x.asRawTensor().data().asFloats().write(inputs(4));
                var runner = model.session().runner().feed(model.input(), x);
                for (Output<?> g : gradients) {
                    runner.fetch(g);
                }
                try (Result r = runner.run()) {
                    for (int i = 0; i < gradients.length; i++) {
                        TFloat32 g = (TFloat32) r.get(i);
                        float[] values = new float[(int) g.shape().size()];
                        g.asRawTensor().data().asFloats().read(values);
                        double norm = 0;
                        for (float v : values) {
                            norm += v * v;
                        }
                        assertTrue(norm > 0, "gradient of " + model.trainableWeights().get(i).name() + " is zero");
                    }
                }
            }
        }
    }

    @Test
    void exportsResourceVariablesWithTheOriginalSignature(@TempDir Path dir) throws Exception {
        Path saved = Tf1Models.write(dir.resolve("tf1"), BATCH, EXAMPLE, 3, true, 3);
        Path exported = dir.resolve("export");
        float[] batch = inputs(BATCH);
        float[] expected;
        try (TrainableModel model = SavedModelReader.read(saved, "serving_default", null, null)) {
            expected = run(model, batch, BATCH);
            ModelExporter.write(model, exported, false);
        }
        try (SavedModelBundle bundle = SavedModelBundle.load(exported.toString(), "serve")) {
            var signature = bundle.metaGraphDef().getSignatureDefOrThrow("serving_default");
            assertEquals(Set.of("images"), signature.getInputsMap().keySet());
            assertEquals(Set.of("classes", "probabilities"), signature.getOutputsMap().keySet());
            assertFalse(opTypes(bundle.graph()).contains("VariableV2"));
            assertTrue(opTypes(bundle.graph()).contains("VarHandleOp"));
            assertArrayEquals(expected, FloatRun.run(bundle.session(), signature.getInputsOrThrow("images").getName(),
                    signature.getOutputsOrThrow("probabilities").getName(), new long[] {BATCH, 6, 6, 1}, batch), 1e-6f);
        }
    }

    @Test
    void aGraphWithItsBatchBuiltInKeepsItsFixedBatch(@TempDir Path dir) {
        Path saved = Tf1Models.write(dir.resolve("tf1"), BATCH, EXAMPLE, 3, false, 4);
        try (TrainableModel model = SavedModelReader.read(saved, "serving_default", null, null)) {
            assertEquals(BATCH, model.declared().fixedBatch());
            assertEquals(BATCH, model.input().shape().size(0));
            assertEquals(BATCH * 3, run(model, inputs(BATCH), BATCH).length);
        }
    }

    private static float[] run(TrainableModel model, float[] values, int batch) {
        return FloatRun.run(model.session(), model.input().op().name(), model.output().op().name() + ":"
                + model.output().index(), new long[] {batch, 6, 6, 1}, values);
    }

    private static float[] inputs(int batch) {
        Random random = new Random(batch);
        float[] v = new float[batch * 36];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextFloat();
        }
        return v;
    }

    private static Set<String> opTypes(Graph graph) {
        Set<String> types = new TreeSet<>();
        graph.operations().forEachRemaining(op -> types.add(((GraphOperation) op).type()));
        return types;
    }
}
