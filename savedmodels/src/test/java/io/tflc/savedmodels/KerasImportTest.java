package io.tflc.savedmodels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.SavedModelBundle;

/** The public Keras models in ../shared, imported as flat trainable graphs (issue 4, acceptance 1). */
class KerasImportTest {

    @ParameterizedTest
    @CsvSource({
        "keras-mnist-mlp, 0.00392156862745098, 'dense/bias,dense/kernel,dense_1/bias,dense_1/kernel', true",
        "keras-mnist-cnn, 1, 'conv2d/bias,conv2d/kernel,conv2d_1/bias,conv2d_1/kernel,conv2d_2/bias,conv2d_2/kernel,"
                + "dense/bias,dense/kernel,dense_1/bias,dense_1/kernel', false"})
    void importedGraphsReproduceTheOriginalOn100Images(String name, float scale, String weights, boolean softmax)
            throws Exception {
        Path dir = SharedFiles.require("savedmodels/" + name);
        float[] images = SharedFiles.mnistImages(100);
        for (int i = 0; i < images.length; i++) {
            images[i] *= scale;
        }
        try (TrainableModel model = SavedModelReader.read(dir, "serving_default", null, null)) {
            assertEquals(List.of(weights.split(",")), model.weights().stream().map(ModelWeight::name).toList(),
                    "trainable weights only: no optimizer slots, no metrics");
            long[] dims = model.input().shape().asArray();
            dims[0] = 100;
            float[] flat = FloatRun.run(model.session(), model.input().op().name() + ":0",
                    model.output().op().name() + ":" + model.output().index(), dims, images);
            String inputTensor;
            String outputTensor;
            float[] original;
            try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve")) {
                var signature = bundle.metaGraphDef().getSignatureDefMap().get("serving_default");
                inputTensor = signature.getInputsMap().values().iterator().next().getName();
                outputTensor = signature.getOutputsMap().values().iterator().next().getName();
                original = FloatRun.run(bundle.session(), inputTensor, outputTensor, dims, images);
            }
            double worst = 0;
            for (int i = 0; i < flat.length; i++) {
                worst = Math.max(worst, Math.abs(flat[i] - original[i]));
            }
            assertTrue(worst <= 1e-5, name + ": max |flat − original| = " + worst);
            // The MLP serves probabilities: training uses the Softmax's input. The CNN serves logits already.
            assertEquals(softmax, !model.logits().equals(model.output()));
            assertEquals(softmax ? "BiasAdd" : model.output().op().type(), model.logits().op().type());
        }
    }
}
